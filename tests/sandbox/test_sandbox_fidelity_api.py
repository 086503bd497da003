"""Vehicle API v2.0 answers as Smartcar documents them (issue 15.3, points 4-10 and 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.sandbox.conftest import FULL_SCOPE
from tui.core.smartcar.permissions import READ_PERMISSIONS

SUCCESS = {"message": "Successfully sent request to vehicle", "status": "success"}


def test_forced_vehicle_rate_limit_says_when_to_retry(
    login, http: httpx.Client, expect_error
) -> None:
    session = login("RATE_LIMIT.VEHICLE@smartcar.com")
    url = f"/v2.0/vehicles/{session.vehicle}"
    answer = http.get(f"{url}/odometer", headers=session.headers)
    body = expect_error(answer, 429, "RATE_LIMIT", "VEHICLE")
    assert answer.headers["retry-after"] == "60"
    assert body["resolution"] == {"type": "RETRY_LATER"}
    batch = http.post(
        f"{url}/batch", json={"requests": [{"path": "/odometer"}]}, headers=session.headers
    ).json()["responses"][0]
    assert batch["code"] == 429 and batch["headers"]["retry-after"] == "60"


def test_brand_schedule_puts_answer_message_and_status(login, http: httpx.Client) -> None:
    ford = login("f@example.com", brand="FORD")
    url = f"/v2.0/vehicles/{ford.vehicle}/ford/charge/schedule_by_location"
    body = {
        "chargingLocation": {
            "chargeLimit": 0.9,
            "chargingWindows": {"weekday": [{"start": "17:00", "end": "06:00"}], "weekend": []},
        }
    }
    put = http.put(
        url, params={"latitude": 39.7, "longitude": -105.0}, json=body, headers=ford.headers
    )
    assert put.status_code == 200 and put.json() == SUCCESS
    saved = http.get(url, headers=ford.headers).json()["chargingLocations"]
    assert {"latitude": 39.7, "longitude": -105.0} in [s["location"] for s in saved]
    nissan = login("n@example.com", brand="NISSAN")
    url = f"/v2.0/vehicles/{nissan.vehicle}/nissan/charge/schedule"
    plan = {"chargeSchedules": [{"start": "08:00", "end": "12:00", "days": ["MONDAY"]}]}
    put = http.put(url, json=plan, headers=nissan.headers)
    assert put.status_code == 200 and put.json() == SUCCESS
    assert http.get(url, headers=nissan.headers).json() == plan


def test_incompatible_compatibility_lists_no_capabilities(http: httpx.Client, sandbox) -> None:
    auth = (sandbox.client_id, sandbox.client_secret)
    for level in ("incompatible", "dinosaur"):
        body = http.get(
            "/v2.0/compatibility",
            params={
                "vin": "0SCAUDI0000000003",
                "scope": "read_odometer read_fuel read_battery",
                "test_mode_compatibility_level": level,
            },
            auth=auth,
        ).json()
        assert body == {"compatible": False, "reason": "VEHICLE_NOT_COMPATIBLE", "capabilities": []}


def test_bmw_and_mini_charge_records(login, http: httpx.Client, expect_error) -> None:
    now = datetime.now(UTC)
    for brand in ("BMW", "MINI"):
        session = login(f"{brand.lower()}@example.com", brand=brand)
        url = f"/v2.0/vehicles/{session.vehicle}/{brand.lower()}/charge/records"
        records = http.get(url, headers=session.headers).json()["records"]
        assert records, brand
        starts = [r["chargeStart"] for r in records]
        assert starts == sorted(starts, reverse=True)  # newest first
        for record in records:
            assert isinstance(record["location"], str) and record["location"]
            assert isinstance(record["isPublic"], bool) and record["energy"] > 0
            assert record["chargeStart"] < record["chargeEnd"]
            started = datetime.fromisoformat(record["chargeStart"].replace("Z", "+00:00"))
            assert now - timedelta(days=31) <= started <= now  # default: the last 30 days
        past = {
            "startDate": (now - timedelta(days=90)).strftime("%Y-%m-%d"),
            "endDate": (now - timedelta(days=60)).strftime("%Y-%m-%d"),
        }
        older = http.get(url, params=past, headers=session.headers).json()["records"]
        assert older and all(
            past["startDate"] <= r["chargeStart"][:10] <= past["endDate"] for r in older
        )
        assert http.get(url, params=past, headers=session.headers).json()["records"] == older
    tesla = login("t@example.com", brand="TESLA")
    for path in ("/tesla/charge/records", "/bmw/charge/records"):
        expect_error(
            http.get(f"/v2.0/vehicles/{tesla.vehicle}{path}", headers=tesla.headers),
            501,
            "COMPATIBILITY",
            "VEHICLE_NOT_CAPABLE",
        )


def _statuses(http: httpx.Client, url: str, headers: dict[str, str], calls: int = 30) -> set:
    seen = set()
    for _ in range(calls):
        answer = http.get(url, headers=headers)
        body = answer.json()
        seen.add((answer.status_code, body.get("code") if answer.status_code != 200 else None))
    return seen


def test_gm_charge_completion_and_voltmeter_follow_the_charge_state(
    login, http: httpx.Client, expect_error
) -> None:
    for brand in ("CHEVROLET", "CADILLAC"):
        session = login(f"{brand.lower()}@example.com", brand=brand)
        url = f"/v2.0/vehicles/{session.vehicle}"
        make = f"{url}/{brand.lower()}/charge"
        # The charge state is the vehicle's own (v2.0 and v3 share it), not a new draw per
        # call: a login's first vehicle is plugged in and not charging.
        charge = http.get(f"{url}/charge", headers=session.headers).json()
        assert charge == {"isPluggedIn": True, "state": "NOT_CHARGING"}
        assert _statuses(http, f"{make}/voltmeter", session.headers, 5) == {(200, None)}
        times = _statuses(http, f"{make}/completion", session.headers, 5)
        assert times == {(409, "NOT_CHARGING")}
        # Unplugged: neither answers.
        unplug = http.post(
            "/_sandbox/vehicle_state", json={"vehicle_id": session.vehicle, "plugged": False}
        )
        assert unplug.status_code == 200, unplug.text
        for endpoint in ("voltmeter", "completion"):
            expect_error(
                http.get(f"{make}/{endpoint}", headers=session.headers),
                409,
                "VEHICLE_STATE",
                "CHARGING_PLUG_NOT_CONNECTED",
            )
        # Told to charge (v2.0 START plugs the car in): plugged in and charging.
        http.post(f"{url}/charge", json={"action": "START"}, headers=session.headers)
        assert set(http.get(f"{make}/completion", headers=session.headers).json()) == {"time"}
        assert set(http.get(f"{make}/voltmeter", headers=session.headers).json()) == {"voltage"}
        # Told to stop: still plugged in, not charging.
        http.post(f"{url}/charge", json={"action": "STOP"}, headers=session.headers)
        body = expect_error(
            http.get(f"{make}/completion", headers=session.headers),
            409,
            "VEHICLE_STATE",
            "NOT_CHARGING",
        )
        assert body["description"] == (
            "The vehicle is unable to perform your request because it is not currently charging."
        )
        assert http.get(f"{make}/voltmeter", headers=session.headers).status_code == 200


def test_permissions_the_vehicle_cannot_serve_are_not_granted(login, http: httpx.Client) -> None:
    session = login("2-vehicles@smartcar.com", brand="TESLA")
    tesla, audi = session.vehicles

    def granted(vehicle: str) -> list[str]:
        answer = http.get(
            f"/v2.0/vehicles/{vehicle}/permissions", params={"limit": 100}, headers=session.headers
        ).json()
        assert answer["paging"]["count"] == len(answer["permissions"])
        return answer["permissions"]

    requested = FULL_SCOPE.split()
    petrol = granted(audi)
    assert {"read_battery", "read_charge", "control_charge", "read_compass"}.isdisjoint(petrol)
    assert {"read_fuel", "read_engine_oil", "read_odometer", "control_security"} <= set(petrol)
    assert petrol == [p for p in requested if p in petrol]  # the requested order
    electric = granted(tesla)
    assert {"read_fuel", "read_engine_oil"}.isdisjoint(electric)
    assert {"read_battery", "read_charge", "control_charge", "read_compass"} <= set(electric)
    # Asked for but not servable: v2.0 says why (501); never asked for: 403.
    assert http.get(f"/v2.0/vehicles/{audi}/battery", headers=session.headers).status_code == 501
    narrow = login("a@example.com", brand="AUDI", scope="read_odometer read_battery read_charge")
    answer = http.get(f"/v2.0/vehicles/{narrow.vehicle}/permissions", headers=narrow.headers)
    assert answer.json() == {"permissions": ["read_odometer"], "paging": {"count": 1, "offset": 0}}
    assert (
        http.get(f"/v2.0/vehicles/{narrow.vehicle}/location", headers=narrow.headers).status_code
        == 403
    )


def test_incompatible_vehicle_holds_only_static_permissions(login, http: httpx.Client) -> None:
    session = login("0SCAUDI0000000002@incompatible.smartcar.com", scope=None)
    answer = http.get(
        f"/v2.0/vehicles/{session.vehicle}/permissions",
        params={"limit": 100},
        headers=session.headers,
    ).json()
    assert answer["permissions"] == [
        p for p in READ_PERMISSIONS if p in ("read_vehicle_info", "read_vin")
    ]


def test_error_texts_are_smartcars(login, http: httpx.Client, expect_error) -> None:
    asleep = login("VEHICLE_STATE.ASLEEP@smartcar.com")
    body = expect_error(
        http.get(f"/v2.0/vehicles/{asleep.vehicle}/odometer", headers=asleep.headers),
        409,
        "VEHICLE_STATE",
        "ASLEEP",
    )
    assert body["description"] == (
        "The vehicle is in a sleep state and temporarily unable to perform your request."
    )
    assert body["suggestedUserMessage"] == (
        "Your vehicle is in a sleep state. This request was not sent to preserve battery life."
    )
    upstream = login("UPSTREAM.NO_RESPONSE@smartcar.com")
    body = expect_error(
        http.get(f"/v2.0/vehicles/{upstream.vehicle}/odometer", headers=upstream.headers),
        502,
        "UPSTREAM",
        "NO_RESPONSE",
    )
    assert body["description"] == (
        "One of Smartcar’s upstream sources failed to respond. Please retry your request at a "
        "later time."
    )
    # Smartcar's "<app name>" is the application's name.
    assert body["suggestedUserMessage"] == (
        "Your car is temporarily unable to connect to carman sandbox. Please be patient while "
        "we’re working to resolve this issue."
    )
    account = login("CONNECTED_SERVICES_ACCOUNT.VEHICLE_MISSING@smartcar.com")
    body = expect_error(
        http.get(f"/v2.0/vehicles/{account.vehicle}/odometer", headers=account.headers),
        400,
        "CONNECTED_SERVICES_ACCOUNT",
        "VEHICLE_MISSING",
    )
    assert body["description"].startswith("This vehicle is no longer associated with the user’s")


def test_service_history_spans_the_vehicles_life(login, http: httpx.Client) -> None:
    session = login(brand="AUDI")  # a 2016 A4
    url = f"/v2.0/vehicles/{session.vehicle}/service/history"
    recent = http.get(url, headers=session.headers).json()
    now = datetime.now(UTC)
    for record in recent:  # no dates: the last year
        served = datetime.fromisoformat(record["serviceDate"].replace("Z", "+00:00"))
        assert now - timedelta(days=366) <= served <= now
    lifetime = http.get(
        url,
        params={"startDate": "2016-01-01", "endDate": now.strftime("%Y-%m-%d")},
        headers=session.headers,
    ).json()
    assert len(lifetime) >= 8  # a visit every 5-13 months since 2016
    dates = [r["serviceDate"] for r in lifetime]
    assert dates == sorted(dates, reverse=True) and dates[-1] < "2017-12-31"
    distances = [r["odometerDistance"] for r in lifetime]
    assert distances == sorted(distances, reverse=True)  # the odometer only grows
    past = http.get(
        url, params={"startDate": "2018-01-01", "endDate": "2019-12-31"}, headers=session.headers
    ).json()
    assert past and all("2018-01-01" <= r["serviceDate"][:10] <= "2019-12-31" for r in past)
    assert past == [r for r in lifetime if "2018" <= r["serviceDate"][:4] <= "2019"]
    tasks = {t["taskDescription"] for r in lifetime for t in r["serviceTasks"]}
    assert "Oil and filter change" in tasks or "Spark plug replacement" in tasks
    electric = login("e@example.com", brand="TESLA")
    history = http.get(
        f"/v2.0/vehicles/{electric.vehicle}/service/history",
        params={"startDate": "2020-01-01"},
        headers=electric.headers,
    ).json()
    assert history and all(
        t["taskDescription"] not in ("Oil and filter change", "Spark plug replacement")
        for r in history
        for t in r["serviceTasks"]
    )
