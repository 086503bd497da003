"""Vehicle API v2.0: endpoints, errors, headers, units, paging, batch and commands."""

from __future__ import annotations

import re

import httpx
import pytest

from tui.sandbox import Sandbox

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

READS = {
    "": {"id", "make", "model", "year"},
    "/vin": {"vin"},
    "/odometer": {"distance"},
    "/location": {"latitude", "longitude"},
    "/battery": {"percentRemaining", "range"},
    "/battery/capacity": {"capacity"},
    "/battery/nominal_capacity": {"availableCapacities", "capacity", "url"},
    "/charge": {"isPluggedIn", "state"},
    "/charge/limit": {"limit"},
    "/fuel": {"amountRemaining", "percentRemaining", "range"},
    "/tires/pressure": {"frontLeft", "frontRight", "backLeft", "backRight"},
    "/engine/oil": {"lifeRemaining"},
    "/security": {"isLocked", "doors", "windows", "sunroof", "storage", "chargingPort"},
    "/diagnostics/system_status": {"systems"},
    "/diagnostics/dtcs": {"activeCodes"},
}
UNIT_BEARING = {"/odometer", "/battery", "/fuel", "/tires/pressure"}


def test_every_read_endpoint_of_a_plug_in_hybrid(login, http: httpx.Client) -> None:
    session = login(brand="CHEVROLET")
    for path, keys in READS.items():
        answer = http.get(f"/v2.0/vehicles/{session.vehicle}{path}", headers=session.headers)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["content-type"] == "application/json"
        assert set(answer.json()) == keys, path
        assert len(answer.headers["sc-request-id"]) == 36
        if path not in ("", "/vin"):
            assert ISO.match(answer.headers["sc-data-age"]), path
            assert ISO.match(answer.headers["sc-fetched-at"]), path
        assert ("sc-unit-system" in answer.headers) == (path in UNIT_BEARING), path
    history = http.get(f"/v2.0/vehicles/{session.vehicle}/service/history", headers=session.headers)
    assert isinstance(history.json(), list) and history.json()[0]["serviceTasks"]


def test_values_stay_in_documented_ranges(login, http: httpx.Client) -> None:
    session = login(brand="CHEVROLET")
    url = f"/v2.0/vehicles/{session.vehicle}"
    for _ in range(15):
        odometer = http.get(f"{url}/odometer", headers=session.headers).json()
        assert 10_000 <= odometer["distance"] <= 300_000
        place = http.get(f"{url}/location", headers=session.headers).json()
        assert 37 <= place["latitude"] <= 41 and -109.05 <= place["longitude"] <= -102.05
        tires = http.get(f"{url}/tires/pressure", headers=session.headers).json()
        assert all(175 <= value <= 237 for value in tires.values())
        fuel = http.get(f"{url}/fuel", headers=session.headers).json()
        assert 0 <= fuel["percentRemaining"] <= 1 and 0 <= fuel["range"] <= 483
        battery = http.get(f"{url}/battery", headers=session.headers).json()
        assert 0 <= battery["percentRemaining"] <= 1 and 0 <= battery["range"] <= 483


def test_attributes_of_the_default_models(login, http: httpx.Client) -> None:
    for brand, model, year in (
        ("TESLA", "Model 3", 2021),
        ("AUDI", "A4", 2016),
        ("NISSAN", "Leaf", 2020),
    ):
        session = login(f"{brand.lower()}@example.com", brand=brand)
        body = http.get(f"/v2.0/vehicles/{session.vehicle}/", headers=session.headers).json()
        assert (body["make"], body["model"], body["year"]) == (brand, model, year)


def test_two_vehicles_give_an_electric_and_a_petrol_car(login, http: httpx.Client) -> None:
    session = login("2-vehicles@smartcar.com", brand="TESLA")
    assert len(session.vehicles) == 2
    fuel = [
        http.get(f"/v2.0/vehicles/{v}/fuel", headers=session.headers).status_code
        for v in session.vehicles
    ]
    battery = [
        http.get(f"/v2.0/vehicles/{v}/battery", headers=session.headers).status_code
        for v in session.vehicles
    ]
    assert fuel == [501, 200] and battery == [200, 501]


