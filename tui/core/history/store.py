"""The history store: record, search, get, delete, prune. One SQLite connection per store.

A store may be used from several threads (calls are serialised by a lock); to keep writes off
the UI thread use ``HistoryRecorder``, which owns a store on its own writer thread.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange
from tui.core.history import schema
from tui.core.history.model import (
    HistoryEntry,
    HistoryEntryNotFound,
    HistoryError,
    HistorySummary,
    headers_from_json,
)
from tui.core.history.record import entry_from_exchange
from tui.core.history.search_query import SearchTables, search_query
from tui.core.history.search_text import search_fields

SUMMARY_COLUMNS = (
    "id",
    "started_at",
    "environment",
    "collection",
    "request_name",
    "method",
    "url",
    "status",
    "reason",
    "total_ms",
    "response_body_size",
    "error_kind",
)
ENTRY_COLUMNS = (
    "started_at",
    "environment",
    "collection",
    "request_name",
    "method",
    "url",
    "status",
    "reason",
    "http_version",
    "total_ms",
    "headers_ms",
    "body_ms",
    "request_body_size",
    "response_body_size",
    "request_body_truncated",
    "response_body_truncated",
    "body_cap",
    "error_kind",
    "error_message",
    "error_detail",
    "refreshed_token",
    "stored_bytes",
    "checksum",
)
DATA_COLUMNS = (
    "request_headers",
    "request_body",
    "response_headers",
    "response_body",
    "template",
    "collection_id",
    "request_id",
)
BULK_CACHE_KIB = -64 * 1024  # negative: KiB, as PRAGMA cache_size takes it
SEARCH_TABLES = SearchTables(
    "entries",
    schema.FTS_TABLE,
    schema.LIKE_TABLE,
    ("e.url", "e.method", "CAST(e.status AS TEXT)", "e.request_name"),
)


class HistoryStore:
    def __init__(
        self,
        path: Path | None = None,
        limits: HistoryLimits | None = None,
        *,
        backend: str | None = None,
    ) -> None:
        """Open (create, migrate) the database now. Raises HistoryError when it cannot be used.

        ``backend`` forces the search index of a new database: "fts5" or "like".
        """
        self.path = Path(path) if path is not None else paths.history_db()
        self.limits = limits or HistoryLimits()
        self._lock = threading.RLock()
        self._conn = schema.open_database(self.path, backend=backend)
        self.backend = schema.search_backend(self._conn) or "like"

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, exc: sqlite3.Error) -> HistoryError:
        return HistoryError(f"History database {self.path}: {exc}")

    # -- writing ---------------------------------------------------------------------------
    def record(self, exchange: Exchange, secrets: Iterable[str] = ()) -> int | None:
        """Mask, cap and store one exchange in one transaction, then prune to the limits.

        Returns the new id, or None when history is off (``max_entries = 0``).
        """
        if self.limits.max_entries == 0:
            return None
        # Masking is pure CPU work: done before taking the lock or the database's write lock.
        entry = entry_from_exchange(
            exchange, secrets=secrets, max_body_bytes=self.limits.max_body_bytes
        )
        return self.add(entry)

    def add(self, entry: HistoryEntry) -> int:
        """Store an already-masked entry (from ``entry_from_exchange``) and prune."""
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    entry_id = self._insert(entry)
                    self._prune(newest=entry_id)
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return entry_id

    def add_many(self, entries: Sequence[HistoryEntry]) -> list[int]:
        """Store many entries in one transaction with ``executemany`` (fast bulk loading)."""
        if not entries:
            return []
        with self._lock:
            # A bigger page cache for the bulk load: the FTS index merges far less (~2x faster).
            cache = self._conn.execute("PRAGMA cache_size").fetchone()[0]
            self._conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
            try:
                with schema.transaction(self._conn):
                    ids = self._insert_many(entries)
                    self._prune(newest=ids[-1])
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
            finally:
                self._conn.execute(f"PRAGMA cache_size = {int(cache)}")
        return ids

    @staticmethod
    def _entry_values(entry: HistoryEntry) -> tuple[Any, ...]:
        checksum = entry.checksum or entry.compute_checksum()
        return (
            entry.started_at,
            entry.environment,
            entry.collection,
            entry.request_name,
            entry.method,
            entry.url,
            entry.status,
            entry.reason,
            entry.http_version,
            entry.total_ms,
            entry.headers_ms,
            entry.body_ms,
            entry.request_body_size,
            entry.response_body_size,
            int(entry.request_body_truncated),
            int(entry.response_body_truncated),
            entry.body_cap,
            entry.error_kind,
            entry.error_message,
            entry.error_detail,
            int(entry.refreshed_token),
            entry.stored_bytes,
            checksum,
        )

    @staticmethod
    def _data_values(entry_id: int, entry: HistoryEntry) -> tuple[Any, ...]:
        return (
            entry_id,
            entry.request_headers_json,
            entry.request_body,
            entry.response_headers_json,
            entry.response_body,
            entry.template,
            entry.collection_id,
            entry.request_id,
        )

    def _index_values(self, entry_id: int, entry: HistoryEntry) -> tuple[Any, ...]:
        fields = search_fields(entry)
        return (entry_id, *fields) if self.backend == "fts5" else (entry_id, "\n".join(fields))

    def _index_sql(self) -> str:
        if self.backend == "fts5":
            columns = ", ".join(schema.SEARCH_COLUMNS)
            return f"INSERT INTO {schema.FTS_TABLE} (rowid, {columns}) VALUES (?,?,?,?,?,?)"
        return f"INSERT INTO {schema.LIKE_TABLE} (id, text) VALUES (?, ?)"

    _INSERT_ENTRY = (
        f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)})"
        f" VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
    )
    _INSERT_ENTRY_WITH_ID = (
        f"INSERT INTO entries (id, {', '.join(ENTRY_COLUMNS)})"
        f" VALUES ({', '.join('?' * (len(ENTRY_COLUMNS) + 1))})"
    )
    _INSERT_DATA = (
        f"INSERT INTO entry_data (id, {', '.join(DATA_COLUMNS)})"
        f" VALUES ({', '.join('?' * (len(DATA_COLUMNS) + 1))})"
    )

    def _insert(self, entry: HistoryEntry) -> int:
        cursor = self._conn.execute(self._INSERT_ENTRY, self._entry_values(entry))
        entry_id = int(cursor.lastrowid or 0)
        self._conn.execute(self._INSERT_DATA, self._data_values(entry_id, entry))
        self._conn.execute(self._index_sql(), self._index_values(entry_id, entry))
        return entry_id

    def _insert_many(self, entries: Sequence[HistoryEntry]) -> list[int]:
        # Explicit ids so the three tables can be filled with executemany; AUTOINCREMENT's
        # counter still moves past them.
        row = self._conn.execute(
            "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'entries'), 0),"
            " coalesce((SELECT max(id) FROM entries), 0))"
        ).fetchone()
        first = int(row[0]) + 1
        ids = list(range(first, first + len(entries)))
        conn = self._conn
        conn.executemany(
            self._INSERT_ENTRY_WITH_ID,
            ((i, *self._entry_values(e)) for i, e in zip(ids, entries, strict=True)),
        )
        conn.executemany(
            self._INSERT_DATA, (self._data_values(i, e) for i, e in zip(ids, entries, strict=True))
        )
        conn.executemany(
            self._index_sql(),
            (self._index_values(i, e) for i, e in zip(ids, entries, strict=True)),
        )
        return ids

    def _prune(self, newest: int) -> int:
        """Delete the oldest entries beyond max_entries and max_bytes (never ``newest``).

        Triggers remove their data and index rows and keep the totals, in this transaction.
        """
        removed = 0
        count, total = self._totals()
        excess = count - max(self.limits.max_entries, 1)
        if excess > 0:
            removed += self._delete_oldest_ids(newest, excess)
            count, total = self._totals()
        if total > self.limits.max_bytes:
            over, cutoff = total - self.limits.max_bytes, None
            freed = 0
            rows = self._conn.execute(
                "SELECT id, stored_bytes FROM entries WHERE id < ? ORDER BY id", (newest,)
            )
            for entry_id, size in rows:
                freed += size
                cutoff = entry_id
                if freed >= over:
                    break
            rows.close()
            if cutoff is not None:
                cursor = self._conn.execute("DELETE FROM entries WHERE id <= ?", (cutoff,))
                removed += cursor.rowcount
        return removed

    def _delete_oldest_ids(self, newest: int, how_many: int) -> int:
        cursor = self._conn.execute(
            "DELETE FROM entries WHERE id IN"
            " (SELECT id FROM entries WHERE id < ? ORDER BY id LIMIT ?)",
            (newest, how_many),
        )
        return cursor.rowcount

    def _totals(self) -> tuple[int, int]:
        row = self._conn.execute("SELECT entries, bytes FROM stats WHERE id = 1").fetchone()
        return int(row[0]), int(row[1])

    def prune(self) -> int:
        """Apply the limits now (e.g. after they were lowered); return how many were removed."""
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    row = self._conn.execute("SELECT max(id) FROM entries").fetchone()
                    if row[0] is None:
                        return 0
                    return self._prune(newest=int(row[0]))
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc

    def delete(self, entry_id: int) -> bool:
        """Delete one entry; False when there was none with that id."""
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    cursor = self._conn.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return cursor.rowcount > 0

    def clear(self) -> int:
        """Delete every entry; return how many there were. Ids keep counting up."""
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    count, _ = self._totals()
                    # Emptying the index first makes the per-row trigger deletes cheap.
                    if self.backend == "fts5":
                        self._conn.execute(f"DROP TABLE {schema.FTS_TABLE}")
                        schema.create_fts_table(self._conn)
                    else:
                        self._conn.execute(f"DELETE FROM {schema.LIKE_TABLE}")
                    self._conn.execute("DELETE FROM entries")
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return count

    # -- reading ---------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return self._totals()[0]

    def total_bytes(self) -> int:
        """The stored size the ``max_bytes`` limit applies to (URLs, headers and bodies)."""
        with self._lock:
            return self._totals()[1]

    def search(self, text: str = "", limit: int = 100, offset: int = 0) -> list[HistorySummary]:
        """Entries matching every word of ``text``, newest first.

        A word matches as a case-insensitive substring of the URL, method, status, request
        name (or collection, environment) or the request and response bodies. Words shorter
        than three characters match the URL, method, status and request name only.
        """
        columns = ", ".join(f"e.{c}" for c in SUMMARY_COLUMNS)
        sql, params = search_query(
            text, SEARCH_TABLES, columns, self.backend, limit=limit, offset=offset
        )
        with self._lock:
            try:
                rows = self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return [HistorySummary(*row) for row in rows]

    def get(self, entry_id: int) -> HistoryEntry:
        """The full entry; raises HistoryEntryNotFound."""
        columns = ", ".join([*(f"e.{c}" for c in ENTRY_COLUMNS), *(f"d.{c}" for c in DATA_COLUMNS)])
        with self._lock:
            row = self._conn.execute(
                f"SELECT {columns} FROM entries e JOIN entry_data d ON d.id = e.id WHERE e.id = ?",
                (entry_id,),
            ).fetchone()
        if row is None:
            raise HistoryEntryNotFound(entry_id)
        return _entry_from_row(entry_id, row)

    def ids(self) -> tuple[int, int] | None:
        """The oldest and newest id stored, or None when empty (for "ids run from" messages)."""
        with self._lock:
            row = self._conn.execute("SELECT min(id), max(id) FROM entries").fetchone()
        return None if row[0] is None else (int(row[0]), int(row[1]))

    # -- checking --------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Problems found in the database (empty when sound): SQLite's integrity check, the
        search index, the running totals, and every entry complete in every table and matching
        its checksum."""
        problems: list[str] = []
        with self._lock:
            conn = self._conn
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems += [f"integrity_check: {line}" for line in result]
            if self.backend == "fts5":
                try:
                    conn.execute(
                        f"INSERT INTO {schema.FTS_TABLE} ({schema.FTS_TABLE})"
                        " VALUES ('integrity-check')"
                    )
                except sqlite3.Error as exc:
                    problems.append(f"search index: {exc}")
                index_ids = f"SELECT rowid FROM {schema.FTS_TABLE}"
            else:
                index_ids = f"SELECT id FROM {schema.LIKE_TABLE}"
            count, total = self._totals()
            actual = conn.execute("SELECT count(*), coalesce(sum(stored_bytes), 0) FROM entries")
            real_count, real_total = actual.fetchone()
            if (count, total) != (real_count, real_total):
                problems.append(
                    f"totals say {count} entries / {total} bytes, tables hold "
                    f"{real_count} / {real_total}"
                )
            entry_ids, data_ids = "SELECT id FROM entries", "SELECT id FROM entry_data"
            for label, sql in (
                ("entries without data", f"{entry_ids} EXCEPT {data_ids}"),
                ("data without an entry", f"{data_ids} EXCEPT {entry_ids}"),
                ("entries not indexed", f"{entry_ids} EXCEPT {index_ids}"),
                ("index rows without an entry", f"{index_ids} EXCEPT {entry_ids}"),
            ):
                orphans = [row[0] for row in conn.execute(sql)]
                if orphans:
                    problems.append(f"{label}: {orphans[:10]}")
            columns = ", ".join(
                ["e.id", *(f"e.{c}" for c in ENTRY_COLUMNS), *(f"d.{c}" for c in DATA_COLUMNS)]
            )
            rows = conn.execute(
                f"SELECT {columns} FROM entries e JOIN entry_data d ON d.id = e.id ORDER BY e.id"
            )
            for row in rows:
                entry = _entry_from_row(int(row[0]), row[1:])
                if entry.compute_checksum() != entry.checksum:
                    problems.append(f"entry {entry.id}: checksum mismatch")
        return problems


def _entry_from_row(entry_id: int, row: Sequence[Any]) -> HistoryEntry:
    values = dict(zip((*ENTRY_COLUMNS, *DATA_COLUMNS), row, strict=True))
    values.pop("stored_bytes")
    for name in ("request_body_truncated", "response_body_truncated", "refreshed_token"):
        values[name] = bool(values[name])
    for name in ("request_body", "response_body"):
        values[name] = bytes(values[name])
    for name in ("request_headers", "response_headers"):
        values[name] = headers_from_json(values[name])
    return HistoryEntry(id=entry_id, **values)
