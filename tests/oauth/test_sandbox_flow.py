"""The whole login against carman's real sandbox, through the real loopback listener.

An httpx client plays the browser: it walks the sandbox's Connect HTML pages (brand, sign in,
grant) and follows the final redirect to the listener. Then requests are sent through the
workspace's pipeline, with the sandbox's clock (and carman's) moved past expiry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import socket
import stat
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from tests.oauth.oauth_fakes import Clock
from tui import cli
from tui.core import paths
from tui.core.environments import save_environment
from tui.core.model import Auth, AuthKind, Request
from tui.core.oauth.flow import LoginError, LoginFlow
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.oauth.token_store import TokenStore
from tui.core.workspace import Workspace, builtin_environments
from tui.sandbox import Sandbox, start_sandbox

ODOMETER = "{{api_url}}/v2.0/vehicles/{{vehicle_id}}/odometer"


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    # State outside the XDG tree: its own token records must not confuse the leak scan.
    with start_sandbox(state_dir=tmp_path / "sandbox-state", seed=3) as running:
        yield running


def point_at(workspace: Workspace, sandbox: Sandbox) -> None:
    """What ``attach_sandbox`` does, for this test's sandbox."""
    for name in ("connect_url", "auth_url", "api_url", "mgmt_url"):
        workspace.set_environment_variable(name, sandbox.base_url)
    workspace.set_environment_variable("client_id", sandbox.client_id)
    workspace.secrets.set_client_secret(sandbox.client_id, sandbox.client_secret)


@pytest.fixture
async def manager(xdg: Path, sandbox: Sandbox, clock: Clock) -> AsyncIterator[TokenManager]:
    workspace = Workspace().load("sandbox")
    point_at(workspace, sandbox)
    mgr = TokenManager(workspace, clock=clock)
    workspace.set_token_source(mgr)
    yield mgr
    await workspace.aclose()


@pytest.fixture
async def flow(manager: TokenManager, sandbox: Sandbox) -> AsyncIterator[LoginFlow]:
    settings = dataclasses.replace(
        manager.require_settings(), redirect_uri="http://127.0.0.1:0/exchange"
    )
    login = manager.login(settings, timeout=60)
    login.start()
    sandbox.register_redirect_uri(login.settings.redirect_uri)  # now with the real port
    yield login
    login.stop()


