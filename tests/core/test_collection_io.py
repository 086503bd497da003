"""Collections on disk: lossless round trip, malformed files reported with file and line."""

from __future__ import annotations

from pathlib import Path

from tui.core.collection_io import load_collection, load_collections, save_collection, save_request
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


def _rich_collection() -> Collection:
    tricky = Request(
        name="Ünïcödé ✓ request",
        method="POST",
        url="{{api_url}}/v2.0/vehicles/{{vehicle_id}}/charge/limit",
        params=[
            KeyValue("limit", "10"),
            KeyValue("limit", "20"),  # duplicate kept
            KeyValue("offset", "", enabled=False),  # disabled and empty
        ],
        headers=[
            KeyValue("X-Dup", "a"),
            KeyValue("X-Dup", "b"),
            KeyValue("X-Off", "c", enabled=False),
            KeyValue("X-Empty", ""),
        ],
        body=Body(kind=BodyKind.JSON, text='{\n  "limit": 0.8,\n  "note": "línea\\n"\n}\n'),
        auth=Auth(kind=AuthKind.BEARER, token="{{access_token}}"),
        captures=[Capture("vehicle_id", CaptureSource.BODY, "$.vehicles[*]", keep_all=True)],
        description="multi\nline ‘quotes’ \"double\" '''triple'''",
        meta={"permission": "control_charge", "docs": "https://example.com/docs"},
    )
    form = Request(
        name="Form",
        method="PUT",
        url="http://x",
        body=Body(kind=BodyKind.MULTIPART, form=[KeyValue("f", "/tmp/a b", is_file=True)]),
        auth=Auth(kind=AuthKind.BASIC, username="u", password="{{pw}}"),
    )
    nested = Folder(name="Inner / folder", requests=[Request(name="Leaf", url="http://y")])
    folder = Folder(
        name="Vehicle",
        requests=[tricky, form],
        folders=[nested],
        auth=Auth(kind=AuthKind.OAUTH2, oauth2=OAuth2Settings(client_id="{{client_id}}")),
    )
    return Collection(
        name="My API",
        description="desc",
        folders=[folder],
        requests=[Request(name="Top", url="http://z")],
        variables={"base": "http://localhost", "empty": ""},
        auth=Auth(kind=AuthKind.NONE),
    )


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    original = _rich_collection()
    save_collection(original, tmp_path / "my-api")
    loaded, issues = load_collection(tmp_path / "my-api")
    assert issues == []
    assert loaded == original
    # Saving again changes no byte: files diff cleanly.
    before = {p: p.read_bytes() for p in (tmp_path / "my-api").rglob("*.toml")}
    save_collection(loaded)
    after = {p: p.read_bytes() for p in (tmp_path / "my-api").rglob("*.toml")}
    assert before == after


def test_defaults_are_omitted(tmp_path: Path) -> None:
    save_collection(Collection(name="C", requests=[Request(name="R", url="http://a")]), tmp_path)
    text = (tmp_path / "r.toml").read_text()
    assert text.strip().splitlines() == ['name = "R"', 'method = "GET"', 'url = "http://a"']


def test_malformed_file_reports_path_and_line_and_loads_the_rest(tmp_path: Path) -> None:
    save_collection(_rich_collection(), tmp_path / "c")
    broken = tmp_path / "c" / "top.toml"
    broken.write_text('name = "Top"\nmethod = "GET"\nurl = "unterminated\n')
    wrong_type = tmp_path / "c" / "vehicle" / "form.toml"
    wrong_type.write_text('name = "Form"\nmethod = "PUT"\nurl = "x"\nheaders = "oops"\n')
    loaded, issues = load_collection(tmp_path / "c")
    messages = {issue.path.name: issue for issue in issues}
    assert messages["top.toml"].line == 3
    assert "invalid TOML" in messages["top.toml"].message
    assert messages["form.toml"].line == 4
    assert "headers" in messages["form.toml"].message
    assert f"{broken}:3:" in str(messages["top.toml"])
    # Everything else is still there.
    names = [request.name for _, request in loaded.walk()]
    assert "Ünïcödé ✓ request" in names and "Leaf" in names and "Top" not in names


def test_save_request_writes_one_file_atomically(tmp_path: Path) -> None:
    collection = _rich_collection()
    save_collection(collection, tmp_path / "c")
    request = collection.folders[0].requests[0]
    request.url = "http://changed"
    request.dirty = True
    path = save_request(collection, request)
    assert not request.dirty
    assert 'url = "http://changed"' in path.read_text()
    assert not list((tmp_path / "c").rglob("*.tmp"))
    new = Request(name="Brand new")
    collection.folders[0].requests.append(new)
    save_request(collection, new)
    loaded, _ = load_collection(tmp_path / "c")
    assert loaded.find(["Vehicle", "Brand new"]) is not None


def test_load_collections_skips_nothing(tmp_path: Path) -> None:
    save_collection(Collection(name="A", requests=[Request(name="1")]), tmp_path / "a")
    save_collection(Collection(name="B", requests=[Request(name="2")]), tmp_path / "b")
    (tmp_path / "b" / "garbage.toml").write_bytes(b"\xff\xfe\x00bad")
    collections, issues = load_collections(tmp_path)
    assert [c.name for c in collections] == ["A", "B"]
    assert len(issues) == 1 and "UTF-8" in issues[0].message


def test_effective_auth_inherits(tmp_path: Path) -> None:
    collection = _rich_collection()
    leaf = collection.folders[0].folders[0].requests[0]
    assert collection.effective_auth(leaf).kind == AuthKind.OAUTH2
    assert collection.effective_auth(collection.requests[0]).kind == AuthKind.NONE
