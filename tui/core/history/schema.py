"""Opening the history database: file modes, the schema version and its migrations.

``PRAGMA user_version`` holds the schema version; ``schema_migrations`` records when each step
ran. A database from a newer carman is refused before anything writes to it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tui.core.history.model import HistoryError
from tui.core.history.search_text import search_fields_of_row

BUSY_TIMEOUT_S = 10.0  # another carman writing: wait for it rather than fail
WAL_RETRY_S = 0.02
SQLITE_MAGIC = b"SQLite format 3\x00"
FTS_TABLE = "entries_fts"
LIKE_TABLE = "entries_search"
SEARCH_COLUMNS = ("url", "method", "status", "name", "body")
# Webhook deliveries (v4): their own search index, of the same kind as the entries'.
WEBHOOK_FTS_TABLE = "webhook_fts"
WEBHOOK_LIKE_TABLE = "webhook_search"


@cache
def fts5_trigram_available() -> bool:
    """FTS5 with the trigram tokenizer (SQLite >= 3.34): substring search that uses an index."""
    try:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='trigram')")
        finally:
            probe.close()
    except sqlite3.Error:
        return False
    return True


# ---- migrations ----------------------------------------------------------------------------


def _v1_tables(conn: sqlite3.Connection, backend: str) -> None:
    # Summaries stay small so listing and short-term filtering never read headers or bodies.
    conn.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so an id keeps its meaning
            started_at REAL NOT NULL,
            environment TEXT NOT NULL DEFAULT '',
            collection TEXT NOT NULL DEFAULT '',
            request_name TEXT NOT NULL DEFAULT '',
            method TEXT NOT NULL,
            url TEXT NOT NULL,
            status INTEGER,
            reason TEXT NOT NULL DEFAULT '',
            http_version TEXT NOT NULL DEFAULT '',
            total_ms REAL NOT NULL DEFAULT 0,
            headers_ms REAL NOT NULL DEFAULT 0,
            body_ms REAL NOT NULL DEFAULT 0,
            request_body_size INTEGER NOT NULL DEFAULT 0,
            response_body_size INTEGER NOT NULL DEFAULT 0,
            request_body_truncated INTEGER NOT NULL DEFAULT 0,
            response_body_truncated INTEGER NOT NULL DEFAULT 0,
            body_cap INTEGER NOT NULL,
            error_kind TEXT NOT NULL DEFAULT '',
            error_message TEXT NOT NULL DEFAULT '',
            error_detail TEXT NOT NULL DEFAULT '',
            refreshed_token INTEGER NOT NULL DEFAULT 0,
            stored_bytes INTEGER NOT NULL,
            checksum TEXT NOT NULL
        )
        """
    )
    conn.execute(
        """
        CREATE TABLE entry_data (
            id INTEGER PRIMARY KEY,
            request_headers TEXT NOT NULL,
            request_body BLOB NOT NULL,
            response_headers TEXT NOT NULL,
            response_body BLOB NOT NULL
        )
        """
    )
    # Running totals, kept by triggers in the same transaction: count() and the byte limit
    # never scan 100,000 rows.
    conn.execute(
        """
        CREATE TABLE stats (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            entries INTEGER NOT NULL,
            bytes INTEGER NOT NULL
        )
        """
    )
    conn.execute("INSERT INTO stats (id, entries, bytes) VALUES (1, 0, 0)")
    conn.execute(
        """
        CREATE TRIGGER entries_insert AFTER INSERT ON entries BEGIN
            UPDATE stats SET entries = entries + 1, bytes = bytes + new.stored_bytes
            WHERE id = 1;
        END
        """
    )
    conn.execute(
        """
        CREATE TRIGGER entries_delete AFTER DELETE ON entries BEGIN
            UPDATE stats SET entries = entries - 1, bytes = bytes - old.stored_bytes
            WHERE id = 1;
            DELETE FROM entry_data WHERE id = old.id;
        END
        """
    )


def create_fts_table(conn: sqlite3.Connection) -> None:
    # trigram: case-insensitive substring matching, so "odom" finds ".../odometer".
    conn.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
        f"{', '.join(SEARCH_COLUMNS)}, tokenize='trigram')"
    )


