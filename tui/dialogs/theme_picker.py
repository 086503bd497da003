"""The theme picker: moving the highlight previews a theme live, Enter keeps and saves it,
Esc puts the previous theme back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.config import save_setting
from tui.core.theme_files import Palette, ThemeSpec
from tui.core.tomlfile import TomlFileError
from tui.dialogs.basic import DIALOG_CSS
from tui.theming import active_palette, catalogue_of, no_color_requested, palette_for

if TYPE_CHECKING:
    from tui.app import CarmanApp


def _sample(palette: Palette) -> Text:
    """A line of everything a theme colours, drawn with ``palette`` (the previewed theme's)."""
    from rich.style import Style

    from tui.core.model import HTTP_METHODS
    from tui.widgets.json_highlight import JsonColours, highlight_json_line
    from tui.widgets.method_style import BadgeStyles, method_badge, status_style

    badges = BadgeStyles.from_palette(palette)
    text = Text()
    for method in HTTP_METHODS:
        text.append_text(method_badge(method, badges))
        text.append(" ")
    text.append("\n")
    for status, reason in ((200, "OK"), (302, "Found"), (404, "Not Found"), (500, "Error")):
        text.append(
            f" {status} {reason} ", style=status_style(status, badges) + Style(reverse=True)
        )
        text.append(" ")
    text.append("\n")
    text.append_text(
        highlight_json_line(
            '{"odometer": 104032.4, "unit": "km", "ok": true}',
            JsonColours.from_styles(palette.json),
        )
    )
    text.append("\n")
    text.append("{{vehicle_id}}", style=palette.variables["resolved"])
    text.append(" resolved   ", style="dim")
    text.append("{{missing}}", style=palette.variables["unresolved"])
    text.append(" unresolved", style="dim")
    return text


class ThemePicker(ModalScreen[str | None]):
    """Returns the chosen theme's name, or None when cancelled (the original is restored)."""

    DEFAULT_CSS = (
        DIALOG_CSS.replace("{name}", "ThemePicker")
        + """
    ThemePicker OptionList { height: auto; max-height: 14; }
    ThemePicker #theme-sample { height: auto; padding: 1 0 0 0; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, themes: list[ThemeSpec], current: str) -> None:
        super().__init__()
        self._themes = themes
        self._original = current
        names = [spec.name for spec in themes]
        # A Textual theme chosen in config.toml still gets a row, so it can be kept.
        self._names = names if current in names else [current, *names]
        self._specs = {spec.name: spec for spec in themes}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Theme", classes="dialog-title")
            hint = "↑↓ preview · enter keep · esc go back"
            if no_color_requested():
                hint += "\nNO_COLOR is set: colours show in monochrome"
            yield Static(Text(hint, style="dim"), classes="field-label")
            yield OptionList(*[self._option(name) for name in self._names], id="theme-list")
            yield Static(_sample(active_palette(self.app)), id="theme-sample")

    def _option(self, name: str) -> Option:
        spec = self._specs.get(name)
        label = Text(name, style="bold")
        if spec is None:
            label.append("  Textual theme", style="dim")
        else:
            if spec.source == "user":
                label.append("  (yours)", style="italic")
            if spec.description:
                label.append(f"\n  {spec.description}", style="dim")
        return Option(label, id=name)

    def on_mount(self) -> None:
        options = self.query_one("#theme-list", OptionList)
        options.highlighted = self._names.index(self._original)
        self.set_focus(options)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the list's own first highlight, before on_mount moved it
        name = event.option.id
        if name and name != self.app.theme:
            self.app.theme = name  # the live preview
        self.query_one("#theme-sample", Static).update(
            _sample(palette_for(self.app, self.app.theme))
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        if self.app.theme != self._original:
            self.app.theme = self._original
        self.dismiss(None)


def open_theme_picker(app: CarmanApp) -> None:
    catalogue = catalogue_of(app)
    if catalogue is None or not catalogue.themes:
        app.notify("No themes are available", severity="warning")
        return

    def chosen(name: str | None) -> None:
        if not name:
            return
        app.theme = name
        remember_theme(app, name)

    app.push_screen(ThemePicker(list(catalogue.themes.values()), app.theme), chosen)


def remember_theme(app: CarmanApp, name: str) -> None:
    """Save the theme in config.toml; a config file that needs fixing is never overwritten."""
    try:
        save_setting("theme", name)
    except TomlFileError as exc:
        app.notify(f"Using {name} for now; not saved because {exc}", severity="error", timeout=10)
        return
    except OSError as exc:
        app.notify(f"Using {name} for now; could not save it: {exc}", severity="error")
        return
    app.workspace.config.theme = name
    app.notify(f"Theme: {name} (saved in config.toml)", timeout=3)
