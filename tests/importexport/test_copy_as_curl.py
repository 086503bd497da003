"""Copy as curl: shell-safe output that parses back (shlex and our importer) to the same request."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tui.core.exporters.curl import curl_from_prepared, curl_from_request
from tui.core.importers.curl import import_curl
from tui.core.masking import MASK
from tui.core.model import (
    Auth,
    AuthKind,
    Body,
    BodyKind,
    KeyValue,
    OAuth2Settings,
    Request,
)
from tui.core.prepare import PreparedRequest, prepare
from tui.core.variables import VariableStore

TRICKY = 'it\'s "quoted" $HOME `whoami` \\ back; & | > * ~ ünï'


def split(command: str) -> list[str]:
    """shlex.split after the shell's line continuations (shlex does not know them)."""
    return shlex.split(command.replace(" \\\n  ", " "))


def prepared(request: Request, values: dict[str, str] | None = None) -> PreparedRequest:
    store = VariableStore()
    store.set_layer("environment", values or {})
    return prepare(request, store, request.auth)


def back(command: str, values: dict[str, str] | None = None) -> PreparedRequest:
    """Our importer, then prepare again (secrets the importer moved out are put back)."""
    request, report = import_curl(command)
    return prepared(request, {**(values or {}), **report.secret_variables()})


def same(a: PreparedRequest, b: PreparedRequest) -> None:
    assert (a.method, a.url, a.body) == (b.method, b.url, b.body)
    assert Counter(a.headers) == Counter(b.headers)


@pytest.mark.parametrize(
    "request_",
    [
        Request(name="get", url="https://x.example/a b/ü?x=1", params=[KeyValue("q", TRICKY)]),
        Request(
            name="json",
            method="POST",
            url="https://x.example/j",
            headers=[KeyValue("X-Tricky", TRICKY), KeyValue("X-Empty", "")],
            body=Body(BodyKind.JSON, text='{\n  "say": "it\'s $5 \\"ok\\"",\n  "n": [1, 2]\n}'),
        ),
        Request(
            name="text",
            method="PUT",
            url="http://localhost:8000/t",
            body=Body(BodyKind.TEXT, text="line 1\nline '2'\n\ttab $x\n"),
        ),
        Request(
            name="form",
            method="PATCH",
            url="https://x.example/f",
            body=Body(BodyKind.FORM, form=[KeyValue("a b", TRICKY), KeyValue("c", "1&2=3")]),
        ),
        Request(
            name="get with body",
            method="GET",
            url="https://x.example/g",
            body=Body(BodyKind.TEXT, text="@not-a-file"),
        ),
        Request(name="head", method="HEAD", url="https://x.example/h"),
        Request(name="delete", method="DELETE", url="https://x.example/d"),
        Request(
            name="basic",
            url="https://x.example/b",
            auth=Auth(kind=AuthKind.BASIC, username="user", password="p@ss 'word'"),
        ),
        Request(
            name="bearer",
            url="https://x.example/b",
            headers=[KeyValue("X-Api-Key", "key-123456789"), KeyValue("Accept", "*/*")],
            auth=Auth(kind=AuthKind.BEARER, token="tok-123456789"),
        ),
    ],
    ids=lambda r: r.name,
)
def test_revealed_command_parses_back_to_the_same_request(request_: Request) -> None:
    original = prepared(request_)
    command = curl_from_prepared(original, reveal=True)
    words = split(command)
    assert words[0] == "curl"
    assert original.url in words
    for name, value in original.headers:
        if name.lower() != "authorization":
            assert (f"{name}: {value}" if value else f"{name};") in words
    same(back(command, {"access_token": "tok-123456789"}), original)


def test_layout_and_quoting() -> None:
    request = Request(
        name="r",
        method="POST",
        url="https://x.example/v",
        headers=[KeyValue("X-Tricky", TRICKY)],
        body=Body(BodyKind.JSON, text='{"a": "b c"}'),
    )
    command = curl_from_prepared(prepared(request), reveal=True)
    lines = command.split("\n")
    assert lines[0] == "curl https://x.example/v \\"
    assert lines[1] == "  -H " + shlex.quote(f"X-Tricky: {TRICKY}") + " \\"
    assert lines[-1] == "  --data-raw " + shlex.quote('{"a": "b c"}')
    assert "-X" not in command  # curl's own choice for POST with a body


