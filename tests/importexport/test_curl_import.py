"""Pasted curl commands -> requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.core.importers.curl import import_curl
from tui.core.importers.report import ImportFailed
from tui.core.model import Auth, AuthKind, BodyKind, KeyValue


def messages(report) -> list[str]:
    return [w.message for w in report.warnings]


def test_simple_get_and_default_name() -> None:
    request, report = import_curl("curl https://api.smartcar.com/v2.0/vehicles")
    assert (request.method, request.url) == ("GET", "https://api.smartcar.com/v2.0/vehicles")
    assert request.name == "GET /v2.0/vehicles"
    assert request.auth.kind == AuthKind.NONE
    assert report.warnings == [] and report.requests == 1


def test_continuations_quotes_and_options() -> None:
    command = """curl -X POST \\
      'https://api.smartcar.com/v2.0/vehicles/abc/security?x=1' \\
      -H "Content-Type: application/json" \\
      -H 'SC-Unit-System: metric' \\
      --data-raw '{"action": "LOCK", "note": "it'"'"'s"}'
    """
    request, report = import_curl(command, name="Lock")
    assert request.name == "Lock"
    assert request.method == "POST"
    assert request.url == "https://api.smartcar.com/v2.0/vehicles/abc/security"
    assert request.params == [KeyValue("x", "1")]
    assert request.headers == [KeyValue("SC-Unit-System", "metric")]
    assert request.body.kind == BodyKind.JSON
    assert request.body.text == '{"action": "LOCK", "note": "it\'s"}'
    assert request.body.content_type == ""
    assert report.warnings == []


def test_crlf_continuations_and_ansi_c_strings() -> None:
    command = "curl -d $'line1\\nline2\\t\\x41\\'q\\'' \\\r\n  https://x.example/p"
    request, _ = import_curl(command)
    assert request.body.text == "line1\nline2\tA'q'"
    assert request.body.kind == BodyKind.TEXT
    assert request.body.content_type == "application/x-www-form-urlencoded"
    assert request.method == "POST"


def test_double_quotes_escapes_and_shell_variables() -> None:
    command = (
        'curl "https://x.example/v?id=$VEHICLE_ID" -H "Authorization: Bearer ${TOKEN}" '
        '-H "X-Quote: a\\"b \\$HOME"'
    )
    request, report = import_curl(command)
    assert request.params == [KeyValue("id", "{{VEHICLE_ID}}")]
    assert request.auth == Auth(kind=AuthKind.BEARER, token="{{TOKEN}}")
    assert request.headers == [KeyValue("X-Quote", 'a"b $HOME')]
    assert any("$VEHICLE_ID -> {{VEHICLE_ID}}" in m for m in messages(report))


def test_backslash_backtick_inside_double_quotes_is_a_literal_backtick() -> None:
    # A shell drops the backslash before ` inside double quotes (as before $); shlex would not.
    command = 'curl "https://x.example/run" -H "X-Cmd: a\\`date\\` b" -d "say \\`hi\\`"'
    request, _ = import_curl(command)
    assert request.headers == [KeyValue("X-Cmd", "a`date` b")]
    assert (request.body.kind, request.body.text) == (BodyKind.TEXT, "say `hi`")
    # Outside double quotes, and inside single quotes, nothing changes.
    request, _ = import_curl("curl https://x.example/run -H 'X-Cmd: a\\`b'")
    assert request.headers == [KeyValue("X-Cmd", "a\\`b")]


def test_single_quotes_keep_dollars() -> None:
    request, report = import_curl("curl 'https://x.example/$notavar'")
    assert request.url == "https://x.example/$notavar"
    assert report.warnings == []


@pytest.mark.parametrize(
    ("args", "method"),
    [
        ("", "GET"),
        ("-d a=1", "POST"),
        ("-F a=1", "POST"),
        ("-I", "HEAD"),
        ("--head", "HEAD"),
        ("-X PUT -d a=1", "PUT"),
        ("--request patch", "PATCH"),
        ("-XDELETE", "DELETE"),
        ("-G -d a=1", "GET"),
        ("--get --data a=1", "GET"),
    ],
)
def test_methods(args: str, method: str) -> None:
    request, _ = import_curl(f"curl {args} https://x.example/")
    assert request.method == method


def test_data_options_join_with_ampersand_and_become_a_form() -> None:
    command = (
        "curl https://x.example/token -d grant_type=authorization_code --data code=abc+def "
        "--data-ascii redirect_uri=http%3A%2F%2Flocalhost --data-urlencode 'state=a b&c' "
        "--data-binary x=1"
    )
    request, _ = import_curl(command)
    assert request.body.kind == BodyKind.FORM
    assert request.body.form == [
        KeyValue("grant_type", "authorization_code"),
        KeyValue("code", "{{code}}"),  # "code" is a secret name: moved out
        KeyValue("redirect_uri", "http://localhost"),
        KeyValue("state", "a b&c"),
        KeyValue("x", "1"),
    ]


def test_data_urlencode_forms(tmp_path: Path) -> None:
    (tmp_path / "v.txt").write_text("file value", encoding="utf-8")
    command = (
        "curl -G https://x.example/s --data-urlencode 'q=a b' --data-urlencode '=c&d' "
        "--data-urlencode name@v.txt"
    )
    request, _ = import_curl(command, base_dir=tmp_path)
    assert request.method == "GET"
    # A lone "c%26d" has no "=": the query stays in the URL, exactly as curl sends it.
    assert request.url == "https://x.example/s?q=a%20b&c%26d&name=file%20value"
    request, _ = import_curl(command.replace("'=c&d'", "'n=c&d'"), base_dir=tmp_path)
    assert request.params == [
        KeyValue("q", "a b"),
        KeyValue("n", "c&d"),
        KeyValue("name", "file value"),
    ]


def test_get_moves_data_into_the_query() -> None:
    request, _ = import_curl("curl -G 'https://x.example/s?a=1' -d b=2 -d c=3")
    assert request.url == "https://x.example/s"
    assert request.params == [KeyValue("a", "1"), KeyValue("b", "2"), KeyValue("c", "3")]
    assert request.body.kind == BodyKind.NONE


def test_data_files(tmp_path: Path) -> None:
    (tmp_path / "body.json").write_text('{\n  "a": 1\n}\n', encoding="utf-8")
    request, report = import_curl(
        "curl -H 'Content-Type: application/json' --data-binary @body.json https://x/",
        base_dir=tmp_path,
    )
    assert request.body.text == '{\n  "a": 1\n}\n'
    assert request.body.kind == BodyKind.JSON
    # -d @file drops newlines, as curl does.
    request, _ = import_curl("curl -d @body.json https://x/", base_dir=tmp_path)
    assert request.body.text == '{  "a": 1}'
    # --data-raw does not read files.
    request, _ = import_curl("curl --data-raw @body.json https://x/", base_dir=tmp_path)
    assert request.body.text == "@body.json"
    request, report = import_curl("curl -d @missing.json https://x/", base_dir=tmp_path)
    assert any("cannot read file 'missing.json'" in m for m in messages(report))
    assert request.body.kind == BodyKind.NONE


def test_json_detected_without_content_type_and_json_option() -> None:
    request, report = import_curl("""curl https://x/ -d '{"a": [1, 2]}'""")
    assert request.body.kind == BodyKind.JSON
    assert any("sent as application/json" in m for m in messages(report))
    request, report = import_curl("""curl https://x/ --json '{"a": 1}'""")
    assert request.body.kind == BodyKind.JSON
    assert request.headers == [KeyValue("Accept", "application/json")]
    assert report.warnings == []
    request, _ = import_curl(
        """curl https://x/ -H 'content-type: application/vnd.api+json' -d '{"a": 1}'"""
    )
    assert request.body.content_type == "application/vnd.api+json"
    assert request.headers == []


