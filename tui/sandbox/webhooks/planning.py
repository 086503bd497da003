"""One round of the dispatcher, as data: what is due at sandbox-clock time ``now``.

* webhooks whose verification is pending and whose VERIFY is not already on its way;
* subscriptions waiting for FIRST_DELIVERY whose webhook can now receive it (marked sent here:
  the caller builds and queues the event);
* schedule slots that fell due: every ``scheduleMinutes`` from the definition. After a jump of
  the clock, one delivery per slot up to ``catch_up`` per webhook; the slots beyond are
  skipped (counted, so the log can say so) and the next slot is the first one after ``now``.
  A webhook that cannot receive (disabled, not verified) lets its slots pass undelivered;
* subscriptions whose webhook or connection is gone, forgotten.

``needs_round`` answers from a read-only look whether ``plan_round`` would change anything, so
an idle sandbox never rewrites its state file.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox.webhooks import definitions, subscriptions

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]


@dataclass
class Plan:
    verify: list[Record] = field(default_factory=list)  # webhooks (copies) to VERIFY
    # (webhook, subscription) copies waiting for FIRST_DELIVERY
    firsts: list[tuple[Record, Record]] = field(default_factory=list)
    # (webhook copy, slots due, slots skipped)
    scheduled: list[tuple[Record, int, int]] = field(default_factory=list)
    next_due: float | None = None  # the next schedule slot, on the sandbox clock


def _wants_verify(webhook: Record, queued: set[str]) -> bool:
    verification = webhook["verification"]
    return verification["status"] == definitions.PENDING and verification["nonce"] not in queued


def _slot_due(webhook: Record, now: float) -> bool:
    next_at = webhook.get("schedule_next_at")
    return bool(webhook.get("schedule_minutes")) and next_at is not None and next_at <= now


def _first_due(data: Data, subscription: Record) -> bool:
    webhook = data["webhook_definitions"][subscription["webhook_id"]]
    return subscription["first_delivery"] == subscriptions.PENDING and definitions.deliverable(
        webhook
    )


def next_slot(data: Data) -> float | None:
    slots = [
        w["schedule_next_at"]
        for w in data["webhook_definitions"].values()
        if w.get("schedule_minutes") and w.get("schedule_next_at") is not None
    ]
    return min(slots) if slots else None


def needs_round(data: Data, now: float, queued: set[str]) -> bool:
    for webhook in data["webhook_definitions"].values():
        if _wants_verify(webhook, queued) or _slot_due(webhook, now):
            return True
    for subscription in data["webhook_subscriptions"].values():
        if not subscriptions.is_alive(data, subscription) or _first_due(data, subscription):
            return True
    return False


def advance_schedule(webhook: Record, now: float, catch_up: int) -> tuple[int, int]:
    """Move the webhook's next slot past ``now``; (slots due, slots skipped)."""
    step = int(webhook["schedule_minutes"]) * 60
    next_at = float(webhook["schedule_next_at"])
    slots = 0
    while next_at <= now and slots < catch_up:
        slots += 1
        next_at += step
    skipped = 0
    if next_at <= now:
        skipped = int((now - next_at) // step) + 1
        next_at += skipped * step
    webhook["schedule_next_at"] = next_at
    return slots, skipped


def plan_round(data: Data, now: float, catch_up: int, queued: set[str]) -> Plan:
    """Change ``data`` for this round (caller holds the state lock and saves) and say what to
    send. ``queued``: nonces of the VERIFYs already on their way."""
    plan = Plan()
    subscriptions.remove_dead(data)
    for webhook in data["webhook_definitions"].values():
        if _wants_verify(webhook, queued):
            plan.verify.append(copy.deepcopy(webhook))
        if _slot_due(webhook, now):
            slots, skipped = advance_schedule(webhook, now, catch_up)
            if definitions.deliverable(webhook):
                plan.scheduled.append((copy.deepcopy(webhook), slots, skipped))
    for subscription in subscriptions.alive(data):
        if _first_due(data, subscription):
            subscription["first_delivery"] = subscriptions.SENT
            webhook = data["webhook_definitions"][subscription["webhook_id"]]
            plan.firsts.append((copy.deepcopy(webhook), copy.deepcopy(subscription)))
    plan.next_due = next_slot(data)
    return plan
