"""Errors carman's admin call raises on a vehicle and resolves again (``/_sandbox/vehicle_error``).

Smartcar sends VEHICLE_ERROR when a vehicle stops giving data (asleep, unreachable, an account
problem ...) and again with state RESOLVED when it recovers (§7.7). The sandbox has no real
vehicles, so a test or a developer raises such an error by hand: it is kept on the vehicle's
record (``signal_errors``, persisted), the signals it names (every non-static signal when it
names none, a "broad" error) answer it in their ``status`` on ``/v3/.../signals`` and in
VEHICLE_STATE deliveries, and the webhook engine announces the change. v2.0 endpoints and
commands do not see it (carman's choice: it models webhook-era signal errors only).

Raising an error that is already active only changes the signals it names (no second event).
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import webhook_events

Record = dict[str, Any]


class VehicleErrorInput(ValueError):
    """A bad admin request; ``name`` is the field at fault."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def check(error_type: Any, code: Any) -> tuple[str, str | None]:
    if not isinstance(error_type, str) or error_type not in webhook_events.WEBHOOK_ERRORS:
        known = ", ".join(webhook_events.WEBHOOK_ERRORS)
        raise VehicleErrorInput("type", f"type must be one of {known}.")
    if code is not None and not isinstance(code, str):
        raise VehicleErrorInput("code", "code must be a string or null.")
    if not webhook_events.is_webhook_error(error_type, code):
        codes = ", ".join(str(c) for c in webhook_events.WEBHOOK_ERRORS[error_type])
        raise VehicleErrorInput("code", f"code of a {error_type} error must be one of {codes}.")
    return error_type, code


def active(record: Record) -> list[Record]:
    return list(record.get("signal_errors") or [])


def find(record: Record, error_type: str, code: str | None) -> Record | None:
    for entry in active(record):
        if (entry["type"], entry["code"]) == (error_type, code):
            return entry
    return None


def raise_error(
    record: Record, error_type: str, code: str | None, signals: list[str] | None, now: float
) -> bool:
    """Make the error active on the vehicle record; whether it is new."""
    existing = find(record, error_type, code)
    if existing is not None:
        existing["signals"] = signals
        return False
    entries = record.setdefault("signal_errors", [])
    entries.append({"type": error_type, "code": code, "signals": signals, "since": now})
    return True


def resolve(record: Record, error_type: str, code: str | None) -> Record | None:
    """Clear the error; the entry it was, or None when it was not active."""
    existing = find(record, error_type, code)
    if existing is not None:
        record["signal_errors"] = [e for e in active(record) if e is not existing]
    return existing
