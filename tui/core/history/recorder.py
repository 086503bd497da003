"""Recording off the UI thread: a queue and one writer thread that owns its own store.

The writer opens the database on its first exchange (so startup never waits for SQLite) and
keeps its own connection, so searches on another connection are never blocked by a write (WAL).
``on_error`` and ``on_recorded`` are called on the writer thread: a Textual app should hand
them to ``App.call_from_thread``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange
from tui.core.history.model import HistoryError
from tui.core.history.store import HistoryStore
from tui.core.serial_worker import SerialWorker

ErrorCallback = Callable[[Exception], None]
RecordedCallback = Callable[[int], None]


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
        self.on_recorded = on_recorded
        self.error: Exception | None = None  # set when the database cannot be used at all
        self._store: HistoryStore | None = None  # the writer thread's own connection
        self._worker: SerialWorker[tuple[Exchange, frozenset[str]]] = SerialWorker(
            "carman-history",
            self._record,
            on_error=on_error,
            on_stop=self._close_store,
            max_pending=max_pending,
        )

    def submit(self, exchange: Exchange, secrets: Iterable[str] = ()) -> bool:
        """Queue ``exchange`` for recording; never blocks. False when it was dropped (closed,
        the database unusable, or ``max_pending`` exchanges still waiting)."""
        if self._worker.closed or self.error is not None:
            return False
        if not self._worker.submit((exchange, frozenset(secrets))):
            self._worker.report(
                HistoryError("History is not keeping up; an exchange was not recorded")
            )
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
        return self._worker.flush(timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        """Write what is queued, then stop the writer thread."""
        self._worker.close(timeout)

    # -- on the writer thread --------------------------------------------------------------
    def _record(self, item: tuple[Exchange, frozenset[str]]) -> None:
        exchange, secrets = item
        try:
            if self._store is None and self.error is None:
                self._store = HistoryStore(self.path, self.limits)
        except HistoryError as exc:
            self.error = exc  # cannot open: stop trying, say so once
            raise
        if self._store is not None:
            entry_id = self._store.record(exchange, secrets)
            if entry_id is not None and self.on_recorded is not None:
                self.on_recorded(entry_id)

    def _close_store(self) -> None:
        if self._store is not None:
            self._store.close()
