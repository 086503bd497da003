"""v3 webhook deliveries: FIRST_DELIVERY, triggers, schedules on the clock, retries, errors."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import smartcar
from sandbox_v3_support import V3, Connected
from webhook_support import CallbackServer, Hooks, Received, serve, signal_map

from tui.sandbox import Sandbox, start_sandbox

LOCK, UNLOCK = "commands/security/lock", "commands/security/unlock"
SHARED = (
    "closure-islocked",
    "charge-ischarging",
    "tractionbattery-stateofcharge",
    "odometer-traveleddistance",
    "location-preciselocation",
    "charge-chargelimits",
)


@pytest.fixture
def hooks(sandbox: Sandbox, http: httpx.Client, callback: CallbackServer) -> Hooks:
    return Hooks(sandbox, http, callback)


@pytest.fixture
def fleet(hooks: Hooks) -> Connected:
    """3-vehicles@: TESLA Model 3 (BEV), AUDI A4 (ICE), CHEVROLET Volt (PHEV)."""
    return hooks.v3.connect("3-vehicles@smartcar.com", brand="TESLA")


def triggered(received: list[Received], code: str) -> list[Received]:
    """VEHICLE_STATE deliveries a change of ``code`` fired."""
    return [
        r
        for r in received
        if r.event_type == "VEHICLE_STATE"
        and any(t.get("signal", {}).get("code") == code for t in r.json["triggers"])
    ]


def is_locked(hooks: Hooks, fleet: Connected, vehicle_id: str) -> bool:
    signal = hooks.v3.signals(vehicle_id, fleet.user_id)["closure-islocked"]
    return bool(signal["attributes"]["body"]["value"])


def test_first_delivery_carries_what_the_signals_endpoint_says(
    hooks: Hooks, fleet: Connected, callback: CallbackServer
) -> None:
    webhook_id = hooks.define(name="Everything", data=list(SHARED))
    tesla = fleet.vehicles["TESLA"]
    hooks.subscribed(webhook_id, fleet.user_id, tesla)
    (first,) = callback.wait_events("VEHICLE_STATE")
    payload = first.json
    assert payload["data"]["user"] == {"id": fleet.user_id}
    assert payload["data"]["vehicle"] == {
        "id": tesla,
        "make": "TESLA",
        "model": "Model 3",
        "year": payload["data"]["vehicle"]["year"],
    }
    assert payload["triggers"] == [{"type": "FIRST_DELIVERY"}]
    meta = payload["meta"]
    assert (meta["version"], meta["mode"], meta["webhookId"], meta["webhookName"]) == (
        "4.0",
        "LIVE",
        webhook_id,
        "Everything",
    )
    signals = signal_map(payload)
    assert list(signals) == list(SHARED) and meta["signalCount"] == len(SHARED)
    hooks.v3.admin("v3_settings", {"units": "webhook"})
    rest = hooks.v3.signals(tesla, fleet.user_id)
    for code in SHARED:
        entry = signals[code]
        assert entry["status"] == {"value": "SUCCESS"}, entry
        body = rest[code]["attributes"]["body"]
        if code == "location-preciselocation":  # the heading is drawn afresh on every read
            body = {k: v for k, v in body.items() if k in ("latitude", "longitude")}
            assert {k: entry["body"][k] for k in body} == body
        else:
            assert entry["body"] == body, code
        assert (entry["name"], entry["group"]) == (
            rest[code]["attributes"]["name"],
            rest[code]["attributes"]["group"],
        )
        assert isinstance(entry["meta"]["retrievedAt"], int)
    assert signals["tractionbattery-stateofcharge"]["body"]["unit"] == "percent"
    assert signals["odometer-traveleddistance"]["body"]["unit"] == "km"


def test_a_petrol_car_reports_what_it_lacks(
    hooks: Hooks, fleet: Connected, callback: CallbackServer
) -> None:
    webhook_id = hooks.define()
    hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicles["AUDI"])
    (first,) = callback.wait_events("VEHICLE_STATE")
    charging = signal_map(first.json)["charge-ischarging"]
    assert charging == {
        "code": "charge-ischarging",
        "name": "IsCharging",
        "group": "Charge",
        "status": {
            "value": "ERROR",
            "error": {"type": "COMPATIBILITY", "code": "VEHICLE_NOT_CAPABLE"},
        },
    }


def test_a_lock_fires_the_trigger(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, http: httpx.Client
) -> None:
    webhook_id = hooks.define(triggers=["closure-islocked"])
    audi = fleet.vehicles["AUDI"]
    hooks.subscribed(webhook_id, fleet.user_id, audi)
    callback.wait_events("VEHICLE_STATE")
    for path in (UNLOCK, LOCK):  # whatever it was before, the last change is to locked
        assert hooks.v3.command(audi, fleet.user_id, path).status_code == 200
    received = callback.wait_for(
        lambda got: any(
            signal_map(r.json)["closure-islocked"]["body"] == {"value": True}
            for r in triggered(got, "closure-islocked")
        )
    )
    last = triggered(received, "closure-islocked")[-1].json
    assert last["triggers"] == [
        {
            "type": "SIGNAL_UPDATED",
            "signal": {"code": "closure-islocked", "name": "IsLocked", "group": "Closure"},
        }
    ]
    assert last["meta"]["signalCount"] == len(last["data"]["signals"])
    hooks.settle()
    count = len(callback.events("VEHICLE_STATE"))
    # Locking a locked car changes nothing: no delivery. The admin unlock does change it.
    v2 = {"Authorization": f"Bearer {hooks.v3.v2_token(fleet.query['code'])}"}
    relock = http.post(f"/v2.0/vehicles/{audi}/security", json={"action": "LOCK"}, headers=v2)
    assert relock.status_code == 200
    hooks.settle()
    assert len(callback.events("VEHICLE_STATE")) == count
    hooks.v3.admin("vehicle_state", {"vehicle_id": audi, "locked": False})
    (unlocked,) = callback.wait_events("VEHICLE_STATE", count + 1)[count:]
    assert signal_map(unlocked.json)["closure-islocked"]["body"] == {"value": False}


def test_the_schedule_runs_on_the_sandbox_clock(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, sandbox: Sandbox
) -> None:
    webhook_id = hooks.define(triggers=[], schedule_minutes=10)
    hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicles["TESLA"])
    callback.wait_events("VEHICLE_STATE")
    hooks.settle()

    def scheduled() -> list[Received]:
        return [
            r
            for r in callback.events("VEHICLE_STATE")
            if r.json["triggers"][0]["type"] == "SCHEDULE"
        ]

    assert scheduled() == []
    hooks.advance(600)
    callback.wait_for(lambda got: len(scheduled()) == 1)
    assert scheduled()[0].json["triggers"] == [
        {"type": "SCHEDULE", "schedule": {"intervalMinutes": 10}}
    ]
    hooks.advance(1800)  # three more slots fell due
    callback.wait_for(lambda got: len(scheduled()) == 4)
    sandbox.webhooks.configure(catch_up=2)
    hooks.advance(3600)  # six slots: two delivered, four skipped
    callback.wait_for(lambda got: len(scheduled()) == 6)
    hooks.settle()
    assert len(scheduled()) == 6
    skipped = [e for e in hooks.log(webhook_id) if e["outcome"] == "dropped"]
    assert len(skipped) == 1 and skipped[0]["error"].startswith("4 scheduled deliveries skipped")
    view = hooks.http.get(f"/_sandbox/webhooks/{webhook_id}").json()
    assert view["scheduleMinutes"] == 10 and view["scheduleNextAt"]


def test_failed_deliveries_are_retried_with_the_same_event(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, sandbox: Sandbox
) -> None:
    webhook_id = hooks.define()
    callback.fail_next = 2
    hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicles["TESLA"])
    callback.wait_events("VEHICLE_STATE", 1)
    hooks.settle()  # the retry waits for the clock: nothing more is due now
    assert len(callback.events("VEHICLE_STATE")) == 1
    hooks.advance(25)
    callback.wait_events("VEHICLE_STATE", 2)
    hooks.settle()
    hooks.advance(50)
    attempts = callback.wait_events("VEHICLE_STATE", 3)
    assert len({a.json["eventId"] for a in attempts}) == 1
    assert len({a.json["meta"]["deliveryId"] for a in attempts}) == 3
    delivered_at = [a.json["meta"]["deliveredAt"] for a in attempts]
    assert delivered_at == sorted(delivered_at) and delivered_at[0] < delivered_at[2]
    for attempt in attempts:
        signature = attempt.headers["sc-signature"]
        assert smartcar.verify_payload(sandbox.amt, signature, attempt.body.decode())
    hooks.settle()
    log = [e for e in hooks.log(webhook_id) if e["eventType"] == "VEHICLE_STATE"]
    assert [(e["attempt"], e["status"], e["outcome"]) for e in log] == [
        (1, 500, "failed"),
        (2, 500, "failed"),
        (3, 200, "delivered"),
    ]
    assert log[0]["nextAttemptAt"] and "HTTP 500" in log[0]["error"]


def test_the_event_is_dropped_after_the_last_retry(
    hooks: Hooks, fleet: Connected, callback: CallbackServer
) -> None:
    webhook_id = hooks.define()
    callback.fail_next = 10
    hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicles["TESLA"])
    for number, delay in enumerate((25, 50, 100), start=1):
        callback.wait_events("VEHICLE_STATE", number)
        hooks.settle()
        hooks.advance(delay)
    callback.wait_events("VEHICLE_STATE", 4)
    hooks.settle()
    hooks.advance(1000)
    hooks.settle()
    assert len(callback.events("VEHICLE_STATE")) == 4
    outcomes = [e["outcome"] for e in hooks.log(webhook_id) if e["eventType"] == "VEHICLE_STATE"]
    assert outcomes == ["failed", "failed", "failed", "gave_up"]


def test_vehicle_errors_raised_and_resolved(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, http: httpx.Client
) -> None:
    webhook_id = hooks.define(error_callback_uri=callback.error_url)
    tesla = fleet.vehicles["TESLA"]
    hooks.subscribed(webhook_id, fleet.user_id, tesla)
    callback.wait_events("VEHICLE_STATE")
    raised = hooks.v3.admin(
        "vehicle_error", {"vehicle_id": tesla, "type": "VEHICLE_STATE", "code": "UNREACHABLE"}
    )
    assert [(e["type"], e["code"]) for e in raised["errors"]] == [("VEHICLE_STATE", "UNREACHABLE")]
    (error,) = callback.wait_events("VEHICLE_ERROR")
    assert error.path == "/errors"
    payload = error.json
    assert payload["data"]["user"] == {"id": fleet.user_id}
    assert payload["data"]["vehicle"]["id"] == tesla and "vehicleId" not in payload
    assert set(payload["meta"]) == {
        "version",
        "deliveryId",
        "deliveredAt",
        "webhookId",
        "webhookName",
        "mode",
    }
    (entry,) = payload["data"]["errors"]
    assert (entry["type"], entry["code"], entry["state"]) == (
        "VEHICLE_STATE",
        "UNREACHABLE",
        "ERROR",
    )
    assert entry["docURL"].endswith("vehicle-state-errors#unreachable")
    assert entry["description"] and entry["suggestedUserMessage"] and "signals" not in entry
    odometer = hooks.v3.signals(tesla, fleet.user_id)["odometer-traveleddistance"]["attributes"]
    assert odometer["status"] == {
        "value": "ERROR",
        "error": {"type": "VEHICLE_STATE", "code": "UNREACHABLE"},
    }
    one = http.get(
        f"/v3/vehicles/{tesla}/signals/odometer-traveleddistance",
        headers=hooks.v3.headers(fleet.user_id),
    )
    assert one.status_code == 409
    resolved = hooks.v3.admin(
        "vehicle_error",
        {"vehicle_id": tesla, "type": "VEHICLE_STATE", "code": "UNREACHABLE", "state": "RESOLVED"},
    )
    assert resolved["errors"] == []
    second = callback.wait_events("VEHICLE_ERROR", 2)[1].json["data"]["errors"][0]
    assert (second["state"], second["description"]) == ("RESOLVED", "The vehicle is now reachable.")
    odometer = hooks.v3.signals(tesla, fleet.user_id)["odometer-traveleddistance"]["attributes"]
    assert odometer["status"] == {"value": "SUCCESS"}
    # A narrow error names its signals; PERMISSION's null code links to "#null".
    hooks.v3.admin(
        "vehicle_error",
        {
            "vehicle_id": tesla,
            "type": "PERMISSION",
            "code": None,
            "signals": ["location-preciselocation"],
        },
    )
    third = callback.wait_events("VEHICLE_ERROR", 3)[2].json["data"]["errors"][0]
    assert third["signals"] == [
        {"code": "location-preciselocation", "name": "PreciseLocation", "group": "Location"}
    ]
    assert third["docURL"].endswith("permission-errors#null")
    assert callback.events("VEHICLE_STATE")[0].path == "/hook"
    for body, field in (
        ({"vehicle_id": tesla, "type": "BILLING", "code": "INVALID_PLAN"}, "type"),
        ({"vehicle_id": tesla, "type": "VEHICLE_STATE", "code": "DOOR_OPEN"}, "code"),
        (
            {"vehicle_id": tesla, "type": "VEHICLE_STATE", "code": "ASLEEP", "state": "RESOLVED"},
            "code",
        ),
        ({"vehicle_id": "nope", "type": "VEHICLE_STATE", "code": "ASLEEP"}, "vehicle_id"),
        ({"vehicle_id": tesla, "type": "PERMISSION", "signals": ["nope"]}, "signals"),
    ):
        answer = http.post("/_sandbox/vehicle_error", json=body)
        assert answer.status_code == 400 and answer.json()["detail"][0]["field"] == [field], body


def test_a_forced_error_login_reports_its_error(hooks: Hooks, callback: CallbackServer) -> None:
    webhook_id = hooks.define()
    asleep = hooks.v3.connect("VEHICLE_STATE.ASLEEP@smartcar.com")
    hooks.subscribed(webhook_id, asleep.user_id, asleep.vehicle_ids[0])
    (first,) = callback.wait_events("VEHICLE_STATE")
    lock = signal_map(first.json)["closure-islocked"]
    assert lock["status"] == {
        "value": "ERROR",
        "error": {"type": "VEHICLE_STATE", "code": "ASLEEP"},
    }
    (error,) = callback.wait_events("VEHICLE_ERROR")
    entry = error.json["data"]["errors"][0]
    assert (entry["type"], entry["code"], entry["state"]) == ("VEHICLE_STATE", "ASLEEP", "ERROR")


def test_test_payloads_and_deliveries_on_demand(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, http: httpx.Client
) -> None:
    webhook_id = hooks.define()
    tesla = fleet.vehicles["TESLA"]
    nothing = http.post(f"/_sandbox/webhooks/{webhook_id}/test", json={})
    assert nothing.status_code == 400 and "subscribe" in nothing.text
    hooks.subscribed(webhook_id, fleet.user_id, tesla)
    callback.wait_events("VEHICLE_STATE")
    sent = http.post(f"/_sandbox/webhooks/{webhook_id}/test", json={})
    assert sent.status_code == 202
    test = callback.wait_for(
        lambda got: any(r.json["eventId"] == sent.json()["eventId"] for r in got)
    )
    (payload,) = [r.json for r in test if r.json["eventId"] == sent.json()["eventId"]]
    assert payload["meta"]["mode"] == "TEST" and payload["eventType"] == "VEHICLE_STATE"
    error = {"type": "CONNECTED_SERVICES_ACCOUNT", "code": "SUBSCRIPTION", "state": "ERROR"}
    chosen = http.post(
        f"/_sandbox/webhooks/{webhook_id}/deliver",
        json={"eventType": "VEHICLE_ERROR", "vehicleId": tesla, "error": error},
    )
    assert chosen.status_code == 202, chosen.text
    (delivered,) = callback.wait_events("VEHICLE_ERROR")
    assert delivered.json["eventId"] == chosen.json()["eventId"]
    assert delivered.json["data"]["errors"][0]["code"] == "SUBSCRIPTION"
    first = http.post(
        f"/_sandbox/webhooks/{webhook_id}/deliver",
        json={"eventType": "VEHICLE_STATE", "vehicleId": tesla, "trigger": "FIRST_DELIVERY"},
    )
    assert first.status_code == 202
    again = http.post(f"/_sandbox/webhooks/{webhook_id}/deliver", json={"eventType": "VERIFY"})
    assert again.status_code == 202
    callback.wait_events("VERIFY", 2)
    other = hooks.v3.connect("other@example.com")
    for body, status in (
        ({"eventType": "PING", "vehicleId": tesla}, 400),
        ({"vehicleId": tesla}, 400),
        ({"eventType": "VEHICLE_STATE"}, 400),
        ({"eventType": "VEHICLE_STATE", "vehicleId": tesla, "mode": "DEMO"}, 400),
        ({"eventType": "VEHICLE_ERROR", "vehicleId": tesla, "error": {"type": "X"}}, 400),
        ({"eventType": "VEHICLE_STATE", "vehicleId": other.vehicle_ids[0]}, 404),
    ):
        assert (
            http.post(f"/_sandbox/webhooks/{webhook_id}/deliver", json=body).status_code == status
        ), body
    hooks.settle()
    log = hooks.log(webhook_id)
    assert any(e["mode"] == "TEST" and e["outcome"] == "delivered" for e in log)


def test_a_dead_callback_never_blocks_the_sandbox(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, sandbox: Sandbox
) -> None:
    webhook_id = hooks.define()
    tesla = fleet.vehicles["TESLA"]
    callback.close()  # verified, then gone: nothing listens there any more
    hooks.subscribed(webhook_id, fleet.user_id, tesla)
    for path in (UNLOCK, LOCK):
        assert hooks.v3.command(tesla, fleet.user_id, path).status_code == 200
    hooks.settle()
    log = hooks.log(webhook_id)
    failed = [e for e in log if e["eventType"] == "VEHICLE_STATE"]
    assert failed and all(e["outcome"] == "failed" and e["status"] is None for e in failed)
    assert "refused" in failed[0]["error"] and failed[0]["nextAttemptAt"]
    assert hooks.http.get("/v3/webhooks", headers=hooks.v3.headers()).status_code == 200


def test_a_stalled_callback_never_blocks_the_sandbox(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, sandbox: Sandbox
) -> None:
    webhook_id = hooks.define(triggers=["closure-islocked"])
    tesla = fleet.vehicles["TESLA"]
    hooks.subscribed(webhook_id, fleet.user_id, tesla)
    callback.wait_events("VEHICLE_STATE")
    hooks.settle()
    sandbox.webhooks.configure(timeout=60)
    locked = is_locked(hooks, fleet, tesla)
    callback.stall_next = 1
    for path in (UNLOCK, LOCK) if locked else (LOCK, UNLOCK):  # two changes
        assert hooks.v3.command(tesla, fleet.user_id, path).status_code == 200
    # Both reached the callback; the first hangs there until released, and meanwhile the
    # second was delivered and the sandbox answers.
    callback.wait_for(lambda got: len(got) == 4)
    assert callback.wait_events("VEHICLE_STATE", 3)
    assert hooks.http.get("/v3/webhooks", headers=hooks.v3.headers()).status_code == 200
    assert "closure-islocked" in hooks.v3.signals(tesla, fleet.user_id)
    assert hooks.http.get("/_sandbox/health").status_code == 200
    # FIRST_DELIVERY and the second change; the first change is still on its way.
    hooks.wait_log(webhook_id, lambda log: [e["outcome"] for e in log][1:] == ["delivered"] * 2)
    callback.release()
    hooks.settle()
    log = [e["outcome"] for e in hooks.log(webhook_id) if e["eventType"] == "VEHICLE_STATE"]
    assert log == ["delivered"] * 3
    # A callback that stalls past the timeout fails the attempt; a retry follows.
    callback.hold()
    sandbox.webhooks.configure(timeout=0.5)
    callback.stall_next = 1
    hooks.v3.admin("vehicle_state", {"vehicle_id": tesla, "locked": not locked})  # a change
    callback.wait_events("VEHICLE_STATE", 4)
    hooks.settle()
    last = hooks.log(webhook_id)[-1]
    assert (last["outcome"], last["error"], last["status"]) == (
        "failed",
        "no answer within 0.5 s",
        None,
    )
    callback.release()


def test_removing_the_connection_stops_deliveries(
    hooks: Hooks, fleet: Connected, callback: CallbackServer, http: httpx.Client
) -> None:
    webhook_id = hooks.define(triggers=["closure-islocked"])
    audi = fleet.vehicles["AUDI"]
    hooks.subscribed(webhook_id, fleet.user_id, audi)
    callback.wait_events("VEHICLE_STATE")
    hooks.settle()
    callback.fail_next = 1
    locked = is_locked(hooks, fleet, audi)
    hooks.v3.admin("vehicle_state", {"vehicle_id": audi, "locked": not locked})
    callback.wait_events("VEHICLE_STATE", 2)
    hooks.settle()  # failed; its retry waits for the clock
    (connection,) = [
        c
        for c in http.get("/v3/connections", headers=hooks.v3.headers()).json()["data"]
        if c["relationships"]["vehicle"]["data"]["id"] == audi
    ]
    assert (
        http.delete(f"/v3/connections/{connection['id']}", headers=hooks.v3.headers()).status_code
        == 204
    )
    hooks.advance(25)
    hooks.v3.admin("vehicle_state", {"vehicle_id": audi, "locked": locked})
    hooks.settle()
    assert len(callback.events("VEHICLE_STATE")) == 2
    last = hooks.log(webhook_id)[-1]
    assert (last["attempt"], last["outcome"], last["error"]) == (
        2,
        "dropped",
        "the subscription ended",
    )


def test_auto_subscribe_disable_and_enable(
    hooks: Hooks, callback: CallbackServer, http: httpx.Client
) -> None:
    webhook_id = hooks.define(auto_subscribe=True, triggers=["closure-islocked"])
    fleet = hooks.v3.connect("2-vehicles@smartcar.com")
    callback.wait_events("VEHICLE_STATE", 2)
    firsts = {r.json["data"]["vehicle"]["id"] for r in callback.events("VEHICLE_STATE")}
    assert firsts == set(fleet.vehicle_ids)
    hooks.settle()
    assert (
        http.patch(f"/_sandbox/webhooks/{webhook_id}", json={"isEnabled": False}).status_code == 200
    )
    vehicle = fleet.vehicle_ids[0]
    for path in (UNLOCK, LOCK):
        assert hooks.v3.command(vehicle, fleet.user_id, path).status_code == 200
    hooks.settle()
    assert len(callback.events("VEHICLE_STATE")) == 2
    assert (
        http.patch(f"/_sandbox/webhooks/{webhook_id}", json={"isEnabled": True}).status_code == 200
    )
    again = callback.wait_events("VEHICLE_STATE", 4)[2:]
    assert all(r.json["triggers"] == [{"type": "FIRST_DELIVERY"}] for r in again)


def test_webhooks_and_subscriptions_survive_a_restart(isolated_dirs: Path) -> None:
    directory = isolated_dirs / "sandbox"
    for callback in serve("carman-sandbox-amt"):
        with (
            start_sandbox(state_dir=directory, seed=3) as first,
            httpx.Client(base_url=first.base_url) as http,
        ):
            hooks = Hooks(first, http, callback)
            webhook_id = hooks.define(triggers=["closure-islocked"], schedule_minutes=30)
            fleet = V3(first, http).connect("2-vehicles@smartcar.com")
            vehicle = fleet.vehicle_ids[0]
            hooks.subscribed(webhook_id, fleet.user_id, vehicle)
            callback.wait_events("VEHICLE_STATE")
            hooks.settle()
        with (
            start_sandbox(state_dir=directory, seed=3) as second,
            httpx.Client(base_url=second.base_url) as http,
        ):
            hooks = Hooks(second, http, callback)
            v3 = hooks.v3
            (webhook,) = http.get("/v3/webhooks", headers=v3.headers()).json()["data"]
            assert webhook["id"] == webhook_id and webhook["attributes"]["schedule"] == {
                "intervalMinutes": 30
            }
            (subscription,) = http.get("/v3/subscriptions", headers=v3.headers()).json()["data"]
            assert subscription["relationships"]["vehicle"]["data"]["id"] == vehicle
            assert hooks.verification(webhook_id)["status"] == "verified"
            hooks.settle()
            assert len(callback.events("VERIFY")) == 1  # verified before: not again
            assert len(callback.events("VEHICLE_STATE")) == 1  # its FIRST_DELIVERY was sent
            for path in (UNLOCK, LOCK):
                assert v3.command(vehicle, fleet.user_id, path).status_code == 200
            callback.wait_for(lambda got: len(triggered(got, "closure-islocked")) >= 1)
            hooks.advance(1800)
            callback.wait_for(
                lambda got: any(
                    r.json.get("triggers", [{}])[0].get("type") == "SCHEDULE" for r in got
                )
            )
