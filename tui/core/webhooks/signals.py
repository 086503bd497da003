"""The signals a delivery carries, as rows (code, value, unit, status), and numeric series
over many deliveries for a plot.

VEHICLE_STATE: ``data.signals[]`` with ``body`` (``{"value": 89, "unit": "percent"}``,
``{"latitude": …, "longitude": …}`` …) and ``status`` (``SUCCESS`` or ``ERROR`` with
``error.type``/``code``); the reference page's form (no ``status`` on success) is read too.
VEHICLE_ERROR: each ``data.errors[]`` entry becomes a row per signal it names (or one row).
Dotted-string signals of some older captures ("Odometer.TraveledDistance") are accepted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Signals worth plotting first when a delivery carries several numbers.
PREFERRED_PLOTS = (
    "tractionbattery-stateofcharge",
    "odometer-traveleddistance",
    "internalcombustionengine-fuellevel",
    "tractionbattery-range",
)
MAX_SERIES = 500


@dataclass(frozen=True)
class SignalReading:
    code: str
    value: str  # for showing: the body's value, or the whole body as compact JSON
    unit: str
    status: str  # "SUCCESS", "ERROR SERVER/INTERNAL", a VEHICLE_ERROR's state and code ...
    number: float | None = None  # the value when it is a plain number (for plots)
    oem_updated_at: float | None = None  # epoch ms, when the body says

    @property
    def ok(self) -> bool:
        return self.status == "SUCCESS"


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _compact(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _signal_code(signal: object) -> str:
    if isinstance(signal, str):
        # "Odometer.TraveledDistance" -> "odometer-traveleddistance", the catalogue's spelling
        return signal.replace(".", "-").lower()
    found = _object(signal)
    code = found.get("code")
    if isinstance(code, str) and code:
        return code
    group, name = found.get("group"), found.get("name")
    if isinstance(group, str) and isinstance(name, str):
        return f"{group}-{name}".lower()
    return "?"


def _error_text(error: object) -> str:
    found = _object(error)
    parts = [found.get("type"), found.get("code")]
    return "/".join(str(p) for p in parts if isinstance(p, str) and p)


def _state_reading(signal: object) -> SignalReading | None:
    found = _object(signal)
    if not found:
        return None
    body = found.get("body")
    status_obj = _object(found.get("status"))
    status = status_obj.get("value") if isinstance(status_obj.get("value"), str) else ""
    if status == "ERROR" or (not status and body is None and status_obj.get("error")):
        detail = _error_text(status_obj.get("error"))
        status = f"ERROR {detail}".strip()
    elif not status:
        status = "SUCCESS" if body is not None else "NO DATA"
    unit, value, number = "", "", None
    if isinstance(body, dict):
        raw_unit = body.get("unit")
        unit = raw_unit if isinstance(raw_unit, str) else ""
        if "value" in body:
            value, number = _compact(body["value"]), _number(body["value"])
        else:
            rest = {k: v for k, v in body.items() if k != "unit"}
            value = _compact(rest) if rest else ""
    elif body is not None:
        value, number = _compact(body), _number(body)
    meta = _object(found.get("meta"))
    return SignalReading(
        code=_signal_code(found),
        value=value,
        unit=unit,
        status=status,
        number=number if status == "SUCCESS" else None,
        oem_updated_at=_number(meta.get("oemUpdatedAt")),
    )


def _error_readings(errors: list[Any]) -> list[SignalReading]:
    rows: list[SignalReading] = []
    for error in errors:
        found = _object(error)
        if not found:
            continue
        state = found.get("state") if isinstance(found.get("state"), str) else "ERROR"
        status = f"{state} {_error_text(found)}".strip()
        text = found.get("description")
        description = text if isinstance(text, str) else ""
        signals = found.get("signals")
        codes = [_signal_code(s) for s in signals] if isinstance(signals, list) else []
        for code in codes or ["(vehicle)"]:
            rows.append(SignalReading(code=code, value=description, unit="", status=status))
    return rows


def readings(document: object) -> list[SignalReading]:
    """The rows of one parsed delivery body, in the order it lists them."""
    data = _object(_object(document).get("data"))
    signals = data.get("signals")
    rows: list[SignalReading] = []
    if isinstance(signals, list):
        rows += [r for r in (_state_reading(s) for s in signals) if r is not None]
    errors = data.get("errors")
    if isinstance(errors, list):
        rows += _error_readings(errors)
    return rows


def parse_body(body: bytes) -> object:
    """The JSON of a stored body, or None when it is not JSON."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


@dataclass(frozen=True)
class Point:
    at: float  # the signal's oemUpdatedAt in seconds, else the time it was received
    value: float
    unit: str


def numeric_codes(bodies: Iterable[object]) -> list[str]:
    """Codes with a plain numeric value in any of ``bodies``, the usual favourites first."""
    seen: dict[str, None] = {}
    for document in bodies:
        for reading in readings(document):
            if reading.number is not None:
                seen.setdefault(reading.code)
    preferred = [code for code in PREFERRED_PLOTS if code in seen]
    return preferred + [code for code in seen if code not in preferred]


def series(
    deliveries: Iterable[tuple[float, object]], code: str, limit: int = MAX_SERIES
) -> list[Point]:
    """The numeric values of signal ``code`` over ``(received_at, document)`` pairs, in the
    order the vehicle reported them (deliveries may arrive out of order, §7.8)."""
    points: list[Point] = []
    for received_at, document in deliveries:
        for reading in readings(document):
            if reading.code == code and reading.number is not None:
                at = reading.oem_updated_at / 1000 if reading.oem_updated_at else received_at
                points.append(Point(at, reading.number, reading.unit))
                break
    points.sort(key=lambda p: p.at)
    return points[-limit:]
