"""Postman environment files -> carman environments, secrets kept apart."""

from __future__ import annotations

import pytest

from tests.importexport.helpers import DATA
from tui.core.importers.postman_env import (
    import_postman_environment,
    import_postman_environment_file,
    import_postman_environment_text,
)
from tui.core.importers.report import ImportFailed


def test_environment_file() -> None:
    env, report = import_postman_environment_file(DATA / "environment.json")
    assert env.name == "Smartcar Live"
    assert env.variables == {
        "api_url": "https://api.smartcar.com",
        "client_id": "client-abc",
        "token_url": "https://auth.smartcar.com/oauth/token",  # a URL, not a secret
        "password": "{{shared_password}}",  # a reference, not a secret value
        "timeout": "30",
    }
    assert report.secret_variables() == {
        "client_secret": "env-secret-0001",
        "amt": "amt-value-0002",  # secret-typed
        "api_key": "key-0003",  # secret-named
    }
    messages = [str(w) for w in report.warnings]
    assert "Smartcar Live: access_token: live token dropped (carman login gets a fresh one)" in (
        messages
    )
    assert any(m.startswith("Smartcar Live: refresh_token: not imported") for m in messages)
    assert "Smartcar Live: retired: disabled in Postman; not imported" in messages
    assert "eyJ.env.token" not in repr(env) + repr(report.secrets)
    assert report.variables == 8


def test_name_override_and_default_name() -> None:
    env, _ = import_postman_environment({"values": []}, name="Mine")
    assert env.name == "Mine"
    env, _ = import_postman_environment({"values": []}, default_name="file-stem")
    assert env.name == "file-stem"
    env, _ = import_postman_environment({"values": [], "_postman_variable_scope": "globals"})
    assert env.name == "globals"
    with pytest.raises(ImportFailed, match="has no name"):
        import_postman_environment({"values": []})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"info": {}, "item": []}', "this is a Postman collection"),
        ('{"name": "x", "values": {}}', "'values' is an object, not a list"),
        ('{"name": "x"}', "without 'values' \\(top-level keys: name\\)"),
        ("[1, 2]", "this is a JSON list"),
        ('"text"', "a JSON value \\(a string\\)"),
        ('{"name": "x", "values": [1]}', "x: values\\[0\\]: expected an object, got a number"),
        ('{"name": "x", "values": [', "invalid JSON: .* at line 1, column"),
    ],
)
def test_bad_environment_files(text: str, message: str) -> None:
    with pytest.raises(ImportFailed, match=message):
        import_postman_environment_text(text, source="env.json")


def test_values_of_every_type_become_text() -> None:
    data = {
        "name": "t",
        "values": [
            {"key": "n", "value": 1.5},
            {"key": "b", "value": True},
            {"key": "nothing", "value": None},
            {"key": "obj", "value": {"a": 1}},
            {"key": "", "value": "skipped"},
        ],
    }
    env, report = import_postman_environment(data)
    assert env.variables == {"n": "1.5", "b": "true", "nothing": "", "obj": '{"a": 1}'}
    assert [w.message for w in report.warnings] == ["values[4] has no name; skipped"]
