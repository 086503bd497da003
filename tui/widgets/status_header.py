"""The top line: app name, environment, token state, selected vehicle."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusHeader(Static):
    DEFAULT_CSS = """
    StatusHeader {
        height: 1;
        background: $primary 30%;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.environment = ""
        self.sandbox = False
        self.sandbox_starting = False  # carman starts the sandbox after its first frame
        self.token = "no login"
        self.token_style = "dim"
        self.vehicle = ""
        self.units = "metric"
        self._shown: Text | None = None

    def set_state(
        self,
        *,
        environment: str | None = None,
        sandbox: bool | None = None,
        sandbox_starting: bool | None = None,
        token: str | None = None,
        token_style: str | None = None,
        vehicle: str | None = None,
        units: str | None = None,
    ) -> None:
        if environment is not None:
            self.environment = environment
        if sandbox is not None:
            self.sandbox = sandbox
        if sandbox_starting is not None:
            self.sandbox_starting = sandbox_starting
        if token is not None:
            self.token = token
        if token_style is not None:
            self.token_style = token_style
        if vehicle is not None:
            self.vehicle = vehicle
        if units is not None:
            self.units = units
        self._show()

    def on_resize(self) -> None:
        self._show()

    def _show(self) -> None:
        # Updating a Static lays the screen out again: only when the line really changed.
        text = self.render_text()
        if text != self._shown:
            self._shown = text
            self.update(text)

    def render_text(self) -> Text:
        # Narrow terminals (80 columns) drop the name and the sandbox note, not the vehicle.
        roomy = self.size.width >= 100 or self.size.width == 0
        text = Text(no_wrap=True, overflow="ellipsis")
        if roomy:
            text.append("carman  ", style="bold")
        text.append("env: ", style="dim")
        text.append(self.environment or "none", style="bold")
        if self.sandbox_starting:
            text.append(" (starting sandbox…)", style="italic")
        elif self.sandbox and roomy:
            text.append(" (offline)", style="italic")
        text.append("  token: ", style="dim")
        text.append(self.token, style=self.token_style)
        text.append("  vehicle: ", style="dim")
        text.append(self.vehicle or "none", style="bold" if self.vehicle else "dim")
        if self.units != "metric":
            text.append(f"   {self.units}", style="italic")
        return text
