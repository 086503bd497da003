"""A real run moves what exists at start-up out of the cyclic collector's full passes (each
one traversed it and paused the UI ~40 ms) and runs those passes while no key comes; an app
under test does neither (a freeze would keep the earlier tests' apps from ever being
collected)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.ui.helpers import wait_for
from tui import launch
from tui.app import CarmanApp
from tui.core.session import open_session
from tui.core.workspace import Workspace


def test_a_real_run_asks_for_the_freeze(xdg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[CarmanApp] = []
    monkeypatch.setattr(CarmanApp, "run", lambda self, *a, **k: ran.append(self))
    assert launch.run_tui(environment="test") == 0
    assert len(ran) == 1 and ran[0].manage_gc


async def test_the_freeze_comes_after_the_first_frame_and_only_when_asked(xdg: Path) -> None:
    before = gc.get_freeze_count()
    thresholds = gc.get_threshold()
    plain = CarmanApp(open_session(workspace=Workspace().load("test")))
    assert not plain.manage_gc and plain.idle_gc is None
    async with plain.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: plain.deferred.begun)
        assert gc.get_freeze_count() == before
    asked = CarmanApp(open_session(workspace=Workspace().load("test")))
    asked.manage_gc = True
    try:
        async with asked.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: asked.deferred.begun)
            assert gc.get_freeze_count() > before
            assert asked.idle_gc is not None and gc.get_threshold()[2] > thresholds[2]
            before_key = asked.idle_gc.last_key
            await pilot.press("down")  # keys tell the collector someone is typing
            assert asked.idle_gc.last_key > before_key
    finally:
        gc.unfreeze()  # back to normal for the tests that follow in this process
        gc.set_threshold(*thresholds)
