"""Recording exchanges: every field stored, bodies capped, real sends, the background writer."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core import paths
from tui.core.config import Config, HistoryLimits
from tui.core.exchange import Exchange, TransportError
from tui.core.history import HistoryEntryNotFound, HistoryRecorder, HistoryStore
from tui.core.model import Body, BodyKind, KeyValue, Request
from tui.core.prepare import PreparedRequest
from tui.core.send import SendPipeline
from tui.core.workspace import Workspace

MakeExchange = Callable[..., Exchange]


def test_store_lives_at_the_history_path(store: HistoryStore) -> None:
    assert store.path == paths.history_db()
    assert store.path.exists()


def test_records_every_field(store: HistoryStore, make_exchange: MakeExchange) -> None:
    exchange = make_exchange(
        method="post",
        url="https://api.example.com/v2.0/vehicles/abc/security",
        headers=[("Content-Type", "application/json"), ("Accept", "application/json")],
        body=b'{"action": "LOCK"}',
        status=409,
        reason="Conflict",
        response_headers=[("Content-Type", "application/json"), ("SC-Request-Id", "r-1")],
        response_body=b'{"type": "VEHICLE_STATE", "code": "DOOR_OPEN"}',
        request_name="Lock",
        collection="Smartcar API",
        environment="sandbox",
        started_at=1_790_000_000.25,
        total_ms=120.5,
        headers_ms=100.0,
    )
    entry_id = store.record(exchange)
    assert entry_id == 1
    entry = store.get(1)
    assert entry.id == 1
    assert entry.started_at == 1_790_000_000.25
    assert (entry.environment, entry.collection, entry.request_name) == (
        "sandbox",
        "Smartcar API",
        "Lock",
    )
    assert entry.method == "POST"
    assert entry.url == "https://api.example.com/v2.0/vehicles/abc/security"
    assert entry.request_headers == [
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    ]
    assert entry.request_body == b'{"action": "LOCK"}'
    assert entry.request_body_size == len(b'{"action": "LOCK"}')
    assert (entry.status, entry.reason, entry.http_version) == (409, "Conflict", "HTTP/1.1")
    assert ("SC-Request-Id", "r-1") in entry.response_headers
    assert entry.response_body == b'{"type": "VEHICLE_STATE", "code": "DOOR_OPEN"}'
    assert entry.response_body_size == len(entry.response_body)
    assert not entry.request_body_truncated and not entry.response_body_truncated
    assert entry.body_cap == store.limits.max_body_bytes
    assert (entry.total_ms, entry.headers_ms) == (120.5, 100.0)
    assert entry.error_kind == ""
    assert entry.checksum == entry.compute_checksum()
    summary = store.search()[0]
    assert summary == entry.summary()
    assert summary.total_ms == 120.5 and summary.status == 409


def test_transport_error_is_recorded(
    store: HistoryStore, make_exchange: MakeExchange, timeout_error: TransportError
) -> None:
    entry_id = store.record(make_exchange(error=timeout_error, url="https://slow.example.com/"))
    entry = store.get(entry_id or 0)
    assert entry.status is None
    assert entry.error_kind == "timeout"
    assert entry.error_message.startswith("Timed out")
    assert entry.error_detail == "ReadTimeout"
    assert entry.response_headers == [] and entry.response_body == b""
    assert store.search("timeout")[0].id == entry_id


def test_body_cap_records_the_cap_and_the_original_size(
    xdg: object, make_exchange: MakeExchange
) -> None:
    limits = HistoryLimits(max_entries=100, max_bytes=10_000_000, max_body_bytes=1000)
    big = b"x" * 5000
    with HistoryStore(limits=limits) as store:
        entry = store.get(
            store.record(make_exchange(method="PUT", body=big, response_body=big * 20)) or 0
        )
    assert entry.body_cap == 1000
    assert entry.request_body == b"x" * 1000 and entry.request_body_size == 5000
    assert entry.response_body == b"x" * 1000 and entry.response_body_size == 100_000
    assert entry.request_body_truncated and entry.response_body_truncated


def test_small_bodies_are_not_marked_truncated(xdg: object, make_exchange: MakeExchange) -> None:
    limits = HistoryLimits(max_entries=100, max_bytes=10_000_000, max_body_bytes=1000)
    with HistoryStore(limits=limits) as store:
        entry = store.get(store.record(make_exchange(response_body=b"y" * 1000)) or 0)
    assert entry.response_body == b"y" * 1000 and not entry.response_body_truncated


def test_get_unknown_id_names_it(store: HistoryStore) -> None:
    with pytest.raises(HistoryEntryNotFound, match="No history entry with id 42"):
        store.get(42)


def test_delete_clear_count(store: HistoryStore, make_exchange: MakeExchange) -> None:
    ids = [store.record(make_exchange(request_name=f"r{i}")) for i in range(5)]
    assert store.count() == 5
    assert store.delete(ids[1] or 0) is True
    assert store.delete(ids[1] or 0) is False
    assert store.count() == 4
    with pytest.raises(HistoryEntryNotFound):
        store.get(ids[1] or 0)
    assert store.clear() == 4
    assert store.count() == 0 and store.search() == [] and store.total_bytes() == 0
    # Ids are never reused, so an old id never points at a different request.
    assert store.record(make_exchange()) == 6
    assert store.check() == []


async def test_records_a_real_send(store: HistoryStore, http_server: str) -> None:
    pipeline = SendPipeline()
    try:
        prepared = PreparedRequest(
            "POST",
            f"{http_server}/echo?page=2",
            [("Content-Type", "application/json")],
            b'{"hello": "history"}',
        )
        exchange = await pipeline.send(prepared)
    finally:
        await pipeline.aclose()
    exchange.request_name = "Echo"
    entry = store.get(store.record(exchange) or 0)
    assert entry.method == "POST" and entry.url == f"{http_server}/echo?page=2"
    assert entry.status == 200 and entry.http_version == "HTTP/1.1"
    assert entry.request_body == b'{"hello": "history"}'
    assert b'"path": "/echo?page=2"' in entry.response_body
    assert entry.header("content-type", response=True) == "application/json"
    assert entry.total_ms > 0 and entry.headers_ms > 0
    assert [s.id for s in store.search("history")] == [entry.id]


async def test_recorder_writes_off_the_calling_thread(
    xdg: object, http_server: str, limits: HistoryLimits
) -> None:
    """The workspace announces each exchange; the recorder's thread writes it."""
    writer_threads: list[str] = []
    recorder = HistoryRecorder(
        limits=limits,
        on_recorded=lambda _id: writer_threads.append(threading.current_thread().name),
    )
    workspace = Workspace(Config(history=limits))
    workspace.on_exchange(recorder.listener(workspace.secret_values))
    request = Request(
        name="Echo it",
        method="POST",
        url=f"{http_server}/echo",
        params=[KeyValue("q", "1")],
        body=Body(kind=BodyKind.JSON, text='{"a": 1}'),
    )
    try:
        exchange, _ = await workspace.send(None, request)
    finally:
        await workspace.aclose()
    assert exchange.response is not None and exchange.response.status == 200
    assert recorder.flush(timeout=10)
    recorder.close()
    assert writer_threads == ["carman-history"]
    with HistoryStore() as store:
        [summary] = store.search()
        assert summary.request_name == "Echo it"
        assert summary.url == f"{http_server}/echo?q=1"


