"""Compatibility API (Basic client auth) and Management API (Basic default:AMT)."""

from __future__ import annotations

import base64

import httpx
import pytest

from tui.sandbox import Sandbox


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def client_auth(sandbox: Sandbox) -> dict[str, str]:
    return basic(sandbox.client_id, sandbox.client_secret)


@pytest.fixture
def amt_auth(sandbox: Sandbox) -> dict[str, str]:
    return basic("default", sandbox.amt)


def test_compatibility_by_vin(http: httpx.Client, client_auth, expect_error, login) -> None:
    session = login("0SCTESLA000000009@bev.smartcar.com")
    answer = http.get(
        "/v2.0/compatibility",
        headers=client_auth,
        params={"vin": "0SCTESLA000000009", "scope": "read_odometer read_battery read_fuel"},
    )
    body = answer.json()
    assert body["compatible"] is True and body["reason"] is None
    capable = {(c["endpoint"], c["capable"], c["reason"]) for c in body["capabilities"]}
    assert ("/fuel", False, "VEHICLE_NOT_CAPABLE") in capable
    assert ("/battery", True, None) in capable and ("/battery/capacity", True, None) in capable
    assert session.vehicle


@pytest.mark.parametrize(
    ("params", "compatible", "capabilities"),
    [
        ({"test_mode_compatibility_level": "fuel"}, True, [("/fuel", True)]),
        ({"test_mode_compatibility_level": "bev"}, True, [("/fuel", False)]),
        # Not compatible: no capabilities at all, whatever the scope.
        ({"test_mode_compatibility_level": "incompatible"}, False, []),
        ({"test_mode_compatibility_level": "dinosaur"}, False, []),
        ({"country": "DE"}, True, []),
        ({}, True, [("/fuel", True)]),  # a 2019 Honda Accord burns petrol
    ],
)
def test_compatibility_levels_and_countries(
    http: httpx.Client, client_auth, params, compatible, capabilities
) -> None:
    body = http.get(
        "/v2.0/compatibility",
        headers=client_auth,
        params={"vin": "1HGCV1F30KA000001", "scope": "read_fuel", **params},
    ).json()
    assert body["compatible"] is compatible
    assert body["reason"] == (None if compatible else "VEHICLE_NOT_COMPATIBLE")
    assert [(c["endpoint"], c["capable"]) for c in body["capabilities"]] == capabilities


@pytest.mark.parametrize(
    "params",
    [
        {"scope": "read_fuel"},
        {"vin": "SHORT", "scope": "read_fuel"},
        {"vin": "1HGCM82633A004352"},
        {"vin": "1HGCM82633A004352", "scope": "read_everything"},
        {"vin": "1HGCM82633A004352", "scope": "read_fuel", "country": "Germany"},
        {"vin": "1HGCM82633A004352", "scope": "read_fuel", "test_mode_compatibility_level": "x"},
    ],
)
def test_compatibility_validation(http: httpx.Client, client_auth, expect_error, params) -> None:
    expect_error(
        http.get("/v2.0/compatibility", headers=client_auth, params=params), 400, "VALIDATION"
    )


def test_compatibility_needs_client_credentials(
    http: httpx.Client, sandbox: Sandbox, expect_error
) -> None:
    params = {"vin": "1HGCM82633A004352", "scope": "read_fuel"}
    expect_error(http.get("/v2.0/compatibility", params=params), 401, "AUTHENTICATION")
    expect_error(
        http.get("/v2.0/compatibility", params=params, headers=basic(sandbox.client_id, "wrong")),
        401,
        "AUTHENTICATION",
    )


def test_compatibility_matrix(http: httpx.Client, client_auth, expect_error) -> None:
    everything = http.get(
        "/v2.0/compatibility/matrix", headers=client_auth, params={"region": "US"}
    ).json()
    assert {"TESLA", "AUDI", "CHEVROLET"} <= set(everything)
    model = everything["TESLA"][0]
    assert set(model) == {"model", "startYear", "endYear", "type", "endpoints", "permissions"}
    assert "EV battery" in model["endpoints"] and "read_fuel" not in model["permissions"]
    electric = http.get(
        "/v2.0/compatibility/matrix",
        headers=client_auth,
        params={"region": "EUROPE", "make": "AUDI FORD", "type": "BEV"},
    ).json()
    assert set(electric) == {"AUDI", "FORD"}
    assert all(m["type"] == "BEV" for models in electric.values() for m in models)
    expect_error(http.get("/v2.0/compatibility/matrix", headers=client_auth), 400, "VALIDATION")


def test_management_connections(
    login, http: httpx.Client, sandbox: Sandbox, amt_auth, expect_error
) -> None:
    first = login("one@example.com")
    sandbox.clock.advance(5)
    second = login("3-vehicles@smartcar.com")
    answer = http.get("/v2.0/management/connections/", headers=amt_auth)
    assert answer.status_code == 200
    connections = answer.json()["connections"]
    assert len(connections) == 4 and connections[-1]["vehicleId"] == first.vehicle
    assert set(connections[0]) == {"userId", "vehicleId", "connectedAt", "mode"}
    assert connections[0]["mode"] == "test"
    page = http.get("/v2.0/management/connections", headers=amt_auth, params={"limit": 3}).json()
    assert len(page["connections"]) == 3 and page["paging"]["cursor"]
    rest = http.get(
        "/v2.0/management/connections",
        headers=amt_auth,
        params={"limit": 3, "cursor": page["paging"]["cursor"]},
    ).json()
    assert rest["connections"] == connections[3:] and rest["paging"]["cursor"] is None
    mine = http.get(
        "/v2.0/management/connections", headers=amt_auth, params={"vehicle_id": second.vehicles[1]}
    ).json()["connections"]
    assert [c["vehicleId"] for c in mine] == [second.vehicles[1]]
    user_id = mine[0]["userId"]
    deleted = http.delete(
        "/v2.0/management/connections", headers=amt_auth, params={"user_id": user_id}
    ).json()["connections"]
    assert {c["vehicleId"] for c in deleted} == set(second.vehicles)
    expect_error(
        http.get(f"/v2.0/vehicles/{second.vehicle}/odometer", headers=second.headers),
        401,
        "AUTHENTICATION",
    )
    assert http.get(f"/v2.0/vehicles/{first.vehicle}/vin", headers=first.headers).is_success


@pytest.mark.parametrize(
    "params", [{"limit": 101}, {"limit": "x"}, {"cursor": "@@@"}, {"mode": "party"}]
)
def test_management_validation(http: httpx.Client, amt_auth, expect_error, params) -> None:
    expect_error(
        http.get("/v2.0/management/connections", headers=amt_auth, params=params), 400, "VALIDATION"
    )


def test_management_auth_and_delete_needs_a_filter(
    http: httpx.Client, sandbox: Sandbox, amt_auth, expect_error
) -> None:
    for headers in (
        {},
        basic("default", "wrong"),
        basic("admin", sandbox.amt),
        {"Authorization": f"Bearer {sandbox.amt}"},
    ):
        expect_error(
            http.get("/v2.0/management/connections", headers=headers), 401, "AUTHENTICATION"
        )
    expect_error(http.delete("/v2.0/management/connections", headers=amt_auth), 400, "VALIDATION")
