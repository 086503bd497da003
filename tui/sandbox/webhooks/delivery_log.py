"""What the sender did, per webhook: every attempt, its answer, and what became of the event.

Kept in memory (the last ``LIMIT`` entries of each webhook), read by tests through
``Sandbox.webhooks.deliveries(id)`` and by scripts through
``GET /_sandbox/webhooks/{id}/deliveries``. Entries, oldest first:

``{"eventId", "eventType", "deliveryId", "attempt", "url", "mode", "vehicleId",
"subscriptionId", "status" (HTTP status or null), "outcome", "error", "deliveredAt" (epoch ms
on the sandbox clock), "at" (ISO), "nextAttemptAt" (ISO or null), "triggers"}``

``outcome`` is ``delivered``, ``failed`` (a retry follows), ``gave_up`` (the last attempt
failed), ``verified``, ``verification_failed`` or ``dropped`` (never sent: the queue was full,
or the webhook or subscription went away before the attempt).
"""

from __future__ import annotations

import copy
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

LIMIT = 500

DELIVERED = "delivered"
FAILED = "failed"
GAVE_UP = "gave_up"
VERIFIED = "verified"
VERIFICATION_FAILED = "verification_failed"
DROPPED = "dropped"


Entries = list[dict[str, Any]]


class DeliveryLog:
    def __init__(self) -> None:
        self._entries: dict[str, deque[dict[str, Any]]] = {}
        self._changed = threading.Condition()

    def add(self, webhook_id: str, entry: dict[str, Any]) -> None:
        with self._changed:
            self._entries.setdefault(webhook_id, deque(maxlen=LIMIT)).append(copy.deepcopy(entry))
            self._changed.notify_all()

    def entries(self, webhook_id: str) -> Entries:
        with self._changed:
            return copy.deepcopy(list(self._entries.get(webhook_id, ())))

    def wait(
        self, webhook_id: str, check: Callable[[Entries], bool], timeout: float = 15.0
    ) -> Entries | None:
        """Wait until ``check(entries)`` holds; the entries then, or None after ``timeout``
        real seconds (for tests that wait on what the sender did, without sleeping)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                entries = copy.deepcopy(list(self._entries.get(webhook_id, ())))
                if check(entries):
                    return entries
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def forget(self, webhook_id: str) -> None:
        with self._changed:
            self._entries.pop(webhook_id, None)
