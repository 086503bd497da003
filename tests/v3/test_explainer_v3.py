"""The explainer on v3: error envelopes (403 ACCESS_DENIED, 409, 400 with several entries) and
per-signal failures in a 200; the signals table's rows. Real sandbox answers where the sandbox
can give them, hand-built bodies for shapes it does not produce."""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import parse_qs, urlsplit

from tests.v3.conftest import FLEET, send
from tui.core.exchange import Response
from tui.core.oauth.authorize import build_authorize_url
from tui.core.oauth.manager import TokenManager
from tui.core.smartcar import vehicles
from tui.core.smartcar.explainer import explain, explain_body
from tui.core.smartcar.signal_errors import failed_signals
from tui.core.smartcar.signal_rows import signal_rows
from tui.sandbox import Sandbox


async def connect(manager: TokenManager, sandbox: Sandbox, scope: list[str] | None = None) -> str:
    """Connect the fleet account (the sandbox as the browser); returns its user id."""
    settings = manager.workspace.resolve_settings(manager.workspace.environment.oauth2)  # type: ignore[union-attr]
    if scope is not None:
        settings = dataclasses.replace(settings, scope=scope)
    location = sandbox.approve(build_authorize_url(settings, "st"), FLEET, brand="TESLA")
    user_id = parse_qs(urlsplit(location).query)["user_id"][0]
    manager.workspace.set_session({"user_id": user_id})
    return user_id


async def pick(manager: TokenManager, make: str, user_id: str) -> vehicles.VehicleSummary:
    found = await vehicles.list_connections(manager.workspace)
    chosen = next(s for s in found if s.make == make and s.user_id == user_id)
    vehicles.select_vehicle(manager.workspace, chosen.id, chosen.user_id)
    return chosen


