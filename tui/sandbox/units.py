"""Metric to imperial conversion of the sandbox's answers (``SC-Unit-System: imperial``)."""

from __future__ import annotations

from collections.abc import Callable

METRIC = "metric"
IMPERIAL = "imperial"
UNIT_SYSTEMS = (METRIC, IMPERIAL)


def km_to_miles(value: float) -> float:
    return round(value * 0.621371, 1)


def liters_to_gallons(value: float) -> float:
    return round(value / 3.785411784, 2)


def kpa_to_psi(value: float) -> float:
    return round(value * 0.1450377, 1)


def celsius_to_fahrenheit(value: float) -> float:
    return round(value * 9 / 5 + 32, 1)


def kmh_to_mph(value: float) -> float:
    return round(value * 0.621371, 1)


Converter = Callable[[float], float]

# Which fields of which endpoint carry a unit, and how to convert each.
FIELDS: dict[str, dict[str, Converter]] = {
    "/odometer": {"distance": km_to_miles},
    "/battery": {"range": km_to_miles},
    "/fuel": {"range": km_to_miles, "amountRemaining": liters_to_gallons},
    "/tires/pressure": {
        name: kpa_to_psi for name in ("frontLeft", "frontRight", "backLeft", "backRight")
    },
    "/{make}/speedometer": {"speed": kmh_to_mph},
    "/{make}/thermometer/exterior": {"temperature": celsius_to_fahrenheit},
    "/{make}/thermometer/interior": {"temperature": celsius_to_fahrenheit},
    "/{make}/climate/cabin": {"temperature": celsius_to_fahrenheit},
}


def convert(path: str, body: object, unit_system: str) -> object:
    """Convert a metric body of ``path`` to ``unit_system`` (a new object; None stays None)."""
    if unit_system != IMPERIAL:
        return body
    if path == "/service/history" and isinstance(body, list):
        return [
            {**record, "odometerDistance": km_to_miles(record["odometerDistance"])}
            if isinstance(record.get("odometerDistance"), int | float)
            else record
            for record in body
        ]
    fields = FIELDS.get(path)
    if not fields or not isinstance(body, dict):
        return body
    converted = dict(body)
    for name, function in fields.items():
        value = converted.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            converted[name] = function(value)
    return converted
