"""Templating: layers, nesting, masking, and refusal on unresolved names."""

from __future__ import annotations

import pytest

from tui.core.errors import UnresolvedVariables
from tui.core.model import Auth, AuthKind, Body, BodyKind, KeyValue, Request
from tui.core.prepare import InvalidJsonBody, prepare
from tui.core.variables import VariableStore


def _store() -> VariableStore:
    store = VariableStore()
    store.set_layer("environment", {"host": "env.example", "who": "env", "base": "http://{{host}}"})
    store.set_layer("collection", {"who": "collection"})
    return store


def test_layers_override_lowest_first() -> None:
    store = _store()
    assert store.get("who") == "collection"
    store.set("who", "session")
    assert store.get("who") == "session"
    store.delete("who")
    assert store.get("who") == "collection"


def test_nested_values_resolve() -> None:
    assert _store().resolve("{{base}}/x").text == "http://env.example/x"


def test_masking_secret_names() -> None:
    store = _store()
    store.set("access_token", "abcdefghijklmnopqrstuvwxyz")
    shown = store.resolve("Bearer {{access_token}}", masked=True).text
    assert shown == "Bearer ••••••"
    assert store.resolve("Bearer {{access_token}}").text.endswith("xyz")


def test_listeners_hear_changes() -> None:
    store = _store()
    heard: list[tuple[str, str]] = []
    store.subscribe(lambda layer, name: heard.append((layer, name)))
    store.set("vehicle_id", "v1")
    store.set("vehicle_id", "v1")  # unchanged: no event
    assert heard == [("session", "vehicle_id")]


def test_unresolved_names_refuse_the_send() -> None:
    request = Request(
        name="r",
        url="{{base}}/{{missing_one}}",
        headers=[KeyValue("X", "{{missing_two}}"), KeyValue("Off", "{{ignored}}", enabled=False)],
        body=Body(kind=BodyKind.TEXT, text="{{missing_one}}"),
        auth=Auth(kind=AuthKind.BEARER, token="{{missing_token}}"),
    )
    with pytest.raises(UnresolvedVariables) as caught:
        prepare(request, _store())
    assert caught.value.names == ["missing_one", "missing_two", "missing_token"]
    assert "{{missing_one}}" in str(caught.value)


def test_everything_is_templated() -> None:
    store = _store()
    store.set("token", "t0k3n")
    request = Request(
        name="r",
        method="post",
        url="{{base}}/items",
        params=[KeyValue("q", "{{who}} x"), KeyValue("off", "1", enabled=False)],
        headers=[KeyValue("X-Who", "{{who}}")],
        body=Body(kind=BodyKind.JSON, text='{"who": "{{who}}"}'),
        auth=Auth(kind=AuthKind.BEARER, token="{{token}}"),
    )
    prepared = prepare(request, store)
    assert prepared.method == "POST"
    assert prepared.url == "http://env.example/items?q=collection%20x"
    assert prepared.header("X-Who") == "collection"
    assert prepared.header("Authorization") == "Bearer t0k3n"
    assert prepared.header("Content-Type") == "application/json"
    assert prepared.body == b'{"who": "collection"}'


def test_invalid_json_body_names_line_and_column() -> None:
    request = Request(
        name="r", url="http://x", body=Body(kind=BodyKind.JSON, text='{\n  "a": ,\n}')
    )
    with pytest.raises(InvalidJsonBody) as caught:
        prepare(request, VariableStore())
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert "line 2, column 8" in str(caught.value)


def test_form_and_multipart_bodies() -> None:
    form = Request(
        name="f",
        method="POST",
        url="http://x",
        body=Body(kind=BodyKind.FORM, form=[KeyValue("a", "1 2"), KeyValue("a", "&")]),
    )
    assert prepare(form, VariableStore()).body == b"a=1+2&a=%26"
    multi = Request(
        name="m",
        method="POST",
        url="http://x",
        body=Body(kind=BodyKind.MULTIPART, form=[KeyValue("field", "välue")]),
    )
    prepared = prepare(multi, VariableStore())
    assert prepared.header(
        "Content-Type",
    ).startswith("multipart/form-data; boundary=")
    assert 'name="field"\r\n\r\nvälue'.encode() in prepared.body
