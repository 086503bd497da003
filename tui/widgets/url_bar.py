"""The URL bar: method picker, URL input with {{variable}} highlighting, and a preview line."""

from __future__ import annotations

from collections.abc import Callable

from rich.highlighter import Highlighter
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select

from tui.core.model import HTTP_METHODS
from tui.core.variables import VARIABLE

# Theme hooks (tui.theming sets them): how resolved and unresolved names look.
VARIABLE_STYLES = {"resolved": "bold #9ece6a", "unresolved": "bold reverse #f7768e"}


class VariableHighlighter(Highlighter):
    """Colours {{name}} by whether the current variables resolve it."""

    def __init__(self, is_defined: Callable[[str], bool]) -> None:
        self.is_defined = is_defined

    def highlight(self, text: Text) -> None:
        for match in VARIABLE.finditer(text.plain):
            style = "resolved" if self.is_defined(match.group(1)) else "unresolved"
            text.stylize(VARIABLE_STYLES[style], match.start(), match.end())


class UrlBar(Horizontal):
    # One line, as in a browser's address bar: at 80x24 every row counts.
    DEFAULT_CSS = """
    UrlBar { height: 1; }
    UrlBar #method { width: 11; }
    UrlBar #url { width: 1fr; margin: 0 1; }
    UrlBar #send-button { min-width: 8; width: 8; height: 1; border: none; }
    """

    def __init__(self, is_defined: Callable[[str], bool]) -> None:
        super().__init__()
        self._is_defined = is_defined

    def compose(self) -> ComposeResult:
        yield Select(
            [(m, m) for m in HTTP_METHODS],
            value="GET",
            allow_blank=False,
            id="method",
            compact=True,
        )
        yield Input(
            placeholder="https://api.example.com/path  ·  {{variables}} allowed  ·  paste a curl",
            highlighter=VariableHighlighter(self._is_defined),
            id="url",
            compact=True,
        )
        yield Button("Send", id="send-button", variant="primary")
