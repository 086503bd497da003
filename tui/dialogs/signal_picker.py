"""The signal picker: Smartcar v3's signal catalogue, filtered as you type; enter sets
``{{signal_code}}`` (read by Vehicle / Signal of the built-in collection)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.smartcar import signals
from tui.dialogs.basic import DIALOG_CSS

if TYPE_CHECKING:
    from tui.app import CarmanApp

SIGNAL_CODE = "signal_code"


def matches(spec: signals.SignalSpec, words: list[str]) -> bool:
    """Every typed word appears in the code, name, group, permission or description."""
    haystack = " ".join(
        (spec.code, spec.name, spec.group, spec.permission, spec.description)
    ).lower()
    return all(word in haystack for word in words)


class SignalPicker(ModalScreen[str | None]):
    DEFAULT_CSS = (
        DIALOG_CSS.replace("{name}", "SignalPicker")
        + """
    SignalPicker > Vertical { width: 100; }
    SignalPicker OptionList { height: auto; max-height: 18; }
    SignalPicker #signal-status { color: $text-muted; }
    """
    )
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: str | None) -> None:
        super().__init__()
        self.current = current
        self.shown: list[signals.SignalSpec] = list(signals.SIGNALS)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Pick a v3 signal (sets {{signal_code}})", classes="dialog-title")
            yield Input(placeholder="filter: code, name, group, permission …", id="signal-filter")
            yield OptionList(*self._options(), id="signals")
            yield Static(self._status(), id="signal-status")

    def _options(self) -> list[Option]:
        options = []
        for spec in self.shown:
            mark = "● " if spec.code == self.current else "  "
            note = "" if spec.confirmed else "  (unconfirmed)"
            label = f"{mark}{spec.code:<44} {spec.group}/{spec.name} · {spec.permission}{note}"
            options.append(Option(label, id=spec.code))
        return options

    def _status(self) -> str:
        total = len(signals.SIGNALS)
        return f"{len(self.shown)} of {total} signals · type to filter · enter picks · esc cancels"

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._highlight_current()

    def _highlight_current(self) -> None:
        codes = [spec.code for spec in self.shown]
        option_list = self.query_one(OptionList)
        if self.current in codes:
            option_list.highlighted = codes.index(self.current)
        elif codes:
            option_list.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        words = event.value.lower().split()
        self.shown = [spec for spec in signals.SIGNALS if matches(spec, words)]
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(self._options())
        self._highlight_current()
        self.query_one("#signal-status", Static).update(self._status())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is not None and index < len(self.shown):
            self.dismiss(self.shown[index].code)

    def on_key(self, event: events.Key) -> None:
        # Up and down move through the list while the filter keeps the focus.
        if event.key in ("up", "down") and self.focused is self.query_one(Input):
            event.stop()
            option_list = self.query_one(OptionList)
            if event.key == "down":
                option_list.action_cursor_down()
            else:
                option_list.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


def open_signal_picker(app: CarmanApp) -> None:
    def chosen(code: str | None) -> None:
        if code:
            app.workspace.set_session({SIGNAL_CODE: code})
            spec = signals.find(code)
            needs = f" (needs {spec.permission})" if spec is not None else ""
            app.notify(f"signal_code: {code}{needs}")

    app.push_screen(SignalPicker(app.workspace.variables.get(SIGNAL_CODE)), chosen)
