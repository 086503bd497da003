"""The authorize URL matches what the official Smartcar SDK emits."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import smartcar

from tui.core.model import OAuth2Settings
from tui.core.oauth.authorize import build_authorize_url, new_state


def test_matches_the_smartcar_sdk_exactly() -> None:
    scope = ["read_odometer", "required:read_vin"]
    sdk = smartcar.AuthClient(
        "CID", "secret", "http://localhost:8000/exchange", mode="test"
    ).get_auth_url(
        scope,
        {
            "force_prompt": True,
            "state": "xyz",
            "make_bypass": "TESLA",
            "single_select": {"enabled": True},
            "flags": {"country": "DE"},
        },
    )
    ours = build_authorize_url(
        OAuth2Settings(
            client_id="CID",
            authorize_url="https://connect.smartcar.com/oauth/authorize",
            token_url="https://auth.smartcar.com/oauth/token",
            redirect_uri="http://localhost:8000/exchange",
            scope=scope,
            mode="test",
            make="TESLA",
            single_select=True,
            country="de",
            approval_prompt="force",
        ),
        "xyz",
    )
    assert urlsplit(ours).query == urlsplit(sdk).query
    assert ours.startswith("https://connect.smartcar.com/oauth/authorize?response_type=code&")
    assert "scope=read_odometer+required%3Aread_vin" in ours


def test_minimal_settings_and_auto_prompt() -> None:
    sdk = smartcar.AuthClient("CID", "s", "http://localhost:8000/exchange", mode="live")
    expected = urlsplit(sdk.get_auth_url(["read_vin"], {"state": "st"})).query
    ours = build_authorize_url(
        OAuth2Settings(
            client_id="CID",
            authorize_url="https://c.example/oauth/authorize",
            scope=["read_vin"],
            mode="live",
            approval_prompt="auto",
        ),
        "st",
    )
    assert urlsplit(ours).query == expected


def test_existing_query_and_extra_params_are_kept() -> None:
    url = build_authorize_url(
        OAuth2Settings(
            client_id="CID",
            authorize_url="https://c.example/oauth/authorize?approval_prompt=auto&foo=1",
            country="US",
            extra_params={"user": "u-1", "flags": "account_sync:true"},
        ),
        "st",
    )
    params = parse_qsl(urlsplit(url).query)
    names = [name for name, _ in params]
    assert names.count("approval_prompt") == 1  # ours wins over the Postman-style one
    assert ("foo", "1") in params
    assert ("user", "u-1") in params
    assert ("flags", "country:US account_sync:true") in params
    assert ("state", "st") in params


def test_states_are_random_and_url_safe() -> None:
    states = {new_state() for _ in range(50)}
    assert len(states) == 50
    assert all(len(s) >= 32 and s.replace("-", "").replace("_", "").isalnum() for s in states)
