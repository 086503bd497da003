"""Python's full garbage collections, moved to moments when nobody is typing.

A full (generation 2) collection of carman's heap pauses the UI thread ~20 ms (~40 ms before
the start-up objects were frozen out of it: ``DeferredStart``). Left to itself Python runs one
whenever enough objects have survived the younger generations, which while a big body is
formatted is often in the middle of a key's repaint. A real run turns the automatic full
collections off and runs them here instead: once one is due (as many younger collections as
Python's own threshold), when no key has come for ``QUIET_S``, or after ``LONGEST_S`` however
busy the keyboard. The younger generations still collect by themselves (each under ~2.5 ms).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Protocol

QUIET_S = 0.5  # no key for this long: a collection now is not felt
LONGEST_S = 10.0  # a due collection waits no longer than this, typing or not
CHECK_S = 0.25
NEVER = 1 << 30  # a generation-2 threshold that is never reached


class _Timers(Protocol):
    def set_interval(self, interval: float, callback: Callable[[], object]) -> object: ...


class IdleCollector:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.last_key = clock()
        self.due_since: float | None = None
        self.collections = 0
        # Python's own threshold: this many younger collections make a full one due.
        self._due_after = gc.get_threshold()[2]

    def start(self, timers: _Timers) -> None:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, NEVER)
        timers.set_interval(CHECK_S, self.tick)

    def key_pressed(self) -> None:
        self.last_key = self._clock()

    def tick(self) -> None:
        now = self._clock()
        if gc.get_count()[2] < self._due_after:
            self.due_since = None
            return
        if self.due_since is None:
            self.due_since = now
        if now - self.last_key >= QUIET_S or now - self.due_since >= LONGEST_S:
            gc.collect()
            self.collections += 1
            self.due_since = None
