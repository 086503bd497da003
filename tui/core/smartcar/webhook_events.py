"""What Smartcar's v3 webhook deliveries are made of (shared/smartcar-v3.md §7), as plain data.

The sandbox's sender builds its deliveries from these names and the receiver reads deliveries
with them, so the two cannot drift apart. Standard library only.

Event types: ``VERIFY`` (the callback verification challenge), ``VEHICLE_STATE`` (data signals,
after a trigger) and ``VEHICLE_ERROR`` (an error raised or resolved). Payload version 4.0.
Choices where the references are silent or disagree:

* **Triggers** use the observed top-level form ``{"type": "SIGNAL_UPDATED", "signal": {code,
  name, group}}`` / ``{"type": "FIRST_DELIVERY"}`` (CONFLICT 6; the reference page's
  ``data.triggers`` form is not sent).
* **Scheduled deliveries** carry ``{"type": "SCHEDULE", "schedule": {"intervalMinutes": N}}``:
  carman's name; Smartcar documents no trigger type for time-driven v3 deliveries
  (UNCONFIRMED).
* **``meta.mode``** is ``LIVE`` for every real event, whatever the connection's mode, and
  ``TEST`` for a "send test payload" (the value for simulated vehicles is UNCONFIRMED).
* **VEHICLE_ERROR ``docURL``** ends in ``#null`` when the code is null, as captured deliveries
  show for ``PERMISSION``.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar.errors import APP_NAME_PLACEHOLDER, DOC_BASE, lookup

VERIFY = "VERIFY"
VEHICLE_STATE = "VEHICLE_STATE"
VEHICLE_ERROR = "VEHICLE_ERROR"
EVENT_TYPES: tuple[str, ...] = (VERIFY, VEHICLE_STATE, VEHICLE_ERROR)

# Trigger types of a VEHICLE_STATE event's top-level ``triggers``.
SIGNAL_UPDATED = "SIGNAL_UPDATED"
FIRST_DELIVERY = "FIRST_DELIVERY"
SCHEDULE = "SCHEDULE"  # carman's choice, see above
TRIGGER_TYPES: tuple[str, ...] = (SIGNAL_UPDATED, FIRST_DELIVERY, SCHEDULE)

PAYLOAD_VERSION = "4.0"
LIVE, TEST = "LIVE", "TEST"
MODES: tuple[str, ...] = (LIVE, TEST)

# VEHICLE_ERROR entries say whether the condition was raised or has cleared.
ERROR, RESOLVED = "ERROR", "RESOLVED"
ERROR_STATES: tuple[str, ...] = (ERROR, RESOLVED)

# Request headers of a delivery.
SIGNATURE_HEADER = "SC-Signature"
USER_AGENT_PRODUCT = "Smartcar"

# Delivery behaviour (§7.3, §7.8): any 2xx within 15 s; up to 3 retries at +25 s, +50 s and
# +100 s after the failed attempt, with the same eventId and a new deliveryId; then dropped.
DELIVERY_TIMEOUT = 15.0
RETRY_DELAYS: tuple[float, ...] = (25.0, 50.0, 100.0)
MAX_PAYLOAD_BYTES = 50 * 1024

# The error types and codes a VEHICLE_ERROR event carries (§7.7); PERMISSION's code is null.
WEBHOOK_ERRORS: dict[str, tuple[str | None, ...]] = {
    "CONNECTED_SERVICES_ACCOUNT": (
        "ACCOUNT_ISSUE",
        "AUTHENTICATION_FAILED",
        "PERMISSION",
        "SUBSCRIPTION",
        "VIRTUAL_KEY_REQUIRED",
    ),
    "VEHICLE_STATE": ("REMOTE_ACCESS_DISABLED", "ASLEEP", "UNREACHABLE"),
    "COMPATIBILITY": ("MAKE_NOT_COMPATIBLE", "SMARTCAR_NOT_CAPABLE", "VEHICLE_NOT_CAPABLE"),
    "PERMISSION": (None,),
}

# What a RESOLVED entry says (the reference quotes only UNREACHABLE's; the rest are carman's).
_RESOLVED_DESCRIPTIONS: dict[tuple[str, str | None], str] = {
    ("VEHICLE_STATE", "UNREACHABLE"): "The vehicle is now reachable.",
    ("VEHICLE_STATE", "ASLEEP"): "The vehicle is now awake.",
    ("VEHICLE_STATE", "REMOTE_ACCESS_DISABLED"): "Remote access to the vehicle is enabled again.",
}
_RESOLVED_GENERIC = "The error has been resolved."


def is_webhook_error(error_type: str, code: str | None) -> bool:
    """Whether (type, code) is one a VEHICLE_ERROR event can carry."""
    return code in WEBHOOK_ERRORS.get(error_type, ())


def error_doc_url(error_type: str, code: str | None) -> str:
    """``docURL`` of a VEHICLE_ERROR entry: one page per type, one anchor per code."""
    page = f"{DOC_BASE}/{error_type.lower().replace('_', '-')}-errors"
    anchor = code.lower().replace("_", "-") if code else "null"
    return f"{page}#{anchor}"


def error_entry(
    error_type: str,
    code: str | None,
    state: str,
    signals: list[dict[str, str]] | None = None,
    app_name: str = "the application",
) -> dict[str, Any]:
    """One ``data.errors`` entry of a VEHICLE_ERROR event (ValueError for a pair it lacks).

    ``signals`` (``{code, name, group}`` each) is left out for a broad error, as real
    deliveries do; a RESOLVED entry has no ``suggestedUserMessage``.
    """
    if not is_webhook_error(error_type, code):
        raise ValueError(f"{error_type}.{code} is not an error a webhook carries")
    if state not in ERROR_STATES:
        raise ValueError(f"state must be one of {', '.join(ERROR_STATES)}")
    spec = lookup(error_type, code)
    if spec is None:  # every pair above is in the v2.0 table; a guard for future edits
        raise ValueError(f"no Smartcar error {error_type}.{code}")
    entry: dict[str, Any] = {"type": error_type, "code": code, "state": state}
    if state == ERROR:
        entry["description"] = spec.description
        if spec.suggested_user_message:
            message = spec.suggested_user_message.replace(APP_NAME_PLACEHOLDER, app_name)
            entry["suggestedUserMessage"] = message
    else:
        entry["description"] = _RESOLVED_DESCRIPTIONS.get((error_type, code), _RESOLVED_GENERIC)
    entry["docURL"] = error_doc_url(error_type, code)
    entry["resolution"] = {"type": spec.resolution}
    if signals:
        entry["signals"] = [dict(s) for s in signals]
    return entry


def signal_ref(code: str, name: str, group: str) -> dict[str, str]:
    """A signal as triggers and error entries name it."""
    return {"code": code, "name": name, "group": group}


def user_agent(version: str = PAYLOAD_VERSION) -> str:
    return f"{USER_AGENT_PRODUCT}/{version}"
