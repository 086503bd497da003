"""A v3 signals answer as table rows: code, value, unit, status, age.

Reads ``GET /v3/vehicles/{id}/signals`` (a list) and ``.../signals/{code}`` (one, wrapped in
``data`` or bare). Values are shown as people read them: ``{value}`` as the value, ``{unit,
value}`` split into the two columns, other bodies (locations, doors, records) compactly as JSON.
The age is how old the reading is: from ``meta.oemUpdatedAt`` (when the vehicle recorded it)
or, when that is 0 or missing (static attributes such as the VIN), ``meta.retrievedAt``; both
may be epoch milliseconds or ISO-8601 text (CONFLICT 4 of smartcar-v3.md). Headless.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

MAX_VALUE = 32  # characters of a compact JSON value shown in a cell


@dataclass(frozen=True)
class SignalRow:
    code: str
    value: str
    unit: str
    status: str  # SUCCESS, UNAVAILABLE, or ERROR TYPE/CODE
    age: str  # "12s", "3m", "5h", "2d"; "" when unknown

    @property
    def ok(self) -> bool:
        return self.status == "SUCCESS"


def signal_rows(body: Any, now: float) -> list[SignalRow] | None:
    """The rows of a signals answer (in its order); None when ``body`` is not one."""
    if not isinstance(body, dict):
        return None
    data = body.get("data", body)
    items = data if isinstance(data, list) else [data]
    rows = [_row(item, now) for item in items if isinstance(item, dict)]
    found = [row for row in rows if row is not None]
    if not found and not (isinstance(data, list) and not data and _lists_signals(body)):
        return None
    return found


def _lists_signals(body: dict[str, Any]) -> bool:
    # An empty list is still a signals answer when its links say so (nothing collected yet).
    links = body.get("links")
    return isinstance(links, dict) and "/signals" in str(links.get("self") or "")


def _row(item: dict[str, Any], now: float) -> SignalRow | None:
    if item.get("type") != "signal":
        return None
    attributes = item.get("attributes")
    attributes = attributes if isinstance(attributes, dict) else {}
    code = str(attributes.get("code") or item.get("id") or "?")
    value, unit = _value(attributes.get("body"))
    return SignalRow(code, value, unit, _status(attributes.get("status")), _age(item, now))


def _value(body: Any) -> tuple[str, str]:
    if body is None:
        return "", ""
    if isinstance(body, dict):
        rest = {k: v for k, v in body.items() if k not in ("value", "unit")}
        unit = body.get("unit")
        unit_text = str(unit) if isinstance(unit, str) else ""
        if "value" in body and not rest:
            return _text(body["value"]), unit_text
        if "value" in body and set(rest) <= {"additionalValues", "type"}:
            return _text(body["value"]), unit_text  # a range with its alternatives
        shown = {k: v for k, v in body.items() if k != "unit"} if unit_text else body
        return _compact(shown), unit_text
    return _compact(body), ""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e15 else str(value)
    if isinstance(value, int | str):
        return str(value)
    return _compact(value)


def _compact(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _status(value: Any) -> str:
    if not isinstance(value, dict):
        return "SUCCESS"
    kind = str(value.get("value") or "SUCCESS").upper()
    error = value.get("error")
    if kind == "ERROR" and isinstance(error, dict):
        parts = [str(error.get(k)) for k in ("type", "code") if error.get(k)]
        return f"ERROR {'/'.join(parts)}" if parts else "ERROR"
    return kind


def _age(item: dict[str, Any], now: float) -> str:
    meta = item.get("meta")
    if not isinstance(meta, dict):
        return ""
    for key in ("oemUpdatedAt", "retrievedAt", "fetchedAt"):
        moment = _epoch(meta.get(key))
        if moment:
            return _duration(max(now - moment, 0.0))
    return ""


def _epoch(value: Any) -> float | None:
    """Seconds since the epoch from epoch milliseconds, epoch seconds or ISO-8601 text."""
    if isinstance(value, bool) or value in (None, 0, ""):
        return None
    if isinstance(value, int | float):
        return value / 1000 if value > 1e11 else float(value)
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
