"""``carman export code``: a real subprocess, its output, files and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tui.core import paths
from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.exporters.code import TARGETS
from tui.core.model import Auth, AuthKind, Collection, Environment, Folder, KeyValue, Request


def carman(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


def _setup(base_url: str) -> None:
    request = Request(
        name="Get",
        url="{{base}}/items/{{item}}",
        params=[KeyValue("q", "a b")],
        headers=[KeyValue("X-Who", "cli")],
        auth=Auth(kind=AuthKind.NONE),
    )
    collection = Collection(name="Echo", folders=[Folder(name="Things", requests=[request])])
    save_collection(collection, paths.collections_dir() / "echo")
    save_environment(Environment(name="local", variables={"base": base_url, "item": "42"}))


def test_prints_the_snippet_with_environment_lookups(xdg: Path, http_server: str) -> None:
    _setup(http_server)
    done = carman("export", "code", "Echo/Things/Get", "--lang", "python-httpx", "--env", "local")
    assert done.returncode == 0, done.stderr
    assert "import httpx" in done.stdout
    assert 'BASE = os.environ["BASE"]' in done.stdout and 'ITEM = os.environ["ITEM"]' in done.stdout
    assert http_server not in done.stdout
    resolved = carman(
        "export", "code", "echo/things/get", "--lang", "go", "--env", "local", "--resolve"
    )
    assert resolved.returncode == 0, resolved.stderr
    assert f'"{http_server}/items/42?q=a%20b"' in resolved.stdout
    assert "os.Getenv" not in resolved.stdout


def test_writes_a_file(xdg: Path, http_server: str, tmp_path: Path) -> None:
    _setup(http_server)
    out = tmp_path / "get.sh"
    done = carman(
        "export", "code", "Echo/Things/Get", "--lang", "curl", "--env", "local", "-o", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().startswith("# Reads from the environment: BASE, ITEM")
    assert str(out) in done.stdout


def test_bad_input_exits_2_and_says_why(xdg: Path, http_server: str) -> None:
    _setup(http_server)
    sdk = carman("export", "code", "Echo/Things/Get", "--lang", "python-sdk", "--env", "local")
    assert sdk.returncode == 2 and sdk.stdout == ""
    assert "not a Smartcar Vehicle API request" in sdk.stderr
    missing = carman("export", "code", "Echo/Things/Nope", "--lang", "curl", "--env", "local")
    assert missing.returncode == 2 and "No request at" in missing.stderr
    unknown = carman("export", "code", "Echo/Things/Get", "--lang", "cobol", "--env", "local")
    assert unknown.returncode == 2
    for target in TARGETS:  # the message lists every target
        assert target.id in unknown.stderr


def test_smartcar_request_as_sdk_code_and_no_token_to_inline(xdg: Path) -> None:
    done = carman("export", "code", "Smartcar API/Vehicle/Odometer", "--lang", "js-sdk")
    assert done.returncode == 0, done.stderr
    assert "await vehicle.odometer()" in done.stdout
    assert "const SMARTCAR_ACCESS_TOKEN = process.env.SMARTCAR_ACCESS_TOKEN;" in done.stdout
    inline = carman(
        "export", "code", "Smartcar API/Vehicle/Odometer", "--lang", "curl",
        "--inline-secret", "access_token",
    )  # fmt: skip
    assert inline.returncode == 2 and "log in first" in inline.stderr


def test_help_lists_the_targets(xdg: Path) -> None:
    done = carman("export", "code", "--help")
    assert done.returncode == 0
    for target in TARGETS:
        assert target.id in done.stdout