def _hidden(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


async def browse_connect(url: str, email: str, *, deny: bool = False) -> httpx.Response:
    """A browser on the sandbox's Connect pages; returns the listener's final page."""
    action = urljoin(url, "/oauth/authorize")  # every form posts there
    async with httpx.AsyncClient(timeout=10, follow_redirects=True) as browser:
        page = await browser.get(url)
        assert page.status_code == 200, page.text
        page = await browser.post(action, data={**_hidden(page.text), "brand": "TESLA"})
        assert 'name="username"' in page.text
        form = {**_hidden(page.text), "username": email, "password": "any"}
        page = await browser.post(action, data=form)
        if _hidden(page.text).get("step") != "grant":
            return page  # Connect ended at once (an error redirect, already followed)
        vehicles = re.findall(r'name="vehicle" value="([^"]+)"', page.text)
        grant: dict[str, str | list[str]] = {
            **_hidden(page.text),
            "action": "deny" if deny else "approve",
            "vehicle": vehicles,
        }
        return await browser.post(action, data=grant)


def odometer() -> Request:
    return Request(name="Odometer", url=ODOMETER, auth=Auth(kind=AuthKind.OAUTH2))


async def log_in(flow: LoginFlow, email: str = "2-vehicles@smartcar.com") -> None:
    waiting = asyncio.create_task(flow.wait())
    page = await browse_connect(flow.authorize_url, email)
    assert page.status_code == 200 and "close this tab" in page.text
    await waiting


async def test_full_flow_then_send(manager: TokenManager, flow: LoginFlow) -> None:
    waiting = asyncio.create_task(flow.wait())
    page = await browse_connect(flow.authorize_url, "2-vehicles@smartcar.com")
    assert page.status_code == 200 and "close this tab" in page.text
    assert str(page.url).startswith(flow.settings.redirect_uri)
    result = await waiting
    assert result.vehicle_count == 2 and len(result.vehicle_ids) == 2
    assert manager.workspace.variables.get("vehicle_id") == result.vehicle_ids[0]
    assert manager.state().status == TokenStatus.VALID
    exchange, _ = await manager.workspace.send(None, odometer())
    assert exchange.response is not None and exchange.response.status == 200
    assert "distance" in exchange.response.json()


async def test_both_clocks_past_expiry_refresh_once_before_sending(
    manager: TokenManager, flow: LoginFlow, sandbox: Sandbox, clock: Clock
) -> None:
    await log_in(flow)
    settings = manager.require_settings()
    before = manager.stored(settings)
    sandbox.clock.advance(7200)
    clock.advance(7200)
    exchange, _ = await manager.workspace.send(None, odometer())
    assert exchange.response is not None and exchange.response.status == 200
    assert not exchange.refreshed_token
    assert manager.refresh_count == 1
    after = manager.stored(settings)
    assert before and after and after.refresh_token != before.refresh_token  # rotated, saved


async def test_only_the_sandbox_clock_moved_the_401_path_refreshes(
    manager: TokenManager, flow: LoginFlow, sandbox: Sandbox
) -> None:
    await log_in(flow)
    sandbox.clock.advance(7300)  # carman still believes the token is good
    exchange, _ = await manager.workspace.send(None, odometer())
    assert exchange.response is not None and exchange.response.status == 200
    assert exchange.refreshed_token
    assert manager.refresh_count == 1


async def test_ten_concurrent_sends_refresh_once(
    manager: TokenManager, flow: LoginFlow, sandbox: Sandbox, clock: Clock
) -> None:
    await log_in(flow)
    sandbox.clock.advance(7200)
    clock.advance(7200)
    results = await asyncio.gather(*(manager.workspace.send(None, odometer()) for _ in range(10)))
    assert [ex.response.status for ex, _ in results if ex.response] == [200] * 10
    assert manager.refresh_count == 1


async def test_ten_concurrent_401s_refresh_once(
    manager: TokenManager, flow: LoginFlow, sandbox: Sandbox
) -> None:
    await log_in(flow)
    sandbox.clock.advance(7300)
    results = await asyncio.gather(*(manager.workspace.send(None, odometer()) for _ in range(10)))
    assert [ex.response.status for ex, _ in results if ex.response] == [200] * 10
    assert manager.refresh_count == 1


async def test_deny_is_reported_in_words(manager: TokenManager, flow: LoginFlow) -> None:
    waiting = asyncio.create_task(flow.wait())
    page = await browse_connect(flow.authorize_url, "2-vehicles@smartcar.com", deny=True)
    assert page.status_code == 200
    with pytest.raises(LoginError, match="Access was denied"):
        await waiting
    assert manager.state().status == TokenStatus.NONE


async def test_incompatible_vehicle_is_reported_in_words(flow: LoginFlow) -> None:
    waiting = asyncio.create_task(flow.wait())
    await browse_connect(flow.authorize_url, "smartcar@vehicle-incompatible.com")
    with pytest.raises(LoginError, match="not compatible"):
        await waiting


async def test_a_forged_callback_gets_no_token(
    manager: TokenManager, flow: LoginFlow, sandbox: Sandbox
) -> None:
    # A real code from the sandbox, delivered with a forged state: refused, never exchanged.
    location = sandbox.approve(flow.authorize_url, "1-vehicles@smartcar.com")
    forged = re.sub(r"state=[^&]+", "state=forged", location)
    waiting = asyncio.create_task(flow.wait())
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(forged)).status_code == 400
        # The listener decided before it answered: refused, noted, still waiting.
        assert flow.listener is not None and not flow.listener.done
        assert any("wrong state" in event for event in flow.events)
        assert not waiting.done()
        assert manager.state().status == TokenStatus.NONE
        assert (await client.get(location)).status_code == 200
    await waiting
    assert manager.state().status == TokenStatus.VALID


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_cli_login_with_approve_as(
    xdg: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sandbox announced on carman's own sandbox directory: ``open_cli_session`` finds it.
    with start_sandbox(state_dir=paths.sandbox_dir(), seed=5, announce=True) as sandbox:
        redirect = f"http://localhost:{free_port()}/exchange"
        sandbox.register_redirect_uri(redirect)
        envs, _ = builtin_environments()
        env = next(e for e in envs if e.name == "sandbox")
        assert env.oauth2 is not None
        env.oauth2.redirect_uri = redirect
        env.read_only = False
        save_environment(env)  # the user's copy of "sandbox" with another redirect URI

        code = cli.main(["login", "--env", "sandbox", "--approve-as", "3-vehicles@smartcar.com"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        assert "3 vehicles authorised" in captured.out
        token = TokenStore().get("sandbox", sandbox.client_id)
        assert token is not None and token.access_token not in captured.out

        assert cli.main(["token", "--env", "sandbox"]) == 0
        out = capsys.readouterr().out
        assert "valid, 1h59m left" in out or "valid, 2h00m left" in out
        assert token.access_token not in out

        assert cli.main(["login", "--env", "sandbox", "--approve-as", "not-an-email"]) == 1
        assert "login failed" in capsys.readouterr().err

    assert stat.S_IMODE(paths.tokens_file().stat().st_mode) == 0o600
    # Outside the sandbox's own state, no token and no client secret lies around.
    needles = {token.access_token, token.refresh_token or "", sandbox.client_secret}
    for path in xdg.rglob("*"):
        if not path.is_file() or path in (paths.tokens_file(), paths.secrets_file()):
            continue
        if paths.sandbox_dir() in path.parents:
            continue
        content = path.read_bytes()
        assert not [n for n in needles if n and n.encode() in content], path