def test_capability_errors(login, http: httpx.Client, expect_error) -> None:
    electric = login("0SCTESLA000000001@bev.smartcar.com")
    petrol = login("0SCAUDI0000000001@fuel.smartcar.com")
    expect_error(
        http.get(f"/v2.0/vehicles/{electric.vehicle}/fuel", headers=electric.headers),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )
    expect_error(
        http.get(f"/v2.0/vehicles/{electric.vehicle}/engine/oil", headers=electric.headers),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )
    for path in ("/battery", "/charge", "/charge/limit"):
        expect_error(
            http.get(f"/v2.0/vehicles/{petrol.vehicle}{path}", headers=petrol.headers),
            501,
            "COMPATIBILITY",
            "VEHICLE_NOT_CAPABLE",
        )
    expect_error(
        http.post(
            f"/v2.0/vehicles/{petrol.vehicle}/charge",
            json={"action": "START"},
            headers=petrol.headers,
        ),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )
    vin = http.get(f"/v2.0/vehicles/{petrol.vehicle}/vin", headers=petrol.headers).json()
    assert vin == {"vin": "0SCAUDI0000000001"}


def test_incompatible_level_answers_only_static_endpoints(
    login, http: httpx.Client, expect_error
) -> None:
    session = login("0SCAUDI0000000002@incompatible.smartcar.com")
    url = f"/v2.0/vehicles/{session.vehicle}"
    assert http.get(f"{url}/vin", headers=session.headers).status_code == 200
    assert http.get(url, headers=session.headers).status_code == 200
    expect_error(
        http.get(f"{url}/odometer", headers=session.headers),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )


def test_permission_errors(login, http: httpx.Client, expect_error) -> None:
    session = login(scope="read_vin")
    body = expect_error(
        http.get(f"/v2.0/vehicles/{session.vehicle}/odometer", headers=session.headers),
        403,
        "PERMISSION",
    )
    assert body["resolution"] == {"type": "REAUTHENTICATE"}
    expect_error(
        http.post(
            f"/v2.0/vehicles/{session.vehicle}/security",
            json={"action": "LOCK"},
            headers=session.headers,
        ),
        403,
        "PERMISSION",
    )


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basic Zm9vOmJhcg=="},
        {"Authorization": "Bearer"},
    ],
)
def test_authentication_errors(
    login, http: httpx.Client, expect_error, headers: dict[str, str]
) -> None:
    session = login()
    expect_error(
        http.get(f"/v2.0/vehicles/{session.vehicle}/odometer", headers=headers),
        401,
        "AUTHENTICATION",
    )
    expect_error(http.get("/v2.0/vehicles", headers=headers), 401, "AUTHENTICATION")


def test_vehicle_of_another_token_or_malformed_id(login, http: httpx.Client, expect_error) -> None:
    mine, theirs = login("me@example.com"), login("them@example.com")
    expect_error(
        http.get(f"/v2.0/vehicles/{theirs.vehicle}/odometer", headers=mine.headers),
        401,
        "AUTHENTICATION",
    )
    body = expect_error(
        http.get("/v2.0/vehicles/bad_id/odometer", headers=mine.headers), 400, "VALIDATION"
    )
    assert body["detail"][0]["field"] == ["vehicle_id"]


def test_forced_errors_spare_static_endpoints(login, http: httpx.Client, expect_error) -> None:
    session = login("UPSTREAM.KNOWN_ISSUE@smartcar.com")
    url = f"/v2.0/vehicles/{session.vehicle}"
    assert http.get(f"{url}/vin", headers=session.headers).json() == {"vin": "0SCLR0002A8760B72"}
    assert http.get(url, headers=session.headers).status_code == 200
    assert http.get(f"{url}/permissions", headers=session.headers).status_code == 200
    body = expect_error(
        http.get(f"{url}/odometer", headers=session.headers), 502, "UPSTREAM", "KNOWN_ISSUE"
    )
    assert body["resolution"] == {"type": "RETRY_LATER"} and body["suggestedUserMessage"]
    expect_error(
        http.post(f"{url}/security", json={"action": "LOCK"}, headers=session.headers),
        502,
        "UPSTREAM",
        "KNOWN_ISSUE",
    )


