"""A keyboard-editable table of name/value rows (params, headers, form fields).

a / insert add · enter edit · space toggle · delete/x remove · K/J move up/down.
The table edits the model's list in place and posts ``Changed`` naming the list's owner (the
request it belongs to), so an edit is never credited to whatever request is open by the time the
message arrives.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from tui.core.masking import is_secret_name, mask_value
from tui.core.model import KeyValue
from tui.dialogs.basic import Field, FormDialog


class KeyValueTable(DataTable[Text]):
    DEFAULT_CSS = """
    KeyValueTable { height: 1fr; background: transparent; }
    """
    # Priority (they act only while the table has focus): handled in the order typed.
    BINDINGS = [
        Binding("a,insert", "add_row", "Add", priority=True),
        Binding("enter", "edit_row", "Edit", priority=True),
        Binding("space", "toggle_row", "Toggle", priority=True),
        Binding("delete,x", "delete_row", "Delete", priority=True),
        Binding("K", "move(-1)", "Move up", show=False, priority=True),
        Binding("J", "move(1)", "Move down", show=False, priority=True),
    ]

    class Changed(Message):
        """The user edited the rows (``RequestEditor._rows_edited``)."""

        def __init__(self, table: KeyValueTable, owner: object | None) -> None:
            super().__init__()
            self.table = table
            self.owner = owner  # what the edited list belongs to (a Request)

        @property
        def control(self) -> KeyValueTable:
            return self.table

    def __init__(self, noun: str = "row", *, id: str | None = None, files: bool = False) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.noun = noun
        self.allow_files = files
        self.rows_model: list[KeyValue] = []
        self.owner: object | None = None

    def on_mount(self) -> None:
        self._render_rows()

    def _add_columns(self) -> None:
        self.add_column("", key="on", width=3)
        self.add_column("Name", key="name")
        self.add_column("Value", key="value")

    def set_rows(self, rows: list[KeyValue], owner: object | None = None) -> None:
        self.rows_model = rows
        self.owner = owner
        if self.is_mounted:
            self._render_rows()

    def _render_rows(self) -> None:
        cursor = self.cursor_row
        # Columns again each time: their widths follow these rows, not the widest rows of an
        # earlier request (so the values stay in view on a narrow screen).
        self.clear(columns=True)
        self._add_columns()
        for row in self.rows_model:
            dim = "" if row.enabled else "dim strike"
            value = mask_value(row.value) if is_secret_name(row.name) else row.value
            if row.is_file:
                value = f"@{value}"
            self.add_row(
                Text("[x]" if row.enabled else "[ ]", style="green" if row.enabled else "dim"),
                Text(row.name, style=dim),
                Text(value, style=dim),
            )
        if not self.rows_model:
            self.add_row(Text(""), Text(""), Text(f"no {self.noun}s — press a to add", style="dim"))
        if self.rows_model:
            self.move_cursor(row=min(cursor, len(self.rows_model) - 1))

    def _changed(self) -> None:
        self._render_rows()
        self.post_message(self.Changed(self, self.owner))

    def _current(self) -> int | None:
        if not self.rows_model:
            return None
        return min(self.cursor_row, len(self.rows_model) - 1)

    def _dialog(self, title: str, row: KeyValue | None) -> FormDialog:
        fields = [
            Field("name", "Name", row.name if row else ""),
            Field("value", "Value (use {{variable}} for secrets)", row.value if row else ""),
        ]
        if self.allow_files:
            fields.append(Field("file", "File upload? (y/n)", "y" if row and row.is_file else "n"))
        return FormDialog(title, fields)

    def action_add_row(self) -> None:
        def added(values: dict[str, str] | None) -> None:
            if values and values["name"].strip():
                self.rows_model.append(
                    KeyValue(
                        values["name"].strip(),
                        values["value"],
                        is_file=values.get("file", "n").lower().startswith("y"),
                    )
                )
                self._changed()
                self.move_cursor(row=len(self.rows_model) - 1)

        self.app.push_screen(self._dialog(f"Add {self.noun}", None), added)

    def action_edit_row(self) -> None:
        index = self._current()
        if index is None:
            self.action_add_row()
            return
        row = self.rows_model[index]

        def edited(values: dict[str, str] | None) -> None:
            if values and values["name"].strip():
                row.name = values["name"].strip()
                row.value = values["value"]
                row.is_file = values.get("file", "n").lower().startswith("y")
                self._changed()

        self.app.push_screen(self._dialog(f"Edit {self.noun}", row), edited)

    def _items(self) -> list[Any]:
        """The model list the table edits (rows here; capture rules in a subclass, hence Any:
        one list type cannot be both, and a list of either is no list of the other)."""
        return self.rows_model

    def action_toggle_row(self) -> None:
        index = self._current()
        if index is not None:
            item = self._items()[index]
            item.enabled = not item.enabled
            self._changed()

    def action_delete_row(self) -> None:
        index = self._current()
        if index is not None:
            del self._items()[index]
            self._changed()

    def action_move(self, step: int) -> None:
        index = self._current()
        if index is None:
            return
        items = self._items()
        target = index + step
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
            self._changed()
            self.move_cursor(row=target)
