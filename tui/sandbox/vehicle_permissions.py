"""Which of the requested permissions a vehicle is granted: only those it can serve.

Smartcar grants permissions per vehicle: an ICE car approved with ``read_battery`` in the scope
does not get it, and ``GET /vehicles/{id}/permissions`` shows what each vehicle holds (Smartcar's
scope guide: check ``/permissions`` to learn whether a vehicle "possesses the requested
functionalities"). A ``required:`` permission the vehicle cannot serve ends Connect with
``vehicle_incompatible`` instead.

A vehicle can serve a permission when anything that permission grants answers for it: a v2.0
endpoint (``tui.core.smartcar.endpoints``), a v3 signal (``signals``) or a v3 command
(``v3_commands``). One vehicle has one set of permissions for both APIs, so a CHEVROLET is
granted ``read_thermometer`` (v3 ``climate-externaltemperature`` answers for it, though v2.0's
thermometer is Tesla-only), and a TESLA is not granted ``read_charge_records`` (BMW and MINI
only, in v2.0 and v3 alike).

Calls to an endpoint whose permission was asked for but not granted because the vehicle cannot
serve it answer 501 COMPATIBILITY/VEHICLE_NOT_CAPABLE in v2.0 (the true reason: no login fixes
it) and 403 permission_error in v1.0, as Smartcar's older API did. A permission that was never
asked for is 403 PERMISSION in both. v3 says the same per signal: ``COMPATIBILITY``/
``VEHICLE_NOT_CAPABLE`` for what the vehicle lacks, ``PERMISSION`` for what it has but the
connection did not ask for (``tui.sandbox.v3.signals``).
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import endpoints as endpoint_table
from tui.core.smartcar import signals as signal_table
from tui.core.smartcar import v3_commands as command_table

# VIN and attributes answer for every vehicle, even an incompatible one.
STATIC_PERMISSIONS = frozenset({"read_vehicle_info", "read_vin"})
# Permissions without a v2.0 endpoint to judge by, and the powertrains that can serve them.
_ELECTRIC_ONLY = frozenset({"read_charge_events"})
_INCAPABLE_LEVELS = ("incompatible", "dinosaur")


def servable(vehicle: dict[str, Any], permission: str) -> bool:
    """Whether a vehicle can serve a permission at all."""
    if permission in STATIC_PERMISSIONS:
        return True
    if vehicle.get("level") in _INCAPABLE_LEVELS:
        return False
    if permission in _ELECTRIC_ONLY:
        return vehicle["type"] in endpoint_table.ELECTRIC
    make, powertrain = vehicle["make"], vehicle["type"]
    endpoints = endpoint_table.by_permission(permission)
    signals = signal_table.by_permission(permission)
    commands = [c for c in command_table.COMMANDS if c.permission == permission]
    if not (endpoints or signals or commands):
        return True  # alerts, PIN, trunk, user profile: nothing tells them apart
    return (
        any(e.capable(powertrain, make) for e in endpoints)
        or any(s.supports(make, powertrain) for s in signals)
        or any(c.supports(make, powertrain) for c in commands)
    )


def granted(vehicle: dict[str, Any], permissions: list[str]) -> list[str]:
    """The requested permissions this vehicle is granted, in the requested order."""
    return [p for p in permissions if servable(vehicle, p)]


def for_vehicle(grant: dict[str, Any], vehicle_id: str) -> list[str]:
    """The permissions a grant holds for one vehicle (grants made before this was recorded
    hold every requested permission)."""
    per_vehicle = grant.get("vehicle_permissions") or {}
    return list(per_vehicle.get(vehicle_id, grant["permissions"]))
