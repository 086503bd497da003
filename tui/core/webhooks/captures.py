"""Capture rules on webhook deliveries: the same rules and engine as responses
(``tui.core.captures``), applied only to deliveries whose signature is valid."""

from __future__ import annotations

from tui.core.captures import CaptureResult, apply_captures
from tui.core.exchange import Exchange, Response, SentRequest, Timings
from tui.core.history.delivery_model import Signature
from tui.core.model import Capture


def capture_from_delivery(
    rules: list[Capture],
    body: bytes,
    signature: Signature,
    headers: list[tuple[str, str]] | None = None,
    received_at: float = 0.0,
    status: int = 200,
) -> CaptureResult:
    """Variables set by ``rules`` from one delivery; nothing from an untrusted one, nor from
    one carman refused (``status``: its answer, e.g. 400 for a body that is not JSON)."""
    if signature != Signature.VALID:
        return CaptureResult({}, [])
    # The delivery read as an answer with carman's status: the capture engine then works on
    # it unchanged (and, like for responses, captures only from a 2xx).
    response = Response(status, "", "HTTP/1.1", list(headers or []), body)
    exchange = Exchange(SentRequest("POST", "", []), Timings(received_at), response=response)
    return apply_captures(rules, exchange)
