"""The loopback callback listener, over real sockets on 127.0.0.1 (and ::1 when available)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import httpx
import pytest

from tui.core.oauth.callback import CANCELLED, TIMEOUT
from tui.core.oauth.listener import CallbackListener, ListenerError

STATE = "s3cret-state-value"


@pytest.fixture
def listener() -> Iterator[CallbackListener]:
    # A long linger: the listener keeps answering replays until the test stops it.
    lsn = CallbackListener("http://localhost:0/exchange", STATE, timeout=60, linger=60)
    lsn.start()
    yield lsn
    lsn.stop()


def url(listener: CallbackListener, query: str = "", path: str = "/exchange") -> str:
    return f"http://127.0.0.1:{listener.port}{path}{query}"


def get(target: str) -> httpx.Response:
    return httpx.get(target, timeout=10)


def raw_exchange(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def test_success_returns_the_code_and_a_closing_page(listener: CallbackListener) -> None:
    response = get(url(listener, f"?code=c-123&state={STATE}"))
    assert response.status_code == 200
    assert "close this tab" in response.text
    result = listener.wait_blocking()
    assert result.ok and result.code == "c-123"


async def test_async_wait(listener: CallbackListener) -> None:
    import asyncio

    waiter = asyncio.create_task(listener.wait())
    await asyncio.sleep(0)
    await asyncio.to_thread(get, url(listener, f"?code=async-code&state={STATE}"))
    assert (await waiter).code == "async-code"


def test_wrong_or_missing_state_is_refused_and_the_wait_goes_on(
    listener: CallbackListener,
) -> None:
    forged = get(url(listener, "?code=forged&state=attacker"))
    assert forged.status_code == 400
    assert "does not belong" in forged.text
    missing = get(url(listener, "?code=forged"))
    assert missing.status_code == 400
    assert not listener.done
    assert any("wrong state" in e for e in listener.events)
    assert any("no state" in e for e in listener.events)
    assert get(url(listener, f"?code=real&state={STATE}")).status_code == 200
    assert listener.wait_blocking().code == "real"


def test_other_paths_get_404_and_favicon_is_quiet(listener: CallbackListener) -> None:
    assert get(url(listener, f"?code=x&state={STATE}", path="/other")).status_code == 404
    assert get(url(listener, f"?code=x&state={STATE}", path="/exchange/")).status_code == 404
    before = len(listener.events)
    assert get(url(listener, path="/favicon.ico")).status_code == 404
    assert len(listener.events) == before
    assert not listener.done


def test_access_denied_is_reported_in_words(listener: CallbackListener) -> None:
    response = get(
        url(
            listener,
            "?error=access_denied&error_description=User+denied+access+to+application."
            f"&state={STATE}",
        )
    )
    assert response.status_code == 200
    result = listener.wait_blocking()
    assert result.error == "access_denied"
    assert "Access was denied" in result.message
    assert "Access was denied" in response.text


def test_vehicle_incompatible_details(listener: CallbackListener) -> None:
    get(
        url(
            listener,
            "?error=vehicle_incompatible&vin=0SCAUDI012FE3B132&make=AUDI&model=A4&year=2016"
            f"&state={STATE}",
        )
    )
    result = listener.wait_blocking()
    assert result.details["vin"] == "0SCAUDI012FE3B132"
    assert "2016 AUDI A4" in result.message


def test_replay_after_success_is_already_used(listener: CallbackListener) -> None:
    get(url(listener, f"?code=first&state={STATE}"))
    replay = get(url(listener, f"?code=first&state={STATE}"))
    assert replay.status_code == 400
    assert "already used" in replay.text
    assert listener.wait_blocking().code == "first"


def test_junk_oversized_slow_and_wrong_method_requests_do_not_break_it(
    listener: CallbackListener,
) -> None:
    port = listener.port
    # A client that connects and says nothing (the socket timeout drops it eventually).
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(b"GET /exchange?code=")
    try:
        assert b"400" in raw_exchange(port, b"\x00\x01\x02 garbage \xff\r\n\r\n").split(b"\r\n")[0]
        huge = b"GET /exchange?" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        assert b"414" in raw_exchange(port, huge)
        many = b"GET /exchange HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n"
        assert b"431" in raw_exchange(port, many)
        assert httpx.post(url(listener), timeout=10).status_code == 405
        assert not listener.done
        assert get(url(listener, f"?code=after-junk&state={STATE}")).status_code == 200
        assert listener.wait_blocking().code == "after-junk"
    finally:
        slow.close()


def test_cancel_and_timeout() -> None:
    lsn = CallbackListener("http://127.0.0.1:0/cb", STATE, timeout=60).start()
    lsn.cancel()
    assert lsn.wait_blocking().error == CANCELLED
    with pytest.raises(httpx.ConnectError):
        get(f"http://127.0.0.1:{lsn.port}/cb")

    quick = CallbackListener("http://127.0.0.1:0/cb", STATE, timeout=0.05).start()
    result = quick.wait_blocking()
    assert result.error == TIMEOUT
    assert "No answer arrived" in result.message
    quick.stop()


def test_busy_port_gives_a_clear_message_with_the_remedy() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        lsn = CallbackListener(f"http://localhost:{port}/exchange", STATE)
        with pytest.raises(ListenerError) as caught:
            lsn.start()
    message = str(caught.value)
    assert f"Port {port} is in use by another program" in message
    assert f"http://localhost:{port + 1}/exchange" in message
    assert "redirect_uri" in message


@pytest.mark.parametrize(
    "uri", ["https://localhost:8000/exchange", "http://example.com/cb", "http://10.0.0.1/cb"]
)
def test_non_loopback_redirects_are_refused(uri: str) -> None:
    with pytest.raises(ListenerError, match="not an http://localhost address"):
        CallbackListener(uri, STATE)


def _ipv6_loopback_available() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback_available(), reason="no IPv6 loopback here")
def test_localhost_also_listens_on_ipv6_loopback(listener: CallbackListener) -> None:
    response = get(f"http://[::1]:{listener.port}/exchange?code=v6&state={STATE}")
    assert response.status_code == 200
    assert listener.wait_blocking().code == "v6"


def test_only_loopback_is_bound(listener: CallbackListener) -> None:
    addresses = {server.server_address[0] for server in listener._servers}
    assert addresses <= {"127.0.0.1", "::1"}


def test_the_listener_is_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    lsn = CallbackListener("http://127.0.0.1:0/cb", STATE, timeout=60, linger=60).start()
    try:
        get(f"http://127.0.0.1:{lsn.port}/nothing")
        raw_exchange(lsn.port, b"junk\r\n\r\n")
        get(f"http://127.0.0.1:{lsn.port}/cb?code=c&state={STATE}")
        lsn.wait_blocking()
    finally:
        lsn.stop()
    out, err = capfd.readouterr()
    assert out == "" and err == ""
