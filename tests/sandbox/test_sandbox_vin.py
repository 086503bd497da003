"""VINs decode (issue 21): the make follows the VIN, with a plausible model, year and powertrain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tui.sandbox import accounts, catalog, vin_decode


@pytest.mark.parametrize(
    ("vin", "make"),
    [
        ("5YJ3E1EA7KF317000", "TESLA"),
        ("1G1FY6S08K4100000", "CHEVROLET"),
        ("1GT49REY6LF000001", "GMC"),
        ("1G6DS5RK5L0000001", "CADILLAC"),
        ("WBA5R1C50KA000001", "BMW"),
        ("WVWZZZAUZKW123456", "VOLKSWAGEN"),
        ("WAUAFAFL1GN014882", "AUDI"),
        ("1FTFW1E50LF000001", "FORD"),
        ("1N4AZ1CP5LC000001", "NISSAN"),
        ("SALWR2RV5KA000001", "LAND ROVER"),
        ("0SCGMCT0386A85356", "GMC"),
        ("0SCAUDI037A5ADB1C", "AUDI"),
        ("0SCLR0002E8896323", "LAND ROVER"),
        ("0SCTESLA000000001", "TESLA"),
        ("ZZZ12345678901234", None),
    ],
)
def test_make_of(vin: str, make: str | None) -> None:
    assert vin_decode.make_of(vin) == make


def test_year_of_real_vins_only() -> None:
    today = datetime(2026, 6, 1, tzinfo=UTC)
    assert vin_decode.year_of("5YJXCDE22HF068739", today) == 2017  # H
    assert vin_decode.year_of("1HGCM82633A004352", today) == 2003  # 3
    assert vin_decode.year_of("WVWZZZ1JZYW000001", today) == 2000  # Y, not 2030
    assert vin_decode.year_of("0SCGMCT0386A85356", today) is None  # test VINs spell no year


def test_decoded_vehicles_are_plausible() -> None:
    tesla = vin_decode.decode("5YJXCDE22HF068739", "PHEV")
    assert tesla is not None
    assert (tesla.make, tesla.model, tesla.year, tesla.type) == ("TESLA", "Model X", 2017, "BEV")
    audi = vin_decode.decode("WAUAFAFL1GN014882")
    assert audi is not None and (audi.make, audi.model, audi.year) == ("AUDI", "A4", 2016)
    for make in catalog.MAKES:  # no make ever gets a powertrain it does not build
        built = {m.type for m in catalog.models_of(make)}
        for wanted in ("BEV", "PHEV", "ICE"):
            model = vin_decode.model_for(make, wanted)
            assert model.make == make and model.type in built
            assert model.type == wanted or wanted not in built


def test_vin_sign_in_follows_the_vin_not_the_picked_brand() -> None:
    plan = accounts.plan_for("5YJ3E1EA7KF317000@compatible.smartcar.com", "FORD")
    assert isinstance(plan, accounts.AccountPlan)
    vehicle = plan.vehicles[0]
    assert (vehicle.make, vehicle.model, vehicle.year, vehicle.type) == (
        "TESLA",
        "Model 3",
        2019,
        "BEV",
    )
    gmc = accounts.plan_for("0SCGMCT0386A85356@compatible.smartcar.com", None)
    assert isinstance(gmc, accounts.AccountPlan) and gmc.vehicles[0].make == "GMC"


def test_vin_sign_in_over_http(login, http: httpx.Client) -> None:
    session = login("WVWZZZAUZKW123456@compatible.smartcar.com", brand="TESLA")
    url = f"/v2.0/vehicles/{session.vehicle}"
    attributes = http.get(url, headers=session.headers).json()
    assert (attributes["make"], attributes["model"], attributes["year"]) == (
        "VOLKSWAGEN",
        "Golf",
        2019,
    )
    assert http.get(f"{url}/vin", headers=session.headers).json() == {"vin": "WVWZZZAUZKW123456"}
    assert http.get(f"{url}/fuel", headers=session.headers).status_code == 200


def test_compatibility_follows_the_decoded_vehicle(http: httpx.Client, sandbox) -> None:
    auth = (sandbox.client_id, sandbox.client_secret)

    def check(vin: str, scope: str) -> dict[str, Any]:
        answer = http.get("/v2.0/compatibility", params={"vin": vin, "scope": scope}, auth=auth)
        assert answer.status_code == 200, answer.text
        return answer.json()

    gmc = check("0SCGMCT0386A85356", "read_odometer read_fuel")
    assert gmc == {
        "compatible": True,
        "reason": None,
        "capabilities": [
            {
                "permission": "read_odometer",
                "endpoint": "/odometer",
                "capable": True,
                "reason": None,
            },
            {
                "permission": "read_fuel",
                "endpoint": "/fuel",
                "capable": False,
                "reason": "VEHICLE_NOT_CAPABLE",
            },
        ],
    }
    tesla = check("5YJXCDE22HF068739", "read_odometer read_location read_battery read_fuel")
    capable = {c["endpoint"]: c["capable"] for c in tesla["capabilities"]}
    assert tesla["compatible"] and capable["/battery"] and not capable["/fuel"]
    # A 2003 Honda Accord predates connected services; an unknown make is not compatible.
    old = check("1HGCM82633A004352", "read_fuel")
    assert old == {"compatible": False, "reason": "VEHICLE_NOT_COMPATIBLE", "capabilities": []}
    unknown = check("ZZZ12345678901234", "read_fuel")
    assert unknown == {"compatible": False, "reason": "MAKE_NOT_COMPATIBLE", "capabilities": []}


def test_official_sdk_get_compatibility(run_sdk: Callable[..., dict[str, Any]]) -> None:
    assert run_sdk("sdk_v1_vin_client.py", "vin") == {
        "checked": "vin",
        "gmc": "VEHICLE_NOT_CAPABLE",
    }
