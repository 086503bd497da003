"""Themes in the running app: register them with Textual, apply carman's colours, re-render.

``install_themes(app)`` (called from ``CarmanApp.on_mount``):

1. loads shipped and user themes with ``tui.core.theme_files``, checking colours exactly with
   Textual's and Rich's own parsers, and registers each valid one as a ``textual.theme.Theme``;
2. notifies about every skipped theme file (file:line: field: why);
3. applies ``config.toml``'s ``theme`` — or ``carman-dark`` with a warning when it is unknown;
4. keeps carman's own palettes (method badges, status line, JSON highlighting, URL
   ``{{variables}}``) in step with ``app.theme``: they are set synchronously when the theme
   changes, and widgets that cache rendered text are re-rendered on ``theme_changed_signal``.

NO_COLOR: when the ``NO_COLOR`` environment variable is set and non-empty, carman starts with
``carman-high-contrast`` (meaning carried by bold/underline/reverse, not by colour alone)
whatever ``config.toml`` says, and does not save that choice; Textual itself sees NO_COLOR and
renders in monochrome. Other widgets that bake theme colours into rendered text can subscribe to
``app.theme_changed_signal``: by then the palettes below already hold the new theme's colours.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from rich.errors import StyleSyntaxError
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.design import ColorSystem
from textual.theme import Theme

from tui.core.theme_files import (
    DEFAULT_THEME,
    FALLBACK_DARK,
    FALLBACK_LIGHT,
    NO_COLOR_THEME,
    Checks,
    Palette,
    ThemeCatalogue,
    ThemeSpec,
    load_themes,
)

if TYPE_CHECKING:
    from tui.app import CarmanApp
    from tui.widgets.collection_tree import CollectionTree
    from tui.widgets.response_viewer import ResponseViewer

_STATE_ATTRIBUTE = "carman_themes"  # the catalogue, kept on the app (no module globals)


# -- exact checks, handed to the headless loader ---------------------------------------------
def check_colour(value: str) -> str | None:
    try:
        Color.parse(value)
    except ColorParseError as exc:
        return str(exc)
    return None


def check_style(value: str) -> str | None:
    try:
        Style.parse(value)
    except StyleSyntaxError as exc:
        return str(exc)
    return None


_CSS_NAMES: frozenset[str] = frozenset(ColorSystem(primary="#000000").generate())
_PERCENT = re.compile(r"\d+(?:\.\d+)?%")


def check_css(name: str, value: str) -> str | None:
    """A Textual CSS variable: a known name; a colour (with an optional alpha %), or a style."""
    if name not in _CSS_NAMES:
        from difflib import get_close_matches

        close = get_close_matches(name, sorted(_CSS_NAMES), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"{name!r} is not a Textual theme variable{hint}"
    words = value.split()
    if not words:
        return "empty value"
    if name.endswith("-style"):
        bad = [word for word in words if word not in VALID_STYLE_FLAGS]
        return (
            f"not a text style: {' '.join(bad)} (use {', '.join(sorted(VALID_STYLE_FLAGS))})"
            if bad
            else None
        )
    if len(words) > 2 or (len(words) == 2 and not _PERCENT.fullmatch(words[1])):
        return f"{value!r}: expected a colour, optionally followed by an opacity like 50%"
    return None if words[0] == "auto" else check_colour(words[0])


# -- building ----------------------------------------------------------------------------------
def to_textual_theme(spec: ThemeSpec) -> Theme:
    variables = dict(spec.css)
    if spec.ansi:
        # Textual's ANSI colour system leaves these two to the theme (as its ansi-dark does);
        # without them its CSS fails to parse.
        variables.setdefault("ansi-background", "ansi_black" if spec.dark else "ansi_white")
        variables.setdefault("ansi-foreground", "ansi_white" if spec.dark else "ansi_black")
    # Any: ** cannot tell mypy that each colour (a str) fills one of Theme's str fields.
    colours: dict[str, Any] = dict(spec.colours)
    return Theme(
        name=spec.name,
        dark=spec.dark,
        ansi=spec.ansi,
        variables=variables,
        **colours,
    )


def check_theme(spec: ThemeSpec) -> str | None:
    """The last word on a theme: can Textual derive its colour system?"""
    try:
        to_textual_theme(spec).to_color_system().generate()
    except Exception as exc:  # whatever Textual objects to, the file is skipped, not fatal
        return f"Textual cannot use these colours: {exc}"
    return None


EXACT_CHECKS = Checks(colour=check_colour, style=check_style, css=check_css, theme=check_theme)


def load_catalogue() -> ThemeCatalogue:
    """Every valid theme, checked with Textual's and Rich's own parsers."""
    return load_themes(checks=EXACT_CHECKS)


def catalogue_of(app: App[Any]) -> ThemeCatalogue | None:
    return getattr(app, _STATE_ATTRIBUTE, None)


def no_color_requested() -> bool:
    # https://no-color.org: "present and not an empty string".
    return bool(os.environ.get("NO_COLOR", ""))


# -- installing --------------------------------------------------------------------------------
def install_themes(app: CarmanApp) -> None:
    catalogue = load_catalogue()
    setattr(app, _STATE_ATTRIBUTE, catalogue)
    for spec in catalogue.themes.values():
        app.register_theme(to_textual_theme(spec))
    for issue in catalogue.issues:
        app.notify(str(issue), title="Theme skipped", severity="error", timeout=15)

    # Palettes change at once (so anything rendered next uses them); cached renders are redone
    # after Textual has refreshed its CSS for the new theme.
    app.watch(app, "theme", lambda name: apply_palette(app, name), init=False)
    app.theme_changed_signal.subscribe(app, lambda theme: _theme_changed(app, theme.name))

    wanted = NO_COLOR_THEME if no_color_requested() else _configured_theme(app)
    if wanted not in app.available_themes:
        if wanted:
            app.notify(
                f"Theme {wanted!r} (config.toml) is not available; using {DEFAULT_THEME}. "
                "Pick another with 'Change the theme' (ctrl+p).",
                severity="warning",
                timeout=10,
            )
        wanted = DEFAULT_THEME
    if wanted in app.available_themes:
        app.theme = wanted
    else:  # no shipped themes could be read: a broken install, say so and keep Textual's
        app.notify(f"Theme {DEFAULT_THEME} could not be loaded", severity="error", timeout=15)
    apply_palette(app, app.theme)  # also when the theme was already the active one
    # Nothing was drawn with another theme yet: the change announced for this first choice
    # needs no restyle (it came after the first frame and relaid the tree out).
    setattr(app, _RESTYLED_FOR, app.theme)


_RESTYLED_FOR = "_carman_theme_restyled_for"


def _theme_changed(app: App[Any], name: str) -> None:
    if getattr(app, _RESTYLED_FOR, None) == name:
        return
    setattr(app, _RESTYLED_FOR, name)
    restyle_widgets(app)


def _configured_theme(app: CarmanApp) -> str:
    return app.workspace.config.theme or DEFAULT_THEME


# -- applying ----------------------------------------------------------------------------------
def palette_for(app: App[Any], name: str) -> Palette:
    catalogue = catalogue_of(app)
    spec = catalogue.get(name) if catalogue is not None else None
    if spec is not None:
        return spec.palette
    # One of Textual's own themes: carman's colours that suit its background.
    theme = app.get_theme(name)
    return FALLBACK_LIGHT if theme is not None and not theme.dark else FALLBACK_DARK


def active_palette(app: App[Any]) -> Palette:
    return palette_for(app, app.theme)


def apply_palette(app: App[Any], name: str) -> None:
    """Point the widgets' module palettes at the theme ``name``'s colours."""
    from tui.widgets import response_viewer, url_bar
    from tui.widgets.json_highlight import JsonColours
    from tui.widgets.method_style import set_palette

    palette = palette_for(app, name)
    set_palette(dict(palette.methods), dict(palette.status))
    json = {kind: Style.parse(style) for kind, style in palette.json.items()}
    response_viewer.JSON_COLOURS[0] = JsonColours(**json)
    url_bar.VARIABLE_STYLES.update(palette.variables)


def restyle_widgets(app: App[Any]) -> None:
    """Re-render what holds colours baked in at render time (labels, cached lines)."""
    from textual.widgets import Input

    from tui.widgets.body_view import BodyView
    from tui.widgets.collection_tree import CollectionTree
    from tui.widgets.response_viewer import ResponseViewer
    from tui.widgets.url_bar import VariableHighlighter

    for screen in app.screen_stack:
        for tree in screen.query(CollectionTree):
            _relabel_tree(tree)
        for viewer in screen.query(ResponseViewer):
            _restyle_status_line(viewer)
        for view in screen.query(BodyView):
            # set_wrap clears the line cache: cached lines hold the old colours and background.
            view.set_wrap(view.wrap)
        for field in screen.query(Input):
            if isinstance(field.highlighter, VariableHighlighter):
                field.refresh()


def _relabel_tree(tree: CollectionTree) -> None:
    pending = list(tree.tree.root.children)
    while pending:
        node = pending.pop()
        pending.extend(node.children)
        if node.data is not None and node.data.request is not None:
            node.set_label(tree.request_label(node.data.request))


def _restyle_status_line(viewer: ResponseViewer) -> None:
    """Give the status pill (" 200 OK ") the new status colour; the rest keeps its style."""
    from textual.widgets import Static

    from tui.widgets.method_style import status_style

    exchange = viewer.exchange
    response = exchange.response if exchange is not None else None
    if response is None:
        return
    status_line = viewer.query_one("#status-line", Static)
    text = status_line.content
    if not isinstance(text, Text):
        return
    pill = f" {response.status} {response.reason} "
    if not text.plain.startswith(pill):
        return
    restyled = text.copy()
    restyled.spans = [
        span._replace(style=f"{status_style(response.status)} reverse")
        if (span.start, span.end) == (0, len(pill))
        else span
        for span in text.spans
    ]
    status_line.update(restyled)
