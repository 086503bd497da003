"""The loopback callback listener under abuse, then a real login through it.

A real ``LoginFlow`` listens on an ephemeral port for a login against the sandbox. Before the
browser's redirect arrives, the listener takes a thousand bad requests from eight threads at
once, over raw sockets: garbage bytes, oversized URLs and headers, wrong and missing states
(with a real code from the sandbox, too), forged error callbacks, the right state without a
usable code, wrong paths and methods, while thirty clients hold half-sent requests open. It
must answer every one without a 200, accept none of them, keep waiting, and then complete the
real login; replays after that are "already used" and change nothing.

The single-request versions of these cases are in tests/oauth/test_listener.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import re
import socket
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.reliability.conftest import manager_of, sandbox_workspace
from tui.core.oauth.manager import TokenStatus

REQUESTS = 1000
SLOW_CLIENTS = 30
CLIENT_TIMEOUT = 5.0  # seconds a client waits for an answer (short: nothing should stall)


def _exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes, read the whole answer (the listener speaks HTTP/1.0 and closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(data)
            # Then hang up the sending side: a request cut short ends here, not at a timeout.
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def _status(answer: bytes) -> int:
    """The status code of a raw answer, 0 when the listener hung up without one."""
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    return int(match.group(1)) if match else 0


def _get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode()


def _abuse(state: str, forged_location: str) -> list[tuple[str, Callable[[random.Random], bytes]]]:
    """(kind, request builder) pairs; the builders make a fresh variant each call."""
    forged_query = urlsplit(forged_location).query
    return [
        ("garbage", lambda rng: rng.randbytes(rng.randint(1, 300)) + b"\r\n\r\n"),
        ("garbage-line", lambda rng: b"\x16\x03\x01 " + rng.randbytes(40) + b" HTTP/1.1\r\n\r\n"),
        ("http09", lambda rng: b"GET /exchange\r\n"),
        ("huge-url", lambda rng: _get("/exchange?code=" + "a" * rng.randint(66_000, 90_000))),
        ("many-headers", lambda rng: b"GET /exchange HTTP/1.1\r\n" + b"X-A: b\r\n" * 200 + b"\r\n"),
        (
            "huge-header",
            lambda rng: b"GET /exchange HTTP/1.1\r\nX-Big: " + b"b" * 70_000 + b"\r\n\r\n",
        ),
        ("wrong-state", lambda rng: _get(f"/exchange?code=c{rng.random()}&state={rng.random()}")),
        ("no-state", lambda rng: _get(f"/exchange?code=c{rng.random()}")),
        ("empty-state", lambda rng: _get("/exchange?code=c&state=")),
        ("state-prefix", lambda rng: _get(f"/exchange?code=c&state={state[:-1]}")),
        ("state-longer", lambda rng: _get(f"/exchange?code=c&state={state}x")),
        ("real-code-forged-state", lambda rng: _get(f"/exchange?{forged_query}")),
        ("forged-denial", lambda rng: _get("/exchange?error=access_denied&state=attacker")),
        ("right-state-no-code", lambda rng: _get(f"/exchange?state={state}")),
        ("right-state-bad-code", lambda rng: _get(f"/exchange?code=a%20b%0a&state={state}")),
        ("right-state-long-code", lambda rng: _get(f"/exchange?code={'c' * 3000}&state={state}")),
        ("wrong-path", lambda rng: _get(f"/other?code=c&state={state}")),
        ("post", lambda rng: b"POST /exchange HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"),
        ("head", lambda rng: b"HEAD /exchange HTTP/1.1\r\n\r\n"),
        ("cut-short", lambda rng: b"GET /exchange?code=c&state=" + state.encode()[:5]),
    ]


def _hammer(port: int, state: str, forged_location: str) -> Counter[tuple[str, int]]:
    kinds = _abuse(state, forged_location)
    seen: Counter[tuple[str, int]] = Counter()

    def one(number: int) -> tuple[str, int]:
        rng = random.Random(number)
        kind, build = kinds[number % len(kinds)]
        try:
            answer = _exchange(port, build(rng))
        except TimeoutError:
            return kind, -1  # no answer within CLIENT_TIMEOUT
        if b"carman has the login" in answer:
            return kind, 200  # accepted (an HTTP/0.9 answer has no status line to say so)
        return kind, _status(answer)

    with ThreadPoolExecutor(max_workers=8) as pool:
        for result in pool.map(one, range(REQUESTS)):
            seen[result] += 1
    return seen


async def test_a_thousand_bad_requests_then_a_real_login(xdg: Path, sandbox) -> None:  # type: ignore[no-untyped-def]
    workspace = sandbox_workspace(sandbox)
    manager = manager_of(workspace)
    settings = dataclasses.replace(
        manager.require_settings(), redirect_uri="http://127.0.0.1:0/exchange"
    )
    flow = manager.login(settings, timeout=120)
    listener = flow.start()
    sandbox.register_redirect_uri(flow.settings.redirect_uri)
    port = listener.port
    # The real approval happens first; the browser's redirect is held back until the end.
    location = sandbox.approve(flow.authorize_url, "2-vehicles@smartcar.com")
    assert parse_qs(urlsplit(location).query)["state"] == [flow.state]
    forged = re.sub(r"state=[^&]+", "state=forged", location)

    slow: list[socket.socket] = []
    try:
        for number in range(SLOW_CLIENTS):
            # Half a request line, then nothing: each holds a handler thread until its timeout.
            sock = socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT)
            sock.sendall(b"GET /exchange?code=slow" + str(number).encode())
            slow.append(sock)
        seen = await asyncio.to_thread(_hammer, port, flow.state, forged)
    finally:
        for sock in slow:
            sock.close()

    statuses = {kind: {status for (k, status) in seen if k == kind} for kind, _ in seen}
    assert sum(seen.values()) == REQUESTS
    assert all(status != 200 for _, status in seen), seen  # nothing was accepted
    assert statuses["wrong-state"] == statuses["real-code-forged-state"] == {400}
    assert statuses["forged-denial"] == statuses["state-longer"] == {400}
    assert statuses["right-state-no-code"] == statuses["right-state-long-code"] == {400}
    assert statuses["huge-url"] == {414} and statuses["many-headers"] == {431}
    assert statuses["wrong-path"] == {404} and statuses["post"] == {405}
    assert statuses["garbage"] <= {0, 400}  # answered 400, or hung up on
    assert statuses["cut-short"] <= {0, 400}
    # Still waiting, nothing stored; the refusals were noted for the login dialog.
    assert not listener.done
    assert manager.state().status == TokenStatus.NONE
    assert any("wrong state" in event for event in listener.events)

    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(location)
        assert page.status_code == 200 and "close this tab" in page.text
        # Replays, right and wrong, once the code has arrived: "already used", no effect.
        replays = await asyncio.gather(
            *(browser.get(location) for _ in range(10)),
            *(browser.get(forged) for _ in range(10)),
        )
    assert {r.status_code for r in replays} == {400}
    assert all("already used" in r.text for r in replays[:10])

    result = await flow.wait()
    assert result.vehicle_count == 2
    token = manager.stored(manager.require_settings())
    assert token is not None and manager.state().status == TokenStatus.VALID
    exchange, _ = await workspace.send(None, _odometer())
    assert exchange.response is not None and exchange.response.status == 200
    await workspace.aclose()


def _odometer():  # type: ignore[no-untyped-def]
    from tui.core.model import Auth, AuthKind, Request

    return Request(
        name="Odometer",
        url="{{api_url}}/v2.0/vehicles/{{vehicle_id}}/odometer",
        auth=Auth(kind=AuthKind.OAUTH2),
    )