def test_recorder_reports_an_unusable_database(xdg: object, make_exchange: MakeExchange) -> None:
    path = paths.history_db()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not sqlite" * 10)
    errors: list[Exception] = []
    recorder = HistoryRecorder(on_error=errors.append)
    assert recorder.submit(make_exchange())
    assert recorder.flush(timeout=10)
    assert recorder.submit(make_exchange()) is False  # stops trying after the first failure
    recorder.close()
    assert len(errors) == 1 and "not a carman history database" in str(errors[0])


def test_history_off_when_max_entries_is_zero(xdg: object, make_exchange: MakeExchange) -> None:
    limits = HistoryLimits(max_entries=0)
    with HistoryStore(limits=limits) as store:
        assert store.record(make_exchange()) is None
        assert store.count() == 0


def test_one_store_shared_by_threads(store: HistoryStore, make_exchange: MakeExchange) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for n in range(20):
                store.record(make_exchange(request_name=f"w{worker}-{n}"))
                store.search(f"w{worker}")
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert store.count() == 80
    assert store.check() == []


def test_recorder_close_writes_what_is_queued(
    xdg: object, make_exchange: MakeExchange, limits: HistoryLimits
) -> None:
    recorder = HistoryRecorder(limits=limits)
    for n in range(30):
        assert recorder.submit(make_exchange(request_name=f"q{n}"))
    recorder.close(timeout=30)
    assert recorder.submit(make_exchange()) is False  # closed
    with HistoryStore() as store:
        assert store.count() == 30


def test_history_core_imports_no_ui_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tui.core.history, tui.core.history.store; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]; "
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo)
    assert done.returncode == 0, done.stdout + done.stderr
