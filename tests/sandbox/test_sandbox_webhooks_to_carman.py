"""The sandbox delivering to carman's own receiver, both on 127.0.0.1: a webhook defined, a
vehicle subscribed through the v3 management endpoints, the clock moved, a lock, a callback that
fails twice, and a forged delivery. What carman stored is read back from its history database."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sandbox_v3_support import Connected
from webhook_support import Hooks, signal_map

from tests.webhooks.conftest import Arrivals
from tui.core.history.deliveries import DeliveryStore
from tui.core.history.delivery_model import Signature
from tui.core.model import Capture, CaptureSource
from tui.core.smartcar.webhook_signing import sign
from tui.core.webhooks import Received, WebhookReceiver, WebhookSettings, apply_delivery_captures
from tui.core.workspace import Workspace
from tui.sandbox import Sandbox

LOCK, UNLOCK = "commands/security/lock", "commands/security/unlock"
SOC = "tractionbattery-stateofcharge"


class FlakyGate:
    """A hop between the sandbox and carman (as a tunnel is): it hands every request to the
    receiver, and answers 500 instead of the receiver's answer while ``fail_next`` is above
    zero, so the sandbox retries deliveries carman did receive."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.fail_next = 0
        self.failed: list[str] = []  # eventIds answered 500
        gate = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                answer = httpx.post(gate.target, content=body, headers=headers, timeout=10)
                status, content = answer.status_code, answer.content
                event = json.loads(body)
                if gate.fail_next > 0 and event.get("eventType") != "VERIFY":
                    gate.fail_next -= 1
                    gate.failed.append(event["eventId"])
                    status, content = 500, b'{"error":"gateway"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/webhooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def arrivals() -> Arrivals:
    return Arrivals()


@pytest.fixture
def receiver(
    isolated_dirs: Path, sandbox: Sandbox, arrivals: Arrivals
) -> Iterator[WebhookReceiver]:
    started = WebhookReceiver(port=0, on_stored=arrivals.add)
    started.use("sandbox", sandbox.amt)  # what carman's sandbox environment has as its amt
    started.start()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def gate(receiver: WebhookReceiver) -> Iterator[FlakyGate]:
    hop = FlakyGate(receiver.local_url)
    try:
        yield hop
    finally:
        hop.close()


def states(items: list[Received]) -> list[Received]:
    return [r for r in items if r.record.event_type == "VEHICLE_STATE"]


def document(received: Received) -> dict[str, object]:
    return dict(json.loads(received.record.body))


