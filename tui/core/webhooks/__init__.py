"""Receiving Smartcar webhooks: a background listener, signature checks, storage, captures.

    receiver = make_receiver(workspace, load_webhook_settings(), on_stored=show)
    receiver.start()                     # http://127.0.0.1:8001/webhooks by default

Headless: the TUI's Webhooks screen and ``carman webhooks listen`` share all of it. The
HMACs themselves live in ``tui.core.smartcar.webhook_signing`` (shared with the sandbox).
"""

from __future__ import annotations

from tui.core.webhooks.receiver import ReceiverError, WebhookReceiver, exposure_warning
from tui.core.webhooks.service import amt_of, apply_delivery_captures, make_receiver
from tui.core.webhooks.settings import (
    DEFAULT_PATH,
    DEFAULT_PORT,
    WebhookSettings,
    load_webhook_settings,
    save_webhook_settings,
)
from tui.core.webhooks.writer import Received

__all__ = [
    "DEFAULT_PATH",
    "DEFAULT_PORT",
    "Received",
    "ReceiverError",
    "WebhookReceiver",
    "WebhookSettings",
    "amt_of",
    "apply_delivery_captures",
    "exposure_warning",
    "load_webhook_settings",
    "make_receiver",
    "save_webhook_settings",
]
