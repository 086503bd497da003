"""Keys in bursts, as they arrive over SSH: loading requests is never an edit."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.tmux import Tmux, carman_env

DOWN = ["Down"] * 14
UP = ["Up"] * 14


def test_bursts_through_the_tree_change_nothing(tmp_path: Path) -> None:
    tmux = Tmux(carman_env(tmp_path))
    try:
        tmux.start(["--sandbox"], cwd=tmp_path)
        tmux.wait_for("env: sandbox", timeout=60)
        tmux.wait_for("› Application token")  # the first request: v3's Auth folder
        for _ in range(12):
            tmux.burst(*DOWN)
            tmux.burst(*UP)
        tmux.burst(*DOWN, *DOWN)
        screen = tmux.settle()
        assert "Smartcar API › " in screen
        assert "●" not in screen, f"a request was marked as edited:\n{screen}"
        tmux.keys("C-q")
        assert tmux.wait_for_exit() == 0
        assert "Unsaved changes" not in tmux.screen()
    finally:
        tmux.close()


def test_a_request_chosen_in_the_palette_is_the_one_sent_by_the_next_key(tmp_path: Path) -> None:
    """ctrl+p, the name, enter and ctrl+j in one burst: ctrl+j sends the chosen request, not
    the one open before (the palette runs its choice from the app's queue after it closes;
    the held key once went first and sent the old request)."""
    tmux = Tmux(carman_env(tmp_path))
    try:
        tmux.start(["--sandbox"], cwd=tmp_path)
        tmux.wait_for("Application token", timeout=60)
        tmux.wait_until(lambda screen: "127.0.0.1:87" in screen, timeout=60)  # sandbox is up
        tmux.burst("C-p")
        tmux.wait_for("Search for commands")
        tmux.burst("List webhooks", "Enter", "C-j")
        screen = tmux.wait_for("Response · List webhooks")
        screen = tmux.wait_for("200 OK")
        assert "Response · Application token" not in screen
        assert "sent before you moved on" not in screen
    finally:
        tmux.close()


def test_history_opened_and_replayed_in_one_burst(tmp_path: Path) -> None:
    """ctrl+r, down, r in one burst: the keys reach the list before its first search has
    filled it; r once did nothing then. It now replays the newest entry."""
    tmux = Tmux(carman_env(tmp_path))
    try:
        tmux.start(["--sandbox"], cwd=tmp_path)
        tmux.wait_until(lambda screen: "127.0.0.1:87" in screen, timeout=60)  # sandbox is up
        tmux.burst("C-j")
        tmux.wait_for("200 OK")
        tmux.burst("C-r", "Down", "r")
        screen = tmux.wait_for("Response (replayed now, from its template)")
        assert "Application token" in screen
    finally:
        tmux.close()


def test_a_vehicle_picked_in_one_burst_while_the_list_loads(tmp_path: Path) -> None:
    """F3, down, enter in one burst: before the connections are listed the picker knows only
    the current vehicle, so down did nothing and enter picked it again. The keys now wait for
    the list and pick the second vehicle."""
    tmux = Tmux(carman_env(tmp_path))
    try:
        tmux.start(["--sandbox"], cwd=tmp_path)
        tmux.wait_until(lambda screen: "127.0.0.1:87" in screen, timeout=60)  # sandbox is up
        tmux.burst("C-o")
        tmux.wait_for("Approve (ctrl+a)")
        tmux.burst("C-a")
        tmux.wait_for("vehicle: 2021 TESLA Model 3")
        tmux.burst("F3", "Down", "Enter")
        tmux.wait_for("vehicle: 2016 AUDI A4")
    finally:
        tmux.close()
