"""Requests the run tests send both through carman and through each generated snippet."""

from __future__ import annotations

import json

from tui.core.exporters.code import Snippet
from tui.core.model import Auth, AuthKind, Body, BodyKind, KeyValue, Request
from tui.core.workspace import Workspace

# Quotes of both kinds, $, backticks, backslashes, non-ASCII and an emoji: every language's
# string escaping and every shell quoting rule meets it.
WEIRD = "Zürich \"double\" 'single' $HOME ${PATH} `date` C:\\temp\\new \\\\ 100% {x} 🚗"
# Header values travel as ASCII (httpx refuses others): the same pitfalls without ü and 🚗.
WEIRD_ASCII = "\"double\" 'single' $HOME ${PATH} `date` C:\\temp\\new \\\\ 100% {x} !"


def _request(name: str, method: str = "GET", **fields: object) -> Request:
    return Request(name=name, method=method, auth=Auth(kind=AuthKind.NONE), **fields)  # type: ignore[arg-type]


CASES: dict[str, Request] = {
    "get-with-query": _request(
        "Get with query",
        url="{{base}}/items/{{item}}",
        params=[
            KeyValue("q", "red car"),
            KeyValue("tag", "a&b=c/d?e"),
            KeyValue("page", "{{page}}"),
            KeyValue("off", "x", enabled=False),
        ],
        headers=[KeyValue("X-Trace", "{{trace}}"), KeyValue("Accept", "application/json")],
    ),
    "json-post": _request(
        "JSON post",
        "POST",
        url="{{base}}/things",
        headers=[KeyValue("X-Count", "3")],
        body=Body(
            kind=BodyKind.JSON,
            text='{\n  "name": "{{name}}",\n  "count": {{count}},\n  "nested": {"ok": true}\n}\n',
        ),
    ),
    "form-post": _request(
        "Form post",
        "POST",
        url="{{base}}/form",
        body=Body(
            kind=BodyKind.FORM,
            form=[
                KeyValue("a", "1"),
                KeyValue("b", "x y&z=w+v"),
                KeyValue("c", "{{name}}"),
                KeyValue("a", "again"),
            ],
        ),
    ),
    "weird-values": _request(
        "Weird values",
        "PUT",
        url="{{base}}/weird",
        params=[KeyValue("note", WEIRD)],
        headers=[KeyValue("X-Note", "{{shell}}"), KeyValue("X-Literal", WEIRD_ASCII)],
        body=Body(
            kind=BodyKind.TEXT,
            text="line one\n{{note}}\nline three: " + WEIRD + "\n\ttabbed\n",
        ),
    ),
    "weird-json": _request(
        "Weird JSON",
        "PATCH",
        url="{{base}}/weird-json",
        body=Body(
            kind=BodyKind.JSON,
            text='{"title": "{{title}}", "literal": '
            + json.dumps(WEIRD, ensure_ascii=False)
            + ', "lines": "a\\nb\\tc", "unicode": "\\u00e9\\ud83d\\ude97"}',
        ),
    ),
    "weird-form": _request(
        "Weird form",
        "POST",
        url="{{base}}/weird-form",
        body=Body(
            kind=BodyKind.FORM,
            form=[KeyValue("note", "{{note}}"), KeyValue("multi", "two\nlines " + WEIRD)],
        ),
    ),
}
VARIABLES = {
    "item": "42",
    "page": "2",
    "trace": "trace-1",
    "name": "Ada Lovelace",
    "count": "7",
    "note": "from a variable: " + WEIRD,
    "shell": "from a variable: " + WEIRD_ASCII,
    "title": "Zürich $HOME `date` {x} 🚗",  # spliced into a JSON string: no quote, no backslash
}


def environment_for(snippet: Snippet, workspace: Workspace) -> dict[str, str]:
    """Each environment variable the snippet reads, with the value carman would use."""
    env: dict[str, str] = {}
    for var in snippet.variables:
        value = workspace.variables.get(var.name)
        assert value is not None, var
        env[var.env] = workspace.variables.resolve(value).text
    return env
