"""Vehicle API v2.0: ``/user``, ``/vehicles`` and everything under ``/vehicles/{id}``.

Checks run in this order (the first failure answers): route (404 PATH) → access token (401) →
vehicle on the token (400 for a malformed id, else 401) → per-vehicle throttle (429) →
upper-case make (403) → permission (403) → request body (400 VALIDATION) → forced test error of
the login email (non-static endpoints only) → capability (501) → the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.core.smartcar import endpoints as endpoint_table
from tui.core.smartcar.endpoints import Endpoint
from tui.sandbox import (
    catalog,
    config,
    units,
    values,
    vehicle_commands,
    vehicle_permissions,
    vehicle_state,
)
from tui.sandbox.auth import bearer_token, client_from_amt, grant_for_request
from tui.sandbox.clock import iso
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError, authentication, not_found_path, validation
from tui.sandbox.forced_errors import forced_error
from tui.sandbox.messages import Request, Response, json_response

UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}$"
)
VEHICLES_PAGE = (10, 50)  # default and largest limit of GET /vehicles
# Smartcar does not document the server's default page size for /permissions; the Python SDK
# asks for 25 when paging, so carman's sandbox uses 25 as its default too.
PERMISSIONS_PAGE = (25, 100)
_INCAPABLE_LEVELS = ("incompatible", "dinosaur")


@dataclass(frozen=True)
class Route:
    endpoint: Endpoint
    path: str  # the path as asked (for batch answers)
    make: str | None = None  # the make segment as written, for make-specific endpoints


@dataclass
class Outcome:
    body: Any
    headers: dict[str, str]


def resolve(method: str, path: str) -> Route | None:
    """The endpoint behind ``method`` + vehicle-relative ``path``, or None (404)."""
    normalized = "/" + path.strip("/") if path.strip("/") else ""
    endpoint = endpoint_table.find(method, normalized)
    if endpoint is not None:
        return Route(endpoint, normalized or "/")
    split = endpoint_table.make_specific_path(normalized)
    if split is None:
        return None
    make, template = split
    endpoint = endpoint_table.find(method, template)
    # Any make Smartcar serves routes (another make's endpoint is then 501 VEHICLE_NOT_CAPABLE
    # for the vehicle); an unknown word in the make's place is an unknown path.
    if endpoint is None or endpoint.makes is None or catalog.normalize_make(make) is None:
        return None
    return Route(endpoint, normalized, make)


def unit_system(request: Request) -> str:
    raw = (request.header("SC-Unit-System") or "").strip().lower()
    if not raw:
        return units.METRIC
    if raw not in units.UNIT_SYSTEMS:
        raise validation("SC-Unit-System must be metric or imperial.", "sc-unit-system")
    return raw


def paging(request: Request, default: int, largest: int) -> tuple[int, int]:
    result = []
    for name, fallback, high in (("limit", default, largest), ("offset", 0, None)):
        raw = request.param(name)
        if raw is None or raw == "":
            result.append(fallback)
            continue
        try:
            value = int(raw)
        except ValueError:
            raise validation(f"{name} must be an integer.", name) from None
        low = 1 if name == "limit" else 0
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise validation(f"{name} must be {bound}.", name)
        result.append(value)
    return result[0], result[1]


# ------------------------------------------------------------------ user level


def get_user(ctx: Context, request: Request) -> Response:
    grant = grant_for_request(ctx, request)
    return json_response(200, {"id": grant["user_id"]})


def get_vehicles(ctx: Context, request: Request) -> Response:
    grant = grant_for_request(ctx, request)
    limit, offset = paging(request, *VEHICLES_PAGE)
    ids = grant["vehicle_ids"]
    return json_response(
        200,
        {"paging": {"count": len(ids), "offset": offset}, "vehicles": ids[offset : offset + limit]},
    )


# ------------------------------------------------------------------ per vehicle


def vehicle_access(
    ctx: Context, request: Request, vehicle_id: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    grant = grant_for_request(ctx, request)
    if vehicle_id not in grant["vehicle_ids"]:
        if not UUID.match(vehicle_id):
            raise validation("The vehicle id is not a valid id.", "vehicle_id")
        raise authentication()
    return grant, vehicle_state.ensure(ctx, vehicle_id)


def handle_vehicle(ctx: Context, request: Request, vehicle_id: str, rest: list[str]) -> Response:
    if len(rest) == 2 and rest[0] == "webhooks":
        return _webhook(ctx, request, vehicle_id, rest[1])
    route = resolve(request.method, "/".join(rest))
    if route is None:
        raise not_found_path()
    grant, vehicle = vehicle_access(ctx, request, vehicle_id)
    ctx.rate_limiter.check(vehicle_id, ctx.clock.now())
    key = route.endpoint.key
    if key == "GET /permissions":
        return _permissions(request, grant, vehicle_id)
    if key == "DELETE /application":
        return _disconnect(ctx, grant, vehicle_id)
    if key == "POST /batch":
        return _batch(ctx, request, grant, vehicle)
    unit = unit_system(request)
    outcome = perform(ctx, request, grant, vehicle, route, unit)
    return json_response(200, outcome.body, outcome.headers)


def perform(
    ctx: Context,
    request: Request,
    grant: dict[str, Any],
    vehicle: dict[str, Any],
    route: Route,
    unit: str,
    *,
    query: bool = True,
) -> Outcome:
    """Run one data or command endpoint for a vehicle (shared by direct calls and batch)."""
    endpoint = route.endpoint
    if route.make is not None and route.make != route.make.lower():
        raise ApiError("PERMISSION")  # make-specific paths need the make in lower case
    if endpoint.permission and endpoint.permission not in grant["permissions"]:
        raise ApiError("PERMISSION")
    apply = None
    if endpoint.kind == "command":
        sent = vehicle_commands.json_object(request)
        apply = vehicle_commands.COMMANDS[endpoint.key](request, sent, unit)
    forced = forced_error(ctx, grant["client_id"], vehicle)
    if forced is not None and not endpoint.static:
        raise forced
    if not capable(endpoint, route, vehicle):
        raise ApiError("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")
    now = ctx.clock.now()
    if apply is not None:
        with ctx.state.changing() as data:
            result = apply(data["vehicles"][vehicle["id"]])
        changed = vehicle_state.V2_COMMAND_SIGNALS.get(endpoint.key, ())
        ctx.vehicle_events.changed(vehicle["id"], changed)
        return Outcome(result, {})
    rng = ctx.values.next_rng(vehicle["id"], endpoint.key)
    body = _read(endpoint, rng, vehicle, now, request if query else None)
    if endpoint.data:
        ctx.values.remember(vehicle["id"], endpoint.key, body)  # what v3 signals report
    headers: dict[str, str] = {}
    if endpoint.data:
        headers["SC-Data-Age"] = values.data_age(rng, now)
        headers["SC-Fetched-At"] = iso(now)
    if endpoint.units:
        body = units.convert(endpoint.path, body, unit)
        headers["SC-Unit-System"] = unit
    return Outcome(body, headers)


def capable(endpoint: Endpoint, route: Route, vehicle: dict[str, Any]) -> bool:
    if endpoint.static or endpoint.kind == "meta":
        return True
    if vehicle.get("level") in _INCAPABLE_LEVELS:
        return False
    if route.make is not None and route.make.lower() != vehicle["make"].lower():
        return False  # another brand's endpoint
    return endpoint.capable(vehicle["type"], vehicle["make"])


def _read(
    endpoint: Endpoint, rng: Any, vehicle: dict[str, Any], now: float, request: Request | None
) -> Any:
    if endpoint.path == "":
        return {
            "id": vehicle["id"],
            "make": vehicle["make"],
            "model": vehicle["model"],
            "year": vehicle["year"],
        }
    if endpoint.path == "/vin":
        return {"vin": vehicle["vin"]}
    body = values.READERS[endpoint.path](rng, vehicle, now)
    if endpoint.path == "/service/history":
        # Without dates Smartcar returns the last year (SDK docs).
        recent = values.RECENT_SERVICE_DAYS
        body = _between(body, request, "serviceDate", now, default_days=recent)
    if endpoint.path == "/{make}/charge/records":
        # Without dates: the last 30 days (Smartcar's charge records reference).
        recent = values.RECENT_CHARGE_DAYS
        body = {
            "records": _between(body["records"], request, "chargeStart", now, default_days=recent)
        }
    return body


def _date_param(request: Request, *names: str, end: bool = False) -> datetime | None:
    for name in names:
        raw = request.param(name)
        if not raw:
            continue
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise validation(f"{name} must be a date as YYYY-MM-DD.", name) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if end and len(raw) <= 10:
            moment += timedelta(days=1, microseconds=-1)  # a bare end date includes that day
        return moment
    return None


def _between(
    records: list[dict[str, Any]],
    request: Request | None,
    field: str,
    now: float,
    *,
    default_days: int,
) -> list[dict[str, Any]]:
    """The records from startDate to endDate (both days included), newest first.

    Python sends startDate/endDate, other SDKs start_date/end_date: both are accepted. A
    missing end is now; a missing start is ``default_days`` before the end (a range that ends
    before it starts is empty). Inside a batch (no query) the defaults apply.
    """
    start = _date_param(request, "startDate", "start_date") if request else None
    end = _date_param(request, "endDate", "end_date", end=True) if request else None
    if end is None:
        end = datetime.fromtimestamp(now, tz=UTC)
    if start is None:
        start = end - timedelta(days=default_days)
    kept = []
    for record in records:
        moment = datetime.fromisoformat(record[field].replace("Z", "+00:00"))
        if start <= moment <= end:
            kept.append(record)
    return sorted(kept, key=lambda r: r[field], reverse=True)


def _permissions(request: Request, grant: dict[str, Any], vehicle_id: str) -> Response:
    limit, offset = paging(request, *PERMISSIONS_PAGE)
    names = vehicle_permissions.for_vehicle(grant, vehicle_id)
    return json_response(
        200,
        {
            "permissions": names[offset : offset + limit],
            "paging": {"count": len(names), "offset": offset},
        },
    )


def _disconnect(ctx: Context, grant: dict[str, Any], vehicle_id: str) -> Response:
    with ctx.state.changing() as data:
        stored = data["grants"].get(grant["id"])
        if stored is not None and vehicle_id in stored["vehicle_ids"]:
            stored["vehicle_ids"].remove(vehicle_id)
    return json_response(200, {"status": "success"})


def _batch(
    ctx: Context, request: Request, grant: dict[str, Any], vehicle: dict[str, Any]
) -> Response:
    body = vehicle_commands.json_object(request)
    if "requests" not in body:
        raise ApiError(
            "VALIDATION", detail=[{"field": ["requests"], "message": '"requests" is required'}]
        )
    items = body["requests"]
    if not isinstance(items, list) or not items:
        raise validation('"requests" must be a non-empty list of {"path": ...}.', "requests")
    unit = unit_system(request)
    routes: list[Route] = []
    for index, item in enumerate(items):
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str):
            raise validation("Each request needs a path.", "requests", index, "path")
        route = resolve("GET", path)
        # Only data endpoints can be batched; one unknown path fails the whole request.
        if route is None or route.endpoint.kind != "read":
            raise validation(f"Unknown path: {path}", "requests", index, "path")
        routes.append(route)
    responses = []
    for route in routes:
        try:
            outcome = perform(ctx, request, grant, vehicle, route, unit, query=False)
        except ApiError as error:
            responses.append(
                {
                    "path": route.path,
                    "code": error.status,
                    "body": error.v2_body(request.request_id),
                    "headers": {k.lower(): v for k, v in error.headers.items()},
                }
            )
        else:
            responses.append(
                {
                    "path": route.path,
                    "code": 200,
                    "body": outcome.body,
                    "headers": {k.lower(): v for k, v in outcome.headers.items()},
                }
            )
    return json_response(200, {"responses": responses}, {"SC-Unit-System": unit})


def _webhook(ctx: Context, request: Request, vehicle_id: str, webhook_id: str) -> Response:
    if request.method == "POST":
        vehicle_access(ctx, request, vehicle_id)
        if webhook_id not in config.WEBHOOK_IDS:
            raise validation(f"There is no webhook with id {webhook_id}.", "webhook_id")
        with ctx.state.changing() as data:
            subscribed = data["webhooks"].setdefault(vehicle_id, [])
            if webhook_id not in subscribed:
                subscribed.append(webhook_id)
        return json_response(200, {"webhookId": webhook_id, "vehicleId": vehicle_id})
    if request.method == "DELETE":
        # Unsubscribing authenticates the application (Bearer AMT), not the vehicle owner.
        client_id = client_from_amt(ctx, bearer_token(request))
        if client_id is None:
            raise authentication()
        with ctx.state.reading() as data:
            connected = any(
                vehicle_id in g["vehicle_ids"]
                for g in data["grants"].values()
                if g["client_id"] == client_id
            )
        if not connected:
            raise authentication()
        if webhook_id not in config.WEBHOOK_IDS:
            raise validation(f"There is no webhook with id {webhook_id}.", "webhook_id")
        with ctx.state.changing() as data:
            subscribed = data["webhooks"].get(vehicle_id, [])
            if webhook_id in subscribed:
                subscribed.remove(webhook_id)
        return json_response(200, {"status": "success"})
    raise not_found_path()
