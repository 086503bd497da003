"""``GET /v3/vehicles/{id}``, ``/signals`` and ``/signals/{code}`` (shared/smartcar-v3.md §4).

Every signal of the catalogue (``tui.core.smartcar.signals``) is answered for every vehicle.
A signal's own ``status`` says what went wrong without failing the list, checked in this order:

1. ``COMPATIBILITY``/``VEHICLE_NOT_CAPABLE`` when the vehicle lacks it: no fuel on a BEV, no
   traction battery on an ICE car, charge records on anything but a BMW or MINI (as v2.0
   ``/{make}/charge/records``), nothing but attributes on an ``incompatible`` test vehicle.
   Connect never grants a permission for what the vehicle lacks (``vehicle_permissions``), so
   "not granted" there is no reason to ask for it again: the vehicle cannot do it.
2. ``PERMISSION`` (code null) when the vehicle has it but its connection did not ask for the
   permission: a new Connect with a wider scope fixes it.
3. The forced error of a special login email (not for static attributes such as the VIN): the
   vehicle is asleep, unreachable, ... for what it does have.
4. An error raised by carman's admin call (``POST /_sandbox/vehicle_error``), on the signals
   it names (every non-static signal when it names none) until it is resolved; webhooks
   announce it with VEHICLE_ERROR (``tui.sandbox.webhooks``).

v2.0 agrees where the permission was asked for (501). Where it was never asked for, v2.0 says
403 PERMISSION even for what the vehicle lacks (shared/smartcar-api.md §5.3: "403 PERMISSION if
not granted, 501 if granted but unsupported"), while a v3 signal's status tells the lasting
reason: no scope would make the vehicle have it (carman's reading of v3's per-signal status).

Choices:

* One signal read of a failing signal answers the error itself (403 PERMISSION, 501
  COMPATIBILITY, or the forced error's status) in the v3 envelope; an unknown code (codes are
  lower case) is 404 ``RESOURCE_NOT_FOUND``/``SIGNAL_NOT_FOUND``.
* Paging: ``page`` and ``pageSize`` query parameters (UNCONFIRMED); without them every signal
  comes in one page, as the live test vehicle did. Links ``self``/``first``/``previous``/
  ``next``/``last`` (the docs' ``previous``).
* ``SC-Unit-System: imperial`` converts distances, volumes, temperatures and speeds
  (UNCONFIRMED that v3 honours it; v2.0 does and the Java SDK still sends it).
* ``links.values`` is not given (undocumented sub-resource).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.smartcar import signals as catalogue
from tui.core.smartcar.signals import SignalSpec
from tui.sandbox import units, vehicle_state
from tui.sandbox.context import Context
from tui.sandbox.forced_errors import forced_error
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import access, errors, resources, signal_values
from tui.sandbox.v3.settings import V3Settings
from tui.sandbox.webhooks import subscriptions

Record = dict[str, Any]
_INCAPABLE_LEVELS = ("incompatible", "dinosaur")

# Imperial spelling and conversion of each metric unit, in both vocabularies.
_IMPERIAL: dict[str, tuple[str, Any]] = {
    "kilometers": ("miles", units.km_to_miles),
    "km": ("mi", units.km_to_miles),
    "liters": ("gallons", units.liters_to_gallons),
    "degrees-celsius": ("degrees-fahrenheit", units.celsius_to_fahrenheit),
    "celsius": ("fahrenheit", units.celsius_to_fahrenheit),
    "kilometers-per-hour": ("miles-per-hour", units.kmh_to_mph),
    "km/h": ("mph", units.kmh_to_mph),
}


def _unit_system(request: Request) -> str:
    raw = (request.header("SC-Unit-System") or "").strip().lower()
    if not raw:
        return units.METRIC
    if raw not in units.UNIT_SYSTEMS:
        raise errors.invalid_parameter(
            "SC-Unit-System must be metric or imperial.", "sc-unit-system"
        )
    return raw


def lacks(spec: SignalSpec, vehicle: Record) -> bool:
    """Whether the vehicle cannot have the signal at all (its make, powertrain or level)."""
    if not spec.attribute and vehicle.get("level") in _INCAPABLE_LEVELS:
        return True
    return not spec.supports(vehicle["make"], vehicle["type"])


@dataclass(frozen=True)
class Problem:
    """Why a connection cannot give a signal: a Smartcar error type and code."""

    type: str
    code: str | None
    forced: bool = False  # a special login email's error (v2.0 extras apply)


def _problem(spec: SignalSpec, vehicle: Record, permissions: tuple[str, ...]) -> Problem | None:
    """Why this vehicle's connection cannot give the signal, in the order above; or None."""
    if lacks(spec, vehicle):
        return Problem("COMPATIBILITY", "VEHICLE_NOT_CAPABLE")
    if spec.permission not in permissions:
        return Problem("PERMISSION", None)
    forced = vehicle.get("forced_error")
    if forced and not spec.attribute:  # static attributes never fail
        return Problem(forced[0], forced[1], forced=True)
    for active in vehicle.get("signal_errors") or ():  # raised by carman's admin call
        if not spec.attribute and (active["signals"] is None or spec.code in active["signals"]):
            return Problem(active["type"], active["code"])
    return None


