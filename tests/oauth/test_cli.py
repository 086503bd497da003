"""``carman login`` and ``carman token`` against the fake provider."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.oauth.oauth_fakes import CLIENT_ID, CLIENT_SECRET, FakeProvider, fake_environment
from tui import cli
from tui.cli import login as login_command
from tui.core.environments import save_environment
from tui.core.model import Environment
from tui.core.oauth import flow as flow_module
from tui.core.oauth.token_store import TokenStore
from tui.core.secrets import SecretsStore

STATE = "fixed-test-state"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def setup_env(xdg: Path, provider: FakeProvider) -> Callable[[str], Environment]:
    def make(redirect_uri: str) -> Environment:
        env = fake_environment(provider, redirect_uri)
        save_environment(env)
        SecretsStore().set_client_secret(CLIENT_ID, CLIENT_SECRET)
        return env

    return make


@pytest.fixture
def fixed_state(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(flow_module, "new_state", lambda: STATE)
    return STATE


def run_in_thread(argv: list[str]) -> tuple[threading.Thread, list[int]]:
    codes: list[int] = []
    thread = threading.Thread(target=lambda: codes.append(cli.main(argv)), daemon=True)
    thread.start()
    return thread, codes


@pytest.fixture
def listening(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Set once the CLI's listener is up (it prints the waiting line right after)."""
    ready = threading.Event()
    original = login_command._print_waiting

    def wrapped(*args: object) -> None:
        original(*args)  # type: ignore[arg-type]
        ready.set()

    monkeypatch.setattr(login_command, "_print_waiting", wrapped)
    return ready


def test_login_with_a_pasted_code_and_token_state(
    setup_env: Callable[[str], Environment],
    provider: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_env("http://localhost:8000/exchange")
    assert cli.main(["token", "--env", "fake"]) == 1
    assert "not logged in" in capsys.readouterr().out

    code = provider.issue_code("http://localhost:8000/exchange")
    monkeypatch.setattr("sys.stdin", io.StringIO(code + "\n"))
    assert cli.main(["login", "--env", "fake", "--paste"]) == 0
    out = capsys.readouterr().out
    assert "/oauth/authorize?response_type=code" in out
    assert "2 vehicles authorised" in out
    token = TokenStore().get("fake", CLIENT_ID)
    assert token is not None
    assert token.access_token not in out and token.refresh_token not in out

    assert cli.main(["token", "--env", "fake"]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "read_vehicle_info" in out
    assert token.access_token not in out and token.refresh_token not in out
    assert cli.main(["token", "--env", "fake", "--show"]) == 0
    assert token.access_token in capsys.readouterr().out


def test_pasted_url_with_a_wrong_state_is_bad_input(
    setup_env: Callable[[str], Environment],
    provider: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_env("http://localhost:8000/exchange")
    code = provider.issue_code("http://localhost:8000/exchange")
    pasted = f"http://localhost:8000/exchange?code={code}&state=someone-elses"
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted + "\n"))
    assert cli.main(["login", "--env", "fake", "--paste"]) == 2
    assert "different state" in capsys.readouterr().err
    assert provider.exchange_calls == 0


def test_login_through_the_listener(
    setup_env: Callable[[str], Environment],
    provider: FakeProvider,
    fixed_state: str,
    listening: threading.Event,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    port = free_port()
    redirect = f"http://127.0.0.1:{port}/callback"
    setup_env(redirect)
    thread, codes = run_in_thread(["login", "--env", "fake", "--timeout", "60"])
    assert listening.wait(30)
    forged = httpx.get(f"{redirect}?code=x&state=wrong", timeout=10)
    assert forged.status_code == 400
    code = provider.issue_code(redirect)
    assert httpx.get(f"{redirect}?code={code}&state={fixed_state}", timeout=10).is_success
    thread.join(30)
    assert codes == [0]
    captured = capsys.readouterr()
    assert f"ssh -L {port}:localhost:{port}" in captured.out
    assert "2 vehicles authorised" in captured.out
    assert "wrong state" in captured.err  # the refused forgery was reported
    assert provider.exchange_calls == 1


def test_denied_login_exits_1_in_words(
    setup_env: Callable[[str], Environment],
    fixed_state: str,
    listening: threading.Event,
    capsys: pytest.CaptureFixture[str],
) -> None:
    redirect = f"http://127.0.0.1:{free_port()}/callback"
    setup_env(redirect)
    thread, codes = run_in_thread(["login", "--env", "fake", "--timeout", "60"])
    assert listening.wait(30)
    httpx.get(f"{redirect}?error=access_denied&state={fixed_state}", timeout=10)
    thread.join(30)
    assert codes == [1]
    assert "Access was denied" in capsys.readouterr().err


def test_busy_port_exits_1_with_the_remedy(
    setup_env: Callable[[str], Environment], capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        setup_env(f"http://localhost:{port}/exchange")
        assert cli.main(["login", "--env", "fake"]) == 1
    err = capsys.readouterr().err
    assert f"Port {port} is in use by another program" in err
    assert "--paste" in err


def test_bad_input(
    setup_env: Callable[[str], Environment], capsys: pytest.CaptureFixture[str]
) -> None:
    setup_env("http://localhost:8000/exchange")
    assert cli.main(["login", "--env", "fake", "--paste", "--approve-as", "a@b.c"]) == 2
    assert cli.main(["login", "--env", "nowhere"]) == 2
    assert "Unknown environment 'nowhere'" in capsys.readouterr().err
    save_environment(Environment(name="plain", variables={"x": "1"}))
    assert cli.main(["login", "--env", "plain"]) == 2
    assert "no [oauth2] settings" in capsys.readouterr().err
    assert cli.main(["token", "--env", "plain"]) == 2


def test_missing_secret_without_a_terminal(
    setup_env: Callable[[str], Environment],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_env("http://localhost:8000/exchange")
    SecretsStore().forget_client_secret(CLIENT_ID)
    monkeypatch.setattr("sys.stdin", io.StringIO("code\n"))
    assert cli.main(["login", "--env", "fake", "--paste"]) == 2
    assert f"No client secret is stored for client id '{CLIENT_ID}'" in capsys.readouterr().err
