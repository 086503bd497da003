"""A webhook's definition: what it carries, when it fires, where it delivers, and whether its
callback passed VERIFY.

Stored in the state section ``webhook_definitions`` (id → record), owned by an application (the
client the sandbox runs for). Smartcar's Management API has no ``POST /webhooks`` (webhooks are
made in the Dashboard, §7.1), so the sandbox defines them from its command line
(``--webhook``), its admin namespace and its Python API — all through ``check`` here.

Fields, as the admin namespace names them (the Python API uses the snake_case forms):
``name``, ``callbackUri``, ``errorCallbackUri`` (VEHICLE_ERROR goes there when set),
``isEnabled``, ``data`` (signal codes every VEHICLE_STATE carries), ``triggers`` (signal codes
whose change fires one), ``scheduleMinutes`` (also fire every N minutes of the sandbox clock;
carman's extension, shown as ``attributes.schedule`` — Smartcar's v3 has no documented
time-driven trigger, UNCONFIRMED) and ``autoSubscribe`` (every connected vehicle of the
application, now and later).

Choices: callbacks may be plain ``http://`` and on loopback (Smartcar demands public HTTPS;
the sandbox is local). A new webhook and a changed callback are VERIFY'd again; a webhook whose
verification did not succeed is verified again when the sandbox starts.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from tui.core.smartcar import signals as catalogue

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]

# What a webhook defined without a choice carries and reacts to: the lock and charging, the
# odometer, battery and location (a vehicle lacking one reports it with an ERROR status).
DEFAULT_DATA: tuple[str, ...] = (
    "closure-islocked",
    "charge-ischarging",
    "tractionbattery-stateofcharge",
    "odometer-traveleddistance",
    "location-preciselocation",
)
DEFAULT_TRIGGERS: tuple[str, ...] = ("closure-islocked", "charge-ischarging")
MAX_SCHEDULE_MINUTES = 7 * 24 * 60  # a week
MAX_NAME = 200
MAX_URI = 2000

# admin / API name → the record's key
FIELDS: dict[str, str] = {
    "name": "name",
    "callbackUri": "callback_uri",
    "errorCallbackUri": "error_callback_uri",
    "isEnabled": "enabled",
    "data": "data",
    "triggers": "triggers",
    "scheduleMinutes": "schedule_minutes",
    "autoSubscribe": "auto_subscribe",
}
PYTHON_NAMES: dict[str, str] = {key: name for name, key in FIELDS.items()}

PENDING, VERIFIED, FAILED = "pending", "verified", "failed"


class DefinitionError(ValueError):
    """A webhook field that cannot be used; ``name`` is the field (admin spelling)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def check_uri(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DefinitionError(name, f"{name} must be a URL such as http://127.0.0.1:9000/hook.")
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DefinitionError(
            name, f"{name} must be an http:// or https:// URL with a host, not {value!r}."
        )
    if len(value) > MAX_URI or any(c.isspace() for c in value):
        raise DefinitionError(name, f"{name} must be one URL without spaces.")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise DefinitionError(name, f"{name} has an invalid port: {value!r}.") from None
    return value


def check_codes(name: str, value: Any) -> list[str]:
    """Signal codes of the catalogue, in the given order, each once."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise DefinitionError(name, f"{name} must be a list of signal codes.")
    codes: list[str] = []
    for raw in value:
        code = raw.strip()
        if catalogue.find(code) is None:
            raise DefinitionError(
                name,
                f"{name}: there is no signal {code!r}. Codes are <group>-<name> in lower case, "
                "e.g. closure-islocked.",
            )
        if code not in codes:
            codes.append(code)
    return codes


def _check(name: str, value: Any) -> Any:
    if name == "name":
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
            raise DefinitionError(name, f"name must be 1 to {MAX_NAME} characters.")
        return value.strip()
    if name == "callbackUri":
        return check_uri(name, value)
    if name == "errorCallbackUri":
        return None if value in (None, "") else check_uri(name, value)
    if name in ("isEnabled", "autoSubscribe"):
        if not isinstance(value, bool):
            raise DefinitionError(name, f"{name} must be true or false.")
        return value
    if name in ("data", "triggers"):
        return check_codes(name, value)
    if name == "scheduleMinutes":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise DefinitionError(name, "scheduleMinutes must be a whole number of minutes.")
        if not 1 <= value <= MAX_SCHEDULE_MINUTES:
            raise DefinitionError(
                name, f"scheduleMinutes must be between 1 and {MAX_SCHEDULE_MINUTES}."
            )
        return value
    known = ", ".join(FIELDS)
    raise DefinitionError(name, f"Unknown webhook field {name!r}; one of {known}.")


def check(changes: dict[str, Any], *, creating: bool) -> Record:
    """The changes (admin spelling) checked, as record keys; a new webhook needs a callback."""
    checked = {FIELDS.get(name, name): _check(name, value) for name, value in changes.items()}
    if creating and "callback_uri" not in checked:
        raise DefinitionError("callbackUri", "callbackUri is required.")
    return checked


def from_python(**changes: Any) -> dict[str, Any]:
    """Python API keyword names (``callback_uri`` ...) in the admin spelling."""
    spelled: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in PYTHON_NAMES:
            known = ", ".join(PYTHON_NAMES)
            raise DefinitionError(key, f"Unknown webhook field {key!r}; one of {known}.")
        spelled[PYTHON_NAMES[key]] = list(value) if isinstance(value, tuple) else value
    return spelled


def new_record(client_id: str, checked: Record, data: Data, now: float) -> Record:
    """A webhook made from checked fields, waiting for VERIFY."""
    order = 1 + max((w.get("order", 0) for w in data["webhook_definitions"].values()), default=0)
    minutes = checked.get("schedule_minutes")
    record: Record = {
        "id": str(uuid.uuid4()),
        "client_id": client_id,
        "name": checked.get("name") or f"Webhook {order}",
        "callback_uri": checked["callback_uri"],
        "error_callback_uri": checked.get("error_callback_uri"),
        "enabled": checked.get("enabled", True),
        "data": checked.get("data", list(DEFAULT_DATA)),
        "triggers": checked.get("triggers", list(DEFAULT_TRIGGERS)),
        "schedule_minutes": minutes,
        "schedule_next_at": now + minutes * 60 if minutes else None,
        "auto_subscribe": checked.get("auto_subscribe", False),
        "created_at": now,
        "updated_at": now,
        "order": order,
        "verification": pending_verification(),
    }
    return record


def pending_verification() -> Record:
    return {
        "status": PENDING,
        "reason": "waiting for VERIFY",
        "at": None,
        "nonce": uuid.uuid4().hex,
    }


def apply(record: Record, checked: Record, now: float) -> bool:
    """Change a webhook; whether its callback changed (it must pass VERIFY again)."""
    callback_changed = (
        "callback_uri" in checked and checked["callback_uri"] != record["callback_uri"]
    )
    for key, value in checked.items():
        record[key] = value
    if "schedule_minutes" in checked:
        minutes = checked["schedule_minutes"]
        record["schedule_next_at"] = now + minutes * 60 if minutes else None
    record["updated_at"] = now
    if callback_changed:
        record["verification"] = pending_verification()
    return callback_changed


def owned(data: Data, client_id: str) -> list[Record]:
    """The application's webhooks, oldest first."""
    found = [w for w in data["webhook_definitions"].values() if w["client_id"] == client_id]
    return sorted(found, key=lambda w: (w["created_at"], w.get("order", 0)))


def deliverable(record: Record) -> bool:
    """Whether events go out: enabled and verified (§7.1: nothing before VERIFY succeeds)."""
    return bool(record["enabled"]) and record["verification"]["status"] == VERIFIED


def error_target(record: Record) -> str:
    """Where VEHICLE_ERROR goes: the error callback when set, else the data callback."""
    return str(record.get("error_callback_uri") or record["callback_uri"])
