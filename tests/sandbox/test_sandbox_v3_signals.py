"""v3 vehicle and signals: the whole catalogue for a BEV, a PHEV and an ICE car."""

from __future__ import annotations

import re

import httpx
import pytest
from sandbox_v3_support import V3, assert_v3_error

from tui.core.smartcar import signals as catalogue
from tui.sandbox import Sandbox

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
NOT_CAPABLE = {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"}


@pytest.fixture
def fleet(sandbox: Sandbox, http: httpx.Client) -> tuple[V3, str, dict[str, str]]:
    """3-vehicles@: TESLA Model 3 (BEV), AUDI A4 (ICE), CHEVROLET Volt (PHEV)."""
    v3 = V3(sandbox, http)
    connected = v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    assert set(connected.vehicles) == {"TESLA", "AUDI", "CHEVROLET"}
    return v3, connected.user_id, connected.vehicles


def test_the_vehicle_resource(fleet, http: httpx.Client) -> None:
    v3, user, vehicles = fleet
    expected = {
        "TESLA": ("Model 3", 2021, "BEV"),
        "AUDI": ("A4", 2016, "ICE"),
        "CHEVROLET": ("Volt", 2018, "PHEV"),
    }
    for make, vehicle_id in vehicles.items():
        answer = http.get(f"/v3/vehicles/{vehicle_id}", headers=v3.headers(user))
        assert answer.status_code == 200
        model, year, powertrain = expected[make]
        assert answer.json() == {
            "data": {
                "id": vehicle_id,
                "type": "vehicle",
                "attributes": {
                    "make": make,
                    "model": model,
                    "year": year,
                    "powertrainType": powertrain,
                    "mode": "test",
                },
                "links": {"self": f"/vehicles/{vehicle_id}"},
            }
        }


@pytest.mark.parametrize("make", ["TESLA", "AUDI", "CHEVROLET"])
def test_every_catalogue_code_is_answered_with_the_right_status(fleet, make: str) -> None:
    v3, user, vehicles = fleet
    vehicle_id = vehicles[make]
    powertrain = {"TESLA": "BEV", "AUDI": "ICE", "CHEVROLET": "PHEV"}[make]
    answered = v3.signals(vehicle_id, user)
    assert list(answered) == [s.code for s in catalogue.SIGNALS]  # each once, catalogue order
    for spec in catalogue.SIGNALS:
        item = answered[spec.code]
        attributes = item["attributes"]
        assert (item["type"], attributes["code"]) == ("signal", spec.code)
        assert (attributes["name"], attributes["group"]) == (spec.name, spec.group)
        assert item["links"]["self"] == f"/vehicles/{vehicle_id}/signals/{spec.code}"
        assert isinstance(item["meta"]["retrievedAt"], int)  # epoch milliseconds
        if spec.supports(make, powertrain):  # its powertrain, and its make where limited
            assert attributes["status"] == {"value": "SUCCESS"}, spec.code
            body = attributes["body"]
            if spec.body in ("unit", "value"):
                assert "value" in body, spec.code
            if spec.body == "unit" and spec.unit:
                assert body["unit"] == spec.unit, spec.code
            expected_age = 0 if spec.attribute else item["meta"]["retrievedAt"]
            assert item["meta"]["oemUpdatedAt"] <= expected_age, spec.code
        else:
            assert attributes["status"] == {"value": "ERROR", "error": NOT_CAPABLE}, spec.code
            assert "body" not in attributes


def test_what_each_powertrain_lacks(fleet) -> None:
    v3, user, vehicles = fleet

    def failing(make: str) -> set[str]:
        answered = v3.signals(vehicles[make], user)
        return {c for c, s in answered.items() if s["attributes"]["status"]["value"] == "ERROR"}

    assert "tractionbattery-stateofcharge" in failing("AUDI")  # no traction battery
    assert "charge-ischarging" in failing("AUDI")
    assert "internalcombustionengine-fuellevel" in failing("TESLA")  # no fuel
    assert "charge-chargerecords" in failing("TESLA")  # BMW and MINI only, as in v2.0
    # A PHEV has both worlds; no frunk, and a CHEVROLET keeps no charge records.
    assert failing("CHEVROLET") == {"closure-fronttrunk", "charge-chargerecords"}


def test_list_document_meta_links_and_included_vehicle(fleet, http: httpx.Client) -> None:
    v3, user, vehicles = fleet
    vehicle_id = vehicles["TESLA"]
    document = http.get(f"/v3/vehicles/{vehicle_id}/signals", headers=v3.headers(user)).json()
    total = len(catalogue.SIGNALS)
    assert document["meta"] == {"page": 1, "pageSize": total, "totalCount": total}
    assert document["links"]["previous"] is None and document["links"]["next"] is None
    assert document["included"]["vehicle"]["attributes"]["model"] == "Model 3"
    page = http.get(
        f"/v3/vehicles/{vehicle_id}/signals",
        params={"page": 2, "pageSize": 10},
        headers=v3.headers(user),
    ).json()
    assert [s["id"] for s in page["data"]] == [s.code for s in catalogue.SIGNALS[10:20]]
    assert page["meta"] == {"page": 2, "pageSize": 10, "totalCount": total}
    assert page["links"]["previous"].endswith("page=1&pageSize=10")
    assert page["links"]["last"].endswith(f"page={-(-total // 10)}&pageSize=10")
    bad = http.get(
        f"/v3/vehicles/{vehicle_id}/signals", params={"pageSize": 0}, headers=v3.headers(user)
    )
    entry = assert_v3_error(bad, 400, "VALIDATION", "INVALID_INPUT_FORMAT")[0]
    assert entry["source"] == {"parameter": "pageSize"}


def test_ungranted_permissions_show_per_signal(sandbox: Sandbox, http: httpx.Client) -> None:
    v3 = V3(sandbox, http)
    connected = v3.connect(brand="TESLA", scope="read_odometer read_vin")
    answered = v3.signals(connected.vehicle_ids[0], connected.user_id)
    statuses = {"SUCCESS": 0, "PERMISSION": 0, "COMPATIBILITY": 0}
    for code, item in answered.items():
        spec = catalogue.find(code)
        assert spec is not None
        status = item["attributes"]["status"]
        if not spec.supports("TESLA", "BEV"):
            # What the vehicle lacks is no matter of permission: no scope would give it.
            assert status == {"value": "ERROR", "error": NOT_CAPABLE}, code
            statuses["COMPATIBILITY"] += 1
        elif spec.permission in ("read_odometer", "read_vin"):
            assert status == {"value": "SUCCESS"}, code
            statuses["SUCCESS"] += 1
        else:  # the vehicle has it; this connection did not ask for it
            assert status == {"value": "ERROR", "error": {"type": "PERMISSION", "code": None}}
            statuses["PERMISSION"] += 1
    assert all(statuses.values()), statuses
    assert answered["internalcombustionengine-fuellevel"]["attributes"]["status"]["error"] == (
        NOT_CAPABLE
    )
    single = http.get(
        f"/v3/vehicles/{connected.vehicle_ids[0]}/signals/location-preciselocation",
        headers=v3.headers(connected.user_id),
    )
    assert_v3_error(single, 403, "PERMISSION", None)


def test_one_signal_and_unknown_codes(fleet, http: httpx.Client) -> None:
    v3, user, vehicles = fleet
    vehicle_id = vehicles["AUDI"]
    answer = http.get(
        f"/v3/vehicles/{vehicle_id}/signals/internalcombustionengine-fuellevel",
        headers=v3.headers(user),
    ).json()
    assert answer["data"]["id"] == "internalcombustionengine-fuellevel"
    assert answer["data"]["attributes"]["body"]["unit"] == "percentage"
    assert 0 <= answer["data"]["attributes"]["body"]["value"] <= 100
    assert answer["included"]["vehicle"]["attributes"]["make"] == "AUDI"
    for code in ("no-such-signal", "ODOMETER-TRAVELEDDISTANCE", "vin"):
        missing = http.get(f"/v3/vehicles/{vehicle_id}/signals/{code}", headers=v3.headers(user))
        assert_v3_error(missing, 404, "RESOURCE_NOT_FOUND", "SIGNAL_NOT_FOUND")
    incapable = http.get(
        f"/v3/vehicles/{vehicle_id}/signals/tractionbattery-stateofcharge",
        headers=v3.headers(user),
    )
    assert_v3_error(incapable, 501, "COMPATIBILITY", "VEHICLE_NOT_CAPABLE")


def test_v2_and_v3_agree_on_the_vehicle_state(fleet, http: httpx.Client) -> None:
    v3, user, vehicles = fleet
    # The v2.0 side reads with a per-vehicle token of the same user (a second Connect).
    connected = v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    v2 = {"Authorization": f"Bearer {v3.v2_token(connected.query['code'])}"}
    tesla, audi = vehicles["TESLA"], vehicles["AUDI"]

    def v2_get(vehicle_id: str, path: str) -> dict:
        answer = http.get(f"/v2.0/vehicles/{vehicle_id}{path}", headers=v2)
        assert answer.status_code == 200, answer.text
        return answer.json()

    for _ in range(2):  # v2.0 polls a new reading each time; v3 reports the latest one
        odometer = v2_get(tesla, "/odometer")["distance"]
        assert v3.signal_body(tesla, user, "odometer-traveleddistance") == {
            "unit": "kilometers",
            "value": odometer,
        }
    place = v2_get(tesla, "/location")
    precise = v3.signal_body(tesla, user, "location-preciselocation")
    assert (precise["latitude"], precise["longitude"]) == (place["latitude"], place["longitude"])
    battery = v2_get(tesla, "/battery")
    assert v3.signal_body(tesla, user, "tractionbattery-stateofcharge")["value"] == round(
        battery["percentRemaining"] * 100, 1
    )
    assert v3.signal_body(tesla, user, "tractionbattery-range")["value"] == battery["range"]
    fuel = v2_get(audi, "/fuel")
    assert v3.signal_body(audi, user, "internalcombustionengine-range")["value"] == fuel["range"]
    assert (
        v3.signal_body(audi, user, "internalcombustionengine-amountremaining")["value"]
        == (fuel["amountRemaining"])
    )
    security = v2_get(audi, "/security")
    assert v3.signal_body(audi, user, "closure-islocked") == {"value": security["isLocked"]}
    charge = v2_get(tesla, "/charge")
    assert charge == {"isPluggedIn": True, "state": "NOT_CHARGING"}  # a login's first vehicle
    assert v3.signal_body(tesla, user, "charge-ischargingcableconnected") == {"value": True}
    assert v3.signal_body(tesla, user, "charge-ischarging") == {"value": False}
    volt = v2_get(vehicles["CHEVROLET"], "/charge")
    assert volt == {"isPluggedIn": False, "state": "NOT_CHARGING"}  # further vehicles: unplugged
    # GM's make-specific endpoints follow the same state as the v3 charge signals.
    gm = f"/v2.0/vehicles/{vehicles['CHEVROLET']}/chevrolet/charge"
    voltmeter = http.get(f"{gm}/voltmeter", headers=v2)
    assert (voltmeter.status_code, voltmeter.json()["code"]) == (
        409,
        "CHARGING_PLUG_NOT_CONNECTED",
    )
    assert v3.signal_body(vehicles["CHEVROLET"], user, "charge-voltage")["value"] == 0
    plug = {"vehicle_id": vehicles["CHEVROLET"], "plugged": True}
    assert http.post("/_sandbox/vehicle_state", json=plug).status_code == 200
    volts = (120, 208, 240)
    assert v2_get(vehicles["CHEVROLET"], "/chevrolet/charge/voltmeter")["voltage"] in volts
    assert v3.signal_body(vehicles["CHEVROLET"], user, "charge-voltage")["value"] in volts
    completion = http.get(f"{gm}/completion", headers=v2)  # plugged in, not charging
    assert (completion.status_code, completion.json()["code"]) == (409, "NOT_CHARGING")
    assert v3.signal_body(vehicles["CHEVROLET"], user, "charge-timetocomplete")["value"] == 0
    # Service records: the visits v2.0 lists without dates (the last year), in v3's shape.
    visits = 0
    for vehicle_id in vehicles.values():
        history = v2_get(vehicle_id, "/service/history")
        records = v3.signal_body(vehicle_id, user, "service-records")["values"]
        assert [(r["id"], r["time"], r["odometer"]) for r in records] == [
            (h["serviceId"], h["serviceDate"], h["odometerDistance"]) for h in history
        ]
        visits += len(records)
    assert visits  # a visit every 5 to 13 months: three cars have one in the last year
    limit = v2_get(tesla, "/charge/limit")["limit"]
    limits = v3.signal_body(tesla, user, "charge-chargelimits")
    assert limits["activeLimit"] == round(limit * 100) and limits["unit"] == "percentage"


def test_forced_error_emails_fail_signals_but_not_attributes(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    v3 = V3(sandbox, http)
    connected = v3.connect("VEHICLE_STATE.ASLEEP@smartcar.com", brand="TESLA")
    vehicle_id = connected.vehicle_ids[0]
    answered = v3.signals(vehicle_id, connected.user_id)
    assert answered["vehicleidentification-vin"]["attributes"]["status"] == {"value": "SUCCESS"}
    assert answered["odometer-traveleddistance"]["attributes"]["status"] == {
        "value": "ERROR",
        "error": {"type": "VEHICLE_STATE", "code": "ASLEEP"},
    }
    single = http.get(
        f"/v3/vehicles/{vehicle_id}/signals/odometer-traveleddistance",
        headers=v3.headers(connected.user_id),
    )
    assert_v3_error(single, 409, "VEHICLE_STATE", "ASLEEP")


def test_switches_envelope_timestamps_and_units(fleet, http: httpx.Client) -> None:
    v3, user, vehicles = fleet
    vehicle_id = vehicles["TESLA"]
    assert v3.admin("v3_settings", {"envelope": "bare", "timestamps": "iso", "units": "webhook"})
    bare_vehicle = http.get(f"/v3/vehicles/{vehicle_id}", headers=v3.headers()).json()
    assert bare_vehicle["type"] == "vehicle" and "data" not in bare_vehicle
    one = http.get(
        f"/v3/vehicles/{vehicle_id}/signals/odometer-traveleddistance", headers=v3.headers(user)
    ).json()
    assert one["type"] == "signal" and one["attributes"]["body"]["unit"] == "km"
    assert ISO.match(one["meta"]["retrievedAt"]) and ISO.match(one["meta"]["oemUpdatedAt"])
    listed = v3.signals(vehicle_id, user)
    assert listed["tractionbattery-stateofcharge"]["attributes"]["body"]["unit"] == "percent"
    assert listed["tractionbattery-nominalcapacity"]["attributes"]["body"]["unit"] == "kWh"
    imperial = v3.signals(vehicle_id, user, **{"SC-Unit-System": "imperial"})
    assert imperial["odometer-traveleddistance"]["attributes"]["body"]["unit"] == "mi"
    bad = http.get(
        f"/v3/vehicles/{vehicle_id}/signals",
        headers={**v3.headers(user), "SC-Unit-System": "parsecs"},
    )
    assert_v3_error(bad, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    refused = http.post("/_sandbox/v3_settings", json={"envelope": "folded"})
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == ["envelope"]
    unknown = http.post("/_sandbox/v3_settings", json={"colour": "red"})
    assert unknown.status_code == 400
    assert http.get("/_sandbox/v3_settings").json() == {
        "envelope": "bare",
        "timestamps": "iso",
        "units": "webhook",
        "empty_until_subscribed": False,
        "legacy_bearer": True,
    }


def test_empty_signal_store_until_subscribed(sandbox: Sandbox, http: httpx.Client, fleet) -> None:
    v3, user, vehicles = fleet
    vehicle_id = vehicles["TESLA"]
    v3.admin("v3_settings", {"empty_until_subscribed": True})
    empty = http.get(f"/v3/vehicles/{vehicle_id}/signals", headers=v3.headers(user)).json()
    assert empty["data"] == [] and empty["meta"]["totalCount"] == 0
    assert_v3_error(
        http.get(
            f"/v3/vehicles/{vehicle_id}/signals/odometer-traveleddistance",
            headers=v3.headers(user),
        ),
        404,
        "RESOURCE_NOT_FOUND",
        "SIGNAL_NOT_FOUND",
    )
    assert http.get(f"/v3/vehicles/{vehicle_id}", headers=v3.headers()).status_code == 200
    connected = v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    v2 = {"Authorization": f"Bearer {v3.v2_token(connected.query['code'])}"}
    webhook = sandbox.webhook_ids[0]
    subscribed = http.post(f"/v2.0/vehicles/{vehicle_id}/webhooks/{webhook}", headers=v2)
    assert subscribed.status_code == 200
    assert len(v3.signals(vehicle_id, user)) == len(catalogue.SIGNALS)


CHARGE_RECORD_KEYS = {
    "id",
    "cost",
    "startTime",
    "endTime",
    "location",
    "energyAdded",
    "connectorType",
    "isPublicCharger",
    "startStateOfCharge",
    "endStateOfCharge",
}


@pytest.mark.parametrize("brand", ["BMW", "MINI"])
def test_charge_records_signal_holds_the_v2_records(
    sandbox: Sandbox, http: httpx.Client, brand: str
) -> None:
    v3 = V3(sandbox, http)
    connected = v3.connect(f"{brand.lower()}-driver@example.com", brand=brand)
    vehicle = connected.vehicles[brand]
    v2 = {"Authorization": f"Bearer {v3.v2_token(connected.query['code'])}"}
    answer = http.get(f"/v2.0/vehicles/{vehicle}/{brand.lower()}/charge/records", headers=v2)
    assert answer.status_code == 200, answer.text
    records = answer.json()["records"]  # no dates: the last 30 days
    body = v3.signal_body(vehicle, connected.user_id, "charge-chargerecords")
    assert records and len(body["values"]) == len(records)
    assert len({value["id"] for value in body["values"]}) == len(records)
    for record, value in zip(records, body["values"], strict=True):
        assert set(value) == CHARGE_RECORD_KEYS
        assert (value["startTime"], value["endTime"]) == (
            record["chargeStart"],
            record["chargeEnd"],
        )
        assert value["energyAdded"] == record["energy"]
        assert value["isPublicCharger"] == record["isPublic"]
        assert value["startStateOfCharge"] == round(record["startPercentRemaining"] * 100)
        assert value["endStateOfCharge"] == round(record["endPercentRemaining"] * 100)
        assert value["connectorType"] == ("J1772" if record["chargingType"] == "AC" else "CCS")
        assert set(value["cost"]) == {"currency", "energyAmount", "otherAmount"}
        location = value["location"]
        assert set(location) == {"name", "address", "latitude", "longitude"}
        if record["location"] == "Home":  # v2.0 says "Home" and nothing more
            assert location == {
                "name": "Home",
                "address": None,
                "latitude": None,
                "longitude": None,
            }
        else:  # v2.0's string is the street address; v3 adds where it is
            assert location["address"] == record["location"] and location["name"] is None
            assert 37.0 <= location["latitude"] <= 41.0
            assert -109.0 <= location["longitude"] <= -102.05
    # Read again: the same history (it is the vehicle's, not a new random draw).
    assert v3.signal_body(vehicle, connected.user_id, "charge-chargerecords") == body


def test_one_vehicle_one_set_of_permissions_in_both_apis(
    sandbox: Sandbox, http: httpx.Client
) -> None:
    v3 = V3(sandbox, http)
    connected = v3.connect("2-vehicles@smartcar.com", brand="TESLA")  # TESLA BEV, AUDI ICE
    token = v3.v2_token(connected.query["code"])
    legacy = {"Authorization": f"Bearer {token}"}
    listing = http.get(
        "/v3/connections", params={"filter[userId]": connected.user_id}, headers=v3.headers()
    ).json()["data"]
    held = {
        c["relationships"]["vehicle"]["data"]["id"]: c["attributes"]["permissions"] for c in listing
    }
    for vehicle in connected.vehicle_ids:
        v2 = http.get(
            f"/v2.0/vehicles/{vehicle}/permissions", params={"limit": 100}, headers=legacy
        ).json()["permissions"]
        assert held[vehicle] == v2  # "the scopes actually granted", as v2.0 lists them
    audi, tesla = connected.vehicles["AUDI"], connected.vehicles["TESLA"]
    assert {"read_battery", "read_charge", "control_charge"}.isdisjoint(held[audi])
    assert {"read_fuel", "read_engine_oil"}.isdisjoint(held[tesla])
    # v3 answers a petrol car's temperatures, so it is granted read_thermometer, though
    # v2.0's thermometer is a Tesla endpoint (501 for the AUDI).
    assert "read_thermometer" in held[audi]
    audi_signals = v3.signals(audi, connected.user_id)
    assert audi_signals["climate-externaltemperature"]["attributes"]["status"] == {
        "value": "SUCCESS"
    }
    assert (
        http.get(f"/v2.0/vehicles/{audi}/audi/thermometer/exterior", headers=legacy).status_code
        == 501
    )
    # Both tokens see the same statuses: what the AUDI lacks is COMPATIBILITY, not PERMISSION.
    with_legacy = http.get(f"/v3/vehicles/{audi}/signals", headers=legacy)
    assert with_legacy.status_code == 200
    for item in with_legacy.json()["data"]:
        status = item["attributes"]["status"]
        assert status == audi_signals[item["id"]]["attributes"]["status"], item["id"]
        assert status.get("error", {}).get("type") != "PERMISSION", item["id"]
    assert audi_signals["tractionbattery-stateofcharge"]["attributes"]["status"] == {
        "value": "ERROR",
        "error": NOT_CAPABLE,
    }
