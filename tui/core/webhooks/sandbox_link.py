"""Against the sandbox, no setup: a sandbox webhook that delivers to carman's receiver.

Real Smartcar webhooks are made in its Dashboard; the sandbox's are made through its admin
namespace (``/_sandbox/webhooks``). When carman's receiver listens in the sandbox environment,
carman makes the sandbox webhook named ``carman receiver`` (or re-aims it when the receiver
moved to another port), so the built-in collection's *List webhooks* finds it and *Subscribe
vehicle* starts deliveries. The sandbox sends VERIFY to the receiver at once; the receiver
answers with the sandbox's management token, which ``point_at_sandbox`` made the ``amt``.

Blocking HTTP: call it off the UI thread.
"""

from __future__ import annotations

from typing import Any

import httpx

RECEIVER_WEBHOOK_NAME = "carman receiver"
# Hourly, like a Dashboard webhook's usual frequency; the sandbox's movable clock runs it early.
SCHEDULE_MINUTES = 60


class SandboxLinkError(Exception):
    """The sandbox would not make or re-aim the webhook (its answer, in words)."""


def link_sandbox_webhook(base_url: str, callback_url: str, *, timeout: float = 5.0) -> str:
    """The id of the sandbox's ``carman receiver`` webhook, delivering to ``callback_url``.

    Made when missing, re-aimed when it points elsewhere, left alone otherwise. Raises
    SandboxLinkError (or httpx.HTTPError when the sandbox cannot be reached)."""
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        existing = _find(_answer(client.get("/_sandbox/webhooks")))
        if existing is None:
            made = client.post(
                "/_sandbox/webhooks",
                json={
                    "name": RECEIVER_WEBHOOK_NAME,
                    "callbackUri": callback_url,
                    "scheduleMinutes": SCHEDULE_MINUTES,
                },
            )
            return str(_answer(made)["id"])
        webhook_id = str(existing["id"])
        if existing.get("callbackUri") != callback_url or not existing.get("isEnabled", True):
            moved = client.patch(
                f"/_sandbox/webhooks/{webhook_id}",
                json={"callbackUri": callback_url, "isEnabled": True},
            )
            _answer(moved)
        return webhook_id


def _find(listing: dict[str, Any]) -> dict[str, Any] | None:
    webhooks = listing.get("webhooks")
    for webhook in webhooks if isinstance(webhooks, list) else []:
        if isinstance(webhook, dict) and webhook.get("name") == RECEIVER_WEBHOOK_NAME:
            return webhook
    return None


def _answer(response: httpx.Response) -> dict[str, Any]:
    if response.is_error:
        raise SandboxLinkError(
            f"the sandbox answered {response.status_code} to {response.request.method} "
            f"{response.request.url.path}: {response.text[:200]}"
        )
    try:
        document = response.json()
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise SandboxLinkError(f"the sandbox's answer to {response.request.url.path} is not JSON")
    return document
