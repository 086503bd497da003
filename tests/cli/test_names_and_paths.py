"""Names with a slash are reachable from the command line, and collection names stay unique so
a request path always means one request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_send_command import run
from tui.core import paths
from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.model import Collection, Environment, Request
from tui.core.workspace import RequestNotFound, Workspace, split_request_path


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("Local/Echo", ["Local", "Echo"]),
        ("Local/a\\/b", ["Local", "a/b"]),
        ("Local/Folder/x\\\\y", ["Local", "Folder", "x\\y"]),
        ("/Local//Echo/", ["Local", "Echo"]),
        ("Local/odd\\q", ["Local", "odd\\q"]),
    ],
)
def test_request_paths_split_on_unescaped_slashes(path: str, parts: list[str]) -> None:
    assert split_request_path(path) == parts


def test_a_request_named_with_a_slash_is_sent_by_carman_send(xdg: Path, http_server: str) -> None:
    collection = Collection(
        name="Local",
        requests=[Request(name="a/b", url="{{base}}/echo/slash"), Request(name="a", url="x")],
    )
    save_collection(collection, paths.collections_dir() / "local")
    save_environment(Environment(name="local", variables={"base": http_server}))
    result = run("send", "Local/a\\/b", "--env", "local")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["path"] == "/echo/slash"
    missing = run("send", "Local/a/b", "--env", "local")
    assert missing.returncode == 2 and "No request at 'Local/a/b'" in missing.stderr


def test_two_collections_with_one_name_are_named_as_the_problem(xdg: Path) -> None:
    for directory in ("one", "two"):
        save_collection(
            Collection(name="Twins", requests=[Request(name="R", url="http://x")]),
            paths.collections_dir() / directory,
        )
    workspace = Workspace().load(None)
    with pytest.raises(RequestNotFound, match="2 collections are named 'Twins'"):
        workspace.find_request("Twins/R")


def test_an_import_with_a_taken_name_gets_a_unique_one(xdg: Path, tmp_path: Path) -> None:
    postman = {
        "info": {
            "name": "Smartcar API",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": [{"name": "Ping", "request": {"method": "GET", "url": "http://127.0.0.1:9/"}}],
    }
    source = tmp_path / "smartcar.postman_collection.json"
    source.write_text(json.dumps(postman))
    first = run("import", "postman", str(source))
    assert first.returncode == 0, first.stderr
    assert '"Smartcar API (2)" (renamed from "Smartcar API", which is taken)' in first.stdout
    second = run("import", "postman", str(source))
    assert second.returncode == 0, second.stderr
    assert '"Smartcar API (3)"' in second.stdout
    workspace = Workspace().load(None)
    names = [c.name for c in workspace.collections]
    assert names.count("Smartcar API") == 1  # the built-in one, and only it
    collection, request = workspace.find_request("Smartcar API (2)/Ping")
    assert request.name == "Ping" and not collection.read_only
    builtin, _ = workspace.find_request("Smartcar API/Vehicle/Odometer")
    assert builtin.read_only
