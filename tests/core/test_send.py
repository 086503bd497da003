"""The send pipeline against real servers on 127.0.0.1: success, refused, timeout, cancel."""

from __future__ import annotations

import asyncio

import pytest

from tests.net import LocalServer, free_port, until
from tui.core.exchange import TransportErrorKind
from tui.core.model import KeyValue, Request
from tui.core.prepare import prepare
from tui.core.send import SendPipeline
from tui.core.variables import VariableStore


def _prepared(url: str, **kwargs: object):  # type: ignore[no-untyped-def]
    return prepare(Request(name="r", url=url, **kwargs), VariableStore())  # type: ignore[arg-type]


async def test_send_returns_an_exchange(http_server: str) -> None:
    pipeline = SendPipeline()
    try:
        exchange = await pipeline.send(
            _prepared(
                f"{http_server}/echo", headers=[KeyValue("X-Dup", "1"), KeyValue("X-Dup", "2")]
            )
        )
    finally:
        await pipeline.aclose()
    assert exchange.error is None and exchange.ok
    response = exchange.response
    assert response is not None
    assert response.status == 200 and response.reason == "OK"
    assert response.http_version == "HTTP/1.1"
    # A repeated header is sent as two header lines, in order (not merged, not deduplicated).
    assert [v for k, v in response.json()["header_list"] if k == "X-Dup"] == ["1", "2"]
    assert exchange.timings.total_ms >= exchange.timings.headers_ms > 0
    assert exchange.response_size == len(response.body)
    assert [(k.lower(), v) for k, v in exchange.request.headers if k.lower() == "x-dup"] == [
        ("x-dup", "1"),
        ("x-dup", "2"),
    ]


async def test_pool_is_reused(http_server: str) -> None:
    pipeline = SendPipeline()
    try:
        first = pipeline.client
        await pipeline.send(_prepared(f"{http_server}/a"))
        await pipeline.send(_prepared(f"{http_server}/b"))
        assert pipeline.client is first
    finally:
        await pipeline.aclose()


async def test_connection_refused_is_a_value() -> None:
    pipeline = SendPipeline()
    exchange = await pipeline.send(_prepared(f"http://127.0.0.1:{free_port()}/"))
    await pipeline.aclose()
    assert exchange.response is None and exchange.error is not None
    assert exchange.error.kind == TransportErrorKind.CONNECTION_REFUSED
    assert "Connection refused" in exchange.error.message


async def test_timeout_is_a_value(http_server: str) -> None:
    pipeline = SendPipeline(timeout=0.3)
    exchange = await pipeline.send(
        _prepared(f"{http_server}/slow", headers=[KeyValue("X-Delay", "2")])
    )
    await pipeline.aclose()
    assert exchange.error is not None and exchange.error.kind == TransportErrorKind.TIMEOUT
    assert "Timed out" in exchange.error.message


async def test_dns_failure_is_a_value() -> None:
    pipeline = SendPipeline(timeout=5)
    exchange = await pipeline.send(_prepared("http://no-such-host.invalid/"))
    await pipeline.aclose()
    assert exchange.error is not None and exchange.error.kind == TransportErrorKind.DNS


async def test_send_is_cancellable(http_server: LocalServer) -> None:
    pipeline = SendPipeline()
    task = asyncio.ensure_future(
        pipeline.send(_prepared(f"{http_server}/slow", headers=[KeyValue("X-Delay", "5")]))
    )
    # Cancel once the request is really in flight: the server has it and is stalling.
    await until(lambda: http_server.arrived("/slow") == 1)
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The pipeline still works afterwards.
    exchange = await pipeline.send(_prepared(f"{http_server}/after"))
    await pipeline.aclose()
    assert exchange.ok
