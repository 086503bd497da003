"""An optional per-vehicle throttle answering 429 RATE_LIMIT/VEHICLE with ``Retry-After``."""

from __future__ import annotations

import math
import threading
from collections import deque

from tui.sandbox.errors import ApiError

WINDOW = 60.0  # seconds of sandbox clock


class RateLimiter:
    """Off by default; when on, each vehicle may be asked ``per_minute`` times per minute."""

    def __init__(self) -> None:
        self.enabled = False
        self.per_minute = 60
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def configure(self, enabled: bool, per_minute: int | None = None) -> None:
        with self._lock:
            self.enabled = enabled
            if per_minute is not None:
                if per_minute < 1:
                    raise ValueError("per_minute must be at least 1")
                self.per_minute = per_minute
            self._calls.clear()

    def check(self, vehicle_id: str, now: float) -> None:
        """Count a call to ``vehicle_id``; raise the 429 error when over the limit."""
        with self._lock:
            if not self.enabled:
                return
            calls = self._calls.setdefault(vehicle_id, deque())
            while calls and calls[0] <= now - WINDOW:
                calls.popleft()
            if len(calls) >= self.per_minute:
                retry_after = max(1, math.ceil(calls[0] + WINDOW - now))
                raise ApiError("RATE_LIMIT", "VEHICLE", headers={"Retry-After": str(retry_after)})
            calls.append(now)
