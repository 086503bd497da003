"""Storing deliveries off the receiving threads: a bounded queue and one writer thread.

The receiver answers first, then ``submit``s; it never waits for SQLite or for whoever
listens. The writer masks each delivery, stores it (a retry joins its event) and calls
``on_stored`` with what happened, on the writer thread: a Textual app posts a message from
there (``App.post_message`` is thread-safe and does not wait).
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import threading
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

_STOP = None


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
ErrorCallback = Callable[[Exception], object]


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
        self.on_error = on_error
        self.secrets = secrets
        self.error: Exception | None = None  # the database cannot be used at all
        self.dropped = 0  # deliveries not stored because the queue was full
        self._queue: queue.Queue[tuple[DeliveryRecord, frozenset[str]] | None] = queue.Queue(
            maxsize=max_pending
        )
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._start_lock = threading.Lock()

    def submit(self, record: DeliveryRecord, secrets: Iterable[str] = ()) -> bool:
        """Queue ``record``; never blocks. False when dropped (closed or queue full)."""
        if self._closed:
            return False
        self._ensure_thread()
        with self._idle:
            self._pending += 1
        try:
            self._queue.put_nowait((record, frozenset(secrets)))
        except queue.Full:
            self.dropped += 1
            self._done()
            return False
        return True

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is handled; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        with self._start_lock:  # a thread being started is joined only once it has started
            self._closed = True
            thread = self._thread
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._run, name="carman-webhook-writer", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        store: DeliveryStore | None = None
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            record, secrets = item
            try:
                if self.secrets is not None:
                    with contextlib.suppress(Exception):  # a broken secrets file: mask the rest
                        secrets = secrets | {s for s in self.secrets() if s}
                masked, truncated = self._masked(record, secrets)
                event, retry = None, False
                if store is None and self.error is None:
                    store = self._open()
                if store is not None:
                    try:
                        added = store.add_masked(masked, truncated)
                        event, retry = added.event, added.retry
                    except Exception as exc:  # not stored, but still announced
                        self._report(exc)
                self._announce(Received(masked, event, retry))
            except Exception as exc:  # a bug must never stop later deliveries being stored
                self._report(exc)
            finally:
                self._done()
        if store is not None:
            store.close()

    def _masked(
        self, record: DeliveryRecord, secrets: frozenset[str]
    ) -> tuple[DeliveryRecord, bool]:
        try:
            return mask_record(record, secrets, self.max_body_bytes)
        except Exception as exc:  # never lose the delivery: keep it without what failed
            self._report(exc)
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
            self._report(exc)
            return None

    def _announce(self, received: Received) -> None:
        if self.on_stored is not None:
            with contextlib.suppress(Exception):  # a listener's bug must not stop the writer
                self.on_stored(received)

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def _report(self, exc: Exception) -> None:
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(exc)
