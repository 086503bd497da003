"""The import and export commands end to end, in temporary XDG directories."""

from __future__ import annotations

import io
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from tests.importexport.helpers import DATA
from tui.cli import main
from tui.core import paths
from tui.core.collection_io import load_collection
from tui.core.environments import load_environments
from tui.core.secrets import SecretsStore
from tui.core.serialize import request_from_dict


def run(*args: str) -> int:
    return main(list(args))


def no_hidden_leftovers(directory: Path) -> None:
    if directory.exists():
        assert [p.name for p in directory.iterdir() if p.name.startswith(".")] == []


def test_import_postman_into_the_collections_dir(xdg: Path, capsys) -> None:
    assert run("import", "postman", str(DATA / "smartcar_v21.json")) == 0
    out, err = capsys.readouterr()
    target = paths.collections_dir() / "smartcar-demo"
    assert (
        f'Imported "Smartcar Demo" into {target}: 4 folders, 16 requests, 4 variables, 2 captures'
        in out
    )
    assert "client secret for client id client-abc stored in the secrets file" in out
    assert "carman: warning: Misc/Digest: auth type 'digest' is not supported" in err
    assert "carman: warning: (collection): oauth2: state not kept" in err
    assert "secret values not stored: client_secret, password, client_secret_2, x_api_key" in err
    collection, issues = load_collection(target)
    assert issues == []
    assert collection.name == "Smartcar Demo"
    assert len(collection.walk()) == 16
    assert SecretsStore().client_secret("client-abc") == "cs-literal-0123456789"
    text = "".join(p.read_text() for p in target.rglob("*.toml"))
    for secret in ("cs-literal", "hunter2", "form-secret-777", "k-literal-123", "live"):
        assert secret not in text
    no_hidden_leftovers(paths.collections_dir())


def test_import_refuses_to_overwrite_unless_forced(xdg: Path, capsys) -> None:
    assert run("import", "postman", str(DATA / "legacy_v20.json")) == 0
    target = paths.collections_dir() / "legacy-api"
    (target / "extra.toml").write_text('name = "Mine"\nurl = "http://x"\n')
    capsys.readouterr()
    assert run("import", "postman", str(DATA / "legacy_v20.json")) == 2
    assert "already exists; use --force to replace it" in capsys.readouterr().err
    assert (target / "extra.toml").exists()
    assert run("import", "postman", str(DATA / "legacy_v20.json"), "--force") == 0
    assert not (target / "extra.toml").exists()
    no_hidden_leftovers(paths.collections_dir())


def test_import_into_a_directory_with_secrets_env(xdg: Path, tmp_path: Path, capsys) -> None:
    into = tmp_path / "here"
    code = run(
        "import", "postman", str(DATA / "legacy_v20.json"), "--into", str(into),
        "--secrets-env", "work",
    )  # fmt: skip
    assert code == 0
    assert "secret variables stored for environment 'work': api_key" in capsys.readouterr().out
    assert SecretsStore().variables("work") == {"api_key": "legacy-key-555"}
    assert (into / "collection.toml").exists()


