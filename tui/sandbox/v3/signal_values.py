"""The value of every v3 signal for a vehicle: from its live state, else test-mode random.

``value(code, vehicle, rng, now)`` gives, for a signal whose body is ``unit`` or ``value``, the
bare value (the caller adds ``unit``); for the other body kinds the whole body without its
unit. Everything is metric, in the units of the signal catalogue
(``tui.core.smartcar.signals``). What a driver would notice — odometer, location, battery and
fuel level (the latest v2.0 reading), plug, charging, lock, charge limit, speed, schedules —
comes from ``vehicle_state``, the same state the v2.0 endpoints serve; the rest is drawn from
``rng``, reproducible with a seed like the rest of the sandbox.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from tui.sandbox import values, vehicle_state

Record = dict[str, Any]


class Subject(dict[str, Any]):
    """The vehicle's record (a copy), plus ``measure(path)``: its latest v2.0 reading."""

    def __init__(self, record: Record, measure: Callable[[str], Any]) -> None:
        super().__init__(record)
        self.measure = measure


Producer = Callable[[Subject, random.Random, float], Any]

_DOORS = (("frontLeft", 0, 0), ("frontRight", 0, 1), ("backLeft", 1, 0), ("backRight", 1, 1))
_DIRECTIONS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _live(vehicle: Record) -> Record:
    return vehicle_state.live(vehicle)


def _limit_percent(vehicle: Record) -> int:
    return round(float(vehicle.get("charge_limit") or 0.8) * 100)


def _soc_percent(vehicle: Subject) -> float:
    return round(float(vehicle.measure("/battery")["percentRemaining"]) * 100, 1)


def _charging(vehicle: Record) -> bool:
    return vehicle_state.is_charging(vehicle)


def _while_charging(low: float, high: float, digits: int = 1) -> Producer:
    def produce(vehicle: Record, rng: random.Random, now: float) -> Any:
        return round(rng.uniform(low, high), digits) if _charging(vehicle) else 0

    return produce


def _constant(vehicle: Record, name: str, choices: tuple[Any, ...]) -> Any:
    """A per-vehicle constant (paint colour, wheels): the same on every read."""
    return random.Random(f"{vehicle['id']}|{name}").choice(choices)


def _random_bool(share: float) -> Producer:
    return lambda vehicle, rng, now: rng.random() < share


def _fixed(result: Any) -> Producer:
    return lambda vehicle, rng, now: result


# ---- Charge


def _charge_limits(vehicle: Record, rng: random.Random, now: float) -> Any:
    limit = _limit_percent(vehicle)
    return {"values": [{"type": "GLOBAL", "limit": limit, "condition": None}], "activeLimit": limit}


def _port_color(vehicle: Record, rng: random.Random, now: float) -> Any:
    if not vehicle_state.is_plugged(vehicle):
        return None
    return "GREEN" if _charging(vehicle) else "BLUE"


def _charge_location(place: str) -> dict[str, Any]:
    """v2.0's location string as v3's ``{name, address, latitude, longitude}``."""
    where = values.charge_place_coordinates(place)
    home = place == values.HOME
    return {
        "name": place if home else None,
        "address": None if home else place,
        "latitude": where[0] if where else None,
        "longitude": where[1] if where else None,
    }


def charge_record(vehicle: Record, record: Record) -> dict[str, Any]:
    """One v2.0 ``/{make}/charge/records`` record as a v3 ``charge-chargerecords`` value.

    Ids are stable per session (at most one session starts per day); the cost is carman's
    guess (0.15 USD per kWh; Smartcar's v2.0 record has no cost).
    """
    return {
        "id": f"{vehicle['id'][:8]}-chg-{record['chargeStart'][:10].replace('-', '')}",
        "cost": {
            "currency": "USD",
            "energyAmount": round(record["energy"] * 0.15, 2),
            "otherAmount": 0.0,
        },
        "startTime": record["chargeStart"],
        "endTime": record["chargeEnd"],
        "location": _charge_location(record["location"]),
        "energyAdded": record["energy"],
        "connectorType": "J1772" if record["chargingType"] == "AC" else "CCS",
        "isPublicCharger": record["isPublic"],
        "startStateOfCharge": round(record["startPercentRemaining"] * 100),
        "endStateOfCharge": round(record["endPercentRemaining"] * 100),
    }


