"""The Management API's JSON:API shapes of webhooks and subscriptions (shared/smartcar-v3.md §7.2),
and the admin namespace's fuller view of a webhook.

Links are paths relative to the v3 base, as the sandbox's other v3 resources give them. The
docs' subscription example labels the user and vehicle relationships ``"webhook"``; the sandbox
uses ``user`` and ``vehicle``. A webhook's schedule (carman's extension) is
``attributes.schedule``: ``{"intervalMinutes": N}`` or null.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import signals as catalogue
from tui.core.smartcar.webhook_events import signal_ref
from tui.sandbox.clock import iso

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]


def signal_refs(codes: list[str]) -> list[dict[str, str]]:
    """``{group, name, code}`` of each code (the order of the docs' example)."""
    refs = []
    for code in codes:
        spec = catalogue.find(code)
        if spec is not None:
            ref = signal_ref(spec.code, spec.name, spec.group)
            refs.append({"group": ref["group"], "name": ref["name"], "code": ref["code"]})
    return refs


def webhook_resource(record: Record) -> dict[str, Any]:
    minutes = record.get("schedule_minutes")
    return {
        "id": record["id"],
        "type": "webhook",
        "attributes": {
            "name": record["name"],
            "callbackUri": record["callback_uri"],
            "isEnabled": record["enabled"],
            "triggers": signal_refs(record["triggers"]),
            "data": signal_refs(record["data"]),
            "errorCallbackUri": record.get("error_callback_uri"),
            "autoSubscribe": record["auto_subscribe"],
            "schedule": {"intervalMinutes": minutes} if minutes else None,
        },
        "links": {"self": f"/webhooks/{record['id']}"},
        "meta": {"createdAt": iso(record["created_at"])},
    }


def admin_view(record: Record, subscription_count: int) -> dict[str, Any]:
    """A webhook as ``/_sandbox/webhooks`` shows it: the admin field names, its verification
    and its schedule's next slot."""
    verification = record["verification"]
    next_at = record.get("schedule_next_at")
    return {
        "id": record["id"],
        "name": record["name"],
        "callbackUri": record["callback_uri"],
        "errorCallbackUri": record.get("error_callback_uri"),
        "isEnabled": record["enabled"],
        "data": list(record["data"]),
        "triggers": list(record["triggers"]),
        "scheduleMinutes": record.get("schedule_minutes"),
        "scheduleNextAt": iso(next_at) if next_at else None,
        "autoSubscribe": record["auto_subscribe"],
        "verification": {
            "status": verification["status"],
            "reason": verification["reason"],
            "at": iso(verification["at"]) if verification.get("at") else None,
        },
        "subscriptions": subscription_count,
        "createdAt": iso(record["created_at"]),
    }


def subscription_resource(data: Data, record: Record) -> dict[str, Any]:
    vehicle = data["vehicles"][record["vehicle_id"]]
    connection = data["connections"].get(record["connection_id"]) or {}
    webhook_id, user_id, vehicle_id = record["webhook_id"], record["user_id"], record["vehicle_id"]
    return {
        "type": "subscription",
        "id": record["id"],
        "attributes": {
            "vehicle": {
                "make": vehicle["make"],
                "model": vehicle["model"],
                "year": vehicle["year"],
                "mode": connection.get("mode", "test"),
                "powertrainType": vehicle["type"],
            }
        },
        "meta": {"createdAt": iso(record["created_at"]), "updatedAt": iso(record["updated_at"])},
        "relationships": {
            "webhook": {
                "data": {"type": "webhook", "id": webhook_id},
                "links": {"related": f"/webhooks/{webhook_id}"},
            },
            "user": {
                "data": {"type": "user", "id": user_id},
                "links": {"related": f"/connections?filter[userId]={user_id}"},
            },
            "vehicle": {
                "data": {"type": "vehicle", "id": vehicle_id},
                "links": {"related": f"/vehicles/{vehicle_id}"},
            },
        },
        "links": {"self": f"/subscriptions/{record['id']}"},
    }