def _v2_search(conn: sqlite3.Connection, backend: str) -> None:
    if backend == "fts5":
        create_fts_table(conn)
        conn.execute(
            f"""
            CREATE TRIGGER entries_unindex AFTER DELETE ON entries BEGIN
                DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
            END
            """
        )
        insert = (
            f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(SEARCH_COLUMNS)}) VALUES (?,?,?,?,?,?)"
        )
    else:
        conn.execute(f"CREATE TABLE {LIKE_TABLE} (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        conn.execute(
            f"""
            CREATE TRIGGER entries_unindex AFTER DELETE ON entries BEGIN
                DELETE FROM {LIKE_TABLE} WHERE id = old.id;
            END
            """
        )
        insert = f"INSERT INTO {LIKE_TABLE} (id, text) VALUES (?, ?)"
    rows = conn.execute(
        "SELECT e.id, e.url, e.method, e.status, e.reason, e.error_kind, e.request_name,"
        " e.collection, e.environment, d.request_body, d.response_body"
        " FROM entries e JOIN entry_data d ON d.id = e.id"
    )
    for row in rows:
        fields = search_fields_of_row(row[1:])
        values = (row[0], *fields) if backend == "fts5" else (row[0], "\n".join(fields))
        conn.execute(insert, values)


def _v3_templates(conn: sqlite3.Connection, backend: str) -> None:
    # Kept beside the bodies: listing never reads them. Old entries get "" (no template).
    for column in ("template", "collection_id", "request_id"):
        conn.execute(f"ALTER TABLE entry_data ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


def create_webhook_fts_table(conn: sqlite3.Connection) -> None:
    conn.execute(f"CREATE VIRTUAL TABLE {WEBHOOK_FTS_TABLE} USING fts5(text, tokenize='trigram')")


def _v4_webhooks(conn: sqlite3.Connection, backend: str) -> None:
    # One row per event (Smartcar's eventId): retries of it are more deliveries of the same
    # row, so the list shows one line with a retry count. A request without an eventId (junk,
    # a wrong path) is an event of its own. Deliveries of one eventId are grouped only with
    # the same signature state: a forged copy never joins, or vouches for, a signed event.
    conn.execute(
        """
        CREATE TABLE webhook_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            environment TEXT NOT NULL DEFAULT '',
            event_id TEXT NOT NULL DEFAULT '',
            event_type TEXT NOT NULL DEFAULT '',
            signature TEXT NOT NULL,  -- valid / invalid / unsigned / unchecked
            first_received_at REAL NOT NULL,
            last_received_at REAL NOT NULL,
            deliveries INTEGER NOT NULL DEFAULT 1,
            status INTEGER NOT NULL,  -- carman's answer to the latest delivery
            problem TEXT NOT NULL DEFAULT '',
            vehicle_id TEXT NOT NULL DEFAULT '',
            vehicle_make TEXT NOT NULL DEFAULT '',
            vehicle_model TEXT NOT NULL DEFAULT '',
            vehicle_year INTEGER,
            user_id TEXT NOT NULL DEFAULT '',
            webhook_id TEXT NOT NULL DEFAULT '',
            webhook_name TEXT NOT NULL DEFAULT '',
            mode TEXT NOT NULL DEFAULT ''
        )
        """
    )
    conn.execute(
        "CREATE UNIQUE INDEX webhook_events_retries"
        " ON webhook_events (environment, event_id, signature) WHERE event_id != ''"
    )
    # Every HTTP request the receiver answered, headers and body as received (secrets masked).
    conn.execute(
        """
        CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            event INTEGER NOT NULL,
            received_at REAL NOT NULL,
            delivery_id TEXT NOT NULL DEFAULT '',
            remote TEXT NOT NULL DEFAULT '',
            method TEXT NOT NULL DEFAULT '',
            target TEXT NOT NULL DEFAULT '',
            status INTEGER NOT NULL,
            signature TEXT NOT NULL,
            problem TEXT NOT NULL DEFAULT '',
            headers TEXT NOT NULL,
            body BLOB NOT NULL,
            body_size INTEGER NOT NULL,
            body_truncated INTEGER NOT NULL DEFAULT 0,
            answer BLOB NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event)")
    # An existing database keeps the kind of index its entries have.
    chosen = search_backend(conn) or backend
    if chosen == "fts5":
        create_webhook_fts_table(conn)
        unindex = f"DELETE FROM {WEBHOOK_FTS_TABLE} WHERE rowid = old.id;"
    else:
        conn.execute(
            f"CREATE TABLE {WEBHOOK_LIKE_TABLE} (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"
        )
        unindex = f"DELETE FROM {WEBHOOK_LIKE_TABLE} WHERE id = old.id;"
    conn.execute(
        f"""
        CREATE TRIGGER webhook_events_delete AFTER DELETE ON webhook_events BEGIN
            DELETE FROM webhook_deliveries WHERE event = old.id;
            {unindex}
        END
        """
    )


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection, str], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "entries, entry data and running totals", _v1_tables),
    Migration(2, "search index (FTS5 trigram, or a LIKE table without FTS5)", _v2_search),
    Migration(3, "request templates: what each request was, beside what was sent", _v3_templates),
    Migration(4, "webhook events and deliveries, and their search index", _v4_webhooks),
)
LATEST_VERSION = MIGRATIONS[-1].version
OUR_TABLES = frozenset(
    {
        "entries",
        "entry_data",
        "stats",
        "schema_migrations",
        "sqlite_sequence",
        "webhook_events",
        "webhook_deliveries",
    }
)
OUR_TRIGGERS = frozenset(
    {"entries_insert", "entries_delete", "entries_unindex", "webhook_events_delete"}
)
OUR_INDEXES = frozenset({"webhook_events_retries", "webhook_deliveries_event"})


def _newer_error(path: Path, found: int) -> HistoryError:
    return HistoryError(
        f"{path} was written by a newer carman (history schema version {found}; this carman "
        f"reads up to version {LATEST_VERSION}). It was left untouched: upgrade carman, or move "
        "the file away to start a new history."
    )


def _not_ours(path: Path, why: str) -> HistoryError:
    return HistoryError(
        f"{path} is not a carman history database ({why}). It was left untouched: move it away "
        "to start a new history."
    )


def _header_version(path: Path) -> int | None:
    """The schema version from the file header, without opening it through SQLite."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    if not header:
        return None  # an empty file: a database we pre-created and never wrote
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise _not_ours(path, "not an SQLite file")
    return int.from_bytes(header[60:64], "big", signed=True)


def _read_only(path: Path) -> sqlite3.Connection:
    # mode=ro: nothing written, and the -wal is neither checkpointed nor removed on close.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)


def _strangers(conn: sqlite3.Connection) -> set[str]:
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return {n for n in names if not n.startswith("sqlite_") and not _is_ours(n)}


def _is_ours(name: str) -> bool:
    """Tables, triggers and FTS shadow tables that carman's migrations create."""
    return (
        name in OUR_TABLES
        or name in OUR_TRIGGERS
        or name in OUR_INDEXES
        or name.startswith((FTS_TABLE, LIKE_TABLE, WEBHOOK_FTS_TABLE, WEBHOOK_LIKE_TABLE))
    )


def preflight(path: Path) -> None:
    """Raise HistoryError, writing nothing, when ``path`` belongs to a newer schema or is not a
    carman history database at all."""
    version = _header_version(path)
    if version is None:
        return
    if version > LATEST_VERSION:
        raise _newer_error(path, version)
    if version > 0 and not Path(f"{path}-wal").exists():
        return  # the header is current: ours, and not newer
    try:
        conn = _read_only(path)
        try:
            # With a -wal file the header may be stale: SQLite reads the committed version.
            # One read transaction: the version and the tables come from the same snapshot, or
            # another process's migration committing in between makes its tables look foreign.
            conn.execute("BEGIN")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            strangers = _strangers(conn) if version == 0 else set()
            conn.execute("COMMIT")
        finally:
            conn.close()
    except sqlite3.OperationalError:
        # Busy, or a WAL that needs recovery, which a read-only connection may not run: let
        # the real connection decide (migrate() checks the version again, under the lock).
        return
    except sqlite3.DatabaseError as exc:
        raise _not_ours(path, f"SQLite says: {exc}") from exc
    if version > LATEST_VERSION:
        raise _newer_error(path, version)
    if strangers:
        raise _not_ours(path, f"it has other tables: {', '.join(sorted(strangers))}")


def _create_private(path: Path) -> None:
    # Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the mode of
    # the database file, so they are born 0600 as well.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    tighten_modes(path)


def tighten_modes(path: Path) -> None:
    """0600 for the database and its -wal/-shm files (a file made by an older build, too)."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(FileNotFoundError):
            if os.stat(name).st_mode & 0o777 != 0o600:
                os.chmod(name, 0o600)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT: the write lock up front, so two writers queue on
    busy_timeout instead of deadlocking on a lock upgrade; everything or nothing lands."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, path: Path, target: int = LATEST_VERSION, backend: str = "fts5"
) -> int:
    """Bring the database up to ``target``, each step recorded; return the version reached."""
    if _user_version(conn) >= target:
        version = _user_version(conn)
        if version > LATEST_VERSION:
            raise _newer_error(path, version)
        return version
    with transaction(conn):
        version = _user_version(conn)  # another process may have migrated meanwhile
        if version > LATEST_VERSION:
            raise _newer_error(path, version)
        if version == 0:
            strangers = _strangers(conn)
            if strangers:
                raise _not_ours(path, f"it has other tables: {', '.join(sorted(strangers))}")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at REAL NOT NULL)"
            )
        for step in MIGRATIONS:
            if version < step.version <= target:
                step.apply(conn, backend)
                conn.execute(
                    "INSERT INTO schema_migrations (version, description, applied_at)"
                    " VALUES (?, ?, ?)",
                    (step.version, step.description, time.time()),
                )
                version = step.version
        conn.execute(f"PRAGMA user_version = {int(version)}")
    return version


def search_backend(conn: sqlite3.Connection) -> str | None:
    """Which search index this database has: "fts5", "like", or None (not migrated yet)."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if FTS_TABLE in names:
        return "fts5"
    if LIKE_TABLE in names:
        return "like"
    return None


def _switch_to_wal(conn: sqlite3.Connection) -> str:
    """``PRAGMA journal_mode=WAL``, waiting out another process that is creating the same new
    database: while it holds its write lock SQLite refuses the switch at once ("database is
    locked") instead of calling the busy handler, so two carman processes started together
    made one of them fail."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(WAL_RETRY_S)


def open_database(
    path: Path, *, target: int = LATEST_VERSION, backend: str | None = None
) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the history database at ``path``.

    ``backend`` forces the search index of a new database ("fts5" or "like"); by default FTS5
    is used when this SQLite has it. Raises HistoryError naming the file and the problem.
    """
    preflight(path)
    _create_private(path)
    chosen = backend or ("fts5" if fts5_trigram_available() else "like")
    try:
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE), not the module's.
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise HistoryError(f"Cannot open the history database {path}: {exc}") from exc
    try:
        mode = _switch_to_wal(conn)
        if str(mode).lower() != "wal":
            raise HistoryError(f"Cannot switch {path} to WAL mode (SQLite kept {mode!r})")
        # NORMAL is safe in WAL mode against a killed process; only a power cut may lose the
        # last commits, never corrupt the file.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete=FAST")  # deleted entries do not linger in pages
        migrate(conn, path, target, chosen)
        existing = search_backend(conn)
        if existing == "fts5" and not fts5_trigram_available():
            raise HistoryError(
                f"{path} uses an FTS5 search index, but this Python's SQLite "
                f"{sqlite3.sqlite_version} has no FTS5 trigram support"
            )
    except sqlite3.OperationalError as exc:
        conn.close()
        raise HistoryError(f"Cannot use the history database {path}: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _not_ours(path, f"SQLite says: {exc}") from exc
    except BaseException:
        conn.close()
        raise
    tighten_modes(path)
    return conn
