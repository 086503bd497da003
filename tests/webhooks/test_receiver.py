"""The receiver over real sockets: verified, stored, searchable; junk answered and recorded."""

from __future__ import annotations

import json
import socket
import threading

import httpx
import pytest

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
from tui.core import paths
from tui.core.history.deliveries import DeliveryStore
from tui.core.history.delivery_model import Signature
from tui.core.smartcar.webhook_signing import sign
from tui.core.webhooks import ReceiverError, WebhookReceiver, exposure_warning


def test_a_signed_vehicle_state_arrives_verified_stored_and_searchable(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    document = vehicle_state(soc=77)
    body = compact(document)
    answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
    assert answer.status_code == 200

    (received,) = arrivals.wait_for(1)
    assert received.trusted and not received.retry
    assert received.event is not None
    with DeliveryStore() as store:
        found = store.search("tractionbattery-stateofcharge")
        assert [s.id for s in found] == [received.event.id]
        assert [s.id for s in store.search("POLESTAR")] == [received.event.id]
        summary = found[0]
        assert summary.signature == Signature.VALID
        assert summary.event_type == "VEHICLE_STATE"
        assert summary.event_id == document["eventId"]
        assert summary.vehicle == "2024 POLESTAR Polestar 2"
        assert summary.user_id == document["data"]["user"]["id"]
        assert summary.environment == "local"
        event = store.get(summary.id)
    delivery = event.first
    assert delivery.body == body  # the raw bytes as received
    assert ("SC-Signature", sign(AMT, body)) in delivery.headers
    assert delivery.delivery_id == document["meta"]["deliveryId"]
    assert delivery.status == 200


def test_a_forged_signature_is_answered_401_and_stored_invalid(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    body = compact(vehicle_state(soc=5))
    forged = signed_headers(body, amt="not-the-management-token")
    answer = httpx.post(receiver.local_url, content=body, headers=forged)
    assert answer.status_code == 401
    (received,) = arrivals.wait_for(1)
    assert not received.trusted
    assert received.record.signature == Signature.INVALID
    assert "does not match" in received.record.problem
    with DeliveryStore() as store:
        (summary,) = store.search("")
        assert summary.signature == Signature.INVALID and summary.status == 401
        assert store.trusted_bodies() == []


def test_unsigned_deliveries_are_refused_and_kept(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    answer = httpx.post(receiver.local_url, content=compact(vehicle_state()))
    assert answer.status_code == 401
    (received,) = arrivals.wait_for(1)
    assert received.record.signature == Signature.UNSIGNED
    assert received.record.problem == "no SC-Signature header"


def test_retries_with_one_event_id_become_one_event(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    event_id = "2b65f4e6-0356-440e-a87f-eed19cffda9a"
    delivery_ids = ["d-attempt-1", "d-attempt-2", "d-attempt-3"]
    for delivery_id in delivery_ids:  # a new deliveryId per attempt, the same eventId (§7.8)
        body = compact(vehicle_state(event_id=event_id, delivery_id=delivery_id))
        answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
        assert answer.status_code == 200
    received = arrivals.wait_for(3)
    assert [r.retry for r in received] == [False, True, True]
    with DeliveryStore() as store:
        (summary,) = store.search("")
        assert summary.retries == 2 and summary.deliveries == 3
        event = store.get(summary.id)
        assert event.delivery_ids == delivery_ids
        # Every attempt's deliveryId finds the event.
        assert [s.id for s in store.search("d-attempt-3")] == [summary.id]


def test_a_forged_copy_never_joins_a_signed_event(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    body = compact(vehicle_state(event_id="same-event"))
    httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
    httpx.post(receiver.local_url, content=body, headers=signed_headers(body, amt="forger"))
    arrivals.wait_for(2)
    with DeliveryStore() as store:
        forged, real = store.search("")
    assert (real.signature, real.deliveries) == (Signature.VALID, 1)
    assert (forged.signature, forged.deliveries) == (Signature.INVALID, 1)


def test_verify_is_answered_unsigned_but_not_with_a_wrong_signature(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    body = compact(verify_event("abc"))
    assert httpx.post(receiver.local_url, content=body).status_code == 200
    wrong = httpx.post(receiver.local_url, content=body, headers=signed_headers(body, "x"))
    assert wrong.status_code == 401 and "challenge" not in wrong.json()
    signed = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
    assert signed.status_code == 200
    states = [r.record.signature for r in arrivals.wait_for(3)]
    assert states == [Signature.UNSIGNED, Signature.INVALID, Signature.VALID]


def test_a_challenge_that_could_sign_a_body_is_not_answered(receiver: WebhookReceiver) -> None:
    # HMAC(AMT, challenge) is the SC-Signature of a body equal to the challenge: answering
    # any string would let anyone sign a forged delivery with an unsigned VERIFY.
    forged = compact(vehicle_state(soc=1))
    answer = httpx.post(receiver.local_url, content=compact(verify_event(forged.decode())))
    assert answer.status_code == 400
    assert "challenge" not in answer.json()
    assert "plain token" in answer.json()["error"]


def test_without_a_management_token_nothing_is_trusted(xdg: object, arrivals: Arrivals) -> None:
    with WebhookReceiver(port=0, on_stored=arrivals.add) as receiver:
        receiver.use("test", None)
        body = compact(vehicle_state())
        assert (
            httpx.post(receiver.local_url, content=body, headers=signed_headers(body)).status_code
            == 401
        )
        verify = httpx.post(receiver.local_url, content=compact(verify_event()))
        assert verify.status_code == 503
        assert "no management token (amt)" in verify.json()["error"]
        first, second = arrivals.wait_for(2)
    assert first.record.signature == Signature.UNCHECKED
    assert "environment test" in second.record.problem


def test_the_token_can_change_while_it_runs(receiver: WebhookReceiver, arrivals: Arrivals) -> None:
    body = compact(vehicle_state())
    receiver.use("other", "another-token")
    assert (
        httpx.post(receiver.local_url, content=body, headers=signed_headers(body)).status_code
        == 401
    )
    good = signed_headers(body, "another-token")
    assert httpx.post(receiver.local_url, content=body, headers=good).status_code == 200
    first, second = arrivals.wait_for(2)
    assert (first.record.environment, second.record.environment) == ("other", "other")
    assert [first.trusted, second.trusted] == [False, True]


@pytest.mark.parametrize(
    ("method", "target", "status", "problem"),
    [
        ("GET", "/webhooks", 405, "GET is not allowed"),
        ("PUT", "/webhooks", 405, "PUT is not allowed"),
        ("POST", "/", 404, "is not the webhook path"),
        ("POST", "/webhooks/extra", 404, "is not the webhook path"),
        ("DELETE", "/elsewhere", 404, "is not the webhook path"),
    ],
)
def test_wrong_method_or_path(
    receiver: WebhookReceiver,
    arrivals: Arrivals,
    method: str,
    target: str,
    status: int,
    problem: str,
) -> None:
    base = receiver.local_url.removesuffix("/webhooks")
    answer = httpx.request(method, base + target, content=b"{}")
    assert answer.status_code == status
    if status == 405:
        assert answer.headers["allow"] == "POST"
    (received,) = arrivals.wait_for(1)
    assert problem in received.record.problem
    assert received.event is not None and received.event.status == status


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"", "the body is empty"),
        (b"not json", "not JSON"),
        (b'{"eventType": "VEHICLE_STATE"', "not JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[1, 2]", "not an object"),
        (b"12345", "not an object"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
    ],
    ids=["empty", "text", "cut-json", "not-utf8", "array", "number", "deep"],
)
def test_bodies_that_are_not_events(
    receiver: WebhookReceiver, arrivals: Arrivals, body: bytes, problem: str
) -> None:
    answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
    assert answer.status_code == 400
    (received,) = arrivals.wait_for(1)
    assert problem in received.record.problem
    # Signed with the right token, so the signature is valid; but refused, so never plotted.
    assert received.record.signature == Signature.VALID and received.event.status == 400
    with DeliveryStore() as store:
        assert store.trusted_bodies() == []


def test_a_signed_event_without_an_event_id_is_accepted_and_said_so(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    document = vehicle_state()
    del document["eventId"]
    body = compact(document)
    assert (
        httpx.post(receiver.local_url, content=body, headers=signed_headers(body)).status_code
        == 200
    )
    (received,) = arrivals.wait_for(1)
    assert received.trusted and "no eventId" in received.record.problem


def test_an_oversized_body_is_refused_unread(receiver: WebhookReceiver, arrivals: Arrivals) -> None:
    port = receiver.port
    head = (
        "POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
    ).encode()
    answer = raw_exchange(port, head + b"{", shutdown_write=False)
    assert status_of(answer) == 413
    (received,) = arrivals.wait_for(1)
    assert "over the 1048576 byte limit" in received.record.problem
    assert received.record.body_size == 50 * 1024 * 1024 and received.record.body == b""


def test_a_sender_that_asks_first_is_refused_before_it_sends_too_much(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    head = (
        "POST /webhooks HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        f"Content-Length: {5 * 1024 * 1024}\r\n\r\n"
    ).encode()
    answer = raw_exchange(receiver.port, head, shutdown_write=False)
    assert status_of(answer) == 413 and b"100 Continue" not in answer
    (received,) = arrivals.wait_for(1)
    assert "over the 1048576 byte limit" in received.record.problem
    # A sender that fits is told to go on, then heard.
    body = compact(vehicle_state())
    head = (
        f"POST /webhooks HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
        f"SC-Signature: {sign(AMT, body)}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", receiver.port), timeout=30) as sock:
        sock.sendall(head)
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert b" 200 OK" in sock.recv(1000)
    assert arrivals.wait_for(2)[1].trusted


def test_a_body_cut_short_is_a_400(receiver: WebhookReceiver, arrivals: Arrivals) -> None:
    body = compact(vehicle_state())
    head = (
        f"POST /webhooks HTTP/1.1\r\nHost: x\r\nSC-Signature: {sign(AMT, body)}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = raw_exchange(receiver.port, head + body[:100])  # then the sender hangs up
    assert status_of(answer) == 400
    (received,) = arrivals.wait_for(1)
    assert received.record.problem == f"body cut short: 100 of {len(body)} bytes arrived"
    assert not received.trusted


def test_a_chunked_delivery_is_read_and_verified(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    body = compact(vehicle_state())
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:50], body[50:])
    )
    head = (
        f"POST /webhooks HTTP/1.1\r\nHost: x\r\nSC-Signature: {sign(AMT, body)}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    answer = raw_exchange(receiver.port, head + chunks + b"0\r\n\r\n")
    assert status_of(answer) == 200
    (received,) = arrivals.wait_for(1)
    assert received.trusted and received.record.body == body


@pytest.mark.parametrize(
    ("raw", "status", "problem"),
    [
        (b"GARBAGE\r\n\r\n", 400, "malformed request"),
        (b"POST /webhooks HTTP/9.9\r\n\r\n", 505, "malformed request"),
        (b"BREW /webhooks HTTP/1.1\r\n\r\n", 501, "malformed request"),
        (
            b"POST /webhooks HTTP/1.1\r\nContent-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\n",
            400,
            "both Content-Length and Transfer-Encoding",
        ),
        (b"POST /webhooks HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, "is not a number"),
        (
            b"POST /webhooks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            400,
            "malformed chunked body",
        ),
        (b"POST /webhooks HTTP/1.1\r\n" + b"X-A: b\r\n" * 150 + b"\r\n", 431, "malformed request"),
    ],
    ids=["garbage", "version", "method", "cl-and-te", "negative-cl", "bad-chunk", "headers"],
)
def test_malformed_requests_are_answered_and_recorded(
    receiver: WebhookReceiver, arrivals: Arrivals, raw: bytes, status: int, problem: str
) -> None:
    answer = raw_exchange(receiver.port, raw)
    assert status_of(answer) == status
    (received,) = arrivals.wait_for(1)
    assert problem in received.record.problem
    assert received.event is not None and not received.event.trusted


def test_the_management_token_never_reaches_the_database(
    receiver: WebhookReceiver, arrivals: Arrivals
) -> None:
    document = vehicle_state()
    document["data"]["note"] = f"someone pasted {AMT} here"
    body = compact(document)
    headers = {**signed_headers(body), "X-Debug": AMT, "Authorization": "Bearer abc.def.ghi"}
    httpx.post(receiver.local_url + f"?token={AMT}", content=body, headers=headers)
    (received,) = arrivals.wait_for(1)
    assert received.trusted  # checked on the raw bytes, before anything was masked
    receiver.stop()
    files = [paths.history_db(), paths.history_db().with_name("history.sqlite3-wal")]
    for path in files:
        if path.exists():
            assert AMT.encode() not in path.read_bytes(), path
    with DeliveryStore() as store:
        delivery = store.get(received.event.id).first
    assert AMT.encode() not in delivery.body and b"\xe2\x80\xa2" in delivery.body
    assert dict(delivery.headers)["Authorization"] == "Bearer ••••••"
    assert AMT not in delivery.target


def test_the_answer_never_waits_for_storage(xdg: object) -> None:
    """The writer is stuck (its listener blocks); deliveries are still answered at once."""
    release = threading.Event()
    entered = threading.Event()

    def stuck(received: object) -> None:
        entered.set()
        release.wait(30)

    with WebhookReceiver(port=0, on_stored=stuck) as receiver:
        receiver.use("local", AMT)
        try:
            for soc in (10, 20, 30):
                body = compact(vehicle_state(soc=soc))
                answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
                assert answer.status_code == 200
            assert entered.wait(10)
            assert not release.is_set()  # all three answered while the writer was held
        finally:
            release.set()
        assert receiver.flush(10)


def test_a_port_in_use_is_explained(xdg: object) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ReceiverError, match=f"Port {port} is in use.*--port"):
            WebhookReceiver(port=port).start()


def test_listening_beyond_loopback_comes_with_a_warning(xdg: object) -> None:
    assert exposure_warning("127.0.0.1") == "" and exposure_warning("localhost") == ""
    assert exposure_warning("::1") == ""
    assert "other machines can reach it" in exposure_warning("0.0.0.0")
    with WebhookReceiver(host="0.0.0.0", port=0) as receiver:
        assert receiver.exposure_warning
        assert receiver.local_url.startswith("http://127.0.0.1:")
        assert httpx.post(receiver.local_url, content=b"{}").status_code == 401


def test_an_event_json_answer_is_compact_json(receiver: WebhookReceiver) -> None:
    body = compact(vehicle_state())
    answer = httpx.post(receiver.local_url, content=body, headers=signed_headers(body))
    assert json.loads(answer.content) == {"status": "received"}
