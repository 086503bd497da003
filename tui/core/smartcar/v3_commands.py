"""Smartcar API v3 commands and charge schedules: the command table, as plain data.

One row per command of ``shared/smartcar-v3.md`` §5.4: its name, method and path template
(under ``/v3``), the ``commandType`` the execution answer carries, the attributes of its body
(``{"data": {"attributes": {...}}}``) with their bounds, the Connect permission it needs, the
powertrains that can do it, and the makes that support it where support is limited.

Used by the sandbox (routing, validation, capability) and by the interface (the built-in
collection, a command picker). Standard library only.

Marked UNCONFIRMED here, and ``confirmed=False`` in the table:

* ``commandType`` strings other than ``security-lock``, ``security-unlock`` and
  ``charge-set-limit`` follow their ``<path segment>-<action>`` pattern (``charge-start``,
  ``navigation-set-destination``, ``charge-port-open`` ...).
* The charge-port open/close commands are known only from a third-party catalogue.
* The weekly and workweek schedule bodies: ``days`` keyed by weekday name, and ``weekdays`` /
  ``weekends``, each a ``{startTime, stopTime}`` window — carman's reading of a third-party note.
* Deleting a schedule answers a ``charge-schedule-execution`` with ``action: "delete"``.
* Permissions: ``control_security``, ``control_charge`` and ``control_navigation`` as in v2.0;
  the schedules and the charge port need ``control_charge``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

AttributeKind = Literal["integer", "number", "time", "location", "window", "weekly_days"]
CommandKind = Literal["command", "schedule", "schedule-delete"]

PLUG_IN: frozenset[str] = frozenset({"BEV", "PHEV"})
ALL: frozenset[str] = frozenset({"BEV", "PHEV", "ICE", "HEV"})

WEEKDAYS: tuple[str, ...] = (
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
)
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")  # HH:mm, 24-hour


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: AttributeKind
    required: bool = True
    low: float | None = None
    high: float | None = None
    description: str = ""


@dataclass(frozen=True)
class CommandSpec:
    name: str
    method: str
    path: str  # template under /v3, with {vehicleId} (and {scheduleId})
    command_type: str  # commandType of a command, scheduleType of a schedule
    kind: CommandKind
    permission: str
    description: str
    attributes: tuple[Attribute, ...] = ()
    powertrains: frozenset[str] = ALL
    makes: frozenset[str] | None = None  # upper-case makes, where support is limited
    confirmed: bool = True
    example: dict[str, object] | None = None  # an example body's attributes

    def supports(self, make: str, powertrain: str) -> bool:
        """Whether a vehicle of this make and powertrain can run the command at all."""
        if powertrain.upper() not in self.powertrains:
            return False
        return self.makes is None or make.upper() in self.makes


_LOCATION = Attribute(
    "location", "location", description="Where the schedule applies: {latitude, longitude}."
)
_LATITUDE = Attribute("latitude", "number", low=-90, high=90, description="Degrees north.")
_LONGITUDE = Attribute("longitude", "number", low=-180, high=180, description="Degrees east.")
_EXAMPLE_PLACE = {"latitude": 37.7749, "longitude": -122.4194}
_SCHEDULE_MAKES = frozenset({"TESLA", "VOLVO"})

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "lock",
        "POST",
        "/vehicles/{vehicleId}/commands/security/lock",
        "security-lock",
        "command",
        "control_security",
        "Lock the doors.",
    ),
    CommandSpec(
        "unlock",
        "POST",
        "/vehicles/{vehicleId}/commands/security/unlock",
        "security-unlock",
        "command",
        "control_security",
        "Unlock the doors.",
    ),
    CommandSpec(
        "start_charge",
        "POST",
        "/vehicles/{vehicleId}/commands/charge/start",
        "charge-start",
        "command",
        "control_charge",
        "Start charging (the vehicle must be plugged in).",
        powertrains=PLUG_IN,
        confirmed=False,
    ),
    CommandSpec(
        "stop_charge",
        "POST",
        "/vehicles/{vehicleId}/commands/charge/stop",
        "charge-stop",
        "command",
        "control_charge",
        "Stop charging.",
        powertrains=PLUG_IN,
        confirmed=False,
    ),
    CommandSpec(
        "set_charge_limit",
        "POST",
        "/vehicles/{vehicleId}/commands/charge/set-limit",
        "charge-set-limit",
        "command",
        "control_charge",
        "Set the charge limit, in percent.",
        (Attribute("percent", "integer", low=50, high=100, description="Charge limit, %."),),
        powertrains=PLUG_IN,
        example={"percent": 80},
    ),
    CommandSpec(
        "set_destination",
        "POST",
        "/vehicles/{vehicleId}/commands/navigation/set-destination",
        "navigation-set-destination",
        "command",
        "control_navigation",
        "Send a destination to the vehicle's navigation.",
        (_LATITUDE, _LONGITUDE),
        confirmed=False,
        example=dict(_EXAMPLE_PLACE),
    ),
    # UNCONFIRMED: the charge-port commands appear only in a third-party catalogue.
    CommandSpec(
        "open_charge_port",
        "POST",
        "/vehicles/{vehicleId}/commands/charge-port/open",
        "charge-port-open",
        "command",
        "control_charge",
        "Open the charge-port door (UNCONFIRMED command).",
        powertrains=PLUG_IN,
        confirmed=False,
    ),
    CommandSpec(
        "close_charge_port",
        "POST",
        "/vehicles/{vehicleId}/commands/charge-port/close",
        "charge-port-close",
        "command",
        "control_charge",
        "Close the charge-port door (UNCONFIRMED command).",
        powertrains=PLUG_IN,
        confirmed=False,
    ),
    CommandSpec(
        "daily_charge_schedule",
        "POST",
        "/vehicles/{vehicleId}/charge-schedules/daily",
        "daily",
        "schedule",
        "control_charge",
        "Charge every day between startTime and stopTime at a location (Tesla, Volvo).",
        (
            _LOCATION,
            Attribute("startTime", "time", description="HH:mm"),
            Attribute("stopTime", "time", description="HH:mm"),
        ),
        powertrains=PLUG_IN,
        makes=_SCHEDULE_MAKES,
        example={"location": dict(_EXAMPLE_PLACE), "startTime": "08:00", "stopTime": "10:00"},
    ),
    CommandSpec(
        "weekly_charge_schedule",
        "POST",
        "/vehicles/{vehicleId}/charge-schedules/weekly",
        "weekly",
        "schedule",
        "control_charge",
        "A charging window per weekday at a location (Tesla; body UNCONFIRMED).",
        (
            _LOCATION,
            Attribute(
                "days",
                "weekly_days",
                description="{MONDAY: {startTime, stopTime}, ...}; at least one day.",
            ),
        ),
        powertrains=PLUG_IN,
        makes=frozenset({"TESLA"}),
        confirmed=False,
        example={
            "location": dict(_EXAMPLE_PLACE),
            "days": {"MONDAY": {"startTime": "22:00", "stopTime": "06:00"}},
        },
    ),
    CommandSpec(
        "workweek_charge_schedule",
        "POST",
        "/vehicles/{vehicleId}/charge-schedules/workweek",
        "workweek",
        "schedule",
        "control_charge",
        "One window for weekdays, one for weekends, at a location (Tesla; body UNCONFIRMED).",
        (
            _LOCATION,
            Attribute("weekdays", "window", required=False, description="{startTime, stopTime}"),
            Attribute("weekends", "window", required=False, description="{startTime, stopTime}"),
        ),
        powertrains=PLUG_IN,
        makes=frozenset({"TESLA"}),
        confirmed=False,
        example={
            "location": dict(_EXAMPLE_PLACE),
            "weekdays": {"startTime": "22:00", "stopTime": "06:00"},
            "weekends": {"startTime": "00:00", "stopTime": "08:00"},
        },
    ),
    CommandSpec(
        "delete_charge_schedule",
        "DELETE",
        "/vehicles/{vehicleId}/charge-schedules/{scheduleId}",
        "delete",
        "schedule-delete",
        "control_charge",
        "Delete a charge schedule created through the API (answer UNCONFIRMED).",
        powertrains=PLUG_IN,
        makes=_SCHEDULE_MAKES,
        confirmed=False,
    ),
)

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}
SCHEDULE_TYPES: tuple[str, ...] = tuple(c.command_type for c in COMMANDS if c.kind == "schedule")


def find(method: str, path: str) -> tuple[CommandSpec, dict[str, str]] | None:
    """The command behind ``method`` and a path under ``/v3``, with the path's parameters.

    Fixed segments win over ``{scheduleId}``: ``POST .../charge-schedules/daily`` is the daily
    schedule, ``DELETE .../charge-schedules/daily`` deletes a schedule named ``daily``.
    """
    wanted = [s for s in path.split("/") if s]
    for spec in COMMANDS:
        if spec.method != method.upper():
            continue
        template = [s for s in spec.path.split("/") if s]
        if len(template) != len(wanted):
            continue
        params: dict[str, str] = {}
        for pattern, segment in zip(template, wanted, strict=True):
            if pattern.startswith("{") and pattern.endswith("}"):
                params[pattern[1:-1]] = segment
            elif pattern != segment:
                break
        else:
            return spec, params
    return None
