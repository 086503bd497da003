"""The HMAC arithmetic of Smartcar webhooks, shared by the sender (sandbox) and the receiver.

Smartcar signs every delivery with HMAC-SHA256 keyed by the application's Application
Management Token (AMT) over the raw body bytes, and sends the lowercase hex digest in
``SC-Signature``. The VERIFY challenge is answered with the same HMAC over the challenge string
(shared/smartcar-v3.md §7.4, §7.5). These functions agree with the official SDK's
``hash_challenge(amt, challenge)`` and ``verify_payload(amt, signature, body)``.

Standard library only. Verify a signature over the bytes received, before any JSON parsing:
re-serialising changes whitespace and key order.
"""

from __future__ import annotations

import hashlib
import hmac

# Some third-party receivers accept ``sha256=<hex>`` (GitHub's style); Smartcar sends the bare
# hex digest (UNCONFIRMED that it ever sends the prefix). Verification tolerates it.
_PREFIX = "sha256="


def _hmac_hex(amt: str, message: bytes) -> str:
    return hmac.new(amt.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign_body(amt: str, body: bytes) -> str:
    """``SC-Signature`` for a body: lowercase hex HMAC-SHA256(AMT, exactly these bytes)."""
    return _hmac_hex(amt, body)


def hash_challenge(amt: str, challenge: str) -> str:
    """The answer to a VERIFY challenge: hex HMAC-SHA256(AMT, the challenge string)."""
    return _hmac_hex(amt, challenge.encode("utf-8"))


def verify_signature(amt: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` (the ``SC-Signature`` header) signs ``body``; constant time."""
    if not signature:
        return False
    given = signature.strip().lower()
    if given.startswith(_PREFIX):
        given = given[len(_PREFIX) :]
    return hmac.compare_digest(given, sign_body(amt, body))


def verify_challenge_answer(amt: str, challenge: str, answer: object) -> bool:
    """Whether ``answer`` (the ``challenge`` member of the reply) answers the challenge."""
    if not isinstance(answer, str):
        return False
    return hmac.compare_digest(answer.strip().lower(), hash_challenge(amt, challenge))
