"""The sandbox's clock: real time plus an offset tests can move forward.

Expiry of codes, tokens and refresh grace periods is measured on this clock, so a test can
``advance(7200)`` instead of waiting two hours. Webhook schedules and delivery retries run on
it too: listeners added with ``on_advance`` hear of every move, so what fell due is sent then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

log = logging.getLogger(__name__)


class SandboxClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> float:
        """Seconds since the epoch, on the sandbox's time line."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock forward (never backward: expiry must stay monotonic)."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds
            listeners = list(self._listeners)
        for listener in listeners:  # after the move, outside the lock: they read the clock
            try:
                listener()
            except Exception:
                log.exception("carman sandbox: a clock listener failed")
        return self.now()

    def on_advance(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after every ``advance``; returns a function that removes it."""
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset


def iso(timestamp: float) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, the format of Smartcar's headers."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
