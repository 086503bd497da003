"""v3 charge schedules: ``POST …/charge-schedules/{daily|weekly|workweek}``, ``DELETE …/{id}``.

Tesla takes all three kinds, Volvo daily only (the table in ``tui.core.smartcar.v3_commands``);
any other vehicle answers 501 ``COMPATIBILITY``/``VEHICLE_NOT_CAPABLE``. Checks are those of
the commands (``commands.prepare``). A created schedule answers a
``charge-schedule-execution`` with its ``scheduleId`` and shows in the ``charge-chargetimers``
signal as a ``LOCATION`` timer carrying ``scheduleType`` and ``scheduleId`` (§5.5).

UNCONFIRMED, carman's reading: the weekly body (``days`` keyed by weekday) and the workweek body
(``weekdays``/``weekends`` windows); deleting answers a ``charge-schedule-execution`` with
``action: "delete"``; an unknown schedule id is 404 ``RESOURCE_NOT_FOUND``. There is no GET of a
schedule (its path is unconfirmed); read ``charge-chargetimers`` instead.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar.v3_commands import WEEKDAYS, CommandSpec
from tui.sandbox import vehicle_state
from tui.sandbox.context import Context
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import commands, errors

Record = dict[str, Any]
WORKDAYS = WEEKDAYS[:5]
WEEKEND = WEEKDAYS[5:]


def _window(window: dict[str, str], days: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {
        "start": f"{window['startTime']}:00",
        "end": f"{window['stopTime']}:00",
        "days": list(days),
    }


def _windows(kind: str, attributes: dict[str, Any]) -> list[dict[str, Any]]:
    if kind == "daily":
        return [_window(attributes, WEEKDAYS)]
    if kind == "weekly":
        return [_window(w, [day.upper()]) for day, w in attributes["days"].items()]
    found = []
    if "weekdays" in attributes:
        found.append(_window(attributes["weekdays"], WORKDAYS))
    if "weekends" in attributes:
        found.append(_window(attributes["weekends"], WEEKEND))
    return found


def _answer(
    ctx: Context,
    action: str,
    kind: str,
    schedule_id: str,
    vehicle_id: str,
    parameters: dict[str, Any] | None,
) -> Response:
    attributes: dict[str, Any] = {
        "action": action,
        "scheduleType": kind,
        "status": {"value": "SUCCESS"},
        "executionMode": "sync",
        "scheduleId": schedule_id,
    }
    if parameters is not None:
        attributes["parameters"] = parameters
    return json_response(
        200,
        {
            "data": {
                "id": commands.execution_id("exec"),
                "type": "charge-schedule-execution",
                "attributes": attributes,
                "links": {"schedule": f"/vehicles/{vehicle_id}/charge-schedules/{schedule_id}"},
                "meta": commands.execution_meta(ctx.clock.now()),
            }
        },
    )


def create(ctx: Context, request: Request, vehicle_id: str, spec: CommandSpec) -> Response:
    _, _, attributes = commands.prepare(ctx, request, vehicle_id, spec)
    kind = spec.command_type
    schedule_id = commands.execution_id("sched")
    location = attributes["location"]
    timer = {
        "type": "LOCATION",
        "condition": {
            "name": None,
            "address": None,
            "latitude": location["latitude"],
            "longitude": location["longitude"],
            "connectorType": None,
        },
        "schedules": _windows(kind, attributes),
        "departureTimers": [],
        "isOEMOptimizationEnabled": False,
        "scheduleType": kind,
        "scheduleId": schedule_id,
    }

    def apply(record: Record) -> tuple[str, ...]:
        if vehicle_state.live(record).get("asleep"):
            raise commands.refuse("ASLEEP")
        entry = {"id": schedule_id, "scheduleType": kind, "timer": timer}
        record.setdefault("live", {}).setdefault("schedules", []).append(entry)
        return vehicle_state.TIMER_SIGNALS

    changed = vehicle_state.change(ctx, vehicle_id, apply)
    ctx.vehicle_events.changed(vehicle_id, changed)
    return _answer(ctx, "create", kind, schedule_id, vehicle_id, attributes)


def delete(
    ctx: Context, request: Request, vehicle_id: str, spec: CommandSpec, schedule_id: str
) -> Response:
    commands.prepare(ctx, request, vehicle_id, spec)

    def apply(record: Record) -> str:
        kept = vehicle_state.live(record).get("schedules", [])
        found = next((entry for entry in kept if entry["id"] == schedule_id), None)
        if found is None:
            raise errors.not_found(f"No charge schedule {schedule_id} on vehicle {vehicle_id}.")
        kept.remove(found)
        return str(found["scheduleType"])

    kind = vehicle_state.change(ctx, vehicle_id, apply)
    ctx.vehicle_events.changed(vehicle_id, vehicle_state.TIMER_SIGNALS)
    return _answer(ctx, "delete", kind, schedule_id, vehicle_id, None)
