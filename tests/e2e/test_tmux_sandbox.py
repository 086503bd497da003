"""The real ``carman --sandbox`` in tmux at 80x24: log in, All Vehicles, Odometer (Smartcar's
original Postman flow, now in the v2.0 folder), then v3's List connections and a signal."""

from __future__ import annotations

import re
from pathlib import Path

import tomli_w

from tests.e2e.tmux import Tmux, carman_env
from tests.net import free_port
from tui.sandbox import start_sandbox


def _prepare(root: Path) -> None:
    """Register a free callback port with the sandbox's saved state and select it in carman."""
    port = free_port()
    redirect = f"http://localhost:{port}/exchange"
    state_dir = root / "data" / "carman" / "sandbox"
    with start_sandbox(state_dir=state_dir, seed=7) as sandbox:
        sandbox.register_redirect_uri(redirect)
    sessions = root / "data" / "carman" / "sessions"
    sessions.mkdir(parents=True)
    (sessions / "sandbox.toml").write_text(tomli_w.dumps({"variables": {"redirect_uri": redirect}}))


V2 = "v2.0 (deprecated)"


def _open(tmux: Tmux, name: str, folder: str = "") -> None:
    tmux.keys("C-p")
    tmux.wait_for("Search")
    tmux.type(name)
    where = f"{folder} / " if folder else ""
    tmux.wait_for(f"Smartcar API / {where}{name}")  # the hit itself, not just the typed text
    tmux.keys("Enter")


def test_login_all_vehicles_odometer_in_tmux(tmp_path: Path) -> None:
    _prepare(tmp_path)
    tmux = Tmux(carman_env(tmp_path))
    try:
        tmux.start(["--sandbox"], cwd=tmp_path)
        tmux.wait_for("env: sandbox", timeout=60)
        tmux.wait_for("ctrl+o logs in")
        tmux.keys("C-o")
        tmux.wait_for("Log in")
        tmux.keys("C-a")  # approve in the sandbox: the code comes back through the listener
        tmux.wait_for("token: valid", timeout=30)

        _open(tmux, "User / All Vehicles", V2)
        tmux.wait_for("› All Vehicles")
        tmux.keys("C-j")
        screen = tmux.wait_for('"vehicles"')
        assert "200 OK" in screen
        screen = tmux.wait_for("vehicle: 20", timeout=30)  # the header shows the vehicle
        assert "vehicle: none" not in screen

        _open(tmux, "Vehicle / Odometer", V2)
        tmux.wait_for("› Odometer")
        tmux.keys("C-j")
        screen = tmux.wait_for('"distance"')
        match = re.search(r'"distance":\s*([0-9.]+)', screen)
        assert match is not None and float(match.group(1)) > 0

        # v3, same login: the header names the user (the Connect redirect's user_id), and the
        # application token is carman's business.
        assert "user: " in screen
        _open(tmux, "Connections / List connections")
        tmux.wait_for("› List connections")
        tmux.keys("C-j")
        tmux.wait_for('"connection"')
        _open(tmux, "Vehicle / Signal")
        tmux.wait_for("› Signal")
        tmux.keys("C-j")
        tmux.wait_for('"odometer-traveleddistance"')
    finally:
        tmux.close()
