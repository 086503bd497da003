"""Search: every field, as-you-type substrings, newest first, with and without FTS5."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange, TransportError
from tui.core.history import HistoryStore, fts5_trigram_available

MakeExchange = Callable[..., Exchange]

BACKENDS = [
    pytest.param(
        "fts5",
        marks=pytest.mark.skipif(not fts5_trigram_available(), reason="no FTS5 trigram here"),
    ),
    "like",
]


@pytest.fixture(params=BACKENDS)
def searchable(
    request: pytest.FixtureRequest,
    xdg: object,
    make_exchange: MakeExchange,
    timeout_error: TransportError,
) -> Iterator[tuple[HistoryStore, dict[str, int]]]:
    store = HistoryStore(limits=HistoryLimits(max_entries=1000), backend=request.param)
    assert store.backend == request.param
    ids = {
        "vehicles": store.record(
            make_exchange(
                url="https://api.smartcar.com/v2.0/vehicles",
                request_name="All Vehicles",
                collection="Smartcar API",
                environment="sandbox",
                response_body=b'{"vehicles": ["36ab27d0-fd9d-4455-823a-ce30af709ffc"]}',
            )
        ),
        "odometer": store.record(
            make_exchange(
                url="https://api.smartcar.com/v2.0/vehicles/36ab27d0/odometer",
                request_name="Odometer",
                response_body=b'{"distance": 104032.4}',
            )
        ),
        "lock": store.record(
            make_exchange(
                method="POST",
                url="https://api.smartcar.com/v2.0/vehicles/36ab27d0/security",
                headers=[("Content-Type", "application/json")],
                body=b'{"action": "LOCK"}',
                status=409,
                reason="Conflict",
                response_body=b'{"type": "VEHICLE_STATE", "code": "DOOR_OPEN"}',
                request_name="Lock doors",
            )
        ),
        "missing": store.record(
            make_exchange(
                url="https://api.example.com/nowhere_100%",
                request_name="back\\slash",
                status=404,
                reason="Not Found",
                response_body='{"message": "Ünïcode fährt nicht"}'.encode(),
            )
        ),
        "timeout": store.record(
            make_exchange(url="https://slow.example.org/wait", error=timeout_error)
        ),
    }
    try:
        yield store, {name: entry_id or 0 for name, entry_id in ids.items()}
    finally:
        store.close()


def _found(store: HistoryStore, text: str) -> list[int]:
    return [summary.id for summary in store.search(text)]


def test_empty_search_lists_everything_newest_first(searchable) -> None:  # type: ignore[no-untyped-def]
    store, ids = searchable
    assert _found(store, "") == sorted(ids.values(), reverse=True)
    assert _found(store, "   ") == sorted(ids.values(), reverse=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("odometer", ["odometer"]),  # URL
        ("ODOM", ["odometer"]),  # as you type, any case
        ("api.example.com/nowhere", ["missing"]),  # URL with punctuation
        ("POST", ["lock"]),  # method
        ("409", ["lock"]),  # status
        ("Not Found", ["missing"]),  # reason, two words
        ("timeout", ["timeout"]),  # transport error kind
        ("All Vehicles", ["vehicles"]),  # request name
        ("Lock doors", ["lock"]),
        ("sandbox", ["vehicles"]),  # environment
        ('"action"', ["lock"]),  # request body, with quotes
        ("DOOR_OPEN", ["lock"]),  # response body, with an underscore
        ("104032", ["odometer"]),
        ("fährt", ["missing"]),  # non-ASCII text
        ("100%", ["missing"]),  # LIKE wildcards are literal
        # ... and only an escaped wildcard tells these apart: unescaped, "%" and "_" match
        # any text and any character, and a lone backslash escapes the next letter.
        ("%%%", []),
        ("e_1", ["missing"]),
        ("h_r", []),  # "nowhere" has h-e-r, not "h_r"
        ("o_e", []),  # "odometer", "slow.example"
        ("k\\sl", ["missing"]),  # request name back\slash
        ("k\\s", ["missing"]),
        ("smartcar 36ab27d0", ["lock", "odometer", "vehicles"]),  # every word must match
        ("smartcar 404", []),
        ("nothing-like-this", []),
    ],
)
def test_search_each_field(searchable, text: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    store, ids = searchable
    assert _found(store, text) == sorted((ids[name] for name in expected), reverse=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PO", ["lock"]),  # short words: method ...
        ("40", ["missing", "lock"]),  # ... status ...
        ("or", ["timeout", "lock"]),  # ... URL (".org") and request name ("Lock doors")
        ("Lo", ["timeout", "lock"]),  # "slow.example.org", "Lock doors"
        ("od", ["odometer"]),
        ("ün", []),  # only in a body: short words do not search bodies
        ("s 409", ["lock"]),  # mixed short and long words
        ("%", ["missing"]),  # wildcards in short words are literal too
        ("_", ["missing"]),
        ("0%", ["missing"]),
        ("e_", ["missing"]),
        ("\\s", ["missing"]),
    ],
)
def test_short_words_match_the_summary_columns(searchable, text: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    store, ids = searchable
    assert _found(store, text) == [ids[name] for name in expected]


def test_limit_and_offset_page_through_results(searchable) -> None:  # type: ignore[no-untyped-def]
    store, ids = searchable
    newest_first = sorted(ids.values(), reverse=True)
    assert _found(store, "") == newest_first
    assert [s.id for s in store.search("", limit=2)] == newest_first[:2]
    assert [s.id for s in store.search("", limit=2, offset=2)] == newest_first[2:4]
    assert [s.id for s in store.search("https", limit=10, offset=4)] == newest_first[4:]


@pytest.mark.parametrize("text", ['"', "'", '"""', "AND OR NOT", "a*", "(", "NEAR(", "\\", "%_"])
def test_odd_input_never_errors(searchable, text: str) -> None:  # type: ignore[no-untyped-def]
    store, _ = searchable
    assert isinstance(store.search(text), list)


def test_deleted_entries_leave_the_index(searchable) -> None:  # type: ignore[no-untyped-def]
    store, ids = searchable
    store.delete(ids["odometer"])
    assert _found(store, "104032") == []
    assert store.check() == []


def test_populate_fills_a_searchable_store(xdg: object) -> None:
    from tui.core.history import populate

    with HistoryStore(limits=HistoryLimits(max_entries=10_000)) as store:
        populate(store, 1200)
        assert store.count() == 1200
        assert len(store.search("odometer", limit=50)) == 50
        assert store.search("", limit=1)[0].id == 1200
        assert store.check() == []
