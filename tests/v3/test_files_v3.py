"""The file format only grows: auth models, [app_auth], response_type and the app token auth
kind round-trip; files written before them keep loading; Connect's v3 redirect is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.collection_io import load_collection
from tui.core.environments import load_environment_file, save_environment
from tui.core.model import AppAuthSettings, Auth, AuthKind, AuthModel, Environment, Request
from tui.core.oauth.callback import InvalidCallback, parse_pasted_redirect, result_from_query
from tui.core.serialize import (
    SchemaError,
    environment_from_dict,
    environment_to_dict,
    request_from_dict,
    request_to_dict,
)
from tui.core.tomlfile import TomlFileError

# A request file as users duplicated it from the built-in collection before v3 moved to its
# own folders: {{v3_url}}, OAuth2 inherited, no sc-user-id.
OLD_V3_SIGNALS = """\
name = "Signals"
method = "GET"
url = "{{v3_url}}/vehicles/{{vehicle_id}}/signals"
description = "Every signal the token may read for the vehicle (v3)."

[meta]
permission = "none"
docs = "https://smartcar.com/docs/api-reference/get-signals"
"""

OLD_ENVIRONMENT = """\
name = "mine"
description = "written by an older carman"

[variables]
api_url = "https://api.smartcar.com"

[oauth2]
client_id = "{{client_id}}"
authorize_url = "https://connect.smartcar.com/oauth/authorize"
token_url = "https://auth.smartcar.com/oauth/token"
"""


def test_environment_auth_model_and_app_auth_round_trip(xdg: Path) -> None:
    env = Environment(
        name="v3",
        variables={"iam_url": "https://iam.smartcar.com"},
        auth_model=AuthModel.CONNECT,
        app_auth=AppAuthSettings(client_id="client_abc"),
    )
    data = environment_to_dict(env)
    assert data["auth_model"] == "connect"
    assert data["app_auth"] == {"client_id": "client_abc"}  # defaults left out
    path = save_environment(env)
    again = load_environment_file(path)
    assert (again.auth_model, again.app_auth) == (AuthModel.CONNECT, env.app_auth)


def test_an_older_environment_file_loads_with_api_authentication(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(OLD_ENVIRONMENT)
    env = load_environment_file(path)
    assert env.auth_model == AuthModel.API  # new default; v2.0 requests keep OAuth2 anyway
    assert env.app_auth == AppAuthSettings()
    assert env.oauth2 is not None and env.oauth2.response_type == "code"


def test_bad_auth_settings_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match="auth_model"):
        environment_from_dict({"auth_model": "magic"}, "x")
    with pytest.raises(SchemaError, match=r"app_auth\.secret"):
        environment_from_dict({"app_auth": {"secret": "no"}}, "x")
    with pytest.raises(SchemaError, match=r"oauth2\.response_type"):
        environment_from_dict({"oauth2": {"response_type": "token"}}, "x")
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\nauth_model = "magic"\n')
    with pytest.raises(TomlFileError) as caught:
        load_environment_file(path)
    assert caught.value.issue.line == 2  # the file and the line


def test_app_token_auth_round_trips() -> None:
    request = Request(name="Signal", url="{{vehicle_url}}/v3/x", auth=Auth(AuthKind.APP_TOKEN))
    data = request_to_dict(request)
    assert data["auth"] == {"kind": "app_token"}
    assert request_from_dict(data) == request


def test_requests_duplicated_before_v3_keep_loading(tmp_path: Path) -> None:
    folder = tmp_path / "my-copy" / "v3"
    folder.mkdir(parents=True)
    (tmp_path / "my-copy" / "collection.toml").write_text(
        'name = "My copy"\n\n[auth]\nkind = "oauth2"\n'
    )
    (folder / "signals.toml").write_text(OLD_V3_SIGNALS)
    collection, issues = load_collection(tmp_path / "my-copy")
    assert issues == []
    request = collection.find(["v3", "Signals"])
    assert request is not None and request.url.startswith("{{v3_url}}")
    assert collection.effective_auth(request).kind == AuthKind.OAUTH2


def test_the_v3_redirect_carries_the_user() -> None:
    both = result_from_query({"code": ["abc"], "user_id": ["u-1"], "state": ["s"]})
    assert both is not None and both.ok and (both.code, both.user_id) == ("abc", "u-1")
    only_user = result_from_query({"user_id": ["u-2"], "external_id": ["me\x1b[31m"]})
    assert only_user is not None and only_user.ok and only_user.code is None
    assert only_user.external_id == "me [31m"  # no escape sequence reaches a terminal
    assert result_from_query({"user_id": ["<script>"]}) is None  # not an id: refused
    pasted = parse_pasted_redirect("http://localhost:8000/exchange?user_id=u-3&state=st", "st")
    assert pasted.user_id == "u-3" and pasted.code is None
    with pytest.raises(InvalidCallback):
        parse_pasted_redirect("http://localhost:8000/exchange?user_id=u-3&state=other", "st")
