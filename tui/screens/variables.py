"""Every variable by layer with its source; add, edit, delete; secrets masked until revealed.

Edits land where they belong: the session layer (persisted per environment, secrets in the
secrets file), the environment file of a user environment, or a writable collection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.masking import is_secret_name
from tui.core.variables import VariableInfo
from tui.dialogs.basic import ConfirmDialog, Field, FieldProblem, FormDialog

if TYPE_CHECKING:
    from tui.app import CarmanApp

LAYER_STYLE = {
    "environment": "cyan",
    "collection": "magenta",
    "session": "green",
    "dynamic": "yellow",
}


LAYERS = ("session", "environment", "collection")


def _check_variable(values: dict[str, str]) -> FieldProblem | None:
    """The variable dialog's answer, refused (and asked again, at the field to fix) when it
    cannot be used."""
    if not values["name"].strip():
        return FieldProblem("name", "A variable needs a name")
    layer = values["layer"].strip().lower() or "session"
    if layer not in LAYERS:
        known = ", ".join(LAYERS)
        return FieldProblem("layer", f"Unknown layer {values['layer'].strip()!r}: use {known}")
    return None


class VariablesScreen(Screen[None]):
    DEFAULT_CSS = """
    VariablesScreen #vars-title { height: 1; padding: 0 1; background: $primary 30%; }
    VariablesScreen #vars-help { height: auto; padding: 0 1; color: $text-muted; }
    VariablesScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        # Priority: run in the order typed, so the keys right after "a" reach its dialog.
        Binding("escape,q", "app.pop_screen", "Back", priority=True),
        Binding("a", "add", "Add", priority=True),
        Binding("enter,e", "edit", "Edit", priority=True),
        Binding("delete,x", "delete", "Delete", priority=True),
        Binding("v", "reveal", "Reveal/hide secrets", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.revealed = False
        self.rows: list[VariableInfo] = []

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="vars-title")
            yield Static(
                "Layers, lowest first: environment < collection < session. The highest wins; "
                "shadowed values are dim. a add · enter edit · x delete · v reveal secrets · "
                "esc back",
                id="vars-help",
            )
            yield DataTable(id="vars-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Name", "Value", "Layer", "Source")
        self._unsubscribe = self.carman.workspace.variables.subscribe(lambda *_: self.refill())
        self.refill()
        self.set_focus(table)

    def on_unmount(self) -> None:
        self._unsubscribe()

    def refill(self) -> None:
        workspace = self.carman.workspace
        self.query_one("#vars-title", Static).update(
            Text.assemble(
                ("Variables", "bold"),
                f"   environment: {workspace.environment_name}",
                ("   secrets revealed" if self.revealed else "", "bold red"),
            )
        )
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        self.rows = workspace.variables.describe()
        winners: dict[str, VariableInfo] = {}
        for info in self.rows:
            if info.layer != "dynamic" or info.name not in winners:
                winners[info.name] = info
        for info in self.rows:
            shadowed = winners.get(info.name) is not info
            value = info.value if self.revealed or not info.secret else info.display
            style = "dim strike" if shadowed else ""
            table.add_row(
                Text(info.name, style=("bold " if not shadowed else "") + style),
                Text(value, style=style),
                Text(info.layer, style=LAYER_STYLE.get(info.layer, "")),
                Text(info.source, style="dim"),
            )
        if self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1))

    def _current(self) -> VariableInfo | None:
        table = self.query_one(DataTable)
        if not self.rows:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.refill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # enter on a row: the table consumes the key and says which row was chosen.
        event.stop()
        self.action_edit()

    def action_add(self) -> None:
        self._edit(None)

    def action_edit(self) -> None:
        self._edit(self._current())

    def _edit(self, info: VariableInfo | None) -> None:
        layer = info.layer if info and info.layer != "dynamic" else "session"
        fields = [
            Field("name", "Name", info.name if info else ""),
            Field(
                "value",
                "Value",
                info.value if info else "",
                password=bool(info and info.secret and not self.revealed),
            ),
            Field("layer", "Layer: session / environment / collection", layer),
        ]

        def saved(values: dict[str, str] | None) -> None:
            if not values or not values["name"].strip():
                return
            self.set_variable(
                values["name"].strip(),
                values["value"],
                values["layer"].strip().lower() or "session",
            )

        self.app.push_screen(FormDialog("Variable", fields, validate=_check_variable), saved)

    def set_variable(self, name: str, value: str, layer: str) -> None:
        if layer not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}")  # the dialog refuses it first
        workspace = self.carman.workspace
        try:
            if layer == "environment":
                env = workspace.environment
                if env is None or env.read_only:
                    self.notify(
                        "Built-in environments are read-only: saved in the session layer",
                        severity="warning",
                    )
                    workspace.set_session({name: value})
                elif is_secret_name(name):
                    workspace.secrets.set_variable(env.name, name, value)
                    workspace.variables.set(name, value, layer="environment")
                else:
                    env.variables[name] = value
                    save_environment(env)
                    workspace.variables.set(name, value, layer="environment")
            elif layer == "collection":
                collection = self.carman.main_screen.collection if self.carman.main_screen else None
                if collection is None or collection.read_only or is_secret_name(name):
                    self.notify(
                        "That collection cannot hold it (read-only, or a secret): "
                        "saved in the session layer",
                        severity="warning",
                    )
                    workspace.set_session({name: value})
                else:
                    collection.variables[name] = value
                    save_collection(collection)
                    workspace.variables.set(name, value, layer="collection")
            else:
                workspace.set_session({name: value})
        except OSError as exc:
            self.notify(f"Could not save {name}: {exc}", severity="error")
        self.refill()

    def action_delete(self) -> None:
        info = self._current()
        if info is None or info.layer == "dynamic":
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            workspace = self.carman.workspace
            if info.layer == "session":
                workspace.delete_session(info.name)
            elif (
                info.layer == "environment"
                and workspace.environment
                and not workspace.environment.read_only
            ):
                workspace.environment.variables.pop(info.name, None)
                save_environment(workspace.environment)
                workspace.variables.delete(info.name, layer="environment")
            else:
                self.notify(f"{info.name} comes from a read-only {info.layer}", severity="warning")
            self.refill()

        self.app.push_screen(
            ConfirmDialog("Delete variable", f"Delete {info.name} ({info.layer})?"), confirmed
        )
