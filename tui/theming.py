"""Themes in the running app: build them (with carman's looks as theme variables), register them
with Textual, switch them.

``install_themes(app)`` (called from ``CarmanApp.get_default_screen``):

1. loads shipped and user themes with ``tui.core.theme_files``, checking colours exactly with
   Textual's and Rich's own parsers, and registers each valid one as a ``textual.theme.Theme``;
2. notifies about every skipped theme file (file:line: field: why);
3. applies ``config.toml``'s ``theme`` — or ``carman-dark`` with a warning when it is unknown;
4. puts carman's own looks (method badges, status line, JSON highlighting, URL
   ``{{variables}}``) into each theme as Textual variables (``$method-get``, ``$status-2xx``,
   ``$json-key``, ``$variable-resolved``, each with ``-background`` and ``-style``). The widgets
   read them through their component classes and redraw their own cached text when the theme
   changes; nothing here touches a widget.

NO_COLOR: when the ``NO_COLOR`` environment variable is set and non-empty, carman starts with
``carman-high-contrast`` (meaning carried by bold/underline/reverse, not by colour alone)
whatever ``config.toml`` says, and does not save that choice; Textual itself sees NO_COLOR and
renders in monochrome.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from rich.color import ANSI_COLOR_NAMES, ColorType
from rich.color import Color as RichColor
from rich.errors import StyleSyntaxError
from rich.style import Style
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
    variables = {**palette_variables(spec.palette), **spec.css}
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


def _configured_theme(app: CarmanApp) -> str:
    return app.workspace.config.theme or DEFAULT_THEME


# -- carman's own looks as theme variables -----------------------------------------------------
# Each palette entry (a Rich style) becomes three Textual variables, read by the widgets'
# component classes: "<name>" (colour), "<name>-background" and "<name>-style" (text-style).
# Method badges and the status line are always bold.
_TEXT_STYLES = ("bold", "dim", "italic", "underline", "reverse", "strike", "blink", "overline")
_ANSI_NAMES = {number: name for name, number in reversed(ANSI_COLOR_NAMES.items()) if number < 16}


def _css_colour(colour: RichColor | None) -> str:
    if colour is None:
        return "transparent"  # no colour of its own: a transparent colour is left unset
    if colour.type == ColorType.DEFAULT:
        return "ansi_default"
    if colour.type == ColorType.STANDARD and colour.number is not None:
        return f"ansi_{_ANSI_NAMES[colour.number]}"
    # Textual has no 256-colour palette: color(n) and Rich's named 256 colours become the RGB
    # they stand for (the shipped themes use #rrggbb and ansi_* names only).
    return colour.get_truecolor().hex


def style_variables(name: str, style: str) -> dict[str, str]:
    """A Rich style as the three CSS variables ``name``, ``name-background``, ``name-style``."""
    parsed = Style.parse(style)
    flags = []
    for attribute in _TEXT_STYLES:
        value = getattr(parsed, attribute)
        if value is not None:
            flags.append(attribute if value else f"not {attribute}")
    return {
        name: _css_colour(parsed.color),
        f"{name}-background": _css_colour(parsed.bgcolor),
        f"{name}-style": " ".join(flags) or "none",
    }


def palette_variables(palette: Palette) -> dict[str, str]:
    variables: dict[str, str] = {}
    for method, style in palette.methods.items():
        variables |= style_variables(f"method-{method.lower()}", f"bold {style}")
    for klass, style in palette.status.items():
        variables |= style_variables(f"status-{klass}xx", f"bold {style}")
    for kind, style in palette.json.items():
        variables |= style_variables(f"json-{kind}", style)
    for kind, style in palette.variables.items():
        variables |= style_variables(f"variable-{kind}", style)
    return variables


def default_theme_variables(dark: bool) -> dict[str, str]:
    """carman's looks for a theme that does not set them (Textual's own themes): those of
    carman-dark or carman-light. An app showing carman's widgets returns these from
    ``App.get_theme_variable_defaults``; without them their CSS cannot be parsed."""
    return palette_variables(FALLBACK_DARK if dark else FALLBACK_LIGHT)


# -- which palette a theme has -----------------------------------------------------------------
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
