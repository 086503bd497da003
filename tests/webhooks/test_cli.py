"""``carman webhooks listen / list / show`` as real subprocesses on 127.0.0.1."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.webhooks.conftest import AMT, compact, signed_headers, vehicle_state
from tui.core import paths
from tui.core.environments import SessionStore, save_environment
from tui.core.model import Environment
from tui.core.secrets import SecretsStore

REPO = Path(__file__).resolve().parents[2]
BATTERY_RULE = (
    '[[webhooks.captures]]\nvariable = "battery"\n'
    "path = \"$.data.signals[?@.code=='tractionbattery-stateofcharge'].body.value\"\n"
)


def carman(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )


class Lines:
    """A pipe read on a thread, so the test can wait for a line without blocking forever."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.queue.put(line)

    def next(self, timeout: float = 30.0) -> str:
        line = self.queue.get(timeout=timeout)
        self.seen.append(line)
        return line

    def until(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        while True:
            found = re.search(pattern, self.next(timeout))
            if found:
                return found


@pytest.fixture
def local_env(xdg: Path) -> str:
    save_environment(Environment(name="local", variables={"base": "http://127.0.0.1:9"}))
    SecretsStore().set_variable("local", "amt", AMT)
    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(BATTERY_RULE)
    return "local"


@pytest.fixture
def listening(local_env: str) -> Iterator[tuple[subprocess.Popen[str], Lines, Lines, str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "webhooks",
            "listen",
            "--port",
            "0",
            "--env",
            local_env,
            "--json",
        ],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = Lines(process.stdout), Lines(process.stderr)
    try:
        url = err.until(r"receiving webhooks at (\S+) \(env local\)").group(1)
        yield process, out, err, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)


def test_listen_prints_each_delivery_and_stops_on_ctrl_c_with_a_count(
    listening: tuple[subprocess.Popen[str], Lines, Lines, str],
) -> None:
    process, out, err, url = listening
    assert url.startswith("http://127.0.0.1:") and url.endswith("/webhooks")
    body = compact(vehicle_state(soc=64, event_id="cli-event", delivery_id="cli-1"))
    retry = compact(vehicle_state(soc=64, event_id="cli-event", delivery_id="cli-2"))
    assert httpx.post(url, content=body, headers=signed_headers(body)).status_code == 200
    first = json.loads(out.next())
    assert httpx.post(url, content=retry, headers=signed_headers(retry)).status_code == 200
    second = json.loads(out.next())
    forged = httpx.post(url, content=body, headers=signed_headers(body, "guess"))
    assert forged.status_code == 401
    third = json.loads(out.next())

    assert (first["signature"], first["event_type"], first["retry"]) == (
        "valid",
        "VEHICLE_STATE",
        False,
    )
    assert first["captured"] == {"battery": "64"}
    assert first["vehicle"]["make"] == "POLESTAR"
    assert (second["retry"], second["retries"], second["delivery_id"]) == (True, 1, "cli-2")
    assert second["id"] == first["id"] and second["captured"] == {}
    assert (third["signature"], third["delivery_status"]) == ("invalid", 401)
    assert third["captured"] == {} and "does not match" in third["problem"]

    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0
    summary = err.until(r"received (\d+) requests \((\d+) with a valid signature\)")
    assert summary.groups() == ("3", "2")
    # The capture landed in the environment's session variables.
    session, _ = SessionStore(secrets=SecretsStore()).load("local")
    assert session["battery"] == "64"


def test_list_and_show_read_what_was_received(
    listening: tuple[subprocess.Popen[str], Lines, Lines, str],
) -> None:
    process, out, _, url = listening
    body = compact(vehicle_state(soc=33, event_id="shown-event"))
    httpx.post(url, content=body, headers=signed_headers(body))
    httpx.get(url)
    out.next(), out.next()
    process.send_signal(signal.SIGINT)
    assert process.wait(30) == 0

    listed = carman("webhooks", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["event_type"], r["status"]) for r in rows] == [("", 405), ("VEHICLE_STATE", 200)]
    text = carman("webhooks", "list").stdout
    assert "✓ valid" in text and "GET is not allowed" in text
    searched = carman("webhooks", "list", "--search", "polestar", "--json")
    assert [json.loads(line)["event_id"] for line in searched.stdout.splitlines()] == [
        "shown-event"
    ]
    event_id = rows[1]["id"]
    shown = carman("webhooks", "show", str(event_id))
    assert shown.returncode == 0
    assert "tractionbattery-stateofcharge  33 percent" in shown.stdout
    assert '"eventId": "shown-event"' in shown.stdout
    as_json = json.loads(carman("webhooks", "show", str(event_id), "--json").stdout)
    assert as_json["signals"][0] == {
        "code": "tractionbattery-stateofcharge",
        "value": "33",
        "unit": "percent",
        "status": "SUCCESS",
    }
    assert as_json["deliveries"][0]["body"] == body.decode()
    missing = carman("webhooks", "show", "999")
    assert missing.returncode == 2 and "No webhook event with id 999" in missing.stderr


def test_nothing_received_yet_creates_nothing(xdg: Path) -> None:
    listed = carman("webhooks", "list")
    assert listed.returncode == 0 and "No webhooks received yet" in listed.stdout
    assert not paths.history_db().exists()
    shown = carman("webhooks", "show", "1")
    assert shown.returncode == 2 and "nothing has been received yet" in shown.stderr


def test_listen_explains_a_port_in_use_and_a_missing_token(local_env: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = carman("webhooks", "listen", "--port", str(port), "--env", local_env)
    assert busy.returncode == 2 and f"Port {port} is in use" in busy.stderr
    bad = carman("webhooks", "listen", "--port", "70000")
    assert bad.returncode == 2 and "expected a port from 0 to 65535" in bad.stderr
    unknown = carman("webhooks", "listen", "--env", "nowhere")
    assert unknown.returncode == 2 and "Unknown environment 'nowhere'" in unknown.stderr


def test_listen_without_a_token_warns_and_open_hosts_warn(xdg: Path) -> None:
    save_environment(Environment(name="bare", variables={}))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tui",
            "webhooks",
            "listen",
            "--port",
            "0",
            "--env",
            "bare",
            "--host",
            "0.0.0.0",
        ],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err = Lines(process.stderr)
    try:
        err.until(r"other machines can reach it")
        err.until(r"no management token \(amt\) for environment bare")
        err.until(r"ssh -R 443:localhost:\d+ you@your-host")
        err.until(r"ctrl\+c stops")
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        err.until(r"received 0 requests")
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(30)
