"""The v3 knowledge in core (signal catalogue, command table, v3 errors) and the v3 switches."""

from __future__ import annotations

import argparse

import pytest

from tui.core.smartcar import errors, permissions, signals, v3_commands, v3_errors
from tui.sandbox import cli
from tui.sandbox.v3.settings import SettingsError, SettingsHolder, V3Settings

REST_UNITS = {
    "volts",
    "ampere",
    "watts",
    "percentage",
    "kilometers",
    "liters",
    "kilowatt-hours",
    "bar",
    "degrees-celsius",
    "kilometers-per-hour",
    "count",
}


def test_signal_catalogue_rows_are_consistent() -> None:
    codes = [s.code for s in signals.SIGNALS]
    assert len(codes) == len(set(codes)) == len(signals.BY_CODE)
    assert len(signals.GROUPS) == 19
    for spec in signals.SIGNALS:
        assert spec.code == f"{spec.group.lower()}-{spec.name.lower()}", spec.code
        assert permissions.is_known(spec.permission), spec.code
        assert spec.powertrains and spec.powertrains <= set(signals.POWERTRAINS)
        assert spec.unit is None or spec.unit in REST_UNITS, spec.code
        assert (spec.unit is None) == (spec.webhook_unit is None), spec.code
        assert spec.description.endswith("."), spec.code
    assert signals.find("odometer-traveleddistance").unit == "kilometers"  # type: ignore[union-attr]
    assert signals.find("Odometer-TraveledDistance") is None
    assert "charge-ischarging" not in {s.code for s in signals.for_powertrain("ICE")}
    assert "internalcombustionengine-fuellevel" not in {
        s.code for s in signals.for_powertrain("BEV")
    }
    assert {s.code for s in signals.by_permission("read_vin")} == {"vehicleidentification-vin"}
    # Make limits follow v2.0's make-specific endpoints: charge records are BMW and MINI only.
    limited = {s.code: s.makes for s in signals.SIGNALS if s.makes is not None}
    assert limited == {"charge-chargerecords": frozenset({"BMW", "MINI"})}
    records = {s.code for s in signals.for_vehicle("bmw", "PHEV")}
    assert "charge-chargerecords" in records
    assert "charge-chargerecords" not in {s.code for s in signals.for_vehicle("TESLA", "BEV")}
    assert "charge-chargerecords" not in {s.code for s in signals.for_vehicle("MINI", "ICE")}


def test_command_table_routes_every_row() -> None:
    names = [c.name for c in v3_commands.COMMANDS]
    assert len(names) == len(set(names)) == 12
    for spec in v3_commands.COMMANDS:
        assert permissions.is_known(spec.permission)
        path = spec.path.replace("{vehicleId}", "v-1").replace("{scheduleId}", "s-1")
        found = v3_commands.find(spec.method, path)
        assert found is not None and found[0] is spec
        if spec.example is not None:
            assert set(spec.example) <= {a.name for a in spec.attributes}
    spec, params = v3_commands.find("DELETE", "vehicles/v-1/charge-schedules/daily")  # type: ignore[misc]
    assert spec.name == "delete_charge_schedule" and params["scheduleId"] == "daily"
    assert v3_commands.find("POST", "vehicles/v-1/charge-schedules/daily")[0].kind == "schedule"  # type: ignore[index]
    assert v3_commands.find("GET", "vehicles/v-1/commands/security/lock") is None
    limit = v3_commands.BY_NAME["set_charge_limit"]
    assert (limit.attributes[0].low, limit.attributes[0].high) == (50, 100)
    weekly = v3_commands.BY_NAME["weekly_charge_schedule"]
    assert weekly.supports("TESLA", "BEV") and not weekly.supports("VOLVO", "BEV")
    assert v3_commands.BY_NAME["daily_charge_schedule"].supports("VOLVO", "PHEV")
    assert not v3_commands.BY_NAME["start_charge"].supports("AUDI", "ICE")


def test_v3_error_items() -> None:
    for spec in v3_errors.V3_ERRORS:
        item = v3_errors.v3_error_item(spec.type, spec.code)
        assert item["status"] == str(spec.status) and item["detail"] == spec.description
        assert item["links"]["about"].startswith(errors.DOC_BASE)
    denied = v3_errors.v3_error_item("AUTHENTICATION", "ACCESS_DENIED")
    assert denied["title"] == "Access Denied"
    state = v3_errors.v3_error_item("VEHICLE_STATE", "IN_MOTION", pointer="/data")
    assert state["title"] == "Conflict" and state["source"] == {"pointer": "/data"}
    assert v3_errors.v3_error_body(state) == {"errors": [state]}
    with pytest.raises(KeyError):
        v3_errors.v3_error_item("VALIDATION", "NO_SUCH_CODE")
    assert v3_errors.lookup_v3("validation", "missing_parameter") is not None
    assert errors.lookup("VALIDATION", "MISSING_PARAMETER") is None  # v2.0 table untouched


def test_settings_check_names_and_values() -> None:
    holder = SettingsHolder()
    assert holder.current == V3Settings()
    assert holder.update(envelope="bare").envelope == "bare"
    for changes, name in (
        ({"envelope": "folded"}, "envelope"),
        ({"legacy_bearer": "yes"}, "legacy_bearer"),
        ({"colour": "red"}, "colour"),
    ):
        with pytest.raises(SettingsError) as caught:
            holder.update(**changes)
        assert caught.value.name == name
    assert holder.current.envelope == "bare"  # a refused change leaves the settings alone


def test_command_line_switches() -> None:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    assert cli.v3_settings(parser.parse_args([])) == V3Settings()
    chosen = cli.v3_settings(
        parser.parse_args(
            [
                "--v3-envelope",
                "bare",
                "--v3-timestamps",
                "iso",
                "--v3-units",
                "webhook",
                "--v3-empty-until-subscribed",
                "--v3-no-legacy-bearer",
            ]
        )
    )
    assert chosen == V3Settings("bare", "iso", "webhook", True, False)
    with pytest.raises(SystemExit):
        parser.parse_args(["--v3-envelope", "folded"])
