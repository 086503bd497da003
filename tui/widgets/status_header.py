"""The top line: app name, environment, token state, user and selected vehicle.

What fits is shown by priority: at 80 columns the name, the sandbox note and the application
token's state go first, and the user id is shortened, so the vehicle stays readable.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

# Segment names, least important first: dropped in this order when the line is too long.
DROP_ORDER = ("name", "offline", "app", "units", "user")


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
        # Smartcar v3: the application token (API Authentication); "" when not used.
        self.app_token = ""
        self.app_token_style = "dim"
        self.user = ""  # {{user_id}}, the sc-user-id of v3 requests
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
        app_token: str | None = None,
        app_token_style: str | None = None,
        user: str | None = None,
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
        if app_token is not None:
            self.app_token = app_token
        if app_token_style is not None:
            self.app_token_style = app_token_style
        if user is not None:
            self.user = user
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

    def _segments(self, short_user: bool) -> list[tuple[str, Text]]:
        # Narrow terminals (80 columns) never show the name and the sandbox note.
        roomy = self.size.width >= 100 or self.size.width == 0
        segments: list[tuple[str, Text]] = []
        if roomy:
            segments.append(("name", Text("carman  ", style="bold")))
        env = Text("env: ", style="dim")
        env.append(self.environment or "none", style="bold")
        segments.append(("env", env))
        if self.sandbox_starting:  # the sandbox starts after the first frame
            segments.append(("offline", Text(" (starting sandbox…)", style="italic")))
        elif self.sandbox and roomy:
            segments.append(("offline", Text(" (offline)", style="italic")))
        token = Text("  token: ", style="dim")
        token.append(self.token, style=self.token_style)
        segments.append(("token", token))
        if self.app_token:
            app = Text("  app: ", style="dim")
            app.append(self.app_token, style=self.app_token_style)
            segments.append(("app", app))
        if self.user:
            user = self.user if not short_user or len(self.user) <= 8 else f"{self.user[:8]}…"
            shown = Text("  user: ", style="dim")
            shown.append(user, style="bold")
            segments.append(("user", shown))
        vehicle = Text("  vehicle: ", style="dim")
        vehicle.append(self.vehicle or "none", style="bold" if self.vehicle else "dim")
        segments.append(("vehicle", vehicle))
        if self.units != "metric":
            segments.append(("units", Text(f"   {self.units}", style="italic")))
        return segments

    def render_text(self) -> Text:
        width = self.content_size.width
        segments = self._segments(short_user=True)
        if width == 0:  # not laid out yet (and tests that read the text): everything
            segments = self._segments(short_user=False)
        else:
            full = self._segments(short_user=False)
            if sum(len(t) for _, t in full) <= width:
                segments = full
            for name in DROP_ORDER:
                if sum(len(t) for _, t in segments) <= width:
                    break
                segments = [(n, t) for n, t in segments if n != name]
        text = Text(no_wrap=True, overflow="ellipsis")
        for _, part in segments:
            text.append_text(part)
        return text
