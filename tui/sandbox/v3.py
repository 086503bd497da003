"""Vehicle API v3 (a small part of it): the vehicle, its signals, one signal.

Bearer access token as in v2.0; errors use the v3 shape ``{"errors": [...]}``. A signal is
listed when the token holds its permission and the vehicle has it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.core.smartcar import endpoints as endpoint_table
from tui.sandbox import units, values, vehicles
from tui.sandbox.clock import iso
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError, not_found_path
from tui.sandbox.messages import Request, Response, json_response

Vehicle = dict[str, Any]


@dataclass(frozen=True)
class Signal:
    code: str
    name: str
    group: str
    endpoint_path: str  # the v2.0 endpoint giving permission, capability and the value
    unit: str | None
    pick: Callable[[dict[str, Any], Vehicle], Any]


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "odometer-traveleddistance",
        "TraveledDistance",
        "Odometer",
        "/odometer",
        "kilometers",
        lambda b, v: b["distance"],
    ),
    Signal(
        "location-preciselocation",
        "PreciseLocation",
        "Location",
        "/location",
        None,
        lambda b, v: {"latitude": b["latitude"], "longitude": b["longitude"]},
    ),
    Signal(
        "tractionbattery-stateofcharge",
        "StateOfCharge",
        "TractionBattery",
        "/battery",
        "percent",
        lambda b, v: round(b["percentRemaining"] * 100, 1),
    ),
    Signal(
        "tractionbattery-range",
        "Range",
        "TractionBattery",
        "/battery",
        "kilometers",
        lambda b, v: b["range"],
    ),
    Signal(
        "tractionbattery-nominalcapacity",
        "NominalCapacity",
        "TractionBattery",
        "/battery/capacity",
        "kilowattHours",
        lambda b, v: b["capacity"],
    ),
    Signal(
        "charge-ischarging",
        "IsCharging",
        "Charge",
        "/charge",
        None,
        lambda b, v: b["state"] == "CHARGING",
    ),
    Signal(
        "charge-chargelimit",
        "ChargeLimit",
        "Charge",
        "/charge/limit",
        "percent",
        lambda b, v: round(b["limit"] * 100, 1),
    ),
    Signal(
        "internalcombustionengine-fuellevel",
        "FuelLevel",
        "InternalCombustionEngine",
        "/fuel",
        "percent",
        lambda b, v: round(b["percentRemaining"] * 100, 1),
    ),
    Signal(
        "internalcombustionengine-oillife",
        "OilLife",
        "InternalCombustionEngine",
        "/engine/oil",
        "percent",
        lambda b, v: round(b["lifeRemaining"] * 100, 1),
    ),
    Signal(
        "closure-islocked", "IsLocked", "Closure", "/security", None, lambda b, v: b["isLocked"]
    ),
    Signal(
        "vehicleidentification-vin",
        "Vin",
        "VehicleIdentification",
        "/vin",
        None,
        lambda b, v: v["vin"],
    ),
)
BY_CODE = {s.code: s for s in SIGNALS}


def _vehicle_resource(vehicle: Vehicle) -> dict[str, Any]:
    return {
        "id": vehicle["id"],
        "type": "vehicle",
        "attributes": {"make": vehicle["make"], "model": vehicle["model"], "year": vehicle["year"]},
        "links": {"self": f"/vehicles/{vehicle['id']}"},
    }


def _access(ctx: Context, request: Request, vehicle_id: str) -> tuple[dict[str, Any], Vehicle]:
    grant, vehicle = vehicles.vehicle_access(ctx, request, vehicle_id)
    ctx.rate_limiter.check(vehicle_id, ctx.clock.now())
    return grant, vehicle


def _signal(
    ctx: Context, grant: dict[str, Any], vehicle: Vehicle, signal: Signal, unit: str
) -> dict[str, Any]:
    endpoint = endpoint_table.find("GET", signal.endpoint_path)
    assert endpoint is not None  # the table above only names existing endpoints
    if endpoint.permission not in grant["permissions"]:
        raise ApiError("PERMISSION")
    forced = vehicle.get("forced_error")
    if forced and not endpoint.static:
        raise ApiError(*forced)
    if not vehicles.capable(endpoint, vehicles.Route(endpoint, signal.endpoint_path), vehicle):
        raise ApiError("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")
    now = ctx.clock.now()
    rng = ctx.values.next_rng(vehicle["id"], f"v3 {signal.code}")
    reader = values.READERS.get(signal.endpoint_path)
    raw = reader(rng, vehicle, now) if reader else {}
    value = signal.pick(raw, vehicle)
    body: dict[str, Any] = {"value": value}
    if signal.unit is not None:
        body["unit"] = signal.unit
        if signal.unit == "kilometers" and unit == units.IMPERIAL:
            body = {"unit": "miles", "value": units.km_to_miles(value)}
    return {
        "id": signal.code,
        "type": "signal",
        "attributes": {
            "code": signal.code,
            "name": signal.name,
            "group": signal.group,
            "status": {"value": "SUCCESS"},
            "body": body,
        },
        "meta": {"retrievedAt": iso(now), "oemUpdatedAt": values.data_age(rng, now)},
        "links": {"self": f"/vehicles/{vehicle['id']}/signals/{signal.code}"},
    }


def handle(ctx: Context, request: Request, segments: list[str]) -> Response:
    """``segments`` follow ``/v3``: ``vehicles/{id}[/signals[/{code}]]``."""
    if (
        request.method != "GET"
        or len(segments) < 2
        or segments[0] != "vehicles"
        or len(segments) > 4
        or (len(segments) >= 3 and segments[2] != "signals")
    ):
        raise not_found_path()
    vehicle_id = segments[1]
    grant, vehicle = _access(ctx, request, vehicle_id)
    if len(segments) == 2:
        return json_response(200, _vehicle_resource(vehicle))
    unit = vehicles.unit_system(request)
    if len(segments) == 4:
        signal = BY_CODE.get(segments[3])
        if signal is None:
            raise not_found_path()
        return json_response(200, _signal(ctx, grant, vehicle, signal, unit))
    data = []
    for signal in SIGNALS:
        try:
            data.append(_signal(ctx, grant, vehicle, signal, unit))
        except ApiError:
            continue  # not granted or not capable: not listed
    return json_response(
        200,
        {
            "data": data,
            "meta": {"page": 1, "pageSize": len(data), "totalCount": len(data)},
            "links": {"self": f"/vehicles/{vehicle_id}/signals"},
            "included": {"vehicle": _vehicle_resource(vehicle)},
        },
    )
