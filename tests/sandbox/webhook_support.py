"""A webhook receiver for the sandbox's webhook tests: a real HTTP server on 127.0.0.1.

It records every request (the raw body bytes and the headers), answers VERIFY with the
official SDK's ``smartcar.hash_challenge`` (or wrongly, or with an error status, as the test
asks), can fail the next N deliveries, and can stall requests until released — the request is
recorded on arrival, so a test knows a delivery is hanging. Tests wait for what they expect
with ``wait_for``; nothing sleeps.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import smartcar

STALL_LIMIT = 60.0  # a stalled request is answered after this at the latest (test teardown)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    @property
    def event_type(self) -> str:
        return str(self.json.get("eventType"))


class CallbackServer:
    def __init__(self, amt: str) -> None:
        self.amt = amt
        self.received: list[Received] = []
        self.verify_answer = "correct"  # correct | wrong | status500 | not_json | stall
        self.fail_next = 0  # answer 500 to this many deliveries (not VERIFY)
        self.stall_next = 0  # hold this many deliveries (not VERIFY) until release()
        self._cond = threading.Condition()
        self._release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, answer = server._answer(Received(self.path, headers, body))
                if status is None:
                    return  # stalled past the limit: hang up
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the sandbox gave up waiting

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        # A short poll: shutting the server down waits for one.
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/hook"

    @property
    def error_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/errors"

    def _answer(self, request: Received) -> tuple[int | None, bytes]:
        with self._cond:
            self.received.append(request)
            self._cond.notify_all()
            payload = request.json
            verify = payload.get("eventType") == "VERIFY"
            stall = (verify and self.verify_answer == "stall") or (
                not verify and self.stall_next > 0
            )
            if stall and not verify:
                self.stall_next -= 1
            fail = not verify and self.fail_next > 0
            if fail:
                self.fail_next -= 1
            verify_answer = self.verify_answer
        if stall:
            self._release.wait(STALL_LIMIT)
        if verify:
            challenge = payload["data"]["challenge"]
            if verify_answer == "status500":
                return 500, b'{"error": "boom"}'
            if verify_answer == "not_json":
                return 200, b"ok"
            digest = smartcar.hash_challenge(self.amt, challenge)
            if verify_answer == "wrong":
                digest = smartcar.hash_challenge("not-the-amt", challenge)
            return 200, json.dumps({"challenge": digest}).encode()
        if fail:
            return 500, b'{"error": "try again"}'
        return 200, b"{}"

    def release(self) -> None:
        """Answer every stalled request (and every later one at once, until ``hold``)."""
        self._release.set()

    def hold(self) -> None:
        """Stall requests again (those ``stall_next`` or ``verify_answer`` pick)."""
        self._release.clear()

    def wait_for(
        self, check: Callable[[list[Received]], Any], timeout: float = 15.0
    ) -> list[Received]:
        """Wait until ``check(received)`` is true; the requests then. AssertionError after
        ``timeout`` seconds, with what did arrive."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not check(list(self.received)):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    kinds = [(r.path, r.event_type) for r in self.received]
                    raise AssertionError(f"the callback did not get what was expected: {kinds}")
                self._cond.wait(remaining)
            return list(self.received)

    def events(self, event_type: str | None = None) -> list[Received]:
        with self._cond:
            return [r for r in self.received if event_type in (None, r.event_type)]

    def wait_events(self, event_type: str, count: int = 1, timeout: float = 15.0) -> list[Received]:
        """Wait for ``count`` requests of ``event_type``; all of that type."""
        self.wait_for(lambda got: sum(r.event_type == event_type for r in got) >= count, timeout)
        return self.events(event_type)

    def close(self) -> None:
        self.release()
        self._http.shutdown()
        self._http.server_close()


def serve(amt: str) -> Iterator[CallbackServer]:
    server = CallbackServer(amt)
    try:
        yield server
    finally:
        server.close()


def signal_map(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A delivery's signals by code."""
    return {s["code"]: s for s in payload["data"]["signals"]}


class Hooks:
    """The sandbox's webhooks as a test drives them: v3 calls, the admin namespace, waiting."""

    def __init__(self, sandbox: Any, http: Any, callback: CallbackServer) -> None:
        from sandbox_v3_support import V3

        self.sandbox = sandbox
        self.http = http
        self.callback = callback
        self.v3 = V3(sandbox, http)

    def define(self, **fields: Any) -> str:
        """A webhook on the test's callback (unless ``callback_uri`` says otherwise), once its
        VERIFY is over; its id."""
        if "callback_uri" not in fields:
            fields["callback_uri"] = self.callback.url
        webhook_id = str(self.sandbox.define_webhook(**fields)["id"])
        self.settle()
        return webhook_id

    def settle(self) -> None:
        assert self.sandbox.webhooks.wait_idle(20), "the webhook engine did not settle"

    def verification(self, webhook_id: str) -> dict[str, Any]:
        return dict(self.sandbox.webhooks.view(webhook_id)["verification"])

    def subscribe(self, webhook_id: str, user_id: str, vehicle_id: str) -> Any:
        body = {
            "data": {
                "attributes": {"webhookId": webhook_id, "userId": user_id, "vehicleId": vehicle_id}
            }
        }
        return self.http.post("/v3/subscriptions", json=body, headers=self.v3.headers())

    def subscribed(self, webhook_id: str, user_id: str, vehicle_id: str) -> None:
        answer = self.subscribe(webhook_id, user_id, vehicle_id)
        assert answer.status_code == 202, answer.text

    def log(self, webhook_id: str) -> list[dict[str, Any]]:
        answer = self.http.get(f"/_sandbox/webhooks/{webhook_id}/deliveries")
        assert answer.status_code == 200, answer.text
        return list(answer.json()["deliveries"])

    def wait_log(
        self, webhook_id: str, check: Callable[[list[dict[str, Any]]], bool]
    ) -> list[dict[str, Any]]:
        """Wait until the delivery log satisfies ``check``; the log then."""
        entries = self.sandbox.webhooks.log.wait(webhook_id, check, 20)
        assert entries is not None, self.sandbox.webhooks.deliveries(webhook_id)
        return list(entries)

    def advance(self, seconds: float) -> None:
        answer = self.http.post("/_sandbox/clock", json={"advance": seconds})
        assert answer.status_code == 200, answer.text
