"""Postman v2.1 and v2.0 collections, checked request by request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importexport.helpers import DATA, load_data
from tui.core.exporters.postman import export_postman
from tui.core.importers.postman import import_postman_collection, import_postman_file
from tui.core.importers.report import CLIENT_SECRET, VARIABLE, ImportFailed, ImportReport
from tui.core.model import (
    Auth,
    AuthKind,
    BodyKind,
    Capture,
    CaptureSource,
    Collection,
    KeyValue,
    Request,
)

SCHEMA_V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


@pytest.fixture(scope="module")
def smartcar() -> tuple[Collection, ImportReport]:
    return import_postman_file(DATA / "smartcar_v21.json")


@pytest.fixture(scope="module")
def legacy() -> tuple[Collection, ImportReport]:
    return import_postman_file(DATA / "legacy_v20.json")


def get(collection: Collection, path: str) -> Request:
    request = collection.find(path.split("/"))
    assert request is not None, path
    return request


def warnings_for(report: ImportReport, where: str) -> list[str]:
    return [w.message for w in report.warnings if w.where == where]


# ---- v2.1 --------------------------------------------------------------------------------------


def test_collection_header_variables_and_counts(smartcar) -> None:
    collection, report = smartcar
    assert collection.name == "Smartcar Demo"
    assert collection.description == "Written for carman's importer tests."
    # client_secret is secret, access_token a live token, vehicle_id empty, old disabled.
    assert collection.variables == {
        "api_url": "https://api.smartcar.com",
        "client_id": "client-abc",
        "token_url": "https://auth.smartcar.com/oauth/token",
        "page_size": "10",
    }
    assert (report.folders, report.requests, report.variables, report.captures) == (4, 16, 4, 2)
    assert report.summary() == "4 folders, 16 requests, 4 variables, 2 captures"
    assert [f.name for f in collection.folders] == ["Vehicles", "Misc", "Keys"]
    assert [f.name for f in collection.folders[0].folders] == ["Commands"]


def test_collection_oauth2_settings_without_secrets(smartcar) -> None:
    collection, report = smartcar
    auth = collection.auth
    assert auth is not None and auth.kind == AuthKind.OAUTH2
    settings = auth.oauth2
    assert settings is not None
    assert settings.authorize_url == "https://connect.smartcar.com/oauth/authorize"
    assert settings.token_url == "{{token_url}}"
    assert settings.client_id == "{{client_id}}"
    assert settings.scope == ["read_vehicle_info", "read_odometer", "required:read_location"]
    assert settings.redirect_uri == "http://localhost:8000/exchange"
    assert settings.add_token_to == "header"
    assert (settings.mode, settings.make, settings.single_select) == ("simulated", "TESLA", True)
    assert settings.extra_params == {"flow": "fast"}  # "off" was disabled
    # The client secret is handed over keyed by the resolved client id; never a token.
    client = [s for s in report.secrets if s.kind == CLIENT_SECRET]
    assert [(s.name, s.value) for s in client] == [("client-abc", "cs-literal-0123456789")]
    assert all("live" not in s.value and "rt-" not in s.value for s in report.secrets)
    messages = warnings_for(report, "")
    assert any("accessToken, refreshToken, tokenName dropped" in m for m in messages)
    assert any("state not kept" in m for m in messages)
    assert any("client secret kept out" in m for m in messages)
    assert any("collection-level test script not kept" in m for m in messages)
    assert any("'access_token': live token dropped" in m for m in messages)
    assert any("without a value not imported" in m and "vehicle_id" in m for m in messages)


def test_query_headers_disabled_rows_and_captures(smartcar) -> None:
    collection, report = smartcar
    request = get(collection, "Vehicles/All vehicles")
    assert request.method == "GET"
    assert request.url == "{{api_url}}/v2.0/vehicles"
    assert request.params == [
        KeyValue("limit", "{{page_size}}"),
        KeyValue("offset", "0", enabled=False),
    ]
    assert request.headers == [
        KeyValue("Accept", "application/json"),
        KeyValue("X-Debug", "1", enabled=False),
    ]
    assert request.auth.kind == AuthKind.INHERIT
    assert request.description == "Lists the vehicles the user connected."
    assert request.captures == [
        Capture("vehicle_id", CaptureSource.BODY, "$.vehicles[0]"),
        Capture("first_two", CaptureSource.BODY, "$.paging.count"),
    ]
    # The status test stays as an inert note; the translated lines and `const data` are gone.
    assert request.meta["notes"] == [
        {
            "kind": "test",
            "text": 'pm.test("Status code is 200", function () {\n'
            "    pm.response.to.have.status(200);\n});",
        }
    ]
    assert warnings_for(report, "Vehicles/All vehicles") == [
        "test script kept as an inert note (carman runs no scripts)"
    ]


def test_url_object_without_raw_and_path_variables(smartcar) -> None:
    collection, _ = smartcar
    request = get(collection, "Vehicles/Odometer")
    assert request.url == "https://api.smartcar.com/v2.0/vehicles/{{vehicle_id}}/odometer"
    assert request.auth == Auth(kind=AuthKind.BEARER, token="{{access_token}}")


def test_path_variable_without_value_becomes_a_variable(smartcar) -> None:
    collection, report = smartcar
    request = get(collection, "Misc/Path var no value")
    assert request.method == "DELETE"
    assert request.url == "{{api_url}}/users/{{user_id}}"
    assert any("{{user_id}}" in m for m in warnings_for(report, "Misc/Path var no value"))


def test_folder_bearer_with_literal_token_and_inheritance(smartcar) -> None:
    collection, report = smartcar
    commands = collection.folders[0].folders[0]
    assert commands.auth == Auth(kind=AuthKind.BEARER, token="{{access_token}}")
    assert any("literal token dropped" in m for m in warnings_for(report, "Vehicles/Commands"))
    lock = get(collection, "Vehicles/Commands/Lock")
    assert lock.auth.kind == AuthKind.INHERIT
    assert collection.effective_auth(lock) == commands.auth
    unlock = get(collection, "Vehicles/Commands/Unlock")
    assert unlock.auth.kind == AuthKind.NONE  # noauth
    assert collection.effective_auth(unlock).kind == AuthKind.NONE
    # Odometer (no own folder auth) inherits the collection's OAuth2.
    all_vehicles = get(collection, "Vehicles/All vehicles")
    assert collection.effective_auth(all_vehicles).kind == AuthKind.OAUTH2


def test_raw_bodies(smartcar) -> None:
    collection, report = smartcar
    lock = get(collection, "Vehicles/Commands/Lock")
    assert (lock.method, lock.body.kind, lock.body.text) == (
        "POST",
        BodyKind.JSON,
        '{"action": "LOCK"}',
    )
    assert lock.url == "{{api_url}}/v2.0/vehicles/{{vehicle_id}}/security"
    assert lock.meta["notes"] == [
        {"kind": "prerequest", "text": "pm.environment.set('ts', Date.now());"}
    ]
    unlock = get(collection, "Vehicles/Commands/Unlock")
    assert unlock.method == "POST"  # "post" in the file
    assert unlock.body.kind == BodyKind.JSON  # no language, but a JSON content type
    assert any("#section dropped" in m for m in warnings_for(report, "Vehicles/Commands/Unlock"))
    xml = get(collection, "Misc/Xml")
    assert (xml.body.kind, xml.body.text, xml.body.content_type) == (
        BodyKind.TEXT,
        "<a>1</a>",
        "application/xml",
    )


def test_form_multipart_graphql_and_file_bodies(smartcar) -> None:
    collection, report = smartcar
    form = get(collection, "Misc/Form")
    assert form.body.kind == BodyKind.FORM
    assert form.body.form == [
        KeyValue("grant_type", "authorization_code"),
        KeyValue("code", "{{code}}"),
        KeyValue("client_secret", "{{client_secret_2}}"),  # literal moved to the secrets
        KeyValue("debug", "1", enabled=False),
    ]
    assert ("client_secret_2", "form-secret-777") in [(s.name, s.value) for s in report.secrets]
    upload = get(collection, "Misc/Upload")
    assert upload.body.kind == BodyKind.MULTIPART
    assert upload.body.form == [
        KeyValue("title", "photo"),
        KeyValue("image", "/tmp/car.png", is_file=True),
        KeyValue("extra", "/tmp/extra.bin", enabled=False, is_file=True),
    ]
    graphql = get(collection, "Misc/GraphQL")
    assert graphql.body.kind == BodyKind.JSON
    assert json.loads(graphql.body.text) == {
        "query": 'query { vehicle(id: "1") { make } }',
        "variables": {"a": 1},
    }
    file_body = get(collection, "Misc/File body")
    assert file_body.body.kind == BodyKind.NONE
    assert file_body.meta["notes"] == [{"kind": "file-body", "text": "/tmp/payload.json"}]
    assert any("file body" in m for m in warnings_for(report, "Misc/File body"))


def test_basic_auth_password_moves_to_secrets(smartcar) -> None:
    collection, report = smartcar
    misc = collection.folders[1]
    assert misc.auth == Auth(kind=AuthKind.BASIC, username="demo", password="{{password}}")
    assert ("password", "hunter2") in [(s.name, s.value) for s in report.secrets]
    form = get(collection, "Misc/Form")
    assert collection.effective_auth(form) == misc.auth


def test_api_key_auth_becomes_rows(smartcar) -> None:
    collection, report = smartcar
    header = get(collection, "Misc/Api key header")
    assert header.auth.kind == AuthKind.NONE
    assert header.headers == [KeyValue("X-API-Key", "{{x_api_key}}")]
    assert ("x_api_key", "k-literal-123") in [(s.name, s.value) for s in report.secrets]
    query = get(collection, "Misc/Api key query")
    assert query.url == "https://example.com/keyed"
    assert query.params == [KeyValue("x", "1"), KeyValue("api_key", "{{api_key}}")]
    # A folder's API key applies to the requests that inherit it, not to one with its own auth.
    keys = collection.folders[2]
    assert keys.auth == Auth(kind=AuthKind.NONE)
    assert get(collection, "Keys/Inherits key").headers == [
        KeyValue("X-Partner-Key", "{{partner_key}}")
    ]
    own = get(collection, "Keys/Own auth")
    assert own.headers == []
    assert own.auth == Auth(kind=AuthKind.BEARER, token="{{bearerToken}}")
    assert any("became the header 'X-Partner-Key'" in m for m in warnings_for(report, "Keys"))


def test_unsupported_auth_and_examples_are_reported(smartcar) -> None:
    collection, report = smartcar
    assert get(collection, "Misc/Digest").auth.kind == AuthKind.NONE
    assert any("'digest' is not supported" in m for m in warnings_for(report, "Misc/Digest"))
    assert warnings_for(report, "Misc/Saved examples") == ["1 saved example response not imported"]


def test_every_warning_names_an_item(smartcar) -> None:
    collection, report = smartcar
    paths = {""} | {"/".join((*folders, r.name)) for folders, r in collection.walk()}
    folders = {"Vehicles", "Vehicles/Commands", "Misc", "Keys"}
    assert {w.where for w in report.warnings} <= paths | folders
    assert str(report.warnings[0]).startswith("(collection): ")


def test_secret_values_are_not_in_the_collection(smartcar) -> None:
    collection, report = smartcar
    text = repr(collection)
    for secret in report.secrets:
        assert secret.value not in text
    for live in ("eyJhbGciOi.live.token", "rt-live-456", "live-literal-token-999"):
        assert live not in text
        assert live not in repr(report.secrets)
    assert "cs-literal" not in repr(report)  # ImportedSecret hides its value in repr


# ---- v2.0 --------------------------------------------------------------------------------------


def test_v20_collection(legacy) -> None:
    collection, report = legacy
    assert collection.name == "Legacy API"
    assert collection.description == "A Collection v2.0 export."
    assert collection.auth == Auth(kind=AuthKind.BEARER, token="{{bearerToken}}")
    assert collection.variables == {"base": "https://legacy.example.com"}  # `id`, not `key`
    assert [(s.kind, s.name, s.value) for s in report.secrets] == [
        (VARIABLE, "api_key", "legacy-key-555")
    ]
    login = get(collection, "Login")
    assert login.description == "Posts credentials"
    assert (login.method, login.url) == ("POST", "{{base}}/login")
    assert login.params == [KeyValue("remember", "true")]
    assert login.headers == [
        KeyValue("Content-Type", "application/json"),
        KeyValue("X-Client", "carman-tests"),
    ]
    assert login.body.kind == BodyKind.JSON
    assert login.auth == Auth(kind=AuthKind.BASIC, username="{{user}}", password="{{pass}}")
    assert login.captures == [
        Capture("bearerToken", CaptureSource.BODY, "$.access_token"),
        Capture("user", CaptureSource.BODY, "$.user.id"),
    ]
    assert login.meta["notes"] == [
        {"kind": "test", "text": 'tests["ok"] = responseCode.code === 200;'}
    ]


def test_v20_string_request_query_decoding_and_oauth2_dict(legacy) -> None:
    collection, report = legacy
    ping = get(collection, "Ping")
    assert (ping.method, ping.url, ping.auth.kind) == ("GET", "{{base}}/ping", AuthKind.INHERIT)
    folder = collection.folders[0]
    assert folder.auth == Auth(kind=AuthKind.NONE)
    search = get(collection, "Folder/Search")
    # Postman keeps values as typed: %20 is a space; a + stays a plus.
    assert search.params == [KeyValue("q", "a b"), KeyValue("tag", "x+y")]
    oauth = get(collection, "Folder/OAuth v2.0 style")
    settings = oauth.auth.oauth2
    assert oauth.auth.kind == AuthKind.OAUTH2 and settings is not None
    assert settings.client_id == "legacy-client"
    assert settings.add_token_to == "query"
    assert settings.scope == ["read", "write"]
    assert settings.mode == ""  # Postman sends none
    messages = warnings_for(report, "Folder/OAuth v2.0 style")
    assert any("client_credentials" in m for m in messages)
    assert any("{{client_secret}} not kept" in m for m in messages)
    assert any("accessToken dropped" in m for m in messages)


# ---- smaller shapes ----------------------------------------------------------------------------


def collection_of(*items: dict, **extra) -> dict:
    return {
        "info": {"name": "T", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/"},
        "item": list(items),
        **extra,
    }


def test_item_without_name_method_or_url_gets_defaults() -> None:
    data = collection_of({"request": {"method": "GE T"}}, {"item": []}, {"name": "odd"})
    collection, report = import_postman_collection(data)
    assert collection.requests[0].name == "Untitled request"
    assert collection.requests[0].method == "GET"
    assert collection.folders[0].name == "Untitled folder"
    messages = [str(w) for w in report.warnings]
    assert "Untitled request: method 'GE T' is not an HTTP method; GET used" in messages
    assert "odd: neither a request nor a folder; skipped" in messages


def test_missing_schema_is_read_as_v21_with_a_warning() -> None:
    data = {"info": {"name": "No schema"}, "item": [{"name": "r", "request": "http://x"}]}
    collection, report = import_postman_collection(data)
    assert collection.requests[0].url == "http://x"
    assert any("no schema" in w.message for w in report.warnings)


def test_postman_api_wrapper_is_unwrapped() -> None:
    inner = collection_of({"name": "r", "request": "http://x"})
    collection, _ = import_postman_collection({"collection": inner})
    assert collection.name == "T"


def test_secret_typed_variable_and_template_secret() -> None:
    data = collection_of(
        variable=[
            {"key": "vin", "value": "5YJ3", "type": "secret"},
            {"key": "api_key", "value": "{{env_key}}"},
            {"key": "bearerToken", "value": ""},
        ]
    )
    collection, report = import_postman_collection(data)
    assert collection.variables == {"api_key": "{{env_key}}"}
    assert report.secret_variables() == {"vin": "5YJ3"}


def test_literal_authorization_and_token_rows_are_replaced() -> None:
    data = collection_of(
        {
            "name": "r",
            "request": {
                "url": "http://x/?access_token=abc123&q=1",
                "header": [
                    {"key": "Authorization", "value": "Bearer eyJ.literal"},
                    {"key": "X-Session-Token", "value": "sess-1"},
                    {"key": "Ocp-Apim-Subscription-Key", "value": "sub-1"},
                ],
            },
        }
    )
    collection, report = import_postman_collection(data)
    request = collection.requests[0]
    assert request.params == [KeyValue("access_token", "{{access_token}}"), KeyValue("q", "1")]
    assert request.headers == [
        KeyValue("Authorization", "Bearer {{access_token}}"),
        KeyValue("X-Session-Token", "{{x_session_token}}"),
        KeyValue("Ocp-Apim-Subscription-Key", "{{ocp_apim_subscription_key}}"),
    ]
    assert report.secret_variables() == {"ocp_apim_subscription_key": "sub-1"}
    assert "eyJ.literal" not in repr(collection) and "sess-1" not in repr(report.secrets)


def test_disabled_test_event_gives_disabled_captures_and_note() -> None:
    script = 'pm.environment.set("id", pm.response.json().id);\nconsole.log(1);'
    data = collection_of(
        {
            "name": "r",
            "request": "http://x",
            "event": [{"listen": "test", "disabled": True, "script": {"exec": script}}],
        }
    )
    collection, _ = import_postman_collection(data)
    request = collection.requests[0]
    assert request.captures == [Capture("id", CaptureSource.BODY, "$.id", enabled=False)]
    assert request.meta["notes"] == [{"kind": "test", "text": "console.log(1);", "disabled": True}]


def test_imported_collection_saves_and_loads_back(smartcar, tmp_path: Path) -> None:
    from tui.core.collection_io import load_collection, save_collection

    collection, report = smartcar
    save_collection(collection, tmp_path / "c")
    loaded, issues = load_collection(tmp_path / "c")
    assert issues == []
    assert loaded == collection
    text = "".join(p.read_text() for p in (tmp_path / "c").rglob("*.toml"))
    for secret in report.secrets:
        assert secret.value not in text
    for live in ("eyJhbGciOi.live.token", "rt-live-456", "live-literal-token-999", "hunter2"):
        assert live not in text


def test_fixture_files_are_valid_json() -> None:
    for name in ("smartcar_v21.json", "legacy_v20.json", "environment.json"):
        assert isinstance(load_data(name), dict)


def test_a_collection_without_info_and_plain_url_requests_are_imported_with_warnings() -> None:
    """As people have them: no "info" header (Postman's command-line runner reads these) and
    items whose request is just a URL."""
    bare = {
        "name": "Runner style",
        "variable": [{"key": "base", "value": "https://api.example.com"}],
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}"}]},
        "event": [],
        "item": [
            {"name": "Plain", "request": "{{base}}/plain?x=1"},
            {
                "name": "Folder",
                "item": [{"name": "Full", "request": {"method": "POST", "url": "{{base}}/full"}}],
            },
        ],
    }
    collection, report = import_postman_collection(bare)
    assert collection.name == "Runner style"
    assert collection.variables == {"base": "https://api.example.com"}
    plain = collection.find(["Plain"])
    assert plain is not None and plain.method == "GET" and plain.url == "{{base}}/plain"
    assert [(p.name, p.value) for p in plain.params] == [("x", "1")]
    full = collection.find(["Folder", "Full"])
    assert full is not None and full.method == "POST"
    warnings = [str(w) for w in report.warnings]
    assert any("no 'info' block" in w for w in warnings)
    assert any("Plain" in w and "plain URL" in w for w in warnings)
    assert not any("no schema" in w for w in warnings)  # said once, not twice


def test_an_unrelated_json_object_is_still_refused() -> None:
    with pytest.raises(ImportFailed, match="not a Postman collection"):
        import_postman_collection({"item": [], "paths": {}})


def test_a_hash_or_question_mark_in_a_path_segment_stays_in_the_path() -> None:
    # A URL object without "raw" is rebuilt from its segments: a "#" there once started a
    # fragment, so the request went to /vehicles/ (found by the fuzz test's round trip).
    document = {
        "info": {"name": "segments", "schema": SCHEMA_V21},
        "item": [
            {
                "name": "Odd",
                "request": {
                    "method": "GET",
                    "url": {
                        "protocol": "https",
                        "host": ["api", "smartcar", "com"],
                        "path": ["v2.0", "vehicles", "#", "a?b", "odometer"],
                    },
                },
            },
            {
                "name": "Path variable",
                "request": {
                    "method": "GET",
                    "url": {
                        "raw": "https://api.smartcar.com/v2.0/vehicles/:id/odometer",
                        "variable": [{"key": "id", "value": "#1"}],
                    },
                },
            },
        ],
    }
    collection, _ = import_postman_collection(document)
    odd, variable = collection.requests
    assert odd.url == "https://api.smartcar.com/v2.0/vehicles/%23/a%3Fb/odometer"
    assert variable.url == "https://api.smartcar.com/v2.0/vehicles/%231/odometer"
    exported, _ = export_postman(collection)
    again, _ = import_postman_collection(json.loads(json.dumps(exported)))
    assert [r.url for r in again.requests] == [odd.url, variable.url]
