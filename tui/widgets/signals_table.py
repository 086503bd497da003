"""A v3 signals answer as a table: code, status, value, unit, age (one row per signal).

The rows come from ``tui.core.smartcar.signal_rows``; this widget only shows them, failed
signals in the error colour. The status comes second so that it stays in view in a narrow
response pane (the value column can be wide).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tui.core.smartcar.signal_rows import SignalRow

COLUMNS = ("Code", "Status", "Value", "Unit", "Age")


class SignalsTable(DataTable[Text]):
    DEFAULT_CSS = """
    SignalsTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.rows_shown: list[SignalRow] = []

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)
        if self.rows_shown:
            self._fill()

    def show_rows(self, rows: list[SignalRow]) -> None:
        self.rows_shown = list(rows)
        if self.is_mounted and self.columns:
            self._fill()

    def _fill(self) -> None:
        self.clear()
        for row in self.rows_shown:
            status_style = "green" if row.ok else "bold red"
            if row.status == "UNAVAILABLE":
                status_style = "yellow"
            self.add_row(
                Text(row.code, style="bold"),
                Text(row.status, style=status_style),
                Text(row.value),
                Text(row.unit, style="dim"),
                Text(row.age, style="dim"),
            )

    def failed(self) -> list[SignalRow]:
        return [row for row in self.rows_shown if not row.ok]
