"""What a webhook body says about itself: event id and type, delivery, vehicle, user, webhook.

Reads both shapes Smartcar has used (smartcar-v3.md §7.5-7.7): v4.0 events
(``eventId``/``eventType``/``data``/``meta``) and the legacy 2.0 VERIFY
(``eventName``/``payload``). Every field is optional and wrongly typed values are ignored:
a body is information from outside, never trusted to have a shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VERIFY = "VERIFY"
VEHICLE_STATE = "VEHICLE_STATE"
VEHICLE_ERROR = "VEHICLE_ERROR"
MAX_FIELD = 200  # longer ids and names are cut: they only label a line in a list


@dataclass(frozen=True)
class EventInfo:
    event_id: str = ""
    event_type: str = ""
    delivery_id: str = ""
    delivered_at: str = ""
    vehicle_id: str = ""
    vehicle_make: str = ""
    vehicle_model: str = ""
    vehicle_year: int | None = None
    user_id: str = ""
    webhook_id: str = ""
    webhook_name: str = ""
    mode: str = ""
    version: str = ""
    challenge: str | None = None  # VERIFY only

    @property
    def is_verify(self) -> bool:
        return self.event_type == VERIFY


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)[:MAX_FIELD]
    return ""


def _year(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and 1885 <= value <= 3000:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) == 4:
        return int(value)
    return None


def event_info(document: object) -> EventInfo:
    """The labels of one parsed webhook body (empty ones for anything it does not carry)."""
    root = _object(document)
    data = _object(root.get("data"))
    meta = _object(root.get("meta"))
    vehicle = _object(data.get("vehicle"))
    user = _object(data.get("user"))
    event_type = _text(root.get("eventType"))
    challenge: object = None
    if not event_type and _text(root.get("eventName")).lower() == "verify":
        event_type = VERIFY  # the legacy 2.0 shape: {"eventName": "verify", "payload": {...}}
        challenge = _object(root.get("payload")).get("challenge")
    elif event_type == VERIFY:
        challenge = data.get("challenge")
    return EventInfo(
        event_id=_text(root.get("eventId")),
        event_type=event_type,
        delivery_id=_text(meta.get("deliveryId")),
        delivered_at=_text(meta.get("deliveredAt")),
        vehicle_id=_text(vehicle.get("id")) or _text(root.get("vehicleId")),
        vehicle_make=_text(vehicle.get("make")),
        vehicle_model=_text(vehicle.get("model")),
        vehicle_year=_year(vehicle.get("year")),
        user_id=_text(user.get("id")),
        webhook_id=_text(meta.get("webhookId")) or _text(root.get("webhookId")),
        webhook_name=_text(meta.get("webhookName")),
        mode=_text(meta.get("mode")),
        version=_text(meta.get("version")) or _text(root.get("version")),
        challenge=challenge if isinstance(challenge, str) else None,
    )
