"""v3 webhooks: signatures agree with the official SDK; VERIFY decides whether anything is sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import smartcar
from sandbox_v3_support import V3
from webhook_support import CallbackServer, Hooks, serve

from tui.core.smartcar import webhook_signing
from tui.sandbox import DEFAULT_AMT, Sandbox, start_sandbox

UUID_LENGTH = 36


@pytest.fixture
def hooks(sandbox: Sandbox, http: httpx.Client, callback: CallbackServer) -> Hooks:
    return Hooks(sandbox, http, callback)


@pytest.mark.parametrize(
    ("amt", "message"),
    [
        ("carman-sandbox-amt", "3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f"),
        ("ünïcode-amt", '{"eventType":"VEHICLE_STATE","data":{"name":"Zürich"}}'),
        ("", ""),
    ],
)
def test_signing_agrees_with_the_official_sdk(amt: str, message: str) -> None:
    assert webhook_signing.challenge_answer(amt, message) == smartcar.hash_challenge(amt, message)
    signature = webhook_signing.sign(amt, message.encode())
    assert signature == smartcar.hash_challenge(amt, message)
    assert smartcar.verify_payload(amt, signature, message)
    # Without a management token nothing verifies, whatever the SDK computes.
    assert webhook_signing.verify(amt, signature, message.encode()) is bool(amt)
    assert webhook_signing.verify(amt, f" {signature.upper()} ", message.encode()) is bool(amt)
    assert not webhook_signing.verify(amt, f"sha256={signature}", message.encode())
    assert not webhook_signing.verify("other", signature, message.encode())
    assert not webhook_signing.verify(amt, signature, message.encode() + b" ")
    assert not webhook_signing.verify(amt, None, message.encode())
    answer = smartcar.hash_challenge(amt, message)
    assert webhook_signing.verify_challenge_answer(amt, message, answer)
    assert not webhook_signing.verify_challenge_answer(amt, message, answer[:-1])
    assert not webhook_signing.verify_challenge_answer(amt, message, None)


def assert_signed(received: Any, amt: str) -> dict[str, Any]:
    """A delivery as Smartcar sends it: JSON, signed over the exact bytes, compact."""
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("Smartcar/")
    assert smartcar.verify_payload(amt, received.headers["sc-signature"], received.body.decode())
    payload = received.json
    compact = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    assert received.body == compact
    return payload


def test_verify_first_then_signed_deliveries(hooks: Hooks, callback: CallbackServer) -> None:
    webhook_id = hooks.define(name="Locks")
    (verify,) = callback.events("VERIFY")
    payload = assert_signed(verify, DEFAULT_AMT)
    assert set(payload) == {"eventId", "eventType", "data", "meta"}
    assert len(payload["data"]["challenge"]) == UUID_LENGTH
    meta = payload["meta"]
    assert (meta["version"], meta["webhookId"], meta["webhookName"]) == ("4.0", webhook_id, "Locks")
    assert len(meta["deliveryId"]) == UUID_LENGTH and isinstance(meta["deliveredAt"], int)
    assert hooks.verification(webhook_id)["status"] == "verified"
    fleet = hooks.v3.connect("driver@example.com")
    hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicle_ids[0])
    (first,) = callback.wait_events("VEHICLE_STATE")
    assert assert_signed(first, DEFAULT_AMT)["triggers"] == [{"type": "FIRST_DELIVERY"}]
    hooks.settle()
    log = hooks.log(webhook_id)
    assert [(e["eventType"], e["outcome"], e["status"]) for e in log] == [
        ("VERIFY", "verified", 200),
        ("VEHICLE_STATE", "delivered", 200),
    ]


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("wrong", "challenge answer is wrong"),
        ("status500", "HTTP 500"),
        ("not_json", "not JSON"),
        ("stall", "no answer within"),
    ],
)
def test_a_failed_verify_delivers_nothing(
    hooks: Hooks, callback: CallbackServer, sandbox: Sandbox, answer: str, reason: str
) -> None:
    sandbox.webhooks.configure(verify_timeout=0.5)
    callback.verify_answer = answer
    webhook_id = hooks.define()
    verification = hooks.verification(webhook_id)
    assert verification["status"] == "failed" and reason in verification["reason"]
    fleet = hooks.v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    audi = fleet.vehicles["AUDI"]
    hooks.subscribed(webhook_id, fleet.user_id, audi)  # accepted; waits for a verified callback
    for path in ("commands/security/unlock", "commands/security/lock"):
        assert hooks.v3.command(audi, fleet.user_id, path).status_code == 200
    refused = hooks.http.post(
        f"/_sandbox/webhooks/{webhook_id}/deliver",
        json={"eventType": "VEHICLE_STATE", "vehicleId": audi},
    )
    assert refused.status_code == 400 and "VERIFY" in refused.text
    hooks.settle()
    assert [r.event_type for r in callback.received] == ["VERIFY"]
    # Fixed and verified again: the subscription's FIRST_DELIVERY goes out at last.
    callback.verify_answer = "correct"
    assert hooks.http.post(f"/_sandbox/webhooks/{webhook_id}/verify").status_code == 202
    (first,) = callback.wait_events("VEHICLE_STATE")
    assert first.json["triggers"] == [{"type": "FIRST_DELIVERY"}]
    assert hooks.verification(webhook_id)["status"] == "verified"


def test_a_new_callback_is_verified_again(hooks: Hooks, callback: CallbackServer) -> None:
    webhook_id = hooks.define()
    for second in serve(hooks.sandbox.amt):
        changed = hooks.http.patch(
            f"/_sandbox/webhooks/{webhook_id}", json={"callbackUri": second.url}
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["verification"]["status"] == "pending"
        second.wait_events("VERIFY")
        hooks.settle()
        assert hooks.verification(webhook_id)["status"] == "verified"
        fleet = hooks.v3.connect()
        hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicle_ids[0])
        second.wait_events("VEHICLE_STATE")
    assert [r.event_type for r in callback.received] == ["VERIFY"]


def test_the_amt_given_at_start_signs(isolated_dirs: Path) -> None:
    amt = "my-own-management-token"
    with start_sandbox(state_dir=isolated_dirs / "sandbox", amt=amt) as sandbox:
        assert sandbox.amt == amt
        sandbox.webhooks.configure(timeout=3, verify_timeout=3)
        for callback in serve(amt):
            with httpx.Client(base_url=sandbox.base_url) as http:
                hooks = Hooks(sandbox, http, callback)
                webhook_id = hooks.define()
                assert hooks.verification(webhook_id)["status"] == "verified"
                fleet = V3(sandbox, http).connect()
                hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicle_ids[0])
                (first,) = callback.wait_events("VEHICLE_STATE")
                assert_signed(first, amt)
                signature = first.headers["sc-signature"]
                assert not smartcar.verify_payload(DEFAULT_AMT, signature, first.body.decode())
