"""The events the sandbox delivers, in payload version 4.0 (shared/smartcar-v3.md §7.5 to §7.7).

An event is built once (``eventId`` fixed) and stamped per attempt with a new ``deliveryId``
and ``deliveredAt`` (epoch milliseconds), so retries keep the event's identity. ``encode``
gives the compact JSON bytes that are both sent and signed.

Shapes follow captured deliveries where they and the reference page differ (§7.6): no
top-level ``vehicleId``; ``triggers`` at the top level; ``meta`` keys in the captured order.
VERIFY carries ``data.challenge`` and no vehicle. The sandbox signs VERIFY too: whether Smartcar
does is UNCONFIRMED (a third-party receiver checks ``eventType`` before the signature), and a
valid signature harms no receiver.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

from tui.core.smartcar import webhook_events as events

Event = dict[str, Any]
Record = dict[str, Any]


def new_id() -> str:
    return str(uuid.uuid4())


def verify_event(webhook: Record, challenge: str) -> Event:
    return {
        "eventId": new_id(),
        "eventType": events.VERIFY,
        "data": {"challenge": challenge},
        "meta": {
            "version": events.PAYLOAD_VERSION,
            "webhookId": webhook["id"],
            "webhookName": webhook["name"],
            "deliveryId": None,
            "deliveredAt": None,
        },
    }


def vehicle_state_event(
    webhook: Record,
    user_id: str,
    vehicle: dict[str, Any],
    signals: list[dict[str, Any]],
    triggers: list[dict[str, Any]],
    mode: str = events.LIVE,
) -> Event:
    return {
        "eventId": new_id(),
        "eventType": events.VEHICLE_STATE,
        "data": {"user": {"id": user_id}, "vehicle": dict(vehicle), "signals": signals},
        "triggers": triggers,
        "meta": {
            "deliveryId": None,
            "deliveredAt": None,
            "version": events.PAYLOAD_VERSION,
            "webhookId": webhook["id"],
            "webhookName": webhook["name"],
            "mode": mode,
            "signalCount": len(signals),
        },
    }


def vehicle_error_event(
    webhook: Record,
    user_id: str,
    vehicle: dict[str, Any],
    errors: list[dict[str, Any]],
    mode: str = events.LIVE,
) -> Event:
    return {
        "eventId": new_id(),
        "eventType": events.VEHICLE_ERROR,
        "data": {"user": {"id": user_id}, "vehicle": dict(vehicle), "errors": errors},
        "meta": {
            "version": events.PAYLOAD_VERSION,
            "deliveryId": None,
            "deliveredAt": None,
            "webhookId": webhook["id"],
            "webhookName": webhook["name"],
            "mode": mode,
        },
    }


def signal_trigger(code: str, name: str, group: str) -> dict[str, Any]:
    return {"type": events.SIGNAL_UPDATED, "signal": events.signal_ref(code, name, group)}


def first_delivery_trigger() -> dict[str, Any]:
    return {"type": events.FIRST_DELIVERY}


def schedule_trigger(minutes: int) -> dict[str, Any]:
    return {"type": events.SCHEDULE, "schedule": {"intervalMinutes": minutes}}


def stamp(event: Event, delivery_id: str, delivered_at_ms: int) -> Event:
    """A copy of the event for one attempt."""
    stamped = copy.deepcopy(event)
    stamped["meta"]["deliveryId"] = delivery_id
    stamped["meta"]["deliveredAt"] = delivered_at_ms
    return stamped


def encode(event: Event) -> bytes:
    """Compact UTF-8 JSON: the exact bytes sent and signed."""
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