def test_forced_authentication_failed_carries_a_reauth_url(
    login, http: httpx.Client, sandbox: Sandbox, expect_error
) -> None:
    session = login("connected_services_account.authentication_failed@smartcar.com")
    body = expect_error(
        http.get(f"/v2.0/vehicles/{session.vehicle}/location", headers=session.headers),
        400,
        "CONNECTED_SERVICES_ACCOUNT",
        "AUTHENTICATION_FAILED",
    )
    assert body["resolution"]["type"] == "REAUTHENTICATE"
    assert body["resolution"]["url"].startswith(f"{sandbox.base_url}/oauth/reauthenticate?")


def test_make_specific_endpoints(login, http: httpx.Client, expect_error) -> None:
    tesla = login("t@example.com", brand="TESLA")
    url = f"/v2.0/vehicles/{tesla.vehicle}/tesla"
    expected = {
        "/compass": {"direction", "heading"},
        "/speedometer": {"speed"},
        "/thermometer/exterior": {"temperature"},
        "/thermometer/interior": {"temperature"},
        "/climate/cabin": {"status", "temperature"},
        "/charge/ammeter": {"amperage"},
        "/charge/voltmeter": {"voltage"},
        "/charge/wattmeter": {"wattage"},
        "/charge/completion": {"time"},
        "/status": {"softwareVersion", "sentryMode", "valetMode", "isUserPresent"},
        "/attributes": {"color", "wheelType", "seatCount", "trim"},
    }
    for path, keys in expected.items():
        answer = http.get(f"{url}{path}", headers=tesla.headers)
        assert answer.status_code == 200 and set(answer.json()) == keys, (path, answer.text)
    cabin = http.post(
        f"{url}/climate/cabin", json={"action": "SET", "temperature": 24}, headers=tesla.headers
    )
    assert cabin.json() == {"status": "OFF", "temperature": 24.0}
    http.post(f"{url}/climate/cabin", json={"action": "START"}, headers=tesla.headers)
    assert http.get(f"{url}/climate/cabin", headers=tesla.headers).json()["status"] == "ON"
    assert (
        http.post(f"{url}/charge/ammeter", json={"amperage": 32}, headers=tesla.headers).status_code
        == 200
    )
    assert http.get(f"{url}/charge/ammeter", headers=tesla.headers).json() == {"amperage": 32}
    expect_error(
        http.get(f"/v2.0/vehicles/{tesla.vehicle}/TESLA/compass", headers=tesla.headers),
        403,
        "PERMISSION",
    )
    # Another make's endpoint is one this vehicle cannot serve; a word that names no make
    # is an unknown path.
    for other in ("audi/compass", "bmw/charge/records", "tesla/charge/records"):
        expect_error(
            http.get(f"/v2.0/vehicles/{tesla.vehicle}/{other}", headers=tesla.headers),
            501,
            "COMPATIBILITY",
            "VEHICLE_NOT_CAPABLE",
        )
    expect_error(
        http.get(f"/v2.0/vehicles/{tesla.vehicle}/delorean/compass", headers=tesla.headers),
        404,
        "RESOURCE_NOT_FOUND",
        "PATH",
    )
    expect_error(
        http.get(
            f"/v2.0/vehicles/{tesla.vehicle}/chevrolet/charge/voltmeter", headers=tesla.headers
        ),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )
    audi = login("a@example.com", brand="AUDI")
    expect_error(
        http.get(f"/v2.0/vehicles/{audi.vehicle}/tesla/compass", headers=audi.headers),
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )


