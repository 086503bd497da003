"""A pasted curl command -> a carman ``Request``.

Quoting, ``$'...'`` strings and line continuations are handled by ``shell.shell_words``.
Data options are joined with ``&`` as curl does; ``@file`` is read relative to ``base_dir``.
A JSON body (by content type, or text that parses as a JSON object or list) becomes a JSON
body; ``name=value`` pairs a form; anything else text with curl's form content type.
Credentials follow the importers' rule: literal tokens become ``{{access_token}}``, other
literal secrets move to ``report.secrets``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote_plus, urlsplit

from tui.core.importers.credentials import ACCESS_TOKEN_REF, guard_rows, guard_url, is_literal
from tui.core.importers.curl_options import (
    IGNORED_FLAGS,
    IGNORED_VALUE_OPTIONS,
    KNOWN_FLAGS,
    QUIET_FLAGS,
    SHORT,
    VALUE_OPTIONS,
    takes_value,
)
from tui.core.importers.report import VARIABLE, ImportFailed, ImportReport, ImportWarning
from tui.core.importers.shell import shell_words
from tui.core.importers.urls import split_fragment, split_query
from tui.core.model import Auth, AuthKind, Body, BodyKind, KeyValue, Request

MAX_COMMAND = 1024 * 1024  # a pasted command; bodies belong in files
MAX_FILE = 16 * 1024 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"
_METHOD = re.compile(r"[A-Z0-9-]*[A-Z0-9][A-Z0-9-]*")


@dataclass
class _Parsed:
    method: str = ""
    urls: list[str] = field(default_factory=list)
    headers: list[KeyValue] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    form: list[KeyValue] = field(default_factory=list)
    json: bool = False
    user: str | None = None
    bearer: str | None = None
    get: bool = False
    head: bool = False
    location: bool = False
    insecure: bool = False


def import_curl(
    command: str, *, name: str = "", base_dir: Path | None = None
) -> tuple[Request, ImportReport]:
    """Parse a curl command line; raise ImportFailed if it is not one (or has no URL)."""
    if len(command) > MAX_COMMAND:
        raise ImportFailed("the curl command is too long (over 1 MB); put the body in a file")
    if "\x00" in command:
        raise ImportFailed("the curl command contains NUL bytes: binary garbage?")
    report = ImportReport()
    where = name.strip() or "curl"
    words, variables = shell_words(command)
    words = _command_words(words, where, report)
    if variables:
        listed = ", ".join(f"${name} -> {{{{{name}}}}}" for name in variables)
        report.warn(where, f"shell variables became carman variables: {listed}")
    parsed = _Reader(words, where, report, Path(base_dir) if base_dir else Path.cwd()).read()
    request = _build(parsed, name.strip(), where, report)
    if not name.strip():  # warnings name the request by its final (derived) name
        report.warnings = [ImportWarning(request.name, w.message) for w in report.warnings]
    report.requests = 1
    return request, report


def _command_words(words: list[str], where: str, report: ImportReport) -> list[str]:
    while words and words[0] in ("$", ">", "%"):  # a copied prompt
        words = words[1:]
    if not words:
        raise ImportFailed("empty command: paste a curl command")
    program = words[0].rsplit("/", 1)[-1].lower()
    if program not in ("curl", "curl.exe"):
        raise ImportFailed(f"not a curl command: it starts with {words[0][:40]!r}")
    for index, word in enumerate(words):
        if word in ("|", "||", "&&", ";", "&", ">", ">>", "2>", "2>&1"):
            report.warn(where, f"ignored everything after {word!r} (another command)")
            return words[1:index]
    return words[1:]


class _Reader:
    def __init__(self, words: list[str], where: str, report: ImportReport, base: Path) -> None:
        self.words = words
        self.where = where
        self.report = report
        self.base = base
        self.parsed = _Parsed()

    def read(self) -> _Parsed:
        index = 0
        only_urls = False
        while index < len(self.words):
            word = self.words[index]
            index += 1
            if only_urls or not word.startswith("-") or word == "-":
                self.parsed.urls.append(word)
            elif word == "--":
                only_urls = True
            elif word.startswith("--"):
                long_name, equals, attached = word.partition("=")
                if equals and takes_value(long_name):
                    self._option(long_name, attached)
                elif takes_value(word):
                    index = self._with_value(word, index)
                else:
                    self._flag(word)
            else:
                index = self._short_cluster(word, index)
        return self.parsed

    def _with_value(self, long_name: str, index: int) -> int:
        if index >= len(self.words):
            raise ImportFailed(f"curl option {long_name} needs a value")
        self._option(long_name, self.words[index])
        return index + 1

    def _short_cluster(self, word: str, index: int) -> int:
        # "-sSL", "-XPOST", "-H'X: y'": flags until an option that takes a value.
        for position in range(1, len(word)):
            letter = word[position]
            long_name = SHORT.get(letter)
            if long_name is None:
                self.report.warn(self.where, f"unknown curl option -{letter} ignored")
                continue
            if takes_value(long_name):
                rest = word[position + 1 :]
                if rest:
                    self._option(long_name, rest)
                    return index
                return self._with_value(long_name, index)
            self._flag(long_name)
        return index

    def _flag(self, name: str) -> None:
        parsed = self.parsed
        if name == "--get":
            parsed.get = True
        elif name in ("--location", "--location-trusted"):
            parsed.location = True
        elif name == "--insecure":
            parsed.insecure = True
        elif name == "--head":
            parsed.head = True
        elif name in QUIET_FLAGS:
            return
        elif name in IGNORED_FLAGS:
            self.report.warn(self.where, f"curl option {name} ignored")
        elif name not in KNOWN_FLAGS:
            self.report.warn(self.where, f"unknown curl option {name} ignored")

    def _option(self, long_name: str, value: str) -> None:
        parsed = self.parsed
        meaning = VALUE_OPTIONS.get(long_name, "ignored")
        if long_name in IGNORED_VALUE_OPTIONS or meaning == "ignored":
            self.report.warn(self.where, f"curl option {long_name} {value!r} ignored")
        elif meaning == "request":
            method = value.strip().upper()
            if _METHOD.fullmatch(method):
                parsed.method = method
            else:
                self.report.warn(self.where, f"-X {value!r} is not an HTTP method; ignored")
        elif meaning == "header":
            self._header(value)
        elif meaning in ("data", "data-raw", "data-binary", "json"):
            self._data(meaning, value)
        elif meaning == "data-urlencode":
            self._data_urlencode(value)
        elif meaning in ("form", "form-string"):
            self._form(value, literal=meaning == "form-string")
        elif meaning == "user":
            parsed.user = value
        elif meaning == "user-agent":
            parsed.headers.append(KeyValue("User-Agent", value))
        elif meaning == "referer":
            parsed.headers.append(KeyValue("Referer", value.removesuffix(";auto")))
        elif meaning == "cookie":
            if "=" in value:
                parsed.headers.append(KeyValue("Cookie", value))
            else:
                self.report.warn(self.where, f"cookie file {value!r} ignored")
        elif meaning == "url":
            parsed.urls.append(value)
        elif meaning == "output":
            self.report.warn(self.where, f"-o/--output {value!r} ignored (carman shows the body)")
        elif meaning == "oauth2-bearer":
            parsed.bearer = value
        elif meaning == "upload-file":
            self.report.warn(self.where, f"-T/--upload-file {value!r} not supported; no body")

    def _header(self, value: str) -> None:
        if value.startswith("@"):
            self.report.warn(self.where, f"header file {value[1:]!r} not supported; ignored")
            return
        name, colon, text = value.partition(":")
        if colon:
            if not text.strip():
                self.report.warn(
                    self.where, f"-H {value!r} removes one of curl's own headers; ignored"
                )
                return
            self.parsed.headers.append(KeyValue(name.strip(), text.strip()))
        elif value.rstrip().endswith(";"):
            self.parsed.headers.append(KeyValue(value.rstrip()[:-1].strip(), ""))
        else:
            self.report.warn(self.where, f"-H {value!r} is not 'Name: value'; ignored")

    def _read_file(self, name: str, *, keep_newlines: bool) -> str | None:
        path = Path(name).expanduser()
        path = path if path.is_absolute() else self.base / path
        try:
            if path.stat().st_size > MAX_FILE:
                self.report.warn(self.where, f"file {name!r} is too large; not read")
                return None
            data = path.read_bytes()
        except OSError as exc:
            self.report.warn(self.where, f"cannot read file {name!r}: {exc.strerror or exc}")
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            self.report.warn(self.where, f"file {name!r} is binary; carman bodies are text")
            return None
        return text if keep_newlines else text.replace("\r", "").replace("\n", "")

    def _data(self, meaning: str, value: str) -> None:
        if meaning == "json":
            self.parsed.json = True
        if value.startswith("@") and meaning != "data-raw":
            text = self._read_file(value[1:], keep_newlines=meaning != "data")
            if text is None:
                return
            value = text
        self.parsed.data.append(value)

    def _data_urlencode(self, value: str) -> None:
        equals, at = value.find("="), value.find("@")
        if equals >= 0 and (at < 0 or equals < at):
            name, content = value[:equals], value[equals + 1 :]
        elif at >= 0:
            text = self._read_file(value[at + 1 :], keep_newlines=True)
            if text is None:
                return
            name, content = value[:at], text
        else:
            name, content = "", value
        encoded = quote(content, safe="-._~*")
        self.parsed.data.append(f"{name}={encoded}" if name else encoded)

    def _form(self, value: str, *, literal: bool) -> None:
        name, equals, content = value.partition("=")
        if not equals:
            self.report.warn(self.where, f"-F {value!r} is not 'name=value'; ignored")
            return
        if literal or not content.startswith(("@", "<")):
            self.parsed.form.append(KeyValue(name, content))
            return
        path, *options = content[1:].split(";")
        if options:
            self.report.warn(self.where, f"-F {name}: ;{';'.join(options)} not kept")
        if content.startswith("@"):
            self.parsed.form.append(KeyValue(name, path, is_file=True))
            return
        text = self._read_file(path, keep_newlines=True)
        if text is not None:
            self.parsed.form.append(KeyValue(name, text))


# ---- building the request ------------------------------------------------------------------


def _header(rows: list[KeyValue], name: str) -> KeyValue | None:
    return next((row for row in reversed(rows) if row.name.lower() == name), None)


def _build(parsed: _Parsed, name: str, where: str, report: ImportReport) -> Request:
    if not parsed.urls:
        raise ImportFailed("no URL in the curl command")
    if len(parsed.urls) > 1:
        report.warn(where, f"only the first URL is imported; ignored: {', '.join(parsed.urls[1:])}")
    url, fragment = split_fragment(parsed.urls[0].strip())
    if fragment:
        report.warn(where, f"URL fragment #{fragment} dropped (it is never sent)")
    data = "&".join(parsed.data) if not parsed.json else "".join(parsed.data)
    if parsed.get and parsed.data:
        url += ("&" if "?" in url else "?") + data
    request = Request(name="request", method=_method(parsed), url=url)
    request.url, request.params = split_query(url)
    request.headers = list(parsed.headers)
    if parsed.form:
        if parsed.data and not parsed.get:
            report.warn(where, "both -d and -F given (curl refuses that); the form is imported")
        _multipart(request, parsed)
    elif parsed.data and not parsed.get:
        _body(request, data, parsed.json, where, report)
    _auth(request, parsed, where, report)
    guard_rows(request.headers, where, "header", report)
    guard_rows(request.params, where, "query parameter", report)
    request.url = guard_url(request.url, where, report)
    guard_rows(request.body.form, where, "form field", report)
    if parsed.location:
        request.meta["follow_redirects"] = True
    if parsed.insecure:
        request.meta["insecure"] = True
        report.warn(where, "-k/--insecure recorded in meta.insecure; carman verifies certificates")
    request.name = name or _default_name(request)
    return request


def _method(parsed: _Parsed) -> str:
    if parsed.method:
        return parsed.method
    if parsed.head:
        return "HEAD"
    if parsed.form or (parsed.data and not parsed.get):
        return "POST"
    return "GET"


def _default_name(request: Request) -> str:
    path = urlsplit(request.url).path if "://" in request.url else request.url
    return f"{request.method} {path or '/'}"[:80]


def _multipart(request: Request, parsed: _Parsed) -> None:
    request.body = Body(kind=BodyKind.MULTIPART, form=list(parsed.form))
    content_type = _header(request.headers, "content-type")
    if content_type is not None and content_type.value.lower().startswith("multipart/form-data"):
        # carman writes its own, with the boundary.
        request.headers = [h for h in request.headers if h.name.lower() != "content-type"]


def _looks_like_json(text: str) -> bool:
    if not text.strip().startswith(("{", "[")):
        return False
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _form_pairs(text: str) -> list[KeyValue] | None:
    if not text or "\n" in text or any("=" not in part for part in text.split("&")):
        return None
    rows = []
    for part in text.split("&"):
        key, _, value = part.partition("=")
        rows.append(KeyValue(unquote_plus(key), unquote_plus(value)))
    return rows


def _body(request: Request, text: str, json_flag: bool, where: str, report: ImportReport) -> None:
    row = _header(request.headers, "content-type")
    content_type = row.value.strip() if row else ""
    essence = content_type.split(";")[0].strip().lower()
    body = Body(text=text)
    if json_flag or "json" in essence or (not essence and _looks_like_json(text)):
        body.kind = BodyKind.JSON
        if not essence and not json_flag:
            report.warn(where, "the body is JSON: sent as application/json (curl says form)")
        if json_flag and _header(request.headers, "accept") is None:
            request.headers.append(KeyValue("Accept", "application/json"))
        default = "application/json"
    elif essence in ("", FORM_TYPE) and (pairs := _form_pairs(text)) is not None:
        body = Body(kind=BodyKind.FORM, form=pairs)
        default = FORM_TYPE
    else:
        body.kind = BodyKind.TEXT
        default = "text/plain; charset=utf-8"
        content_type = content_type or FORM_TYPE  # what curl sends for -d
    if content_type and content_type != default:
        body.content_type = content_type
    request.headers = [h for h in request.headers if h.name.lower() != "content-type"]
    request.body = body


def _auth(request: Request, parsed: _Parsed, where: str, report: ImportReport) -> None:
    if parsed.user is not None:
        username, colon, password = parsed.user.partition(":")
        if not colon:
            report.warn(where, "-u without a password (curl would ask for one); password empty")
        request.auth = _basic(username, password, where, report)
    elif parsed.bearer is not None:
        request.auth = Auth(kind=AuthKind.BEARER, token=_token(parsed.bearer, where, report))
    else:
        request.auth = Auth(kind=AuthKind.NONE)
    row = _header(request.headers, "authorization")
    if row is None or request.auth.kind != AuthKind.NONE:
        return
    scheme, _, credentials = row.value.strip().partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        request.auth = Auth(kind=AuthKind.BEARER, token=_token(credentials.strip(), where, report))
    elif scheme.lower() == "basic" and is_literal(credentials):
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return  # left as a header; guard_rows moves it to the secrets
        username, _, password = decoded.partition(":")
        request.auth = _basic(username, password, where, report)
    else:
        return
    request.headers = [h for h in request.headers if h is not row]


def _token(token: str, where: str, report: ImportReport) -> str:
    if is_literal(token):
        report.warn(where, f"literal bearer token dropped; now uses {ACCESS_TOKEN_REF}")
        return ACCESS_TOKEN_REF
    return token


def _basic(username: str, password: str, where: str, report: ImportReport) -> Auth:
    if is_literal(password):
        moved = report.add_secret(VARIABLE, "password", password, where)
        password = f"{{{{{moved}}}}}"
        report.warn(where, f"basic auth: password moved to secret {password}")
    return Auth(kind=AuthKind.BASIC, username=username, password=password)
