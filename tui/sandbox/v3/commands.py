"""v3 commands: ``POST /v3/vehicles/{id}/commands/...`` (shared/smartcar-v3.md §5).

The command table is ``tui.core.smartcar.v3_commands``. Checks run in this order (the first
failure answers): application token (401; a legacy v2.0 token is refused here) →
``sc-user-id`` (400) → connection (403) → throttle (429) → make and powertrain (501
``COMPATIBILITY``/``VEHICLE_NOT_CAPABLE``) → permission (403 PERMISSION) → body (400, one
``INVALID_INPUT_FORMAT`` entry per bad field, each naming it in ``source.pointer``; a body that
is not JSON is ``BAD_REQUEST``) → forced error of a special login email → vehicle state (409
``VEHICLE_STATE``) → the change, stored in the vehicle's live state (``vehicle_state``), which
the v2.0 endpoints and the v3 signals read.

What the vehicle cannot do is checked before the permission, as for signals: Connect grants a
vehicle only the permissions it can serve (``vehicle_permissions``), so an ICE car asked for
``control_charge`` does not hold it, and "start charge" on it is 501 (no Connect fixes it),
not 403.

State machine (409s): every command is refused while the vehicle is asleep (``ASLEEP``); lock,
unlock, start charge and the charge port while it moves (``IN_MOTION``); start and stop charge
when unplugged (``CHARGING_PLUG_NOT_CONNECTED``), start when already charging
(``CHARGING_IN_PROGRESS``) or full (``FULLY_CHARGED``), stop when not charging
(``NOT_CHARGING``); closing the charge-port door with a cable in (``CHARGING_PLUG_CONNECTED``).

The answer is a ``command-execution`` with ``executionMode: "sync"``, the ``parameters``
echoed, and ISO-8601 ``meta`` times (§5.3). The sandbox always finishes at once: it never
answers 202 (that body is UNCONFIRMED).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.core.smartcar.v3_commands import TIME_PATTERN, WEEKDAYS, Attribute, CommandSpec
from tui.sandbox import ids, vehicle_state
from tui.sandbox.clock import iso
from tui.sandbox.context import Context
from tui.sandbox.forced_errors import forced_error
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import access, errors

Record = dict[str, Any]
POINTER = "/data/attributes"
_INCAPABLE_LEVELS = ("incompatible", "dinosaur")


# ------------------------------------------------------------------ body


def body_attributes(request: Request) -> dict[str, Any]:
    """The ``data.attributes`` of the body; an empty body (or ``{}``) has none."""
    text = request.body.strip()
    if not text:
        return {}
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise errors.bad_request("The request body is not valid JSON.") from None
    if not isinstance(document, dict):
        raise errors.bad_request('The request body must be {"data": {"attributes": {...}}}.')
    if not document:
        return {}
    data = document.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("attributes", {}), dict):
        item = errors.invalid_item(
            'The body must be {"data": {"attributes": {...}}}.', "/data/attributes"
        )
        raise errors.V3Error([item])
    return dict(data.get("attributes") or {})


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _check_number(
    name: str, value: Any, low: float, high: float, pointer: str, problems: list[Record]
) -> None:
    label = name[0].upper() + name[1:]
    if not _number(value) or not low <= value <= high:
        problems.append(
            errors.invalid_item(
                f"Invalid {name}. {label} must be a number between {low:g} and {high:g}.",
                pointer,
            )
        )


def _check_window(name: str, value: Any, pointer: str, problems: list[Record]) -> None:
    if not isinstance(value, dict):
        problems.append(
            errors.invalid_item(f"{name} must be an object {{startTime, stopTime}}.", pointer)
        )
        return
    for part in ("startTime", "stopTime"):
        _check_time(part, value.get(part), f"{pointer}/{part}", problems)


def _check_time(name: str, value: Any, pointer: str, problems: list[Record]) -> None:
    if not isinstance(value, str) or not TIME_PATTERN.match(value):
        problems.append(
            errors.invalid_item(f"Invalid {name}. It must be a time as HH:mm (24-hour).", pointer)
        )


def _check_attribute(attribute: Attribute, value: Any, problems: list[Record]) -> None:
    pointer = f"{POINTER}/{attribute.name}"
    name = attribute.name
    if attribute.kind == "integer":
        low, high = attribute.low or 0, attribute.high or 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(
                errors.invalid_item(
                    f"Invalid {name}. It must be an integer between {low:g} and {high:g}.",
                    pointer,
                )
            )
    elif attribute.kind == "number":
        _check_number(name, value, attribute.low or 0, attribute.high or 0, pointer, problems)
    elif attribute.kind == "time":
        _check_time(name, value, pointer, problems)
    elif attribute.kind == "location":
        if not isinstance(value, dict):
            problems.append(
                errors.invalid_item(f"{name} must be an object {{latitude, longitude}}.", pointer)
            )
            return
        _check_number("latitude", value.get("latitude"), -90, 90, f"{pointer}/latitude", problems)
        _check_number(
            "longitude", value.get("longitude"), -180, 180, f"{pointer}/longitude", problems
        )
    elif attribute.kind == "window":
        _check_window(name, value, pointer, problems)
    elif attribute.kind == "weekly_days":
        if not isinstance(value, dict) or not value:
            problems.append(
                errors.invalid_item(
                    f"{name} must name at least one weekday: {{MONDAY: {{startTime, stopTime}}}}.",
                    pointer,
                )
            )
            return
        for day, window in value.items():
            if not isinstance(day, str) or day.upper() not in WEEKDAYS:
                problems.append(
                    errors.invalid_item(
                        f"Unknown day {day!r}; one of {', '.join(WEEKDAYS)}.", f"{pointer}/{day}"
                    )
                )
                continue
            _check_window(day, window, f"{pointer}/{day}", problems)


def validate(spec: CommandSpec, attributes: dict[str, Any]) -> None:
    """Every bad field of the body, one entry each; raises when there is any."""
    problems: list[Record] = []
    known = {a.name for a in spec.attributes}
    for name in attributes:
        if name not in known:
            allowed = ", ".join(sorted(known)) or "none"
            problems.append(
                errors.invalid_item(
                    f"Unknown attribute {name!r} for {spec.name}; allowed: {allowed}.",
                    f"{POINTER}/{name}",
                )
            )
    for attribute in spec.attributes:
        if attribute.name not in attributes:
            if attribute.required:
                problems.append(
                    errors.invalid_item(
                        f"{attribute.name} is required.", f"{POINTER}/{attribute.name}"
                    )
                )
            continue
        _check_attribute(attribute, attributes[attribute.name], problems)
    optional = [a.name for a in spec.attributes if not a.required]
    if optional and not any(name in attributes for name in optional):
        problems.append(
            errors.invalid_item(f"Give at least one of {', '.join(optional)}.", POINTER)
        )
    if problems:
        raise errors.V3Error(problems)


# ------------------------------------------------------------------ shared checks


def prepare(
    ctx: Context, request: Request, vehicle_id: str, spec: CommandSpec
) -> tuple[access.VehicleAccess, Record, dict[str, Any]]:
    """Every check before the state machine; the access, the vehicle and the attributes."""
    granted = access.vehicle_access(ctx, request, vehicle_id, needs_user=True, allow_legacy=False)
    ctx.rate_limiter.check(vehicle_id, ctx.clock.now())
    vehicle = vehicle_state.ensure(ctx, vehicle_id)
    if vehicle.get("level") in _INCAPABLE_LEVELS or not spec.supports(
        vehicle["make"], vehicle["type"]
    ):
        what = f"{vehicle['make']} {vehicle['model']} ({vehicle['type']})"
        detail = f"This {what} cannot {spec.name.replace('_', ' ')}."
        if spec.makes is not None:
            detail += f" Supported makes: {', '.join(sorted(spec.makes))}."
        raise errors.error("COMPATIBILITY", "VEHICLE_NOT_CAPABLE", detail=detail)
    if spec.permission not in granted.permissions:
        raise errors.error(
            "PERMISSION",
            None,
            detail=f"This connection was not granted {spec.permission}, which {spec.name} "
            "needs. Ask for it in Connect's scope.",
        )
    attributes = body_attributes(request)
    validate(spec, attributes)
    forced = forced_error(ctx, granted.caller.client_id, vehicle)
    if forced is not None:
        raise errors.from_api_error(forced)  # with v2.0's Retry-After or re-auth link
    return granted, vehicle, attributes


def refuse(code: str) -> errors.V3Error:
    return errors.error("VEHICLE_STATE", code)


def execution_meta(now: float) -> dict[str, Any]:
    """The sandbox finishes every command within a second of sandbox time."""
    return {"executedAt": iso(now - 1), "completedAt": iso(now), "durationInSeconds": 1}


def execution_id(prefix: str) -> str:
    return f"{prefix}_{ids.token().replace('-', '')[:20]}"


# ------------------------------------------------------------------ the state machine

Effect = Callable[[Record, dict[str, Any]], tuple[str, ...]]


def _awake_and_parked(record: Record) -> None:
    if vehicle_state.live(record).get("asleep"):
        raise refuse("ASLEEP")
    if vehicle_state.in_motion(record):
        raise refuse("IN_MOTION")


def _lock(locked: bool) -> Effect:
    def effect(record: Record, attributes: dict[str, Any]) -> tuple[str, ...]:
        _awake_and_parked(record)
        vehicle_state.set_locked(record, locked)
        return vehicle_state.LOCK_SIGNALS

    return effect


def _start_charge(record: Record, attributes: dict[str, Any]) -> tuple[str, ...]:
    _awake_and_parked(record)
    if not vehicle_state.is_plugged(record):
        raise refuse("CHARGING_PLUG_NOT_CONNECTED")
    state = vehicle_state.charge_state(record)
    if state == "CHARGING":
        raise refuse("CHARGING_IN_PROGRESS")
    if state == "FULLY_CHARGED":
        raise refuse("FULLY_CHARGED")
    vehicle_state.set_charging(record, True)
    return vehicle_state.CHARGE_SIGNALS


def _stop_charge(record: Record, attributes: dict[str, Any]) -> tuple[str, ...]:
    if vehicle_state.live(record).get("asleep"):
        raise refuse("ASLEEP")
    if not vehicle_state.is_plugged(record):
        raise refuse("CHARGING_PLUG_NOT_CONNECTED")
    if not vehicle_state.is_charging(record):
        raise refuse("NOT_CHARGING")
    vehicle_state.set_charging(record, False)
    return vehicle_state.CHARGE_SIGNALS


def _set_limit(record: Record, attributes: dict[str, Any]) -> tuple[str, ...]:
    if vehicle_state.live(record).get("asleep"):
        raise refuse("ASLEEP")
    record["charge_limit"] = attributes["percent"] / 100
    return (*vehicle_state.LIMIT_SIGNALS, "charge-timetocomplete")


def _destination(record: Record, attributes: dict[str, Any]) -> tuple[str, ...]:
    if vehicle_state.live(record).get("asleep"):
        raise refuse("ASLEEP")
    record["destination"] = {
        "latitude": float(attributes["latitude"]),
        "longitude": float(attributes["longitude"]),
    }
    return ()  # no signal shows a navigation destination


def _charge_port(opened: bool) -> Effect:
    # UNCONFIRMED command (third-party catalogue only): the door opens and closes; a cable
    # in the port keeps it open.
    def effect(record: Record, attributes: dict[str, Any]) -> tuple[str, ...]:
        _awake_and_parked(record)
        if not opened and vehicle_state.is_plugged(record):
            raise refuse("CHARGING_PLUG_CONNECTED")
        record.setdefault("live", {})["charge_port_open"] = opened
        return vehicle_state.PORT_SIGNALS

    return effect


EFFECTS: dict[str, Effect] = {
    "lock": _lock(True),
    "unlock": _lock(False),
    "start_charge": _start_charge,
    "stop_charge": _stop_charge,
    "set_charge_limit": _set_limit,
    "set_destination": _destination,
    "open_charge_port": _charge_port(True),
    "close_charge_port": _charge_port(False),
}


def run(ctx: Context, request: Request, vehicle_id: str, spec: CommandSpec) -> Response:
    _, _, attributes = prepare(ctx, request, vehicle_id, spec)
    effect = EFFECTS[spec.name]
    changed = vehicle_state.change(ctx, vehicle_id, lambda record: effect(record, attributes))
    ctx.vehicle_events.changed(vehicle_id, changed)
    now = ctx.clock.now()
    result: dict[str, Any] = {
        "commandType": spec.command_type,
        "status": {"value": "SUCCESS"},
        "executionMode": "sync",
    }
    if spec.attributes:
        result["parameters"] = attributes
    return json_response(
        200,
        {
            "data": {
                "id": execution_id("exec"),
                "type": "command-execution",
                "attributes": result,
                "meta": execution_meta(now),
            }
        },
    )
