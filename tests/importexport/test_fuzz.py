"""Hypothesis fuzzing: importers raise only their own clear error, never anything else.

Whatever they do import must also be storable (TOML) and exportable.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.importexport.helpers import load_data
from tui.core.exporters.curl import curl_from_request
from tui.core.exporters.postman import export_postman
from tui.core.importers.curl import import_curl
from tui.core.importers.postman import import_postman_collection, import_postman_text
from tui.core.importers.postman_env import import_postman_environment
from tui.core.importers.report import ImportFailed
from tui.core.model import Collection, Request
from tui.core.serialize import environment_to_dict, request_from_dict, request_to_dict

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Whole collections per example: fewer examples keep the suite fast.
FUZZ_HEAVY = settings(FUZZ, max_examples=50)
V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
KEYS = [
    "info", "item", "name", "request", "url", "raw", "host", "path", "query", "variable",
    "protocol", "port", "header", "body", "mode", "urlencoded", "formdata", "file", "graphql",
    "options", "language", "auth", "type", "bearer", "basic", "apikey", "oauth2", "noauth",
    "key", "value", "disabled", "enabled", "src", "event", "listen", "script", "exec", "test",
    "prerequest", "description", "content", "method", "response", "id", "in", "token",
    "clientSecret", "clientId", "authRequestParams", "scope", "accessToken", "_carman_meta",
]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.sampled_from([*KEYS, "raw", "json", "file", "{{x}}", ":id", "GET", "post", "secret"])
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=40,
)
SMALL_JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=12,
)


def check_request(request: Request) -> None:
    data = request_to_dict(request)
    tomli_w.dumps(data, multiline_strings=True)  # it can be saved...
    assert request_from_dict(data) == request  # ...and loaded back unchanged


def check_collection(collection: Collection) -> None:
    for _, request in collection.walk():
        check_request(request)
    tomli_w.dumps({"variables": collection.variables})
    exported, _ = export_postman(collection)
    again, _ = import_postman_collection(json.loads(json.dumps(exported)))
    # A URL with a query of its own exports as the URL carman sends (params merged into it).
    if not any("?" in r.url and r.params for _, r in collection.walk()):
        assert again == collection


def try_collection(data: Any) -> None:
    try:
        collection, _ = import_postman_collection(data)
    except ImportFailed as exc:
        assert str(exc)
        return
    check_collection(collection)


@FUZZ
@given(JSON)
def test_random_json_documents(data: Any) -> None:
    try_collection(data)


@FUZZ
@given(JSON, SMALL_JSON, SMALL_JSON)
def test_random_trees_inside_a_collection(items: Any, variables: Any, auth: Any) -> None:
    try_collection(
        {
            "info": {"name": "fuzz", "schema": V21},
            "item": items,
            "variable": variables,
            "auth": auth,
        }
    )


@FUZZ
@given(
    st.lists(
        st.fixed_dictionaries({"name": SCALARS, "request": SMALL_JSON, "event": SMALL_JSON}),
        max_size=3,
    )
)
def test_random_requests(items: list[dict[str, Any]]) -> None:
    try_collection({"info": {"name": "fuzz", "schema": V21}, "item": items})


BASES = [load_data("smartcar_v21.json"), load_data("legacy_v20.json")]


def _containers(node: Any, found: list[Any]) -> list[Any]:
    if isinstance(node, (dict, list)):
        found.append(node)
        for child in node.values() if isinstance(node, dict) else node:
            _containers(child, found)
    return found


@FUZZ_HEAVY
@given(
    st.sampled_from(range(len(BASES))),
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), JSON), min_size=1, max_size=6
    ),
)
def test_mutated_valid_collections(base: int, mutations: list[tuple[int, int, Any]]) -> None:
    data = copy.deepcopy(BASES[base])
    for where, which, value in mutations:
        containers = _containers(data, [])
        target = containers[where % len(containers)]
        if isinstance(target, dict) and target:
            key = sorted(target)[which % len(target)]
            if which % 3 == 0:
                del target[key]
            else:
                target[key] = value
        elif isinstance(target, list) and target:
            target[which % len(target)] = value
    try_collection(data)


@FUZZ
@given(st.text(max_size=200))
def test_random_text_as_postman_json(text: str) -> None:
    try:
        collection, _ = import_postman_text(text)
    except ImportFailed:
        return
    check_collection(collection)


@FUZZ
@given(JSON, JSON)
def test_environment_importer(values: Any, name: Any) -> None:
    for data in (values, {"name": name, "values": values}, {"name": "e", "values": [values]}):
        try:
            env, _ = import_postman_environment(data, default_name="fallback")
        except ImportFailed as exc:
            assert str(exc)
            continue
        assert env.name
        tomli_w.dumps(environment_to_dict(env))


CURL_WORDS = st.sampled_from(
    [
        "-X", "POST", "-H", "'A: b'", '"X: $Y"', "-d", "a=1", "--data-urlencode", "q=a b",
        "-F", "f=@/tmp/x", "-F", "t=<nofile", "-u", "u:p", "-G", "-L", "-k", "--compressed",
        "-A", "ua", "-e", "r", "-b", "c=1", "--url", "http://h/p?x=1", "-I", "-o", "f",
        "--json", "{}", "'{\"a\": 1}'", "$'\\x41\\n'", "\\\n", "#c\n", "-sSL", "-XPUT",
        "--data-binary", "@missing", "--", "|", "http://x", "'", '"', "\\", "$", "${A}",
        "--oauth2-bearer", "t", "-H", "'Authorization: Basic dTpw'", "--frob", "-Z",
    ]
)  # fmt: skip


@FUZZ
@given(st.lists(CURL_WORDS | st.text(max_size=12), max_size=14))
def test_curl_parser_on_word_soup(words: list[str]) -> None:
    for command in ("curl " + " ".join(words), " ".join(words)):
        try:
            request, _ = import_curl(command)
        except ImportFailed as exc:
            assert str(exc)
            continue
        check_request(request)
        curl_from_request(request)


@FUZZ
@given(st.text(max_size=300))
def test_curl_parser_on_random_text(text: str) -> None:
    for command in (text, "curl " + text, "curl http://x " + text):
        try:
            request, _ = import_curl(command)
        except ImportFailed as exc:
            assert str(exc)
            continue
        check_request(request)
