"""Small modal dialogs that ``dismiss(result)``: confirm, one or more text fields, a choice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

DIALOG_CSS = """
{name} {
    align: center middle;
}
{name} > Vertical {
    width: 70;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: round $primary;
    background: $panel;
    padding: 0 1;
}
{name} .dialog-title { text-style: bold; padding: 0 0 1 0; }
{name} .dialog-buttons { height: auto; align-horizontal: right; padding-top: 1; }
{name} .dialog-buttons Button { margin-left: 1; min-width: 10; }
{name} Input { margin-bottom: 0; }
{name} .field-label { color: $text-muted; }
{name} .dialog-error { color: $error; }
"""


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = DIALOG_CSS.replace("{name}", "ConfirmDialog")
    BINDINGS = [
        Binding("escape,n", "dismiss(False)", "No", priority=True),
        Binding("y", "dismiss(True)", "Yes", priority=True),
    ]

    def __init__(self, title: str, message: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self._title, self._message, self._yes, self._no = title, message, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog-title")
            yield Static(self._message)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._no} (n)", id="no")
                yield Button(f"{self._yes} (y)", id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed, "#yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no_pressed(self) -> None:
        self.dismiss(False)


@dataclass
class Field:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    password: bool = False


@dataclass(frozen=True)
class FieldProblem:
    """A validator's refusal that names the field to fix: the dialog focuses it."""

    field: str
    message: str


Validator = Callable[[dict[str, str]], str | FieldProblem | None]


class FormDialog(ModalScreen[dict[str, str] | None]):
    """Edit a few text fields; Enter on the last field (or ctrl+s) accepts, Esc cancels.

    ``validate`` may refuse the values with a message: the dialog stays open and says why, so
    a name that is taken is simply asked again.
    """

    DEFAULT_CSS = DIALOG_CSS.replace("{name}", "FormDialog")
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", priority=True),
        Binding("ctrl+s", "accept", "OK", priority=True),
        # Moving between fields happens in the order keys were typed (a name, enter, a
        # value... typed in one burst lands field by field).
        Binding("enter", "next_field", "Next", show=False, priority=True),
        Binding("tab", "next_field(False)", "Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Previous field", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        help_text: str = "",
        validate: Validator | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._fields = fields
        self._help = help_text
        self._validate = validate

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog-title")
            if self._help:
                yield Static(self._help, classes="field-label")
            for field in self._fields:
                yield Label(field.label, classes="field-label")
                yield Input(
                    field.value,
                    placeholder=field.placeholder,
                    password=field.password,
                    id=f"field-{field.name}",
                )
            yield Static("", classes="dialog-error", id="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("OK", id="ok", variant="primary")

    def on_mount(self) -> None:
        self.set_focus(self.query(Input).first())

    def values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self._fields}

    def action_accept(self) -> None:
        values = self.values()
        problem = self._validate(values) if self._validate is not None else None
        if isinstance(problem, FieldProblem):
            self.query_one("#dialog-error", Static).update(problem.message)
            field = self.query_one(f"#field-{problem.field}", Input)
            self.set_focus(field)  # the next keys fix what was refused
            field.select_all()
            return
        if problem:
            self.query_one("#dialog-error", Static).update(problem)
            return
        self.dismiss(values)

    def _move(self, step: int) -> int | None:
        """Focus the field ``step`` away; its index, or None past either end."""
        inputs = list(self.query(Input))
        focused = self.focused
        index = inputs.index(focused) if isinstance(focused, Input) and focused in inputs else -1
        target = index + step
        if 0 <= target < len(inputs):
            self.set_focus(inputs[target])
            return target
        return None

    def action_next_field(self, accept_at_the_end: bool = True) -> None:
        """Enter: the next field, and on the last one, OK (a focused button presses itself)."""
        focused = self.focused
        if isinstance(focused, Button):
            focused.press()
            return
        if self._move(1) is None and accept_at_the_end:
            self.action_accept()

    def action_previous_field(self) -> None:
        self._move(-1)

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self) -> None:
        self.action_accept()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of several options by keyboard (type to jump, Enter to choose)."""

    DEFAULT_CSS = (
        DIALOG_CSS.replace("{name}", "ChoiceDialog")
        + """
    ChoiceDialog OptionList { height: auto; max-height: 20; }
    """
    )
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", priority=True),
        Binding("enter", "choose", "Choose", show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        options: list[tuple[str, str]],
        current: str | None = None,
        *,
        mark_current: bool = False,
    ) -> None:
        """``current`` is highlighted; with ``mark_current`` it also says "(current)"."""
        super().__init__()
        self._title = title
        self._options = options  # (id, label)
        self._current = current
        self._mark_current = mark_current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self._title, classes="dialog-title")
            yield OptionList(
                *[Option(self._label(key, label), id=key) for key, label in self._options]
            )

    def _label(self, key: str, label: str) -> str:
        return f"{label}  ✓ (current)" if self._mark_current and key == self._current else label

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        self.set_focus(option_list)
        for index, (key, _) in enumerate(self._options):
            if key == self._current:
                option_list.highlighted = index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        """Enter chooses at once (not through a message), so the keys after it go on."""
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self.dismiss(option_list.get_option_at_index(option_list.highlighted).id)