def _charge_records(vehicle: Record, rng: random.Random, now: float) -> Any:
    """The sessions v2.0 ``/{make}/charge/records`` answers without dates (the last 30 days),
    newest first: one vehicle, one charge history, whichever API reads it."""
    records = values.charge_records(rng, vehicle, now)["records"]
    kept = values.recent(records, "chargeStart", now, values.RECENT_CHARGE_DAYS)
    return {"values": [charge_record(vehicle, r) for r in kept]}


def charge_timers(vehicle: Record) -> dict[str, Any]:
    """Schedules created through v3, as the ``charge-chargetimers`` signal lists them."""
    return {"values": [dict(entry["timer"]) for entry in _live(vehicle).get("schedules", [])]}


def _voltage(vehicle: Record, rng: random.Random, now: float) -> Any:
    """The charger's voltage while a cable is in, as v2.0's GM voltmeter reads it (which
    answers only when plugged in); 0 when unplugged."""
    return rng.choice((120, 208, 240)) if vehicle_state.is_plugged(vehicle) else 0


def _time_to_complete(vehicle: Subject, rng: random.Random, now: float) -> Any:
    if not _charging(vehicle):
        return 0
    missing = max(0.0, _limit_percent(vehicle) - _soc_percent(vehicle)) / 100
    hours = missing * values.battery_kwh(vehicle) / 7.2  # a 7.2 kW home charger
    return round(hours * 60)


# ---- Closure


def _doors(vehicle: Record, rng: random.Random, now: float) -> Any:
    locked = bool(vehicle.get("locked"))
    open_door = None if locked else _live(vehicle).get("open_door")
    return {
        "values": [
            {"row": row, "column": column, "isOpen": name == open_door, "isLocked": locked}
            for name, row, column in _DOORS
        ],
        "rowCount": 2,
        "columnCount": 2,
    }


def _windows(vehicle: Record, rng: random.Random, now: float) -> Any:
    return {
        "values": [{"row": r, "column": c, "isOpen": False} for _, r, c in _DOORS],
        "rowCount": 2,
        "columnCount": 2,
    }


def _trunk(vehicle: Record, rng: random.Random, now: float) -> Any:
    return {"isOpen": False, "isLocked": bool(vehicle.get("locked"))}


# ---- Diagnostics


def _system(vehicle: Record, rng: random.Random, now: float) -> Any:
    if rng.random() < 0.05:
        return {"status": "ALERT", "description": "Check the vehicle soon."}
    return {"status": "OK"}


def _dtc_list(vehicle: Record, rng: random.Random, now: float) -> Any:
    return {"values": values.dtcs(rng, vehicle, now)["activeCodes"]}


def _dtc_count(vehicle: Record, rng: random.Random, now: float) -> Any:
    return len(values.dtcs(rng, vehicle, now)["activeCodes"])


# ---- HVAC, engine, location, motion


def _climate(vehicle: Record) -> Record:
    return dict(vehicle.get("climate") or {"status": "OFF", "temperature": 21})


def _fuel(vehicle: Subject) -> Record:
    return dict(vehicle.measure("/fuel"))


def _precise_location(vehicle: Subject, rng: random.Random, now: float) -> Any:
    place = vehicle.measure("/location")
    heading = rng.randint(0, 359)
    return {
        "latitude": place["latitude"],
        "longitude": place["longitude"],
        "heading": heading,
        "direction": _DIRECTIONS[round(heading / 45) % 8],
        "locationType": "CURRENT",
    }


def _speed(vehicle: Record, rng: random.Random, now: float) -> Any:
    return round(float(_live(vehicle).get("speed_kph", 0.0)), 1)


def _gear(vehicle: Record, rng: random.Random, now: float) -> Any:
    return "DRIVE" if vehicle_state.in_motion(vehicle) else "PARK"


# ---- Service, battery, identification, wheels


