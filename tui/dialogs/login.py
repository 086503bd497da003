"""The login dialog: Smartcar Connect (OAuth2 authorization code) with a background listener.

Shows what will be requested, the Connect URL (an OSC 8 link, copied with OSC 52), waits
visibly for the browser, and reports the result. Over SSH it explains the port forward and
accepts the final redirect URL pasted back. In the sandbox, one key approves without a browser.

Smartcar v3: Connect is still the owner's consent. The redirect's ``user_id`` becomes
``{{user_id}}`` (the ``sc-user-id`` of v3 requests); with ``response_type=code`` the code is
exchanged for the per-vehicle tokens v2.0 needs as before, so one login serves both. In an
environment with ``auth_model = "api"`` the dialog also asks once for the secret of the API
credentials when their client id is not Connect's; the application token itself is carman's
business (fetched and renewed when requests need it).
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.errors import CarmanError
from tui.core.model import OAuth2Settings
from tui.core.oauth.flow import LoginError, LoginFlow, LoginResult
from tui.core.oauth.listener import ListenerError, is_loopback_host
from tui.dialogs.basic import DIALOG_CSS, ConfirmDialog, Field, FormDialog

if TYPE_CHECKING:
    from tui.app import CarmanApp

DEFAULT_SANDBOX_EMAIL = "2-vehicles@smartcar.com"


def over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


class LoginScreen(ModalScreen[LoginResult | None]):
    DEFAULT_CSS = (
        DIALOG_CSS.replace("{name}", "LoginScreen")
        + """
    LoginScreen > Vertical { width: 96; height: 95%; max-height: 95%; }
    LoginScreen VerticalScroll { height: 1fr; }
    LoginScreen #login-url { padding: 1 0 0 0; }
    LoginScreen #login-wait { padding: 1 0 0 0; color: $accent; }
    LoginScreen #login-result { padding: 1 0 0 0; }
    LoginScreen .ssh { color: $warning; }
    LoginScreen Horizontal { height: auto; }
    LoginScreen #paste { width: 1fr; }
    LoginScreen #sandbox-email { width: 1fr; }
    """
    )
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", priority=True),
        Binding("ctrl+y", "copy_url", "Copy URL", priority=True),
        Binding("ctrl+a", "approve_sandbox", "Approve in sandbox", priority=True),
    ]

    def __init__(
        self,
        flow: LoginFlow,
        *,
        sandbox: bool,
        environment: str,
        app_client_id: str | None = None,
    ) -> None:
        super().__init__()
        self.flow = flow
        self.sandbox = sandbox
        self.environment = environment
        # API Authentication's client id when the environment uses it (auth_model = "api").
        self.app_client_id = app_client_id
        self.clock = time.monotonic  # replaceable, so a screenshot can show a round countdown
        self.started_at = self.clock()
        self.finished = False

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        settings = self.flow.settings
        with Vertical():
            yield Label(f"Log in — {self.environment}", classes="dialog-title")
            with VerticalScroll():
                yield Static(self._summary(settings, self.app_client_id), id="login-summary")
                yield Static(self._url_text(), id="login-url")
                if over_ssh():
                    yield Static(self._ssh_help(), classes="ssh", id="ssh-help")
                yield Static("", id="login-wait")
                yield Static("", id="login-result")
            yield Label(
                "Paste the final redirect URL (or just the code) if the browser cannot "
                "reach this machine:",
                classes="field-label",
            )
            with Horizontal():
                yield Input(placeholder="http://localhost:8000/exchange?code=…&state=…", id="paste")
                yield Button("Use it", id="use-paste")
            if self.sandbox:
                yield Label(
                    "Sandbox: approve without a browser (special emails set the "
                    "vehicles and errors):",
                    classes="field-label",
                )
                with Horizontal():
                    yield Input(DEFAULT_SANDBOX_EMAIL, id="sandbox-email")
                    yield Button("Approve (ctrl+a)", id="approve", variant="success")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Copy URL (ctrl+y)", id="copy")
                yield Button("Cancel (esc)", id="cancel")

    @staticmethod
    def _summary(settings: OAuth2Settings, app_client_id: str | None = None) -> Text:
        text = Text()
        if settings.response_type == "none":
            gives = "none: the user id only (v3)"
        else:
            gives = "code: the user id (v3) and per-vehicle tokens (v2.0)"
        rows = [
            ("Client id", settings.client_id),
            ("Mode", settings.mode),
            ("Redirect URI", settings.redirect_uri),
            ("Response type", gives),
        ]
        if app_client_id:
            rows.append(("v3 requests", f"application token of {app_client_id} (by carman)"))
        if settings.make:
            rows.append(("Make", settings.make))
        if settings.country:
            rows.append(("Country", settings.country))
        for label, value in rows:
            text.append(f"{label:<14}", style="dim")
            text.append(f"{value}\n")
        text.append(f"{'Permissions':<14}", style="dim")
        scopes = [
            s.removeprefix("required:") + (" (required)" if s.startswith("required:") else "")
            for s in settings.scope
        ] or ["(the application's defaults)"]
        text.append(", ".join(scopes))
        return text

    def _url_text(self) -> Text:
        url = self.flow.authorize_url
        text = Text("Open this URL in a browser (it is copied to your clipboard):\n", style="bold")
        text.append(url, style=f"underline link {url}")  # OSC 8 hyperlink in capable terminals
        return text

    def _ssh_help(self) -> Text:
        port = self.flow.port or 8000
        forwards = f"-L {port}:localhost:{port}"
        authorize = urlsplit(self.flow.authorize_url)
        if is_loopback_host(authorize.hostname or "") and authorize.port:
            # The Connect pages are on this machine too (the sandbox): forward them as well.
            forwards += f" -L {authorize.port}:localhost:{authorize.port}"
        text = Text("You are connected over SSH. ", style="bold")
        text.append(
            "The browser on your laptop must reach this machine's port "
            f"{port}. Reconnect with a port forward:\n"
            f"    ssh {forwards} user@this-host\n"
            "or, after approving, paste the address your browser ends on below."
        )
        return text

    def on_mount(self) -> None:
        self.carman.copy_to_clipboard(self.flow.authorize_url)
        self.notify("Connect URL copied to the clipboard (OSC 52)", timeout=4)
        self.set_interval(1, self._tick)
        self._tick()
        self.wait_for_browser()
        self.query_one("#sandbox-email" if self.sandbox else "#paste", Input).focus()

    def _tick(self) -> None:
        if self.finished:
            return
        left = max(0, int(self.flow.timeout - (self.clock() - self.started_at)))
        text = Text(
            f"⏳ Waiting for the browser on {self.flow.redirect_uri} … "
            f"{left // 60}:{left % 60:02d} left"
        )
        for event in self.flow.events[-3:]:
            text.append(f"\n  refused: {event}", style="yellow")
        self.query_one("#login-wait", Static).update(text)

    @work(exclusive=True, group="login-wait")
    async def wait_for_browser(self) -> None:
        try:
            result = await self.flow.wait()
        except (LoginError, CarmanError) as exc:
            if self.finished:
                return  # the user cancelled: that is not a failure
            self._failed(str(exc))
            return
        self._succeeded(result)

    def _failed(self, message: str) -> None:
        self.query_one("#login-result", Static).update(Text(f"✗ {message}", style="bold red"))
        self.notify(message, title="Login failed", severity="error", timeout=10)

    def _succeeded(self, result: LoginResult) -> None:
        self.finished = True
        self.query_one("#login-wait", Static).update("")
        self.query_one("#login-result", Static).update(
            Text(f"✓ {result.summary}", style="bold green")
        )
        self.notify(result.summary, title="Logged in", timeout=8)
        self.dismiss(result)

    def on_unmount(self) -> None:
        # However the dialog goes away (even when the app quits), the listener must stop.
        self.flow.cancel()
        self.flow.stop()

    def action_copy_url(self) -> None:
        self.carman.copy_with_toast(self.flow.authorize_url, "the Connect URL")

    def action_cancel(self) -> None:
        self.finished = True
        self.flow.cancel()
        self.flow.stop()
        self.app.notify("Login cancelled", timeout=3)
        self.dismiss(None)

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self) -> None:
        self.action_copy_url()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#use-paste")
    @on(Input.Submitted, "#paste")
    def _paste_given(self) -> None:
        self._use_paste()

    @on(Button.Pressed, "#approve")
    @on(Input.Submitted, "#sandbox-email")
    def _approve_given(self) -> None:
        self.action_approve_sandbox()

    def _use_paste(self) -> None:
        text = self.query_one("#paste", Input).value.strip()
        if text:
            self.complete_pasted(text)

    @work(exclusive=True, group="login-paste")
    async def complete_pasted(self, text: str) -> None:
        try:
            result = await self.flow.complete_with_pasted(text)
        except (LoginError, CarmanError) as exc:
            self._failed(str(exc))
            return
        self._succeeded(result)

    def action_approve_sandbox(self) -> None:
        if not self.sandbox:
            return
        email = self.query_one("#sandbox-email", Input).value.strip() or DEFAULT_SANDBOX_EMAIL
        self.approve(email)

    @work(exclusive=True, group="login-approve")
    async def approve(self, email: str) -> None:
        from tui.core.oauth.sandbox_approve import approve_in_sandbox

        try:
            # The sandbox plays the user; the code then arrives through the real listener.
            await approve_in_sandbox(self.flow.authorize_url, email)
        except CarmanError as exc:
            self._failed(str(exc))


def _settings_for_login(app: CarmanApp) -> OAuth2Settings:
    """The request's own OAuth2 settings when it has them, else the environment's."""
    manager = app.tokens
    screen = app.main_screen
    if screen is not None and screen.request is not None:
        settings = app.workspace.oauth_settings(screen.collection, screen.request)
        env_settings = app.workspace.environment.oauth2 if app.workspace.environment else None
        if settings is not None and settings is not env_settings and settings.is_configured():
            return app.workspace.resolve_settings(settings)
    return manager.require_settings()


def open_login(app: CarmanApp) -> None:
    manager = app.tokens
    if manager is None:
        app.notify("OAuth2 login is not available", severity="error")
        return
    try:
        settings = _settings_for_login(app)
    except CarmanError as exc:
        app.notify(str(exc), title="Cannot log in", severity="error", timeout=12)
        return
    missing = [
        client_id
        for client_id in dict.fromkeys([settings.client_id, _app_client_id(app) or ""])
        if client_id and not _has_secret(app, client_id)
    ]
    if missing:
        _ask_secrets_then_login(app, settings, missing)
        return
    _start(app, settings)


def _app_client_id(app: CarmanApp) -> str | None:
    """The client id of API Authentication, when the environment uses it and can resolve it."""
    tokens = app.tokens
    if not tokens.uses_app_token():
        return None
    resolved = tokens.app.settings()
    return resolved.client_id if resolved is not None else None


def _has_secret(app: CarmanApp, client_id: str) -> bool:
    try:
        return bool(app.workspace.secrets.client_secret(client_id))
    except CarmanError:
        return False


def _ask_secrets_then_login(
    app: CarmanApp, settings: OAuth2Settings, client_ids: list[str]
) -> None:
    """One field per client id without a stored secret (Connect's, and API Authentication's
    when it has its own)."""

    def label(client_id: str) -> str:
        if client_id == settings.client_id:
            return f"Client secret of {client_id}"
        return f"Client secret of the API credentials {client_id}"

    fields = [Field(f"secret{i}", label(c), password=True) for i, c in enumerate(client_ids)]

    def entered(values: dict[str, str] | None) -> None:
        if not values:
            return
        for index, client_id in enumerate(client_ids):
            secret = values.get(f"secret{index}", "").strip()
            if secret:
                app.workspace.secrets.set_client_secret(client_id, secret)
        if _has_secret(app, settings.client_id):
            _start(app, settings)

    app.push_screen(
        FormDialog(
            "Client secret" if len(client_ids) == 1 else "Client secrets",
            fields,
            help_text="Stored only in carman's secrets file (mode 0600), never in a collection.",
        ),
        entered,
    )


def _start(app: CarmanApp, settings: OAuth2Settings) -> None:
    flow = app.tokens.login(settings, on_event=lambda _: None)
    try:
        flow.start()
    except ListenerError as exc:
        app.notify(str(exc), title="Cannot listen for the callback", severity="error", timeout=15)
        return
    authorize_host = flow.authorize_url.split("/")[2].split(":")[0]
    sandbox = app.sandbox is not None and is_loopback_host(authorize_host)

    app.active_logins.add(flow)

    def done(result: LoginResult | None) -> None:
        flow.stop()
        app.active_logins.discard(flow)
        if result is None:
            return
        from tui.core.smartcar.vehicles import forget

        forget(app.workspace)  # a new login may name other vehicles

    app.push_screen(
        LoginScreen(
            flow,
            sandbox=sandbox,
            environment=app.workspace.environment_name,
            app_client_id=_app_client_id(app),
        ),
        done,
    )


def logout(app: CarmanApp) -> None:
    manager = app.tokens
    if manager is None:
        return
    try:
        settings = manager.require_settings()
    except CarmanError as exc:
        app.notify(str(exc), severity="error")
        return
    manager.logout(settings)
    app.notify(f"Logged out of {app.workspace.environment_name}")


def forget_tokens(app: CarmanApp) -> None:
    manager = app.tokens
    if manager is None:
        return

    def confirmed(yes: bool | None) -> None:
        if yes:
            manager.forget_all()
            app.notify("Forgot every stored token")

    app.push_screen(
        ConfirmDialog("Forget tokens", "Forget the tokens of every environment?", yes="Forget"),
        confirmed,
    )
