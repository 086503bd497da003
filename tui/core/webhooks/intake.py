"""Deciding the answer to one request at the webhook receiver (no sockets here).

The listener reads a request (or refuses it while reading: too big, cut short, too slow) and
hands it here with the environment's management token. Out come the status, the answer body
and a ``DeliveryRecord`` that says what happened in one line.

Order of checks: path (404) → method (405) → the SC-Signature over the raw bytes, before any
parsing (§7.4) → JSON object (400) → VERIFY is answered with the HMAC of its challenge →
every other event needs a valid signature (401) → 200.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from tui.core.history.delivery_model import DeliveryRecord, Signature
from tui.core.smartcar import webhook_signing
from tui.core.webhooks.event_info import EventInfo, event_info

SIGNATURE_HEADER = "sc-signature"
# A challenge is answered only when it is a plain token (Smartcar sends a UUID). Why: the answer
# is HMAC(AMT, challenge), exactly an SC-Signature of a body equal to the challenge. VERIFY may
# arrive unsigned (§7.4, UNCONFIRMED), so anyone could ask; a plain token is never a JSON
# object, so an answer can never sign a delivery this receiver would accept.
CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{1,256}")
KNOWN_EVENTS = ("VERIFY", "VEHICLE_STATE", "VEHICLE_ERROR")


@dataclass(frozen=True)
class Incoming:
    """One request as the listener read it."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    body_size: int = 0
    remote: str = ""
    received_at: float = 0.0
    # Set when the listener refused it while reading: (status, what was wrong).
    refused: tuple[int, str] | None = None


@dataclass(frozen=True)
class Keys:
    """What the receiver checks against: the environment and its management token."""

    environment: str = ""
    amt: str | None = None


@dataclass
class Decision:
    status: int
    answer: dict[str, object]
    record: DeliveryRecord
    extra_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def answer_bytes(self) -> bytes:
        return json.dumps(self.answer, separators=(",", ":")).encode("utf-8")


def _headers(incoming: Incoming, name: str) -> list[str]:
    return [v for k, v in incoming.headers if k.lower() == name]


def signature_state(incoming: Incoming, amt: str | None) -> tuple[Signature, str]:
    """The signature check over the raw body, and a problem line when it is not valid."""
    given = _headers(incoming, SIGNATURE_HEADER)
    if not given:
        return Signature.UNSIGNED, "no SC-Signature header"
    if len(given) > 1:
        return Signature.INVALID, f"{len(given)} SC-Signature headers (one is expected)"
    if not amt:
        return Signature.UNCHECKED, "no management token (amt) to check its SC-Signature with"
    if webhook_signing.verify(amt, given[0], incoming.body):
        return Signature.VALID, ""
    return (
        Signature.INVALID,
        "SC-Signature does not match the body (another management token, or not from Smartcar)",
    )


def _record(
    incoming: Incoming, keys: Keys, status: int, signature: Signature, problem: str
) -> DeliveryRecord:
    return DeliveryRecord(
        received_at=incoming.received_at,
        method=incoming.method,
        target=incoming.target,
        status=status,
        signature=signature,
        problem=problem,
        headers=list(incoming.headers),
        body=incoming.body,
        body_size=incoming.body_size,
        remote=incoming.remote,
        environment=keys.environment,
    )


# What a delivery's record takes from its parsed body: every field the two have in common.
_LABELS = tuple(
    f.name for f in fields(EventInfo) if f.name in {g.name for g in fields(DeliveryRecord)}
)


def _labelled(record: DeliveryRecord, info: EventInfo) -> DeliveryRecord:
    for name in _LABELS:
        setattr(record, name, getattr(info, name))
    return record


def refusal(incoming: Incoming, keys: Keys, status: int, problem: str) -> Decision:
    """An answer without looking at the body (the listener's own refusals, 404, 405)."""
    signed = bool(_headers(incoming, SIGNATURE_HEADER))
    signature = Signature.INVALID if signed else Signature.UNSIGNED
    record = _record(incoming, keys, status, signature, problem)
    decision = Decision(status, {"error": problem}, record)
    if status == 405:
        decision.extra_headers.append(("Allow", "POST"))
    return decision


def _fail(
    incoming: Incoming, keys: Keys, status: int, signature: Signature, problem: str
) -> Decision:
    return Decision(status, {"error": problem}, _record(incoming, keys, status, signature, problem))


def decide(incoming: Incoming, keys: Keys, path: str) -> Decision:
    """The answer to ``incoming`` at a receiver that answers ``path``."""
    if incoming.refused is not None:
        status, problem = incoming.refused
        return refusal(incoming, keys, status, problem)
    asked = urlsplit(incoming.target).path or "/"
    if asked != path:
        return refusal(incoming, keys, 404, f"{asked[:80]} is not the webhook path ({path})")
    if incoming.method != "POST":
        problem = f"{incoming.method} is not allowed; deliveries are POST"
        return refusal(incoming, keys, 405, problem)
    signature, signature_problem = signature_state(incoming, keys.amt)
    try:
        document = json.loads(incoming.body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problem = f"not JSON: not UTF-8 text at byte {exc.start}"
        return _fail(incoming, keys, 400, signature, problem)
    except ValueError as exc:
        problem = "not JSON: the body is empty" if not incoming.body.strip() else f"not JSON: {exc}"
        return _fail(incoming, keys, 400, signature, problem)
    except RecursionError:
        return _fail(incoming, keys, 400, signature, "not JSON: nested too deeply")
    if not isinstance(document, dict):
        problem = f"JSON but not an object (a {type(document).__name__}): not a webhook event"
        return _fail(incoming, keys, 400, signature, problem)
    info = event_info(document)
    if info.is_verify:
        decision = _verify(incoming, keys, signature, signature_problem, info)
    elif signature != Signature.VALID:
        decision = _fail(incoming, keys, 401, signature, signature_problem)
    else:
        problem = ""
        if not info.event_type:
            problem = "no eventType: not a Smartcar event"
        elif info.event_type not in KNOWN_EVENTS:
            problem = f"unknown event type {info.event_type[:40]}"
        elif not info.event_id:
            problem = "no eventId: its retries cannot be recognised"
        record = _record(incoming, keys, 200, signature, problem)
        decision = Decision(200, {"status": "received"}, record)
    _labelled(decision.record, info)
    return decision


def _verify(
    incoming: Incoming, keys: Keys, signature: Signature, signature_problem: str, info: EventInfo
) -> Decision:
    if signature == Signature.INVALID:
        return _fail(incoming, keys, 401, signature, f"VERIFY refused: {signature_problem}")
    if not keys.amt:
        problem = (
            "VERIFY not answered: no management token (amt) is set for environment "
            f"{keys.environment or '(none)'}"
        )
        return _fail(incoming, keys, 503, signature, problem)
    challenge = info.challenge
    if challenge is None:
        return _fail(incoming, keys, 400, signature, "VERIFY without data.challenge")
    if not CHALLENGE.fullmatch(challenge):
        problem = "VERIFY refused: the challenge is not a plain token (letters, digits, -._~)"
        return _fail(incoming, keys, 400, signature, problem)
    answer = webhook_signing.challenge_answer(keys.amt, challenge)
    record = _record(incoming, keys, 200, signature, "")
    return Decision(200, {"challenge": answer}, record)
