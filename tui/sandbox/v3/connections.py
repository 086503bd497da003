"""v3 connections and users: ``/v3/connections``, ``/v3/connections/{id}``, ``/v3/users/{id}``.

A connection is one user's approval of one vehicle for one application. Connect records one for
every vehicle approved in a session (``record_approval``); approving the same vehicle again
updates its permissions and ``updatedAt`` and keeps its id. The v2.0 grants stay the source of
the per-vehicle tokens, and a connection lives only while some grant of its application and
user still holds the vehicle — so a v2.0 disconnect (``DELETE /application``, the v2.0
management API) ends the v3 connection too.

Choices (the reference leaves them open):

* ``DELETE /v3/connections/{id}`` → 204; the vehicle leaves every grant of that user for the
  application, so that user's v2.0 tokens stop working for it (401). ``DELETE /v3/users/{id}``
  → 204, removing all of the user's connections for the application, its external id and its
  remembered Connect approval (the next Connect asks again). The user id itself stays: it
  belongs to the sign-in identity, which logs in again with the same id.
* Removing a connection (or a user's connections) deletes their webhook subscriptions
  (``tui.sandbox.webhooks.subscriptions``): nothing more is delivered for them.
* After a removal: ``GET``/``DELETE`` of the connection → 404 ``RESOURCE_NOT_FOUND``; signals
  and commands with that ``sc-user-id`` → 403 ``AUTHENTICATION``/``ACCESS_DENIED``; removing an
  unknown user (no connection to the application) → 404.
* ``filter[vehicle.mode]`` has no default: every mode is listed (test mode logins included).
  Unknown ``filter[...]``/``page[...]`` names are a 400 rather than silently ignored.
* The list's ``meta`` carries ``pageNumber``, ``pageSize``, ``totalCount``, ``totalPages``,
  ``orderBy``, ``orderDirection``; links ``self``/``first``/``prev``/``next``/``last``. Page size
  10 by default, at most 100 (UNCONFIRMED). Newest connection first.
* The user's external id appears as ``attributes.user.externalId`` (placement UNCONFIRMED).
* ``GET /v3/connections/{id}`` also accepts a vehicle id (the blog's form): the newest
  connection of that vehicle (of the ``sc-user-id`` user when the header is sent).
"""

from __future__ import annotations

from typing import Any

from tui.sandbox import ids
from tui.sandbox.clock import iso
from tui.sandbox.context import Context
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import errors
from tui.sandbox.v3.paging import page_of, page_response

Data = dict[str, dict[str, Any]]
PAGE_SIZE = (10, 100)  # default and largest page[size]
MODES = ("live", "simulated", "test")
FILTERS = {
    "filter[userId]": "user_id",
    "filter[vehicleId]": "vehicle_id",
    "filter[vehicle.mode]": "mode",
    "filter[user.externalId]": "external_id",
}
PAGING = ("page[number]", "page[size]")
NULL_EXTERNAL_ID = "null"  # external_id=null at Connect clears a stored one


# ------------------------------------------------------------------ storage


def external_key(client_id: str, user_id: str) -> str:
    return f"{client_id}|{user_id}"


def is_alive(data: Data, record: dict[str, Any]) -> bool:
    """Whether a grant of the connection's application and user still holds the vehicle."""
    return any(
        g["client_id"] == record["client_id"]
        and g["user_id"] == record["user_id"]
        and record["vehicle_id"] in g["vehicle_ids"]
        for g in data["grants"].values()
    )


def alive(data: Data, client_id: str) -> list[dict[str, Any]]:
    """The application's live connections, newest first."""
    found = [
        r for r in data["connections"].values() if r["client_id"] == client_id and is_alive(data, r)
    ]
    return sorted(found, key=lambda r: (-r["created_at"], r.get("order", 0)))


def find(data: Data, client_id: str, user_id: str, vehicle_id: str) -> dict[str, Any] | None:
    """The live connection of (application, user, vehicle), if there is one."""
    for record in data["connections"].values():
        if (record["client_id"], record["user_id"], record["vehicle_id"]) == (
            client_id,
            user_id,
            vehicle_id,
        ) and is_alive(data, record):
            return record
    return None


def record_approval(
    data: Data,
    seed: int | None,
    session: dict[str, Any],
    vehicle_ids: list[str],
    permissions: dict[str, list[str]],
    now: float,
) -> None:
    """Connect approved ``vehicle_ids``: make or update their connections.

    ``permissions`` maps each vehicle to what it was granted: the requested permissions it can
    serve (``vehicle_permissions``), which is what the connection's ``attributes.permissions``
    shows ("the scopes actually granted", which may differ from those requested).

    Call before the new grant is stored: a connection whose vehicle no grant holds any more
    (removed since) is replaced by a new one rather than revived.
    """
    client_id, user_id = session["client_id"], session["user_id"]
    for vehicle_id in vehicle_ids:
        existing = find(data, client_id, user_id, vehicle_id)
        if existing is not None:
            existing.update(
                permissions=list(permissions[vehicle_id]), mode=session["mode"], updated_at=now
            )
            continue
        for stale_id, stale in list(data["connections"].items()):
            if (stale["client_id"], stale["user_id"], stale["vehicle_id"]) == (
                client_id,
                user_id,
                vehicle_id,
            ):
                del data["connections"][stale_id]
        order = 1 + max((c.get("order", 0) for c in data["connections"].values()), default=0)
        connection_id = ids.new_id(seed, "connection", client_id, user_id, vehicle_id, order)
        data["connections"][connection_id] = {
            "id": connection_id,
            "client_id": client_id,
            "user_id": user_id,
            "vehicle_id": vehicle_id,
            "permissions": list(permissions[vehicle_id]),
            "mode": session["mode"],
            "created_at": now,
            "updated_at": now,
            "order": order,  # one session's vehicles (same createdAt) keep their order
        }
    external_id = session.get("external_id")
    key = external_key(client_id, user_id)
    if external_id == NULL_EXTERNAL_ID:
        data["external_ids"].pop(key, None)
    elif external_id:
        data["external_ids"][key] = {"external_id": external_id}


