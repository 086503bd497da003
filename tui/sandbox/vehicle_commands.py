"""Validation and effect of the Vehicle API's commands (POST/PUT on a vehicle).

Each command first checks its body (400 VALIDATION naming the field) and returns a function
that applies the change to the stored vehicle, so nothing changes when an earlier check
(forced error, capability) refuses the request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tui.sandbox import vehicle_state
from tui.sandbox.errors import validation
from tui.sandbox.messages import Request
from tui.sandbox.units import IMPERIAL, celsius_to_fahrenheit

SUCCESS = {"status": "success", "message": "Successfully sent request to vehicle"}
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

Vehicle = dict[str, Any]
# apply(vehicle record to change in place) -> response body
Apply = Callable[[Vehicle], Any]


def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or a VALIDATION error saying what is wrong."""
    if not request.body.strip():
        raise validation("A JSON body is required.", "body")
    try:
        value = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise validation("The request body is not valid JSON.", "body") from None
    if not isinstance(value, dict):
        raise validation("The request body must be a JSON object.", "body")
    return value


def number(value: Any, low: float, high: float, *field: str | int) -> float:
    """A number within [low, high]; numeric strings are accepted (one SDK sends "0.8")."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise validation(f"{field[-1]} must be a number.", *field) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise validation(f"{field[-1]} must be a number.", *field)
    if not low <= value <= high:
        raise validation(f"{field[-1]} must be between {low:g} and {high:g}.", *field)
    return float(value)


def _action(body: dict[str, Any], allowed: tuple[str, ...]) -> str:
    action = body.get("action")
    if action not in allowed:
        raise validation(f"action must be one of {', '.join(allowed)}.", "action")
    return action


def security(request: Request, body: dict[str, Any], unit: str) -> Apply:
    locked = _action(body, ("LOCK", "UNLOCK")) == "LOCK"

    def apply(vehicle: Vehicle) -> Any:
        vehicle_state.set_locked(vehicle, locked)
        return dict(SUCCESS)

    return apply


def charge(request: Request, body: dict[str, Any], unit: str) -> Apply:
    charging = _action(body, ("START", "STOP")) == "START"

    def apply(vehicle: Vehicle) -> Any:
        vehicle_state.set_charging(vehicle, charging)
        return dict(SUCCESS)

    return apply


def charge_limit(request: Request, body: dict[str, Any], unit: str) -> Apply:
    if "limit" not in body:
        raise validation("limit is required.", "limit")
    limit = round(number(body["limit"], 0.5, 1.0, "limit"), 4)

    def apply(vehicle: Vehicle) -> Any:
        vehicle["charge_limit"] = limit
        return dict(SUCCESS)

    return apply


def destination(request: Request, body: dict[str, Any], unit: str) -> Apply:
    for name in ("latitude", "longitude"):
        if name not in body:
            raise validation(f"{name} is required.", name)
    latitude = number(body["latitude"], -90, 90, "latitude")
    longitude = number(body["longitude"], -180, 180, "longitude")

    def apply(vehicle: Vehicle) -> Any:
        vehicle["destination"] = {"latitude": latitude, "longitude": longitude}
        return dict(SUCCESS)

    return apply


def climate(request: Request, body: dict[str, Any], unit: str) -> Apply:
    action = _action(body, ("START", "STOP", "SET"))
    celsius: float | None = None
    if "temperature" in body or action == "SET":
        if "temperature" not in body:
            raise validation("temperature is required with action SET.", "temperature")
        low, high = (59, 82) if unit == IMPERIAL else (15, 28)
        value = number(body["temperature"], low, high, "temperature")
        celsius = round((value - 32) * 5 / 9, 1) if unit == IMPERIAL else value

    def apply(vehicle: Vehicle) -> Any:
        current = dict(vehicle.get("climate") or {"status": "OFF", "temperature": 21})
        if action != "SET":
            current["status"] = "ON" if action == "START" else "OFF"
        if celsius is not None:
            current["temperature"] = celsius
        vehicle["climate"] = current
        shown = dict(current)
        if unit == IMPERIAL:
            shown["temperature"] = celsius_to_fahrenheit(current["temperature"])
        return shown

    return apply


def ammeter(request: Request, body: dict[str, Any], unit: str) -> Apply:
    if "amperage" not in body:
        raise validation("amperage is required.", "amperage")
    amperage = int(number(body["amperage"], 5, 48, "amperage"))

    def apply(vehicle: Vehicle) -> Any:
        vehicle["amperage"] = amperage
        return dict(SUCCESS)

    return apply


def _window(item: Any, *field: str | int) -> dict[str, str]:
    if not isinstance(item, dict):
        raise validation("A window must be an object with start and end.", *field)
    for name in ("start", "end"):
        if not isinstance(item.get(name), str) or not _TIME.match(item[name]):
            raise validation(f"{name} must be a time as HH:MM.", *field, name)
    return {"start": item["start"], "end": item["end"]}


def _windows(value: Any, *field: str | int) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise validation(f"{field[-1]} must be a list of {{start, end}} windows.", *field)
    return [_window(item, *field, index) for index, item in enumerate(value)]


def schedule_by_location(request: Request, body: dict[str, Any], unit: str) -> Apply:
    for name in ("latitude", "longitude"):
        if request.param(name) is None:
            raise validation(f"The query parameter {name} is required.", name)
    latitude = number(request.param("latitude"), -90, 90, "latitude")
    longitude = number(request.param("longitude"), -180, 180, "longitude")
    location = body.get("chargingLocation")
    if not isinstance(location, dict):
        raise validation("chargingLocation is required.", "chargingLocation")
    limit = location.get("chargeLimit")
    if limit is not None:
        limit = number(limit, 0.5, 1.0, "chargingLocation", "chargeLimit")
    windows = location.get("chargingWindows", {})
    if not isinstance(windows, dict):
        raise validation(
            "chargingWindows must be an object.", "chargingLocation", "chargingWindows"
        )
    schedules = {
        part: _windows(windows.get(part, []), "chargingLocation", "chargingWindows", part)
        for part in ("weekday", "weekend")
    }

    def apply(vehicle: Vehicle) -> Any:
        saved = [
            entry
            for entry in vehicle.get("charge_locations") or []
            if entry["location"] != {"latitude": latitude, "longitude": longitude}
        ]
        saved.append(
            {
                "chargeLimit": limit if limit is not None else 1.0,
                "location": {"latitude": latitude, "longitude": longitude},
                "chargingSchedules": schedules,
            }
        )
        vehicle["charge_locations"] = saved
        return dict(SUCCESS)  # Smartcar answers {message, status}; GET shows the schedules

    return apply


def nissan_schedule(request: Request, body: dict[str, Any], unit: str) -> Apply:
    schedules = body.get("chargeSchedules")
    if not isinstance(schedules, list) or len(schedules) > 3:
        raise validation(
            "chargeSchedules must be a list of at most 3 schedules.", "chargeSchedules"
        )
    cleaned = []
    for index, item in enumerate(schedules):
        window = _window(item, "chargeSchedules", index)
        days = item.get("days")
        if not isinstance(days, list) or not days or any(d not in DAYS for d in days):
            raise validation(
                f"days must list some of {', '.join(DAYS)}.", "chargeSchedules", index, "days"
            )
        cleaned.append({**window, "days": list(dict.fromkeys(days))})

    def apply(vehicle: Vehicle) -> Any:
        vehicle["charge_schedules"] = cleaned
        return dict(SUCCESS)

    return apply


Validator = Callable[[Request, dict[str, Any], str], Apply]

# Endpoint key (tui.core.smartcar.endpoints) → validator returning the change to apply.
COMMANDS: dict[str, Validator] = {
    "POST /security": security,
    "POST /charge": charge,
    "POST /charge/limit": charge_limit,
    "POST /navigation/destination": destination,
    "POST /{make}/climate/cabin": climate,
    "POST /{make}/charge/ammeter": ammeter,
    "PUT /{make}/charge/schedule_by_location": schedule_by_location,
    "PUT /{make}/charge/schedule": nissan_schedule,
}
