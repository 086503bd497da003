"""The database file: modes, WAL, schema versions, migrations, refusing what is not ours."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core import paths
from tui.core.exchange import Exchange
from tui.core.history import LATEST_VERSION, HistoryError, HistoryStore, entry_from_exchange, schema
from tui.core.history.store import DATA_COLUMNS, ENTRY_COLUMNS

MakeExchange = Callable[..., Exchange]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_files_are_private_and_in_wal_mode(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    store.record(make_exchange())
    path = store.path
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        assert name.exists(), name
        assert _mode(name) == 0o600, f"{name} is {oct(_mode(name))}"
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    finally:
        raw.close()


def test_a_too_open_file_is_tightened(xdg: object) -> None:
    with HistoryStore() as store:
        path = store.path
    path.chmod(0o644)
    with HistoryStore():
        assert _mode(path) == 0o600


def test_migration_steps_are_recorded(store: HistoryStore) -> None:
    raw = sqlite3.connect(store.path)
    try:
        steps = raw.execute("SELECT version, description FROM schema_migrations").fetchall()
    finally:
        raw.close()
    assert [version for version, _ in steps] == list(range(1, LATEST_VERSION + 1))
    assert all(description for _, description in steps)


def _newer(path: Path, version: int) -> None:
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {version}")
    raw.close()


def test_a_newer_schema_is_refused_and_left_byte_identical(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    store.record(make_exchange())
    store.close()
    path = store.path
    _newer(path, LATEST_VERSION + 1)
    before = _files(path.parent)
    with pytest.raises(HistoryError) as raised:
        HistoryStore(path)
    message = str(raised.value)
    assert str(path) in message
    assert f"schema version {LATEST_VERSION + 1}" in message
    assert "newer carman" in message and "left untouched" in message
    assert _files(path.parent) == before  # same files, same bytes; no -wal or -shm made


def test_a_newer_schema_still_in_the_wal_is_refused(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    """The version change is committed but not checkpointed: the file header is stale."""
    store.record(make_exchange())
    store.close()
    path = store.path
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute(f"PRAGMA user_version = {LATEST_VERSION + 7}")
        main_before = path.read_bytes()
        assert Path(f"{path}-wal").exists()
        with pytest.raises(HistoryError, match=f"schema version {LATEST_VERSION + 7}"):
            HistoryStore(path)
        assert path.read_bytes() == main_before
    finally:
        other.close()


def test_a_file_that_is_not_sqlite_is_refused_untouched(xdg: object) -> None:
    path = paths.history_db()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database\n" * 20)
    before = _files(path.parent)
    with pytest.raises(HistoryError, match="is not a carman history database"):
        HistoryStore()
    assert _files(path.parent) == before


def test_someone_elses_sqlite_file_is_refused(xdg: object) -> None:
    path = paths.history_db()
    path.parent.mkdir(parents=True)
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE recipes (name TEXT)")
    raw.commit()
    raw.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="other tables: recipes"):
        HistoryStore()
    assert path.read_bytes() == before


@pytest.mark.parametrize("backend", ["fts5", "like"])
def test_migrates_a_version_1_database(
    xdg: object, make_exchange: MakeExchange, backend: str
) -> None:
    if backend == "fts5" and not schema.fts5_trigram_available():
        pytest.skip("no FTS5 trigram here")
    path = paths.history_db()
    # A database as version 1 left it: entries and their data, no search index.
    conn = schema.open_database(path, target=1)
    entry = entry_from_exchange(
        make_exchange(
            url="https://api.smartcar.com/v2.0/vehicles/v1/odometer",
            response_body=b'{"distance": 424242.5}',
            request_name="Old odometer",
        ),
        max_body_bytes=1 << 20,
    )
    with schema.transaction(conn):
        entry_id = conn.execute(
            f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})",
            HistoryStore._entry_values(entry),
        ).lastrowid
        v1_data = DATA_COLUMNS[:4]  # version 1 had headers and bodies only
        conn.execute(
            f"INSERT INTO entry_data (id, {', '.join(v1_data)}) VALUES (?, ?, ?, ?, ?)",
            HistoryStore._data_values(entry_id or 0, entry)[:5],
        )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert schema.search_backend(conn) is None
    conn.close()

    with HistoryStore(path, backend=backend) as store:
        assert store.backend == backend
        assert [s.id for s in store.search("424242")] == [entry_id]  # indexed by the migration
        assert store.get(entry_id or 0).request_name == "Old odometer"
        assert store.check() == []
        new_id = store.record(make_exchange(request_name="New"))
        assert [s.id for s in store.search("")] == [new_id, entry_id]
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        versions = [v for (v,) in raw.execute("SELECT version FROM schema_migrations")]
        assert versions == list(range(1, LATEST_VERSION + 1))
    finally:
        raw.close()


def test_reopening_does_not_migrate_again(store: HistoryStore, make_exchange: MakeExchange) -> None:
    store.record(make_exchange())
    store.close()
    with HistoryStore(store.path) as again:
        assert again.count() == 1
    raw = sqlite3.connect(store.path)
    try:
        assert raw.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == LATEST_VERSION
    finally:
        raw.close()


def test_two_stores_in_one_process_see_each_other(
    store: HistoryStore, make_exchange: MakeExchange
) -> None:
    with HistoryStore(store.path) as other:
        other.record(make_exchange(request_name="from the other connection"))
        assert store.search("other connection")[0].request_name == "from the other connection"


@pytest.mark.parametrize("backend", ["fts5", "like"])
def test_a_fully_built_database_has_nothing_foreign(xdg: object, backend: str) -> None:
    """Another process's finished migration seen mid-check must never look like someone
    else's tables (its triggers and search index included)."""
    path = paths.history_db()
    schema.open_database(path, backend=backend).close()
    conn = sqlite3.connect(path)
    try:
        assert schema._strangers(conn) == set()
    finally:
        conn.close()


def test_opening_waits_for_another_process_creating_the_same_database(xdg: object) -> None:
    # Two carman processes started together: while one holds its write lock on the new file,
    # SQLite refuses the other's switch to WAL at once ("database is locked") rather than
    # waiting; the opening must wait for the lock instead of failing.
    import threading

    path = paths.history_db()
    path.parent.mkdir(parents=True, exist_ok=True)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the other process, in the middle of creating it
    released = threading.Event()

    def finish_later() -> None:
        released.wait(0.3)
        other.execute("COMMIT")
        other.close()

    finisher = threading.Thread(target=finish_later)
    finisher.start()
    try:
        conn = schema.open_database(path)
    finally:
        released.set()
        finisher.join()
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    finally:
        conn.close()
