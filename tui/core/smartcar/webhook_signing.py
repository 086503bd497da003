"""Smartcar's webhook HMACs, shared by carman's receiver and the sandbox's sender.

Key: the Application Management Token (AMT). ``SC-Signature`` is the lowercase hex
HMAC-SHA256 of the raw request body; the answer to a VERIFY challenge is the same HMAC of the
challenge string (smartcar-v3.md §7.4, §7.5). These agree with the official SDK's
``hash_challenge(amt, challenge)`` and ``verify_payload(amt, signature, body)``. Verify over
the bytes received, before any JSON parsing: re-serialising changes whitespace and key order.
"""

from __future__ import annotations

import hashlib
import hmac


def _hmac_hex(amt: str, message: bytes) -> str:
    return hmac.new(amt.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(amt: str, body: bytes) -> str:
    """The ``SC-Signature`` of ``body``: hex HMAC-SHA256 keyed by the AMT."""
    return _hmac_hex(amt, body)


def verify(amt: str, signature: str | None, body: bytes) -> bool:
    """True when ``signature`` is the signature of ``body``; compared in constant time.

    An empty AMT or signature never verifies. Surrounding blanks and hex case are forgiven
    (a hand-made header); nothing else, such as a ``sha256=`` prefix, is: Smartcar sends the
    bare digest (§7.4; a prefix is UNCONFIRMED).
    """
    if not amt or not signature:
        return False
    given = signature.strip().lower().encode("ascii", "replace")
    return hmac.compare_digest(given, sign(amt, body).encode("ascii"))


def challenge_answer(amt: str, challenge: str) -> str:
    """What a VERIFY challenge must be answered with: ``{"challenge": <this>}``."""
    return _hmac_hex(amt, challenge.encode("utf-8"))


def verify_challenge_answer(amt: str, challenge: str, answer: object) -> bool:
    """Whether ``answer`` (the ``challenge`` member of a VERIFY reply) answers ``challenge``."""
    if not isinstance(answer, str):
        return False
    given = answer.strip().lower().encode("ascii", "replace")
    return hmac.compare_digest(given, challenge_answer(amt, challenge).encode("ascii"))
