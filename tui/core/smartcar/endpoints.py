"""Vehicle API v2.0 endpoints: path, permission, and which vehicles can serve them.

Paths are relative to ``/vehicles/{id}`` (``""`` is the attributes endpoint). Make-specific
paths start with ``/{make}/`` and list the lower-case makes that offer them. ``vehicle_types``
says which powertrains have the data (BEV = battery-electric, PHEV = plug-in hybrid, ICE =
combustion engine). The sandbox routes and checks capability with this table; the compatibility
API and the built-in collection can be derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VehicleType = Literal["BEV", "PHEV", "ICE"]
EndpointKind = Literal["read", "command", "meta"]

ALL_TYPES: frozenset[str] = frozenset({"BEV", "PHEV", "ICE"})
ELECTRIC: frozenset[str] = frozenset({"BEV", "PHEV"})
COMBUSTION: frozenset[str] = frozenset({"ICE", "PHEV"})
MAKE_PLACEHOLDER = "{make}"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    permission: str | None  # None: any valid token for the vehicle will do
    title: str
    kind: EndpointKind
    vehicle_types: frozenset[str] = ALL_TYPES
    makes: frozenset[str] | None = None  # lower-case makes of a make-specific endpoint
    static: bool = False  # VIN, attributes, permissions: never hit by forced test errors
    units: bool = False  # carries distances/pressures/temperatures: SC-Unit-System applies
    data: bool = False  # vehicle data: SC-Data-Age and SC-Fetched-At apply

    @property
    def key(self) -> str:
        return f"{self.method} {self.path or '/'}"

    @property
    def make_specific(self) -> bool:
        return self.makes is not None

    def capable(self, vehicle_type: str, make: str) -> bool:
        """Whether a vehicle of this powertrain and make has this endpoint at all."""
        if self.static or self.kind == "meta":
            return True
        if vehicle_type not in self.vehicle_types:
            return False
        return self.makes is None or make.lower() in self.makes


def _read(
    path: str,
    permission: str | None,
    title: str,
    types: frozenset[str] = ALL_TYPES,
    *,
    units: bool = False,
    makes: frozenset[str] | None = None,
) -> Endpoint:
    return Endpoint("GET", path, permission, title, "read", types, makes, units=units, data=True)


def _command(
    method: str,
    path: str,
    permission: str,
    title: str,
    types: frozenset[str] = ALL_TYPES,
    *,
    makes: frozenset[str] | None = None,
) -> Endpoint:
    return Endpoint(method, path, permission, title, "command", types, makes)


_TESLA = frozenset({"tesla"})
_GM_TESLA = frozenset({"tesla", "cadillac", "chevrolet"})

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "", "read_vehicle_info", "Vehicle attributes", "read", static=True),
    Endpoint("GET", "/vin", "read_vin", "VIN", "read", static=True),
    Endpoint("GET", "/permissions", None, "Permissions", "meta", static=True),
    Endpoint("DELETE", "/application", None, "Disconnect", "meta"),
    Endpoint("POST", "/batch", None, "Batch", "meta"),
    _read("/odometer", "read_odometer", "Odometer", units=True),
    _read("/location", "read_location", "Location"),
    _read("/battery", "read_battery", "EV battery", ELECTRIC, units=True),
    _read("/battery/capacity", "read_battery", "EV battery capacity", ELECTRIC),
    _read("/battery/nominal_capacity", "read_battery", "EV nominal capacity", ELECTRIC),
    _read("/charge", "read_charge", "EV charging status", ELECTRIC),
    _read("/charge/limit", "read_charge", "EV charge limit", ELECTRIC),
    _read("/fuel", "read_fuel", "Fuel tank", COMBUSTION, units=True),
    _read("/tires/pressure", "read_tires", "Tire pressure", units=True),
    _read("/engine/oil", "read_engine_oil", "Engine oil life", COMBUSTION),
    _read("/security", "read_security", "Lock status"),
    _read("/service/history", "read_service_history", "Service history", units=True),
    _read("/diagnostics/system_status", "read_diagnostics", "Diagnostic system status"),
    _read("/diagnostics/dtcs", "read_diagnostics", "Diagnostic trouble codes"),
    _command("POST", "/security", "control_security", "Lock & unlock"),
    _command("POST", "/charge", "control_charge", "EV start & stop charge", ELECTRIC),
    _command("POST", "/charge/limit", "control_charge", "EV set charge limit", ELECTRIC),
    _command("POST", "/navigation/destination", "control_navigation", "Send destination"),
    Endpoint("POST", "/webhooks/{webhook_id}", None, "Subscribe to a webhook", "meta"),
    Endpoint("DELETE", "/webhooks/{webhook_id}", None, "Unsubscribe from a webhook", "meta"),
    # Make-specific endpoints (spec 4.6); the make in the path must be lower case.
    _read("/{make}/compass", "read_compass", "Compass", makes=_TESLA),
    _read("/{make}/speedometer", "read_speedometer", "Speedometer", units=True, makes=_TESLA),
    _read(
        "/{make}/thermometer/exterior",
        "read_thermometer",
        "Exterior temperature",
        units=True,
        makes=_TESLA,
    ),
    _read(
        "/{make}/thermometer/interior",
        "read_thermometer",
        "Interior temperature",
        units=True,
        makes=_TESLA,
    ),
    _read("/{make}/climate/cabin", "read_climate", "Cabin climate", units=True, makes=_TESLA),
    _command("POST", "/{make}/climate/cabin", "control_climate", "Set cabin climate", makes=_TESLA),
    _read("/{make}/charge/ammeter", "read_charge", "Charge amperage", ELECTRIC, makes=_TESLA),
    _command(
        "POST",
        "/{make}/charge/ammeter",
        "control_charge",
        "Set charge amperage",
        ELECTRIC,
        makes=_TESLA,
    ),
    _read("/{make}/charge/voltmeter", "read_charge", "Charge voltage", ELECTRIC, makes=_GM_TESLA),
    _read("/{make}/charge/wattmeter", "read_charge", "Charge wattage", ELECTRIC, makes=_TESLA),
    _read(
        "/{make}/charge/completion",
        "read_charge",
        "Charge completion time",
        ELECTRIC,
        makes=_GM_TESLA,
    ),
    _read("/{make}/charge", "read_charge", "Charge details", ELECTRIC, makes=frozenset({"audi"})),
    _read(
        "/{make}/charge/records",
        "read_charge_records",
        "Charge records",
        ELECTRIC,
        makes=frozenset({"bmw", "mini"}),  # Smartcar's reference: bmw and mini only
    ),
    _read(
        "/{make}/charge/schedule_by_location",
        "read_charge_locations",
        "Charge schedules by location",
        ELECTRIC,
        makes=frozenset({"ford", "lincoln"}),
    ),
    _command(
        "PUT",
        "/{make}/charge/schedule_by_location",
        "control_charge",
        "Set charge schedule by location",
        ELECTRIC,
        makes=frozenset({"ford", "lincoln"}),
    ),
    _read(
        "/{make}/charge/schedule",
        "read_charge",
        "Charge schedule",
        ELECTRIC,
        makes=frozenset({"nissan"}),
    ),
    _command(
        "PUT",
        "/{make}/charge/schedule",
        "control_charge",
        "Set charge schedule",
        ELECTRIC,
        makes=frozenset({"nissan"}),
    ),
    _read("/{make}/status", "read_extended_vehicle_info", "Extended status", makes=_TESLA),
    _read("/{make}/attributes", "read_extended_vehicle_info", "Extended attributes", makes=_TESLA),
)

BY_KEY: dict[str, Endpoint] = {e.key: e for e in ENDPOINTS}
MAKE_SPECIFIC_MAKES: frozenset[str] = frozenset(
    make for e in ENDPOINTS if e.makes for make in e.makes
)


def find(method: str, path: str) -> Endpoint | None:
    """The endpoint for a method and a vehicle-relative path (``"/odometer"``, ``"/"``)."""
    path = "" if path in ("", "/") else path
    return BY_KEY.get(f"{method.upper()} {path or '/'}")


def make_specific_path(path: str) -> tuple[str, str] | None:
    """Split ``/tesla/compass`` into ``("tesla", "/{make}/compass")`` when such a route exists.

    The make is returned as written (case kept) so callers can reject upper case.
    """
    parts = path.strip("/").split("/", 1)
    if len(parts) != 2:
        return None
    template = f"/{MAKE_PLACEHOLDER}/{parts[1]}"
    if any(e.path == template for e in ENDPOINTS):
        return parts[0], template
    return None


def by_permission(permission: str) -> list[Endpoint]:
    return [e for e in ENDPOINTS if e.permission == permission]
