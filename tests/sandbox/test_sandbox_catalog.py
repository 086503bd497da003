"""Login emails, the vehicle catalog, VINs and unit conversion, without HTTP."""

from __future__ import annotations

import pytest

from tui.sandbox import accounts, catalog, ids, units, vin_decode


@pytest.mark.parametrize("make", catalog.MAKES)
def test_two_vehicles_are_electric_and_fuel_burning_for_every_brand(make: str) -> None:
    plan = accounts.plan_for("2-vehicles@smartcar.com", make)
    assert isinstance(plan, accounts.AccountPlan)
    types = {v.type for v in plan.vehicles}
    assert plan.vehicles[0].make == make
    assert "BEV" in types or "PHEV" in types
    assert "ICE" in types or "PHEV" in types
    assert len(set(types)) == 2


def test_many_vehicles_cycle_the_fleet() -> None:
    plan = accounts.plan_for("25-vehicles@smartcar.com", "NISSAN")
    assert isinstance(plan, accounts.AccountPlan) and len(plan.vehicles) == 25
    assert accounts.plan_for("1000-vehicles@smartcar.com", None) == (
        "At most 999 vehicles: use 1-vehicles@ .. 999-vehicles@."
    )


@pytest.mark.parametrize(
    ("email", "make", "expected"),
    [
        ("me@example.com", "TESLA", ("TESLA", "Model 3", "BEV", None)),
        ("me@example.com", "CHEVROLET", ("CHEVROLET", "Volt", "PHEV", None)),
        ("me@example.com", "AUDI", ("AUDI", "A4", "ICE", None)),
        ("me@example.com", None, ("TESLA", "Model 3", "BEV", None)),
        ("0SCAUDI0000000001@bev.smartcar.com", None, ("AUDI", "e-tron", "BEV", "bev")),
        (
            "0SCFORD0000000001@phev.smartcar.com",
            None,
            ("FORD", "Escape Plug-In Hybrid", "PHEV", "phev"),
        ),
        # TESLA builds no petrol car: the level cannot override the make's own powertrain.
        ("0SCTESL0000000001@fuel.smartcar.com", "TESLA", ("TESLA", "Model 3", "BEV", "fuel")),
        # The make follows the VIN, whatever brand was picked in Connect.
        ("0SCAUDI0000000001@fuel.smartcar.com", "TESLA", ("AUDI", "A4", "ICE", "fuel")),
        ("smartcar@successful-request.com", None, ("AUDI", "A4", "ICE", None)),
    ],
)
def test_plans(email: str, make: str | None, expected: tuple[str, ...]) -> None:
    plan = accounts.plan_for(email, make)
    assert isinstance(plan, accounts.AccountPlan)
    vehicle = plan.vehicles[0]
    level = vehicle.level if vehicle.level != "compatible" else None
    assert (vehicle.make, vehicle.model, vehicle.type, level) == expected


def test_forced_error_emails() -> None:
    plan = accounts.plan_for("vehicle_state.door_open@SMARTCAR.com", "BMW")
    assert isinstance(plan, accounts.AccountPlan)
    assert plan.vehicles[0].forced_error == ("VEHICLE_STATE", "DOOR_OPEN")
    assert plan.vehicles[0].vin == "0SCLR0002F8BD90B8"
    unknown = accounts.plan_for("VEHICLE_STATE.SPONTANEOUS_COMBUSTION@smartcar.com", "BMW")
    assert isinstance(unknown, accounts.AccountPlan) and unknown.vehicles[0].forced_error is None


@pytest.mark.parametrize("email", ["", "no-at-sign", "two@@example.com", "a b@example.com"])
def test_unusable_emails_are_explained(email: str) -> None:
    assert "email" in str(accounts.plan_for(email, "TESLA")).lower()


def test_vins_and_ids() -> None:
    for make in catalog.MAKES:
        vin = ids.new_vin(1, make, "k", 0)
        assert len(vin) == 17 and vin.isalnum() and vin.startswith("0SC")
        assert ids.new_vin(1, make, "k", 0) == vin != ids.new_vin(2, make, "k", 0)
    assert ids.new_id(5, "x") == ids.new_id(5, "x") != ids.new_id(5, "y")
    assert ids.new_id(None, "x") != ids.new_id(None, "x")
    assert vin_decode.make_of("0SCAUDI037A5ADB1C") == "AUDI"
    assert all(vin_decode.make_of(ids.new_vin(3, make, "k")) == make for make in catalog.MAKES)
    assert catalog.normalize_make("mercedes benz") == "MERCEDES-BENZ"
    assert catalog.normalize_make("delorean") is None


def test_unit_conversion() -> None:
    assert units.convert("/odometer", {"distance": 100.0}, "imperial") == {"distance": 62.1}
    assert units.convert("/odometer", {"distance": 100.0}, "metric") == {"distance": 100.0}
    assert units.convert(
        "/fuel", {"range": None, "amountRemaining": 37.85, "percentRemaining": 0.5}, "imperial"
    ) == {"range": None, "amountRemaining": 10.0, "percentRemaining": 0.5}
    assert units.convert("/{make}/thermometer/exterior", {"temperature": 100}, "imperial") == {
        "temperature": 212.0
    }
    history = units.convert("/service/history", [{"odometerDistance": 10.0}], "imperial")
    assert history == [{"odometerDistance": 6.2}]
