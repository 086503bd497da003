"""Abuse: a thousand malformed, oversized, unsigned, forged or replayed requests from several
threads, with half-open and trickling clients holding connections meanwhile. The listener
never crashes, never marks one valid, and still receives a real delivery afterwards."""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.webhooks.conftest import (
    AMT,
    Arrivals,
    compact,
    raw_exchange,
    signed_headers,
    status_of,
    vehicle_state,
    verify_event,
)
from tui.core.history.deliveries import DeliveryStore
from tui.core.history.delivery_model import Signature
from tui.core.smartcar.webhook_signing import sign
from tui.core.webhooks import WebhookReceiver

REQUESTS = 1000
THREADS = 8
RESET = -1  # the sender saw the connection reset (a huge body it was still sending)


def _post(body: bytes, headers: dict[str, str] | None = None, target: str = "/webhooks") -> bytes:
    lines = [f"POST {target} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


REAL = compact(vehicle_state(soc=50, event_id="the-real-one-before"))
REAL_SIGNATURE = sign(AMT, REAL)


def _unsigned(n: int) -> tuple[bytes, int]:
    return _post(compact(vehicle_state(soc=n % 100))), 401


def _forged(n: int) -> tuple[bytes, int]:
    body = compact(vehicle_state(soc=n % 100))
    return _post(body, {"SC-Signature": sign("guessed-token", body)}), 401


def _replayed_signature(n: int) -> tuple[bytes, int]:
    # A signature seen on a real delivery, on a body of the attacker's choosing.
    body = compact(vehicle_state(soc=1, event_id=f"replay-{n}"))
    return _post(body, {"SC-Signature": REAL_SIGNATURE}), 401


def _replayed_altered(n: int) -> tuple[bytes, int]:
    # The real delivery replayed with one byte changed (the state of charge).
    body = REAL.replace(b'"value":50', b'"value":99')
    return _post(body, {"SC-Signature": REAL_SIGNATURE}), 401


def _two_signatures(n: int) -> tuple[bytes, int]:
    body = compact(vehicle_state())
    return _post(body, {"SC-Signature": sign(AMT, body) + "\r\nSC-Signature: 00"}), 401


def _empty_key(n: int) -> tuple[bytes, int]:
    body = compact(vehicle_state())
    return _post(body, {"SC-Signature": sign("", body)}), 401


def _not_json(n: int) -> tuple[bytes, int]:
    return _post(b"<xml>not json</xml>", {"SC-Signature": "abc"}), 400


def _binary(n: int) -> tuple[bytes, int]:
    return _post(random.Random(n).randbytes(512)), 400


def _oversized_announced(n: int) -> tuple[bytes, int]:
    head = b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n"
    return head, 413


def _oversized_sent(n: int) -> tuple[bytes, int]:
    return _post(b"{" + b" " * (2 * 1024 * 1024) + b"}"), 413


def _truncated(n: int) -> tuple[bytes, int]:
    body = compact(vehicle_state())
    return _post(body, {"SC-Signature": sign(AMT, body)})[:-40], 400


def _garbage_line(n: int) -> tuple[bytes, int]:
    return b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello?\r\n\r\n", 400


def _wrong_path(n: int) -> tuple[bytes, int]:
    return _post(REAL, {"SC-Signature": REAL_SIGNATURE}, target="/admin"), 404


def _wrong_method(n: int) -> tuple[bytes, int]:
    return b"GET /webhooks HTTP/1.1\r\nHost: x\r\n\r\n", 405


def _header_flood(n: int) -> tuple[bytes, int]:
    return b"POST /webhooks HTTP/1.1\r\n" + b"X-Flood: 1\r\n" * 200 + b"\r\n", 431


def _long_line(n: int) -> tuple[bytes, int]:
    return b"POST /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414


def _bad_chunks(n: int) -> tuple[bytes, int]:
    head = b"POST /webhooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    return head + b"fffffffffffffffffff\r\nxx", 413


def _smuggling(n: int) -> tuple[bytes, int]:
    head = b"POST /webhooks HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
    return head + b"0\r\n\r\n", 400


def _verify_oracle(n: int) -> tuple[bytes, int]:
    # Asking for HMAC(AMT, <a forged body>) through an unsigned VERIFY.
    forged = compact(vehicle_state(soc=3)).decode()
    return _post(compact(verify_event(forged))), 400


def _verify_forged(n: int) -> tuple[bytes, int]:
    body = compact(verify_event(f"challenge-{n}"))
    return _post(body, {"SC-Signature": sign("guessed-token", body)}), 401


KINDS: list[Callable[[int], tuple[bytes, int]]] = [
    _unsigned,
    _forged,
    _replayed_signature,
    _replayed_altered,
    _two_signatures,
    _empty_key,
    _not_json,
    _binary,
    _oversized_announced,
    _oversized_sent,
    _truncated,
    _garbage_line,
    _wrong_path,
    _wrong_method,
    _header_flood,
    _long_line,
    _bad_chunks,
    _smuggling,
    _verify_oracle,
    _verify_forged,
]


def _send(n: int, port: int) -> tuple[str, int, int]:
    kind = KINDS[n % len(KINDS)]
    data, expected = kind(n)
    try:
        answer = raw_exchange(port, data, shutdown_write=kind is not _oversized_announced)
    except OSError:  # reset, broken pipe, not connected: the server closed on the sender
        return kind.__name__, expected, RESET
    return kind.__name__, expected, status_of(answer)


class SlowClients:
    """Connections that hold a server thread: silent, half a request line, or trickling."""

    def __init__(self, port: int) -> None:
        self.sockets: list[socket.socket] = []
        for index in range(9):
            sock = socket.create_connection(("127.0.0.1", port), timeout=60)
            if index % 3 == 1:
                sock.sendall(b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 300\r\n\r\n{")
            elif index % 3 == 2:
                sock.sendall(b"POST /webh")
            self.sockets.append(sock)

    def wait_until_dropped(self) -> None:
        """Every slow client is eventually answered or disconnected by the server."""
        for sock in self.sockets:
            try:
                while sock.recv(4096):
                    pass
            except ConnectionResetError:
                pass
            sock.close()


def test_a_flood_of_abuse_never_breaks_or_fools_the_listener(
    xdg: object, arrivals: Arrivals
) -> None:
    with WebhookReceiver(port=0, on_stored=arrivals.add, request_deadline=5.0) as receiver:
        receiver.use("local", AMT)
        slow = SlowClients(receiver.port)
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda n: _send(n, receiver.port), range(REQUESTS)))

        wrong = [(k, want, got) for k, want, got in results if got != want]
        resets = Counter(k for k, _, got in wrong if got == RESET)
        # Only a sender still pushing a huge body may see the refusal as a reset.
        assert set(resets) <= {"_oversized_sent"}, wrong[:10]
        assert [w for w in wrong if w[2] != RESET] == []
        assert receiver.running and receiver._thread is not None and receiver._thread.is_alive()

        # A real delivery afterwards, while the slow clients still hang on.
        real = compact(vehicle_state(soc=42, event_id="the-real-one-after"))
        answer = httpx.post(receiver.local_url, content=real, headers=signed_headers(real))
        assert answer.status_code == 200
        arrived = arrivals.wait_for(REQUESTS + 1, timeout=120)
        slow.wait_until_dropped()
        assert receiver.flush(60)

    trusted = [r for r in arrived if r.trusted]
    assert [r.record.event_id for r in trusted] == ["the-real-one-after"]
    with DeliveryStore() as store:
        valid = store.search("", limit=5000, trusted_only=True)
        assert [s.event_id for s in valid] == ["the-real-one-after"]
        everything = store.search("", limit=5000)
        # Every abusive request is on record (replays of one eventId as one forged event).
        assert sum(s.deliveries for s in everything) >= REQUESTS
        (altered,) = [s for s in everything if s.event_id == "the-real-one-before"]
        assert altered.signature == Signature.INVALID
        assert altered.deliveries == REQUESTS // len(KINDS)
        assert all(s.signature != Signature.VALID for s in everything if s.id != valid[0].id)
        oracle = store.search("plain token")
        assert len(oracle) == REQUESTS // len(KINDS)
        answers = [json.loads(store.get(s.id).first.answer) for s in oracle]
        assert all("challenge" not in answer for answer in answers)


def test_too_many_connections_are_refused_at_once(xdg: object, arrivals: Arrivals) -> None:
    with WebhookReceiver(port=0, on_stored=arrivals.add, max_connections=3) as receiver:
        receiver.use("local", AMT)
        holders = [socket.create_connection(("127.0.0.1", receiver.port)) for _ in range(3)]
        try:
            # The three are being served; a fourth is answered 503 without being read.
            refused = threading.Event()
            answers: list[int] = []

            def fourth() -> None:
                while not refused.is_set():
                    try:
                        answer = raw_exchange(receiver.port, _post(REAL))
                    except OSError:  # refused so fast that the answer was lost: again
                        continue
                    answers.append(status_of(answer))
                    if answers[-1] == 503:
                        refused.set()

            worker = threading.Thread(target=fourth, daemon=True)
            worker.start()
            assert refused.wait(30)
            worker.join(30)
        finally:
            for sock in holders:
                sock.close()
        (first_refusal,) = [r for r in arrivals.wait_for(1) if r.record.status == 503][:1]
        assert "connections at once" in first_refusal.record.problem
        # Once they are gone, deliveries are served again.
        body = compact(vehicle_state())

        def served() -> bool:
            answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
            return answer.status_code == 200

        assert any(served() for _ in range(200))


def test_random_bytes_never_break_the_listener(xdg: object, arrivals: Arrivals) -> None:
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    with WebhookReceiver(port=0, on_stored=arrivals.add) as receiver:
        receiver.use("local", AMT)
        for _ in range(100):
            blob = rng.randbytes(rng.randint(0, 3000))
            if rng.random() < 0.5:
                blob = b"POST /webhooks HTTP/1.1\r\n" + blob
            with contextlib.suppress(ConnectionResetError, BrokenPipeError):
                raw_exchange(receiver.port, blob)
        body = compact(vehicle_state())
        answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
        assert answer.status_code == 200
        assert json.loads(answer.content) == {"status": "received"}
        assert receiver.flush(30)
    assert [r.record.event_id for r in arrivals.items if r.trusted] == [json.loads(body)["eventId"]]
