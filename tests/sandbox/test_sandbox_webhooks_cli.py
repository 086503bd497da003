"""``carman sandbox --webhook URL --amt TOKEN ...``: the standalone sandbox delivers webhooks."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import httpx
import pytest
import smartcar
from cli_support import banner, sandbox_cli
from webhook_support import serve

from tui.sandbox import RunningSandbox, ensure_sandbox

AMT = "cli-management-token"


def start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return sandbox_cli(tmp_path, "--port", "0", *args)


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_webhook_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    options = (
        "--amt",
        AMT,
        "--webhook-signals",
        "closure-islocked,odometer-traveleddistance",
        "--webhook-triggers",
        "closure-islocked",
        "--webhook-every",
        "15",
        "--webhook-timeout",
        "3",
    )
    for callback in serve(AMT):
        process = start(tmp_path, "--webhook", callback.url, *options)
        try:
            text = banner(process)
            base_url = text.splitlines()[0].rsplit(" ", 1)[1]
            assert f"AMT           {AMT}" in text
            assert f"→ {callback.url} (from --webhook)" in text
            (verify,) = callback.wait_events("VERIFY")
            signature = verify.headers["sc-signature"]
            assert smartcar.verify_payload(AMT, signature, verify.body.decode())
            with httpx.Client(base_url=base_url) as http:
                (view,) = http.get("/_sandbox/webhooks").json()["webhooks"]
                settings = http.get("/_sandbox/webhook_settings").json()
            assert view["data"] == ["closure-islocked", "odometer-traveleddistance"]
            assert (view["triggers"], view["scheduleMinutes"]) == (["closure-islocked"], 15)
            assert view["autoSubscribe"] is True
            assert (settings["timeout"], settings["verify_timeout"]) == (3.0, 3.0)
            # The running sandbox, found by another carman, defines one more.
            monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
            running = ensure_sandbox()
            assert isinstance(running, RunningSandbox) and running.amt == AMT
            extra = running.define_webhook(f"{callback.url}/extra", triggers=[])
            assert extra["callbackUri"].endswith("/extra") and extra["triggers"] == []
            callback.wait_events("VERIFY", 2)
            # A login auto-subscribes its vehicle: FIRST_DELIVERY, signed with the AMT.
            running.approve(
                f"{running.connect_url}?response_type=code&client_id={running.client_id}"
                "&redirect_uri=http://localhost:8000/exchange&mode=test&scope=read_security",
                "driver@example.com",
            )
            (first,) = callback.wait_events("VEHICLE_STATE")
            assert first.path == "/hook"
            assert smartcar.verify_payload(AMT, first.headers["sc-signature"], first.body.decode())
        finally:
            if process.poll() is None:
                stop(process)
        # Started again with the same --webhook: the same webhook, verified again.
        process = start(tmp_path, "--webhook", callback.url, *options)
        try:
            text = banner(process)
            base_url = text.splitlines()[0].rsplit(" ", 1)[1]
            # The --webhook one is asked again; the other, verified before, is not.
            again = callback.wait_events("VERIFY", 3)[2]
            assert again.path == "/hook" and again.json["meta"]["webhookId"] == view["id"]
            with httpx.Client(base_url=base_url) as http:
                views = http.get("/_sandbox/webhooks").json()["webhooks"]
            assert [v["id"] for v in views] == [view["id"], extra["id"]]
            assert views[1]["verification"]["status"] == "verified"  # kept, not asked again
        finally:
            stop(process)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--webhook", "ftp://example.com/hook"), "--webhook must be an http"),
        (("--webhook-signals", "closure-isopen"), "--webhook-signals: there is no signal"),
        (("--webhook-every", "0"), "--webhook-every must be between"),
        (("--webhook-timeout", "-1"), "--webhook-timeout must be a positive"),
        (("--amt", " "), "--amt must not be empty"),
    ],
)
def test_bad_webhook_flags(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    process = start(tmp_path, *args)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 2 and message in err and "Traceback" not in err
