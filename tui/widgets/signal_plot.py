"""A numeric signal over the deliveries received: a label and Textual's ``Sparkline``."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from tui.core.webhooks.signals import Point


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e7 else f"{value:.4g}"


class SignalPlot(Vertical):
    DEFAULT_CSS = """
    SignalPlot { height: 2; padding: 0 1; }
    SignalPlot > #plot-label { height: 1; color: $text-muted; }
    SignalPlot > Sparkline { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code = ""
        self.points: list[Point] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="plot-label")
        yield Sparkline([], id="plot-line")

    @property
    def sparkline(self) -> Sparkline:
        return self.query_one(Sparkline)

    def plot(self, code: str, points: list[Point], hint: str = "") -> None:
        self.code, self.points = code, list(points)
        self.sparkline.data = [p.value for p in self.points]
        label = Text()
        if not code:
            label.append("No numeric signal from a validly signed delivery yet.", style="dim")
        else:
            last = self.points[-1] if self.points else None
            label.append(code, style="bold")
            if last is not None:
                label.append(f"  {_number(last.value)} {last.unit}".rstrip())
                values = [p.value for p in self.points]
                label.append(
                    f"  ·  {len(values)} point{'s' if len(values) != 1 else ''}"
                    f", {_number(min(values))}–{_number(max(values))}",
                    style="dim",
                )
        if hint:
            label.append(f"  ·  {hint}", style="dim")
        self.query_one("#plot-label", Static).update(label)