def _service_records(vehicle: Record, rng: random.Random, now: float) -> Any:
    """The visits v2.0 ``/service/history`` answers without dates (the last year)."""
    history = values.service_history(rng, vehicle, now)
    return {
        "values": [
            {
                "id": r["serviceId"],
                "cost": {
                    "amount": r["serviceCost"]["totalCost"],
                    "currency": r["serviceCost"]["currency"],
                },
                "time": r["serviceDate"],
                "tasks": [
                    {"id": t["taskId"], "description": t["taskDescription"]}
                    for t in r["serviceTasks"]
                ],
                "details": [{"id": "dealer", "description": "Sandbox Motors"}],
                "odometer": r["odometerDistance"],
            }
            for r in values.recent(history, "serviceDate", now, values.RECENT_SERVICE_DAYS)
        ]
    }


def _battery_range(vehicle: Subject, rng: random.Random, now: float) -> Any:
    estimated = float(vehicle.measure("/battery")["range"])
    return {
        "value": estimated,
        "additionalValues": [
            {"type": "ESTIMATED", "value": estimated},
            {"type": "IDEAL_CONDITIONS", "value": round(estimated * 1.08, 1)},
            {"type": "RATED", "value": round(estimated * 1.03, 1)},
        ],
    }


def _nominal_capacity(vehicle: Record, rng: random.Random, now: float) -> Any:
    capacity = values.battery_kwh(vehicle)
    return {
        "source": "SMARTCAR",
        "capacity": capacity,
        "availableCapacities": [
            {"capacity": capacity, "description": f"{vehicle['type']}:Standard Range"},
            {"capacity": round(capacity * 1.2, 1), "description": f"{vehicle['type']}:Long Range"},
        ],
    }


def _tires(vehicle: Record, rng: random.Random, now: float) -> Any:
    kpa = values.tire_pressure(rng, vehicle, now)
    return {
        "values": [
            {"row": r, "column": c, "tirePressure": round(kpa[name] / 100, 2)}
            for name, r, c in _DOORS
        ],
        "rowCount": 2,
        "columnCount": 2,
    }


def _surveillance_brand(vehicle: Record, rng: random.Random, now: float) -> Any:
    return "Sentry Mode" if vehicle["make"] == "TESLA" else "Guard Mode"


def _firmware(vehicle: Record, rng: random.Random, now: float) -> Any:
    return _constant(vehicle, "firmware", ("2024.14.9", "2024.20.1", "2025.2.6"))


