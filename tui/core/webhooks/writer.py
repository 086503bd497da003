"""Storing deliveries off the receiving threads: a bounded queue and one writer thread.

The receiver answers first, then ``submit``s; it never waits for SQLite or for whoever
listens. The writer masks each delivery, stores it (a retry joins its event) and calls
``on_stored`` with what happened, on the writer thread: a Textual app posts a message from
there (``App.post_message`` is thread-safe and does not wait).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from tui.core.history.deliveries import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_EVENTS,
    DeliveryStore,
    mask_record,
)
from tui.core.history.delivery_model import DeliveryRecord, WebhookEventSummary
from tui.core.history.model import HistoryError
from tui.core.serial_worker import ErrorCallback, SerialWorker


@dataclass(frozen=True)
class Received:
    """One delivery after the writer handled it."""

    record: DeliveryRecord  # masked, body cut at the cap: what was stored
    event: WebhookEventSummary | None  # None when it could not be stored
    retry: bool = False

    @property
    def trusted(self) -> bool:
        """Its signature is valid."""
        return self.record.trusted

    @property
    def accepted(self) -> bool:
        """Valid and answered 2xx: an event carman took in (plots and captures use these)."""
        return self.record.trusted and 200 <= self.record.status < 300


# What a callback returns is ignored (a Textual app's post_message answers a bool).
StoredCallback = Callable[[Received], object]


class DeliveryWriter:
    def __init__(
        self,
        path: Path | None = None,
        *,
        max_events: int = DEFAULT_MAX_EVENTS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        on_stored: StoredCallback | None = None,
        on_error: ErrorCallback | None = None,
        secrets: Callable[[], Iterable[str]] | None = None,
        max_pending: int = 10_000,
    ) -> None:
        """``secrets`` is asked (on the writer thread) for the values to mask besides those
        submitted with each delivery, e.g. ``workspace.secret_values``."""
        self.path = path
        self.max_events = max_events
        self.max_body_bytes = max_body_bytes
        self.on_stored = on_stored
        self.secrets = secrets
        self.error: Exception | None = None  # the database cannot be used at all
        self.dropped = 0  # deliveries not stored because the queue was full
        self._store: DeliveryStore | None = None  # the writer thread's own connection
        self._worker: SerialWorker[tuple[DeliveryRecord, frozenset[str]]] = SerialWorker(
            "carman-webhook-writer",
            self._write,
            on_error=on_error,
            on_stop=self._close_store,
            max_pending=max_pending,
        )

    def submit(self, record: DeliveryRecord, secrets: Iterable[str] = ()) -> bool:
        """Queue ``record``; never blocks. False when dropped (closed or queue full)."""
        if self._worker.closed:
            return False
        if not self._worker.submit((record, frozenset(secrets))):
            self.dropped += 1
            return False
        return True

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is handled; False on timeout."""
        return self._worker.flush(timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        self._worker.close(timeout)

    # -- on the writer thread --------------------------------------------------------------
    def _write(self, item: tuple[DeliveryRecord, frozenset[str]]) -> None:
        record, secrets = item
        if self.secrets is not None:
            with contextlib.suppress(Exception):  # a broken secrets file: mask the rest
                secrets = secrets | {s for s in self.secrets() if s}
        masked, truncated = self._masked(record, secrets)
        event, retry = None, False
        if self._store is None and self.error is None:
            self._store = self._open()
        if self._store is not None:
            try:
                added = self._store.add_masked(masked, truncated)
                event, retry = added.event, added.retry
            except Exception as exc:  # not stored, but still announced
                self._worker.report(exc)
        self._announce(Received(masked, event, retry))

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()

    def _masked(
        self, record: DeliveryRecord, secrets: frozenset[str]
    ) -> tuple[DeliveryRecord, bool]:
        try:
            return mask_record(record, secrets, self.max_body_bytes)
        except Exception as exc:  # never lose the delivery: keep it without what failed
            self._worker.report(exc)
            bare = dataclasses.replace(
                record,
                headers=[],
                body=b"",
                answer=b"",
                target="",
                problem=f"{record.problem} (headers and body not stored: masking failed)".strip(),
            )
            return mask_record(bare, secrets, self.max_body_bytes)[0], False

    def _open(self) -> DeliveryStore | None:
        try:
            return DeliveryStore(
                self.path, max_events=self.max_events, max_body_bytes=self.max_body_bytes
            )
        except HistoryError as exc:
            self.error = exc  # cannot open: say so once, keep announcing deliveries
            self._worker.report(exc)
            return None

    def _announce(self, received: Received) -> None:
        if self.on_stored is not None:
            with contextlib.suppress(Exception):  # a listener's bug must not stop the writer
                self.on_stored(received)
