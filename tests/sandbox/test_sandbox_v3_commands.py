"""v3 commands and charge schedules: answers, validation, the state machine, read-back."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sandbox_v3_support import V3, Connected, assert_v3_error

from tui.core.smartcar import v3_commands
from tui.sandbox import Sandbox

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LOCK = "commands/security/lock"
UNLOCK = "commands/security/unlock"
START = "commands/charge/start"
STOP = "commands/charge/stop"
LIMIT = "commands/charge/set-limit"
DESTINATION = "commands/navigation/set-destination"
PORT_OPEN = "commands/charge-port/open"
PORT_CLOSE = "commands/charge-port/close"
PLACE = {"latitude": 39.74, "longitude": -104.99}


@pytest.fixture
def v3(sandbox: Sandbox, http: httpx.Client) -> V3:
    return V3(sandbox, http)


@pytest.fixture
def fleet(v3: V3) -> Connected:
    """3-vehicles@: TESLA Model 3 (BEV, plugged in), AUDI A4 (ICE), CHEVROLET Volt (PHEV,
    unplugged)."""
    return v3.connect("3-vehicles@smartcar.com", brand="TESLA")


def body_value(v3: V3, fleet: Connected, make: str, code: str) -> Any:
    return v3.signal_body(fleet.vehicles[make], fleet.user_id, code)


def assert_execution(answer: httpx.Response, command_type: str, parameters: Any = None) -> None:
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["type"] == "command-execution" and data["id"].startswith("exec_")
    expected = {
        "commandType": command_type,
        "status": {"value": "SUCCESS"},
        "executionMode": "sync",
    }
    if parameters is not None:
        expected["parameters"] = parameters
    assert data["attributes"] == expected
    meta = data["meta"]
    assert ISO.match(meta["executedAt"]) and ISO.match(meta["completedAt"])
    assert meta["executedAt"] <= meta["completedAt"] and meta["durationInSeconds"] >= 0


def test_lock_and_unlock_change_v3_signals_and_v2_security(
    v3: V3, fleet: Connected, http: httpx.Client
) -> None:
    audi = fleet.vehicles["AUDI"]
    v2 = {"Authorization": f"Bearer {v3.v2_token(fleet.query['code'])}"}
    for path, kind, locked in ((LOCK, "security-lock", True), (UNLOCK, "security-unlock", False)):
        assert_execution(v3.command(audi, fleet.user_id, path), kind)
        assert body_value(v3, fleet, "AUDI", "closure-islocked") == {"value": locked}
        doors = body_value(v3, fleet, "AUDI", "closure-doors")["values"]
        assert len(doors) == 4 and all(d["isLocked"] is locked for d in doors)
        assert http.get(f"/v2.0/vehicles/{audi}/security", headers=v2).json()["isLocked"] is locked
    # And the other way: a v2.0 lock shows in v3.
    assert http.post(
        f"/v2.0/vehicles/{audi}/security", json={"action": "LOCK"}, headers=v2
    ).is_success
    assert body_value(v3, fleet, "AUDI", "closure-islocked") == {"value": True}


def test_charging_state_machine(v3: V3, fleet: Connected, http: httpx.Client) -> None:
    tesla, volt = fleet.vehicles["TESLA"], fleet.vehicles["CHEVROLET"]
    user = fleet.user_id
    # The unplugged Volt refuses both.
    for path in (START, STOP):
        assert_v3_error(
            v3.command(volt, user, path), 409, "VEHICLE_STATE", "CHARGING_PLUG_NOT_CONNECTED"
        )
    assert body_value(v3, fleet, "CHEVROLET", "charge-ischarging") == {"value": False}
    # The plugged-in Tesla: stop first is refused, start works, start again is refused.
    assert_v3_error(v3.command(tesla, user, STOP), 409, "VEHICLE_STATE", "NOT_CHARGING")
    assert_execution(v3.command(tesla, user, START), "charge-start")
    assert body_value(v3, fleet, "TESLA", "charge-ischarging") == {"value": True}
    assert body_value(v3, fleet, "TESLA", "charge-detailedchargingstatus") == {"value": "CHARGING"}
    assert body_value(v3, fleet, "TESLA", "charge-wattage")["value"] > 0
    assert_v3_error(v3.command(tesla, user, START), 409, "VEHICLE_STATE", "CHARGING_IN_PROGRESS")
    v2 = {"Authorization": f"Bearer {v3.v2_token(fleet.query['code'])}"}
    charge = http.get(f"/v2.0/vehicles/{tesla}/charge", headers=v2).json()
    assert charge == {"isPluggedIn": True, "state": "CHARGING"}
    assert_execution(v3.command(tesla, user, STOP), "charge-stop")
    assert body_value(v3, fleet, "TESLA", "charge-detailedchargingstatus") == {
        "value": "NOT_CHARGING"
    }
    # Plugging the Volt in (carman's admin control) lets it charge.
    state = v3.admin("vehicle_state", {"vehicle_id": volt, "plugged": True})
    assert state["plugged"] is True and state["charge_state"] == "NOT_CHARGING"
    assert_execution(v3.command(volt, user, START), "charge-start")
    v3.admin("vehicle_state", {"vehicle_id": volt, "charge_state": "FULLY_CHARGED"})
    assert_v3_error(v3.command(volt, user, START), 409, "VEHICLE_STATE", "FULLY_CHARGED")


def test_a_moving_or_sleeping_vehicle_refuses(v3: V3, fleet: Connected) -> None:
    tesla, user = fleet.vehicles["TESLA"], fleet.user_id
    v3.admin("vehicle_state", {"vehicle_id": tesla, "speed_kph": 48})
    assert body_value(v3, fleet, "TESLA", "motion-currentspeed") == {
        "unit": "kilometers-per-hour",
        "value": 48.0,
    }
    assert body_value(v3, fleet, "TESLA", "transmission-gearstate") == {"value": "DRIVE"}
    for path in (LOCK, UNLOCK, START, PORT_OPEN):
        assert_v3_error(v3.command(tesla, user, path), 409, "VEHICLE_STATE", "IN_MOTION")
    v3.admin("vehicle_state", {"vehicle_id": tesla, "speed_kph": 0, "asleep": True})
    assert body_value(v3, fleet, "TESLA", "connectivitystatus-isasleep") == {"value": True}
    assert_v3_error(v3.command(tesla, user, LOCK), 409, "VEHICLE_STATE", "ASLEEP")
    assert_v3_error(v3.command(tesla, user, LIMIT, {"percent": 80}), 409, "VEHICLE_STATE", "ASLEEP")
    v3.admin("vehicle_state", {"vehicle_id": tesla, "asleep": False})
    assert_execution(v3.command(tesla, user, LOCK), "security-lock")


def test_admin_vehicle_state_rejects_bad_changes(v3: V3, fleet: Connected, http) -> None:
    audi = fleet.vehicles["AUDI"]
    for change, field in (
        ({"plugged": True}, "plugged"),  # an ICE car has no charge port
        ({"speed_kph": -3}, "speed_kph"),
        ({"open_door": "roof"}, "open_door"),
        ({"colour": "red"}, "colour"),
    ):
        answer = http.post("/_sandbox/vehicle_state", json={"vehicle_id": audi, **change})
        assert answer.status_code == 400 and answer.json()["detail"][0]["field"] == [field]
    missing = http.post("/_sandbox/vehicle_state", json={"vehicle_id": "nope"})
    assert missing.status_code == 400 and missing.json()["detail"][0]["field"] == ["vehicle_id"]


def test_set_charge_limit(v3: V3, fleet: Connected, http: httpx.Client) -> None:
    tesla, user = fleet.vehicles["TESLA"], fleet.user_id
    assert_execution(
        v3.command(tesla, user, LIMIT, {"percent": 65}), "charge-set-limit", {"percent": 65}
    )
    limits = body_value(v3, fleet, "TESLA", "charge-chargelimits")
    assert limits["activeLimit"] == 65
    assert limits["values"] == [{"type": "GLOBAL", "limit": 65, "condition": None}]
    v2 = {"Authorization": f"Bearer {v3.v2_token(fleet.query['code'])}"}
    assert http.get(f"/v2.0/vehicles/{tesla}/charge/limit", headers=v2).json() == {"limit": 0.65}


@pytest.mark.parametrize(
    "bad", [49, 101, 80.5, "80", True, None, -1], ids=lambda v: f"percent={v!r}"
)
def test_charge_limit_validation(v3: V3, fleet: Connected, bad: Any) -> None:
    answer = v3.command(fleet.vehicles["TESLA"], fleet.user_id, LIMIT, {"percent": bad})
    entries = assert_v3_error(answer, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    assert [e["source"] for e in entries] == [{"pointer": "/data/attributes/percent"}]
    assert "percent" in entries[0]["detail"]


def test_destination_validates_each_field(v3: V3, fleet: Connected) -> None:
    audi, user = fleet.vehicles["AUDI"], fleet.user_id
    assert_execution(
        v3.command(audi, user, DESTINATION, PLACE), "navigation-set-destination", PLACE
    )
    both = v3.command(audi, user, DESTINATION, {"latitude": 91, "longitude": -181})
    entries = assert_v3_error(both, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    assert [e["source"]["pointer"] for e in entries] == [
        "/data/attributes/latitude",
        "/data/attributes/longitude",
    ]
    assert entries[0]["detail"] == (
        "Invalid latitude. Latitude must be a number between -90 and 90."
    )
    assert entries[1]["detail"] == (
        "Invalid longitude. Longitude must be a number between -180 and 180."
    )
    missing = v3.command(audi, user, DESTINATION, {"latitude": 10, "altitude": 3})
    entries = assert_v3_error(missing, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    assert {e["source"]["pointer"] for e in entries} == {
        "/data/attributes/altitude",
        "/data/attributes/longitude",
    }


def test_bodies_that_are_not_the_json_api_envelope(
    v3: V3, fleet: Connected, http: httpx.Client
) -> None:
    url = f"/v3/vehicles/{fleet.vehicles['TESLA']}/{LIMIT}"
    headers = {**v3.headers(fleet.user_id), "Content-Type": "application/json"}
    assert_v3_error(
        http.post(url, content=b"{nope", headers=headers), 400, "VALIDATION", "BAD_REQUEST"
    )
    assert_v3_error(
        http.post(url, content=b"[1]", headers=headers), 400, "VALIDATION", "BAD_REQUEST"
    )
    flat = assert_v3_error(
        http.post(url, json={"percent": 80}, headers=headers),
        400,
        "VALIDATION",
        "INVALID_INPUT_FORMAT",
    )
    assert flat[0]["source"] == {"pointer": "/data/attributes"}
    # Parameterless commands take no body, {} or empty attributes.
    lock = f"/v3/vehicles/{fleet.vehicles['TESLA']}/{LOCK}"
    for body in (b"", b"{}", b'{"data": {"attributes": {}}}'):
        assert http.post(lock, content=body, headers=headers).status_code == 200
    extra = http.post(lock, json={"data": {"attributes": {"force": True}}}, headers=headers)
    entry = assert_v3_error(extra, 400, "VALIDATION", "INVALID_INPUT_FORMAT")[0]
    assert entry["source"] == {"pointer": "/data/attributes/force"}


def test_charge_port_commands(v3: V3, fleet: Connected) -> None:
    tesla, volt, user = fleet.vehicles["TESLA"], fleet.vehicles["CHEVROLET"], fleet.user_id
    assert_v3_error(
        v3.command(tesla, user, PORT_CLOSE), 409, "VEHICLE_STATE", "CHARGING_PLUG_CONNECTED"
    )
    assert_execution(v3.command(volt, user, PORT_OPEN), "charge-port-open")
    assert body_value(v3, fleet, "CHEVROLET", "charge-ischargingportflapopen") == {"value": True}
    assert_execution(v3.command(volt, user, PORT_CLOSE), "charge-port-close")
    assert body_value(v3, fleet, "CHEVROLET", "charge-ischargingportflapopen") == {"value": False}


def test_what_a_vehicle_cannot_do_and_permissions(v3: V3, fleet: Connected) -> None:
    audi, user = fleet.vehicles["AUDI"], fleet.user_id
    for path, body in (
        (START, None),
        (STOP, None),
        (LIMIT, {"percent": 80}),
        (PORT_OPEN, None),
    ):
        assert_v3_error(
            v3.command(audi, user, path, body), 501, "COMPATIBILITY", "VEHICLE_NOT_CAPABLE"
        )
    narrow = v3.connect("reader@example.com", brand="TESLA", scope="read_odometer")
    vehicle = narrow.vehicle_ids[0]
    for path, body in ((LOCK, None), (START, None), (DESTINATION, PLACE)):
        entry = assert_v3_error(
            v3.command(vehicle, narrow.user_id, path, body), 403, "PERMISSION", None
        )[0]
        assert "control_" in entry["detail"]


def test_forced_error_emails_apply_to_commands(v3: V3) -> None:
    connected = v3.connect("VEHICLE_STATE.DOOR_OPEN@smartcar.com", brand="TESLA")
    vehicle = connected.vehicle_ids[0]
    assert_v3_error(v3.command(vehicle, connected.user_id, LOCK), 409, "VEHICLE_STATE", "DOOR_OPEN")
    upstream = v3.connect("UPSTREAM.NO_RESPONSE@smartcar.com", brand="TESLA")
    assert_v3_error(
        v3.command(upstream.vehicle_ids[0], upstream.user_id, START), 502, "UPSTREAM", "NO_RESPONSE"
    )


def test_forced_errors_carry_what_v2_adds(v3: V3, http: httpx.Client) -> None:
    """A vehicle's 429 says when to retry, and AUTHENTICATION_FAILED links to
    re-authentication, in v3 as in v2.0 (signal reads and commands alike)."""
    throttled = v3.connect("RATE_LIMIT.VEHICLE@smartcar.com", brand="TESLA")
    vehicle, user = throttled.vehicle_ids[0], throttled.user_id
    read = http.get(
        f"/v3/vehicles/{vehicle}/signals/odometer-traveleddistance", headers=v3.headers(user)
    )
    for answer in (read, v3.command(vehicle, user, LOCK)):
        assert_v3_error(answer, 429, "RATE_LIMIT", "VEHICLE")
        assert answer.headers["retry-after"] == "60"
    status = v3.signals(vehicle, user)["odometer-traveleddistance"]["attributes"]["status"]
    assert status == {"value": "ERROR", "error": {"type": "RATE_LIMIT", "code": "VEHICLE"}}
    locked_out = v3.connect(
        "CONNECTED_SERVICES_ACCOUNT.AUTHENTICATION_FAILED@smartcar.com", brand="TESLA"
    )
    entry = assert_v3_error(
        v3.command(locked_out.vehicle_ids[0], locked_out.user_id, LOCK),
        400,
        "CONNECTED_SERVICES_ACCOUNT",
        "AUTHENTICATION_FAILED",
    )[0]
    assert "/oauth/reauthenticate?" in entry["resolution"]["url"]
    assert f"vehicle_id={locked_out.vehicle_ids[0]}" in entry["resolution"]["url"]


def test_commands_announce_changed_signals(sandbox: Sandbox, v3: V3, fleet: Connected) -> None:
    seen: list[tuple[str, tuple[str, ...]]] = []
    stop = sandbox.vehicle_events.subscribe(lambda vehicle, codes: seen.append((vehicle, codes)))
    tesla, user = fleet.vehicles["TESLA"], fleet.user_id
    assert v3.command(tesla, user, LOCK).status_code == 200
    assert v3.command(tesla, user, START).status_code == 200
    assert v3.command(tesla, user, LIMIT, {"percent": 90}).status_code == 200
    assert v3.command(tesla, user, STOP).status_code == 200  # ok
    assert_v3_error(v3.command(tesla, user, STOP), 409, "VEHICLE_STATE", "NOT_CHARGING")
    assert [vehicle for vehicle, _ in seen] == [tesla] * 4  # refused commands change nothing
    assert "closure-islocked" in seen[0][1] and "closure-doors" in seen[0][1]
    assert "charge-ischarging" in seen[1][1] and "charge-detailedchargingstatus" in seen[1][1]
    assert "charge-chargelimits" in seen[2][1]
    stop()
    assert v3.command(tesla, user, UNLOCK).status_code == 200
    assert len(seen) == 4


def daily(start: str = "08:00", stop: str = "10:00") -> dict[str, Any]:
    return {"location": dict(PLACE), "startTime": start, "stopTime": stop}


def test_tesla_takes_every_schedule_and_shows_them_as_timers(v3: V3, fleet: Connected) -> None:
    tesla, user = fleet.vehicles["TESLA"], fleet.user_id
    bodies = {
        "daily": daily(),
        "weekly": {
            "location": dict(PLACE),
            "days": {"MONDAY": {"startTime": "22:00", "stopTime": "06:00"}},
        },
        "workweek": {
            "location": dict(PLACE),
            "weekdays": {"startTime": "23:00", "stopTime": "05:00"},
            "weekends": {"startTime": "01:00", "stopTime": "07:00"},
        },
    }
    created: dict[str, str] = {}
    for kind, body in bodies.items():
        answer = v3.command(tesla, user, f"charge-schedules/{kind}", body)
        assert answer.status_code == 200, answer.text
        data = answer.json()["data"]
        assert data["type"] == "charge-schedule-execution"
        attributes = data["attributes"]
        assert attributes["action"] == "create" and attributes["scheduleType"] == kind
        assert attributes["status"] == {"value": "SUCCESS"}
        assert attributes["executionMode"] == "sync" and attributes["parameters"] == body
        assert attributes["scheduleId"].startswith("sched_")
        assert data["links"]["schedule"] == (
            f"/vehicles/{tesla}/charge-schedules/{attributes['scheduleId']}"
        )
        created[kind] = attributes["scheduleId"]
    timers = body_value(v3, fleet, "TESLA", "charge-chargetimers")["values"]
    by_id = {t["scheduleId"]: t for t in timers}
    assert set(by_id) == set(created.values())
    daily_timer = by_id[created["daily"]]
    assert daily_timer["type"] == "LOCATION" and daily_timer["scheduleType"] == "daily"
    assert daily_timer["condition"]["latitude"] == PLACE["latitude"]
    assert daily_timer["schedules"][0]["start"] == "08:00:00"
    assert len(daily_timer["schedules"][0]["days"]) == 7
    assert by_id[created["weekly"]]["schedules"] == [
        {"start": "22:00:00", "end": "06:00:00", "days": ["MONDAY"]}
    ]
    workweek_days = [s["days"] for s in by_id[created["workweek"]]["schedules"]]
    assert workweek_days == [
        ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"],
        ["SATURDAY", "SUNDAY"],
    ]
    deleted = v3.http.delete(
        f"/v3/vehicles/{tesla}/charge-schedules/{created['weekly']}", headers=v3.headers(user)
    )
    assert deleted.status_code == 200
    assert deleted.json()["data"]["attributes"]["action"] == "delete"
    assert deleted.json()["data"]["attributes"]["scheduleType"] == "weekly"
    left = {
        t["scheduleId"] for t in body_value(v3, fleet, "TESLA", "charge-chargetimers")["values"]
    }
    assert left == {created["daily"], created["workweek"]}
    again = v3.http.delete(
        f"/v3/vehicles/{tesla}/charge-schedules/{created['weekly']}", headers=v3.headers(user)
    )
    assert_v3_error(again, 404, "RESOURCE_NOT_FOUND", "PATH")


def test_schedules_per_make(v3: V3) -> None:
    volvo = v3.connect("volvo@example.com", brand="VOLVO")
    vehicle, user = volvo.vehicle_ids[0], volvo.user_id
    assert v3.command(vehicle, user, "charge-schedules/daily", daily()).status_code == 200
    for kind in ("weekly", "workweek"):
        body = {"location": dict(PLACE), "weekdays": {"startTime": "01:00", "stopTime": "02:00"}}
        if kind == "weekly":
            body = {
                "location": dict(PLACE),
                "days": {"friday": {"startTime": "01:00", "stopTime": "02:00"}},
            }
        entry = assert_v3_error(
            v3.command(vehicle, user, f"charge-schedules/{kind}", body),
            501,
            "COMPATIBILITY",
            "VEHICLE_NOT_CAPABLE",
        )[0]
        assert "VOLVO" in entry["detail"] or "Supported makes" in entry["detail"]
    ford = v3.connect("ford@example.com", brand="FORD")  # Mustang Mach-E, a BEV
    assert_v3_error(
        v3.command(ford.vehicle_ids[0], ford.user_id, "charge-schedules/daily", daily()),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )


@pytest.mark.parametrize(
    ("kind", "body", "pointers"),
    [
        ("daily", {}, ["/location", "/startTime", "/stopTime"]),
        ("daily", daily(start="8am", stop="24:00"), ["/startTime", "/stopTime"]),
        (
            "daily",
            {**daily(), "location": {"latitude": 100, "longitude": "x"}},
            ["/location/latitude", "/location/longitude"],
        ),
        ("weekly", {"location": dict(PLACE), "days": {}}, ["/days"]),
        (
            "weekly",
            {"location": dict(PLACE), "days": {"FUNDAY": {}, "MONDAY": {"startTime": "1"}}},
            ["/days/FUNDAY", "/days/MONDAY/startTime", "/days/MONDAY/stopTime"],
        ),
        ("workweek", {"location": dict(PLACE)}, [""]),
    ],
)
def test_schedule_validation(
    v3: V3, fleet: Connected, kind: str, body: dict[str, Any], pointers: list[str]
) -> None:
    answer = v3.command(fleet.vehicles["TESLA"], fleet.user_id, f"charge-schedules/{kind}", body)
    entries = assert_v3_error(answer, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    assert [e["source"]["pointer"] for e in entries] == [f"/data/attributes{p}" for p in pointers]


def test_every_command_of_the_table_is_served(v3: V3, fleet: Connected) -> None:
    """Each row of the core command table answers on the Tesla (no 404 for any path)."""
    tesla, user = fleet.vehicles["TESLA"], fleet.user_id
    for spec in v3_commands.COMMANDS:
        path = spec.path.replace("{vehicleId}", tesla).replace("{scheduleId}", "sched_missing")
        answer = v3.http.request(
            spec.method,
            f"/v3{path}",
            json={"data": {"attributes": spec.example}} if spec.example else None,
            headers=v3.headers(user),
        )
        if spec.kind == "schedule-delete":
            assert_v3_error(answer, 404, "RESOURCE_NOT_FOUND", "PATH")
        else:
            assert answer.status_code in (200, 409), (spec.name, answer.text)
