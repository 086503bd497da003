"""Test-mode values: random, plausible, and reproducible with a seed.

With a seed, the numbers of an answer depend only on (seed, vehicle id, endpoint, call number):
the n-th odometer reading of a vehicle is the same in every run. What the vehicle was told to
do (lock, charge limit, charging, climate, schedules) is remembered and shown instead of chance.
Ranges follow Smartcar's test-mode documentation where it gives them (location inside Colorado,
odometer 10,000-300,000 km, ranges up to 483 km, tires 175-237 kPa) and are plausible elsewhere.
All values here are metric; ``units.py`` converts. Plug, charging and lock state come from
the vehicle's live state once it exists (``vehicle_state.py``), so v2.0 and v3 agree on them.
Measurements (odometer, location, battery, fuel) stay random per call: the latest one served
is remembered (``ValueSource.latest``) and is what the v3 signals report.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tui.sandbox.clock import iso
from tui.sandbox.errors import ApiError

Vehicle = dict[str, Any]
Body = Any


class ValueSource:
    """Hands out one random generator per call, numbered per (vehicle, endpoint)."""

    def __init__(self, seed: int | None) -> None:
        self.seed = seed
        self._counts: dict[tuple[str, str], int] = {}
        self._latest: dict[tuple[str, str], Body] = {}
        self._lock = threading.Lock()

    def next_rng(self, vehicle_id: str, endpoint_key: str) -> random.Random:
        with self._lock:
            number = self._counts.get((vehicle_id, endpoint_key), 0) + 1
            self._counts[(vehicle_id, endpoint_key)] = number
        if self.seed is None:
            return random.Random()
        return random.Random(f"{self.seed}|{vehicle_id}|{endpoint_key}|{number}")

    def remember(self, vehicle_id: str, endpoint_key: str, body: Body) -> None:
        """Keep the (metric) body an endpoint just served: the vehicle's latest reading."""
        with self._lock:
            self._latest[(vehicle_id, endpoint_key)] = copy.deepcopy(body)

    def latest(self, vehicle_id: str, endpoint_key: str) -> Body | None:
        """The latest reading served for (vehicle, endpoint), or None (memory only)."""
        with self._lock:
            found = self._latest.get((vehicle_id, endpoint_key))
        return copy.deepcopy(found)


def vehicle_constant(vehicle: Vehicle, name: str, low: float, high: float) -> float:
    """A per-vehicle constant (battery size, tank size): fixed for the vehicle's life."""
    return random.Random(f"{vehicle['id']}|{name}").uniform(low, high)


def full_range_km(vehicle: Vehicle) -> float:
    return vehicle_constant(vehicle, "range", 300.0, 483.0)


def battery_kwh(vehicle: Vehicle) -> float:
    return round(vehicle_constant(vehicle, "battery", 40.0, 100.0), 1)


def data_age(rng: random.Random, now: float) -> str:
    # The vehicle recorded the data up to an hour before Smartcar fetched it.
    return iso(now - rng.uniform(0, 3600))


def _fraction(rng: random.Random, low: float = 0.05) -> float:
    return round(rng.uniform(low, 1.0), 2)


def _live(vehicle: Vehicle) -> dict[str, Any]:
    return vehicle.get("live") or {}


def odometer(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"distance": round(rng.uniform(10_000, 300_000), 1)}


