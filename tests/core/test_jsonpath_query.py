"""JSONPath queries: RFC 9535 paths, and the Postman-style shorthand the response filter and
captures accept (no leading ``$``).

python-jsonpath 2.x itself reads a bare ``vehicles[0]`` from the root, so only paths it reads
otherwise (``_links``, keyword-like names such as ``missing``, a leading ``.`` that must not
become ``..``) show whether carman's own expansion runs.
"""

from __future__ import annotations

import pytest

from tui.core.jsonpath_query import JsonPathError, query

DOCUMENT = {
    "vehicles": ["v-1", "v-2"],
    "paging": {"count": 2, "offset": 0},
    "x": {"y": [10, 20], "x": "inner"},  # ".x" is the top one, never "$..x" (every x)
    "_links": {"self": "/v2.0/vehicles"},  # a JSONPath library may refuse a bare "_links"
    "missing": [],  # ... or a bare name it reads as a keyword
}


@pytest.mark.parametrize(
    ("shorthand", "full", "expected"),
    [
        ("vehicles[0]", "$.vehicles[0]", ["v-1"]),
        ("vehicles", "$.vehicles", [["v-1", "v-2"]]),
        (".x", "$.x", [{"y": [10, 20], "x": "inner"}]),
        ("x.x", "$.x.x", ["inner"]),
        ("_links.self", "$._links.self", ["/v2.0/vehicles"]),
        ("._links", "$._links", [{"self": "/v2.0/vehicles"}]),
        ("missing", "$.missing", [[]]),
        (".x.y[1]", "$.x.y[1]", [20]),
        ("paging.count", "$.paging.count", [2]),
        ('["paging"].offset', '$["paging"].offset', [0]),
        ("  vehicles[1]  ", "$.vehicles[1]", ["v-2"]),
    ],
)
def test_shorthand_means_the_same_as_the_full_path(
    shorthand: str, full: str, expected: list[object]
) -> None:
    assert query(full, DOCUMENT) == expected
    assert query(shorthand, DOCUMENT) == expected


def test_shorthand_index_into_a_top_level_list() -> None:
    assert query("[1]", ["a", "b"]) == ["b"]
    assert query("[1].id", [{"id": 1}, {"id": 2}]) == [2]


def test_a_shorthand_that_matches_nothing_is_empty_not_an_error() -> None:
    assert query("nothing[0]", DOCUMENT) == []


@pytest.mark.parametrize("path", ["", "   "])
def test_an_empty_path_is_refused(path: str) -> None:
    with pytest.raises(JsonPathError, match="empty JSONPath"):
        query(path, DOCUMENT)


def test_a_bad_shorthand_names_what_the_user_typed() -> None:
    with pytest.raises(JsonPathError, match=r"invalid JSONPath 'vehicles\[0'"):
        query("vehicles[0", DOCUMENT)
