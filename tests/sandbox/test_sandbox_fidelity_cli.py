"""``carman sandbox --redirect-uri URI`` (repeatable) registers redirect URIs (issue 21)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import httpx

from tui.sandbox import DEFAULT_CLIENT_ID

REPO = Path(__file__).resolve().parents[2]


def _cli(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONPATH": str(REPO),
        "NO_PROXY": "*",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tui.sandbox", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _banner(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines: list[str] = []
    while len(lines) < 40 and (line := process.stdout.readline()):
        lines.append(line)
        if "Ctrl-C" in line:
            break
    return "".join(lines)


def test_redirect_uri_flags_register_and_are_listed(tmp_path: Path) -> None:
    app_uri, mobile_uri = "http://127.0.0.1:9911/callback", "sc-carman://oauth/done"
    process = _cli(tmp_path, "--port", "0", "--redirect-uri", app_uri, "--redirect-uri", mobile_uri)
    try:
        banner = _banner(process)
        base_url = banner.splitlines()[0].rsplit(" ", 1)[1].strip()
        for expected in ("http://localhost:8000/exchange", app_uri, mobile_uri):
            assert expected in banner, banner
        assert f"curl -X POST {base_url}/_sandbox/redirect_uris" in banner
        query = urlencode(
            {
                "response_type": "code",
                "client_id": DEFAULT_CLIENT_ID,
                "redirect_uri": mobile_uri,
                "mode": "test",
                "state": "cli",
            }
        )
        answer = httpx.post(
            f"{base_url}/_sandbox/approve",
            json={"authorize_url": f"{base_url}/oauth/authorize?{query}", "email": "a@b.c"},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["location"].startswith(f"{mobile_uri}?code=")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # Registered URIs are part of the sandbox state: a restart without the flags lists them.
    again = _cli(tmp_path, "--port", "0")
    try:
        assert app_uri in _banner(again)
        again.send_signal(signal.SIGINT)
        again.communicate(timeout=30)
    finally:
        if again.poll() is None:
            again.kill()
            again.wait()


def test_a_bad_redirect_uri_flag_is_refused_before_starting(tmp_path: Path) -> None:
    process = _cli(tmp_path, "--port", "0", "--redirect-uri", "not a uri")
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and out == ""
    assert "--redirect-uri 'not a uri'" in err and "absolute URI" in err
    assert "Traceback" not in err
