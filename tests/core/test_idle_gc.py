"""Full garbage collections wait for a moment without keys, or at most LONGEST_S."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest

from tui.flows import idle_gc
from tui.flows.idle_gc import IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Timers:
    def __init__(self) -> None:
        self.intervals: list[tuple[float, Callable[[], object]]] = []

    def set_interval(self, interval: float, callback: Callable[[], object]) -> object:
        self.intervals.append((interval, callback))
        return None


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    try:
        yield saved
    finally:
        gc.set_threshold(*saved)


def _make_due(collector: IdleCollector) -> None:
    # Younger collections, as the running program would cause, until a full one is due.
    while gc.get_count()[2] < collector._due_after:
        gc.collect(1)


def test_start_turns_the_automatic_full_collection_off(thresholds: tuple[int, int, int]) -> None:
    timers = Timers()
    IdleCollector().start(timers)
    young, middle, full = gc.get_threshold()
    assert (young, middle) == thresholds[:2] and full == idle_gc.NEVER
    assert [interval for interval, _ in timers.intervals] == [idle_gc.CHECK_S]


def test_a_due_collection_waits_for_a_quiet_moment(thresholds: tuple[int, int, int]) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start(Timers())
    collector.tick()
    assert collector.collections == 0  # nothing due yet
    _make_due(collector)
    collector.key_pressed()
    clock.now += idle_gc.QUIET_S / 2
    collector.tick()
    assert collector.collections == 0  # a key came a moment ago
    clock.now += idle_gc.QUIET_S
    collector.tick()
    assert collector.collections == 1 and gc.get_count()[2] == 0


def test_a_due_collection_waits_no_longer_than_longest(thresholds: tuple[int, int, int]) -> None:
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start(Timers())
    _make_due(collector)
    waited = 0.0
    while collector.collections == 0 and waited < 2 * idle_gc.LONGEST_S:
        collector.key_pressed()  # someone typing without a pause
        collector.tick()
        clock.now += idle_gc.CHECK_S
        waited += idle_gc.CHECK_S
    assert collector.collections == 1
    assert idle_gc.LONGEST_S <= waited <= idle_gc.LONGEST_S + 2 * idle_gc.CHECK_S
