"""A vehicle's live state, shared by the v2.0 endpoints and the v3 signals and commands.

Two kinds of state:

* **States** a command changes — plugged in, charging, locked (and which door is ajar), charge
  limit, speed, asleep, the charge-port door, schedules created through v3 — are stored on the
  vehicle's record (``record["live"]`` plus the older fields ``locked``, ``charging`` and
  ``charge_limit``) and survive a restart. A v3 lock shows in v2.0 ``/security``; a v2.0 START
  shows in v3 ``charge-ischarging``. They are made on first use from the same random draws
  the v2.0 endpoints used before (the first call of each endpoint), so a seeded sandbox still
  answers a vehicle's first v2.0 reads with the same values. Plug state is fixed instead of
  drawn: a login's first vehicle starts plugged in and not charging; its further plug-in
  vehicles start unplugged (``3-vehicles@smartcar.com`` gives an unplugged CHEVROLET Volt, on
  which "start charge" is refused).
* **Measurements** — odometer, location, battery and fuel level — stay what Smartcar's test
  mode makes them: a new random reading on every v2.0 call (pinned by seed and call number).
  The latest reading served is remembered (``measure``) and is what the v3 signals report, so
  v3 ``odometer-traveleddistance`` equals the last v2.0 ``/odometer``: v2.0 polls the vehicle,
  v3 reads the latest data. Everything else is random per call.

Commands (v2.0 and v3) and carman's admin changes announce which v3 signals changed through
``VehicleEvents``, and Connect announces new connections there: the webhook engine
(``tui.sandbox.webhooks``) listens to both.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.sandbox import values

if TYPE_CHECKING:
    from tui.sandbox.context import Context

log = logging.getLogger(__name__)

PLUG_IN = frozenset({"BEV", "PHEV"})
ENGINE = frozenset({"ICE", "PHEV", "HEV"})
CHARGE_STATES = ("CHARGING", "NOT_CHARGING", "FULLY_CHARGED")

Record = dict[str, Any]
# listener(vehicle_id, codes of the v3 signals that changed)
Listener = Callable[[str, tuple[str, ...]], None]
# connection listener(client_id, user_id, vehicle ids Connect just approved)
ConnectionListener = Callable[[str, str, tuple[str, ...]], None]

# Signals a change of each kind touches (what a webhook trigger on them would see).
LOCK_SIGNALS = ("closure-islocked", "closure-doors", "closure-fronttrunk", "closure-reartrunk")
CHARGE_SIGNALS = (
    "charge-ischarging",
    "charge-detailedchargingstatus",
    "charge-amperage",
    "charge-wattage",
    "charge-voltage",
    "charge-chargerate",
    "charge-timetocomplete",
    "charge-chargeportstatuscolor",
)
LIMIT_SIGNALS = ("charge-chargelimits",)
TIMER_SIGNALS = ("charge-chargetimers",)
PORT_SIGNALS = ("charge-ischargingportflapopen",)
PLUG_SIGNALS = (
    "charge-ischargingcableconnected",
    "charge-ischargingcablelatched",
    *CHARGE_SIGNALS,
    *PORT_SIGNALS,
)

# carman's admin change (``admin_change``) → the v3 signals it changes.
ADMIN_SIGNALS: dict[str, tuple[str, ...]] = {
    "plugged": PLUG_SIGNALS,
    "charge_state": CHARGE_SIGNALS,
    "locked": LOCK_SIGNALS,
    "open_door": ("closure-doors",),
    "speed_kph": ("motion-currentspeed",),
    "asleep": ("connectivitystatus-isasleep", "connectivitystatus-isonline"),
}

# v2.0 command endpoint key → the v3 signals its effect changes.
V2_COMMAND_SIGNALS: dict[str, tuple[str, ...]] = {
    "POST /security": LOCK_SIGNALS,
    "POST /charge": (*CHARGE_SIGNALS, "charge-ischargingcableconnected"),
    "POST /charge/limit": LIMIT_SIGNALS,
    "POST /{make}/climate/cabin": ("hvac-iscabinhvacactive", "hvac-cabintargettemperature"),
    "POST /{make}/charge/ammeter": ("charge-amperagerequested",),
}


class VehicleEvents:
    """Observers of state changes: ``subscribe(listener)``; commands call ``changed``.
    Observers of new connections: ``on_connection(listener)``; Connect calls ``connected``.

    A listener runs on the request's thread after the change is stored; one that raises is
    logged and skipped, never failing the command.
    """

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._connection_listeners: list[ConnectionListener] = []
        self._lock = threading.Lock()

    def on_connection(self, listener: ConnectionListener) -> Callable[[], None]:
        """Add a listener of Connect approvals; returns a function that removes it again."""
        with self._lock:
            self._connection_listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._connection_listeners:
                    self._connection_listeners.remove(listener)

        return unsubscribe

    def connected(self, client_id: str, user_id: str, vehicle_ids: tuple[str, ...]) -> None:
        with self._lock:
            listeners = list(self._connection_listeners)
        for listener in listeners:
            try:
                listener(client_id, user_id, vehicle_ids)
            except Exception:
                log.exception("carman sandbox: a connection listener failed")

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it again."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def changed(self, vehicle_id: str, codes: tuple[str, ...]) -> None:
        if not codes:
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(vehicle_id, codes)
            except Exception:
                log.exception("carman sandbox: a vehicle-state listener failed")


def _draw(ctx: Context, record: Record, path: str, now: float) -> Any:
    """What the v2.0 endpoint ``path`` answered on its first call before live state existed."""
    rng = ctx.values.next_rng(record["id"], f"GET {path}")
    return values.READERS[path](rng, record, now)


def _initial(ctx: Context, record: Record, now: float) -> Record:
    draft = {**record, "live": None}  # readers draw at random while there is no live state
    live: Record = {"speed_kph": 0.0, "asleep": False, "schedules": []}
    if record["type"] in PLUG_IN:
        charge = _draw(ctx, draft, "/charge", now)
        if record.get("charging") is not None:  # a v2.0 START/STOP before live state existed
            live["plugged"], live["charge_state"] = True, charge["state"]
        elif record.get("initial_plugged") is not None:
            live["plugged"], live["charge_state"] = bool(record["initial_plugged"]), "NOT_CHARGING"
        else:
            live["plugged"], live["charge_state"] = charge["isPluggedIn"], charge["state"]
        live["charge_port_open"] = live["plugged"]
        if record.get("charge_limit") is None:
            record["charge_limit"] = _draw(ctx, draft, "/charge/limit", now)["limit"]
    security = _draw(ctx, draft, "/security", now)
    if record.get("locked") is None:
        record["locked"] = security["isLocked"]
    live["open_door"] = next((d["type"] for d in security["doors"] if d["status"] == "OPEN"), None)
    return live


def measure(ctx: Context, record: Record, path: str) -> Any:
    """The vehicle's latest reading of a v2.0 measurement endpoint (``/odometer``,
    ``/location``, ``/battery``, ``/fuel``): what v2.0 served last, or a first reading drawn
    as v2.0 would draw it. v3 signals read measurements this way, so they agree with v2.0."""
    key = f"GET {path}"
    found = ctx.values.latest(record["id"], key)
    if found is None:
        found = _draw(ctx, record, path, ctx.clock.now())
        ctx.values.remember(record["id"], key, found)
    return found


def ensure(ctx: Context, vehicle_id: str) -> Record:
    """A copy of the vehicle's record with its live state (made and stored on first use)."""
    with ctx.state.reading() as data:
        record = data["vehicles"][vehicle_id]
        if record.get("live") is not None:
            return copy.deepcopy(record)
    with ctx.state.changing() as data:
        record = data["vehicles"][vehicle_id]
        if record.get("live") is None:  # another thread may have made it meanwhile
            record["live"] = _initial(ctx, record, ctx.clock.now())
        return copy.deepcopy(record)


