"""Recording off the UI thread: a queue and one writer thread that owns its own store.

The writer opens the database on its first exchange (so startup never waits for SQLite) and
keeps its own connection, so searches on another connection are never blocked by a write (WAL).
``on_error`` and ``on_recorded`` are called on the writer thread: a Textual app should hand
them to ``App.call_from_thread``.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange
from tui.core.history.model import HistoryError
from tui.core.history.store import HistoryStore

ErrorCallback = Callable[[Exception], None]
RecordedCallback = Callable[[int], None]
_STOP = None


class HistoryRecorder:
    def __init__(
        self,
        path: Path | None = None,
        limits: HistoryLimits | None = None,
        *,
        on_error: ErrorCallback | None = None,
        on_recorded: RecordedCallback | None = None,
        max_pending: int = 1000,
    ) -> None:
        self.path = path
        self.limits = limits
        self.on_error = on_error
        self.on_recorded = on_recorded
        self.error: Exception | None = None  # set when the database cannot be used at all
        self._queue: queue.Queue[tuple[Exchange, frozenset[str]] | None] = queue.Queue(
            maxsize=max_pending
        )
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._start_lock = threading.Lock()

    def submit(self, exchange: Exchange, secrets: Iterable[str] = ()) -> bool:
        """Queue ``exchange`` for recording; never blocks. False when it was dropped (closed,
        the database unusable, or ``max_pending`` exchanges still waiting)."""
        if self._closed or self.error is not None:
            return False
        self._ensure_thread()
        with self._idle:
            self._pending += 1
        try:
            self._queue.put_nowait((exchange, frozenset(secrets)))
        except queue.Full:
            self._done()
            self._report(HistoryError("History is not keeping up; an exchange was not recorded"))
            return False
        return True

    def listener(
        self, secrets: Callable[[], Iterable[str]] | None = None
    ) -> Callable[[Exchange], None]:
        """A callback for ``Workspace.on_exchange``; ``secrets`` is asked at each send, e.g.
        ``workspace.on_exchange(recorder.listener(workspace.secret_values))``."""

        def record(exchange: Exchange) -> None:
            self.submit(exchange, secrets() if secrets is not None else ())

        return record

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is written; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        """Write what is queued, then stop the writer thread."""
        self._closed = True
        thread = self._thread
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)

    # -- the writer thread -----------------------------------------------------------------
    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="carman-history", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        store: HistoryStore | None = None
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            exchange, secrets = item
            try:
                if store is None and self.error is None:
                    store = HistoryStore(self.path, self.limits)
                if store is not None:
                    entry_id = store.record(exchange, secrets)
                    if entry_id is not None and self.on_recorded is not None:
                        self.on_recorded(entry_id)
            except HistoryError as exc:
                if store is None:
                    self.error = exc  # cannot open: stop trying, say so once
                self._report(exc)
            except Exception as exc:  # a bug must not kill the writer and lose later sends
                self._report(exc)
            finally:
                self._done()
        if store is not None:
            store.close()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def _report(self, exc: Exception) -> None:
        if self.on_error is not None:
            with contextlib.suppress(Exception):
                self.on_error(exc)
