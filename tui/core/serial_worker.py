"""One background thread that handles submitted items in order, for work that must never hold
up its caller (the history recorder behind every send, the webhook writer behind the receiver).

    worker = SerialWorker("carman-history", handle, on_error=report, on_stop=close_store)
    worker.submit(item)     # never blocks; False when closed or ``max_pending`` items wait
    worker.flush(timeout)   # until everything submitted so far is handled
    worker.close(timeout)   # handle what is queued, then stop

The thread starts with the first item. ``handle`` and ``on_stop`` run on it; an exception
from ``handle`` goes to ``on_error`` (itself guarded) and the next item is handled as usual.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")
ErrorCallback = Callable[[Exception], object]

_STOP = object()


class SerialWorker(Generic[T]):
    def __init__(
        self,
        name: str,
        handle: Callable[[T], None],
        *,
        on_error: ErrorCallback | None = None,
        on_stop: Callable[[], None] | None = None,
        max_pending: int = 1000,
    ) -> None:
        self.name = name
        self._handle = handle
        self._on_error = on_error
        self._on_stop = on_stop
        self._queue: queue.Queue[object] = queue.Queue(maxsize=max_pending)
        self._pending = 0
        self._idle = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._start_lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._closed

    def submit(self, item: T) -> bool:
        """Queue ``item``; never blocks. False when closed or the queue is full."""
        if self._closed:
            return False
        self._ensure_thread()
        with self._idle:
            self._pending += 1
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._done()
            return False
        return True

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything submitted so far is handled; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, timeout: float | None = 5.0) -> None:
        """Handle what is queued, then stop the thread."""
        with self._start_lock:  # a thread being started is joined only once it has started
            self._closed = True
            thread = self._thread
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)

    def report(self, exc: Exception) -> None:
        """Tell ``on_error``; its own failure is swallowed (it must not stop the worker)."""
        if self._on_error is not None:
            with contextlib.suppress(Exception):
                self._on_error(exc)

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            try:
                self._handle(item)  # type: ignore[arg-type]  # only submit() puts items: a T
            except Exception as exc:  # a bug must not stop the items after it
                self.report(exc)
            finally:
                self._done()
        if self._on_stop is not None:
            self._on_stop()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()
