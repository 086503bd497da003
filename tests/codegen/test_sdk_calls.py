"""The one table of SDK calls: which request maps onto which call of Smartcar's SDKs."""

from __future__ import annotations

import inspect

import pytest
import smartcar

from tui.core.smartcar.sdk_calls import (
    NOT_JSON,
    V3_VEHICLE_METHODS,
    VEHICLE_METHODS,
    NotMapped,
    SdkCall,
    match,
    parse_body,
)

API = "https://api.smartcar.com"
V3 = "https://vehicle.api.smartcar.com"


def call(method: str, url: str, query=(), body=None, headers=("Authorization",)) -> SdkCall:  # type: ignore[no-untyped-def]
    found = match(method, url, list(query), body, list(headers))
    assert isinstance(found, SdkCall), found
    return found


def test_reads_and_commands_map_to_their_methods() -> None:
    assert call("GET", f"{API}/v2.0/vehicles/abc/odometer").python == "odometer"
    assert call("GET", f"{API}/v2.0/vehicles/abc/odometer").node == "odometer"
    assert call("GET", f"{API}/v2.0/vehicles/abc").python == "attributes"
    assert call("GET", f"{API}/v2.0/vehicles/abc/tires/pressure").node == "tirePressure"
    lock = call("POST", f"{API}/v2.0/vehicles/abc/security", body={"action": "LOCK"})
    assert (lock.python, lock.node) == ("lock", "lock")
    unlock = call("POST", f"{API}/v2.0/vehicles/abc/security", body={"action": "UNLOCK"})
    assert unlock.python == "unlock"
    assert (
        call("POST", f"{API}/v2.0/vehicles/abc/charge", body={"action": "START"}).python
        == "start_charge"
    )
    assert (
        call("POST", f"{API}/v2.0/vehicles/abc/charge", body={"action": "STOP"}).node
        == "stopCharge"
    )
    limit = call("POST", f"{API}/v2.0/vehicles/abc/charge/limit", body={"limit": 0.8})
    assert (limit.python, [a.key for a in limit.args]) == ("set_charge_limit", ["limit"])
    destination = call(
        "POST",
        f"{API}/v2.0/vehicles/abc/navigation/destination",
        body={"latitude": 1.5, "longitude": 2},
    )
    assert destination.node == "sendDestination"
    assert [a.key for a in destination.args] == ["latitude", "longitude"]


def test_the_vehicle_id_span_points_into_the_url() -> None:
    url = f"{API}/v2.0/vehicles/abc-123/vin"
    found = call("GET", url)
    assert found.vehicle_id is not None
    assert url[slice(*found.vehicle_id)] == "abc-123"
    assert url[slice(*found.origin)] == API
    assert found.version == "2.0"


def test_all_vehicles_user_and_v3() -> None:
    vehicles = call("GET", f"{API}/v2.0/vehicles", query=[("limit", "10")])
    assert (vehicles.scope, vehicles.python, vehicles.node) == (
        "module",
        "get_vehicles",
        "getVehicles",
    )
    assert call("GET", f"{API}/v2.0/user").node == "getUser"
    signal = call("GET", f"{V3}/v3/vehicles/abc/signals/odometer-traveleddistance")
    url = f"{V3}/v3/vehicles/abc/signals/odometer-traveleddistance"
    assert (signal.python, signal.node, signal.version) == ("get_signal", "getSignal", "3")
    assert url[slice(*signal.path_args["code"])] == "odometer-traveleddistance"
    assert call("GET", f"{V3}/v3/vehicles/abc/signals").python == "get_signals"
    assert call("GET", f"{V3}/v3/vehicles/abc").node == "getVehicle"


def test_sc_user_id_is_an_extra_header() -> None:
    found = call(
        "GET",
        f"{V3}/v3/vehicles/abc/signals/charge-amperage",
        headers=("Authorization", "sc-user-id", "SC-Unit-System"),
    )
    assert found.extra_headers == ("sc-user-id",)


def test_anything_else_under_a_vehicle_is_the_generic_request() -> None:
    compass = call("GET", f"{API}/v2.0/vehicles/abc/tesla/compass")
    assert not compass.dedicated and compass.generic_path is not None
    url = f"{API}/v2.0/vehicles/abc/tesla/compass"
    assert url[slice(*compass.generic_path)] == "tesla/compass"
    # A body that is not exactly what lock() sends is sent as it is.
    odd = call("POST", f"{API}/v2.0/vehicles/abc/security", body={"action": "LOCK", "x": 1})
    assert not odd.dedicated
    assert not call("POST", f"{API}/v2.0/vehicles/abc/security", body=NOT_JSON).dedicated
    unsubscribe = call("DELETE", f"{API}/v2.0/vehicles/abc/webhooks/w1")
    assert unsubscribe.own_authorization and not unsubscribe.dedicated


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/items",
        f"{API}/oauth/token",
        f"{API}/v2.0/compatibility",
        "http://h/x/y",
    ],
)
def test_other_requests_are_not_mapped_with_a_reason(url: str) -> None:
    found = match("GET", url, [], None, [])
    assert isinstance(found, NotMapped)
    assert url in found.reason or "not a vehicle endpoint" in found.reason


def test_parse_body() -> None:
    assert parse_body(None) is None and parse_body("  ") is None
    assert parse_body('{"a": 1}') == {"a": 1}
    assert parse_body("a=1") is NOT_JSON


def test_every_python_method_exists_in_the_installed_sdk() -> None:
    """The table names real methods of the SDK the tests run (its signature, not a guess)."""
    for entry in VEHICLE_METHODS + V3_VEHICLE_METHODS:
        method = getattr(smartcar.Vehicle, entry.python)
        parameters = list(inspect.signature(method).parameters)[1:]
        assert len(parameters) >= len(entry.args), entry
    assert callable(smartcar.get_vehicles) and callable(smartcar.get_user)
    assert callable(smartcar.smartcar.get_vehicle)
