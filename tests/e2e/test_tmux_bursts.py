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
