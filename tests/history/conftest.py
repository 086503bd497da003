"""History fixtures: a store in a temporary XDG data directory and an Exchange builder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from tui.core.config import HistoryLimits
from tui.core.exchange import (
    Exchange,
    Response,
    SentRequest,
    Timings,
    TransportError,
    TransportErrorKind,
)
from tui.core.history import HistoryStore

MakeExchange = Callable[..., Exchange]


def build_exchange(
    *,
    method: str = "GET",
    url: str = "https://api.example.com/v2.0/vehicles",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
    status: int | None = 200,
    reason: str = "OK",
    response_headers: list[tuple[str, str]] | None = None,
    response_body: bytes = b'{"vehicles": []}',
    error: TransportError | None = None,
    request_name: str = "",
    collection: str = "",
    environment: str = "",
    started_at: float | None = None,
    total_ms: float = 12.5,
    headers_ms: float = 10.0,
) -> Exchange:
    response = None
    if status is not None and error is None:
        response = Response(
            status=status,
            reason=reason,
            http_version="HTTP/1.1",
            headers=response_headers
            if response_headers is not None
            else [("Content-Type", "application/json")],
            body=response_body,
        )
    return Exchange(
        request=SentRequest(method, url, list(headers or []), body),
        timings=Timings(
            started_at=started_at if started_at is not None else time.time(),
            total_ms=total_ms,
            headers_ms=headers_ms,
            body_ms=total_ms - headers_ms,
        ),
        response=response,
        error=error,
        environment=environment,
        collection=collection,
        request_name=request_name,
    )


@pytest.fixture
def make_exchange() -> MakeExchange:
    return build_exchange


@pytest.fixture
def timeout_error() -> TransportError:
    return TransportError(
        TransportErrorKind.TIMEOUT,
        "Timed out waiting for an answer from api.example.com.",
        "ReadTimeout",
    )


@pytest.fixture
def limits() -> HistoryLimits:
    return HistoryLimits(max_entries=1000, max_bytes=50_000_000, max_body_bytes=64 * 1024)


@pytest.fixture
def store(xdg: object, limits: HistoryLimits) -> Iterator[HistoryStore]:
    opened = HistoryStore(limits=limits)
    try:
        yield opened
    finally:
        opened.close()
