"""Every Smartcar permission (scope), what it grants, and whether it reads or controls.

One table shared by the Connect grant screen of the sandbox, the scope picker of the login
dialog and the error explainer, so a permission is described the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PermissionKind = Literal["read", "control"]

REQUIRED_PREFIX = "required:"


@dataclass(frozen=True)
class Permission:
    name: str
    meaning: str
    kind: PermissionKind


PERMISSIONS: tuple[Permission, ...] = (
    Permission("read_alerts", "Alerts from the vehicle", "read"),
    Permission("read_battery", "EV high-voltage battery: level, range, capacity", "read"),
    Permission("read_charge", "Charging: status, limit, make-specific charge data", "read"),
    Permission("read_charge_locations", "Previous charging locations and their settings", "read"),
    Permission("read_charge_records", "Charge records and billing information", "read"),
    Permission("read_charge_events", "Notifications about charging events", "read"),
    Permission("read_climate", "Climate control status and settings", "read"),
    Permission("read_compass", "Compass heading and direction", "read"),
    Permission("read_diagnostics", "System status and diagnostic trouble codes", "read"),
    Permission("read_engine_oil", "Remaining engine oil life", "read"),
    Permission("read_extended_vehicle_info", "Vehicle configuration information", "read"),
    Permission("read_fuel", "Fuel tank level and range", "read"),
    Permission("read_location", "The vehicle's location", "read"),
    Permission("read_odometer", "Total distance travelled", "read"),
    Permission("read_security", "Lock status of doors, windows, storage and charging port", "read"),
    Permission("read_service_history", "Dealer service history", "read"),
    Permission("read_speedometer", "The vehicle's speed", "read"),
    Permission("read_thermometer", "Inside and outside temperatures", "read"),
    Permission("read_tires", "Tire pressure", "read"),
    Permission(
        "read_user_profile", "The connected-services account profile (email, phone)", "read"
    ),
    Permission("read_vehicle_info", "Make, model and year", "read"),
    Permission("read_vin", "The VIN (vehicle identification number)", "read"),
    Permission(
        "control_charge", "Start and stop charging, set the charge limit and schedules", "control"
    ),
    Permission("control_climate", "Change climate status and settings", "control"),
    Permission("control_navigation", "Send a destination to the navigation system", "control"),
    Permission("control_security", "Lock and unlock the vehicle", "control"),
    Permission("control_pin", "Change the PIN and PIN-to-Drive", "control"),
    Permission("control_trunk", "Open the trunk or frunk", "control"),
)

BY_NAME: dict[str, Permission] = {p.name: p for p in PERMISSIONS}
READ_PERMISSIONS: tuple[str, ...] = tuple(p.name for p in PERMISSIONS if p.kind == "read")
CONTROL_PERMISSIONS: tuple[str, ...] = tuple(p.name for p in PERMISSIONS if p.kind == "control")


def is_known(name: str) -> bool:
    return name in BY_NAME


def meaning(name: str) -> str:
    """The one-line meaning of a permission, or an empty string for an unknown name."""
    permission = BY_NAME.get(strip_required(name))
    return permission.meaning if permission else ""


def strip_required(item: str) -> str:
    return item[len(REQUIRED_PREFIX) :] if item.startswith(REQUIRED_PREFIX) else item


@dataclass(frozen=True)
class ScopeItem:
    name: str
    required: bool


def parse_scope(scope: str) -> list[ScopeItem]:
    """Split a space-separated scope (``+`` already decoded) into items, keeping first order.

    ``required:read_vin`` becomes ``ScopeItem("read_vin", True)``; a name listed twice keeps
    the stronger (required) form.
    """
    items: dict[str, ScopeItem] = {}
    for raw in scope.split():
        name = strip_required(raw)
        required = raw.startswith(REQUIRED_PREFIX)
        if name in items:
            required = required or items[name].required
        items[name] = ScopeItem(name, required)
    return list(items.values())