async def test_per_signal_failures_in_a_200_say_which_and_why(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    # A petrol Audi, connected with two permissions only: charge signals cannot be had at all
    # (COMPATIBILITY), location and the rest were not granted (PERMISSION).
    user_id = await connect(manager, sandbox, ["read_vehicle_info", "read_odometer"])
    await pick(manager, "AUDI", user_id)
    exchange, _ = await send(manager.workspace, "Vehicle", "All signals")
    assert exchange.response.status == 200
    result = explain(exchange, vehicle_label="2016 AUDI A4")
    assert result is not None and result.shape == "v3-signals" and result.status == 200
    failed = [
        d
        for d in exchange.response.json()["data"]
        if d["attributes"]["status"]["value"] != "SUCCESS"
    ]
    # Many failures: grouped by kind in the title, the first few in the details.
    assert result.title.startswith(f"{len(failed)} signals failed: ")
    assert (
        "COMPATIBILITY/VEHICLE_NOT_CAPABLE (this vehicle cannot supply them: charge-amperage, "
        in result.title
    )
    assert "PERMISSION (the connection lacks " in result.title
    assert len(result.details) == 4 and result.details[-1] == f"… and {len(failed) - 3} more"
    assert result.details[0] == (
        "charge-amperage: COMPATIBILITY/VEHICLE_NOT_CAPABLE — this vehicle cannot supply it"
    )
    by_code = {f.code: f for f in failed_signals(exchange.response.json()) or []}
    assert len(by_code) == len(failed)
    assert "odometer-traveleddistance" not in by_code  # granted and served: not a failure
    location = by_code["location-preciselocation"]
    assert (location.key, location.reason()) == ("PERMISSION", "the connection lacks read_location")
    advice = "\n".join(result.advice)
    assert "This vehicle (2016 AUDI A4) cannot supply charge-amperage" in advice
    assert "not granted" in advice and "read_location" in advice and "ctrl+o" in advice
    # With the grant known (the connection's own permissions), the words follow it.
    granted = await vehicles.granted_permissions(
        manager.workspace, manager.workspace.variables.get("vehicle_id") or ""
    )
    assert granted is not None and set(granted) == {"read_vehicle_info", "read_odometer"}
    again = explain(exchange, granted_permissions=granted)
    assert again is not None and "Connections of the vehicle" not in "\n".join(again.advice)


async def test_every_signal_ok_needs_no_explanation(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    user_id = await connect(manager, sandbox)
    await pick(manager, "TESLA", user_id)
    exchange, _ = await send(manager.workspace, "Vehicle", "Signal")
    assert exchange.response.status == 200 and explain(exchange) is None
    exchange, _ = await send(manager.workspace, "Vehicle", "Vehicle attributes")
    assert explain(exchange) is None  # a 200 that is no signals answer


async def test_v3_403_access_denied_and_missing_user(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    user_id = await connect(manager, sandbox)
    await pick(manager, "TESLA", user_id)
    manager.workspace.set_session({"user_id": "00000000-0000-4000-8000-00000000beef"})
    exchange, _ = await send(manager.workspace, "Vehicle", "All signals")
    assert exchange.response.status == 403
    result = explain(exchange)
    assert result is not None and result.shape == "v3"
    assert result.key == "AUTHENTICATION.ACCESS_DENIED"
    advice = "\n".join(result.advice)
    assert "sc-user-id" in advice and "F3" in advice
    # No sc-user-id at all: 400 MISSING_PARAMETER, and where {{user_id}} comes from.
    body = {
        "errors": [
            {
                "status": "400",
                "type": "VALIDATION",
                "code": "MISSING_PARAMETER",
                "title": "Bad Request",
                "detail": "missing userId",
                "source": {"parameter": "sc-user-id"},
            }
        ]
    }
    response = Response(400, "Bad Request", "HTTP/1.1", [], json.dumps(body).encode())
    exchange.response = response
    result = explain(exchange)
    assert result is not None and result.key == "VALIDATION.MISSING_PARAMETER"
    assert "at sc-user-id" in result.details
    assert "List connections" in "\n".join(result.advice)


async def test_v3_409_on_the_unplugged_volt(manager: TokenManager, sandbox: Sandbox) -> None:
    user_id = await connect(manager, sandbox)
    await pick(manager, "CHEVROLET", user_id)
    exchange, _ = await send(manager.workspace, "Commands", "Start charge")
    assert exchange.response.status == 409
    result = explain(exchange, vehicle_label="2018 CHEVROLET Volt")
    assert result is not None and result.key == "VEHICLE_STATE.CHARGING_PLUG_NOT_CONNECTED"
    assert result.title.startswith("VEHICLE_STATE/CHARGING_PLUG_NOT_CONNECTED")
    assert "The vehicle (2018 CHEVROLET Volt) is not plugged in" in result.advice[0]
    assert result.docs_url and result.docs_url.startswith("https://smartcar.com/docs/errors/")


def test_every_entry_of_a_v3_envelope_is_said() -> None:
    entry = {
        "status": "400",
        "type": "VALIDATION",
        "code": "INVALID_INPUT_FORMAT",
        "title": "Bad Request",
        "links": {"about": "https://smartcar.com/docs/errors/api-errors/validation-errors"},
    }
    body = {
        "errors": [
            dict(
                entry, detail="Invalid latitude.", source={"pointer": "/data/attributes/latitude"}
            ),
            dict(
                entry, detail="Invalid longitude.", source={"pointer": "/data/attributes/longitude"}
            ),
        ]
    }
    result = explain_body(body, status=400)
    assert result is not None and result.description == "Invalid latitude."
    assert "at /data/attributes/latitude" in result.details
    assert any(
        "also VALIDATION/INVALID_INPUT_FORMAT: Invalid longitude." in d for d in result.details
    )


def test_a_single_failed_signal_and_unavailable_ones() -> None:
    body = {
        "data": {
            "id": "charge-chargerecords",
            "type": "signal",
            "attributes": {
                "code": "charge-chargerecords",
                "status": {
                    "value": "ERROR",
                    "error": {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"},
                },
            },
        }
    }
    result = explain_body(body, status=200)
    assert result is not None
    assert result.title == (
        "1 signal failed: charge-chargerecords "
        "(COMPATIBILITY/VEHICLE_NOT_CAPABLE: this vehicle cannot supply it)"
    )
    listing = {
        "data": [
            {
                "id": "location-isathome",
                "type": "signal",
                "attributes": {"code": "location-isathome", "status": {"value": "UNAVAILABLE"}},
            },
            {
                "id": "charge-voltage",
                "type": "signal",
                "attributes": {
                    "code": "charge-voltage",
                    "status": {"value": "ERROR", "error": {"type": "SERVER", "code": "INTERNAL"}},
                },
            },
        ]
    }
    result = explain_body(listing, status=200)
    assert result is not None and result.title.startswith("2 signals failed:")
    advice = "\n".join(result.advice)
    assert "UNAVAILABLE signals have no value yet" in advice and "ask again later" in advice


def test_signal_rows() -> None:
    now = 1_800_000_000.0
    body = {
        "data": [
            {
                "id": "odometer-traveleddistance",
                "type": "signal",
                "attributes": {
                    "code": "odometer-traveleddistance",
                    "status": {"value": "SUCCESS"},
                    "body": {"unit": "kilometers", "value": 50000.123456},
                },
                "meta": {
                    "retrievedAt": int(now * 1000) - 5000,
                    "oemUpdatedAt": int(now * 1000) - 7_200_000,
                },
            },
            {
                "id": "vehicleidentification-vin",
                "type": "signal",
                "attributes": {
                    "code": "vehicleidentification-vin",
                    "status": {"value": "SUCCESS"},
                    "body": {"value": "5YJ3E1EA7KF000001"},
                },
                "meta": {"retrievedAt": "2027-01-02T08:00:00Z", "oemUpdatedAt": 0},
            },
            {
                "id": "location-preciselocation",
                "type": "signal",
                "attributes": {
                    "code": "location-preciselocation",
                    "status": {"value": "SUCCESS"},
                    "body": {"latitude": 37.4, "longitude": -122.1, "heading": 45.5},
                },
            },
            {
                "id": "closure-islocked",
                "type": "signal",
                "attributes": {
                    "code": "closure-islocked",
                    "status": {"value": "ERROR", "error": {"type": "PERMISSION", "code": None}},
                },
            },
        ]
    }
    rows = signal_rows(body, now)
    assert rows is not None
    odometer, vin, location, locked = rows
    assert (odometer.value, odometer.unit, odometer.status, odometer.age) == (
        "50000.1",
        "kilometers",
        "SUCCESS",
        "2h",
    )
    assert (vin.value, vin.unit) == ("5YJ3E1EA7KF000001", "")
    assert vin.age == "13d"  # static: retrievedAt (ISO text) as oemUpdatedAt is 0
    # Other bodies compactly as JSON, cut to fit a cell.
    assert location.value == '{"latitude":37.4,"longitude":-1…' and location.age == ""
    assert (locked.status, locked.ok, locked.value) == ("ERROR PERMISSION", False, "")
    assert signal_rows({"data": [{"type": "vehicle"}]}, now) is None
    assert signal_rows({"data": [], "links": {"self": "/vehicles/x/signals"}}, now) == []
    assert signal_rows([1, 2], now) is None
