"""Export to Postman v2.1: round trips keep everything, secrets never leave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importexport.helpers import DATA
from tui.core.exporters.postman import export_postman, export_postman_json
from tui.core.importers.postman import SCHEMA_V21, import_postman_collection, import_postman_file
from tui.core.model import (
    Auth,
    AuthKind,
    Body,
    BodyKind,
    Capture,
    CaptureSource,
    Collection,
    Folder,
    KeyValue,
    OAuth2Settings,
    Request,
)


def round_trip(collection: Collection) -> Collection:
    text, _ = export_postman_json(collection)
    again, _ = import_postman_collection(json.loads(text))
    return again


@pytest.mark.parametrize("name", ["smartcar_v21.json", "legacy_v20.json"])
def test_imported_collections_round_trip(name: str) -> None:
    collection, _ = import_postman_file(DATA / name)
    assert round_trip(collection) == collection
    # And a second generation is byte-for-byte the same export.
    first, _ = export_postman_json(collection)
    second, _ = export_postman_json(round_trip(collection))
    assert first == second


def test_export_shape() -> None:
    collection, _ = import_postman_file(DATA / "smartcar_v21.json")
    data, report = export_postman(collection)
    assert data["info"]["schema"] == SCHEMA_V21
    assert data["info"]["name"] == "Smartcar Demo"
    assert data["info"]["description"] == "Written for carman's importer tests."
    assert data["variable"][0] == {
        "key": "api_url",
        "value": "https://api.smartcar.com",
        "type": "string",
    }
    assert (report.folders, report.requests, report.variables, report.captures) == (4, 16, 4, 2)
    vehicles = data["item"][0]
    all_vehicles = vehicles["item"][0]
    assert all_vehicles["request"]["url"]["raw"] == "{{api_url}}/v2.0/vehicles?limit={{page_size}}"
    assert all_vehicles["request"]["url"]["query"][1] == {
        "key": "offset",
        "value": "0",
        "disabled": True,
    }
    assert all_vehicles["request"]["header"][1]["disabled"] is True
    test_script = all_vehicles["event"][0]["script"]["exec"]
    assert test_script[0] == (
        'pm.collectionVariables.set("vehicle_id", pm.response.json().vehicles[0]);'
    )
    assert test_script[2].startswith("pm.test(")
    lock = vehicles["item"][2]["item"][0]
    assert lock["event"] == [
        {
            "listen": "prerequest",
            "script": {
                "type": "text/javascript",
                "exec": ["pm.environment.set('ts', Date.now());"],
            },
        }
    ]
    assert lock["request"]["body"] == {
        "mode": "raw",
        "raw": '{"action": "LOCK"}',
        "options": {"raw": {"language": "json"}},
    }
    unlock = vehicles["item"][2]["item"][1]
    assert unlock["request"]["auth"] == {"type": "noauth"}
    assert "auth" not in lock["request"]  # inherits
    assert vehicles["item"][2]["auth"]["type"] == "bearer"
    misc = {item["name"]: item for item in data["item"][1]["item"]}
    assert misc["Upload"]["request"]["body"]["formdata"][1] == {
        "key": "image",
        "type": "file",
        "src": "/tmp/car.png",
    }
    assert misc["Form"]["request"]["body"]["mode"] == "urlencoded"
    assert misc["File body"]["request"]["body"] == {
        "mode": "file",
        "file": {"src": "/tmp/payload.json"},
    }
    assert misc["Xml"]["request"]["body"]["options"]["raw"]["language"] == "xml"
    oauth2 = {p["key"]: p["value"] for p in data["auth"]["oauth2"]}
    assert oauth2["clientId"] == "{{client_id}}"
    assert oauth2["scope"] == "read_vehicle_info read_odometer required:read_location"
    assert {p["key"]: p["value"] for p in oauth2["authRequestParams"]} == {
        "mode": "simulated",
        "approval_prompt": "force",
        "make": "TESLA",
        "single_select": "true",
        "flow": "fast",
    }
    assert "clientSecret" not in oauth2 and "accessToken" not in oauth2


def native_collection() -> Collection:
    """A collection made in carman (not imported), using every feature the model has."""
    oauth = OAuth2Settings(
        client_id="{{client_id}}",
        authorize_url="https://connect.smartcar.com/oauth/authorize",
        token_url="https://auth.smartcar.com/oauth/token",
        scope=["read_odometer", "required:read_vin"],
        mode="test",
        country="DE",
        make="BMW",
        single_select=True,
        approval_prompt="auto",
        extra_params={"flags": "tesla_auth:true", "user": "me@example.com"},
        add_token_to="query",
    )
    captures = [
        Capture("vehicle_id", CaptureSource.BODY, "$.vehicles[0]"),
        Capture("ids", CaptureSource.BODY, "$.vehicles[*]", keep_all=True),
        Capture("request_id", CaptureSource.HEADER, "SC-Request-Id"),
        Capture("status", CaptureSource.STATUS),
        Capture("old", CaptureSource.BODY, "$.x", enabled=False),
        Capture("filter", CaptureSource.BODY, "$.items[?@.ok == true].id"),
    ]
    vehicles = Request(
        name="All vehicles",
        url="{{api_url}}/v2.0/vehicles",
        params=[
            KeyValue("limit", "10"),
            KeyValue("q", "a b&c=d#e %41 100%"),
            KeyValue("x", "", False),
        ],
        headers=[KeyValue("Accept", "application/json"), KeyValue("X-Off", "1", enabled=False)],
        captures=captures,
        description="Lists vehicles.\nTwo lines.",
        meta={
            "permission": "read_vehicle_info",
            "docs": "https://smartcar.com/docs",
            "notes": [
                {"kind": "prerequest", "text": "console.log('before');"},
                {"kind": "test", "text": "pm.test('t', () => {});\n// kept", "disabled": True},
                {"kind": "test", "text": "console.log('after');"},
            ],
        },
    )
    json_body = Request(
        name="Lock",
        method="POST",
        url="{{api_url}}/v2.0/vehicles/{{vehicle_id}}/security",
        body=Body(BodyKind.JSON, text='{"action": "LOCK"}'),
        auth=Auth(kind=AuthKind.OAUTH2, oauth2=oauth),
    )
    text_body = Request(
        name="Text",
        method="PUT",
        url="https://example.com/text",
        body=Body(BodyKind.TEXT, text="line 1\nline 2 ünïcödé", content_type="text/html"),
        auth=Auth(kind=AuthKind.BASIC, username="{{user}}", password="{{password}}"),
    )
    form = Request(
        name="Form",
        method="POST",
        url="https://example.com/form",
        body=Body(BodyKind.FORM, form=[KeyValue("a", "1"), KeyValue("b", "2", enabled=False)]),
        auth=Auth(kind=AuthKind.NONE),
    )
    multipart = Request(
        name="Multipart",
        method="PATCH",
        url="https://example.com/upload",
        body=Body(
            BodyKind.MULTIPART,
            form=[KeyValue("f", "~/a.png", is_file=True), KeyValue("t", "x", enabled=False)],
        ),
        auth=Auth(kind=AuthKind.BEARER, token="{{access_token}}"),
    )
    inner = Folder(
        name="Inner",
        requests=[form, multipart],
        description="deeper",
        auth=Auth(kind=AuthKind.BEARER, token="{{bearerToken}}"),
    )
    folder = Folder(name="Vehicle", requests=[vehicles, json_body, text_body], folders=[inner])
    return Collection(
        name="Native",
        description="Made in carman",
        requests=[Request(name="Root", method="OPTIONS", url="http://localhost:8000/x")],
        folders=[folder, Folder(name="Empty")],
        auth=Auth(kind=AuthKind.OAUTH2),  # the environment's OAuth2 settings
        variables={"api_url": "https://api.smartcar.com", "unit_system": "metric"},
    )


def test_native_collection_round_trips() -> None:
    collection = native_collection()
    again = round_trip(collection)
    for (_, mine), (_, theirs) in zip(collection.walk(), again.walk(), strict=True):
        assert theirs == mine, mine.name
    assert again == collection


def test_native_export_is_valid_postman_shape() -> None:
    data, _ = export_postman(native_collection())
    request = data["item"][1]["item"][0]["request"]
    assert request["url"]["raw"] == (
        "{{api_url}}/v2.0/vehicles?limit=10&q=a b%26c=d%23e %2541 100%"
    )
    assert request["url"]["host"] == ["{{api_url}}"]
    assert request["url"]["path"] == ["v2.0", "vehicles"]
    lock = data["item"][1]["item"][1]["request"]
    params = {p["key"]: p["value"] for p in lock["auth"]["oauth2"]}
    assert params["addTokenTo"] == "queryParams"
    connect = {p["key"]: p["value"] for p in params["authRequestParams"]}
    assert connect["flags"] == "country:DE tesla_auth:true"
    text = data["item"][1]["item"][2]["request"]
    assert text["body"]["options"]["raw"]["language"] == "html"
    events = data["item"][1]["item"][0]["event"]
    assert [e["listen"] for e in events] == ["prerequest", "test", "test"]
    assert events[1]["disabled"] is True
    assert events[2]["script"]["exec"][0].startswith("pm.collectionVariables.set(")
    assert data["item"][1]["item"][0]["_carman_meta"] == {
        "permission": "read_vehicle_info",
        "docs": "https://smartcar.com/docs",
    }


def test_content_type_without_a_postman_language_becomes_a_header() -> None:
    request = Request(
        name="r",
        method="POST",
        url="http://x",
        body=Body(BodyKind.JSON, text="{}", content_type="application/vnd.api+json"),
    )
    data, _ = export_postman(Collection(name="c", requests=[request]))
    assert data["item"][0]["request"]["header"] == [
        {"key": "Content-Type", "value": "application/vnd.api+json", "type": "text"}
    ]


LIVE = ("live-bearer-token-1", "basic-pass-2", "api-key-value-3", "secret-var-4", "tok-5")


def leaky_collection() -> Collection:
    request = Request(
        name="Leaky",
        url="https://x/?access_token=tok-5",
        headers=[
            KeyValue("X-Api-Key", "api-key-value-3"),
            KeyValue("Authorization", "Bearer live-bearer-token-1"),
        ],
        auth=Auth(kind=AuthKind.BASIC, username="me", password="basic-pass-2"),
    )
    return Collection(
        name="Leaky",
        requests=[request],
        folders=[Folder(name="F", auth=Auth(kind=AuthKind.BEARER, token="live-bearer-token-1"))],
        variables={"client_secret": "secret-var-4", "plain": "ok"},
    )


def test_secrets_never_in_the_export() -> None:
    text, report = export_postman_json(leaky_collection())
    for value in LIVE:
        assert value not in text
    assert json.loads(text)["variable"] == [{"key": "plain", "value": "ok", "type": "string"}]
    messages = [str(w) for w in report.warnings]
    assert "(collection): variable 'client_secret': secret value not exported" in messages
    assert any(m.startswith("F: literal bearer token not exported") for m in messages)
    assert any(m.startswith("Leaky: basic auth password not exported") for m in messages)
    assert any(m.startswith("Leaky: header X-Api-Key") for m in messages)


def test_builtin_smartcar_collection_round_trips() -> None:
    from tui.core.workspace import builtin_collections

    collections, _ = builtin_collections()
    for collection in collections:
        assert round_trip(collection) == collection


def test_saved_collection_files_hold_no_secrets(tmp_path: Path) -> None:
    from tui.core.collection_io import save_collection

    collection, report = import_postman_file(DATA / "smartcar_v21.json")
    save_collection(collection, tmp_path / "saved")
    text = "".join(p.read_text() for p in (tmp_path / "saved").rglob("*.toml"))
    assert report.secrets
    for secret in report.secrets:
        assert secret.value not in text


FILE_ROW = {"key": "f", "type": "file", "src": "/x"}


def test_disabled_bodies_round_trip() -> None:
    def item(name: str, body: dict) -> dict:
        return {"name": name, "request": {"method": "POST", "url": "http://x", "body": body}}

    data = {
        "info": {"name": "d", "schema": SCHEMA_V21},
        "item": [
            item("raw", {"mode": "raw", "raw": "hello", "disabled": True}),
            item("form", {"mode": "urlencoded", "urlencoded": [{"key": "a"}], "disabled": True}),
            item("multi", {"mode": "formdata", "formdata": [FILE_ROW], "disabled": True}),
        ],
    }
    collection, report = import_postman_collection(data)
    assert [r.body.kind for r in collection.requests] == [BodyKind.NONE] * 3
    assert collection.requests[0].body.text == "hello"
    assert collection.requests[2].body.form == [KeyValue("f", "/x", is_file=True)]
    assert sum("disabled in Postman" in w.message for w in report.warnings) == 3
    assert round_trip(collection) == collection


def test_url_with_its_own_query_exports_what_carman_sends() -> None:
    from tui.core.prepare import prepare
    from tui.core.variables import VariableStore

    request = Request(
        name="r",
        url="https://x/s?flag&a=%7e",
        params=[KeyValue("b", "c d"), KeyValue("off", "1", enabled=False)],
    )
    data, report = export_postman(Collection(name="c", requests=[request]))
    url = data["item"][0]["request"]["url"]
    sent = prepare(request, VariableStore()).url
    assert url["raw"] == sent == "https://x/s?flag&a=%7e&b=c%20d"
    assert "query" not in url
    assert [w.message for w in report.warnings] == [
        "disabled query parameters not exported (the URL has a query)"
    ]
    again = round_trip(Collection(name="c", requests=[request]))
    assert prepare(again.requests[0], VariableStore()).url == sent
