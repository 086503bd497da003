"""Wiring the receiver to a workspace: its settings, environment, management token, secrets
and capture rules. The TUI and ``carman webhooks listen`` both start it through here."""

from __future__ import annotations

from tui.core.captures import CaptureResult
from tui.core.history.deliveries import DEFAULT_MAX_EVENTS
from tui.core.serial_worker import ErrorCallback
from tui.core.webhooks.captures import capture_from_delivery
from tui.core.webhooks.receiver import WebhookReceiver
from tui.core.webhooks.settings import WebhookSettings
from tui.core.webhooks.writer import Received, StoredCallback
from tui.core.workspace import SANDBOX_ENVIRONMENT, Workspace


def amt_of(workspace: Workspace) -> str | None:
    """The environment's Application Management Token: the ``amt`` variable (the secrets
    file's ``[variables.<environment>]``, or the sandbox's own, set when it is attached)."""
    value = workspace.variables.get("amt")
    if value and "{{" in value:
        value = workspace.variables.resolve(value).text
    return value or None


def is_sandbox(workspace: Workspace) -> bool:
    return workspace.environment_name == SANDBOX_ENVIRONMENT


def make_receiver(
    workspace: Workspace,
    settings: WebhookSettings,
    *,
    host: str | None = None,
    port: int | None = None,
    on_stored: StoredCallback | None = None,
    on_error: ErrorCallback | None = None,
) -> WebhookReceiver:
    """A receiver (not started) for the workspace's current environment."""
    limits = workspace.config.history
    receiver = WebhookReceiver(
        host=host or settings.host,
        port=settings.port if port is None else port,
        path=settings.path,
        # History off (max_entries = 0) still keeps deliveries: the Webhooks list needs them.
        max_events=limits.max_entries or DEFAULT_MAX_EVENTS,
        max_body_bytes=limits.max_body_bytes,
        on_stored=on_stored,
        on_error=on_error,
        secrets=workspace.secret_values,
    )
    follow_environment(receiver, workspace)
    return receiver


def follow_environment(receiver: WebhookReceiver, workspace: Workspace) -> None:
    """Check deliveries against the workspace's current environment from now on."""
    receiver.use(workspace.environment_name, amt_of(workspace))


def apply_delivery_captures(
    workspace: Workspace, settings: WebhookSettings, received: Received
) -> CaptureResult:
    """Set session variables from a delivery by the ``[webhooks]`` capture rules (valid
    signatures only). Call it on the thread that owns the workspace."""
    record = received.record
    result = capture_from_delivery(
        settings.captures,
        record.body,
        record.signature,
        record.headers,
        record.received_at,
        record.status,
    )
    if result.captured:
        workspace.set_session(result.captured)
    return result
