"""``carman sandbox --redirect-uri URI`` (repeatable) registers redirect URIs (issue 21)."""

from __future__ import annotations

import signal
from pathlib import Path
from urllib.parse import urlencode

import httpx
from cli_support import banner, sandbox_cli

from tui.sandbox import DEFAULT_CLIENT_ID

_cli = sandbox_cli
_banner = banner


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
