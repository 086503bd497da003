"""Code exchange and refresh against a real (fake) token endpoint."""

from __future__ import annotations

import base64

import pytest

from tests.oauth.oauth_fakes import CLIENT_ID, CLIENT_SECRET, FakeProvider, fake_settings
from tui.core.oauth.token_client import TokenError, exchange_code, refresh_tokens

REDIRECT = "http://localhost:8000/exchange"


async def test_exchange_sends_basic_auth_and_the_sdk_form(provider: FakeProvider) -> None:
    settings = fake_settings(provider, REDIRECT)
    code = provider.issue_code(REDIRECT)
    tokens = await exchange_code(settings, CLIENT_SECRET, code)
    assert tokens.expires_in == 7200 and tokens.token_type == "Bearer"
    assert tokens.access_token in provider.access
    sent = provider.token_requests[-1]
    assert (
        sent["auth"]
        == "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    )
    assert sent["form"] == {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
    }
    assert tokens.access_token not in repr(tokens)


async def test_refresh_rotates(provider: FakeProvider) -> None:
    settings = fake_settings(provider, REDIRECT)
    first = await exchange_code(settings, CLIENT_SECRET, provider.issue_code(REDIRECT))
    assert first.refresh_token
    second = await refresh_tokens(settings, CLIENT_SECRET, first.refresh_token)
    assert provider.token_requests[-1]["form"] == {
        "grant_type": "refresh_token",
        "refresh_token": first.refresh_token,
    }
    assert second.refresh_token and second.refresh_token != first.refresh_token


async def test_invalid_refresh_token_needs_login_and_is_not_echoed(
    provider: FakeProvider,
) -> None:
    settings = fake_settings(provider, REDIRECT)
    with pytest.raises(TokenError) as caught:
        await refresh_tokens(settings, CLIENT_SECRET, "dead-refresh-token-value")
    error = caught.value
    assert error.needs_login and error.error == "invalid_request" and error.status == 400
    assert "log in again" in str(error)
    assert "dead-refresh-token-value" not in str(error)
    assert "dead-refresh-token-value" not in error.description


async def test_bad_code_is_a_clear_error(provider: FakeProvider) -> None:
    with pytest.raises(TokenError, match="could not be exchanged") as caught:
        await exchange_code(fake_settings(provider, REDIRECT), CLIENT_SECRET, "bad-code-1234")
    assert not caught.value.needs_login
    assert "bad-code-1234" not in str(caught.value)


async def test_wrong_secret_names_the_client(provider: FakeProvider) -> None:
    with pytest.raises(TokenError, match="client credentials") as caught:
        await exchange_code(fake_settings(provider, REDIRECT), "wrong-secret", "c")
    assert caught.value.error == "invalid_client"
    assert "wrong-secret" not in str(caught.value)


async def test_unreachable_endpoint(provider: FakeProvider) -> None:
    settings = fake_settings(provider, REDIRECT)
    provider.stop()
    with pytest.raises(TokenError, match="Could not reach the token endpoint") as caught:
        await exchange_code(settings, CLIENT_SECRET, "c")
    assert caught.value.error == "network"


async def test_non_json_answer(provider: FakeProvider) -> None:
    settings = fake_settings(provider, REDIRECT)
    settings.token_url = provider.base_url + "/not-json"
    with pytest.raises(TokenError):
        await exchange_code(settings, CLIENT_SECRET, "c")
