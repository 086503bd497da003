"""The Management API v3 (webhooks, subscriptions) and the admin namespace's webhook controls."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from sandbox_v3_support import Connected, assert_v3_error
from webhook_support import CallbackServer, Hooks

from tui.sandbox import Sandbox

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
def hooks(sandbox: Sandbox, http: httpx.Client, callback: CallbackServer) -> Hooks:
    return Hooks(sandbox, http, callback)


@pytest.fixture
def fleet(hooks: Hooks) -> Connected:
    """3-vehicles@: TESLA Model 3, AUDI A4, CHEVROLET Volt."""
    return hooks.v3.connect("3-vehicles@smartcar.com", brand="TESLA")


def get(hooks: Hooks, path: str, **params: Any) -> httpx.Response:
    return hooks.http.get(path, params=params, headers=hooks.v3.headers())


def listed(hooks: Hooks, path: str, **params: Any) -> list[dict[str, Any]]:
    answer = get(hooks, path, **params)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def names(hooks: Hooks, **params: Any) -> list[str]:
    return [w["attributes"]["name"] for w in listed(hooks, "/v3/webhooks", **params)]


def vehicle_ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["relationships"]["vehicle"]["data"]["id"] for r in rows]


def test_webhooks_list_and_get(hooks: Hooks, callback: CallbackServer) -> None:
    charging = hooks.define(
        name="Charging Webhook",
        data=["charge-voltage"],
        triggers=["tractionbattery-stateofcharge"],
        error_callback_uri=callback.error_url,
    )
    hooks.define(name="Locks", callback_uri=f"{callback.url}/locks", auto_subscribe=True)
    hooks.define(name="Hourly", triggers=[], schedule_minutes=60, enabled=False)
    everything = listed(hooks, "/v3/webhooks")
    assert [w["attributes"]["name"] for w in everything] == ["Charging Webhook", "Locks", "Hourly"]
    first = everything[0]
    assert first == {
        "id": charging,
        "type": "webhook",
        "attributes": {
            "name": "Charging Webhook",
            "callbackUri": callback.url,
            "isEnabled": True,
            "triggers": [
                {
                    "group": "TractionBattery",
                    "name": "StateOfCharge",
                    "code": "tractionbattery-stateofcharge",
                }
            ],
            "data": [{"group": "Charge", "name": "Voltage", "code": "charge-voltage"}],
            "errorCallbackUri": callback.error_url,
            "autoSubscribe": False,
            "schedule": None,
        },
        "links": {"self": f"/webhooks/{charging}"},
        "meta": {"createdAt": first["meta"]["createdAt"]},
    }
    assert ISO.match(first["meta"]["createdAt"])
    assert everything[2]["attributes"]["schedule"] == {"intervalMinutes": 60}
    one = get(hooks, f"/v3/webhooks/{charging}")
    assert one.status_code == 200 and one.json() == {"data": first}
    assert names(hooks, **{"filter[name]": "LOCK"}) == ["Locks"]
    assert names(hooks, **{"filter[callbackUri]": "/LOCKS"}) == ["Locks"]
    assert names(hooks, **{"filter[isEnabled]": "false"}) == ["Hourly"]
    assert names(hooks, **{"filter[autoSubscribe]": "true"}) == ["Locks"]
    page = get(hooks, "/v3/webhooks", **{"page[size]": 2, "page[number]": 2}).json()
    assert [w["attributes"]["name"] for w in page["data"]] == ["Hourly"]
    assert page["meta"] == {"pageNumber": 2, "pageSize": 2, "totalCount": 3, "totalPages": 2}
    assert page["links"]["prev"] == "/webhooks?page[number]=1&page[size]=2"
    assert page["links"]["next"] is None


def test_webhook_errors(hooks: Hooks, sandbox: Sandbox) -> None:
    webhook_id = hooks.define()
    assert_v3_error(hooks.http.get("/v3/webhooks"), 401, "AUTHENTICATION", "UNAUTHORIZED")
    wrong = {"Authorization": "Bearer not-a-token"}
    answer = hooks.http.get(f"/v3/webhooks/{webhook_id}", headers=wrong)
    assert_v3_error(answer, 401, "AUTHENTICATION", "UNAUTHORIZED")
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        assert_v3_error(get(hooks, f"/v3/webhooks/{unknown}"), 404, "RESOURCE_NOT_FOUND", "PATH")
    for params, name in (
        ({"page[size]": 101}, "page[size]"),
        ({"page[number]": 0}, "page[number]"),
        ({"filter[isEnabled]": "maybe"}, "filter[isEnabled]"),
        ({"filter[colour]": "red"}, "filter[colour]"),
    ):
        (entry,) = assert_v3_error(
            get(hooks, "/v3/webhooks", **params), 400, "VALIDATION", "INVALID_INPUT_FORMAT"
        )
        assert entry["source"] == {"parameter": name}
    # Webhooks are made by the sandbox (Smartcar: in the Dashboard), not through the API.
    created = hooks.http.post("/v3/webhooks", json={}, headers=hooks.v3.headers())
    assert_v3_error(created, 404, "RESOURCE_NOT_FOUND", "PATH")


def test_subscription_lifecycle(hooks: Hooks, fleet: Connected) -> None:
    webhook_id = hooks.define()
    tesla, audi = fleet.vehicles["TESLA"], fleet.vehicles["AUDI"]
    created = hooks.subscribe(webhook_id, fleet.user_id, tesla)
    assert created.status_code == 202
    assert created.json() == {"meta": {"message": "subscription creation in progress"}}
    hooks.subscribed(webhook_id, fleet.user_id, audi)
    rows = listed(hooks, "/v3/subscriptions")
    assert vehicle_ids(rows) == [tesla, audi]
    row = rows[0]
    assert row["type"] == "subscription" and uuid.UUID(row["id"])
    assert row["attributes"]["vehicle"] == {
        "make": "TESLA",
        "model": "Model 3",
        "year": row["attributes"]["vehicle"]["year"],
        "mode": "test",
        "powertrainType": "BEV",
    }
    assert row["relationships"]["webhook"]["data"] == {"type": "webhook", "id": webhook_id}
    assert row["relationships"]["user"]["data"] == {"type": "user", "id": fleet.user_id}
    assert row["links"] == {"self": f"/subscriptions/{row['id']}"}
    assert ISO.match(row["meta"]["createdAt"]) and ISO.match(row["meta"]["updatedAt"])
    one = get(hooks, f"/v3/subscriptions/{row['id']}")
    assert one.status_code == 200 and one.json() == {"data": row}
    for name, value, count in (
        ("filter[vehicleId]", audi, 1),
        ("filter[userId]", fleet.user_id, 2),
        ("filter[webhookId]", webhook_id, 2),
        ("filter[webhookId]", str(uuid.uuid4()), 0),
        ("filter[vehicle.mode]", "test", 2),
        ("filter[vehicle.mode]", "live", 0),
    ):
        assert len(listed(hooks, "/v3/subscriptions", **{name: value})) == count, name
    assert len(listed(hooks, "/v3/subscriptions", **{"page[size]": 1})) == 1
    again = hooks.subscribe(webhook_id, fleet.user_id, tesla)
    (conflict,) = assert_v3_error(again, 409, "CONFLICT", "SUBSCRIPTION_EXISTS")
    assert tesla in conflict["detail"]
    removed = hooks.http.delete(f"/v3/subscriptions/{row['id']}", headers=hooks.v3.headers())
    assert removed.status_code == 204 and removed.content == b""
    for method in ("GET", "DELETE"):
        gone = hooks.http.request(
            method, f"/v3/subscriptions/{row['id']}", headers=hooks.v3.headers()
        )
        assert_v3_error(gone, 404, "RESOURCE_NOT_FOUND", "PATH")
    assert [r["id"] for r in listed(hooks, "/v3/subscriptions")] == [rows[1]["id"]]
    # Once removed, the vehicle can be subscribed again.
    hooks.subscribed(webhook_id, fleet.user_id, tesla)


def test_subscription_errors(hooks: Hooks, fleet: Connected, sandbox: Sandbox) -> None:
    webhook_id = hooks.define()
    headers = hooks.v3.headers()
    for malformed in (b"", b"{nope", b'{"attributes": {}}', b"[]"):
        answer = hooks.http.post("/v3/subscriptions", content=malformed, headers=headers)
        assert_v3_error(answer, 400, "VALIDATION", "BAD_REQUEST")
    bad = {"data": {"attributes": {"userId": "someone", "vehicleId": 7}}}
    answer = hooks.http.post("/v3/subscriptions", json=bad, headers=headers)
    entries = assert_v3_error(answer, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    assert [e["source"]["pointer"] for e in entries] == [
        "/data/attributes/webhookId",
        "/data/attributes/userId",
        "/data/attributes/vehicleId",
    ]
    unknown = hooks.subscribe(str(uuid.uuid4()), fleet.user_id, fleet.vehicle_ids[0])
    assert_v3_error(unknown, 404, "RESOURCE_NOT_FOUND", "PATH")
    other = hooks.v3.connect("other@example.com")
    foreign = hooks.subscribe(webhook_id, fleet.user_id, other.vehicle_ids[0])
    (entry,) = assert_v3_error(foreign, 404, "RESOURCE_NOT_FOUND", "PATH")
    assert "no connection" in entry["detail"]
    no_token = hooks.http.post("/v3/subscriptions", json={})
    assert_v3_error(no_token, 401, "AUTHENTICATION", "UNAUTHORIZED")
    (entry,) = assert_v3_error(
        get(hooks, "/v3/subscriptions/not-a-uuid"), 400, "VALIDATION", "INVALID_INPUT_FORMAT"
    )
    assert entry["source"] == {"parameter": "subscriptionId"}
    for params in (
        {"filter[userId]": "nope"},
        {"filter[vehicle.mode]": "fast"},
        {"page[size]": 0},
        {"filter[name]": "x"},
    ):
        answer = get(hooks, "/v3/subscriptions", **params)
        assert_v3_error(answer, 400, "VALIDATION", "INVALID_INPUT_FORMAT")


def test_the_blogs_subscription_paths(hooks: Hooks, fleet: Connected) -> None:
    webhook_id = hooks.define()
    audi = fleet.vehicles["AUDI"]
    path = f"/v3/webhooks/{webhook_id}/subscriptions"
    body = {"data": {"attributes": {"userId": fleet.user_id, "vehicleId": audi}}}
    created = hooks.http.post(path, json=body, headers=hooks.v3.headers())
    assert created.status_code == 202, created.text
    (row,) = listed(hooks, path)
    assert row["relationships"]["vehicle"]["data"]["id"] == audi
    other_webhook = {**body["data"]["attributes"], "webhookId": str(uuid.uuid4())}
    answer = hooks.http.post(
        path, json={"data": {"attributes": other_webhook}}, headers=hooks.v3.headers()
    )
    assert_v3_error(answer, 400, "VALIDATION", "INVALID_INPUT_FORMAT")
    missing = f"/v3/webhooks/{uuid.uuid4()}/subscriptions"
    assert_v3_error(get(hooks, missing), 404, "RESOURCE_NOT_FOUND", "PATH")
    gone = hooks.http.delete(f"{path}/{audi}", headers=hooks.v3.headers())
    assert gone.status_code == 204
    assert listed(hooks, path) == []
    again = hooks.http.delete(f"{path}/{audi}", headers=hooks.v3.headers())
    assert_v3_error(again, 404, "RESOURCE_NOT_FOUND", "PATH")


def test_removing_connections_users_or_grants_removes_subscriptions(
    hooks: Hooks, fleet: Connected, http: httpx.Client
) -> None:
    webhook_id = hooks.define()
    other = hooks.v3.connect("2-vehicles@smartcar.com")
    for vehicle_id in fleet.vehicle_ids:
        hooks.subscribed(webhook_id, fleet.user_id, vehicle_id)
    for vehicle_id in other.vehicle_ids:
        hooks.subscribed(webhook_id, other.user_id, vehicle_id)
    assert len(listed(hooks, "/v3/subscriptions")) == 5
    connection = listed(hooks, "/v3/connections", **{"filter[vehicleId]": fleet.vehicles["AUDI"]})
    removed = http.delete(f"/v3/connections/{connection[0]['id']}", headers=hooks.v3.headers())
    assert removed.status_code == 204
    remaining = vehicle_ids(listed(hooks, "/v3/subscriptions"))
    assert fleet.vehicles["AUDI"] not in remaining and len(remaining) == 4
    assert http.delete(f"/v3/users/{other.user_id}", headers=hooks.v3.headers()).status_code == 204
    assert len(listed(hooks, "/v3/subscriptions")) == 2
    # A v2.0 disconnect ends the connection, and the subscription with it.
    token = hooks.v3.v2_token(fleet.query["code"])
    tesla = fleet.vehicles["TESLA"]
    disconnect = http.delete(
        f"/v2.0/vehicles/{tesla}/application", headers={"Authorization": f"Bearer {token}"}
    )
    assert disconnect.status_code == 200, disconnect.text
    assert vehicle_ids(listed(hooks, "/v3/subscriptions")) == [fleet.vehicles["CHEVROLET"]]


def test_empty_until_subscribed_counts_v3_subscriptions(hooks: Hooks, fleet: Connected) -> None:
    hooks.v3.admin("v3_settings", {"empty_until_subscribed": True})
    audi = fleet.vehicles["AUDI"]
    assert hooks.v3.signals(audi, fleet.user_id) == {}
    hooks.subscribed(hooks.define(), fleet.user_id, audi)
    assert "closure-islocked" in hooks.v3.signals(audi, fleet.user_id)


def test_admin_definitions(hooks: Hooks, callback: CallbackServer) -> None:
    http = hooks.http
    for body, field in (
        ({}, "callbackUri"),
        ({"callbackUri": "ftp://example.com/x"}, "callbackUri"),
        ({"callbackUri": callback.url, "data": ["no-such-signal"]}, "data"),
        ({"callbackUri": callback.url, "triggers": "closure-islocked"}, None),  # a string is fine
        ({"callbackUri": callback.url, "scheduleMinutes": 0}, "scheduleMinutes"),
        ({"callbackUri": callback.url, "isEnabled": "yes"}, "isEnabled"),
        ({"callbackUri": callback.url, "colour": "red"}, "colour"),
    ):
        answer = http.post("/_sandbox/webhooks", json=body)
        if field is None:
            assert answer.status_code == 201, answer.text
            assert answer.json()["triggers"] == ["closure-islocked"]
            continue
        assert answer.status_code == 400, body
        assert answer.json()["detail"][0]["field"] == [field]
    created = http.post("/_sandbox/webhooks", json={"callbackUri": callback.url, "name": "Mine"})
    assert created.status_code == 201
    webhook_id = created.json()["id"]
    hooks.settle()
    views = http.get("/_sandbox/webhooks").json()["webhooks"]
    assert [v["name"] for v in views] == ["Webhook 1", "Mine"]
    renamed = http.patch(f"/_sandbox/webhooks/{webhook_id}", json={"name": "Renamed"})
    assert renamed.json()["name"] == "Renamed"
    assert renamed.json()["verification"]["status"] == "verified"  # same callback: no VERIFY
    assert http.delete(f"/_sandbox/webhooks/{webhook_id}").status_code == 200
    assert http.get(f"/_sandbox/webhooks/{webhook_id}").status_code == 404
    assert_v3_error(get(hooks, f"/v3/webhooks/{webhook_id}"), 404, "RESOURCE_NOT_FOUND", "PATH")
    settings = http.post("/_sandbox/webhook_settings", json={"retry_delays": [1, 2]})
    assert settings.json()["retry_delays"] == [1.0, 2.0]
    bad = http.post("/_sandbox/webhook_settings", json={"timeout": -1})
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == ["timeout"]
    assert http.get("/_sandbox/webhooks/nope/deliveries").status_code == 404
