"""F1: every action with its key, grouped, plus the keys of each pane."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.actions import ACTIONS, key_of, show_key

PANE_KEYS = [
    (
        "Tree",
        "n new request · N new folder · c new collection · r rename · d duplicate · x delete"
        " · K/J move · m move to a folder · / filter",
    ),
    ("Tables", "a add · enter edit · space toggle · x delete · K/J move"),
    ("Body", "/ search · n/N next/previous · f JSONPath filter · w wrap · y copy · s save"),
    ("Dialogs", "enter next field / accept · ctrl+s accept · esc cancel"),
]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 98%; height: 90%;
        border: round $primary; background: $panel; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", priority=True)]

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Key", style="bold cyan", no_wrap=True)
        table.add_column("Action")
        table.add_column("Id", style="dim")
        group = ""
        for spec in ACTIONS:
            if spec.group != group:
                group = spec.group
                table.add_row(Text(group, style="bold underline"), "", "")
            key = show_key(key_of(spec, self.keymap)) or "palette"
            table.add_row(key, spec.description, spec.id)
        panes = Table(box=None, expand=True, show_header=False)
        panes.add_column("Pane", style="bold", no_wrap=True)
        panes.add_column("Keys")
        for pane, keys in PANE_KEYS:
            panes.add_row(pane, keys)
        with VerticalScroll():
            yield Static(
                Text("carman keys  (esc closes; remap in config.toml [keymap] by id)", style="bold")
            )
            yield Static(table)
            yield Static(Text("\nInside panes", style="bold"))
            yield Static(panes)