def test_the_sandbox_delivers_to_carman_verified(
    sandbox: Sandbox, http: httpx.Client, arrivals: Arrivals, gate: FlakyGate
) -> None:
    hooks = Hooks(sandbox, http, callback=None)  # type: ignore[arg-type]
    webhook_id = hooks.define(
        callback_uri=gate.url, triggers=["closure-islocked"], schedule_minutes=10
    )
    assert hooks.verification(webhook_id)["status"] == "verified"  # carman answered VERIFY
    fleet: Connected = hooks.v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    tesla = fleet.vehicles["TESLA"]
    hooks.subscribed(webhook_id, fleet.user_id, tesla)  # POST /v3/subscriptions
    first = states(arrivals.wait(lambda got: len(states(got)) == 1))[0]
    assert first.accepted and first.record.vehicle_id == tesla
    hooks.settle()

    # Scheduled deliveries follow the sandbox's clock, and arrive verified.
    hooks.advance(600)
    got = arrivals.wait(lambda got: len(states(got)) == 2)
    scheduled = states(got)[1]
    assert document(scheduled)["triggers"] == [
        {"type": "SCHEDULE", "schedule": {"intervalMinutes": 10}}
    ]
    assert scheduled.record.signature == Signature.VALID and scheduled.accepted
    hooks.settle()

    # A lock: a VEHICLE_STATE with the new value, fired by the closure-islocked trigger.
    for path in (UNLOCK, LOCK):  # whatever it was before, the last change is to locked
        assert hooks.v3.command(tesla, fleet.user_id, path).status_code == 200

    def locked(items: list[Received]) -> bool:
        return any(
            signal_map(document(r))["closure-islocked"]["body"] == {"value": True}
            and document(r)["triggers"][0]["type"] == "SIGNAL_UPDATED"  # type: ignore[index]
            for r in states(items)
        )

    got = arrivals.wait(locked)
    lock_event = next(r for r in reversed(states(got)) if locked([r]))
    assert lock_event.record.signature == Signature.VALID
    hooks.settle()

    # A callback that fails twice: three attempts, one eventId, one event in carman.
    gate.fail_next = 2
    before = len(states(arrivals.items))
    hooks.advance(600)
    arrivals.wait(lambda got: len(states(got)) == before + 1)
    hooks.settle()
    hooks.advance(25)
    arrivals.wait(lambda got: len(states(got)) == before + 2)
    hooks.settle()
    hooks.advance(50)
    got = arrivals.wait(lambda got: len(states(got)) == before + 3)
    attempts = states(got)[before:]
    assert len(set(gate.failed)) == 1 and len(gate.failed) == 2
    assert {r.record.event_id for r in attempts} == {gate.failed[0]}
    assert len({r.record.delivery_id for r in attempts}) == 3
    assert [r.retry for r in attempts] == [False, True, True]
    with DeliveryStore() as store:
        (summary,) = store.search(gate.failed[0])
        listed = [s.event_id for s in store.search("VEHICLE_STATE", limit=500)]
    assert summary.retries == 2 and summary.deliveries == 3 and summary.trusted
    assert listed.count(gate.failed[0]) == 1  # one line on the Webhooks screen


def test_a_forged_delivery_is_invalid_and_sets_no_capture(
    sandbox: Sandbox,
    http: httpx.Client,
    arrivals: Arrivals,
    receiver: WebhookReceiver,
    isolated_dirs: Path,
) -> None:
    hooks = Hooks(sandbox, http, callback=None)  # type: ignore[arg-type]
    webhook_id = hooks.define(callback_uri=receiver.local_url, triggers=[])
    fleet = hooks.v3.connect("3-vehicles@smartcar.com", brand="TESLA")
    hooks.subscribed(webhook_id, fleet.user_id, fleet.vehicles["TESLA"])
    (real,) = states(arrivals.wait(lambda got: len(states(got)) == 1))
    hooks.settle()

    # The same delivery with the battery changed, signed by someone without the amt.
    forged_doc = document(real)
    forged_doc["eventId"] = "forged-event"
    for signal in forged_doc["data"]["signals"]:  # type: ignore[index]
        if signal["code"] == SOC:
            signal["body"]["value"] = 1
    body = json.dumps(forged_doc, separators=(",", ":")).encode()
    answer = httpx.post(
        receiver.local_url,
        content=body,
        headers={"Content-Type": "application/json", "SC-Signature": sign("not-the-amt", body)},
    )
    assert answer.status_code == 401
    got = arrivals.wait(lambda got: len(states(got)) == 2)
    forged = states(got)[1]
    assert forged.record.signature == Signature.INVALID and not forged.accepted

    # The capture rule the Webhooks screen offers: set from the real one, never the forged.
    workspace = Workspace().load("sandbox")
    rule = Capture(
        variable="battery",
        source=CaptureSource.BODY,
        path=f"$.data.signals[?@.code=='{SOC}'].body.value",
    )
    settings = WebhookSettings(captures=[rule])
    assert apply_delivery_captures(workspace, settings, forged).captured == {}
    assert workspace.variables.get("battery") is None
    expected = signal_map(document(real))[SOC]["body"]["value"]  # type: ignore[index]
    assert apply_delivery_captures(workspace, settings, real).captured == {"battery": str(expected)}
    with DeliveryStore() as store:
        (shown,) = store.search("forged-event")
    assert shown.signature == Signature.INVALID