def test_brand_schedules_persist(login, http: httpx.Client, expect_error) -> None:
    ford = login("f@example.com", brand="FORD")
    url = f"/v2.0/vehicles/{ford.vehicle}/ford/charge/schedule_by_location"
    body = {
        "chargingLocation": {
            "chargeLimit": 0.8,
            "chargingWindows": {"weekday": [{"start": "17:00", "end": "06:00"}], "weekend": []},
        }
    }
    saved = http.put(
        url, params={"latitude": 39.7, "longitude": -105.0}, json=body, headers=ford.headers
    )
    assert saved.status_code == 200, saved.text
    listed = http.get(url, headers=ford.headers).json()["chargingLocations"]
    assert listed[0]["chargeLimit"] == 0.8
    expect_error(http.put(url, json=body, headers=ford.headers), 400, "VALIDATION")
    nissan = login("n@example.com", brand="NISSAN")
    url = f"/v2.0/vehicles/{nissan.vehicle}/nissan/charge/schedule"
    plan = {"chargeSchedules": [{"start": "08:00", "end": "12:00", "days": ["MONDAY"]}]}
    assert http.put(url, json=plan, headers=nissan.headers).status_code == 200
    assert http.get(url, headers=nissan.headers).json() == plan
    bad = {"chargeSchedules": [{"start": "25:00", "end": "12:00", "days": ["MONDAY"]}]}
    body = expect_error(http.put(url, json=bad, headers=nissan.headers), 400, "VALIDATION")
    assert body["detail"][0]["field"] == ["chargeSchedules", 0, "start"]


def test_commands_and_their_lasting_effects(login, http: httpx.Client) -> None:
    session = login(brand="CHEVROLET")
    url = f"/v2.0/vehicles/{session.vehicle}"
    success = {"status": "success", "message": "Successfully sent request to vehicle"}
    for action, locked in (("LOCK", True), ("UNLOCK", False)):
        answer = http.post(f"{url}/security", json={"action": action}, headers=session.headers)
        assert answer.json() == success
        assert http.get(f"{url}/security", headers=session.headers).json()["isLocked"] is locked
    assert (
        http.post(f"{url}/charge/limit", json={"limit": "0.85"}, headers=session.headers).json()
        == success
    )
    assert http.get(f"{url}/charge/limit", headers=session.headers).json() == {"limit": 0.85}
    http.post(f"{url}/charge", json={"action": "START"}, headers=session.headers)
    assert http.get(f"{url}/charge", headers=session.headers).json() == {
        "isPluggedIn": True,
        "state": "CHARGING",
    }
    assert (
        http.post(
            f"{url}/navigation/destination",
            json={"latitude": 1, "longitude": 2},
            headers=session.headers,
        ).json()
        == success
    )


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/security", {"action": "OPEN"}, "action"),
        ("/security", {}, "action"),
        ("/charge", {"action": "start"}, "action"),
        ("/charge/limit", {"limit": 0.4}, "limit"),
        ("/charge/limit", {"limit": 1.01}, "limit"),
        ("/charge/limit", {"limit": "lots"}, "limit"),
        ("/charge/limit", {"limit": True}, "limit"),
        ("/charge/limit", {}, "limit"),
        ("/navigation/destination", {"latitude": 90.5, "longitude": 0}, "latitude"),
        ("/navigation/destination", {"latitude": 0, "longitude": -181}, "longitude"),
        ("/navigation/destination", {"latitude": 0}, "longitude"),
        ("/security", b"{not json", "body"),
        ("/security", b"[1, 2]", "body"),
        ("/security", b"", "body"),
    ],
)
def test_command_validation(
    login, http: httpx.Client, expect_error, path: str, body: object, field: str
) -> None:
    session = login(brand="CHEVROLET")
    url = f"/v2.0/vehicles/{session.vehicle}{path}"
    answer = (
        http.post(
            url, content=body, headers={**session.headers, "Content-Type": "application/json"}
        )
        if isinstance(body, bytes)
        else http.post(url, json=body, headers=session.headers)
    )
    error = expect_error(answer, 400, "VALIDATION")
    assert error["detail"][0]["field"] == [field] and error["detail"][0]["message"]


