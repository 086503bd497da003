"""Copy as code: pick a target, read the highlighted snippet, copy it (OSC 52).

Variables are environment lookups unless "resolve" is on; secrets stay lookups either way
(``tui.core.exporters.code``). Targets that cannot send the request stay in the list and say
why. The target last copied is remembered in config.toml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.errors import CarmanError
from tui.core.exporters.code import (
    TARGETS,
    CodeOptions,
    CodeRequest,
    NotApplicable,
    Snippet,
    available,
    build_code_request,
    generate,
)
from tui.core.exporters.code.choice import remember_target, remembered_target
from tui.core.model import Collection, Request
from tui.core.tomlfile import TomlFileError

if TYPE_CHECKING:
    from tui.app import CarmanApp


class CodeSnippetDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    CodeSnippetDialog { align: center middle; }
    CodeSnippetDialog > Vertical {
        width: 96%; max-width: 140; height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    CodeSnippetDialog .dialog-title { text-style: bold; padding-bottom: 1; }
    CodeSnippetDialog #code-body { height: 1fr; }
    CodeSnippetDialog #targets { width: 34; height: 1fr; }
    CodeSnippetDialog #snippet-scroll { width: 1fr; height: 1fr; border: round $panel-lighten-2; }
    CodeSnippetDialog #snippet { width: auto; }
    CodeSnippetDialog #notes { color: $warning; height: auto; max-height: 4; }
    CodeSnippetDialog .dialog-buttons { height: auto; align-horizontal: right; }
    CodeSnippetDialog .dialog-buttons Button { margin-left: 1; min-width: 10; }
    CodeSnippetDialog Checkbox { width: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("c", "copy", "Copy"),
        Binding("r", "toggle_resolve", "Resolve variables"),
    ]

    def __init__(self, app: CarmanApp, collection: Collection | None, request: Request) -> None:
        super().__init__()
        self._carman = app
        self._collection = collection
        self._request = request
        self._codes: dict[bool, CodeRequest | str] = {}
        self.target_id = remembered_target()
        self.snippet: Snippet | None = None
        self.problem = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Copy as code: {self._request.name}", classes="dialog-title")
            with Horizontal(id="code-body"):
                yield OptionList(
                    *[Option(target.label, id=target.id) for target in TARGETS], id="targets"
                )
                with VerticalScroll(id="snippet-scroll"):
                    yield Static("", id="snippet")
            yield Static("", id="notes")
            with Horizontal(classes="dialog-buttons"):
                yield Checkbox("Resolve variables (r)", False, id="resolve")
                yield Button("Close (esc)", id="close")
                yield Button("Copy (c)", id="copy", variant="primary")

    def on_mount(self) -> None:
        targets = self.query_one("#targets", OptionList)
        code = self._code()
        if not isinstance(code, str):
            # Targets that cannot send this request (an SDK for a non-Smartcar URL) stay
            # listed, dimmed; highlighting one says why.
            for index, (target, reason) in enumerate(available(code)):
                if reason is not None:
                    targets.replace_option_prompt_at_index(
                        index, Text(f"{target.label} (n/a)", style="dim")
                    )
        targets.highlighted = next(i for i, t in enumerate(TARGETS) if t.id == self.target_id)
        self._render_snippet()
        self.set_focus(targets)

    # -- state -----------------------------------------------------------------------------
    @property
    def resolve(self) -> bool:
        return self.query_one("#resolve", Checkbox).value

    def _code(self) -> CodeRequest | str:
        """The request as templates for the current mode, or why it cannot be built."""
        if self.resolve not in self._codes:
            try:
                self._codes[self.resolve] = build_code_request(
                    self._carman.workspace,
                    self._collection,
                    self._request,
                    CodeOptions(resolve=self.resolve),
                )
            except CarmanError as exc:
                self._codes[self.resolve] = str(exc)
        return self._codes[self.resolve]

    def _render_snippet(self) -> None:
        code = self._code()
        view = self.query_one("#snippet", Static)
        notes = self.query_one("#notes", Static)
        self.snippet, self.problem = None, ""
        if isinstance(code, str):
            self.problem = code
        else:
            try:
                self.snippet = generate(code, self.target_id)
            except NotApplicable as exc:
                self.problem = str(exc)
        if self.snippet is None:
            view.update(Text(self.problem, style="italic"))
            notes.update("")
            return
        dark = self.app.current_theme.dark
        view.update(
            Syntax(
                self.snippet.text,
                self.snippet.target.language,
                theme="ansi_dark" if dark else "ansi_light",
                background_color="default",
            )
        )
        notes.update("\n".join(self.snippet.notes))

    # -- events and actions ----------------------------------------------------------------
    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.target_id:
            self.target_id = event.option.id
            self._render_snippet()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_copy()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._render_snippet()

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.dismiss(None)

    def action_toggle_resolve(self) -> None:
        box = self.query_one("#resolve", Checkbox)
        box.value = not box.value

    def action_copy(self) -> None:
        if self.snippet is None:
            self.notify(self.problem or "Nothing to copy", severity="warning")
            return
        label = self.snippet.target.label
        secrets = "secrets read from the environment"
        self._carman.copy_with_toast(self.snippet.text, f"the request as {label} ({secrets})")
        try:
            remember_target(self.snippet.target.id)
        except (TomlFileError, OSError) as exc:
            self.notify(f"Could not remember the choice in config.toml: {exc}", severity="warning")
        self.dismiss(None)


def open_code_snippet(
    app: CarmanApp, collection: Collection | None, request: Request | None
) -> None:
    if request is None:
        app.notify("Select a request first", severity="warning")
        return
    app.push_screen(CodeSnippetDialog(app, collection, request))
