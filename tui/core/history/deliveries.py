"""Webhook deliveries in the history database: store (masked, retries grouped), search, get.

    store = DeliveryStore()                  # the same file as the request history
    added = store.add(record, secrets={amt})  # masks, groups a retry with its event, prunes
    store.search("tractionbattery 401")      # newest first, like the request history
    event = store.get(added.event.id)        # the event and every delivery of it

Tables and search index come from schema migration 4. One SQLite connection per store,
calls serialised by a lock; the receiver writes through its own store on its writer thread.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.history import schema
from tui.core.history.delivery_model import (
    AddedDelivery,
    DeliveryRecord,
    Signature,
    StoredDelivery,
    WebhookEvent,
    WebhookEventNotFound,
    WebhookEventSummary,
)
from tui.core.history.model import HistoryError, headers_from_json
from tui.core.history.redaction import scrub
from tui.core.history.search_query import SearchTables, search_query
from tui.core.history.search_text import body_text
from tui.core.masking import redact

DEFAULT_MAX_EVENTS = 10_000
DEFAULT_MAX_BODY_BYTES = 1024 * 1024

EVENT_COLUMNS = (
    "environment",
    "event_id",
    "event_type",
    "signature",
    "first_received_at",
    "last_received_at",
    "deliveries",
    "status",
    "problem",
    "vehicle_id",
    "vehicle_make",
    "vehicle_model",
    "vehicle_year",
    "user_id",
    "webhook_id",
    "webhook_name",
    "mode",
)
DELIVERY_COLUMNS = (
    "event",
    "received_at",
    "delivery_id",
    "remote",
    "method",
    "target",
    "status",
    "signature",
    "problem",
    "headers",
    "body",
    "body_size",
    "body_truncated",
    "answer",
)
SEARCH_TABLES = SearchTables(
    "webhook_events",
    schema.WEBHOOK_FTS_TABLE,
    schema.WEBHOOK_LIKE_TABLE,
    ("e.event_type", "CAST(e.status AS TEXT)", "e.signature", "e.vehicle_make", "e.vehicle_model"),
)
# Metadata fields copied from the body: masked like the body before they are written.
_TEXT_FIELDS = (
    "event_id",
    "event_type",
    "delivery_id",
    "vehicle_id",
    "vehicle_make",
    "vehicle_model",
    "user_id",
    "webhook_id",
    "webhook_name",
    "mode",
    "problem",
)


def mask_record(
    record: DeliveryRecord, secrets: Iterable[str], max_body_bytes: int
) -> tuple[DeliveryRecord, bool]:
    """A copy with every secret masked (headers, target, body, answer, fields from the body)
    and the body cut at ``max_body_bytes``; and whether it was cut."""
    known = {s for s in secrets if s}
    body = record.body
    try:
        scrubbed = scrub(
            url=record.target,
            request_headers=record.headers,
            request_body=body,
            response_headers=[],
            response_body=record.answer,
            secrets=known,
            max_body_bytes=max_body_bytes,
        )
        masked_body, truncated = scrubbed.request_body.data, scrubbed.request_body.truncated
    except RecursionError:
        # JSON nested too deeply to parse again (junk, never a Smartcar event): mask the known
        # secrets as plain text instead.
        scrubbed = scrub(
            url=record.target,
            request_headers=record.headers,
            request_body=b"",
            response_headers=[],
            response_body=record.answer,
            secrets=known,
            max_body_bytes=max_body_bytes,
        )
        text = redact(body[:max_body_bytes].decode("utf-8", "surrogateescape"), known)
        masked_body = text.encode("utf-8", "surrogateescape")[:max_body_bytes]
        truncated = len(body) > max_body_bytes
    # Any: ** cannot tell mypy that each of these (str) values fills a str field.
    fields: dict[str, Any] = {name: redact(getattr(record, name), known) for name in _TEXT_FIELDS}
    masked = dataclasses.replace(
        record,
        target=scrubbed.url,
        headers=scrubbed.request_headers,
        body=masked_body,
        answer=scrubbed.response_body.data,
        **fields,
    )
    return masked, truncated


def _index_text(record: DeliveryRecord) -> str:
    parts = [
        record.event_type,
        record.signature.value,
        str(record.status),
        record.problem,
        record.event_id,
        record.delivery_id,
        record.vehicle_id,
        record.vehicle_make,
        record.vehicle_model,
        str(record.vehicle_year or ""),
        record.user_id,
        record.webhook_id,
        record.webhook_name,
        record.mode,
        record.environment,
        record.method,
        record.target,
        body_text(record.body),
    ]
    return "\n".join(p for p in parts if p)


class DeliveryStore:
    def __init__(
        self,
        path: Path | None = None,
        *,
        max_events: int = DEFAULT_MAX_EVENTS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        backend: str | None = None,
    ) -> None:
        """Open (create, migrate) the history database. Raises HistoryError."""
        self.path = Path(path) if path is not None else paths.history_db()
        self.max_events = max(1, max_events)
        self.max_body_bytes = max_body_bytes
        self._lock = threading.RLock()
        self._conn = schema.open_database(self.path, backend=backend)
        tables = self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        names = {row[0] for row in tables}
        self.backend = "fts5" if schema.WEBHOOK_FTS_TABLE in names else "like"

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> DeliveryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, exc: sqlite3.Error) -> HistoryError:
        return HistoryError(f"History database {self.path}: {exc}")

    # -- writing ---------------------------------------------------------------------------
    def add(self, record: DeliveryRecord, secrets: Iterable[str] = ()) -> AddedDelivery:
        """Mask and store one delivery; a retry (same environment, eventId and signature
        state) joins its event. Prunes the oldest events beyond ``max_events``."""
        masked, truncated = mask_record(record, secrets, self.max_body_bytes)
        return self.add_masked(masked, truncated)

    def add_masked(self, masked: DeliveryRecord, truncated: bool = False) -> AddedDelivery:
        """Store a delivery already masked by ``mask_record`` (``truncated``: its body was
        cut)."""
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    event_id, retry = self._event_for(masked)
                    delivery = self._insert_delivery(event_id, masked, truncated)
                    self._prune(newest=event_id)
                    summary = self._summary(event_id)
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        assert summary is not None
        return AddedDelivery(summary, delivery, retry)

    def _event_for(self, record: DeliveryRecord) -> tuple[int, bool]:
        conn = self._conn
        if record.event_id:
            row = conn.execute(
                "SELECT id FROM webhook_events"
                " WHERE environment = ? AND event_id = ? AND signature = ? AND event_id != ''",
                (record.environment, record.event_id, record.signature.value),
            ).fetchone()
            if row is not None:
                event_id = int(row[0])
                conn.execute(
                    "UPDATE webhook_events SET deliveries = deliveries + 1,"
                    " last_received_at = max(last_received_at, ?), status = ? WHERE id = ?",
                    (record.received_at, record.status, event_id),
                )
                extra = f"\n{record.delivery_id}" if record.delivery_id else ""
                if extra:
                    if self.backend == "fts5":
                        table, key = schema.WEBHOOK_FTS_TABLE, "rowid"
                    else:
                        table, key = schema.WEBHOOK_LIKE_TABLE, "id"
                    conn.execute(
                        f"UPDATE {table} SET text = text || ? WHERE {key} = ?", (extra, event_id)
                    )
                return event_id, True
        values = (
            record.environment,
            record.event_id,
            record.event_type,
            record.signature.value,
            record.received_at,
            record.received_at,
            1,
            record.status,
            record.problem,
            record.vehicle_id,
            record.vehicle_make,
            record.vehicle_model,
            record.vehicle_year,
            record.user_id,
            record.webhook_id,
            record.webhook_name,
            record.mode,
        )
        cursor = conn.execute(
            f"INSERT INTO webhook_events ({', '.join(EVENT_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(EVENT_COLUMNS))})",
            values,
        )
        event_id = int(cursor.lastrowid or 0)
        if self.backend == "fts5":
            sql = f"INSERT INTO {schema.WEBHOOK_FTS_TABLE} (rowid, text) VALUES (?, ?)"
        else:
            sql = f"INSERT INTO {schema.WEBHOOK_LIKE_TABLE} (id, text) VALUES (?, ?)"
        conn.execute(sql, (event_id, _index_text(record)))
        return event_id, False

    def _insert_delivery(self, event_id: int, record: DeliveryRecord, truncated: bool) -> int:
        values = (
            event_id,
            record.received_at,
            record.delivery_id,
            record.remote,
            record.method,
            record.target,
            record.status,
            record.signature.value,
            record.problem,
            json.dumps(record.headers, ensure_ascii=False),
            record.body,
            record.body_size,
            int(truncated),
            record.answer,
        )
        cursor = self._conn.execute(
            f"INSERT INTO webhook_deliveries ({', '.join(DELIVERY_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(DELIVERY_COLUMNS))})",
            values,
        )
        return int(cursor.lastrowid or 0)

    def _prune(self, newest: int) -> None:
        count = int(self._conn.execute("SELECT count(*) FROM webhook_events").fetchone()[0])
        excess = count - self.max_events
        if excess > 0:
            # The trigger takes each event's deliveries and index row with it.
            self._conn.execute(
                "DELETE FROM webhook_events WHERE id IN"
                " (SELECT id FROM webhook_events WHERE id != ? ORDER BY id LIMIT ?)",
                (newest, excess),
            )

    def delete(self, event_id: int) -> bool:
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    cursor = self._conn.execute(
                        "DELETE FROM webhook_events WHERE id = ?", (event_id,)
                    )
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return cursor.rowcount > 0

    def clear(self) -> int:
        with self._lock:
            try:
                with schema.transaction(self._conn):
                    count = self._count()
                    self._conn.execute("DELETE FROM webhook_events")
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return count

    # -- reading ---------------------------------------------------------------------------
    def _count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM webhook_events").fetchone()[0])

    def count(self) -> int:
        with self._lock:
            return self._count()

    def _summary(self, event_id: int) -> WebhookEventSummary | None:
        columns = ", ".join(("id", *EVENT_COLUMNS))
        row = self._conn.execute(
            f"SELECT {columns} FROM webhook_events WHERE id = ?", (event_id,)
        ).fetchone()
        return _summary_from_row(row) if row is not None else None

    def search(
        self, text: str = "", limit: int = 100, offset: int = 0, *, trusted_only: bool = False
    ) -> list[WebhookEventSummary]:
        """Events matching every word of ``text``, newest first: a word matches as a
        case-insensitive substring of the event type, vehicle, user, webhook, ids, status,
        signature state, problem or body. Words under three characters match the event type,
        status, signature state, make and model only."""
        columns = ", ".join(f"e.{c}" for c in ("id", *EVENT_COLUMNS))
        sql, params = search_query(
            text,
            SEARCH_TABLES,
            columns,
            self.backend,
            where=["e.signature = 'valid'"] if trusted_only else [],
            limit=limit,
            offset=offset,
        )
        with self._lock:
            try:
                rows = self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return [_summary_from_row(row) for row in rows]

    def get(self, event_id: int) -> WebhookEvent:
        """The event and its deliveries, oldest first; raises WebhookEventNotFound."""
        with self._lock:
            try:
                summary = self._summary(event_id)
                rows = self._conn.execute(
                    f"SELECT id, {', '.join(DELIVERY_COLUMNS)} FROM webhook_deliveries"
                    " WHERE event = ? ORDER BY id",
                    (event_id,),
                ).fetchall()
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        if summary is None:
            raise WebhookEventNotFound(event_id)
        return WebhookEvent(summary, [_delivery_from_row(row) for row in rows])

    def trusted_bodies(self, limit: int = 500) -> list[tuple[float, bytes]]:
        """The bodies of the newest ``limit`` events with a valid signature that carman
        accepted (2xx), oldest first, with the time each was received: what plots may use."""
        with self._lock:
            try:
                rows = self._conn.execute(
                    "SELECT d.received_at, d.body FROM webhook_events e"
                    " JOIN webhook_deliveries d ON d.id ="
                    " (SELECT min(id) FROM webhook_deliveries WHERE event = e.id)"
                    " WHERE e.signature = 'valid' AND d.status < 300 ORDER BY e.id DESC LIMIT ?",
                    (max(0, limit),),
                ).fetchall()
            except sqlite3.Error as exc:
                raise self._sql(exc) from exc
        return [(float(at), bytes(body)) for at, body in reversed(rows)]


def _summary_from_row(row: Sequence[Any]) -> WebhookEventSummary:
    values = dict(zip(("id", *EVENT_COLUMNS), row, strict=True))
    values["signature"] = _signature(values["signature"])
    return WebhookEventSummary(**values)


def _delivery_from_row(row: Sequence[Any]) -> StoredDelivery:
    values = dict(zip(("id", *DELIVERY_COLUMNS), row, strict=True))
    values["signature"] = _signature(values["signature"])
    values["headers"] = headers_from_json(values["headers"])
    values["body"] = bytes(values["body"])
    values["answer"] = bytes(values["answer"])
    values["body_truncated"] = bool(values["body_truncated"])
    return StoredDelivery(**values)


def _signature(value: str) -> Signature:
    try:
        return Signature(value)
    except ValueError:
        return Signature.INVALID  # an unknown state is never trusted
