"""Each snippet, run for real against the echo server on 127.0.0.1, delivers what carman's own
send of the same request delivers: method, path and query, the headers carman sets, the body.

Both ways: variables read from the environment (the default), and resolved (``--resolve``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.codegen.cases import CASES, VARIABLES, environment_for
from tests.codegen.runners import run
from tui.core.exporters.code import CodeOptions, build_code_request, generate
from tui.core.workspace import Workspace

HTTP_TARGETS = ("curl", "httpie", "python-httpx", "python-requests", "js-fetch", "go")
# Set by each HTTP library itself; not part of what the request says.
LIBRARY_HEADERS = {
    "user-agent", "accept-encoding", "connection", "host", "content-length", "accept",
}  # fmt: skip


def _echo(body: str) -> dict[str, Any]:
    echo = json.loads(body)
    echo["headers"] = {k.lower(): v for k, v in echo["headers"].items()}
    return echo


def _query(path: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(path).query, keep_blank_values=True)


def assert_same_delivery(
    carman: dict[str, Any], snippet: dict[str, Any], where: str, *, sorted_form: bool = False
) -> None:
    assert snippet["method"] == carman["method"], where
    assert urlsplit(snippet["path"]).path == urlsplit(carman["path"]).path, where
    assert _query(snippet["path"]) == _query(carman["path"]), where
    for name, value in carman["headers"].items():
        if name not in LIBRARY_HEADERS:
            assert snippet["headers"].get(name) == value, f"{where}: header {name}"
    content_type = carman["headers"].get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        # Libraries differ only in which safe characters they percent-encode; Go's
        # url.Values also sorts the fields by name.
        got = parse_qsl(snippet["body"], keep_blank_values=True)
        sent = parse_qsl(carman["body"], keep_blank_values=True)
        assert (sorted(got) == sorted(sent)) if sorted_form else (got == sent), where
    else:
        assert snippet["body"] == carman["body"], where


@pytest.mark.parametrize("target", HTTP_TARGETS)
async def test_snippets_deliver_what_carman_sends(
    target: str, echo_workspace: Workspace, tmp_path: Path
) -> None:
    workspace = echo_workspace
    workspace.set_session(VARIABLES)
    for case, request in CASES.items():
        exchange, _ = await workspace.send(None, request)
        assert exchange.ok, (case, exchange.error)
        assert exchange.response is not None
        carman = _echo(exchange.response.text)
        for resolve in (False, True):
            code = build_code_request(workspace, None, request, CodeOptions(resolve=resolve))
            snippet = generate(code, target)
            env = environment_for(snippet, workspace)
            assert bool(env) is not resolve, snippet.text  # resolved: nothing left to read
            where = f"{target} {case} resolve={resolve}\n{snippet.text}"
            ran = run(target, snippet.text, tmp_path / f"{case}-{resolve}", env)
            assert ran.status == 200, where
            assert_same_delivery(carman, _echo(ran.body), where, sorted_form=target == "go")


def _multipart_fields(echo: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(name, content, file name) of each part of an echoed multipart body."""
    from email import message_from_bytes
    from email.policy import HTTP

    raw = f"Content-Type: {echo['headers']['content-type']}\r\n\r\n".encode() + echo["body"].encode(
        "utf-8"
    )
    message = message_from_bytes(raw, policy=HTTP)
    parts = []
    for part in message.iter_parts():
        content = part.get_payload(decode=True).decode("utf-8")
        parts.append(
            (part.get_param("name", header="content-disposition"), content, part.get_filename())
        )
    return parts


@pytest.mark.parametrize("target", HTTP_TARGETS)
async def test_multipart_fields_and_files(
    target: str, echo_workspace: Workspace, tmp_path: Path
) -> None:
    from tui.core.model import Auth, AuthKind, Body, BodyKind, KeyValue, Request

    upload = tmp_path / "notes ü.txt"
    upload.write_text('file line 1\nZürich 🚗 "q" $HOME\n', encoding="utf-8")
    workspace = echo_workspace
    workspace.set_session({"note": "from a variable: ü $x", "upload": str(upload)})
    request = Request(
        name="Upload",
        method="POST",
        url="{{base}}/upload",
        auth=Auth(kind=AuthKind.NONE),
        body=Body(
            kind=BodyKind.MULTIPART,
            form=[
                KeyValue("title", "{{note}}"),
                KeyValue("file", "{{upload}}", is_file=True),
            ],
        ),
    )
    exchange, _ = await workspace.send(None, request)
    assert exchange.ok and exchange.response is not None
    carman = sorted(_multipart_fields(_echo(exchange.response.text)))
    for resolve in (False, True):
        code = build_code_request(workspace, None, request, CodeOptions(resolve=resolve))
        snippet = generate(code, target)
        ran = run(
            target, snippet.text, tmp_path / f"run-{resolve}", environment_for(snippet, workspace)
        )
        assert ran.status == 200, snippet.text
        assert sorted(_multipart_fields(_echo(ran.body))) == carman, snippet.text