def _convert(unit: str, number: Any, unit_system: str) -> tuple[str, Any]:
    imperial = _IMPERIAL.get(unit)
    if unit_system != units.IMPERIAL or imperial is None:
        return unit, number
    if isinstance(number, bool) or not isinstance(number, int | float):
        return unit, number
    return imperial[0], imperial[1](number)


def _body(spec: SignalSpec, raw: Any, settings: V3Settings, unit_system: str) -> dict[str, Any]:
    unit = spec.unit if settings.units == "rest" else spec.webhook_unit
    if spec.body == "unit" and unit is not None:
        if isinstance(raw, dict):  # tractionbattery-range: value plus additionalValues
            shown, number = _convert(unit, raw["value"], unit_system)
            extra = [
                {**item, "value": _convert(unit, item["value"], unit_system)[1]}
                for item in raw.get("additionalValues", [])
            ]
            return {"unit": shown, "value": number, "additionalValues": extra}
        shown, number = _convert(unit, raw, unit_system)
        return {"unit": shown, "value": number}
    if spec.body in ("unit", "value"):
        return {"value": raw}
    body = dict(raw)
    if unit is not None:
        body["unit"] = unit
    return body


def signal_resource(
    ctx: Context,
    spec: SignalSpec,
    vehicle: Record,
    permissions: tuple[str, ...],
    unit_system: str,
    *,
    settings: V3Settings | None = None,
    draws: str = "v3",
) -> dict[str, Any]:
    """One signal resource. ``settings`` overrides the sandbox's v3 switches (webhooks use
    their own units and times); ``draws`` names the random sequence, so webhook deliveries made
    on a background thread leave a seeded sandbox's REST answers as they were."""
    settings = settings or ctx.v3.current
    now = ctx.clock.now()
    rng = ctx.values.next_rng(vehicle["id"], f"{draws} {spec.code}")
    problem = _problem(spec, vehicle, permissions)
    attributes: dict[str, Any] = {"code": spec.code, "name": spec.name, "group": spec.group}
    meta: dict[str, Any] = {"retrievedAt": resources.timestamp(settings, now)}
    if problem is not None:
        error = {"type": problem.type, "code": problem.code}
        attributes["status"] = {"value": "ERROR", "error": error}
    else:
        subject = signal_values.Subject(
            vehicle, lambda path: vehicle_state.measure(ctx, vehicle, path)
        )
        raw = signal_values.value(spec.code, subject, rng, now)
        attributes["status"] = {"value": "SUCCESS"}
        attributes["body"] = _body(spec, raw, settings, unit_system)
        updated = 0 if spec.attribute else signal_values.oem_updated_at(rng, now)
        meta["oemUpdatedAt"] = 0 if spec.attribute else resources.timestamp(settings, updated)
    return {
        "id": spec.code,
        "type": "signal",
        "attributes": attributes,
        "meta": meta,
        "links": {
            "self": f"/vehicles/{vehicle['id']}/signals/{spec.code}",
            "vehicle": f"/vehicles/{vehicle['id']}",
        },
    }


