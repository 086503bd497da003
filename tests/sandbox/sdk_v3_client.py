"""Read the sandbox's v3 with the official Smartcar Python SDK (run in a subprocess).

The SDK (6.19) reads ``SMARTCAR_VEHICLE_API_V3_ORIGIN`` at import time and calls v3 with a
per-vehicle v2.0 access token and no ``sc-user-id``: ``smartcar.get_vehicle``,
``Vehicle.get_signals``, ``Vehicle.get_signal``. The login goes through the SDK's own
``AuthClient`` (authorize URL, code exchange) with the sandbox's admin approve standing in for
the browser. Every check is an assert; a JSON summary goes to stdout.
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs, urlsplit

import httpx
import smartcar
from smartcar import SmartcarException

BASE = os.environ["SANDBOX_BASE_URL"]
EXPECTED_SIGNALS = int(os.environ["EXPECTED_SIGNALS"])


def main() -> dict[str, object]:
    client = smartcar.AuthClient(
        os.environ["SANDBOX_CLIENT_ID"],
        os.environ["SANDBOX_CLIENT_SECRET"],
        os.environ["SANDBOX_REDIRECT_URI"],
        mode="test",
    )
    url = client.get_auth_url(["read_vehicle_info", "read_vin", "read_odometer", "read_battery"])
    answer = httpx.post(
        f"{BASE}/_sandbox/approve",
        json={"authorize_url": url, "email": "sdk-v3@example.com", "brand": "TESLA"},
    )
    query = parse_qs(urlsplit(answer.json()["location"]).query)
    assert query["user_id"][0], query
    access = client.exchange_code(query["code"][0])
    vehicle_id = smartcar.get_vehicles(access.access_token).vehicles[0]

    described = smartcar.smartcar.get_vehicle(access.access_token, vehicle_id)["body"]["data"]
    assert described["id"] == vehicle_id and described["type"] == "vehicle"
    assert described["attributes"]["make"] == "TESLA"
    assert described["attributes"]["powertrainType"] == "BEV"

    vehicle = smartcar.Vehicle(vehicle_id, access.access_token)
    listing = vehicle.get_signals()
    signals = {s["id"]: s for s in listing["body"]["data"]}
    assert len(signals) == EXPECTED_SIGNALS == listing["body"]["meta"]["totalCount"]
    assert signals["odometer-traveleddistance"]["attributes"]["status"] == {"value": "SUCCESS"}
    assert signals["location-preciselocation"]["attributes"]["status"]["error"]["type"] == (
        "PERMISSION"
    )
    assert listing["body"]["included"]["vehicle"]["id"] == vehicle_id

    odometer = vehicle.get_signal("odometer-traveleddistance")
    body = odometer["body"]["data"]["attributes"]["body"]
    assert body["unit"] == "kilometers" and body["value"] > 0
    assert "SC-Request-Id" in odometer["headers"]
    soc = vehicle.get_signal("tractionbattery-stateofcharge")["body"]["data"]
    assert 0 <= soc["attributes"]["body"]["value"] <= 100

    try:
        vehicle.get_signal("no-such-signal")
    except SmartcarException as error:
        # v3 errors have no v2 fields: the SDK reports them as SDK_ERROR with the body.
        assert error.status_code == 404 and "SIGNAL_NOT_FOUND" in error.message
    else:
        raise AssertionError("an unknown signal must fail")
    return {"checked": "all", "vehicle": vehicle_id, "signals": len(signals)}


if __name__ == "__main__":
    print(json.dumps(main()))
