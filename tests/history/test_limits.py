"""Limits from config.toml: the oldest entries go first, by count and by bytes."""

from __future__ import annotations

from collections.abc import Callable

from tui.core.config import HistoryLimits, load_config
from tui.core.exchange import Exchange
from tui.core.history import HistoryStore, entry_from_exchange

MakeExchange = Callable[..., Exchange]


def _names(store: HistoryStore) -> list[str]:
    return [s.request_name for s in store.search(limit=1000)]


def test_prunes_the_oldest_beyond_max_entries(xdg: object, make_exchange: MakeExchange) -> None:
    with HistoryStore(limits=HistoryLimits(max_entries=3)) as store:
        for i in range(7):
            store.record(make_exchange(request_name=f"r{i}"))
        assert store.count() == 3
        assert _names(store) == ["r6", "r5", "r4"]
        assert store.check() == []


def test_prunes_the_oldest_beyond_max_bytes(xdg: object, make_exchange: MakeExchange) -> None:
    body = b"b" * 10_000
    one = entry_from_exchange(make_exchange(response_body=body), max_body_bytes=1 << 20)
    # Room for three such entries, not four.
    limits = HistoryLimits(max_entries=100, max_bytes=one.stored_bytes * 3 + 100)
    with HistoryStore(limits=limits) as store:
        for i in range(6):
            store.record(make_exchange(response_body=body, request_name=f"r{i}"))
            assert store.total_bytes() <= limits.max_bytes
        assert _names(store) == ["r5", "r4", "r3"]
        assert store.check() == []


def test_the_newest_entry_is_kept_even_when_alone_it_is_too_big(
    xdg: object, make_exchange: MakeExchange
) -> None:
    limits = HistoryLimits(max_entries=100, max_bytes=1_000, max_body_bytes=50_000)
    with HistoryStore(limits=limits) as store:
        store.record(make_exchange(request_name="small"))
        store.record(make_exchange(response_body=b"z" * 40_000, request_name="big"))
        assert _names(store) == ["big"]


def test_prune_applies_lowered_limits(xdg: object, make_exchange: MakeExchange) -> None:
    with HistoryStore(limits=HistoryLimits(max_entries=50)) as store:
        for i in range(10):
            store.record(make_exchange(request_name=f"r{i}"))
        store.limits = HistoryLimits(max_entries=4)
        assert store.prune() == 6
        assert _names(store) == ["r9", "r8", "r7", "r6"]


def test_limits_come_from_config_toml(xdg: object, make_exchange: MakeExchange) -> None:
    from tui.core import paths

    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text(
        "[history]\nmax_entries = 2\nmax_bytes = 1000000\nmax_body_bytes = 10\n"
    )
    limits = load_config().history
    with HistoryStore(limits=limits) as store:
        for i in range(3):
            store.record(make_exchange(response_body=b"0123456789abcdef", request_name=f"r{i}"))
        assert store.count() == 2
        entry = store.get(store.search(limit=1)[0].id)
        assert entry.body_cap == 10 and entry.response_body == b"0123456789"


def test_bulk_insert_prunes_too(xdg: object) -> None:
    from tui.core.history import populate

    with HistoryStore(limits=HistoryLimits(max_entries=100)) as store:
        populate(store, 250)
        assert store.count() == 100
        assert store.search("", limit=1)[0].id == 250
        assert store.check() == []
