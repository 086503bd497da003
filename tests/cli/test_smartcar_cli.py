"""Headless Smartcar: ``carman login --env sandbox`` then ``carman send .../Odometer``."""

from __future__ import annotations

import json
import os
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


def test_login_then_send_the_odometer(xdg: Path) -> None:
    # A free callback port, registered in the sandbox's saved state and chosen in carman.
    redirect = f"http://localhost:{free_port()}/exchange"
    with start_sandbox(state_dir=paths.sandbox_dir(), seed=3) as sandbox:
        sandbox.register_redirect_uri(redirect)
    sessions = paths.data_dir() / "sessions"
    sessions.mkdir(parents=True, exist_ok=True)
    (sessions / "sandbox.toml").write_text(tomli_w.dumps({"variables": {"redirect_uri": redirect}}))

    login = carman("login", "--env", "sandbox", "--approve-as", "1-vehicles@smartcar.com")
    assert login.returncode == 0, login.stderr
    assert "1 vehicle authorised" in login.stdout

    token = carman("token", "--env", "sandbox")
    assert token.returncode == 0 and "valid" in token.stdout

    # A new process (and a new in-process sandbox on the same saved state): the token holds.
    sent = carman("send", "Smartcar API/Vehicle/Odometer", "--env", "sandbox")
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["distance"] > 0