V9 = "https://schema.getpostman.com/json/collection/v9.0.0/"
BAD_FILES = [
    ('{"info": {"name": "x"},\n "item": [}', "invalid JSON: Expecting value at line 2, column 11"),
    ('{"name": "env", "values": []}', "this is a Postman environment"),
    (json.dumps({"info": {"schema": V9}, "item": []}), "unsupported Postman collection schema v9"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_bad_collection_files_write_nothing(xdg: Path, tmp_path: Path, capsys, content, message):
    path = tmp_path / "in.json"
    path.write_text(content, encoding="utf-8")
    assert run("import", "postman", str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"carman: {path}: ")
    assert message in err
    assert not paths.collections_dir().exists() or not any(paths.collections_dir().iterdir())


def test_a_failing_save_leaves_nothing_behind(xdg: Path, monkeypatch, capsys) -> None:
    import tui.core.collection_io as collection_io

    def broken(collection, directory=None):
        (Path(directory) / "collection.toml").write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(collection_io, "save_collection", broken)
    assert run("import", "postman", str(DATA / "legacy_v20.json")) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert list(paths.collections_dir().iterdir()) == []


def test_import_from_stdin(xdg: Path, monkeypatch, capsys) -> None:
    data = (DATA / "legacy_v20.json").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert run("import", "postman", "-") == 0
    assert "Legacy API" in capsys.readouterr().out


def test_import_postman_env(xdg: Path, capsys) -> None:
    assert run("import", "postman-env", str(DATA / "environment.json")) == 0
    out, err = capsys.readouterr()
    path = paths.environments_dir() / "smartcar-live.toml"
    assert f'Imported environment "Smartcar Live" into {path}: 5 variables, 3 secrets' in out
    assert "secret values stored in the secrets file: client_secret, amt, api_key" in out
    assert "carman: warning: Smartcar Live: access_token: live token dropped" in err
    envs, issues = load_environments()
    assert issues == []
    assert envs[0].variables["api_url"] == "https://api.smartcar.com"
    assert SecretsStore().variables("Smartcar Live") == {
        "client_secret": "env-secret-0001",
        "amt": "amt-value-0002",
        "api_key": "key-0003",
    }
    text = path.read_text()
    for secret in ("env-secret-0001", "amt-value-0002", "key-0003", "eyJ.env.token"):
        assert secret not in text
    assert run("import", "postman-env", str(DATA / "environment.json")) == 2
    assert "already exists; use --force" in capsys.readouterr().err
    assert run("import", "postman-env", str(DATA / "environment.json"), "--force") == 0
    assert run("import", "postman-env", str(DATA / "environment.json"), "--name", "Other") == 0
    assert (paths.environments_dir() / "other.toml").exists()


def test_import_postman_env_bad_input(xdg: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "c.json"
    shutil.copy(DATA / "legacy_v20.json", path)
    assert run("import", "postman-env", str(path)) == 2
    assert "not a Postman environment: this is a Postman collection" in capsys.readouterr().err


CURL = """curl -X POST 'https://api.example.com/v1/items?x=1' \\
  -H 'Content-Type: application/json' -H 'X-Api-Key: abc-123' \\
  -d '{"name": "it'"'"'s"}' -o out.json"""


def test_import_curl_prints_toml(xdg: Path, capsys) -> None:
    assert run("import", "curl", CURL, "--name", "Create item") == 0
    out, err = capsys.readouterr()
    request = request_from_dict(tomllib.loads(out))
    assert request.name == "Create item"
    assert request.method == "POST"
    assert request.url == "https://api.example.com/v1/items"
    assert request.body.text == '{"name": "it\'s"}'
    assert "abc-123" not in out
    assert (
        'Printed "Create item" as TOML (not saved; use --into COLLECTION to save it): '
        "0 folders, 1 request, 0 variables, 0 captures"
    ) in err
    assert "Imported" not in err
    assert "carman: warning: Create item: -o/--output 'out.json' ignored" in err
    assert "secret values not stored: x_api_key" in err


def test_import_curl_into_a_collection(xdg: Path, capsys) -> None:
    # A name that matches no collection is not quietly created: --create says so.
    assert run("import", "curl", CURL, "--into", "My requests") == 2
    err = capsys.readouterr().err
    assert "No collection named 'My requests'" in err and "--create" in err
    assert not (paths.collections_dir() / "my-requests").exists()
    args = ("--into", "My requests", "--create", "--secrets-env", "dev")
    assert run("import", "curl", CURL, *args) == 0
    out = capsys.readouterr().out
    assert 'Added "POST /v1/items" to created collection "My requests"' in out
    assert run("import", "curl", "curl https://x.example/ping", "--into", "my requests") == 0
    assert run("import", "curl", "curl https://x.example/ping", "--into", "My requests") == 0
    out = capsys.readouterr().out
    assert 'Added "GET /ping (2)" to collection "My requests"' in out
    collection, issues = load_collection(paths.collections_dir() / "my-requests")
    assert issues == []
    assert [r.name for r in collection.requests] == ["POST /v1/items", "GET /ping", "GET /ping (2)"]
    assert SecretsStore().variables("dev") == {"x_api_key": "abc-123"}


def test_import_curl_into_a_built_in_collection_is_refused(xdg: Path, capsys) -> None:
    assert run("import", "curl", "curl https://x/", "--into", "Smartcar API") == 2
    assert "built in (read-only)" in capsys.readouterr().err


def test_import_curl_bad_input(xdg: Path, capsys) -> None:
    assert run("import", "curl", "wget https://x/") == 2
    assert capsys.readouterr().err == "carman: not a curl command: it starts with 'wget'\n"
    assert run("import", "curl", "curl -H 'oops") == 2
    assert "unbalanced quote" in capsys.readouterr().err


def test_import_curl_from_stdin(xdg: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(CURL))
    assert run("import", "curl", "-") == 0
    assert 'url = "https://api.example.com/v1/items"' in capsys.readouterr().out


def test_export_postman(xdg: Path, tmp_path: Path, capsys) -> None:
    assert run("import", "postman", str(DATA / "smartcar_v21.json")) == 0
    capsys.readouterr()
    assert run("export", "postman", "Smartcar Demo") == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["info"]["name"] == "Smartcar Demo"
    assert 'Exported "Smartcar Demo": 4 folders, 16 requests, 4 variables, 2 captures' in err
    for secret in ("cs-literal", "hunter2", "form-secret-777", "k-literal-123", "live"):
        assert secret not in out
    target = tmp_path / "out.json"
    assert run("export", "postman", "smartcar demo", "-o", str(target)) == 0
    assert json.loads(target.read_text()) == data
    assert f"-> {target}" in capsys.readouterr().out
    directory = paths.collections_dir() / "smartcar-demo"
    assert run("export", "postman", str(directory)) == 0
    assert json.loads(capsys.readouterr().out) == data


def test_export_built_in_and_unknown_collections(xdg: Path, capsys) -> None:
    assert run("export", "postman", "Smartcar API") == 0
    assert json.loads(capsys.readouterr().out)["info"]["name"] == "Smartcar API"
    assert run("export", "postman", "Nope") == 2
    err = capsys.readouterr().err
    assert "no collection 'Nope'" in err and "Smartcar API" in err
