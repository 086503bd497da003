"""One startup path: open_session, the sandbox attached when (and each time) it is selected,
and the in-process sandbox's stable port."""

from __future__ import annotations

from pathlib import Path

from tui.core.session import open_session
from tui.sandbox import config as sandbox_config
from tui.sandbox import ensure_sandbox


class CountingProvider:
    """Hands out one fake sandbox and counts how often it was asked."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> CountingProvider:
        self.calls += 1
        return self

    base_url = "http://127.0.0.1:8799"
    client_id = "sandbox-client"
    client_secret = "sandbox-secret"
    amt = "sandbox-amt"
    stopped = False

    def stop(self) -> None:
        self.stopped = True


def test_the_sandbox_is_asked_for_once_and_reused_at_every_switch(xdg: Path) -> None:
    provider = CountingProvider()
    session = open_session("sandbox", sandbox_provider=provider)
    assert provider.calls == 1
    assert session.workspace.variables.get("api_url") == provider.base_url
    assert session.workspace.variables.get("v3_url") == f"{provider.base_url}/v3"
    session.select_environment("test")
    assert session.workspace.variables.get("api_url") != provider.base_url
    session.select_environment("sandbox")
    assert provider.calls == 1  # the same sandbox, not a new one per switch
    assert session.workspace.variables.get("api_url") == provider.base_url
    assert session.workspace.secrets.client_secret("sandbox-client") == "sandbox-secret"
    session.stop_sandbox()
    assert provider.stopped and session.sandbox is None


def test_no_sandbox_until_the_sandbox_environment_is_selected(xdg: Path) -> None:
    provider = CountingProvider()
    session = open_session("test", sandbox_provider=provider)
    assert provider.calls == 0 and session.sandbox is None
    session.select_environment("sandbox")
    assert provider.calls == 1


def test_the_session_keeps_a_token_manager_the_workspace_already_has(xdg: Path) -> None:
    first = open_session("test")
    again = open_session(workspace=first.workspace)
    assert again.tokens is first.tokens
    assert first.workspace.pipeline.token_source is first.tokens


def test_the_in_process_sandbox_comes_back_on_the_same_port(tmp_path: Path) -> None:
    state = tmp_path / "sandbox"
    first = ensure_sandbox(state_dir=state)
    try:
        port = first.port
        remembered = (state / sandbox_config.PORT_FILE).read_text().strip()
        assert remembered == str(port)
    finally:
        first.stop()
    second = ensure_sandbox(state_dir=state)
    try:
        assert second.port == port
    finally:
        second.stop()


def test_a_taken_preferred_port_moves_to_the_next_and_is_remembered(tmp_path: Path) -> None:
    state = tmp_path / "sandbox"
    holder = ensure_sandbox(state_dir=tmp_path / "other")  # holds some port in 8700..
    try:
        state.mkdir()
        (state / sandbox_config.PORT_FILE).write_text(f"{holder.port}\n")
        moved = ensure_sandbox(state_dir=state)
        try:
            assert moved.port != holder.port
            assert (state / sandbox_config.PORT_FILE).read_text().strip() == str(moved.port)
        finally:
            moved.stop()
    finally:
        holder.stop()
