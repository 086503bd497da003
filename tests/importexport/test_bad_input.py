"""Input that cannot be imported fails with our own clear error, naming what and where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.core.errors import CarmanError
from tui.core.importers.jsonfile import MAX_BYTES
from tui.core.importers.postman import (
    MAX_DEPTH,
    import_postman_collection,
    import_postman_file,
    import_postman_text,
)
from tui.core.importers.report import ImportFailed

V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def test_import_failed_is_a_carman_error() -> None:
    assert issubclass(ImportFailed, CarmanError)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "info": {"name": "x",}\n}\n', encoding="utf-8")
    with pytest.raises(ImportFailed) as caught:
        import_postman_file(path)
    assert str(caught.value) == (
        f"{path}: invalid JSON: Expecting property name enclosed in double quotes "
        "at line 2, column 24"
    )
    assert (caught.value.line, caught.value.column) == (2, 24)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Env", "values": []}, "a Postman environment"),
        ({"id": "1", "name": "Old", "requests": [], "order": []}, "a Postman v1 collection"),
        ({"openapi": "3.0.0", "paths": {}}, "an OpenAPI/Swagger document"),
        ({"swagger": "2.0"}, "an OpenAPI/Swagger document"),
        ({"log": {"entries": []}}, "a HAR file"),
        ({"_type": "export", "__export_format": 4}, "an Insomnia export"),
        ({"version": 1, "collections": [], "environments": []}, "a Postman data dump"),
        ({"hello": 1, "world": 2}, "a JSON object without 'info' and 'item' (top-level keys: h"),
        ([1, 2, 3], "a JSON list"),
        ("just text", "a JSON value (a string)"),
        (None, "a JSON value (null)"),
    ],
)  # fmt: skip
def test_not_a_postman_collection(data: object, message: str) -> None:
    with pytest.raises(ImportFailed) as caught:
        import_postman_collection(data, source="in.json")
    assert str(caught.value).startswith(f"in.json: not a Postman collection: this is {message}")


def test_collection_with_a_broken_header() -> None:
    with pytest.raises(ImportFailed, match=r"^\(collection\): info: expected an object, got a"):
        import_postman_collection({"info": "x", "item": []})


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ("https://schema.getpostman.com/json/collection/v1.0.0/collection.json", "schema v1.0.0"),
        ("https://schema.getpostman.com/json/collection/v2.2.0/collection.json", "schema v2.2.0"),
        ("https://example.com/my-schema.json", "unknown collection schema"),
        (42, "info.schema: expected a URL, got a number"),
    ],
)
def test_unknown_schema_versions(schema: object, message: str) -> None:
    data = {"info": {"name": "x", "schema": schema}, "item": []}
    with pytest.raises(ImportFailed, match=message):
        import_postman_collection(data)


def nested(depth: int) -> dict:
    inner: dict = {"name": "leaf", "request": {"url": "http://x"}}
    for level in range(depth):
        inner = {"name": f"f{level}", "item": [inner]}
    return {"info": {"name": "deep", "schema": V21}, "item": [inner]}


def test_folder_depth_is_capped() -> None:
    collection, _ = import_postman_collection(nested(MAX_DEPTH))
    assert collection.folders
    with pytest.raises(ImportFailed, match=f"nested more than {MAX_DEPTH} levels deep"):
        import_postman_collection(nested(MAX_DEPTH + 2))


def test_absurdly_deep_json_text() -> None:
    text = '{"info": {"name": "x"}, "item": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ImportFailed, match=r"nested too deeply|expected an object"):
        import_postman_text(text)


def test_cyclic_and_shared_items() -> None:
    folder: dict = {"name": "loop", "item": []}
    folder["item"].append(folder)
    data = {"info": {"name": "x", "schema": V21}, "item": [folder]}
    with pytest.raises(ImportFailed, match="loop: item\\[0\\] appears twice"):
        import_postman_collection(data)
    shared = {"name": "r", "request": {"url": "http://x"}}
    data = {"info": {"name": "x", "schema": V21}, "item": [shared, shared]}
    with pytest.raises(ImportFailed, match="\\(collection\\): item\\[1\\] appears twice"):
        import_postman_collection(data)


def test_wrong_structure_names_the_item_and_field() -> None:
    data = {
        "info": {"name": "x", "schema": V21},
        "item": [{"name": "F", "item": [{"name": "R", "request": {"url": "u", "header": {}}}]}],
    }
    with pytest.raises(
        ImportFailed, match=r"^F/R: request\.header: expected a list, got an object$"
    ):
        import_postman_collection(data)
    data["item"] = [{"name": "F", "item": [{"name": "R", "request": {"body": []}}]}]
    with pytest.raises(ImportFailed, match=r"^F/R: request\.body: expected an object, got a list$"):
        import_postman_collection(data)
    data["item"] = "nope"
    with pytest.raises(
        ImportFailed, match=r"^\(collection\): item: expected a list, got a string$"
    ):
        import_postman_collection(data)


def test_binary_garbage_and_wrong_encodings(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ImportFailed, match=r"image\.png: a binary file, not JSON text"):
        import_postman_file(binary)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"info": {"name": "caf\xe9"}}'.encode("latin-1"))
    with pytest.raises(ImportFailed, match=r"latin\.json: not UTF-8 text \(bad byte at line 1"):
        import_postman_file(latin)
    empty = tmp_path / "empty.json"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"empty\.json: empty input, expected JSON"):
        import_postman_file(empty)


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    data = {"info": {"name": "BOM", "schema": V21}, "item": []}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    collection, _ = import_postman_file(path)
    assert collection.name == "BOM"


def test_missing_huge_and_directory_inputs(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match=r"nothing\.json: cannot read: No such file"):
        import_postman_file(tmp_path / "nothing.json")
    with pytest.raises(ImportFailed, match="is a directory"):
        import_postman_file(tmp_path)
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: no disk space needed
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(
        ImportFailed, match=r"huge\.json: too large \(64\.0 MB; the limit is 64\.0 MB\)"
    ):
        import_postman_file(huge)


def test_too_many_items() -> None:
    from tui.core.importers import postman

    items = [{"name": str(i), "request": "http://x"} for i in range(50)]
    original = postman.MAX_ITEMS
    postman.MAX_ITEMS = 10
    try:
        with pytest.raises(ImportFailed, match="more than 10 items"):
            import_postman_collection({"info": {"name": "x", "schema": V21}, "item": items})
    finally:
        postman.MAX_ITEMS = original
