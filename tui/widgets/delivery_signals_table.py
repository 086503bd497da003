"""The signals of one webhook delivery: code, value, unit, status."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tui.core.webhooks.signals import SignalReading

CODE_WIDTH = 30
VALUE_WIDTH = 16


def _status(reading: SignalReading) -> Text:
    if reading.ok:
        return Text("✓ SUCCESS", style="green")
    if reading.status.startswith("RESOLVED"):
        return Text(reading.status, style="cyan")
    return Text(reading.status, style="red")


class DeliverySignalsTable(DataTable[Text]):
    """Rows of ``SignalReading``; the highlighted one is ``current``."""

    DEFAULT_CSS = """
    DeliverySignalsTable { height: auto; max-height: 12; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.readings: list[SignalReading] = []

    def on_mount(self) -> None:
        self.add_column("Code", width=CODE_WIDTH)
        self.add_column("Value", width=VALUE_WIDTH)
        self.add_column("Unit", width=8)
        self.add_column("Status")

    def show(self, readings: list[SignalReading]) -> None:
        self.readings = list(readings)
        self.clear()
        for index, reading in enumerate(self.readings):
            value = Text(reading.value, style="bold" if reading.number is not None else "")
            self.add_row(
                Text(reading.code),
                value,
                Text(reading.unit, style="dim"),
                _status(reading),
                key=str(index),
            )

    @property
    def current(self) -> SignalReading | None:
        if not self.readings:
            return None
        return self.readings[min(max(self.cursor_row, 0), len(self.readings) - 1)]
