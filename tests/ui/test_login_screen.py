"""The login dialog against the real sandbox and the real callback listener."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from textual.widgets import Input

from tests.net import free_port
from tests.ui.helpers import wait_for
from tui.app import CarmanApp
from tui.core.oauth.token_store import TokenStore
from tui.core.session import open_session, point_at_sandbox
from tui.core.workspace import Workspace
from tui.dialogs.login import LoginScreen
from tui.sandbox import start_sandbox


@pytest.fixture
def sandbox_app(xdg: Path):  # type: ignore[no-untyped-def]
    with start_sandbox(state_dir=xdg / "sandbox-state", seed=5) as sandbox:
        redirect = f"http://localhost:{free_port()}/exchange"
        sandbox.register_redirect_uri(redirect)
        workspace = Workspace().load("sandbox")
        point_at_sandbox(workspace, sandbox)
        workspace.set_session({"redirect_uri": redirect})
        open_session(workspace=workspace)
        yield (
            CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox)),
            sandbox,
        )


async def test_login_through_the_sandbox_approve_action(sandbox_app) -> None:  # type: ignore[no-untyped-def]
    app, _ = sandbox_app
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        summary = str(login.query_one("#login-summary").render())
        assert "read_odometer" in summary and "test" in summary
        assert app.clipboard == login.flow.authorize_url  # copied with OSC 52
        await pilot.press("ctrl+a")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), timeout=20)
        state = app.tokens.state()
        assert state.status.value == "valid"
        assert app.workspace.variables.get("vehicle_id")
        header = str(app.screen.query_one("#status-header").render())
        assert "valid" in header


async def test_over_ssh_the_pasted_redirect_completes_the_login(
    sandbox_app,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5555 10.0.0.2 22")
    app, sandbox = sandbox_app
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        assert "ssh -L" in str(login.query_one("#ssh-help").render())
        # The browser (elsewhere) approves; its final address is pasted back by hand.
        location = sandbox.approve(login.flow.authorize_url, "1-vehicles@smartcar.com")
        forged = location.replace(parse_qs(urlsplit(location).query)["state"][0], "forged")
        paste = login.query_one("#paste", Input)
        paste.value = forged
        paste.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "state" in str(login.query_one("#login-result").render()))
        assert app.tokens.state().status.value == "none"  # a wrong state gets no token
        paste.value = location
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), timeout=20)
        assert app.tokens.state().status.value == "valid"


async def test_denied_login_is_reported_in_words(sandbox_app) -> None:  # type: ignore[no-untyped-def]
    app, sandbox = sandbox_app
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        login = app.screen
        location = sandbox.approve(login.flow.authorize_url, "a@b.c", deny=True)
        async with httpx.AsyncClient() as browser:
            await browser.get(location)
        await wait_for(
            pilot, lambda: "denied" in str(login.query_one("#login-result").render()).lower()
        )
        # A denied login stores no token: none for this environment, none in the file.
        assert app.tokens.state().status.value == "none"
        assert TokenStore().keys() == []
        await pilot.press("escape")
        assert not isinstance(app.screen, LoginScreen)
        assert "token: none" in str(app.screen.query_one("#status-header").render())
    assert TokenStore().keys() == []


async def test_esc_while_waiting_says_cancelled_not_failed(sandbox_app) -> None:  # type: ignore[no-untyped-def]
    app, _ = sandbox_app
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert "Login cancelled" in messages
        assert not [n for n in app._notifications if n.severity == "error"]