@pytest.mark.parametrize(
    ("method", "body", "expected"),
    [
        ("GET", "", []),
        ("POST", "x", []),
        ("POST", "", ["-X", "POST"]),
        ("GET", "x", ["-X", "GET"]),
        ("PUT", "x", ["-X", "PUT"]),
        ("HEAD", "", ["--head"]),
    ],
)
def test_method_words(method: str, body: str, expected: list[str]) -> None:
    request = Request(
        name="r", method=method, url="https://x/", body=Body(BodyKind.TEXT, text=body)
    )
    if not body:
        request.body = Body()
    words = split(curl_from_prepared(prepared(request)))
    assert words[1 : 1 + len(expected)] == expected
    if not expected:
        assert words[1] == "https://x/"


def test_secrets_are_masked_unless_revealed() -> None:
    request = Request(
        name="r",
        method="POST",
        url="https://x.example/v",
        params=[KeyValue("access_token", "query-token-123"), KeyValue("page", "2")],
        headers=[
            KeyValue("X-Api-Key", "api-key-123456789"),
            KeyValue("X-Note", "contains known-secret-value here"),
        ],
        body=Body(
            BodyKind.FORM,
            form=[KeyValue("client_secret", "form-secret-1"), KeyValue("grant", "code")],
        ),
        auth=Auth(kind=AuthKind.BEARER, token="bearer-token-123456789"),
    )
    original = prepared(request)
    masked = curl_from_prepared(original, secrets={"known-secret-value"})
    for secret in (
        "query-token-123",
        "api-key-123456789",
        "known-secret-value",
        "form-secret-1",
        "bearer-token-123456789",
    ):
        assert secret not in masked
    words = split(masked)
    assert f"Authorization: Bearer {MASK}" in words
    assert f"X-Note: contains {MASK} here" in words
    assert f"https://x.example/v?access_token={MASK}&page=2" in words
    assert f"client_secret={MASK}&grant=code" in words
    revealed = curl_from_prepared(original, reveal=True, secrets={"known-secret-value"})
    assert "bearer-token-123456789" in revealed and "known-secret-value" in revealed


def test_oauth2_token_is_added_as_carman_sends_it() -> None:
    request = Request(name="r", url="https://x.example/v", auth=Auth(kind=AuthKind.OAUTH2))
    ready = prepared(request)
    assert "Authorization: Bearer {{access_token}}" in split(curl_from_prepared(ready))
    command = curl_from_prepared(ready, access_token="tok-abcdefghijkl")
    assert f"Authorization: Bearer {MASK}" in split(command)
    command = curl_from_prepared(ready, access_token="tok-abcdefghijkl", reveal=True)
    assert "Authorization: Bearer tok-abcdefghijkl" in split(command)
    request.auth = Auth(kind=AuthKind.OAUTH2, oauth2=OAuth2Settings(add_token_to="query"))
    command = curl_from_prepared(prepared(request), access_token="t", reveal=True)
    assert "https://x.example/v?access_token=t" in split(command)


def test_multipart_becomes_form_options(tmp_path: Path) -> None:
    upload = tmp_path / "car photo.png"
    upload.write_bytes(b"\x89PNG\r\n")
    request = Request(
        name="r",
        method="POST",
        url="https://x.example/u",
        body=Body(
            BodyKind.MULTIPART,
            form=[
                KeyValue("title", "My car; red"),
                KeyValue("photo", str(upload), is_file=True),
                KeyValue("at", "@home"),
            ],
        ),
    )
    words = split(curl_from_prepared(prepared(request)))
    assert words[words.index("--form-string") + 1] == "title=My car; red"
    assert "photo=@car photo.png" in words
    assert "at=@home" in words
    assert not any(w.lower().startswith("content-type") for w in words)
    imported, _ = import_curl(curl_from_prepared(prepared(request)))
    assert imported.body.kind == BodyKind.MULTIPART
    assert imported.body.form == [
        KeyValue("title", "My car; red"),
        KeyValue("photo", "car photo.png", is_file=True),
        KeyValue("at", "@home"),
    ]


