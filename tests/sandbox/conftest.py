"""Fixtures for the sandbox tests: a fresh sandbox per test, an HTTP client, a quick login."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from tui.sandbox import Sandbox, start_sandbox

REDIRECT_URI = "http://localhost:8000/exchange"
FULL_SCOPE = (
    "read_vehicle_info read_vin read_odometer read_location read_battery read_charge "
    "read_fuel read_tires read_engine_oil read_security read_diagnostics read_service_history "
    "read_compass read_speedometer read_thermometer read_climate read_charge_records "
    "read_charge_locations read_extended_vehicle_info control_security control_charge "
    "control_navigation control_climate"
)


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG directories inside tmp_path, so nothing touches the real home."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
def sandbox(isolated_dirs: Path) -> Iterator[Sandbox]:
    with start_sandbox(state_dir=isolated_dirs / "sandbox", seed=7) as running:
        yield running


@pytest.fixture(scope="session")
def tls() -> ssl.SSLContext:
    """One TLS context for every client: unused on http://, but httpx builds one per client
    otherwise, and that costs more than starting a sandbox."""
    return ssl.create_default_context()


@pytest.fixture
def http(sandbox: Sandbox, tls: ssl.SSLContext) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=sandbox.base_url, timeout=10, follow_redirects=False, verify=tls
    ) as client:
        yield client


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def authorize_url(sandbox: Sandbox) -> Callable[..., str]:
    def build(**params: str | None) -> str:
        query: dict[str, str | None] = {
            "response_type": "code",
            "client_id": sandbox.client_id,
            "redirect_uri": REDIRECT_URI,
            "mode": "test",
            "state": "st-1",
            "scope": FULL_SCOPE,
            "approval_prompt": "force",
        }
        query.update(params)
        kept = {k: v for k, v in query.items() if v is not None}
        return f"{sandbox.connect_url}?{urlencode(kept)}"

    return build


@dataclass
class Login:
    access_token: str
    refresh_token: str
    vehicles: list[str]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}

    @property
    def vehicle(self) -> str:
        return self.vehicles[0]


@pytest.fixture
def login(
    sandbox: Sandbox, http: httpx.Client, authorize_url: Callable[..., str]
) -> Callable[..., Login]:
    """Connect (non-interactively) as ``email``, exchange the code, list the vehicles."""

    def sign_in(
        email: str = "driver@example.com", brand: str | None = None, **params: Any
    ) -> Login:
        location = sandbox.approve(authorize_url(**params), email, brand=brand)
        code = query_of(location)["code"]
        answer = http.post(
            "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
            auth=(sandbox.client_id, sandbox.client_secret),
        )
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        listing = http.get(
            "/v2.0/vehicles",
            params={"limit": 50},
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert listing.status_code == 200, listing.text
        return Login(tokens["access_token"], tokens["refresh_token"], listing.json()["vehicles"])

    return sign_in


def assert_v2_error(
    response: httpx.Response, status: int, error_type: str, code: str | None = None
) -> dict[str, Any]:
    """The response is a well-formed v2.0 Smartcar error of this kind."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["type"] == error_type and body["code"] == code, body
    assert body["statusCode"] == status
    assert body["requestId"] == response.headers["sc-request-id"]
    assert body["docURL"].startswith("https://smartcar.com/docs/errors/api-errors/")
    assert isinstance(body["resolution"], dict) and "type" in body["resolution"]
    assert "suggestedUserMessage" in body and body["description"]
    return body


@pytest.fixture
def expect_error() -> Callable[..., dict[str, Any]]:
    return assert_v2_error


@pytest.fixture
def qs() -> Callable[[str], dict[str, str]]:
    return query_of


SANDBOX_TESTS = Path(__file__).parent


def sdk_environment(sandbox: Sandbox) -> dict[str, str]:
    """Environment for a subprocess that drives the sandbox with the official Smartcar SDK
    (it reads its SMARTCAR_*_ORIGIN variables at import time)."""
    import os

    from tui.sandbox import WEBHOOK_IDS

    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCAR_")}
    env.update(
        SMARTCAR_API_ORIGIN=sandbox.api_url,
        SMARTCAR_AUTH_ORIGIN=sandbox.token_url,  # the Python SDK wants the full token URL
        SMARTCAR_CONNECT_ORIGIN=sandbox.base_url,
        SMARTCAR_MANAGEMENT_API_ORIGIN=sandbox.base_url,
        SMARTCAR_VEHICLE_API_V3_ORIGIN=sandbox.base_url,
        SANDBOX_BASE_URL=sandbox.base_url,
        SANDBOX_CLIENT_ID=sandbox.client_id,
        SANDBOX_CLIENT_SECRET=sandbox.client_secret,
        SANDBOX_REDIRECT_URI=REDIRECT_URI,
        SANDBOX_AMT=sandbox.amt,
        SANDBOX_WEBHOOK_ID=next(iter(WEBHOOK_IDS)),
        NO_PROXY="*",  # requests must not send loopback traffic to a proxy
    )
    return env


@pytest.fixture
def run_sdk(sandbox: Sandbox) -> Callable[..., dict[str, Any]]:
    """Run a script of tests/sandbox in a subprocess against the sandbox; its JSON summary."""
    import json
    import subprocess
    import sys

    def run(script: str, *args: str) -> dict[str, Any]:
        result = subprocess.run(
            [sys.executable, str(SANDBOX_TESTS / script), *args],
            env=sdk_environment(sandbox),
            cwd=SANDBOX_TESTS.parents[1],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return run


# ------------------------------------------------------------------ v3 webhooks


@pytest.fixture
def callback(sandbox: Sandbox) -> Iterator[Any]:
    """A webhook receiver on 127.0.0.1 that answers VERIFY with the sandbox's AMT
    (``webhook_support.CallbackServer``); the sandbox's sender gets short timeouts."""
    from webhook_support import serve

    sandbox.webhooks.configure(timeout=3, verify_timeout=3)
    yield from serve(sandbox.amt)
