"""Without tmux the end-to-end tests skip on a developer's machine but fail under CI=true."""

from __future__ import annotations

import pytest

from tests.e2e import tmux


@pytest.fixture
def no_tmux(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr(tmux.shutil, "which", lambda name: None)
    return monkeypatch


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_missing_tmux_fails_under_ci(no_tmux: pytest.MonkeyPatch, value: str) -> None:
    no_tmux.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        tmux.require_tmux()
    with pytest.raises(pytest.fail.Exception):
        tmux.Tmux({})


@pytest.mark.parametrize("value", [None, "", "false"])
def test_missing_tmux_skips_elsewhere(no_tmux: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        no_tmux.delenv("CI", raising=False)
    else:
        no_tmux.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="not installed"):
        tmux.require_tmux()


def test_present_tmux_neither_skips_nor_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tmux.shutil, "which", lambda name: "/usr/bin/tmux")
    monkeypatch.setenv("CI", "true")
    tmux.require_tmux()