def test_text_body_keeps_its_content_type() -> None:
    request, _ = import_curl("curl https://x/ -H 'Content-Type: text/xml' -d '<a>1</a>'")
    assert request.body.kind == BodyKind.TEXT
    assert request.body.content_type == "text/xml"
    assert request.headers == []


def test_multipart_forms(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("from a file", encoding="utf-8")
    command = (
        "curl https://x/upload -F 'title=My car' -F 'photo=@/tmp/car.png;type=image/png' "
        "-F 'note=<note.txt' --form-string 'raw=@not-a-file' -F broken "
        "-H 'Content-Type: multipart/form-data'"
    )
    request, report = import_curl(command, base_dir=tmp_path)
    assert request.method == "POST"
    assert request.body.kind == BodyKind.MULTIPART
    assert request.body.form == [
        KeyValue("title", "My car"),
        KeyValue("photo", "/tmp/car.png", is_file=True),
        KeyValue("note", "from a file"),
        KeyValue("raw", "@not-a-file"),
    ]
    assert request.headers == []
    assert any(";type=image/png not kept" in m for m in messages(report))
    assert any("'broken' is not 'name=value'" in m for m in messages(report))


def test_user_becomes_basic_auth_with_the_password_kept_apart() -> None:
    request, report = import_curl("curl -u 'client-id:s3cr3t' https://auth.example/token")
    assert request.auth == Auth(kind=AuthKind.BASIC, username="client-id", password="{{password}}")
    assert report.secret_variables() == {"password": "s3cr3t"}
    request, report = import_curl("curl --user me https://x/")
    assert request.auth.username == "me" and request.auth.password == ""
    assert any("without a password" in m for m in messages(report))


def test_authorization_headers() -> None:
    request, report = import_curl("curl -H 'Authorization: Bearer eyJ.live.token' https://x/")
    assert request.auth == Auth(kind=AuthKind.BEARER, token="{{access_token}}")
    assert request.headers == []
    assert any("literal bearer token dropped" in m for m in messages(report))
    request, _ = import_curl("curl -H 'Authorization: Bearer {{access_token}}' https://x/")
    assert request.auth == Auth(kind=AuthKind.BEARER, token="{{access_token}}")
    request, report = import_curl("curl -H 'Authorization: Basic dXNlcjpwYXNz' https://x/")
    assert request.auth == Auth(kind=AuthKind.BASIC, username="user", password="{{password}}")
    assert report.secret_variables() == {"password": "pass"}
    request, report = import_curl("curl -H 'Authorization: Token abc' https://x/")
    assert request.headers == [KeyValue("Authorization", "{{authorization}}")]
    assert report.secret_variables() == {"authorization": "Token abc"}
    request, _ = import_curl("curl --oauth2-bearer tok https://x/")
    assert request.auth == Auth(kind=AuthKind.BEARER, token="{{access_token}}")


def test_misc_options() -> None:
    command = (
        "curl -sSLk --compressed -A 'carman/1.0' -e https://ref.example -b 'a=1; b=2' "
        "-b cookies.txt -o out.json --url https://x.example/path --max-time 5 --frobnicate "
        "-H 'X-Remove:' -H 'X-Empty;' -H 'bad header' -!"
    )
    request, report = import_curl(command)
    assert request.url == "https://x.example/path"
    assert request.headers == [
        KeyValue("User-Agent", "carman/1.0"),
        KeyValue("Referer", "https://ref.example"),
        KeyValue("Cookie", "a=1; b=2"),
        KeyValue("X-Empty", ""),
    ]
    assert request.meta == {"follow_redirects": True, "insecure": True}
    found = messages(report)
    assert "cookie file 'cookies.txt' ignored" in found
    assert "-o/--output 'out.json' ignored (carman shows the body)" in found
    assert "curl option --max-time '5' ignored" in found
    assert "unknown curl option --frobnicate ignored" in found
    assert any("removes one of curl's own headers" in m for m in found)
    assert "-H 'bad header' is not 'Name: value'; ignored" in found
    assert "unknown curl option -! ignored" in found
    assert any("-k/--insecure" in m for m in found)
    assert all(w.where == "GET /path" for w in report.warnings)


def test_pipes_prompts_fragments_and_extra_urls() -> None:
    request, report = import_curl("$ curl https://x/a#frag https://x/b | jq .")
    assert request.url == "https://x/a"
    found = messages(report)
    assert "ignored everything after '|' (another command)" in found
    assert "only the first URL is imported; ignored: https://x/b" in found
    assert "URL fragment #frag dropped (it is never sent)" in found


def test_query_that_would_change_stays_in_the_url() -> None:
    request, _ = import_curl("curl 'https://x/s?flag&a=%7e'")
    assert request.url == "https://x/s?flag&a=%7e"
    assert request.params == []
    request, _ = import_curl("curl 'https://x/s?token=abc'")
    assert request.params == [KeyValue("token", "{{token}}")]
    request, _ = import_curl("curl 'https://x/s?flag&api_key=abc'")
    assert request.url == "https://x/s?flag&api_key={{api_key}}"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("", "empty command"),
        ("   ", "empty command"),
        ("wget https://x", "not a curl command: it starts with 'wget'"),
        ("curl -X", "curl option --request needs a value"),
        ("curl -H 'unterminated", "unbalanced quote"),
        ("curl $'unterminated", "unterminated \\$'...' string"),
        ("curl -s", "no URL in the curl command"),
        ("curl \x00", "NUL bytes"),
        ("curl " + "a" * (1024 * 1024 + 1), "too long"),
    ],
)
def test_bad_commands(command: str, message: str) -> None:
    with pytest.raises(ImportFailed, match=message):
        import_curl(command)


def test_curl_exe_and_paths_to_curl() -> None:
    for program in ("/usr/bin/curl", "curl.exe", "CURL"):
        request, _ = import_curl(f"{program} https://x/")
        assert request.url == "https://x/"
    request, _ = import_curl("curl -- -not-an-option")
    assert request.url == "-not-an-option"
