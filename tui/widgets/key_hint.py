"""The line shown after a prefix key (``ctrl+w``): the keys that may follow and what they do."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui.actions import ActionSpec, show_key


class KeyHint(Static):
    DEFAULT_CSS = """
    KeyHint {
        dock: bottom; display: none; height: auto; padding: 0 1;
        background: $panel; border-top: solid $primary;
    }
    KeyHint.-visible { display: block; }
    """

    def show_choices(self, prefix: str, choices: dict[str, ActionSpec]) -> None:
        hint = Text()
        hint.append(show_key(prefix), style="bold")
        hint.append("  then  ")
        for key, spec in choices.items():
            hint.append(show_key(key), style="bold cyan")
            hint.append(f" {spec.description.lower()}   ")
        hint.append("esc", style="bold cyan")
        hint.append(" never mind")
        self.update(hint)
        self.add_class("-visible")

    def hide(self) -> None:
        self.remove_class("-visible")
