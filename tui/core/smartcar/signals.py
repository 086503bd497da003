"""Smartcar API v3 signals: the catalogue of every signal code, as plain data.

One row per signal of the schema pages (``shared/smartcar-v3.md`` §4.8): its code
(``<group>-<name>`` in lower case), Smartcar's ``name`` and ``group``, the unit of its body in
the REST vocabulary and in the webhook vocabulary, the shape of its body, the Connect permission
that grants it, the powertrains that have it, and one line saying what it is.

Used by the sandbox (which answers ``GET /v3/vehicles/{id}/signals``) and by the interface (a
signal picker, a signals table, the built-in collection). Standard library only.

Choices where Smartcar's documents are silent or disagree, made once here:

* **Units (CONFLICT 5).** ``unit`` is the REST enum of the v3 spec (``kilometers``,
  ``percentage``, ``ampere``, ``kilowatt-hours``, ``degrees-celsius`` ...); ``webhook_unit`` is
  what live webhook deliveries carry (``km``, ``percent``, ``kWh``, ``km/h`` ...). Units the
  REST enum lacks are spelled in its style: ``kilometers-per-hour`` (speed, charge rate) and
  ``count`` — UNCONFIRMED.
* **Permissions.** Smartcar's v3 pages do not say which Connect permission grants a signal;
  carman maps each group to the v2.0 permission of the same data (``read_battery`` for
  TractionBattery, ``read_security`` for Closure ...). Groups without a v2.0 counterpart
  (connectivity, transmission, low-voltage battery, user account) need
  ``read_extended_vehicle_info`` — carman's choice, UNCONFIRMED.
* **Powertrains.** Which powertrains have a signal follows the hardware: a traction battery and
  a charge port on BEV and PHEV, a fuel tank and engine oil on ICE, PHEV and HEV. An HEV has a
  traction battery but no plug: carman gives it the battery level and no Charge group.
* **Makes.** A signal a brand-specific v2.0 endpoint serves only for some makes keeps that
  limit in v3 (``makes``, upper case): ``charge-chargerecords`` is BMW and MINI only, as
  ``/{make}/charge/records`` is (Smartcar's v2.0 reference), so one vehicle answers both APIs
  alike. Other v3 signals whose v2.0 endpoint was Tesla-only (temperatures, cabin climate,
  speed) are not limited: v3 serves them across makes (carman's choice; the v3 pages give no
  per-make table), so their permissions are granted to every make that has the signal.
* Codes marked ``confirmed=False`` appear only in third-party catalogues or live payloads
  (``closure-tailgate``, ``vehicleidentification-packages``, ``vehicleidentification-trim``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# unit: {unit, value}; value: {value}; object: named fields; values: {values: [...], ...};
# status: a diagnostic system, {status: "OK"|"ALERT", description?}.
BodyKind = Literal["unit", "value", "object", "values", "status"]

BEV, PHEV, ICE, HEV = "BEV", "PHEV", "ICE", "HEV"
POWERTRAINS: tuple[str, ...] = (BEV, PHEV, ICE, HEV)
ALL: frozenset[str] = frozenset(POWERTRAINS)
PLUG_IN: frozenset[str] = frozenset({BEV, PHEV})
TRACTION_BATTERY: frozenset[str] = frozenset({BEV, PHEV, HEV})
ENGINE: frozenset[str] = frozenset({ICE, PHEV, HEV})


@dataclass(frozen=True)
class SignalSpec:
    code: str
    name: str
    group: str
    unit: str | None  # REST vocabulary; None when the body carries no unit
    webhook_unit: str | None  # the vocabulary of webhook deliveries
    body: BodyKind
    permission: str
    powertrains: frozenset[str]
    description: str
    attribute: bool = False  # static (VIN, colour): oemUpdatedAt is 0 in live data
    confirmed: bool = True
    makes: frozenset[str] | None = None  # upper-case makes, where only some brands have it

    def has(self, powertrain: str) -> bool:
        """Whether a vehicle of this powertrain can have the signal at all (any make)."""
        return powertrain.upper() in self.powertrains

    def supports(self, make: str, powertrain: str) -> bool:
        """Whether a vehicle of this make and powertrain has the signal."""
        return self.has(powertrain) and (self.makes is None or make.upper() in self.makes)


def _s(
    code: str,
    name: str,
    body: BodyKind,
    permission: str,
    description: str,
    *,
    unit: str | None = None,
    webhook_unit: str | None = None,
    powertrains: frozenset[str] = ALL,
    attribute: bool = False,
    confirmed: bool = True,
    makes: frozenset[str] | None = None,
) -> SignalSpec:
    group = _GROUPS[code.split("-", 1)[0]]
    return SignalSpec(
        code,
        name,
        group,
        unit,
        webhook_unit if webhook_unit is not None else unit,
        body,
        permission,
        powertrains,
        description,
        attribute,
        confirmed,
        makes,
    )


# Lower-case prefix of a code → Smartcar's PascalCase group name (19 groups).
_GROUPS: dict[str, str] = {
    "charge": "Charge",
    "climate": "Climate",
    "closure": "Closure",
    "connectivitysoftware": "ConnectivitySoftware",
    "connectivitystatus": "ConnectivityStatus",
    "diagnostics": "Diagnostics",
    "hvac": "HVAC",
    "internalcombustionengine": "InternalCombustionEngine",
    "location": "Location",
    "lowvoltagebattery": "LowVoltageBattery",
    "motion": "Motion",
    "odometer": "Odometer",
    "service": "Service",
    "surveillance": "Surveillance",
    "tractionbattery": "TractionBattery",
    "transmission": "Transmission",
    "vehicleidentification": "VehicleIdentification",
    "vehicleuseraccount": "VehicleUserAccount",
    "wheel": "Wheel",
}

_EXT = "read_extended_vehicle_info"

_DIAGNOSTIC_SYSTEMS: tuple[tuple[str, str, frozenset[str], str], ...] = (
    ("abs", "ABS", ALL, "anti-lock braking system"),
    ("activesafety", "ActiveSafety", ALL, "active safety systems"),
    ("airbag", "Airbag", ALL, "airbags"),
    ("brakefluid", "BrakeFluid", ALL, "brake fluid level"),
    ("driverassistance", "DriverAssistance", ALL, "driver assistance systems"),
    ("evbatteryconditioning", "EVBatteryConditioning", PLUG_IN, "EV battery conditioning"),
    ("evcharging", "EVCharging", PLUG_IN, "EV charging system"),
    ("evdriveunit", "EVDriveUnit", TRACTION_BATTERY, "electric drive unit"),
    ("evhvbattery", "EVHVBattery", TRACTION_BATTERY, "high-voltage battery"),
    ("emissions", "Emissions", ENGINE, "emission control"),
    ("lighting", "Lighting", ALL, "exterior lights"),
    ("mil", "MIL", ENGINE, "malfunction indicator lamp (check engine)"),
    ("oillife", "OilLife", ENGINE, "engine oil life warning"),
    ("oilpressure", "OilPressure", ENGINE, "engine oil pressure"),
    ("oiltemperature", "OilTemperature", ENGINE, "engine oil temperature"),
    ("telematics", "Telematics", ALL, "telematics unit"),
    ("tirepressure", "TirePressure", ALL, "tire pressure warning"),
    ("tirepressuremonitoring", "TirePressureMonitoring", ALL, "tire pressure monitoring system"),
    ("transmission", "Transmission", ALL, "transmission"),
    ("washerfluid", "WasherFluid", ALL, "washer fluid level"),
    ("waterinfuel", "WaterInFuel", ENGINE, "water in the fuel"),
)

SIGNALS: tuple[SignalSpec, ...] = (
    # --- Charge (plug-in vehicles)
    _s(
        "charge-amperage",
        "Amperage",
        "unit",
        "read_charge",
        "Current flowing into the vehicle while charging.",
        unit="ampere",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-amperagemax",
        "AmperageMax",
        "unit",
        "read_charge",
        "Highest current the charger can deliver.",
        unit="ampere",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-amperagerequested",
        "AmperageRequested",
        "unit",
        "read_charge",
        "Current the vehicle asks the charger for.",
        unit="ampere",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-chargelimits",
        "ChargeLimits",
        "values",
        "read_charge",
        "Charge limits (global, per location, per connector) and the one in force.",
        unit="percentage",
        webhook_unit="percent",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-chargeportstatuscolor",
        "ChargePortStatusColor",
        "value",
        "read_charge",
        "Colour of the charge-port light.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-chargerate",
        "ChargeRate",
        "unit",
        "read_charge",
        "Range added per hour of charging.",
        unit="kilometers-per-hour",
        webhook_unit="km/h",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-chargerecords",
        "ChargeRecords",
        "values",
        "read_charge_records",
        "Past charging sessions: where, when, energy and cost (BMW and MINI).",
        powertrains=PLUG_IN,
        makes=frozenset({"BMW", "MINI"}),  # as v2.0 /{make}/charge/records
    ),
    _s(
        "charge-chargetimers",
        "ChargeTimers",
        "values",
        "read_charge",
        "Charging schedules and departure timers, including schedules created through the API.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-chargerphases",
        "ChargerPhases",
        "unit",
        "read_charge",
        "Number of phases of the charger in use.",
        unit="count",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-chargingconnectortype",
        "ChargingConnectorType",
        "value",
        "read_charge",
        "Connector type of the charge port (J1772, CCS ...).",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-detailedchargingstatus",
        "DetailedChargingStatus",
        "value",
        "read_charge",
        "CHARGING, NOT_CHARGING or FULLY_CHARGED.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-energyadded",
        "EnergyAdded",
        "unit",
        "read_charge",
        "Energy added in the current or last charging session.",
        unit="kilowatt-hours",
        webhook_unit="kWh",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-fastchargertype",
        "FastChargerType",
        "value",
        "read_charge",
        "Kind of DC fast charger in use.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-ischarging",
        "IsCharging",
        "value",
        "read_charge",
        "Whether the vehicle is charging now.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-ischargingcableconnected",
        "IsChargingCableConnected",
        "value",
        "read_charge",
        "Whether a charging cable is plugged in.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-ischargingcablelatched",
        "IsChargingCableLatched",
        "value",
        "read_charge",
        "Whether the plugged cable is latched.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-ischargingportflapopen",
        "IsChargingPortFlapOpen",
        "value",
        "read_charge",
        "Whether the charge-port door is open.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-isfastchargerpresent",
        "IsFastChargerPresent",
        "value",
        "read_charge",
        "Whether a DC fast charger is connected.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-timetocomplete",
        "TimeToComplete",
        "value",
        "read_charge",
        "Minutes until the active charge limit is reached.",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-voltage",
        "Voltage",
        "unit",
        "read_charge",
        "Charging voltage.",
        unit="volts",
        powertrains=PLUG_IN,
    ),
    _s(
        "charge-wattage",
        "Wattage",
        "unit",
        "read_charge",
        "Charging power.",
        unit="watts",
        powertrains=PLUG_IN,
    ),
    # --- Climate
    _s(
        "climate-externaltemperature",
        "ExternalTemperature",
        "unit",
        "read_thermometer",
        "Outside air temperature.",
        unit="degrees-celsius",
        webhook_unit="celsius",
    ),
    _s(
        "climate-internaltemperature",
        "InternalTemperature",
        "unit",
        "read_thermometer",
        "Cabin air temperature.",
        unit="degrees-celsius",
        webhook_unit="celsius",
    ),
    # --- Closure
    _s(
        "closure-doors",
        "Doors",
        "values",
        "read_security",
        "Each door: open or shut, locked or not (row front to back, column left to right).",
    ),
    _s("closure-windows", "Windows", "values", "read_security", "Each window: open or shut."),
    _s("closure-islocked", "IsLocked", "value", "read_security", "Whether the vehicle is locked."),
    _s(
        "closure-fronttrunk",
        "FrontTrunk",
        "object",
        "read_security",
        "Front trunk (frunk): open, locked.",
        powertrains=frozenset({BEV}),
    ),
    _s("closure-reartrunk", "RearTrunk", "object", "read_security", "Rear trunk: open, locked."),
    _s("closure-enginecover", "EngineCover", "object", "read_security", "Hood: open or shut."),
    _s("closure-sunroof", "Sunroof", "object", "read_security", "Sunroof: open or shut."),
    _s(
        "closure-tailgate",
        "Tailgate",
        "object",
        "read_security",
        "Tailgate: open or shut (body shape UNCONFIRMED).",
        confirmed=False,
    ),
    # --- Connectivity
    _s(
        "connectivitysoftware-currentfirmwareversion",
        "CurrentFirmwareVersion",
        "value",
        _EXT,
        "Software version of the vehicle.",
    ),
    _s(
        "connectivitystatus-isasleep",
        "IsAsleep",
        "value",
        _EXT,
        "Whether the vehicle's telematics unit is asleep.",
    ),
    _s(
        "connectivitystatus-isdigitalkeypaired",
        "IsDigitalKeyPaired",
        "value",
        _EXT,
        "Whether a digital (phone) key is paired.",
    ),
    _s("connectivitystatus-isonline", "IsOnline", "value", _EXT, "Whether the vehicle is online."),
    # --- Diagnostics
    *(
        _s(
            f"diagnostics-{suffix}",
            name,
            "status",
            "read_diagnostics",
            f"Status of the {what}.",
            powertrains=kinds,
        )
        for suffix, name, kinds, what in _DIAGNOSTIC_SYSTEMS
    ),
    _s(
        "diagnostics-dtccount",
        "DTCCount",
        "unit",
        "read_diagnostics",
        "Number of active diagnostic trouble codes.",
        unit="count",
    ),
    _s(
        "diagnostics-dtclist",
        "DTCList",
        "values",
        "read_diagnostics",
        "Active diagnostic trouble codes with the time each was raised.",
    ),
    # --- HVAC (read only: v3 has no climate command)
    _s(
        "hvac-cabintargettemperature",
        "CabinTargetTemperature",
        "unit",
        "read_climate",
        "Temperature the climate control aims for.",
        unit="degrees-celsius",
        webhook_unit="celsius",
    ),
    _s(
        "hvac-iscabinhvacactive",
        "IsCabinHVACActive",
        "value",
        "read_climate",
        "Whether the cabin climate control runs.",
    ),
    _s(
        "hvac-isfrontdefrosteractive",
        "IsFrontDefrosterActive",
        "value",
        "read_climate",
        "Whether the front defroster runs.",
    ),
    _s(
        "hvac-isreardefrosteractive",
        "IsRearDefrosterActive",
        "value",
        "read_climate",
        "Whether the rear defroster runs.",
    ),
    _s(
        "hvac-issteeringheateractive",
        "IsSteeringHeaterActive",
        "value",
        "read_climate",
        "Whether the steering-wheel heater runs.",
    ),
    # --- Internal combustion engine
    _s(
        "internalcombustionengine-amountremaining",
        "AmountRemaining",
        "unit",
        "read_fuel",
        "Fuel left in the tank.",
        unit="liters",
        powertrains=ENGINE,
    ),
    _s(
        "internalcombustionengine-fuellevel",
        "FuelLevel",
        "unit",
        "read_fuel",
        "Fuel left, as a share of the tank.",
        unit="percentage",
        webhook_unit="percent",
        powertrains=ENGINE,
    ),
    _s(
        "internalcombustionengine-oillife",
        "OilLife",
        "unit",
        "read_engine_oil",
        "Remaining engine-oil life.",
        unit="percentage",
        webhook_unit="percent",
        powertrains=ENGINE,
    ),
    _s(
        "internalcombustionengine-range",
        "Range",
        "unit",
        "read_fuel",
        "Distance the fuel left will carry the vehicle.",
        unit="kilometers",
        webhook_unit="km",
        powertrains=ENGINE,
    ),
    # --- Location
    _s(
        "location-isathome",
        "IsAtHome",
        "value",
        "read_location",
        "Whether the vehicle is at the owner's home location.",
    ),
    _s(
        "location-preciselocation",
        "PreciseLocation",
        "object",
        "read_location",
        "Latitude, longitude and heading of the vehicle.",
    ),
    # --- Low-voltage battery
    _s(
        "lowvoltagebattery-stateofcharge",
        "StateOfCharge",
        "unit",
        _EXT,
        "Charge of the 12 V battery.",
        unit="percentage",
        webhook_unit="percent",
    ),
    _s(
        "lowvoltagebattery-status",
        "Status",
        "value",
        _EXT,
        "Health of the 12 V battery: GOOD, WARN or BAD.",
    ),
    # --- Motion, odometer
    _s(
        "motion-currentspeed",
        "CurrentSpeed",
        "unit",
        "read_speedometer",
        "Speed now (0 when parked).",
        unit="kilometers-per-hour",
        webhook_unit="km/h",
    ),
    _s(
        "odometer-traveleddistance",
        "TraveledDistance",
        "unit",
        "read_odometer",
        "Total distance travelled.",
        unit="kilometers",
        webhook_unit="km",
    ),
    # --- Service
    _s(
        "service-isinservice",
        "IsInService",
        "value",
        "read_service_history",
        "Whether the vehicle is at a service centre.",
    ),
    _s(
        "service-records",
        "Records",
        "values",
        "read_service_history",
        "Dealer service records: tasks, cost and odometer.",
    ),
    # --- Surveillance
    _s(
        "surveillance-isenabled",
        "IsEnabled",
        "value",
        "read_security",
        "Whether the surveillance (sentry) mode is on.",
    ),
    _s(
        "surveillance-brand",
        "Brand",
        "value",
        "read_security",
        "The brand's name for its surveillance mode.",
        attribute=True,
    ),
    # --- Traction battery
    _s(
        "tractionbattery-stateofcharge",
        "StateOfCharge",
        "unit",
        "read_battery",
        "Charge of the high-voltage battery.",
        unit="percentage",
        webhook_unit="percent",
        powertrains=TRACTION_BATTERY,
    ),
    _s(
        "tractionbattery-range",
        "Range",
        "unit",
        "read_battery",
        "Electric range left, with the other estimates in additionalValues.",
        unit="kilometers",
        webhook_unit="km",
        powertrains=PLUG_IN,
    ),
    _s(
        "tractionbattery-nominalcapacity",
        "NominalCapacity",
        "object",
        "read_battery",
        "Usable capacity of the battery and the capacities the model comes with.",
        unit="kilowatt-hours",
        webhook_unit="kWh",
        powertrains=PLUG_IN,
    ),
    _s(
        "tractionbattery-isheateractive",
        "IsHeaterActive",
        "value",
        "read_battery",
        "Whether the battery heater runs.",
        powertrains=PLUG_IN,
    ),
    _s(
        "tractionbattery-maxrangechargecounter",
        "MaxRangeChargeCounter",
        "unit",
        "read_battery",
        "How many times the battery was charged to its maximum range.",
        unit="count",
        powertrains=PLUG_IN,
    ),
    # --- Transmission
    _s(
        "transmission-gearstate",
        "GearState",
        "value",
        _EXT,
        "Gear: PARK, DRIVE, REVERSE or NEUTRAL.",
    ),
    _s(
        "transmission-drivemode",
        "DriveMode",
        "object",
        _EXT,
        "Drive mode, canonical and as the brand names it.",
    ),
    # --- Vehicle identification
    _s(
        "vehicleidentification-nickname",
        "Nickname",
        "value",
        "read_vehicle_info",
        "Name the owner gave the vehicle.",
    ),
    _s(
        "vehicleidentification-vin",
        "VIN",
        "value",
        "read_vin",
        "Vehicle identification number.",
        attribute=True,
    ),
    _s(
        "vehicleidentification-exteriorcolor",
        "ExteriorColor",
        "value",
        "read_vehicle_info",
        "Paint colour.",
        attribute=True,
    ),
    _s(
        "vehicleidentification-packages",
        "Packages",
        "values",
        "read_vehicle_info",
        "Option packages of the vehicle.",
        attribute=True,
        confirmed=False,
    ),
    _s(
        "vehicleidentification-trim",
        "Trim",
        "value",
        "read_vehicle_info",
        "Trim level (body shape UNCONFIRMED).",
        attribute=True,
        confirmed=False,
    ),
    # --- Vehicle user account
    _s(
        "vehicleuseraccount-permissions",
        "Permissions",
        "values",
        _EXT,
        "What the brand "
        "account may do with the vehicle (the brand's rights, not Smartcar permissions).",
    ),
    _s(
        "vehicleuseraccount-role",
        "Role",
        "value",
        _EXT,
        "The account's role for this vehicle (primary owner, driver ...).",
    ),
    # --- Wheel
    _s("wheel-tires", "Tires", "values", "read_tires", "Pressure of each tire.", unit="bar"),
    _s("wheel-style", "Style", "value", "read_vehicle_info", "Wheel style.", attribute=True),
)

BY_CODE: dict[str, SignalSpec] = {s.code: s for s in SIGNALS}
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(s.group for s in SIGNALS))


def find(code: str) -> SignalSpec | None:
    """The signal with this code (codes are lower case; a different case is not found)."""
    return BY_CODE.get(code)


def for_powertrain(powertrain: str) -> tuple[SignalSpec, ...]:
    """The signals a vehicle of this powertrain may have (BEV, PHEV, ICE or HEV), any make."""
    return tuple(s for s in SIGNALS if s.has(powertrain))


def for_vehicle(make: str, powertrain: str) -> tuple[SignalSpec, ...]:
    """The signals a vehicle of this make and powertrain has."""
    return tuple(s for s in SIGNALS if s.supports(make, powertrain))


def by_permission(permission: str) -> tuple[SignalSpec, ...]:
    """The signals a permission grants."""
    return tuple(s for s in SIGNALS if s.permission == permission)