def test_units_follow_sc_unit_system(isolated_dirs, tls) -> None:
    from tui.sandbox import start_sandbox

    values = {}
    for unit in ("metric", "IMPERIAL"):
        with (
            start_sandbox(state_dir=isolated_dirs / unit, seed=11) as twin,
            httpx.Client(base_url=twin.base_url, verify=tls) as client,
        ):
            url = (
                f"{twin.connect_url}?response_type=code&client_id={twin.client_id}"
                f"&scope=read_odometer+read_fuel+read_tires+read_battery&mode=test"
            )
            code = dict(
                p.split("=")
                for p in twin.approve(url, "u@example.com", brand="CHEVROLET")
                .split("?")[1]
                .split("&")
            )["code"]
            token = client.post(
                "/oauth/token",
                auth=(twin.client_id, twin.client_secret),
                data={"grant_type": "authorization_code", "code": code},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}", "SC-UNIT-SYSTEM": unit}
            vehicle = client.get("/v2.0/vehicles", headers=headers).json()["vehicles"][0]
            values[unit.lower()] = {
                path: client.get(f"/v2.0/vehicles/{vehicle}{path}", headers=headers)
                for path in ("/odometer", "/fuel", "/tires/pressure", "/battery")
            }
    metric, imperial = values["metric"], values["imperial"]
    assert imperial["/odometer"].headers["sc-unit-system"] == "imperial"
    assert metric["/odometer"].headers["sc-unit-system"] == "metric"
    km = metric["/odometer"].json()["distance"]
    assert imperial["/odometer"].json()["distance"] == pytest.approx(km * 0.621371, abs=0.1)
    liters = metric["/fuel"].json()["amountRemaining"]
    assert imperial["/fuel"].json()["amountRemaining"] == pytest.approx(liters / 3.78541, abs=0.01)
    kpa = metric["/tires/pressure"].json()["frontLeft"]
    assert imperial["/tires/pressure"].json()["frontLeft"] == pytest.approx(kpa * 0.145038, abs=0.1)
    assert (
        imperial["/battery"].json()["percentRemaining"]
        == metric["/battery"].json()["percentRemaining"]
    )


def test_unknown_unit_system_is_a_validation_error(login, http: httpx.Client, expect_error) -> None:
    session = login()
    expect_error(
        http.get(
            f"/v2.0/vehicles/{session.vehicle}/odometer",
            headers={**session.headers, "sc-unit-system": "furlongs"},
        ),
        400,
        "VALIDATION",
    )


def test_paths_versions_and_trailing_slashes(login, http: httpx.Client, expect_error) -> None:
    session = login()
    for url in (
        f"/v2.0/vehicles/{session.vehicle}/odometer/",
        "/v2.0/vehicles/",
        "/v2.0/user/",
        f"/v99999999.99/vehicles/{session.vehicle}/odometer",
        f"/v1.0/vehicles/{session.vehicle}/",
    ):
        assert http.get(url, headers=session.headers).status_code == 200, url
    for url in ("/vabc/vehicles", "/v2/vehicles", "/vX.Y/user"):
        expect_error(http.get(url, headers=session.headers), 404, "RESOURCE_NOT_FOUND", "VERSION")
    for url in (
        "/v2.0/nothing",
        "/vehicles",
        f"/v2.0/vehicles/{session.vehicle}/odometerx",
        "/oauth/elsewhere",
        "/v2.0/user/extra",
    ):
        expect_error(http.get(url, headers=session.headers), 404, "RESOURCE_NOT_FOUND", "PATH")
    expect_error(
        http.delete(f"/v2.0/vehicles/{session.vehicle}/odometer", headers=session.headers),
        404,
        "RESOURCE_NOT_FOUND",
        "PATH",
    )
    index = http.get("/")
    assert index.status_code == 200 and index.json()["token_url"].endswith("/oauth/token")