def change(ctx: Context, vehicle_id: str, apply: Callable[[Record], Any]) -> Any:
    """Run ``apply`` on the stored record (live state made first) and store the result."""
    ensure(ctx, vehicle_id)
    with ctx.state.changing() as data:
        return apply(data["vehicles"][vehicle_id])


# ------------------------------------------------------------------ reading the state


def live(record: Record) -> Record:
    return record.get("live") or {}


def is_plugged(record: Record) -> bool:
    return bool(live(record).get("plugged"))


def charge_state(record: Record) -> str:
    state = live(record).get("charge_state") or "NOT_CHARGING"
    return state if is_plugged(record) else "NOT_CHARGING"


def is_charging(record: Record) -> bool:
    return charge_state(record) == "CHARGING"


def in_motion(record: Record) -> bool:
    return float(live(record).get("speed_kph") or 0) > 0


# ------------------------------------------------------------------ changing the state


def set_locked(record: Record, locked: bool) -> None:
    record["locked"] = locked
    if locked:
        record.setdefault("live", {})["open_door"] = None  # a locked car has its doors shut


def set_charging(record: Record, charging: bool) -> None:
    """Start or stop charging. v2.0 never refuses, so starting there also plugs the car in."""
    record["charging"] = charging
    state = record.setdefault("live", {})
    if charging:
        state["plugged"] = True
        state["charge_port_open"] = True
    elif "plugged" not in state:
        state["plugged"] = True  # v2.0 STOP reports a plugged-in car, as it always did
    state["charge_state"] = "CHARGING" if charging else "NOT_CHARGING"


