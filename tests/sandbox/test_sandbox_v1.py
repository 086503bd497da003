"""Vehicle API v1.0 (issue 21): answers in v1.0's shapes, read by the official SDK too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

V1_KEYS = {"error", "message", "code", "statusCode", "requestId"}


def v1_error(response: httpx.Response, status: int, name: str, code: str | None = None) -> dict:
    """The response is a v1.0 error body of this kind."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == V1_KEYS, body
    assert (body["error"], body["code"], body["statusCode"]) == (name, code, status), body
    assert body["message"] and body["requestId"] == response.headers["sc-request-id"]
    return body


def test_official_sdk_reads_v1_errors(run_sdk: Callable[..., dict[str, Any]]) -> None:
    summary = run_sdk("sdk_v1_vin_client.py", "v1")
    assert summary == {"checked": "v1", "denied": "permission_error", "invalid": "validation_error"}


def test_v1_errors_have_the_v1_shape(login, http: httpx.Client) -> None:
    petrol = login("0SCAUDI0000000007@fuel.smartcar.com", scope="read_odometer read_battery")
    url = f"/v1.0/vehicles/{petrol.vehicle}"
    assert http.get(f"{url}/odometer", headers=petrol.headers).json()["distance"] > 0
    body = v1_error(http.get(f"{url}/battery", headers=petrol.headers), 403, "permission_error")
    assert body["message"] == "Insufficient permissions to access requested resource."
    v1_error(http.get(f"{url}/location", headers=petrol.headers), 403, "permission_error")
    v1_error(http.get(f"{url}/odometer"), 401, "authentication_error")
    v1_error(
        http.get("/v1.0/vehicles/bad_id/odometer", headers=petrol.headers), 400, "validation_error"
    )
    v1_error(http.get(f"{url}/no/such/thing", headers=petrol.headers), 404, "resource_not_found")
    # v2.0 keeps its own shape for the same calls.
    assert (
        http.get(f"/v2.0/vehicles/{petrol.vehicle}/battery", headers=petrol.headers).json()["type"]
        == "COMPATIBILITY"
    )


def test_v1_state_and_account_errors_carry_v1_codes(login, http: httpx.Client) -> None:
    door = login("VEHICLE_STATE.DOOR_OPEN@smartcar.com")
    answer = http.post(
        f"/v1.0/vehicles/{door.vehicle}/security", json={"action": "LOCK"}, headers=door.headers
    )
    v1_error(answer, 409, "vehicle_state_error", "VS_001")
    asleep = login("VEHICLE_STATE.ASLEEP@smartcar.com")
    v1_error(
        http.get(f"/v1.0/vehicles/{asleep.vehicle}/odometer", headers=asleep.headers),
        409,
        "vehicle_state_error",
        "VS_000",
    )
    account = login("CONNECTED_SERVICES_ACCOUNT.SUBSCRIPTION@smartcar.com")
    v1_error(
        http.get(f"/v1.0/vehicles/{account.vehicle}/odometer", headers=account.headers),
        400,
        "vehicle_owner_action_required",
        "VOA_000",
    )


def test_v1_batch_items_use_the_v1_error_shape(login, http: httpx.Client) -> None:
    session = login(brand="AUDI", scope="read_odometer")
    answer = http.post(
        f"/v1.0/vehicles/{session.vehicle}/batch",
        json={"requests": [{"path": "/odometer"}, {"path": "/location"}]},
        headers=session.headers,
    )
    assert answer.status_code == 200, answer.text
    odometer, location = answer.json()["responses"]
    assert odometer["code"] == 200 and odometer["body"]["distance"] > 0
    assert location["code"] == 403 and set(location["body"]) == V1_KEYS
    assert location["body"]["error"] == "permission_error"


def test_endpoints_v1_never_had_answer_404_version(login, http: httpx.Client, expect_error) -> None:
    session = login(brand="TESLA")
    url = f"/v1.0/vehicles/{session.vehicle}"
    for path in ("/charge/limit", "/security", "/battery/capacity", "/service/history"):
        expect_error(
            http.get(f"{url}{path}", headers=session.headers), 404, "RESOURCE_NOT_FOUND", "VERSION"
        )
    expect_error(
        http.get(f"{url}/tesla/compass", headers=session.headers),
        404,
        "RESOURCE_NOT_FOUND",
        "VERSION",
    )
    assert http.get(f"{url}/permissions", headers=session.headers).status_code == 200


def test_v1_compatibility_is_the_flag_alone(http: httpx.Client, sandbox) -> None:
    auth = (sandbox.client_id, sandbox.client_secret)
    params = {"vin": "0SCGMCT0386A85356", "scope": "read_odometer read_fuel"}
    answer = http.get("/v1.0/compatibility", params=params, auth=auth)
    assert answer.status_code == 200 and answer.json() == {"compatible": True}
    # In test mode v1.0 wants the level (Smartcar's SDK tests saw this 400).
    body = v1_error(
        http.get("/v1.0/compatibility", params={**params, "mode": "test"}, auth=auth),
        400,
        "validation_error",
    )
    assert "test_mode_compatibility_level" in body["message"]
    level = {**params, "mode": "test", "test_mode_compatibility_level": "incompatible"}
    assert http.get("/v1.0/compatibility", params=level, auth=auth).json() == {"compatible": False}