def test_user_and_vehicle_paging(login, http: httpx.Client, expect_error) -> None:
    session = login("12-vehicles@smartcar.com")
    assert len(session.vehicles) == 12
    user = http.get("/v2.0/user", headers=session.headers).json()
    assert set(user) == {"id"} and len(user["id"]) == 36
    first = http.get("/v2.0/vehicles", headers=session.headers).json()
    assert first["paging"] == {"count": 12, "offset": 0} and len(first["vehicles"]) == 10
    rest = http.get(
        "/v2.0/vehicles", params={"limit": "5", "offset": "10"}, headers=session.headers
    ).json()
    assert rest["vehicles"] == session.vehicles[10:] and rest["paging"]["offset"] == 10
    beyond = http.get("/v2.0/vehicles", params={"offset": 40}, headers=session.headers).json()
    assert beyond == {"paging": {"count": 12, "offset": 40}, "vehicles": []}
    for params in ({"limit": 51}, {"limit": 0}, {"limit": "ten"}, {"offset": -1}):
        expect_error(
            http.get("/v2.0/vehicles", params=params, headers=session.headers), 400, "VALIDATION"
        )


def test_batch(login, http: httpx.Client, expect_error) -> None:
    session = login(brand="TESLA", scope="read_odometer read_vin read_fuel read_tires")
    url = f"/v2.0/vehicles/{session.vehicle}/batch"
    answer = http.post(
        url,
        json={
            "requests": [
                {"path": "/odometer"},
                {"path": "/location"},
                {"path": "/fuel"},
                {"path": "/vin/"},
                {"path": "/tires/pressure"},
            ]
        },
        headers={**session.headers, "sc-unit-system": "imperial"},
    )
    assert answer.status_code == 200 and answer.headers["sc-unit-system"] == "imperial"
    items = answer.json()["responses"]
    assert [(i["path"], i["code"]) for i in items] == [
        ("/odometer", 200),
        ("/location", 403),
        ("/fuel", 501),
        ("/vin", 200),
        ("/tires/pressure", 200),
    ]
    assert items[0]["headers"]["sc-unit-system"] == "imperial"
    assert ISO.match(items[0]["headers"]["sc-data-age"])
    assert items[1]["body"]["type"] == "PERMISSION" and items[1]["body"]["statusCode"] == 403
    assert items[2]["body"]["code"] == "VEHICLE_NOT_CAPABLE"
    unknown = expect_error(
        http.post(
            url,
            json={"requests": [{"path": "/odometer"}, {"path": "/odometr"}]},
            headers=session.headers,
        ),
        400,
        "VALIDATION",
    )
    assert unknown["detail"][0]["field"] == ["requests", 1, "path"]
    missing = expect_error(
        http.post(url, json={"paths": []}, headers=session.headers), 400, "VALIDATION"
    )
    assert missing["detail"] == [{"field": ["requests"], "message": '"requests" is required'}]
    expect_error(http.post(url, content=b"{", headers=session.headers), 400, "VALIDATION")
    expect_error(
        http.post(
            url,
            json={"requests": [{"path": "/security"}, {"path": "/batch"}]},
            headers=session.headers,
        ),
        400,
        "VALIDATION",
    )


def test_disconnect_revokes_only_that_vehicle(login, http: httpx.Client, expect_error) -> None:
    session = login("2-vehicles@smartcar.com")
    first, second = session.vehicles
    answer = http.delete(f"/v2.0/vehicles/{first}/application", headers=session.headers)
    assert answer.status_code == 200 and answer.json() == {"status": "success"}
    expect_error(
        http.get(f"/v2.0/vehicles/{first}/odometer", headers=session.headers), 401, "AUTHENTICATION"
    )
    assert http.get(f"/v2.0/vehicles/{second}/odometer", headers=session.headers).is_success
    assert http.get("/v2.0/vehicles", headers=session.headers).json()["vehicles"] == [second]


