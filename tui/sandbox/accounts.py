"""What a Connect login email means: how many vehicles, which VINs, forced errors.

Like Smartcar's test mode, any email and any password sign in. Some emails are special:

* ``<VIN>@<level>.smartcar.com`` — one vehicle with that VIN, of the make the VIN names
  (``vin_decode``: ``0SC`` + make code for test VINs, the manufacturer code of real ones; the
  chosen brand when the VIN names none). Levels pick the powertrain when the make builds it:
  ``compatible`` and ``phev`` (plug-in hybrid, every endpoint), ``bev`` (battery-electric: no
  fuel/oil), ``fuel`` (petrol: no battery/charge), ``incompatible`` (only VIN and attributes
  answer; everything else is 501), ``dinosaur`` (too old: Connect ends with
  ``vehicle_incompatible``).
* ``<N>-vehicles@smartcar.com`` (N = 1..999) — N vehicles: the chosen brand's first model, then a
  vehicle of the other kind (petrol after electric, electric after petrol), then a fixed fleet
  (TESLA Model 3, AUDI A4, CHEVROLET Volt, NISSAN Leaf, FORD F-150, BMW 330e, ...).
  ``2-vehicles@smartcar.com`` therefore always gives one electric and one petrol-burning car.
  A login's first vehicle starts plugged in and not charging; its other plug-in vehicles start
  unplugged (``vehicle_state``): ``3-vehicles@smartcar.com`` with the default brand gives a
  TESLA Model 3 (BEV, plugged in), an AUDI A4 (ICE) and a CHEVROLET Volt (PHEV, unplugged: v3
  "start charge" answers 409 CHARGING_PLUG_NOT_CONNECTED).
  ``0-vehicles@smartcar.com`` ends Connect with ``no_vehicles``.
* ``smartcar@successful-request.com`` — the AUDI with VIN ``0SCAUDI037A5ADB1C``.
* ``smartcar@vehicle-incompatible.com`` — Connect ends with ``vehicle_incompatible``.
* ``smartcar@invalid-subscription.com`` — Connect ends with ``invalid_subscription``.
* ``smartcar@server-error.com`` — Connect ends with ``server_error`` (carman's own trigger:
  Smartcar documents no sign-in for it).
* ``<TYPE>.<CODE>@smartcar.com`` (e.g. ``VEHICLE_STATE.ASLEEP@smartcar.com``) — one vehicle
  whose every non-static endpoint answers that v2.0 error (VIN, attributes and permissions
  still answer normally).

All of these are test sign-ins: Connect refuses them with ``mode=live``.

Any other email gives one vehicle: the chosen brand's first model (TESLA Model 3 BEV, CHEVROLET
Volt PHEV, AUDI A4 ICE, FORD Mustang Mach-E BEV, BMW i3 BEV, NISSAN Leaf BEV, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.core.smartcar import errors as error_table
from tui.core.smartcar.oauth_errors import CONNECT_BY_ERROR
from tui.sandbox import catalog, vin_decode

LEVEL_TYPES: dict[str, str] = {
    "compatible": "PHEV",
    "phev": "PHEV",
    "bev": "BEV",
    "fuel": "ICE",
    "incompatible": "ICE",
    "dinosaur": "ICE",
}

# VINs Smartcar's documentation pairs with its forced-error emails; others get a fresh VIN.
FORCED_ERROR_VINS: dict[str, str] = {
    "COMPATIBILITY.MAKE_NOT_COMPATIBLE": "0SCLR000270BE6600",
    "COMPATIBILITY.SMARTCAR_NOT_CAPABLE": "0SCLR0002DC18F57F",
    "COMPATIBILITY.VEHICLE_NOT_CAPABLE": "0SCLR00024C7CDF7A",
    "CONNECTED_SERVICES_ACCOUNT.ACCOUNT_ISSUE": "0SCLR00026BAAA136",
    "CONNECTED_SERVICES_ACCOUNT.AUTHENTICATION_FAILED": "0SCLR00021D803C7B",
    "CONNECTED_SERVICES_ACCOUNT.NO_VEHICLES": "0SCLR00027671837B",
    "CONNECTED_SERVICES_ACCOUNT.SUBSCRIPTION": "0SCLR0002B9BAF29F",
    "CONNECTED_SERVICES_ACCOUNT.VEHICLE_MISSING": "0SCLR00024E29EEBD",
    "UPSTREAM.INVALID_DATA": "0SCLR000298A0A649",
    "UPSTREAM.KNOWN_ISSUE": "0SCLR0002A8760B72",
    "UPSTREAM.NO_RESPONSE": "0SCLR0002C23E43AB",
    "UPSTREAM.UNKNOWN_ISSUE": "0SCLR0002D4878901",
    "VEHICLE_STATE.ASLEEP": "0SCLR0002E8896323",
    "VEHICLE_STATE.CHARGING_IN_PROGRESS": "0SCLR000221F1E672",
    "VEHICLE_STATE.CHARGING_PLUG_NOT_CONNECTED": "0SCLR0002CBFC7C21",
    "VEHICLE_STATE.DOOR_OPEN": "0SCLR0002F8BD90B8",
    "VEHICLE_STATE.FULLY_CHARGED": "0SCLR00029CD9D894",
    "VEHICLE_STATE.HOOD_OPEN": "0SCLR000219CD4A2C",
    "VEHICLE_STATE.IGNITION_ON": "0SCLR00021D49E58A",
    "VEHICLE_STATE.IN_MOTION": "0SCLR00024F6EE640",
    "VEHICLE_STATE.REMOTE_ACCESS_DISABLED": "0SCLR0002588A5CC1",
    "VEHICLE_STATE.TRUNK_OPEN": "0SCLR00023C607FDB",
    "VEHICLE_STATE.UNKNOWN": "0SCLR0002E6CC0314",
    "VEHICLE_STATE.UNREACHABLE": "0SCLR000247EBF067",
    "VEHICLE_STATE.VEHICLE_OFFLINE_FOR_SERVICE": "0SCLR0002AF1D71A1",
}

SUCCESSFUL_REQUEST_VIN = "0SCAUDI037A5ADB1C"
INCOMPATIBLE_VIN = "0SCAUDI012FE3B132"
INVALID_SUBSCRIPTION_VIN = "0SCAUDI0155C49A95"
MAX_VEHICLES = 999
SERVER_ERROR_EMAIL = "smartcar@server-error.com"
DINOSAUR_YEAR = 1998

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_VIN_LEVEL = re.compile(r"^([A-Za-z0-9]{17})@([a-z]+)\.smartcar\.com$", re.IGNORECASE)
_N_VEHICLES = re.compile(r"^(\d{1,4})-vehicles@smartcar\.com$", re.IGNORECASE)
_FORCED = re.compile(r"^([A-Za-z_]+)\.([A-Za-z_]+)@smartcar\.com$", re.IGNORECASE)


@dataclass(frozen=True)
class VehicleSpec:
    make: str
    model: str
    year: int
    type: str
    vin: str | None = None  # None: the sandbox makes one up
    level: str = "compatible"
    forced_error: tuple[str, str] | None = None


@dataclass(frozen=True)
class ConnectError:
    error: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return CONNECT_BY_ERROR[self.error].description


@dataclass(frozen=True)
class AccountPlan:
    email: str
    make: str
    vehicles: tuple[VehicleSpec, ...] = ()
    connect_error: ConnectError | None = None
    special: bool = False  # a test sign-in (special email): refused in live mode

    @property
    def user_key(self) -> str:
        # One brand account per (email, brand), as a real person has one account per brand.
        return f"{self.email.lower()}|{self.make}"


def _spec(
    model: catalog.Model, vin: str | None = None, forced_error: tuple[str, str] | None = None
) -> VehicleSpec:
    return VehicleSpec(
        model.make, model.model, model.year, model.type, vin=vin, forced_error=forced_error
    )


def plan_for(email: str, make: str | None) -> AccountPlan | str:
    """The plan for a login, or a message saying why the email cannot be used."""
    email = email.strip()
    if not _EMAIL.match(email):
        return "Enter an email address, e.g. you@example.com (any address works)."
    lowered = email.lower()
    chosen = make or catalog.DEFAULT_MAKE

    if lowered == "smartcar@successful-request.com":
        audi = catalog.default_model("AUDI")
        return AccountPlan(email, "AUDI", (_spec(audi, vin=SUCCESSFUL_REQUEST_VIN),), special=True)
    if lowered == "smartcar@vehicle-incompatible.com":
        audi = catalog.default_model("AUDI")
        extra = {
            "vin": INCOMPATIBLE_VIN,
            "make": audi.make,
            "model": audi.model,
            "year": str(audi.year),
        }
        return AccountPlan(
            email, "AUDI", connect_error=ConnectError("vehicle_incompatible", extra), special=True
        )
    if lowered == "smartcar@invalid-subscription.com":
        return AccountPlan(
            email, chosen, connect_error=ConnectError("invalid_subscription"), special=True
        )
    if lowered == SERVER_ERROR_EMAIL:
        return AccountPlan(email, chosen, connect_error=ConnectError("server_error"), special=True)

    match = _N_VEHICLES.match(email)
    if match:
        count = int(match.group(1))
        if count == 0:
            return AccountPlan(
                email, chosen, connect_error=ConnectError("no_vehicles"), special=True
            )
        if count > MAX_VEHICLES:
            return f"At most {MAX_VEHICLES} vehicles: use 1-vehicles@ .. 999-vehicles@."
        models = catalog.multi_vehicle_models(catalog.default_model(chosen), count)
        return AccountPlan(email, chosen, tuple(_spec(m) for m in models), special=True)

    match = _VIN_LEVEL.match(email)
    if match and match.group(2).lower() in LEVEL_TYPES:
        vin, level = match.group(1).upper(), match.group(2).lower()
        wanted = LEVEL_TYPES[level]
        # The make follows the VIN; the brand picked in Connect only stands in for a VIN
        # that names no make the sandbox knows.
        model = vin_decode.decode(vin, wanted) or catalog.model_of_type(chosen, wanted)
        year = model.year
        if level == "dinosaur":
            # Too old for connected services, but never older than the nameplate: a
            # combustion model goes back to 1998, an electric-only make to its first year.
            year = DINOSAUR_YEAR if model.type == "ICE" else model.start_year
        spec = VehicleSpec(model.make, model.model, year, model.type, vin=vin, level=level)
        return AccountPlan(email, model.make, (spec,), special=True)

    match = _FORCED.match(email)
    if match:
        error_type, code = match.group(1).upper(), match.group(2).upper()
        row = error_table.lookup(error_type, code)
        if row is not None and row.code is not None:
            model = catalog.default_model(chosen)
            vin = FORCED_ERROR_VINS.get(f"{error_type}.{code}")
            return AccountPlan(
                email,
                chosen,
                (_spec(model, vin=vin, forced_error=(error_type, code)),),
                special=True,
            )

    return AccountPlan(email, chosen, (_spec(catalog.default_model(chosen)),))
