"""Headless v3: ``carman login`` sets the user and fetches the application token, ``carman
token`` shows both tokens (never their values unless ``--show``), ``carman send`` runs v3 and
v2.0 requests of one login, each in a new process on the same files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import tomli_w

from tests.net import free_port
from tui.core import paths
from tui.sandbox import start_sandbox


def carman(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def _rows(output: str) -> dict[str, str]:
    rows = {}
    for line in output.splitlines():
        label, colon, value = line.partition(":")
        if colon:
            rows[label.strip()] = value.strip()
    return rows


def test_login_token_and_send_v3_and_v2(xdg: Path) -> None:
    redirect = f"http://localhost:{free_port()}/exchange"
    with start_sandbox(state_dir=paths.sandbox_dir(), seed=3) as sandbox:
        sandbox.register_redirect_uri(redirect)
        client_secret = sandbox.client_secret
    sessions = paths.data_dir() / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    (sessions / "sandbox.toml").write_text(tomli_w.dumps({"variables": {"redirect_uri": redirect}}))

    before = carman("token", "--env", "sandbox")
    assert before.returncode == 1
    rows = _rows(before.stdout)
    assert rows["auth model"] == "api"
    assert rows["token"] == "none (not logged in)"
    assert rows["app token"].startswith("none yet; carman fetches it")

    login = carman("login", "--env", "sandbox", "--approve-as", "2-vehicles@smartcar.com")
    assert login.returncode == 0, login.stderr
    assert "user_id is now" in login.stdout and "2 vehicles authorised" in login.stdout
    assert "Application token (API Authentication): valid for" in login.stdout

    token = carman("token", "--env", "sandbox")
    assert token.returncode == 0, token.stdout
    rows = _rows(token.stdout)
    assert rows["token"].startswith("valid") and rows["app token"].startswith("valid")
    assert rows["user id"] and rows["user id"] in login.stdout
    assert "access token" not in rows and "app access token" not in rows
    stored = json.loads(paths.tokens_file().read_text())
    app_token = next(iter(stored["app_tokens"]["sandbox"].values()))["access_token"]
    assert app_token not in token.stdout
    shown = _rows(carman("token", "--env", "sandbox", "--show").stdout)
    assert shown["app access token"] == app_token
    # The token file: 0600, both kinds of token, never the client secret.
    assert stat.S_IMODE(paths.tokens_file().stat().st_mode) == 0o600
    assert client_secret not in paths.tokens_file().read_text()

    # One login, both generations, each send a new process reusing the stored tokens.
    listed = carman("send", "Smartcar API/Connections/List connections", "--env", "sandbox")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["data"]
    signal = carman("send", "Smartcar API/Vehicle/Signal", "--env", "sandbox")
    assert signal.returncode == 0, signal.stderr
    assert json.loads(signal.stdout)["data"]["id"] == "odometer-traveleddistance"
    odometer = carman("send", "Smartcar API/Vehicle/Odometer", "--env", "sandbox")
    assert odometer.returncode == 0, odometer.stderr
    assert json.loads(odometer.stdout)["distance"] > 0
    # Still the one application token fetched at login.
    again = json.loads(paths.tokens_file().read_text())
    assert next(iter(again["app_tokens"]["sandbox"].values()))["access_token"] == app_token
    # Copy as code reads the application token from the environment; inlined on request.
    code = carman(
        "export", "code", "Smartcar API/Vehicle/Signal", "--lang", "curl", "--env", "sandbox"
    )
    assert code.returncode == 0, code.stderr
    assert "SMARTCAR_APP_TOKEN" in code.stdout and app_token not in code.stdout
    inlined = carman(
        "export", "code", "Smartcar API/Vehicle/Signal", "--lang", "curl", "--env", "sandbox",
        "--inline-secret", "app_token",
    )  # fmt: skip
    assert inlined.returncode == 0, inlined.stderr
    assert app_token in inlined.stdout
