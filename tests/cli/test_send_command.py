"""``carman send`` and the basic CLI, run as real subprocesses against 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tui import __version__
from tui.core import paths
from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.model import Collection, Environment, Folder, KeyValue, Request


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )


def _setup(base_url: str) -> Path:
    collection = Collection(
        name="Local",
        folders=[
            Folder(
                name="Things",
                requests=[
                    Request(
                        name="Echo", url="{{base}}/echo", headers=[KeyValue("X-Who", "{{who}}")]
                    ),
                    Request(name="Teapot", url="{{base}}/status/418"),
                ],
            )
        ],
    )
    directory = paths.collections_dir() / "local"
    save_collection(collection, directory)
    save_environment(Environment(name="local", variables={"base": base_url, "who": "env"}))
    return directory


def test_version_and_help(xdg: Path) -> None:
    assert run("--version").stdout.strip() == f"carman {__version__}"
    help_text = run("--help").stdout
    for command in ("send", "login", "token", "history", "import", "export", "sandbox"):
        assert command in help_text


def test_send_prints_the_body_and_exits_0(xdg: Path, http_server: str) -> None:
    _setup(http_server)
    result = run("send", "Local/Things/Echo", "--env", "local", "--var", "who=cli")
    assert result.returncode == 0, result.stderr
    assert '"X-Who": "cli"' in result.stdout
    included = run("send", "local/things/echo", "--env", "local", "--include")
    assert included.returncode == 0
    assert included.stdout.startswith("HTTP/1.1 200 OK\n")
    assert "Content-Type: application/json" in included.stdout


def test_non_2xx_exits_1(xdg: Path, http_server: str) -> None:
    _setup(http_server)
    result = run("send", "Local/Things/Teapot", "--env", "local")
    assert result.returncode == 1
    assert "418" in result.stderr


def test_transport_error_and_bad_input_exit_2(xdg: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _setup(f"http://127.0.0.1:{port}")
    refused = run("send", "Local/Things/Echo", "--env", "local")
    assert refused.returncode == 2
    assert "Connection refused" in refused.stderr
    assert refused.stderr.count("\n") == 1  # a one-line reason
    missing = run("send", "Local/Nope", "--env", "local")
    assert missing.returncode == 2 and "No request at" in missing.stderr
    bad_var = run("send", "Local/Things/Echo", "--env", "local", "--var", "novalue")
    assert bad_var.returncode == 2 and "NAME=VALUE" in bad_var.stderr
    bad_env = run("send", "Local/Things/Echo", "--env", "nowhere")
    assert bad_env.returncode == 2 and "Unknown environment" in bad_env.stderr


def test_unresolved_variable_is_named(xdg: Path, http_server: str) -> None:
    directory = _setup(http_server)
    echo = directory / "things" / "echo.toml"
    echo.write_text(echo.read_text().replace("{{who}}", "{{nobody}}"))
    result = run("send", "Local/Things/Echo", "--env", "local")
    assert result.returncode == 2
    assert "{{nobody}}" in result.stderr


def test_malformed_request_file_is_reported_with_file_and_line(xdg: Path, http_server: str) -> None:
    directory = _setup(http_server)
    broken = directory / "things" / "teapot.toml"
    broken.write_text('name = "Teapot"\nmethod = "GET"\nurl = "oops\n')
    result = run("send", "Local/Things/Teapot", "--env", "local")
    assert result.returncode == 2
    assert f"{broken}:3" in result.stderr
    # The rest of the collection still works.
    assert run("send", "Local/Things/Echo", "--env", "local").returncode == 0
