"""The HMAC helpers agree with Smartcar's own Python SDK, and so does the receiver's VERIFY."""

from __future__ import annotations

import json

import httpx
import pytest
import smartcar
from hypothesis import given
from hypothesis import strategies as st

from tests.webhooks.conftest import AMT, compact, vehicle_state, verify_event
from tui.core.smartcar.webhook_signing import challenge_answer, sign, verify
from tui.core.webhooks import WebhookReceiver

texts = st.text(min_size=1, max_size=200)


@given(amt=texts, challenge=texts)
def test_challenge_answer_is_the_sdks_hash_challenge(amt: str, challenge: str) -> None:
    assert challenge_answer(amt, challenge) == smartcar.hash_challenge(amt, challenge)


@given(amt=texts, body=st.text(max_size=2000))
def test_signatures_verify_exactly_where_the_sdk_says_so(amt: str, body: str) -> None:
    raw = body.encode("utf-8")
    signature = sign(amt, raw)
    # The SDK takes the body as a string (Smartcar's "stringified JSON").
    assert smartcar.verify_payload(amt, signature, body) is True
    assert verify(amt, signature, raw) is True
    tampered = raw + b" "
    assert smartcar.verify_payload(amt, signature, tampered.decode()) is False
    assert verify(amt, signature, tampered) is False
    assert verify(amt + "x", signature, raw) is False
    assert smartcar.verify_payload(amt + "x", signature, body) is False


def test_a_real_shaped_delivery_is_signed_as_the_sdk_checks_it() -> None:
    body = compact(vehicle_state())
    signature = sign(AMT, body)
    assert len(signature) == 64 and signature == signature.lower()
    assert smartcar.verify_payload(AMT, signature, body.decode("utf-8"))
    # Re-serialising changes the bytes, so the signature no longer matches (verify raw bytes).
    reformatted = json.dumps(json.loads(body), indent=2)
    assert not smartcar.verify_payload(AMT, signature, reformatted)
    assert not verify(AMT, signature, reformatted.encode())


@pytest.mark.parametrize(
    "signature",
    ["", None, "00", "sha256=" + sign(AMT, b"{}"), sign(AMT, b"{}")[:-1], "zz" * 32],
)
def test_malformed_signatures_never_verify(signature: str | None) -> None:
    assert verify(AMT, signature, b"{}") is False


def test_hand_typed_case_and_blanks_are_forgiven_but_no_empty_key() -> None:
    signature = sign(AMT, b"{}")
    assert verify(AMT, f"  {signature.upper()}\t", b"{}")
    assert not verify("", sign("", b"{}"), b"{}")


def test_the_receivers_verify_answer_is_the_sdks(receiver: WebhookReceiver) -> None:
    challenge = "3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f"
    answer = httpx.post(receiver.local_url, content=compact(verify_event(challenge)))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"challenge": smartcar.hash_challenge(AMT, challenge)}


def test_the_legacy_verify_shape_is_answered_too(receiver: WebhookReceiver) -> None:
    legacy = {
        "version": "2.0",
        "webhookId": "w",
        "eventName": "verify",
        "payload": {"challenge": "abc123"},
    }
    answer = httpx.post(receiver.local_url, content=compact(legacy))
    assert answer.json() == {"challenge": smartcar.hash_challenge(AMT, "abc123")}