def location(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    # A box inside Colorado, as Smartcar's test mode does.
    return {
        "latitude": round(rng.uniform(37.0, 41.0), 6),
        "longitude": round(rng.uniform(-109.0, -102.05), 6),
    }


def battery(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    percent = _fraction(rng)
    return {"percentRemaining": percent, "range": round(percent * full_range_km(vehicle), 1)}


def battery_capacity(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"capacity": battery_kwh(vehicle)}


def nominal_capacity(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    capacity = battery_kwh(vehicle)
    return {
        "availableCapacities": [
            {"capacity": capacity, "description": f"{vehicle['type']}:Standard Range"},
            {"capacity": round(capacity * 1.2, 1), "description": f"{vehicle['type']}:Long Range"},
        ],
        "capacity": {"nominal": capacity, "source": "SMARTCAR"},
        "url": None,
    }


def charge_state(rng: random.Random, vehicle: Vehicle) -> tuple[bool, str]:
    """(plugged in, CHARGING | FULLY_CHARGED | NOT_CHARGING) as /charge reports it."""
    state = _live(vehicle)
    if "plugged" in state:  # the shared vehicle state (v2.0 and v3 agree on it)
        plugged = bool(state["plugged"])
        return plugged, (state.get("charge_state", "NOT_CHARGING") if plugged else "NOT_CHARGING")
    charging = vehicle.get("charging")
    if charging is not None:  # START/STOP was sent: report it
        return True, "CHARGING" if charging else "NOT_CHARGING"
    plugged = rng.random() < 0.5
    reported = (
        rng.choice(["CHARGING", "FULLY_CHARGED", "NOT_CHARGING"]) if plugged else "NOT_CHARGING"
    )
    return plugged, reported


def charge(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    plugged, state = charge_state(rng, vehicle)
    return {"isPluggedIn": plugged, "state": state}


def charge_limit(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    limit = vehicle.get("charge_limit")
    return {"limit": limit if limit is not None else rng.choice([0.8, 0.9, 1.0])}


def fuel(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    percent = _fraction(rng)
    tank_liters = vehicle_constant(vehicle, "tank", 45.0, 70.0)
    return {
        "amountRemaining": round(percent * tank_liters, 1),
        "percentRemaining": percent,
        "range": round(percent * full_range_km(vehicle), 1),
    }


def tire_pressure(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {
        name: round(rng.uniform(175, 237), 1)
        for name in ("frontLeft", "frontRight", "backLeft", "backRight")
    }


def engine_oil(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"lifeRemaining": _fraction(rng)}


def security(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    locked = vehicle.get("locked")
    if locked is None:
        locked = rng.random() < 0.5
    # A locked car has its doors shut; an unlocked one may have a door ajar.
    if "open_door" in _live(vehicle):
        open_door = None if locked else _live(vehicle)["open_door"]
    else:
        open_door = (
            None
            if locked or rng.random() < 0.7
            else rng.choice(["frontLeft", "frontRight", "backLeft", "backRight"])
        )
    sides = ("frontLeft", "frontRight", "backLeft", "backRight")
    return {
        "isLocked": locked,
        "doors": [{"type": s, "status": "OPEN" if s == open_door else "CLOSED"} for s in sides],
        "windows": [{"type": s, "status": "CLOSED"} for s in sides],
        "sunroof": [{"type": "sunroof", "status": "CLOSED"}],
        "storage": [{"type": "front", "status": "CLOSED"}, {"type": "rear", "status": "CLOSED"}],
        "chargingPort": [{"type": "chargingPort", "status": "CLOSED"}]
        if vehicle["type"] != "ICE"
        else [],
    }


_TASKS = (
    ("Oil and filter change", "ICE"),
    ("Tire rotation", None),
    ("Brake inspection", None),
    ("Cabin air filter replacement", None),
    ("Multi-point inspection", None),
    ("Battery coolant check", "ELECTRIC"),
    ("Wiper blade replacement", None),
    ("Brake fluid replacement", None),
    ("Spark plug replacement", "ICE"),
    ("12V battery test", None),
)
_DAY = 86400.0
# Without a date range, v2.0 answers the last year of /service/history (the SDK docs) and the
# last 30 days of /{make}/charge/records (Smartcar's charge records reference). v3's
# service-records and charge-chargerecords signals hold the same records: a signal takes no
# dates, so it holds what the vehicle reports when asked for nothing in particular.
RECENT_SERVICE_DAYS = 365
RECENT_CHARGE_DAYS = 30


def recent(records: list[Body], field: str, now: float, days: int) -> list[Body]:
    """The records whose ISO time ``field`` lies in the ``days`` before ``now``."""
    since = now - days * _DAY
    return [
        r
        for r in records
        if since <= datetime.fromisoformat(r[field].replace("Z", "+00:00")).timestamp() <= now
    ]


def _tasks_for(vehicle_type: str) -> list[str]:
    kinds = {"ICE": ("ICE",), "BEV": ("ELECTRIC",), "PHEV": ("ICE", "ELECTRIC")}[vehicle_type]
    return [name for name, kind in _TASKS if kind is None or kind in kinds]


def service_history(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    """The vehicle's whole service life, newest first: a visit every 5 to 13 months from
    its delivery (spring of the model year) until now.

    The history depends only on the vehicle, so every call and every date range sees the
    same records (the per-call ``rng`` is not used). Query filtering is the caller's.
    """
    life = random.Random(f"{vehicle['id']}|service-history")
    when = datetime(int(vehicle["year"]), 3, 1, tzinfo=UTC).timestamp()
    when += life.uniform(0, 120) * _DAY  # delivered some time that spring
    km_per_day = life.uniform(30, 55)
    tasks = _tasks_for(vehicle["type"])
    records = []
    number = 0
    while True:
        interval = life.uniform(150, 400) * _DAY
        if when + interval > now:
            break
        when += interval
        number += 1
        distance = (when - datetime(int(vehicle["year"]), 3, 1, tzinfo=UTC).timestamp()) / _DAY
        chosen = life.sample(tasks, life.randint(1, min(3, len(tasks))))
        records.append(
            {
                "serviceId": f"{vehicle['id'][:8]}-svc-{number}",
                "serviceDate": iso(when),
                "odometerDistance": round(distance * km_per_day, 1),
                "serviceTasks": [
                    {"taskId": f"{number}-{index + 1}", "taskDescription": task}
                    for index, task in enumerate(chosen)
                ],
                "serviceDetails": [{"type": "DEALER_NAME", "value": "Sandbox Motors"}],
                "serviceCost": {"totalCost": round(life.uniform(60, 600), 2), "currency": "USD"},
            }
        )
    return sorted(records, key=lambda r: r["serviceDate"], reverse=True)


_SYSTEMS = (
    "SYSTEM_TPMS",
    "SYSTEM_AIRBAG",
    "SYSTEM_ABS",
    "SYSTEM_MIL",
    "SYSTEM_ENGINE",
    "SYSTEM_BRAKE_FLUID",
)


def system_status(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    alert = rng.choice([None, None, None, *_SYSTEMS])
    return {
        "systems": [
            {
                "systemId": s,
                "status": "ALERT" if s == alert else "OK",
                "description": "Check the vehicle soon" if s == alert else None,
            }
            for s in _SYSTEMS
        ]
    }


def dtcs(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    codes = rng.sample(["P0300", "P0420", "P0171", "C1234", "B0100"], rng.randint(0, 2))
    return {
        "activeCodes": [
            {"code": c, "timestamp": iso(now - rng.uniform(0, 30 * 86400))} for c in codes
        ]
    }


_DIRECTIONS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def compass(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    heading = rng.randint(0, 359)
    return {"direction": _DIRECTIONS[round(heading / 45) % 8], "heading": heading}


def speedometer(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"speed": round(rng.uniform(0, 120), 2)}


def thermometer_exterior(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"temperature": round(rng.uniform(-10, 35), 2)}


def thermometer_interior(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"temperature": round(rng.uniform(15, 30), 2)}


def climate_cabin(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return dict(vehicle.get("climate") or {"status": "OFF", "temperature": 21})


def ammeter(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    amperage = vehicle.get("amperage")
    return {"amperage": amperage if amperage is not None else rng.choice([16, 32, 48])}


# Smartcar's GM pages: voltmeter answers only when plugged in, completion only while
# charging; otherwise "this endpoint results in a vehicle state error".
GM_MAKES = frozenset({"CHEVROLET", "CADILLAC"})


def _gm_charge_state(rng: random.Random, vehicle: Vehicle, need_charging: bool) -> None:
    if vehicle["make"] not in GM_MAKES:
        return
    plugged, state = charge_state(rng, vehicle)
    if not plugged:
        raise ApiError("VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED")
    if need_charging and state != "CHARGING":
        raise ApiError("VEHICLE_STATE", "NOT_CHARGING")


def voltmeter(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    _gm_charge_state(rng, vehicle, need_charging=False)
    return {"voltage": rng.choice([120, 208, 240])}


def wattmeter(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {"wattage": round(rng.uniform(1.0, 11.0), 2)}  # kW (unit undocumented)


def charge_completion(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    _gm_charge_state(rng, vehicle, need_charging=True)
    return {"time": iso(now + rng.uniform(600, 8 * 3600))}


def audi_charge(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    plugged = rng.random() < 0.6
    charging = plugged and rng.random() < 0.6
    return {
        "chargingStatus": "CHARGING" if charging else "NOT_CHARGING",
        "isPluggedIn": plugged,
        "wattage": round(rng.uniform(3, 11), 1) if charging else 0,
        "chargeRate": round(rng.uniform(10, 60), 1) if charging else 0,
        "chargeType": "AC" if plugged else None,
        "chargePortColor": "green" if charging else None,
        "chargePortLatch": "locked" if plugged else "unlocked",
        "completionTime": iso(now + rng.uniform(600, 6 * 3600)) if charging else None,
        "chargeMode": rng.choice(["manual", "timer"]),
        "socLimit": vehicle.get("charge_limit") or 0.8,
        "externalPowerStatus": "active" if plugged else "unavailable",
    }


# Where BMW and MINI report a charge session: a street address (a string, as Smartcar
# documents), public chargers and home. v2.0 serves the string alone; the coordinates are
# for v3's ``charge-chargerecords``, whose location has latitude and longitude (home has none
# known: its record says only "Home").
HOME = "Home"
_CHARGE_PLACES: tuple[tuple[str, bool, tuple[float, float] | None], ...] = (
    ("1701 Wynkoop St, Denver, CO 80202", True, (39.752702, -105.000123)),
    ("2500 E 1st Ave, Denver, CO 80206", True, (39.717842, -104.953612)),
    ("1100 Pearl St, Boulder, CO 80302", True, (40.017617, -105.279721)),
    ("750 Citadel Dr E, Colorado Springs, CO 80909", True, (38.845497, -104.760405)),
    (HOME, False, None),
)
_RECORD_DAYS = 120  # how far back the charge history goes


def charge_place_coordinates(location: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a charge record's ``location``; None for home."""
    return next((where for name, _, where in _CHARGE_PLACES if name == location), None)


def charge_records(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    """Completed charge sessions, newest first, fixed per vehicle and day (the per-call
    ``rng`` is not used) so date ranges find the same sessions every time."""
    records = []
    today = int(now // _DAY)
    for day in range(today - _RECORD_DAYS, today + 1):
        pick = random.Random(f"{vehicle['id']}|charge-record|{day}")
        if pick.random() > 0.3:
            continue
        start = day * _DAY + pick.uniform(0, 20 * 3600)
        end = start + pick.uniform(1800, 8 * 3600)
        if end > now:
            continue  # still charging: not a record yet
        start_pct = round(pick.uniform(0.05, 0.6), 2)
        end_pct = round(min(1.0, start_pct + pick.uniform(0.2, 0.6)), 2)
        place, public, _ = _CHARGE_PLACES[pick.randrange(len(_CHARGE_PLACES))]
        records.append(
            {
                "chargeStart": iso(start),
                "chargeEnd": iso(end),
                "location": place,
                "energy": round((end_pct - start_pct) * battery_kwh(vehicle), 2),
                "isPublic": public,
                "startPercentRemaining": start_pct,
                "endPercentRemaining": end_pct,
                "chargingType": pick.choice(["DC", "AC"]) if public else "AC",
            }
        )
    return {"records": sorted(records, key=lambda r: r["chargeStart"], reverse=True)}


def schedule_by_location(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    saved = vehicle.get("charge_locations")
    if saved:
        return {"chargingLocations": list(saved)}
    return {
        "chargingLocations": [
            {
                "chargeLimit": 0.9,
                "location": {"latitude": 39.7392, "longitude": -104.9903},
                "chargingSchedules": {
                    "weekday": [{"start": "22:00", "end": "06:00"}],
                    "weekend": [],
                },
            }
        ]
    }


def nissan_schedule(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    saved = vehicle.get("charge_schedules")
    if saved is not None:
        return {"chargeSchedules": list(saved)}
    return {
        "chargeSchedules": [
            {
                "start": "23:00",
                "end": "06:00",
                "days": ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY"],
            }
        ]
    }


def tesla_status(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {
        "softwareVersion": "2024.14.9",
        "sentryMode": rng.random() < 0.3,
        "valetMode": False,
        "isUserPresent": rng.random() < 0.2,
    }


def tesla_attributes(rng: random.Random, vehicle: Vehicle, now: float) -> Body:
    return {
        "color": rng.choice(["Pearl White", "Midnight Silver", "Deep Blue", "Red"]),
        "wheelType": rng.choice(["Aero 18", "Sport 19"]),
        "seatCount": 5,
        "trim": rng.choice(["Standard Range", "Long Range", "Performance"]),
    }


Generator = Callable[[random.Random, Vehicle, float], Body]

# Endpoint path (as in tui.core.smartcar.endpoints) → generator of its metric body.
READERS: dict[str, Generator] = {
    "/odometer": odometer,
    "/location": location,
    "/battery": battery,
    "/battery/capacity": battery_capacity,
    "/battery/nominal_capacity": nominal_capacity,
    "/charge": charge,
    "/charge/limit": charge_limit,
    "/fuel": fuel,
    "/tires/pressure": tire_pressure,
    "/engine/oil": engine_oil,
    "/security": security,
    "/service/history": service_history,
    "/diagnostics/system_status": system_status,
    "/diagnostics/dtcs": dtcs,
    "/{make}/compass": compass,
    "/{make}/speedometer": speedometer,
    "/{make}/thermometer/exterior": thermometer_exterior,
    "/{make}/thermometer/interior": thermometer_interior,
    "/{make}/climate/cabin": climate_cabin,
    "/{make}/charge/ammeter": ammeter,
    "/{make}/charge/voltmeter": voltmeter,
    "/{make}/charge/wattmeter": wattmeter,
    "/{make}/charge/completion": charge_completion,
    "/{make}/charge": audi_charge,
    "/{make}/charge/records": charge_records,
    "/{make}/charge/schedule_by_location": schedule_by_location,
    "/{make}/charge/schedule": nissan_schedule,
    "/{make}/status": tesla_status,
    "/{make}/attributes": tesla_attributes,
}