def _remove(data: Data, record: dict[str, Any]) -> None:
    """Drop a connection, its webhook subscriptions, and take its vehicle out of the user's
    grants (v2.0 tokens too)."""
    data["connections"].pop(record["id"], None)
    for subscription_id, subscription in list(data["webhook_subscriptions"].items()):
        if subscription["connection_id"] == record["id"]:
            del data["webhook_subscriptions"][subscription_id]
    for grant in data["grants"].values():
        if (
            grant["client_id"] == record["client_id"]
            and grant["user_id"] == record["user_id"]
            and record["vehicle_id"] in grant["vehicle_ids"]
        ):
            grant["vehicle_ids"].remove(record["vehicle_id"])


# ------------------------------------------------------------------ resources


def resource(data: Data, record: dict[str, Any]) -> dict[str, Any]:
    vehicle = data["vehicles"][record["vehicle_id"]]
    external = data["external_ids"].get(external_key(record["client_id"], record["user_id"]))
    return {
        "id": record["id"],
        "type": "connection",
        "attributes": {
            "permissions": list(record["permissions"]),
            "vehicle": {
                "make": vehicle["make"],
                "model": vehicle["model"],
                "year": vehicle["year"],
                "mode": record["mode"],
                "powertrainType": vehicle["type"],
            },
            "user": {"externalId": external["external_id"] if external else None},
        },
        "relationships": {
            "vehicle": {
                "data": {"id": record["vehicle_id"], "type": "vehicle"},
                "links": {"related": f"/vehicles/{record['vehicle_id']}"},
            },
            "user": {"data": {"id": record["user_id"], "type": "user"}},
        },
        "meta": {"createdAt": iso(record["created_at"]), "updatedAt": iso(record["updated_at"])},
        "links": {"self": f"/connections/{record['id']}"},
    }


# ------------------------------------------------------------------ HTTP


def list_connections(ctx: Context, request: Request, client_id: str) -> Response:
    for name in request.query:
        if name.startswith(("filter[", "page[")) and name not in FILTERS and name not in PAGING:
            known = ", ".join([*FILTERS, *PAGING])
            raise errors.invalid_parameter(f"Unknown parameter {name}; one of {known}.", name)
    wanted = {key: request.param(name) for name, key in FILTERS.items() if request.param(name)}
    if "mode" in wanted and wanted["mode"] not in MODES:
        raise errors.invalid_parameter(
            f"filter[vehicle.mode] must be one of {', '.join(MODES)}.", "filter[vehicle.mode]"
        )
    page = page_of(request, PAGE_SIZE)
    with ctx.state.reading() as data:
        rows = []
        for record in alive(data, client_id):
            external = data["external_ids"].get(external_key(client_id, record["user_id"]))
            facts = {
                "user_id": record["user_id"],
                "vehicle_id": record["vehicle_id"],
                "mode": record["mode"],
                "external_id": external["external_id"] if external else None,
            }
            if all(facts[key] == value for key, value in wanted.items()):
                rows.append(resource(data, record))
    return page_response(
        request,
        "/connections",
        rows,
        page,
        list(FILTERS),
        {"orderBy": "createdAt", "orderDirection": "desc"},
    )


def _lookup(
    data: Data, client_id: str, connection_id: str, user_id: str | None, *, by_vehicle: bool
) -> dict[str, Any]:
    record = data["connections"].get(connection_id)
    if record is not None and record["client_id"] == client_id and is_alive(data, record):
        return record
    if by_vehicle:
        for candidate in alive(data, client_id):  # newest first
            if candidate["vehicle_id"] == connection_id and user_id in (None, candidate["user_id"]):
                return candidate
    raise errors.not_found(f"No connection {connection_id} exists for this application.")


def get_connection(ctx: Context, request: Request, client_id: str, connection_id: str) -> Response:
    user_id = request.header("sc-user-id") or None
    with ctx.state.reading() as data:
        record = _lookup(data, client_id, connection_id, user_id, by_vehicle=True)
        return json_response(200, {"data": resource(data, record)})


def delete_connection(
    ctx: Context, request: Request, client_id: str, connection_id: str
) -> Response:
    with ctx.state.changing() as data:
        record = _lookup(data, client_id, connection_id, None, by_vehicle=False)
        _remove(data, record)
    return Response(204)


def delete_user(ctx: Context, request: Request, client_id: str, user_id: str) -> Response:
    with ctx.state.changing() as data:
        records = [r for r in alive(data, client_id) if r["user_id"] == user_id]
        if not records:
            raise errors.not_found(f"No user {user_id} is connected to this application.")
        for record in records:
            _remove(data, record)
        for stale_id, stale in list(data["connections"].items()):
            if stale["client_id"] == client_id and stale["user_id"] == user_id:
                del data["connections"][stale_id]
        data["external_ids"].pop(external_key(client_id, user_id), None)
        data["approvals"].pop(external_key(client_id, user_id), None)
    return Response(204)
