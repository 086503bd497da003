"""The sender threads: a bounded queue of delivery jobs and a few workers that run them.

Requests of the sandbox never wait for a callback: they only ``submit``, which never blocks —
when the queue is full the job is refused (and the caller logs it as dropped). Workers are
daemon threads started on first use, so a dead or stalled callback holds one worker until its
timeout and never the sandbox or its shutdown. Several workers let other deliveries go on
meanwhile (Smartcar, too, delivers concurrently and promises no order).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Job:
    """One event on its way to a webhook: its first attempt or a retry.

    ``target`` says which callback: ``data`` (``callbackUri``) or ``error`` (VEHICLE_ERROR's
    ``errorCallbackUri`` when set). A VERIFY job carries the ``nonce`` of the verification it
    answers and the ``challenge``. ``subscription_id`` binds an event to a subscription: once
    that ends, its retries are dropped.
    """

    webhook_id: str
    event: dict[str, Any]
    target: str = "data"
    attempt: int = 1
    subscription_id: str | None = None
    vehicle_id: str | None = None
    nonce: str | None = None
    challenge: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def is_verify(self) -> bool:
        return self.nonce is not None


class Sender:
    def __init__(
        self,
        run: Callable[[Job], None],
        on_idle_change: Callable[[], None],
        *,
        workers: int,
        queue_size: int,
    ) -> None:
        self._run = run
        self._on_idle_change = on_idle_change
        self._size = workers
        self._queue: queue.Queue[Job | None] = queue.Queue(maxsize=queue_size)
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._outstanding = 0  # queued or being attempted
        self._stopped = False

    @property
    def outstanding(self) -> int:
        with self._lock:
            return self._outstanding

    def submit(self, job: Job) -> bool:
        """Queue a job; False when the sender is stopped or its queue is full."""
        with self._lock:
            if self._stopped:
                return False
            if len(self._threads) < self._size:
                self._start_worker()
            try:
                self._queue.put_nowait(job)
            except queue.Full:
                return False
            self._outstanding += 1
            return True

    def _start_worker(self) -> None:
        thread = threading.Thread(
            target=self._work, name=f"carman-webhook-sender-{len(self._threads) + 1}", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                self._run(job)
            except Exception:
                log.exception("carman sandbox: a webhook delivery failed inside the sandbox")
            finally:
                with self._lock:
                    self._outstanding -= 1
                self._on_idle_change()

    def stop(self) -> None:
        """Refuse new jobs, forget queued ones, let the workers end (a stalled one ends after its
        timeout; they are daemons, so none holds the process)."""
        with self._lock:
            self._stopped = True
            while True:
                try:
                    if self._queue.get_nowait() is not None:
                        self._outstanding -= 1
                except queue.Empty:
                    break
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        self._on_idle_change()
