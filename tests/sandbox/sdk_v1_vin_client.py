"""The official Smartcar SDK's v1.0 path and compatibility by VIN, against the sandbox.

Run in a subprocess by test_sandbox_v1.py and test_sandbox_vin.py (the SDK reads its
SMARTCAR_*_ORIGIN variables at import time). The first argument picks the part: ``v1`` or
``vin``. Every check is an assert; a JSON summary goes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import smartcar
from smartcar import SmartcarException

BASE = os.environ["SANDBOX_BASE_URL"]
CLIENT_ID = os.environ["SANDBOX_CLIENT_ID"]
CLIENT_SECRET = os.environ["SANDBOX_CLIENT_SECRET"]
REDIRECT_URI = os.environ["SANDBOX_REDIRECT_URI"]
CREDENTIALS = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def approve(url: str, email: str) -> str:
    answer = httpx.post(f"{BASE}/_sandbox/approve", json={"authorize_url": url, "email": email})
    assert answer.status_code == 200, answer.text
    location = answer.json()["location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}["code"]


def caught(call: Callable[[], Any]) -> SmartcarException:
    try:
        call()
    except SmartcarException as error:
        return error
    raise AssertionError("expected a SmartcarException")


def v1_part() -> dict[str, Any]:
    client = smartcar.AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, mode="test")
    scope = ["read_vehicle_info", "read_odometer", "read_battery"]
    url = client.get_auth_url(scope, {"state": "v1", "force_prompt": True})
    token = client.exchange_code(approve(url, "0SCAUDI0000000007@fuel.smartcar.com")).access_token
    vehicle_id = smartcar.get_vehicles(token).vehicles[0]

    legacy = smartcar.Vehicle(vehicle_id, token, {"version": "1.0"})
    assert legacy.attributes().make == "AUDI"
    assert legacy.odometer().distance > 0  # v1.0 success bodies are v2.0's

    # 403 in v1.0: the EV battery of a petrol car was never granted.
    denied = caught(legacy.battery)
    assert denied.status_code == 403 and denied.type == "permission_error", vars(denied)
    assert denied.code is None and "resolution" not in vars(denied)
    assert denied.message == "Insufficient permissions to access requested resource."
    assert len(denied.request_id) == 36
    assert set(vars(denied)) == {"status_code", "request_id", "type", "message", "code"}
    # v2.0 tells the two apart: the same call is 501 COMPATIBILITY/VEHICLE_NOT_CAPABLE.
    modern = caught(smartcar.Vehicle(vehicle_id, token).battery)
    assert (modern.status_code, modern.type, modern.code) == (
        501,
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
    )
    # A permission never asked for is 403 permission_error in v1.0 too.
    assert caught(legacy.location).type == "permission_error"

    # 400 in v1.0: a malformed vehicle id.
    invalid = caught(smartcar.Vehicle("bad_id", token, {"version": "1.0"}).attributes)
    assert invalid.status_code == 400 and invalid.type == "validation_error", vars(invalid)
    assert invalid.message and "resolution" not in vars(invalid)

    # The SDK-wide switch: user-level calls answer; an endpoint v1.0 never had is 404 VERSION.
    smartcar.set_api_version("1.0")
    try:
        assert smartcar.get_user(token).id
        assert smartcar.get_vehicles(token).vehicles == [vehicle_id]
        sunset = caught(smartcar.Vehicle(vehicle_id, token).get_charge_limit)
        assert (sunset.status_code, sunset.type, sunset.code) == (
            404,
            "RESOURCE_NOT_FOUND",
            "VERSION",
        )
        expired = caught(lambda: smartcar.get_user("not-a-token"))
        assert expired.status_code == 401 and expired.type == "authentication_error"
    finally:
        smartcar.set_api_version("2.0")
    return {"checked": "v1", "denied": denied.type, "invalid": invalid.type}


def vin_part() -> dict[str, Any]:
    # Smartcar's own test VIN (a GMC) with the scope its SDK end-to-end test uses.
    gmc = smartcar.get_compatibility(
        "0SCGMCT0386A85356", ["read_odometer", "read_fuel"], "US", CREDENTIALS
    )
    assert gmc.compatible is True and gmc.reason is None
    found = {c.permission: (c.endpoint, c.capable, c.reason) for c in gmc.capabilities}
    assert found == {
        "read_odometer": ("/odometer", True, None),
        "read_fuel": ("/fuel", False, "VEHICLE_NOT_CAPABLE"),
    }, found
    # A real-looking Volkswagen VIN (WMI WVW, model year K = 2019): a petrol Golf.
    golf = smartcar.get_compatibility(
        "WVWZZZAUZKW123456", ["read_fuel", "read_battery"], "US", CREDENTIALS
    )
    assert golf.compatible is True
    capable = {c.endpoint: c.capable for c in golf.capabilities}
    assert capable["/fuel"] is True and capable["/battery"] is False, capable
    # A VIN naming no make the sandbox knows.
    unknown = smartcar.get_compatibility("ZZZ12345678901234", ["read_fuel"], "US", CREDENTIALS)
    assert unknown.compatible is False and unknown.reason == "MAKE_NOT_COMPATIBLE"
    assert unknown.capabilities == []
    return {"checked": "vin", "gmc": found["read_fuel"][2]}


if __name__ == "__main__":
    part = {"v1": v1_part, "vin": vin_part}[sys.argv[1]]
    print(json.dumps(part()))
