"""TokenManager: refresh timing, the 401 path, single-flight refresh, rotation, NeedsLogin."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.oauth.oauth_fakes import CLIENT_ID, Clock, FakeProvider, fake_environment
from tui.core import paths
from tui.core.errors import CarmanError
from tui.core.model import Auth, AuthKind, KeyValue, Request
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.oauth.token_store import REFRESH_LIFETIME, StoredToken, TokenStore
from tui.core.send import NeedsLogin
from tui.core.workspace import Workspace

ODOMETER = "{{api_url}}/v2.0/vehicles/{{vehicle_id}}/odometer"


@pytest.fixture
async def manager(workspace: Workspace, clock: Clock) -> AsyncIterator[TokenManager]:
    mgr = TokenManager(workspace, clock=clock)
    workspace.set_token_source(mgr)
    yield mgr
    await workspace.aclose()


async def log_in(manager: TokenManager, provider: FakeProvider) -> None:
    settings = manager.require_settings()
    flow = manager.login(settings)
    await flow.complete_with_code(provider.issue_code(settings.redirect_uri))


def oauth_request() -> Request:
    return Request(name="Odometer", url=ODOMETER, auth=Auth(kind=AuthKind.OAUTH2))


async def test_no_token_means_log_in(manager: TokenManager) -> None:
    with pytest.raises(NeedsLogin, match="carman login --env fake") as caught:
        await manager.access_token(manager.require_settings())
    assert "ctrl+o" in str(caught.value)
    manager.workspace.set_session({"vehicle_id": "some-vehicle"})
    with pytest.raises(NeedsLogin):
        await manager.workspace.send(None, oauth_request())


async def test_a_fresh_token_is_used_as_is(manager: TokenManager, provider: FakeProvider) -> None:
    await log_in(manager, provider)
    settings = manager.require_settings()
    first = await manager.access_token(settings)
    assert await manager.access_token(settings) == first
    exchange, _ = await manager.workspace.send(None, oauth_request())
    assert exchange.response is not None and exchange.response.status == 200
    assert provider.refresh_calls == 0


async def test_refresh_shortly_before_expiry_saves_the_rotated_token(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    settings = manager.require_settings()
    old = manager.stored(settings)
    assert old is not None
    clock.advance(7200 - 60)  # one minute left: inside the refresh margin
    assert manager.state(settings).status == TokenStatus.REFRESHABLE
    token = await manager.access_token(settings)
    assert provider.refresh_calls == 1
    new = manager.stored(settings)
    assert new is not None and token == new.access_token != old.access_token
    assert new.refresh_token != old.refresh_token
    assert new.refresh_token in provider.refresh  # the rotated one is what was saved
    assert old.refresh_token not in provider.refresh
    assert manager.state(settings).status == TokenStatus.VALID


async def test_a_send_refreshes_a_due_token_first(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    clock.advance(7200)
    provider.offset = 7200  # the provider's clock agrees: the old token is dead there too
    exchange, _ = await manager.workspace.send(None, oauth_request())
    assert exchange.response is not None and exchange.response.status == 200
    assert not exchange.refreshed_token  # refreshed before sending, not after a 401
    assert provider.refresh_calls == 1


async def test_401_means_exactly_one_refresh_and_a_resend(
    manager: TokenManager, provider: FakeProvider
) -> None:
    await log_in(manager, provider)
    provider.revoke_access()  # carman thinks the token is valid; the API disagrees
    exchange, _ = await manager.workspace.send(None, oauth_request())
    assert exchange.response is not None and exchange.response.status == 200
    assert exchange.refreshed_token
    assert provider.refresh_calls == 1


async def test_ten_concurrent_sends_share_one_refresh(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    clock.advance(7200)
    provider.offset = 7200
    results = await asyncio.gather(
        *(manager.workspace.send(None, oauth_request()) for _ in range(10))
    )
    assert [ex.response.status for ex, _ in results if ex.response] == [200] * 10
    assert provider.refresh_calls == 1


async def test_ten_concurrent_401s_share_one_refresh(
    manager: TokenManager, provider: FakeProvider
) -> None:
    await log_in(manager, provider)
    provider.revoke_access()
    results = await asyncio.gather(
        *(manager.workspace.send(None, oauth_request()) for _ in range(10))
    )
    assert [ex.response.status for ex, _ in results if ex.response] == [200] * 10
    assert provider.refresh_calls == 1


async def test_ten_concurrent_callers_of_access_token(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    clock.advance(7100)  # 100 s left: due
    settings = manager.require_settings()
    tokens = await asyncio.gather(*(manager.access_token(settings) for _ in range(10)))
    assert len(set(tokens)) == 1
    assert provider.refresh_calls == 1 == manager.refresh_count


async def test_invalid_refresh_token_needs_login(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    provider.revoke_refresh()
    clock.advance(7200)
    settings = manager.require_settings()
    with pytest.raises(NeedsLogin, match="refresh token was refused") as caught:
        await manager.access_token(settings)
    assert "carman login --env fake" in str(caught.value)
    assert manager.state(settings).status == TokenStatus.NONE  # the dead token is forgotten


async def test_expired_refresh_token_needs_login_without_asking(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    clock.advance(REFRESH_LIFETIME + 1)
    settings = manager.require_settings()
    assert manager.state(settings).status == TokenStatus.EXPIRED
    with pytest.raises(NeedsLogin, match="60 days"):
        await manager.access_token(settings)
    assert provider.refresh_calls == 0


async def test_a_provider_that_does_not_rotate_keeps_the_refresh_token(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    provider.rotate = False
    await log_in(manager, provider)
    settings = manager.require_settings()
    before = manager.stored(settings)
    clock.advance(7200)
    await manager.access_token(settings)
    after = manager.stored(settings)
    assert before and after and after.refresh_token == before.refresh_token
    assert after.refresh_expires_at == before.refresh_expires_at


async def test_missing_client_secret_is_named(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    manager.workspace.secrets.forget_client_secret(CLIENT_ID)
    clock.advance(7200)
    with pytest.raises(
        CarmanError, match=f"No client secret is stored for client id '{CLIENT_ID}'"
    ):
        await manager.access_token(manager.require_settings())


async def test_variables_providers_and_bearer_requests(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    variables = manager.workspace.variables
    assert variables.get("access_token") is None
    await log_in(manager, provider)
    stored = manager.stored(manager.require_settings())
    assert stored is not None
    assert variables.resolve("{{access_token}}").text == stored.access_token
    assert variables.resolve("{{bearerToken}}").text == stored.access_token
    assert variables.resolve("{{refresh_token}}").text == stored.refresh_token
    assert stored.access_token in variables.secret_values()
    # An imported collection: a Bearer auth with {{access_token}}, no OAuth2 auth of its own.
    clock.advance(7200)
    provider.offset = 7200
    request = Request(
        name="Odometer",
        url=ODOMETER,
        headers=[KeyValue("Authorization", "Bearer {{access_token}}")],
    )
    exchange, _ = await manager.workspace.send(None, request)
    assert exchange.response is not None and exchange.response.status == 200
    assert provider.refresh_calls == 1  # ensure_fresh refreshed before the variable resolved


async def test_ensure_fresh_without_a_token_does_nothing(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    settings = manager.require_settings()
    # Another environment's token, long expired: not this environment's, so not touched.
    other = StoredToken.from_response("at-other", "rt-other", 7200, "", clock() - 86400)
    manager.store.put("elsewhere", CLIENT_ID, other)
    path = manager.store.path
    before = (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns)
    await manager.ensure_fresh(settings)
    assert provider.token_requests == []  # no refresh, no exchange: nothing asked
    # Nothing written, not even the same bytes again (a write replaces the file's inode).
    assert (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns) == before
    assert manager.store.keys() == [("elsewhere", CLIENT_ID)]
    assert manager.state(settings).status == TokenStatus.NONE


async def test_state_logout_and_forget_all(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    settings = manager.require_settings()
    assert manager.state(settings).status == TokenStatus.NONE
    await log_in(manager, provider)
    state = manager.state(settings)
    assert state.status == TokenStatus.VALID and state.usable
    assert state.label.startswith("valid 1h59m") or state.label == "valid 2h00m"
    assert manager.state().status == TokenStatus.VALID  # the active environment's settings
    assert manager.logout(settings) is True
    assert manager.state(settings).status == TokenStatus.NONE
    await log_in(manager, provider)
    manager.forget_all()
    assert manager.state(settings).status == TokenStatus.NONE


async def test_a_damaged_token_file_is_reported_not_a_crash(
    manager: TokenManager, provider: FakeProvider
) -> None:
    await log_in(manager, provider)
    paths.tokens_file().write_text("{ broken")
    settings = manager.require_settings()
    state = manager.state(settings)
    assert state.status == TokenStatus.DAMAGED and "damaged" in state.message
    assert manager.workspace.variables.get("access_token") is None  # providers never raise
    with pytest.raises(CarmanError, match="token file is damaged"):
        await manager.access_token(settings)


async def test_another_process_refresh_is_reused(
    manager: TokenManager, provider: FakeProvider, clock: Clock, xdg: Path
) -> None:
    await log_in(manager, provider)
    # A second carman (another workspace, another store object) on the same files.
    other_ws = Workspace()
    env = fake_environment(provider, "http://127.0.0.1:0/callback")
    other_ws.environments = {env.name: env}
    other_ws.select_environment(env.name)
    other = TokenManager(other_ws, store=TokenStore(), clock=clock)
    settings = manager.require_settings()
    clock.advance(7200)
    provider.offset = 7200
    fresh = await other.access_token(settings)
    assert provider.refresh_calls == 1
    # The first one finds the refreshed token on disk instead of refreshing again.
    assert await manager.access_token(settings) == fresh
    old_exchange_token = fresh
    provider.revoke_access()
    other_new = await other.access_token(settings, stale=old_exchange_token)
    assert await manager.access_token(settings, stale=old_exchange_token) == other_new
    assert provider.refresh_calls == 2


async def test_an_unreachable_token_endpoint_does_not_block_a_still_valid_token(
    manager: TokenManager, provider: FakeProvider, clock: Clock
) -> None:
    await log_in(manager, provider)
    settings = manager.require_settings()
    current = manager.stored(settings)
    assert current is not None
    provider.stop()
    clock.advance(7200 - 60)  # due for refresh, but not expired
    assert await manager.access_token(settings) == current.access_token
    clock.advance(120)  # now expired: the failure is reported
    with pytest.raises(CarmanError, match="Could not reach the token endpoint"):
        await manager.access_token(settings)
    assert manager.stored(settings) is not None  # a network problem forgets nothing
