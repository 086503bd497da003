"""The app's webhook receiver: started by the Webhooks screen, running until carman quits.

The receiver's writer thread posts ``WebhookNews`` to the app (``post_message`` is thread-safe
and never waits); the app hands it to ``WebhookHub.news`` on the UI thread, which applies the
``[webhooks]`` capture rules to valid deliveries and tells the screens that listen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message
from textual.signal import Signal

from tui.core.model import Capture
from tui.core.webhooks import (
    Received,
    ReceiverError,
    WebhookReceiver,
    apply_delivery_captures,
    load_webhook_settings,
    make_receiver,
    save_webhook_settings,
)
from tui.core.webhooks.reach import Reach, reach
from tui.core.webhooks.sandbox_link import SandboxLinkError, link_sandbox_webhook
from tui.core.webhooks.service import follow_environment, is_sandbox

if TYPE_CHECKING:
    from tui.app import CarmanApp


class WebhookNews(Message):
    """From the receiver's writer thread: a delivery was stored, or storing failed
    (``CarmanApp.on_webhook_news``, which hands it to ``WebhookHub.news``). Posted to the app,
    so it has no control."""

    def __init__(self, received: Received | None = None, error: Exception | None = None) -> None:
        super().__init__()
        self.received = received
        self.error = error


class WebhookHub:
    """The app's receiver, its settings and capture rules; lives as long as the app."""

    def __init__(self, app: CarmanApp) -> None:
        self.app = app
        self.settings = load_webhook_settings()
        self.receiver: WebhookReceiver | None = None
        self.error = ""  # why the receiver is not listening
        # Textual signals: a screen being taken down is skipped and dropped, never called.
        self.arrived: Signal[Received] = Signal(app, "webhook-arrived")
        self.environment_changed: Signal[None] = Signal(app, "webhook-environment")
        self._unsubscribe: Callable[[], None] | None = None
        self._linked: tuple[str, str] | None = None  # (sandbox, callback) aimed at already
        self.sandbox_webhook_id = ""

    @property
    def running(self) -> bool:
        return self.receiver is not None and self.receiver.running

    def ensure_running(self) -> bool:
        """Start the receiver unless it runs; False (and ``error``) when it cannot listen."""
        if self.running:
            self.follow_environment()
            return True
        app = self.app
        receiver = make_receiver(
            app.workspace,
            self.settings,
            on_stored=lambda received: app.post_message(WebhookNews(received=received)),
            on_error=lambda exc: app.post_message(WebhookNews(error=exc)),
        )
        try:
            receiver.start()
        except ReceiverError as exc:
            self.error = str(exc)
            return False
        self.receiver, self.error = receiver, ""
        if self._unsubscribe is None:
            # An amt added or changed while it runs (variables screen) is used at once.
            self._unsubscribe = app.workspace.variables.subscribe(self._variable_changed)
        return True

    def serve_sandbox(self) -> None:
        """In the sandbox environment: listen, and aim the sandbox's ``carman receiver``
        webhook here, so subscribing a vehicle from the collection starts deliveries with no
        setup. Quietly nothing elsewhere, or when the port is taken (the Webhooks screen says
        why)."""
        app = self.app
        sandbox = app.sandbox
        if sandbox is None or not is_sandbox(app.workspace) or not self.ensure_running():
            return
        assert self.receiver is not None
        base_url, callback_url = sandbox.base_url, self.receiver.local_url
        if self._linked == (base_url, callback_url):
            return
        self._linked = (base_url, callback_url)
        app.run_worker(
            lambda: self._link(base_url, callback_url),
            thread=True,
            group="sandbox-webhook",
            description="aim the sandbox webhook at the receiver",
        )

    def _link(self, base_url: str, callback_url: str) -> None:
        """On a worker thread: the sandbox's admin calls."""
        import httpx

        try:
            self.sandbox_webhook_id = link_sandbox_webhook(base_url, callback_url)
        except (SandboxLinkError, httpx.HTTPError) as exc:
            self._linked = None
            self.app.call_from_thread(
                self.app.notify,
                f"Webhooks: could not aim the sandbox webhook at the receiver: {exc}",
                severity="warning",
                timeout=8,
            )

    def _variable_changed(self, layer: str, name: str) -> None:
        if name in ("amt", "*"):
            self.follow_environment()

    def follow_environment(self) -> None:
        """Check deliveries with the current environment's management token."""
        if self.receiver is not None:
            follow_environment(self.receiver, self.app.workspace)
        self.environment_changed.publish(None)

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.receiver is not None:
            self.receiver.stop(timeout=2)

    def reach(self) -> Reach | None:
        if self.receiver is None:
            return None
        return reach(
            self.receiver.local_url,
            sandbox=is_sandbox(self.app.workspace),
            public_url=self.settings.public_url,
        )

    def news(self, message: WebhookNews) -> None:
        """On the UI thread: capture from a new valid delivery, then tell the listeners."""
        app = self.app
        if message.error is not None:
            app.notify(f"Webhooks: {message.error}", severity="error", timeout=8)
            return
        received = message.received
        if received is None:
            return
        if received.accepted and not received.retry and self.settings.captures:
            result = apply_delivery_captures(app.workspace, self.settings, received)
            if result.captured:
                names = ", ".join(sorted(result.captured))
                app.notify(f"Captured {names} from a webhook", timeout=3)
        self.arrived.publish(received)

    def add_capture(self, rule: Capture) -> None:
        """Keep ``rule`` (replacing one for the same variable) in config.toml. Raises
        TomlFileError when config.toml is broken (it is left as it is)."""
        rules = [c for c in self.settings.captures if c.variable != rule.variable]
        self.settings.captures = [*rules, rule]
        save_webhook_settings(self.settings)


def hub_of(app: CarmanApp) -> WebhookHub:
    if app.webhook_hub is None:
        app.webhook_hub = WebhookHub(app)
    return app.webhook_hub