def test_webhooks(login, http: httpx.Client, sandbox: Sandbox, expect_error) -> None:
    session = login()
    webhook = sandbox.webhook_ids[0]
    url = f"/v2.0/vehicles/{session.vehicle}/webhooks/{webhook}"
    assert http.post(url, headers=session.headers).json() == {
        "webhookId": webhook,
        "vehicleId": session.vehicle,
    }
    expect_error(
        http.post(f"/v2.0/vehicles/{session.vehicle}/webhooks/unknown", headers=session.headers),
        400,
        "VALIDATION",
    )
    expect_error(http.delete(url, headers=session.headers), 401, "AUTHENTICATION")
    answer = http.delete(url, headers={"Authorization": f"Bearer {sandbox.amt}"})
    assert answer.json() == {"status": "success"}


def test_v3_vehicle_and_signals(login, http: httpx.Client) -> None:
    # A v2.0 access token reads v3 (the "legacy bearer" the official SDKs use); the full v3
    # behaviour is tested in test_sandbox_v3_*.py.
    session = login(brand="TESLA", scope="read_odometer read_vin read_battery read_fuel")
    vehicle = http.get(f"/v3/vehicles/{session.vehicle}", headers=session.headers).json()
    assert vehicle["data"]["type"] == "vehicle"
    assert vehicle["data"]["attributes"]["make"] == "TESLA"
    signals = http.get(f"/v3/vehicles/{session.vehicle}/signals", headers=session.headers)
    status = {s["id"]: s["attributes"]["status"] for s in signals.json()["data"]}
    assert status["odometer-traveleddistance"] == {"value": "SUCCESS"}
    assert status["tractionbattery-stateofcharge"] == {"value": "SUCCESS"}
    assert status["internalcombustionengine-fuellevel"]["error"] == {  # a BEV has no fuel
        "type": "COMPATIBILITY",
        "code": "VEHICLE_NOT_CAPABLE",
    }
    assert status["location-preciselocation"]["error"] == {"type": "PERMISSION", "code": None}
    assert signals.json()["meta"]["totalCount"] == len(status)
    one = http.get(
        f"/v3/vehicles/{session.vehicle}/signals/odometer-traveleddistance",
        headers={**session.headers, "sc-unit-system": "imperial"},
    ).json()["data"]
    assert one["attributes"]["status"] == {"value": "SUCCESS"}
    assert one["attributes"]["body"]["unit"] == "miles"


@pytest.mark.parametrize(
    ("path", "auth", "status", "error_type"),
    [
        ("/signals/no-such-signal", True, 404, "RESOURCE_NOT_FOUND"),
        ("/signals/location-preciselocation", True, 403, "PERMISSION"),
        ("/signals/internalcombustionengine-fuellevel", True, 501, "COMPATIBILITY"),
        ("/signals", False, 401, "AUTHENTICATION"),
    ],
)
def test_v3_errors_use_the_v3_shape(
    login, http: httpx.Client, path: str, auth: bool, status: int, error_type: str
) -> None:
    session = login(brand="TESLA", scope="read_odometer read_fuel")
    answer = http.get(
        f"/v3/vehicles/{session.vehicle}{path}", headers=session.headers if auth else {}
    )
    assert answer.status_code == status
    error = answer.json()["errors"][0]
    assert error["status"] == str(status) and error["type"] == error_type
    assert error["links"]["about"].startswith("https://smartcar.com/docs/errors/")


def test_service_history_date_filter(login, http: httpx.Client, expect_error) -> None:
    session = login(brand="CHEVROLET")
    url = f"/v2.0/vehicles/{session.vehicle}/service/history"
    assert http.get(url, params={"startDate": "2999-01-01"}, headers=session.headers).json() == []
    assert http.get(url, params={"end_date": "1999-12-31"}, headers=session.headers).json() == []
    wide = http.get(
        url, params={"start_date": "2000-01-01", "endDate": "2999-12-31"}, headers=session.headers
    ).json()
    assert wide and all(item["serviceDate"] >= "2000" for item in wide)
    expect_error(
        http.get(url, params={"startDate": "last tuesday"}, headers=session.headers),
        400,
        "VALIDATION",
    )