def set_plugged(record: Record, plugged: bool) -> None:
    state = record.setdefault("live", {})
    state["plugged"] = plugged
    if plugged:
        state["charge_port_open"] = True
    else:
        state["charge_state"] = "NOT_CHARGING"
        record["charging"] = None  # v2.0 /charge then reads the live state


# ------------------------------------------------------------------ carman's admin controls

DOORS = ("frontLeft", "frontRight", "backLeft", "backRight")


class StateError(ValueError):
    """A change the admin endpoint cannot make; ``name`` is the field at fault."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _check_admin(record: Record, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        if name in ("plugged", "asleep", "locked"):
            if not isinstance(value, bool):
                raise StateError(name, f"{name} must be true or false.")
            if name == "plugged" and record["type"] not in PLUG_IN:
                raise StateError(name, f"A {record['type']} vehicle has no charge port.")
        elif name == "charge_state":
            if value not in CHARGE_STATES:
                raise StateError(name, f"charge_state must be one of {', '.join(CHARGE_STATES)}.")
            if record["type"] not in PLUG_IN:
                raise StateError(name, f"A {record['type']} vehicle does not charge.")
        elif name == "speed_kph":
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise StateError(name, "speed_kph must be a number of at least 0.")
        elif name == "open_door":
            if value is not None and value not in DOORS:
                raise StateError(name, f"open_door must be null or one of {', '.join(DOORS)}.")
        else:
            known = "plugged, charge_state, speed_kph, asleep, locked, open_door"
            raise StateError(name, f"Unknown vehicle state {name!r}; one of {known}.")


def admin_view(record: Record) -> Record:
    """The live state as carman's admin endpoint shows it."""
    state = live(record)
    view: Record = {
        "vehicle_id": record["id"],
        "type": record["type"],
        "locked": bool(record.get("locked")),
        "open_door": state.get("open_door"),
        "speed_kph": float(state.get("speed_kph") or 0),
        "asleep": bool(state.get("asleep")),
        "schedules": [entry["id"] for entry in state.get("schedules", [])],
    }
    if record["type"] in PLUG_IN:
        view.update(
            plugged=is_plugged(record),
            charge_state=charge_state(record),
            charge_limit=record.get("charge_limit"),
            charge_port_open=bool(state.get("charge_port_open")),
        )
    return view


def admin_change(ctx: Context, vehicle_id: str, changes: dict[str, Any]) -> Record:
    """Set parts of a vehicle's live state (tests, demos); the state afterwards.

    Raises KeyError for an unknown vehicle and ``StateError`` for a bad change (nothing is
    changed then).
    """
    with ctx.state.reading() as data:
        if vehicle_id not in data["vehicles"]:
            raise KeyError(vehicle_id)
    ensure(ctx, vehicle_id)

    def apply(record: Record) -> Record:
        _check_admin(record, changes)
        state = record.setdefault("live", {})
        for name, value in changes.items():
            if name == "plugged":
                set_plugged(record, value)
            elif name == "charge_state":
                state["plugged"] = True if value == "CHARGING" else state.get("plugged", True)
                state["charge_state"] = value
                record["charging"] = value == "CHARGING"
            elif name == "locked":
                set_locked(record, value)
            elif name == "speed_kph":
                state["speed_kph"] = float(value)
            else:
                state[name] = value
        return admin_view(record)

    view = change(ctx, vehicle_id, apply)
    touched = tuple(dict.fromkeys(c for name in changes for c in ADMIN_SIGNALS.get(name, ())))
    ctx.vehicle_events.changed(vehicle_id, touched)
    return view
