"""Faults to inject into the next answers, for testing a client's resilience.

Kinds: ``slow`` (wait ``delay`` seconds, then answer normally), ``drop`` (announce the full
Content-Length, send half the body, close the connection), ``status500`` / ``status502``
(a JSON error instead of the answer), ``not_json`` (``application/json`` with a body that is not
JSON), ``empty`` (200 with an empty body), ``gzip`` (the real answer, gzip-encoded with
``Content-Encoding: gzip``). Each fault applies to the next ``count`` requests whose path starts
with ``path`` (default: any path except the admin endpoints).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("slow", "drop", "status500", "status502", "not_json", "empty", "gzip")
DEFAULT_DELAY = 1.0
MAX_DELAY = 600.0


@dataclass
class Fault:
    kind: str
    remaining: int
    delay: float
    path: str


class Faults:
    def __init__(self) -> None:
        self._queue: list[Fault] = []
        self._lock = threading.Lock()

    def inject(
        self, kind: str, count: int = 1, delay: float | None = None, path: str = "/"
    ) -> None:
        """Make the next ``count`` matching requests suffer ``kind``; queued faults run first."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose one of {', '.join(KINDS)}")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ValueError("count must be a positive integer")
        wait = DEFAULT_DELAY if delay is None else float(delay)
        if not 0 <= wait <= MAX_DELAY:
            raise ValueError(f"delay must be between 0 and {MAX_DELAY:g} seconds")
        if not path.startswith("/"):
            raise ValueError("path must start with '/'")
        with self._lock:
            self._queue.append(Fault(kind, count, wait, path))

    def take(self, path: str) -> Fault | None:
        """The fault for a request to ``path`` (consuming one use of it), if any."""
        with self._lock:
            for fault in self._queue:
                if path.startswith(fault.path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._queue.remove(fault)
                    return Fault(fault.kind, 1, fault.delay, fault.path)
            return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()

    def pending(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {"kind": f.kind, "count": f.remaining, "delay": f.delay, "path": f.path}
                for f in self._queue
            ]