def _subscribed(ctx: Context, vehicle_id: str) -> bool:
    """Whether something fills the vehicle's signal store: a v2.0 webhook subscription or a
    v3 subscription whose connection still lives."""
    with ctx.state.reading() as data:
        if data["webhooks"].get(vehicle_id):
            return True
        return any(
            record["vehicle_id"] == vehicle_id and subscriptions.is_alive(data, record)
            for record in data["webhook_subscriptions"].values()
        )


def _reach(
    ctx: Context, request: Request, vehicle_id: str, *, needs_user: bool
) -> tuple[access.VehicleAccess, Record]:
    granted = access.vehicle_access(
        ctx, request, vehicle_id, needs_user=needs_user, allow_legacy=True
    )
    ctx.rate_limiter.check(vehicle_id, ctx.clock.now())
    return granted, vehicle_state.ensure(ctx, vehicle_id)


def get_vehicle(ctx: Context, request: Request, vehicle_id: str) -> Response:
    granted, vehicle = _reach(ctx, request, vehicle_id, needs_user=False)
    resource = resources.vehicle_resource(vehicle, granted.mode)
    return json_response(200, resources.single(ctx.v3.current, resource))


def _page_param(request: Request, name: str, default: int) -> int:
    raw = request.param(name)
    if raw is None or raw == "":
        return default
    try:
        number = int(raw)
    except ValueError:
        raise errors.invalid_parameter(f"{name} must be an integer.", name) from None
    if number < 1:
        raise errors.invalid_parameter(f"{name} must be at least 1.", name)
    return number


def list_signals(ctx: Context, request: Request, vehicle_id: str) -> Response:
    granted, vehicle = _reach(ctx, request, vehicle_id, needs_user=True)
    unit_system = _unit_system(request)
    specs = list(catalogue.SIGNALS)
    if ctx.v3.current.empty_until_subscribed and not _subscribed(ctx, vehicle_id):
        specs = []
    total = len(specs)
    size = _page_param(request, "pageSize", max(total, 1))
    number = _page_param(request, "page", 1)
    pages = max(1, -(-total // size))
    chosen = specs[(number - 1) * size : number * size]
    data = [
        signal_resource(ctx, spec, vehicle, granted.permissions, unit_system) for spec in chosen
    ]

    def link(page: int) -> str:
        return f"/vehicles/{vehicle_id}/signals?page={page}&pageSize={size}"

    return json_response(
        200,
        {
            "data": data,
            "meta": {"page": number, "pageSize": size, "totalCount": total},
            "links": {
                "self": link(number),
                "first": link(1),
                "previous": link(number - 1) if number > 1 else None,
                "next": link(number + 1) if number < pages else None,
                "last": link(pages),
            },
            "included": {"vehicle": resources.vehicle_resource(vehicle, granted.mode)},
        },
    )


def _signal_not_found(code: str) -> errors.V3Error:
    return errors.error(
        "RESOURCE_NOT_FOUND",
        "SIGNAL_NOT_FOUND",
        detail=f"There is no signal {code!r} for this vehicle. Signal codes are "
        "<group>-<name> in lower case, e.g. odometer-traveleddistance.",
    )


def get_signal(ctx: Context, request: Request, vehicle_id: str, code: str) -> Response:
    granted, vehicle = _reach(ctx, request, vehicle_id, needs_user=True)
    unit_system = _unit_system(request)
    spec = catalogue.find(code)
    if spec is None:
        raise _signal_not_found(code)
    if ctx.v3.current.empty_until_subscribed and not _subscribed(ctx, vehicle_id):
        raise _signal_not_found(code)
    problem = _problem(spec, vehicle, granted.permissions)
    if problem is not None and problem.forced:
        forced = forced_error(ctx, granted.caller.client_id, vehicle)
        if forced is not None:  # with v2.0's Retry-After or re-authentication link
            raise errors.from_api_error(forced)
    if problem is not None:
        raise errors.error(problem.type, problem.code)
    resource = signal_resource(ctx, spec, vehicle, granted.permissions, unit_system)
    included = {"vehicle": resources.vehicle_resource(vehicle, granted.mode)}
    return json_response(200, resources.single(ctx.v3.current, resource, included))