PRODUCERS: dict[str, Producer] = {
    "charge-amperage": lambda v, r, n: (v.get("amperage") or 32) if _charging(v) else 0,
    "charge-amperagemax": _fixed(48),
    "charge-amperagerequested": lambda v, r, n: v.get("amperage") or 32,
    "charge-chargelimits": _charge_limits,
    "charge-chargeportstatuscolor": _port_color,
    "charge-chargerate": _while_charging(20, 60),
    "charge-chargerecords": _charge_records,
    "charge-chargetimers": lambda v, r, n: charge_timers(v),
    "charge-chargerphases": lambda v, r, n: r.choice((1, 3)) if _charging(v) else 0,
    "charge-chargingconnectortype": lambda v, r, n: "NACS" if v["make"] == "TESLA" else "J1772",
    "charge-detailedchargingstatus": lambda v, r, n: vehicle_state.charge_state(v),
    "charge-energyadded": _while_charging(0.5, 30.0, 2),
    "charge-fastchargertype": _fixed(None),
    "charge-ischarging": lambda v, r, n: _charging(v),
    "charge-ischargingcableconnected": lambda v, r, n: vehicle_state.is_plugged(v),
    "charge-ischargingcablelatched": lambda v, r, n: vehicle_state.is_plugged(v),
    "charge-ischargingportflapopen": lambda v, r, n: bool(_live(v).get("charge_port_open")),
    "charge-isfastchargerpresent": _fixed(False),
    "charge-timetocomplete": _time_to_complete,
    "charge-voltage": _voltage,
    "charge-wattage": _while_charging(3000, 11000, 0),
    "climate-externaltemperature": lambda v, r, n: round(r.uniform(-10, 35), 1),
    "climate-internaltemperature": lambda v, r, n: round(r.uniform(15, 30), 1),
    "closure-doors": _doors,
    "closure-windows": _windows,
    "closure-islocked": lambda v, r, n: bool(v.get("locked")),
    "closure-fronttrunk": _trunk,
    "closure-reartrunk": _trunk,
    "closure-enginecover": _fixed({"isOpen": False}),
    "closure-sunroof": _fixed({"isOpen": False}),
    "closure-tailgate": _fixed({"isOpen": False}),
    "connectivitysoftware-currentfirmwareversion": _firmware,
    "connectivitystatus-isasleep": lambda v, r, n: bool(_live(v).get("asleep")),
    "connectivitystatus-isdigitalkeypaired": _random_bool(0.5),
    "connectivitystatus-isonline": lambda v, r, n: not _live(v).get("asleep"),
    "diagnostics-dtccount": _dtc_count,
    "diagnostics-dtclist": _dtc_list,
    "hvac-cabintargettemperature": lambda v, r, n: _climate(v)["temperature"],
    "hvac-iscabinhvacactive": lambda v, r, n: _climate(v)["status"] == "ON",
    "hvac-isfrontdefrosteractive": _fixed(False),
    "hvac-isreardefrosteractive": _fixed(False),
    "hvac-issteeringheateractive": _fixed(False),
    "internalcombustionengine-amountremaining": lambda v, r, n: _fuel(v)["amountRemaining"],
    "internalcombustionengine-fuellevel": lambda v, r, n: round(
        _fuel(v)["percentRemaining"] * 100, 1
    ),
    "internalcombustionengine-oillife": lambda v, r, n: round(r.uniform(5, 100), 1),
    "internalcombustionengine-range": lambda v, r, n: _fuel(v)["range"],
    "location-isathome": _random_bool(0.5),
    "location-preciselocation": _precise_location,
    "lowvoltagebattery-stateofcharge": lambda v, r, n: round(r.uniform(70, 100), 1),
    "lowvoltagebattery-status": _fixed("GOOD"),
    "motion-currentspeed": _speed,
    "odometer-traveleddistance": lambda v, r, n: v.measure("/odometer")["distance"],
    "service-isinservice": _fixed(False),
    "service-records": _service_records,
    "surveillance-isenabled": _random_bool(0.3),
    "surveillance-brand": _surveillance_brand,
    "tractionbattery-stateofcharge": lambda v, r, n: _soc_percent(v),
    "tractionbattery-range": _battery_range,
    "tractionbattery-nominalcapacity": _nominal_capacity,
    "tractionbattery-isheateractive": _fixed(False),
    "tractionbattery-maxrangechargecounter": lambda v, r, n: r.randint(0, 40),
    "transmission-gearstate": _gear,
    "transmission-drivemode": _fixed({"canonical": "NORMAL", "oemDisplayName": "Normal"}),
    "vehicleidentification-nickname": lambda v, r, n: f"My {v['model']}",
    "vehicleidentification-vin": lambda v, r, n: v["vin"],
    "vehicleidentification-exteriorcolor": lambda v, r, n: _constant(
        v, "color", ("Pearl White", "Midnight Silver", "Deep Blue", "Red", "Black")
    ),
    "vehicleidentification-packages": lambda v, r, n: {
        "values": list(_constant(v, "packages", (("Premium",), ("Premium", "Tow"), ())))
    },
    "vehicleidentification-trim": lambda v, r, n: _constant(
        v, "trim", ("Standard Range", "Long Range", "Performance")
    ),
    "vehicleuseraccount-permissions": _fixed({"values": ["vehicle_cmds", "vehicle_device_data"]}),
    "vehicleuseraccount-role": _fixed("OWNER"),
    "wheel-tires": _tires,
    "wheel-style": lambda v, r, n: _constant(v, "wheels", ("Aero 18", "Sport 19", "Turbine 20")),
}


def value(code: str, vehicle: Subject, rng: random.Random, now: float) -> Any:
    """The metric value (or body) of signal ``code``; diagnostics systems share one producer."""
    producer = PRODUCERS.get(code)
    if producer is None and code.startswith("diagnostics-"):
        producer = _system
    if producer is None:
        raise KeyError(code)
    return producer(vehicle, rng, now)


def oem_updated_at(rng: random.Random, now: float) -> float:
    """When the vehicle recorded a value: up to an hour before Smartcar fetched it."""
    return now - rng.uniform(0, 3600)
