"""Vehicles subscribed to v3 webhooks, stored in the state section ``webhook_subscriptions``.

A subscription names a webhook, a user and a vehicle, and the v3 connection (application, user,
vehicle) it was made through. It lives while that connection lives: removing the connection or
the user (``/v3/connections``, ``/v3/users``) deletes it, and a v2.0 disconnect, which ends the
connection, ends it too (a later Connect makes a new connection, not a revived subscription).
Its ``first_delivery`` is ``pending`` until the engine has sent FIRST_DELIVERY, so one made
while the webhook awaits VERIFY (or while the sandbox is stopped) gets it once it can.
"""

from __future__ import annotations

import uuid
from typing import Any

from tui.sandbox.v3 import connections

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]

PENDING, SENT = "pending", "sent"


class AlreadySubscribed(Exception):
    """The vehicle (for this user) is already subscribed to the webhook."""


def is_alive(data: Data, record: Record) -> bool:
    """Whether the webhook exists and the connection the subscription came from still lives."""
    if record["webhook_id"] not in data["webhook_definitions"]:
        return False
    connection = data["connections"].get(record["connection_id"])
    return connection is not None and connections.is_alive(data, connection)


def alive(data: Data, client_id: str | None = None) -> list[Record]:
    """Live subscriptions (of one application when given), oldest first."""
    found = [
        r
        for r in data["webhook_subscriptions"].values()
        if (client_id is None or r["client_id"] == client_id) and is_alive(data, r)
    ]
    return sorted(found, key=lambda r: (r["created_at"], r.get("order", 0)))


def of_webhook(data: Data, webhook_id: str) -> list[Record]:
    return [r for r in alive(data) if r["webhook_id"] == webhook_id]


def of_vehicle(data: Data, vehicle_id: str) -> list[Record]:
    return [r for r in alive(data) if r["vehicle_id"] == vehicle_id]


def find(data: Data, webhook_id: str, user_id: str, vehicle_id: str) -> Record | None:
    for record in alive(data):
        if (record["webhook_id"], record["user_id"], record["vehicle_id"]) == (
            webhook_id,
            user_id,
            vehicle_id,
        ):
            return record
    return None


def create(data: Data, webhook: Record, connection: Record, now: float) -> Record:
    """Subscribe the connection's vehicle (raises ``AlreadySubscribed``)."""
    if find(data, webhook["id"], connection["user_id"], connection["vehicle_id"]) is not None:
        raise AlreadySubscribed
    order = 1 + max((s.get("order", 0) for s in data["webhook_subscriptions"].values()), default=0)
    record: Record = {
        "id": str(uuid.uuid4()),
        "webhook_id": webhook["id"],
        "client_id": webhook["client_id"],
        "user_id": connection["user_id"],
        "vehicle_id": connection["vehicle_id"],
        "connection_id": connection["id"],
        "created_at": now,
        "updated_at": now,
        "order": order,
        "first_delivery": PENDING,
    }
    data["webhook_subscriptions"][record["id"]] = record
    return record


def remove_dead(data: Data) -> list[str]:
    """Forget subscriptions whose webhook or connection is gone; their ids."""
    dead = [sid for sid, r in data["webhook_subscriptions"].items() if not is_alive(data, r)]
    for sid in dead:
        del data["webhook_subscriptions"][sid]
    return dead


def remove_of_webhook(data: Data, webhook_id: str) -> None:
    for sid, record in list(data["webhook_subscriptions"].items()):
        if record["webhook_id"] == webhook_id:
            del data["webhook_subscriptions"][sid]
