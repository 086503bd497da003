"""Bodies above [response] max_in_memory_bytes: kept in a 0600 temporary file by the send
pipeline, read back whole only on request, recorded in history cut to its cap (and marked so),
and deleted when asked or when the response is dropped."""

from __future__ import annotations

import gc
import json
import stat
from pathlib import Path

from tests.core.test_send import _prepared
from tui.cli.history import _entry_text
from tui.core import paths
from tui.core.body_spool import SpilledBody
from tui.core.config import DEFAULT_MAX_IN_MEMORY_BYTES, HistoryLimits, load_config
from tui.core.history import HistoryStore, entry_from_exchange
from tui.core.send import SendPipeline


async def _send(url: str, limit: int | None, items: str = "5000"):  # type: ignore[no-untyped-def]
    pipeline = SendPipeline(max_in_memory_bytes=limit)
    try:
        return await pipeline.send(_big(url, items))
    finally:
        await pipeline.aclose()


def _big(url: str, items: str):  # type: ignore[no-untyped-def]
    from tui.core.model import KeyValue

    return _prepared(f"{url}/big", headers=[KeyValue("X-Items", items)])


async def test_a_body_above_the_limit_is_kept_on_disk(http_server: str) -> None:
    exchange = await _send(http_server, limit=10_000)
    response = exchange.response
    assert response is not None and response.spilled is not None
    spilled = response.spilled
    assert stat.S_IMODE(spilled.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(spilled.folder.stat().st_mode) == 0o700
    whole = spilled.path.read_bytes()
    assert len(whole) > 10_000 and response.size == len(whole) == exchange.response_size
    assert response.body == whole  # read from the file when asked for
    assert response.head(12) == whole[:12]
    assert len(json.loads(whole)["items"]) == 5000 == len(response.json()["items"])
    folder = spilled.folder
    del exchange, response, spilled
    gc.collect()
    assert not folder.exists()  # dropped with its response


async def test_a_body_within_the_limit_stays_in_memory(http_server: str) -> None:
    exchange = await _send(http_server, limit=10_000_000)
    assert exchange.response is not None and exchange.response.spilled is None
    assert len(json.loads(exchange.response.body)["items"]) == 5000
    unlimited = await _send(http_server, limit=None)
    assert unlimited.response is not None and unlimited.response.spilled is None


def test_removing_deletes_the_file_but_a_holder_can_still_read() -> None:
    spilled = SpilledBody()
    spilled.write(b"hello ")
    spilled.write(b"world")
    spilled.finish()
    spilled.remove()
    assert spilled.removed and not spilled.path.exists()
    assert spilled.read() == b"hello world" and spilled.head(5) == b"hello"


async def test_history_stores_a_spilled_body_cut_and_says_so(xdg: Path, http_server: str) -> None:
    exchange = await _send(http_server, limit=10_000, items="20000")
    response = exchange.response
    assert response is not None and response.spilled is not None
    cap = 50_000
    entry = entry_from_exchange(exchange, max_body_bytes=cap)
    assert entry.response_body_truncated and len(entry.response_body) <= cap
    assert entry.response_body_size == response.size > cap
    assert response.body.startswith(entry.response_body)
    with HistoryStore(limits=HistoryLimits(max_body_bytes=cap)) as store:
        entry_id = store.record(exchange)
        assert entry_id is not None
        stored = store.get(entry_id)
    assert stored is not None and stored.response_body_truncated
    assert stored.response_body_size == response.size
    text = _entry_text(stored)
    assert f"it was {response.size} bytes" in text and "body cut at" in text


def test_the_limit_comes_from_config_toml(xdg: Path) -> None:
    assert load_config().response.max_in_memory_bytes == DEFAULT_MAX_IN_MEMORY_BYTES
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[response]\nmax_in_memory_bytes = 1234\n")
    assert load_config().response.max_in_memory_bytes == 1234
    config.write_text('[response]\nmax_in_memory_bytes = "lots"\n')
    loaded = load_config()
    assert loaded.response.max_in_memory_bytes == DEFAULT_MAX_IN_MEMORY_BYTES
    assert any("response.max_in_memory_bytes" in issue.message for issue in loaded.issues)
