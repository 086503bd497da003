"""The URL bar: method picker, URL input with {{variable}} highlighting, and a preview line."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from rich.highlighter import Highlighter
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.theme import Theme
from textual.widgets import Button, Input, Select

from tui.core.model import HTTP_METHODS
from tui.core.variables import VARIABLE
from tui.widgets.method_style import component_css, read_component

# How resolved and unresolved names look: the theme's $variable-resolved/-unresolved.
VARIABLE_COMPONENTS: Mapping[str, str] = {
    kind: f"variable--{kind}" for kind in ("resolved", "unresolved")
}


class VariableHighlighter(Highlighter):
    """Colours {{name}} by whether the current variables resolve it, in the styles its owner
    gives (the theme's, read as it draws)."""

    def __init__(
        self, is_defined: Callable[[str], bool], styles: Callable[[], Mapping[str, Style]]
    ) -> None:
        self.is_defined = is_defined
        self.styles = styles

    def highlight(self, text: Text) -> None:
        styles = self.styles()
        for match in VARIABLE.finditer(text.plain):
            style = "resolved" if self.is_defined(match.group(1)) else "unresolved"
            text.stylize(styles.get(style, ""), match.start(), match.end())


class UrlBar(Horizontal):
    COMPONENT_CLASSES = set(VARIABLE_COMPONENTS.values())
    # One line, as in a browser's address bar: at 80x24 every row counts.
    DEFAULT_CSS = (
        "".join(component_css("UrlBar", c) for c in VARIABLE_COMPONENTS.values())
        + """
    UrlBar { height: 1; }
    UrlBar #method { width: 11; }
    UrlBar #url { width: 1fr; margin: 0 1; }
    UrlBar #send-button { min-width: 8; width: 8; height: 1; border: none; }
    """
    )

    def __init__(self, is_defined: Callable[[str], bool]) -> None:
        super().__init__()
        self._is_defined = is_defined
        self._highlighter = VariableHighlighter(is_defined, self._variable_styles)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed, immediate=True)

    def _variable_styles(self) -> dict[str, Style]:
        # Textual caches component styles until the next style update: cheap per keystroke.
        return {kind: read_component(self, c) for kind, c in VARIABLE_COMPONENTS.items()}

    def _theme_changed(self, _theme: Theme) -> None:
        self.query_one("#url", Input).refresh()  # the field draws its text highlighted

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
            highlighter=self._highlighter,
            id="url",
            compact=True,
        )
        yield Button("Send", id="send-button", variant="primary")
