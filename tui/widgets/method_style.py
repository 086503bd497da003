"""Method badges and status colours shared by the tree, editor, response and history."""

from __future__ import annotations

from rich.text import Text

METHOD_COLOURS = {
    "GET": "#7aa2f7",
    "POST": "#9ece6a",
    "PUT": "#e0af68",
    "PATCH": "#bb9af7",
    "DELETE": "#f7768e",
    "HEAD": "#7dcfff",
    "OPTIONS": "#7dcfff",
}
STATUS_COLOURS = {2: "#9ece6a", 3: "#7dcfff", 4: "#e0af68", 5: "#f7768e"}

# Themes replace these at runtime (tui.theming); the defaults suit dark backgrounds.


def set_palette(methods: dict[str, str], statuses: dict[int, str]) -> None:
    METHOD_COLOURS.update(methods)
    STATUS_COLOURS.update(statuses)


def method_badge(method: str, width: int = 4) -> Text:
    short = {"DELETE": "DEL", "OPTIONS": "OPT", "PATCH": "PTCH"}.get(method, method)
    colour = METHOD_COLOURS.get(method, "#c0caf5")
    return Text(short.ljust(width)[:width], style=f"bold {colour}")


def status_style(status: int) -> str:
    return f"bold {STATUS_COLOURS.get(status // 100, '#c0caf5')}"
