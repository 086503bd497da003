"""The sandbox's clock: real time plus an offset tests can move forward.

Expiry of codes, tokens and refresh grace periods is measured on this clock, so a test can
``advance(7200)`` instead of waiting two hours.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SandboxClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

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
        return self.now()

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset


def iso(timestamp: float) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, the format of Smartcar's headers."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
