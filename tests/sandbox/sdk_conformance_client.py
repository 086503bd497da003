"""Drive the sandbox with the official Smartcar SDK (run in a subprocess by the tests).

The SDK reads its SMARTCAR_*_ORIGIN variables at import time, so the test sets them in this
process's environment. The Connect pages are driven over HTTP by following their forms, like a
browser without JavaScript. Every check is an assert; a JSON summary goes to stdout.
"""

from __future__ import annotations

import json
import os
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import smartcar
from smartcar import SmartcarException

BASE = os.environ["SANDBOX_BASE_URL"]
CLIENT_ID = os.environ["SANDBOX_CLIENT_ID"]
CLIENT_SECRET = os.environ["SANDBOX_CLIENT_SECRET"]
REDIRECT_URI = os.environ["SANDBOX_REDIRECT_URI"]
AMT = os.environ["SANDBOX_AMT"]
WEBHOOK_ID = os.environ["SANDBOX_WEBHOOK_ID"]

SCOPE = [
    "required:read_vehicle_info",
    "read_vin",
    "read_odometer",
    "read_location",
    "read_battery",
    "read_charge",
    "read_fuel",
    "read_tires",
    "read_engine_oil",
    "read_security",
    "read_diagnostics",
    "read_service_history",
    "control_security",
    "control_charge",
    "control_navigation",
]


