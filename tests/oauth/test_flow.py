"""LoginFlow end to end against the fake provider, through the real loopback listener."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.oauth.oauth_fakes import CLIENT_SECRET, Clock, FakeProvider
from tui.core import paths
from tui.core.oauth.callback import InvalidCallback
from tui.core.oauth.flow import LoginError, LoginFlow
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.workspace import Workspace


@pytest.fixture
async def manager(workspace: Workspace, clock: Clock) -> AsyncIterator[TokenManager]:
    mgr = TokenManager(workspace, clock=clock)
    workspace.set_token_source(mgr)
    yield mgr
    await workspace.aclose()


@pytest.fixture
async def flow(manager: TokenManager) -> AsyncIterator[LoginFlow]:
    login = manager.login(manager.require_settings(), timeout=60)
    login.start()
    yield login
    login.stop()


async def browse(url: str) -> httpx.Response:
    """The browser's part: follow the redirect to the listener."""
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(url)


async def test_full_flow_through_the_listener(
    manager: TokenManager, flow: LoginFlow, provider: FakeProvider
) -> None:
    # The redirect URI asked for port 0; the flow now names the real one everywhere.
    assert flow.port and f"%3A{flow.port}%2Fcallback" in flow.authorize_url
    assert flow.settings.redirect_uri == f"http://127.0.0.1:{flow.port}/callback"
    code = provider.issue_code(flow.settings.redirect_uri)
    waiting = asyncio.create_task(flow.wait())
    page = await browse(f"{flow.settings.redirect_uri}?code={code}&state={flow.state}")
    assert page.status_code == 200 and "close this tab" in page.text
    result = await waiting
    assert result.vehicle_count == 2
    assert result.vehicle_ids == provider.vehicle_ids
    assert manager.workspace.variables.get("vehicle_id") == provider.vehicle_ids[0]
    assert "2 vehicles authorised" in result.summary
    assert result.token.access_token in provider.access
    assert manager.state().status == TokenStatus.VALID
    assert provider.token_requests[-1]["form"]["redirect_uri"] == flow.settings.redirect_uri
    assert provider.exchange_calls == 1
    # Done: the port is free again for the next login (replays were answered meanwhile).
    with pytest.raises(httpx.ConnectError):
        await browse(f"{flow.settings.redirect_uri}?code={code}&state={flow.state}")


async def test_a_forged_callback_gets_no_token(
    manager: TokenManager, flow: LoginFlow, provider: FakeProvider
) -> None:
    code = provider.issue_code(flow.settings.redirect_uri)
    waiting = asyncio.create_task(flow.wait())
    forged = await browse(f"{flow.settings.redirect_uri}?code={code}&state=guessed")
    assert forged.status_code == 400
    # The listener decided before it answered: refused, noted, still waiting.
    assert flow.listener is not None and not flow.listener.done
    assert not waiting.done()
    assert provider.exchange_calls == 0
    assert manager.state().status == TokenStatus.NONE
    assert any("wrong state" in event for event in flow.events)
    assert (await browse(f"{flow.settings.redirect_uri}?code={code}&state={flow.state}")).is_success
    await waiting
    assert provider.exchange_calls == 1


async def test_access_denied_is_a_login_error_in_words(
    manager: TokenManager, flow: LoginFlow, provider: FakeProvider
) -> None:
    waiting = asyncio.create_task(flow.wait())
    await browse(
        f"{flow.settings.redirect_uri}?error=access_denied"
        f"&error_description=User+denied+access+to+application.&state={flow.state}"
    )
    with pytest.raises(LoginError, match="Access was denied") as caught:
        await waiting
    assert caught.value.callback is not None and caught.value.callback.error == "access_denied"
    assert provider.exchange_calls == 0
    assert manager.state().status == TokenStatus.NONE


async def test_pasted_redirects(
    manager: TokenManager, flow: LoginFlow, provider: FakeProvider
) -> None:
    code = provider.issue_code(flow.settings.redirect_uri)
    with pytest.raises(InvalidCallback, match="different state"):
        await flow.complete_with_pasted(f"{flow.settings.redirect_uri}?code={code}&state=old")
    assert provider.exchange_calls == 0
    result = await flow.complete_with_pasted(
        f"{flow.settings.redirect_uri}?code={code}&state={flow.state}"
    )
    assert result.vehicle_count == 2
    assert flow.listener is not None and flow.listener.done  # the paste stopped the listener
    with pytest.raises(LoginError, match="already completed"):
        await flow.complete_with_code(code)


async def test_a_refused_code_is_a_login_error(flow: LoginFlow) -> None:
    with pytest.raises(LoginError, match="could not be exchanged"):
        await flow.complete_with_pasted("not-a-real-code")


async def test_timeout_and_cancel(manager: TokenManager) -> None:
    quick = manager.login(manager.require_settings(), timeout=0.05)
    with pytest.raises(LoginError, match="No answer arrived"):
        await quick.wait()
    slow = manager.login(manager.require_settings(), timeout=60)
    slow.start()
    waiting = asyncio.create_task(slow.wait())
    await asyncio.sleep(0)
    slow.cancel()
    with pytest.raises(LoginError, match="cancelled"):
        await waiting


async def test_no_api_url_means_no_vehicle_count(
    manager: TokenManager, flow: LoginFlow, provider: FakeProvider
) -> None:
    manager.workspace.set_environment_variable("api_url", "http://127.0.0.1:9/nothing")
    # token_url is already resolved in the flow's settings, so only the vehicle call fails.
    result = await flow.complete_with_code(provider.issue_code(flow.settings.redirect_uri))
    assert result.vehicle_count is None
    assert result.vehicle_error and "Could not list the vehicles" in result.vehicle_error
    assert "Logged in to fake" in result.summary


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


async def test_files_are_private_and_secrets_stay_in_their_files(
    manager: TokenManager, flow: LoginFlow, provider: FakeProvider, clock: Clock, xdg: Path
) -> None:
    waiting = asyncio.create_task(flow.wait())
    code = provider.issue_code(flow.settings.redirect_uri)
    await browse(f"{flow.settings.redirect_uri}?code={code}&state={flow.state}")
    await waiting
    clock.advance(7200)
    provider.offset = 7200
    await manager.access_token(manager.require_settings())  # a refresh rotates both tokens
    manager.workspace.set_session({"note": "hello"})  # other files get written too
    assert provider.refresh_calls == 1

    tokens, secrets = paths.tokens_file(), paths.secrets_file()
    for path in (tokens, secrets):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.private_dir().stat().st_mode) == 0o700
    needles = {*provider.issued, CLIENT_SECRET}
    assert len(needles) == 5
    for path in all_files(xdg):
        if path in (tokens, secrets):
            continue
        content = path.read_bytes()
        leaked = [n for n in needles if n.encode() in content]
        assert not leaked, f"{path} holds a secret"
