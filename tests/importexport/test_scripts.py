"""Postman test scripts -> capture rules, and capture rules -> scripts that translate back."""

from __future__ import annotations

import pytest

from tui.core.importers.scripts import (
    capture_line,
    jsonpath_of,
    segments_of,
    translate_test_script,
)
from tui.core.jsonpath_query import query
from tui.core.model import Capture, CaptureSource

DOC = {
    "vehicles": ["v1", "v2"],
    "a-b": [0, 1, {"c": "deep"}],
    "it's": {"x": 5},
    "$id": "dollar",
    "user": {"id": "u1"},
}


@pytest.mark.parametrize(
    ("script", "variable", "path"),
    [
        (
            'pm.collectionVariables.set("vehicle_id", pm.response.json().vehicles[0]);',
            "vehicle_id",
            "$.vehicles[0]",
        ),
        ("pm.environment.set('v', pm.response.json().vehicles[1])", "v", "$.vehicles[1]"),
        ('pm.globals.set("c", pm.response.json()["a-b"][2].c);', "c", "$['a-b'][2].c"),
        ('pm.variables.set("x", pm.response.json()["it\'s"].x);', "x", "$['it\\'s'].x"),
        ("pm.environment.set(`d`, pm.response.json().$id);", "d", "$['$id']"),
        (
            'postman.setEnvironmentVariable("u", JSON.parse(responseBody).user.id);',
            "u",
            "$.user.id",
        ),
        (
            'postman.setGlobalVariable("u", JSON.parse(responseBody)["user"]["id"]);',
            "u",
            "$.user.id",
        ),
        (
            "pm . environment . set ( 'w' , pm.response.json() . vehicles [ 0 ] ) ;",
            "w",
            "$.vehicles[0]",
        ),
        ('pm.environment.set("s", String(pm.response.json().user.id));', "s", "$.user.id"),
        ('pm.environment.set("s", pm.response.json().user.id.toString());', "s", "$.user.id"),
        ('pm.environment.set("all", JSON.stringify(pm.response.json()));', "all", "$"),
    ],
)
def test_direct_paths(script: str, variable: str, path: str) -> None:
    captures, rest = translate_test_script(script)
    assert captures == [Capture(variable, CaptureSource.BODY, path)]
    assert rest == ""
    assert query(path, DOC)  # the JSONPath really finds the value


def test_via_a_local_and_a_derived_local() -> None:
    script = "\n".join(
        [
            "const data = pm.response.json();",
            "let first = data.vehicles;",
            'pm.environment.set("vehicle_id", data.vehicles[0]);',
            'pm.environment.set("second", first[1]);',
        ]
    )
    captures, rest = translate_test_script(script)
    assert captures == [
        Capture("vehicle_id", CaptureSource.BODY, "$.vehicles[0]"),
        Capture("second", CaptureSource.BODY, "$.vehicles[1]"),
    ]
    assert rest == ""


def test_header_and_status_values() -> None:
    script = (
        'pm.environment.set("rid", pm.response.headers.get("SC-Request-Id"));\n'
        'pm.environment.set("status", pm.response.code);'
    )
    captures, rest = translate_test_script(script)
    assert captures == [
        Capture("rid", CaptureSource.HEADER, "SC-Request-Id"),
        Capture("status", CaptureSource.STATUS, ""),
    ]
    assert rest == ""


def test_other_code_stays_and_locals_still_used_stay() -> None:
    script = "\n".join(
        [
            "var json = pm.response.json();",
            'pm.environment.set("id", json.id);',
            'pm.test("has id", () => pm.expect(json.id).to.be.a("string"));',
            'pm.environment.set("literal", "abc");',
            'pm.environment.set("computed", json.items.map(i => i.id));',
        ]
    )
    captures, rest = translate_test_script(script)
    assert captures == [Capture("id", CaptureSource.BODY, "$.id")]
    assert rest == "\n".join(
        [
            "var json = pm.response.json();",
            'pm.test("has id", () => pm.expect(json.id).to.be.a("string"));',
            'pm.environment.set("literal", "abc");',
            'pm.environment.set("computed", json.items.map(i => i.id));',
        ]
    )


def test_commented_out_and_string_calls_are_not_translated() -> None:
    script = "\n".join(
        [
            '// pm.environment.set("a", pm.response.json().a);',
            '/* pm.environment.set("b", pm.response.json().b); */',
            "console.log('pm.environment.set(\"c\", pm.response.json().c)');",
        ]
    )
    captures, rest = translate_test_script(script)
    assert captures == []
    assert rest == script


def test_empty_pm_test_wrappers_disappear() -> None:
    script = "\n".join(
        [
            'pm.test("save", function () {',
            "    var j = pm.response.json();",
            '    pm.environment.set("id", j.id);',
            "});",
            "pm.test('also', () => {",
            '    pm.collectionVariables.set("x", pm.response.json().x);',
            "});",
        ]
    )
    captures, rest = translate_test_script(script)
    assert [c.variable for c in captures] == ["id", "x"]
    assert rest == ""


def test_ambiguous_local_is_not_used() -> None:
    script = "\n".join(
        [
            "var d = pm.response.json().a;",
            'pm.environment.set("x", d.b);',
            "var d = pm.response.json().z;",
        ]
    )
    captures, rest = translate_test_script(script)
    assert captures == []
    assert rest == script


def test_disabled_script_gives_disabled_captures() -> None:
    captures, _ = translate_test_script(
        'pm.environment.set("a", pm.response.json().a);', disabled=True
    )
    assert captures == [Capture("a", CaptureSource.BODY, "$.a", enabled=False)]


@pytest.mark.parametrize(
    "capture",
    [
        Capture("vehicle_id", CaptureSource.BODY, "$.vehicles[0]"),
        Capture("odd name \"'\\", CaptureSource.BODY, "$['a-b'][2].c"),
        Capture("dollar", CaptureSource.BODY, "$['$id']"),
        Capture("quote", CaptureSource.BODY, "$['it\\'s'].x"),
        Capture("whole", CaptureSource.BODY, "$"),
        Capture("h", CaptureSource.HEADER, "SC-Request-Id"),
        Capture("s", CaptureSource.STATUS, ""),
        Capture("ids", CaptureSource.BODY, "$.vehicles[*]", keep_all=True),
        Capture("filtered", CaptureSource.BODY, "$..items[?@.ok == true].id"),
        Capture("off", CaptureSource.BODY, "$.a", enabled=False),
        Capture("neg", CaptureSource.BODY, "$.vehicles[-1]"),
        Capture("unicode", CaptureSource.BODY, "$['ключ']"),
    ],
)
def test_capture_lines_translate_back(capture: Capture) -> None:
    line = capture_line(capture)
    assert "\n" not in line
    captures, rest = translate_test_script(line)
    assert captures == [capture]
    assert rest == ""


def test_simple_captures_become_real_javascript() -> None:
    line = capture_line(Capture("vehicle_id", CaptureSource.BODY, "$.vehicles[0]"))
    assert line == 'pm.collectionVariables.set("vehicle_id", pm.response.json().vehicles[0]);'
    line = capture_line(Capture("x", CaptureSource.BODY, "$.vehicles[*]", keep_all=True))
    assert line.startswith("// carman:capture {")


def test_segments_and_jsonpath() -> None:
    assert segments_of("$.a[0]['b c'][\"d\"]") == ["a", 0, "b c", "d"]
    assert segments_of("$..a") is None
    assert segments_of("a.b") is None
    assert jsonpath_of(["a", 0, "b c", "it's"]) == "$.a[0]['b c']['it\\'s']"
