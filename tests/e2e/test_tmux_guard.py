"""Without tmux the end-to-end tests skip on a developer's machine but fail under CI=true."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e import tmux


def _outcome(call: Callable[[], object]) -> BaseException:
    """What ``call`` raised, fail or skip alike: raised here, a skip would skip this very test
    (``pytest.raises(pytest.fail.Exception)`` lets it through), hiding a guard that skips."""
    try:
        call()
    except (pytest.fail.Exception, pytest.skip.Exception) as outcome:
        return outcome
    raise AssertionError(f"{call!r} neither failed nor skipped without tmux")


@pytest.fixture
def no_tmux(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr(tmux.shutil, "which", lambda name: None)
    return monkeypatch


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_missing_tmux_fails_under_ci(no_tmux: pytest.MonkeyPatch, value: str) -> None:
    no_tmux.setenv("CI", value)
    outcome = _outcome(tmux.require_tmux)
    assert isinstance(outcome, pytest.fail.Exception) and "CI=true" in str(outcome)
    assert isinstance(_outcome(lambda: tmux.Tmux({})), pytest.fail.Exception)


@pytest.mark.parametrize("value", [None, "", "false"])
def test_missing_tmux_skips_elsewhere(no_tmux: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        no_tmux.delenv("CI", raising=False)
    else:
        no_tmux.setenv("CI", value)
    outcome = _outcome(tmux.require_tmux)
    assert isinstance(outcome, pytest.skip.Exception) and "not installed" in str(outcome)


def test_present_tmux_neither_skips_nor_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tmux.shutil, "which", lambda name: "/usr/bin/tmux")
    monkeypatch.setenv("CI", "true")
    tmux.require_tmux()
