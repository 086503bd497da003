"""Persistence across restarts, seeds, running.json / ensure_sandbox, and the CLI."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import ssl
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tui.sandbox import (
    DEFAULT_AMT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    RunningSandbox,
    Sandbox,
    ensure_sandbox,
    start_sandbox,
)
from tui.sandbox.cli import add_arguments

REPO = Path(__file__).resolve().parents[2]
REDIRECT = "http://localhost:8000/exchange"
TLS = ssl.create_default_context()  # shared: httpx would build one per client otherwise


def connect_and_read(sandbox: Sandbox, email: str, calls: int = 3) -> dict[str, Any]:
    """Log in as ``email`` and read a few values; everything a seed should pin down."""
    url = (
        f"{sandbox.connect_url}?response_type=code&client_id={sandbox.client_id}"
        f"&mode=test&scope=read_odometer+read_vin+read_location&redirect_uri={REDIRECT}"
    )
    location = sandbox.approve(url, email, brand="CHEVROLET")
    code = location.split("code=")[1].split("&")[0]
    with httpx.Client(base_url=sandbox.base_url, verify=TLS) as client:
        tokens = client.post(
            "/oauth/token",
            auth=(sandbox.client_id, sandbox.client_secret),
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        vehicles = client.get("/v2.0/vehicles", headers=headers).json()["vehicles"]
        user = client.get("/v2.0/user", headers=headers).json()["id"]
        first = vehicles[0]
        return {
            "tokens": tokens,
            "user": user,
            "vehicles": vehicles,
            "vins": [
                client.get(f"/v2.0/vehicles/{v}/vin", headers=headers).json()["vin"]
                for v in vehicles
            ],
            "odometer": [
                client.get(f"/v2.0/vehicles/{first}/odometer", headers=headers).json()["distance"]
                for _ in range(calls)
            ],
            "location": client.get(f"/v2.0/vehicles/{first}/location", headers=headers).json(),
        }


def test_tokens_survive_a_restart(tmp_path: Path) -> None:
    with start_sandbox(state_dir=tmp_path) as first:
        seen = connect_and_read(first, "keep@example.com")
    state = tmp_path / "state.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    with (
        start_sandbox(state_dir=tmp_path) as second,
        httpx.Client(base_url=second.base_url, verify=TLS) as client,
    ):
        headers = {"Authorization": f"Bearer {seen['tokens']['access_token']}"}
        assert client.get("/v2.0/vehicles", headers=headers).json()["vehicles"] == seen["vehicles"]
        refreshed = client.post(
            "/oauth/token",
            auth=(second.client_id, second.client_secret),
            data={"grant_type": "refresh_token", "refresh_token": seen["tokens"]["refresh_token"]},
        )
        assert refreshed.status_code == 200
    with (
        start_sandbox(state_dir=tmp_path, reset=True) as fresh,
        httpx.Client(base_url=fresh.base_url, verify=TLS) as client,
    ):
        assert client.get("/v2.0/vehicles", headers=headers).status_code == 401


def test_same_email_gets_the_same_account_again(tmp_path: Path) -> None:
    with start_sandbox(state_dir=tmp_path) as sandbox:
        once = connect_and_read(sandbox, "same@example.com", calls=1)
        twice = connect_and_read(sandbox, "same@example.com", calls=1)
    assert once["user"] == twice["user"] and once["vehicles"] == twice["vehicles"]


def test_unreadable_state_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{ this is not json")
    with start_sandbox(state_dir=tmp_path) as sandbox:
        assert connect_and_read(sandbox, "x@example.com", calls=1)["vehicles"]
    assert list(tmp_path.glob("state.json.corrupt-*"))
    json.loads((tmp_path / "state.json").read_text())


def test_seed_makes_ids_vins_and_values_reproducible(tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a", 42), ("b", 42), ("c", 43)):
        with start_sandbox(state_dir=tmp_path / name, seed=seed) as sandbox:
            runs.append(connect_and_read(sandbox, "3-vehicles@smartcar.com"))
    same, twin, other = runs
    for key in ("user", "vehicles", "vins", "odometer", "location"):
        assert same[key] == twin[key], key
        assert same[key] != other[key], key
    assert len(set(same["odometer"])) == 3  # the call number matters
    assert same["tokens"] != twin["tokens"]  # credentials stay random
    with (
        start_sandbox(state_dir=tmp_path / "d") as unseeded_1,
        start_sandbox(state_dir=tmp_path / "e") as unseeded_2,
    ):
        assert (
            connect_and_read(unseeded_1, "z@example.com", 1)["vehicles"]
            != connect_and_read(unseeded_2, "z@example.com", 1)["vehicles"]
        )


def test_ensure_sandbox_finds_a_running_one(isolated_dirs: Path) -> None:
    from tui.core.paths import sandbox_dir

    started = ensure_sandbox(seed=1)
    try:
        assert isinstance(started, Sandbox)
        assert Path(started.state_dir) == sandbox_dir()
        assert not (sandbox_dir() / "running.json").exists()
    finally:
        started.stop()
    with start_sandbox(announce=True) as standalone:
        info = json.loads((sandbox_dir() / "running.json").read_text())
        assert info["port"] == standalone.port and info["pid"] == os.getpid()
        handle = ensure_sandbox()
        assert isinstance(handle, RunningSandbox)
        assert (handle.base_url, handle.client_id, handle.amt) == (
            standalone.base_url,
            DEFAULT_CLIENT_ID,
            DEFAULT_AMT,
        )
        handle.register_redirect_uri("http://127.0.0.1:4567/cb")
        url = (
            f"{handle.connect_url}?response_type=code&client_id={handle.client_id}"
            f"&redirect_uri=http://127.0.0.1:4567/cb&state=s"
        )
        assert handle.approve(url, "r@example.com").startswith("http://127.0.0.1:4567/cb?code=")
        with pytest.raises(ValueError, match="Unknown client_id"):
            handle.approve(url.replace(handle.client_id, "nobody"), "r@example.com")
        handle.clock.advance(100)
        assert standalone.clock.offset == 100
        assert handle.clock.now() >= standalone.clock.now() - 5
        handle.faults.inject("empty", count=2)
        assert handle.faults.pending()[0]["count"] == 2
        handle.faults.clear()
        handle.set_rate_limit(True, 5)
        handle.stop()  # a no-op: the handle does not own the sandbox
        assert httpx.get(f"{standalone.base_url}/_sandbox/health", verify=TLS).json()["ok"] is True
    assert not (sandbox_dir() / "running.json").exists()


def test_stale_running_file_is_ignored(isolated_dirs: Path) -> None:
    from tui.core.paths import sandbox_dir

    sandbox_dir().mkdir(parents=True, exist_ok=True)
    (sandbox_dir() / "running.json").write_text(
        json.dumps(
            {"host": "127.0.0.1", "port": 1, "pid": 2**22 + 12345, "base_url": "http://127.0.0.1:1"}
        )
    )
    handle = ensure_sandbox()
    try:
        assert isinstance(handle, Sandbox)
    finally:
        handle.stop()


def test_cli_arguments() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    defaults = parser.parse_args([])
    assert (defaults.host, defaults.port, defaults.seed, defaults.reset, defaults.verbose) == (
        "127.0.0.1",
        8700,
        None,
        False,
        False,
    )
    given = parser.parse_args(
        [
            "--port",
            "0",
            "--seed",
            "3",
            "--reset",
            "--client-id",
            "c",
            "--client-secret",
            "s",
            "--verbose",
            "--host",
            "::1",
        ]
    )
    assert (given.port, given.seed, given.client_id, given.client_secret) == (0, 3, "c", "s")


def _cli(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tui.sandbox", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_runs_in_the_foreground_until_interrupted(tmp_path: Path) -> None:
    process = _cli(tmp_path, "--port", "0", "--seed", "5")
    try:
        assert process.stdout is not None
        lines: list[str] = []
        while len(lines) < 40 and (line := process.stdout.readline()):
            lines.append(line)
            if "Ctrl-C" in line:
                break
        text = "".join(lines)
        base_url = lines[0].rsplit(" ", 1)[1].strip()
        assert base_url.startswith("http://127.0.0.1:")
        for expected in (
            f"{base_url}/oauth/authorize",
            f"{base_url}/oauth/token",
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            DEFAULT_AMT,
            "Ctrl-C",
            "carman login",
        ):
            assert expected in text, expected
        running = tmp_path / "data" / "carman" / "sandbox" / "running.json"
        assert json.loads(running.read_text())["base_url"] == base_url
        assert httpx.get(f"{base_url}/_sandbox/health", verify=TLS).json()["ok"] is True
        second = _cli(tmp_path, "--port", "0")
        _, err = second.communicate(timeout=30)
        assert second.returncode == 1 and "already runs" in err
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "stopped" in out and "Traceback" not in err
        assert not running.exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_cli_reports_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        process = _cli(tmp_path, "--port", str(busy.getsockname()[1]))
        _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "cannot listen" in err and "Traceback" not in err
    bad = _cli(tmp_path, "--port", "70000")
    _, err = bad.communicate(timeout=30)
    assert bad.returncode == 2 and "--port" in err
