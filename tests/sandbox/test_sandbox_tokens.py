"""The token endpoint: client auth, code exchange, expiry on the sandbox clock, rotation."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tui.sandbox import Sandbox

REDIRECT_URI = "http://localhost:8000/exchange"


@pytest.fixture
def code(sandbox: Sandbox, authorize_url: Callable[..., str], qs) -> Callable[[], str]:
    return lambda: qs(
        sandbox.approve(authorize_url(scope="read_odometer read_vin"), "t@example.com")
    )["code"]


def exchange(http: httpx.Client, sandbox: Sandbox, **form: str) -> httpx.Response:
    return http.post("/oauth/token", data=form, auth=(sandbox.client_id, sandbox.client_secret))


def test_code_exchange_answers_like_smartcar(http: httpx.Client, sandbox: Sandbox, code) -> None:
    answer = exchange(
        http, sandbox, grant_type="authorization_code", code=code(), redirect_uri=REDIRECT_URI
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert len(answer.headers["sc-request-id"]) == 36
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 7200
    assert len(body["access_token"]) == 36 and body["access_token"][14] == "4"  # UUID v4


@pytest.mark.parametrize("auth", [None, ("wrong", "creds"), "Basic !!!not-base64"])
def test_bad_client_credentials(http: httpx.Client, sandbox: Sandbox, code, auth) -> None:
    headers = {"Authorization": auth} if isinstance(auth, str) else {}
    answer = http.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": code()},
        auth=auth if isinstance(auth, tuple) else None,
        headers=headers,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_code_is_single_use(http: httpx.Client, sandbox: Sandbox, code) -> None:
    value = code()
    form = {"grant_type": "authorization_code", "code": value, "redirect_uri": REDIRECT_URI}
    assert exchange(http, sandbox, **form).status_code == 200
    again = exchange(http, sandbox, **form)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_request",
        "error_description": f"Invalid code: {value}.",
    }


def test_code_expires_after_ten_minutes(http: httpx.Client, sandbox: Sandbox, code) -> None:
    fresh, stale = code(), code()
    sandbox.clock.advance(599)
    assert (
        exchange(
            http, sandbox, grant_type="authorization_code", code=fresh, redirect_uri=REDIRECT_URI
        ).status_code
        == 200
    )
    sandbox.clock.advance(2)
    late = exchange(
        http, sandbox, grant_type="authorization_code", code=stale, redirect_uri=REDIRECT_URI
    )
    assert late.status_code == 400 and "Invalid code" in late.json()["error_description"]


def test_redirect_uri_must_match(http: httpx.Client, sandbox: Sandbox, code) -> None:
    value = code()
    wrong = exchange(
        http,
        sandbox,
        grant_type="authorization_code",
        code=value,
        redirect_uri="http://127.0.0.1:8000/exchange",
    )
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    missing = exchange(http, sandbox, grant_type="authorization_code", code=value)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
    assert (
        exchange(
            http, sandbox, grant_type="authorization_code", code=value, redirect_uri=REDIRECT_URI
        ).status_code
        == 200
    )


def test_other_clients_cannot_use_a_code(http: httpx.Client, sandbox: Sandbox, code) -> None:
    from tui.sandbox.clients import register_client

    register_client(sandbox._ctx, "other-app", "other-secret")
    value = code()
    answer = http.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": value, "redirect_uri": REDIRECT_URI},
        auth=("other-app", "other-secret"),
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_request"
    wrong_secret = http.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": value},
        auth=(sandbox.client_id, "guess"),
    )
    assert wrong_secret.status_code == 401


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code"}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, "invalid_request"),
    ],
)
def test_malformed_token_requests(
    http: httpx.Client, sandbox: Sandbox, form: dict[str, str], error: str
) -> None:
    answer = exchange(http, sandbox, **form)
    assert answer.status_code == 400 and answer.json()["error"] == error
    assert answer.json()["error_description"]


def test_token_endpoint_wants_post(http: httpx.Client) -> None:
    answer = http.get("/oauth/token")
    assert answer.status_code == 405 and answer.json()["error"] == "invalid_request"


def test_access_token_expires_after_7200_seconds(
    login, http: httpx.Client, sandbox: Sandbox, expect_error
) -> None:
    session = login()
    sandbox.clock.advance(7199)
    assert http.get("/v2.0/user", headers=session.headers).status_code == 200
    sandbox.clock.advance(2)
    expect_error(http.get("/v2.0/user", headers=session.headers), 401, "AUTHENTICATION")


def test_refresh_rotates_with_a_grace_period(login, http: httpx.Client, sandbox: Sandbox) -> None:
    session = login()
    first = exchange(http, sandbox, grant_type="refresh_token", refresh_token=session.refresh_token)
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != session.refresh_token
    assert rotated["access_token"] != session.access_token
    # The old access token stays valid; the old refresh token works for a short grace.
    assert http.get("/v2.0/user", headers=session.headers).status_code == 200
    sandbox.clock.advance(30)
    assert (
        exchange(
            http, sandbox, grant_type="refresh_token", refresh_token=session.refresh_token
        ).status_code
        == 200
    )
    sandbox.clock.advance(31)
    late = exchange(http, sandbox, grant_type="refresh_token", refresh_token=session.refresh_token)
    assert late.status_code == 400
    assert late.json() == {
        "error": "invalid_request",
        "error_description": f"Invalid refresh_token: {session.refresh_token}.",
    }
    newer = exchange(
        http, sandbox, grant_type="refresh_token", refresh_token=rotated["refresh_token"]
    )
    assert newer.status_code == 200
    new_headers = {"Authorization": f"Bearer {newer.json()['access_token']}"}
    assert http.get("/v2.0/user", headers=new_headers).status_code == 200


def test_refresh_token_outlives_access_token(login, http: httpx.Client, sandbox: Sandbox) -> None:
    session = login()
    sandbox.clock.advance(3 * 7200)
    assert http.get("/v2.0/user", headers=session.headers).status_code == 401
    answer = exchange(
        http, sandbox, grant_type="refresh_token", refresh_token=session.refresh_token
    )
    assert answer.status_code == 200
    sandbox.clock.advance(60 * 86400)
    assert (
        exchange(
            http, sandbox, grant_type="refresh_token", refresh_token=answer.json()["refresh_token"]
        ).status_code
        == 400
    )