class Forms(HTMLParser):
    """The first form of a page: action, fields to submit, and its buttons by id."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, tuple[str | None, str | None]] = {}
        self.inputs: dict[str, str] = {}  # id -> name

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and not self.action:
            self.action = a.get("action") or ""
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if a.get("id") and a.get("name"):
                self.inputs[a["id"]] = a["name"]
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("name"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "button" and a.get("id"):
            self.buttons[a["id"]] = (a.get("name"), a.get("value"))


def drive_connect(url: str, brand: str, email: str) -> str:
    """Follow Connect's pages as a user would; the final redirect Location."""
    with httpx.Client(follow_redirects=False, timeout=10) as http:
        response = http.get(url)
        for _ in range(6):
            if response.status_code == 302:
                return response.headers["location"]
            assert response.status_code == 200, response.text
            assert "text/html" in response.headers["content-type"]
            page = Forms()
            page.feed(response.text)
            fields = list(page.fields)
            if "continue-button" in page.buttons:  # the preamble, as Smartcar's e2e walk it
                pressed = "continue-button"
            elif brand in page.buttons:
                pressed = brand
            elif "sign-in-button" in page.buttons:
                fields = [(n, v) for n, v in fields if n not in ("username", "password")]
                fields += [(page.inputs["username"], email), (page.inputs["password"], "pw")]
                pressed = "sign-in-button"
            else:
                assert "approval-button" in page.buttons, response.text
                pressed = "approval-button"
            name, value = page.buttons[pressed]
            if name:
                fields.append((name, value or ""))
            response = http.post(
                urljoin(url, page.action),
                content=urlencode(fields),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
    raise AssertionError("Connect did not finish")


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def approve_via_admin(url: str, email: str) -> str:
    answer = httpx.post(f"{BASE}/_sandbox/approve", json={"authorize_url": url, "email": email})
    assert answer.status_code == 200, answer.text
    return answer.json()["location"]


def expect_error(call, status: int, error_type: str, code: str | None) -> SmartcarException:
    try:
        call()
    except SmartcarException as error:
        assert error.status_code == status, (error.status_code, vars(error))
        assert error.type == error_type, vars(error)
        assert error.code == code, vars(error)
        assert error.request_id and len(error.request_id) == 36
        assert error.doc_url.startswith("https://smartcar.com/docs/errors/")
        return error
    raise AssertionError(f"expected {error_type}:{code}")


def main() -> dict[str, object]:
    summary: dict[str, object] = {}
    client = smartcar.AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, mode="test")
    url = client.get_auth_url(
        SCOPE, {"state": "state-1", "force_prompt": True, "flags": {"country": "US"}}
    )
    assert url.startswith(f"{BASE}/oauth/authorize?")

    # --- Connect over HTML, a Chevrolet Volt (PHEV: fuel and battery both answer).
    location = drive_connect(url, "CHEVROLET", "owner@example.com")
    params = query_of(location)
    assert location.startswith(REDIRECT_URI) and params["state"] == "state-1", location
    access = client.exchange_code(params["code"])
    assert access.token_type == "Bearer" and access.expires_in == 7200
    token = access.access_token

    user = smartcar.get_user(token)
    vehicles = smartcar.get_vehicles(token)
    assert vehicles.paging.count == 1 and len(vehicles.vehicles) == 1
    vehicle_id = vehicles.vehicles[0]
    vehicle = smartcar.Vehicle(vehicle_id, token)
    imperial = smartcar.Vehicle(vehicle_id, token, {"unit_system": "imperial"})

    attributes = vehicle.attributes()
    assert (attributes.make, attributes.model, attributes.id) == ("CHEVROLET", "Volt", vehicle_id)
    assert isinstance(attributes.year, int)
    vin = vehicle.vin().vin
    assert len(vin) == 17 and vin.startswith("0SC")
    odometer = vehicle.odometer()
    assert 10_000 <= odometer.distance <= 300_000
    assert odometer.meta.unit_system == "metric" and len(odometer.meta.request_id) == 36
    assert odometer.meta.data_age and odometer.meta.fetched_at
    miles = imperial.odometer()
    assert miles.meta.unit_system == "imperial" and miles.distance <= 300_000 * 0.622
    location_ = vehicle.location()
    assert 37 <= location_.latitude <= 41 and -109.1 <= location_.longitude <= -102
    battery = vehicle.battery()
    assert 0 <= battery.percent_remaining <= 1 and 0 <= battery.range <= 483
    assert vehicle.battery_capacity().capacity > 0
    nominal = vehicle.nominal_capacity()
    assert nominal.availableCapacities and nominal.capacity["source"] == "SMARTCAR"
    charge = vehicle.charge()
    assert charge.state in ("CHARGING", "FULLY_CHARGED", "NOT_CHARGING")
    assert isinstance(charge.is_plugged_in, bool)
    fuel = vehicle.fuel()
    assert 0 <= fuel.percent_remaining <= 1 and 0 <= fuel.amount_remaining <= 500
    tires = imperial.tire_pressure()
    assert 25 <= tires.front_left <= 35 and tires.meta.unit_system == "imperial"
    assert 0 <= vehicle.engine_oil().life_remaining <= 1
    status = vehicle.lock_status()
    assert isinstance(status.is_locked, bool) and len(status.doors) == 4
    assert vehicle.diagnostic_system_status().systems
    assert isinstance(vehicle.diagnostic_trouble_codes().active_codes, list)
    assert isinstance(vehicle.service_history("2020-01-01", "2099-12-31").items, list)

    for action in (vehicle.lock, vehicle.unlock, vehicle.start_charge, vehicle.stop_charge):
        result = action()
        assert result.status == "success", result
        assert result.message == "Successfully sent request to vehicle"
    vehicle.lock()
    assert vehicle.lock_status().is_locked is True
    vehicle.unlock()
    assert vehicle.lock_status().is_locked is False
    assert vehicle.set_charge_limit(0.7).status == "success"
    assert vehicle.get_charge_limit().limit == 0.7
    assert vehicle.send_destination(39.74, -104.99).status == "success"
    expect_error(lambda: vehicle.set_charge_limit(1.5), 400, "VALIDATION", None)
    expect_error(lambda: vehicle.send_destination(91, 0), 400, "VALIDATION", None)

    permissions = vehicle.permissions()
    stripped = [p.replace("required:", "") for p in SCOPE]
    assert permissions.permissions == stripped and permissions.paging.count == len(SCOPE)
    page = vehicle.permissions({"limit": 2, "offset": 1})
    assert page.permissions == stripped[1:3] and page.paging.offset == 1

    batch = vehicle.batch(["/odometer", "/location", "/", "/fuel"])
    assert batch.odometer().distance > 0 and batch.attributes().make == "CHEVROLET"
    assert batch.location().latitude and batch.fuel().range >= 0
    assert len(batch.meta.request_id) == 36

    # Webhooks, v3, compatibility and management.
    subscribed = vehicle.subscribe(WEBHOOK_ID)
    assert (subscribed.webhook_id, subscribed.vehicle_id) == (WEBHOOK_ID, vehicle_id)
    assert vehicle.unsubscribe(AMT, WEBHOOK_ID).status == "success"
    expect_error(lambda: vehicle.subscribe("no-such-webhook"), 400, "VALIDATION", None)
    expect_error(lambda: vehicle.unsubscribe("bad-amt", WEBHOOK_ID), 401, "AUTHENTICATION", None)
    v3 = smartcar.smartcar.get_vehicle(token, vehicle_id)
    assert v3["body"]["data"]["attributes"]["make"] == "CHEVROLET"
    signals = vehicle.get_signals()["body"]["data"]
    assert {"odometer-traveleddistance", "internalcombustionengine-fuellevel"} <= {
        s["id"] for s in signals
    }
    signal = vehicle.get_signal("odometer-traveleddistance")["body"]["data"]
    assert signal["attributes"]["body"]["unit"] == "kilometers"
    compatibility = smartcar.get_compatibility(
        vin,
        ["read_odometer", "read_fuel"],
        "US",
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert compatibility.compatible is True
    assert all(c.capable for c in compatibility.capabilities)
    matrix = smartcar.smartcar.get_compatibility_matrix(
        "US", "TESLA", {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    )
    assert matrix["TESLA"][0].type == "BEV"
    connections = smartcar.get_connections(AMT, {"vehicle_id": vehicle_id})
    assert [c.vehicle_id for c in connections.connections] == [vehicle_id]
    assert connections.connections[0].user_id == user.id

    # --- Errors the SDK must surface as SmartcarException.
    narrow_url = client.get_auth_url(["read_odometer"], {"state": "narrow"})
    narrow = client.exchange_code(query_of(approve_via_admin(narrow_url, "x@example.com"))["code"])
    narrow_vehicle = smartcar.Vehicle(
        smartcar.get_vehicles(narrow.access_token).vehicles[0], narrow.access_token
    )
    denied = expect_error(narrow_vehicle.location, 403, "PERMISSION", None)
    assert denied.resolution["type"] == "REAUTHENTICATE"
    deleted = smartcar.delete_connections(AMT, {"vehicle_id": narrow_vehicle.vehicle_id})
    assert [c.vehicle_id for c in deleted.connections] == [narrow_vehicle.vehicle_id]
    expect_error(narrow_vehicle.odometer, 401, "AUTHENTICATION", None)

    bev_url = client.get_auth_url(["read_fuel", "read_vin"], {"state": "bev"})
    bev = client.exchange_code(
        query_of(approve_via_admin(bev_url, "0SCTESLA000000001@bev.smartcar.com"))["code"]
    )
    bev_vehicle = smartcar.Vehicle(
        smartcar.get_vehicles(bev.access_token).vehicles[0], bev.access_token
    )
    expect_error(bev_vehicle.fuel, 501, "COMPATIBILITY", "VEHICLE_NOT_CAPABLE")

    asleep_url = client.get_auth_url(["read_odometer", "read_vin"], {"state": "asleep"})
    asleep = client.exchange_code(
        query_of(approve_via_admin(asleep_url, "VEHICLE_STATE.ASLEEP@smartcar.com"))["code"]
    )
    asleep_vehicle = smartcar.Vehicle(
        smartcar.get_vehicles(asleep.access_token).vehicles[0], asleep.access_token
    )
    asleep_error = expect_error(asleep_vehicle.odometer, 409, "VEHICLE_STATE", "ASLEEP")
    assert asleep_error.suggested_user_message
    assert asleep_vehicle.vin().vin == "0SCLR0002E8896323"  # static endpoints still answer

    expect_error(lambda: smartcar.get_user("not-a-token"), 401, "AUTHENTICATION", None)
    try:
        client.exchange_code(params["code"])  # codes are single-use
    except SmartcarException as error:
        assert error.status_code == 400 and error.type == "invalid_request", vars(error)
        assert error.message == f"Invalid code: {params['code']}."
    else:
        raise AssertionError("a used code was accepted")

    # --- Refresh, then disconnect.
    refreshed = client.exchange_refresh_token(access.refresh_token)
    assert refreshed.refresh_token != access.refresh_token
    assert smartcar.Vehicle(vehicle_id, refreshed.access_token).odometer().distance > 0
    assert vehicle.disconnect().status == "success"
    expect_error(vehicle.odometer, 401, "AUTHENTICATION", None)

    summary.update(
        user_id=user.id, vehicle_id=vehicle_id, vin=vin, make=attributes.make, checked="all"
    )
    return summary


if __name__ == "__main__":
    print(json.dumps(main()))
    sys.exit(0)
