"""The application token (API Authentication): fetched, cached, shared and renewed by carman;
the auth models decide which token an ``app_token`` request carries."""

from __future__ import annotations

import asyncio
import json
import stat

import pytest

from tests.oauth.oauth_fakes import Clock
from tests.v3.conftest import log_in, request_at, send
from tui.core import paths
from tui.core.errors import CarmanError
from tui.core.model import Auth, AuthKind, AuthModel, Request
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.oauth.token_store import APP_TOKENS, TOKENS, TokenStore
from tui.core.send import NeedsLogin
from tui.sandbox import Sandbox


async def test_the_token_file_is_private_and_holds_no_client_secret(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    await log_in(manager, sandbox)
    await send(manager.workspace, "Connections", "List connections")
    path = paths.tokens_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert sandbox.client_secret not in text
    data = json.loads(text)
    # Both kinds, each in its own section, for the same environment and client id.
    entry = data[APP_TOKENS]["sandbox"][sandbox.client_id]
    assert set(entry) >= {"access_token", "expires_at"} and entry["refresh_token"] is None
    assert data[TOKENS]["sandbox"][sandbox.client_id]["refresh_token"]


async def test_concurrent_sends_share_one_fetch_and_a_second_process_reuses_it(
    manager: TokenManager, sandbox: Sandbox, clock: Clock
) -> None:
    await log_in(manager, sandbox)
    workspace = manager.workspace
    collection, request = request_at(workspace, "Connections", "List connections")
    answers = await asyncio.gather(*(workspace.send(collection, request) for _ in range(6)))
    assert all(exchange.response.status == 200 for exchange, _ in answers)  # type: ignore[union-attr]
    assert manager.app.fetch_count == 1
    # Another carman process (a second manager on the same files) uses the cached token.
    other = TokenManager(workspace, clock=clock, store=TokenStore())
    assert await other.app_token() == manager.app.cached().access_token  # type: ignore[union-attr]
    assert other.app.fetch_count == 0


async def test_token_changes_are_announced(manager: TokenManager, sandbox: Sandbox) -> None:
    heard: list[str] = []
    manager.subscribe(lambda: heard.append(manager.app_state().status.value))
    await manager.app_token()
    assert heard == ["valid"]  # the header hears of the new token
    assert manager.app.forget()
    assert heard[-1] == "none"


async def test_app_token_variable_follows_the_auth_model(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    workspace = manager.workspace
    await log_in(manager, sandbox)
    assert workspace.variables.get("app_token") is None  # api: nothing fetched yet
    token = await manager.app_token()
    assert workspace.variables.get("app_token") == token
    assert token in workspace.secret_values()  # masked wherever it could show
    # connect: app_token requests (and {{app_token}}) carry the per-vehicle token.
    assert workspace.environment is not None
    workspace.environment.auth_model = AuthModel.CONNECT
    vehicle_token = manager.stored(manager.require_settings())
    assert vehicle_token is not None
    assert workspace.variables.get("app_token") == vehicle_token.access_token
    assert await manager.app_token() == vehicle_token.access_token


async def test_connect_model_reads_v3_with_the_per_vehicle_token(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    workspace = manager.workspace
    assert workspace.environment is not None
    workspace.environment.auth_model = AuthModel.CONNECT
    await log_in(manager, sandbox, "2-vehicles@smartcar.com")
    exchange, _ = await send(workspace, "Vehicle", "Signal")
    assert exchange.response.status == 200  # the legacy bearer works on v3 reads
    vehicle_token = manager.stored(manager.require_settings())
    assert ("Authorization", f"Bearer {vehicle_token.access_token}") in exchange.request.headers  # type: ignore[union-attr]
    assert manager.app.fetch_count == 0
    # Connections take the application token only: the answer says so in words.
    exchange, _ = await send(workspace, "Connections", "List connections")
    assert exchange.response.status == 401
    from tui.core.smartcar.explainer import explain

    advice = "\n".join(explain(exchange).advice)  # type: ignore[union-attr]
    assert 'auth_model = "api"' in advice


async def test_a_wrong_secret_is_said_plainly_and_the_cache_dropped(
    manager: TokenManager, sandbox: Sandbox, clock: Clock
) -> None:
    await manager.app_token()
    assert manager.app.cached() is not None
    manager.workspace.secrets.set_client_secret(sandbox.client_id, "not-the-secret")
    clock.advance(3600)  # due: the next request needs a new one
    request = Request(
        name="Connections",
        url="{{vehicle_url}}/v3/connections",
        auth=Auth(kind=AuthKind.APP_TOKEN),
    )
    with pytest.raises(CarmanError) as caught:
        await manager.workspace.send(None, request)
    message = str(caught.value)
    assert "Application token" in message and "invalid_client" in message
    assert sandbox.client_id in message and "not-the-secret" not in message
    assert manager.app.cached() is None  # refused credentials: nothing kept to try again


async def test_no_secret_asks_for_a_login(manager: TokenManager, sandbox: Sandbox) -> None:
    manager.workspace.secrets.forget_client_secret(sandbox.client_id)
    with pytest.raises(NeedsLogin) as caught:
        await manager.app_token()
    assert "ctrl+o" in str(caught.value) and sandbox.client_id in str(caught.value)


async def test_app_state_never_asks_the_user(manager: TokenManager, clock: Clock) -> None:
    assert manager.app_state().status == TokenStatus.NONE
    await manager.app_token()
    assert manager.app_state().status == TokenStatus.VALID
    clock.advance(3600)
    state = manager.app_state()
    assert state.status == TokenStatus.REFRESHABLE and "Renewed" in state.message


async def test_an_unreachable_token_endpoint_keeps_a_token_that_is_only_due(
    manager: TokenManager, clock: Clock
) -> None:
    from tests.net import free_port

    token = await manager.app_token()
    manager.workspace.set_environment_variable("iam_url", f"http://127.0.0.1:{free_port()}")
    clock.advance(3600 - 60)  # inside the renewal margin, not expired
    assert await manager.app_token() == token
    clock.advance(120)  # expired now: no token to fall back on
    with pytest.raises(CarmanError) as caught:
        await manager.app_token()
    assert "refused" in str(caught.value) or "reach" in str(caught.value)


async def test_history_and_curl_never_hold_the_application_token(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    """A v3 send recorded in history, and copied as curl: the token is masked in both."""
    from tui.core.exporters.curl import curl_from_prepared
    from tui.core.session import Session

    workspace = manager.workspace
    session = Session(workspace, manager)
    recorder = session.open_history()
    await log_in(manager, sandbox)
    exchange, _ = await send(workspace, "Vehicle", "Signal")
    token = manager.app.cached()
    assert token is not None and exchange.response.status == 200
    assert recorder.flush(timeout=30)
    recorder.close()
    database = paths.data_dir() / "history.sqlite3"
    written = b"".join(p.read_bytes() for p in database.parent.glob("history.sqlite3*"))
    assert token.access_token.encode() not in written
    assert b"/signals/odometer-traveleddistance" in written  # it was recorded
    collection, request = request_at(workspace, "Vehicle", "Signal")
    command = curl_from_prepared(
        workspace.prepare(collection, request), secrets=workspace.secret_values()
    )
    assert "Authorization: Bearer {{app_token}}" in command
    assert token.access_token not in command