def test_binary_body_uses_ansi_c_quoting() -> None:
    ready = PreparedRequest("POST", "https://x/", [("Content-Type", "application/octet-stream")])
    ready.body = b"\xff\x00'\\ok\n"
    command = curl_from_prepared(ready)
    assert "--data-binary $'\\xff\\x00\\x27\\x5cok\\x0a'" in command
    request, _ = import_curl(command)
    assert request.body.text == "\xff\x00'\\ok\n"


def test_from_a_saved_request_keeps_variables() -> None:
    request = Request(
        name="Odometer",
        method="POST",
        url="{{api_url}}/v2.0/vehicles/{{vehicle_id}}/odometer",
        params=[
            KeyValue("unit", "{{unit_system}}"),
            KeyValue("q", "a b"),
            KeyValue("off", "1", False),
        ],
        headers=[KeyValue("SC-Unit-System", "{{unit_system}}"), KeyValue("X-Api-Key", "{{key}}")],
        body=Body(BodyKind.JSON, text='{"id": "{{vehicle_id}}"}'),
        auth=Auth(kind=AuthKind.OAUTH2),
    )
    command = curl_from_request(request)
    words = split(command)
    assert "{{api_url}}/v2.0/vehicles/{{vehicle_id}}/odometer?unit={{unit_system}}&q=a%20b" in words
    assert "SC-Unit-System: {{unit_system}}" in words
    assert "X-Api-Key: {{key}}" in words  # a reference, nothing to hide
    assert "Authorization: Bearer {{access_token}}" in words
    assert "Content-Type: application/json" in words
    assert words[-1] == '{"id": "{{vehicle_id}}"}'
    imported, _ = import_curl(command)
    assert imported.url == request.url
    assert imported.params == request.params[:2]
    assert imported.body == request.body
    assert imported.auth == Auth(kind=AuthKind.BEARER, token="{{access_token}}")


def test_from_a_saved_request_masks_literals() -> None:
    request = Request(
        name="r",
        url="https://x/",
        headers=[KeyValue("X-Api-Key", "literal-key-123456")],
        auth=Auth(kind=AuthKind.BASIC, username="me", password="pw-literal"),
        body=Body(
            BodyKind.FORM,
            form=[KeyValue("password", "form-pw"), KeyValue("code", "{{code}}")],
        ),
    )
    command = curl_from_request(request)
    for secret in ("literal-key-123456", "pw-literal", "form-pw"):
        assert secret not in command
    words = split(command)
    assert f"me:{MASK}" in words
    assert "code={{code}}" in words
    assert "pw-literal" in curl_from_request(request, reveal=True)
    multipart = Request(
        name="m",
        method="POST",
        url="https://x/",
        body=Body(BodyKind.MULTIPART, form=[KeyValue("f", "~/a b.png", is_file=True)]),
    )
    assert "f=@~/a b.png" in split(curl_from_request(multipart))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_a_real_shell_reads_the_same_words() -> None:
    request = Request(
        name="r",
        method="PUT",
        url="https://x.example/v?q=1",
        headers=[KeyValue("X-Tricky", TRICKY), KeyValue("X-Empty", "")],
        body=Body(BodyKind.TEXT, text="multi\nline 'quoted' $VAR `cmd` \\ end\n"),
    )
    command = curl_from_prepared(prepared(request))
    # The shell runs a function named curl that prints its arguments, NUL-separated.
    script = 'curl() { printf "%s\\0" "$@"; }\n' + command
    result = subprocess.run(["bash", "-c", script], capture_output=True, check=True)
    words = result.stdout.decode("utf-8").split("\0")[:-1]
    assert words == split(command)[1:]
    binary = PreparedRequest("POST", "https://x/", [], body=b"\xff\x01'\\")
    script = 'curl() { printf "%s\\0" "$@"; }\n' + curl_from_prepared(binary)
    result = subprocess.run(["bash", "-c", script], capture_output=True, check=True)
    assert result.stdout.split(b"\0")[:-1] == [b"https://x/", b"--data-binary", b"\xff\x01'\\"]
