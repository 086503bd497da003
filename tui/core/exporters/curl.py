"""Copy as curl: a request as a shell-safe, multi-line curl command.

``curl_from_prepared`` takes a resolved ``PreparedRequest`` (what carman would send);
``curl_from_request`` a saved ``Request`` with its ``{{variables}}`` left in, for sharing.
Every word is quoted with ``shlex.quote`` (bytes that are not UTF-8 use ``$'\\xHH'``). Unless
``reveal=True``, the Authorization header, secret-named headers, query parameters and form
fields, and every known secret value are masked.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from urllib.parse import unquote, unquote_plus

from tui.core.importers.credentials import is_literal
from tui.core.importers.urls import build_template_url
from tui.core.masking import MASK, is_secret_name, mask_authorization, mask_value, redact
from tui.core.model import Auth, AuthKind, BodyKind, KeyValue, Request
from tui.core.prepare import PreparedRequest

# What an app_token request carries, shown as the variable (the token itself is a secret).
APP_TOKEN_PLACEHOLDER = "{{app_token}}"

FORM_TYPE = "application/x-www-form-urlencoded"
_DEFAULT_TYPES = {BodyKind.JSON: "application/json", BodyKind.TEXT: "text/plain; charset=utf-8"}
_DISPOSITION = re.compile(r'(\w+)="([^"]*)"')


def q(word: str) -> str:
    return shlex.quote(word)


def ansi_c_quote(data: bytes) -> str:
    """``$'...'`` for bytes a single-quoted word cannot carry (bash, zsh; our importer)."""
    out = []
    for byte in data:
        char = chr(byte)
        if 0x20 <= byte < 0x7F and char not in "'\\":
            out.append(char)
        else:
            out.append(f"\\x{byte:02x}")
    return "$'" + "".join(out) + "'"


def format_command(lines: list[list[str]]) -> str:
    """Already-quoted words, one option per line, joined with line continuations."""
    return " \\\n  ".join(" ".join(words) for words in lines)


def _method_words(method: str, has_body: bool) -> list[str]:
    if method == "HEAD":
        return ["--head"]
    if (method == "GET" and not has_body) or (method == "POST" and has_body):
        return []  # curl's own choice
    return ["-X", q(method)]


class _Masker:
    def __init__(
        self, reveal: bool, secrets: Iterable[str], *, templates_ok: bool, keep: Iterable[str] = ()
    ) -> None:
        self.reveal = reveal
        self.secrets = sorted(set(secrets))
        # A saved request shows {{variables}}: only literal values need hiding.
        self.templates_ok = templates_ok
        self.keep = set(keep)  # placeholders we wrote ourselves

    def _hide(self, value: str) -> bool:
        if self.reveal or value in self.keep:
            return False
        return not self.templates_ok or is_literal(value)

    def text(self, value: str) -> str:
        return value if self.reveal else redact(value, self.secrets)

    def header(self, name: str, value: str) -> str:
        if self._hide(value) and name.strip().lower() == "authorization":
            return mask_authorization(value)
        if self._hide(value) and is_secret_name(name):
            return mask_value(value)
        return self.text(value)

    def field(self, name: str, value: str) -> str:
        if self._hide(value) and is_secret_name(name):
            return mask_value(value)
        return self.text(value)

    def url(self, url: str) -> str:
        if self.reveal:
            return url
        base, question, query = url.partition("?")
        if not question:
            return self.text(url)
        parts = []
        for part in query.split("&"):
            name, equals, value = part.partition("=")
            if equals and is_secret_name(unquote(name)) and self._hide(value):
                part = f"{name}={MASK}"
            parts.append(part)
        return self.text(f"{base}?{'&'.join(parts)}")


# ---- from a prepared (resolved) request ---------------------------------------------------------


def curl_from_prepared(
    prepared: PreparedRequest,
    *,
    reveal: bool = False,
    secrets: Iterable[str] = (),
    access_token: str | None = None,
) -> str:
    """The command that sends ``prepared``; an OAuth2 token is added as carman would."""
    placeholder = "{{access_token}}"
    keep = (
        ()
        if access_token
        else (
            placeholder,
            f"Bearer {placeholder}",
            APP_TOKEN_PLACEHOLDER,
            f"Bearer {APP_TOKEN_PLACEHOLDER}",
        )
    )
    masker = _Masker(reveal, secrets, templates_ok=False, keep=keep)
    url = prepared.url
    headers = list(prepared.headers)
    if prepared.auth.kind == AuthKind.OAUTH2 and prepared.header("authorization") is None:
        token = access_token or placeholder
        settings = prepared.auth.oauth2
        if settings is not None and settings.add_token_to == "query":
            url += ("&" if "?" in url else "?") + f"access_token={token}"
        else:
            headers.append(("Authorization", f"Bearer {token}"))
    elif prepared.auth.kind == AuthKind.APP_TOKEN and prepared.header("authorization") is None:
        # Smartcar v3's application token, added by carman's pipeline at send time.
        headers.append(("Authorization", f"Bearer {access_token or APP_TOKEN_PLACEHOLDER}"))
    content_type = prepared.header("content-type") or ""
    body_lines: list[list[str]] = []
    fields = _multipart_fields(prepared.body, content_type)
    if fields is not None:
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        body_lines = [_form_words(name, value, is_file, masker) for name, value, is_file in fields]
    elif prepared.body:
        body_lines = [_data_words(prepared.body, content_type, masker)]
    lines = [["curl", *_method_words(prepared.method, bool(body_lines)), q(masker.url(url))]]
    lines += [_header_words(name, masker.header(name, value)) for name, value in headers]
    return format_command(lines + body_lines)


def _header_words(name: str, value: str) -> list[str]:
    # "Name:" with nothing after it makes curl drop the header; "Name;" sends it empty.
    return ["-H", q(f"{name}: {value}" if value else f"{name};")]


def _data_words(body: bytes, content_type: str, masker: _Masker) -> list[str]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return ["--data-binary", ansi_c_quote(body)]
    if content_type.split(";")[0].strip().lower() == FORM_TYPE and not masker.reveal:
        text = "&".join(_mask_pair(part, masker) for part in text.split("&"))
    return ["--data-raw", q(masker.text(text))]


def _mask_pair(part: str, masker: _Masker) -> str:
    name, equals, value = part.partition("=")
    if equals and value and is_secret_name(unquote_plus(name)):
        return f"{name}={MASK}"
    return part


def _multipart_fields(body: bytes, content_type: str) -> list[tuple[str, str, bool]] | None:
    """(name, value or file name, is_file) of a multipart body carman built, else None."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    match = re.search(r"boundary=([^;\s]+)", content_type)
    if match is None:
        return None
    delimiter = b"--" + match.group(1).strip('"').encode("latin-1", "replace")
    fields: list[tuple[str, str, bool]] = []
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            return fields
        head, separator, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            return None
        attributes = dict(_DISPOSITION.findall(head.decode("utf-8", "replace")))
        name = attributes.get("name", "").replace("%22", '"')
        content = content.removesuffix(b"\r\n")
        if "filename" in attributes:
            fields.append((name, attributes["filename"].replace("%22", '"'), True))
        else:
            try:
                fields.append((name, content.decode("utf-8"), False))
            except UnicodeDecodeError:
                return None
    return None


def _form_words(name: str, value: str, is_file: bool, masker: _Masker) -> list[str]:
    if is_file:
        return ["-F", q(f"{name}=@{value}")]
    value = masker.field(name, value)
    # curl reads @file, <file and ;type= in -F values; --form-string takes them literally.
    option = "--form-string" if value.startswith(("@", "<")) or ";" in value else "-F"
    return [option, q(f"{name}={value}")]


# ---- from a saved request, {{variables}} left in ------------------------------------------------


def curl_from_request(
    request: Request,
    *,
    auth: Auth | None = None,
    reveal: bool = False,
    secrets: Iterable[str] = (),
) -> str:
    """``request`` with its ``{{variables}}`` unresolved; ``auth`` is the effective auth."""
    masker = _Masker(reveal, secrets, templates_ok=True)
    auth = auth if auth is not None else request.auth
    params = [p for p in request.params if p.enabled and p.name]
    headers = [(h.name, h.value) for h in request.headers if h.enabled and h.name]
    body_lines = _request_body(request, headers, masker)
    extra_lines: list[list[str]] = []
    has_authorization = any(name.lower() == "authorization" for name, _ in headers)
    if auth.kind == AuthKind.BEARER and auth.token and not has_authorization:
        headers.append(("Authorization", f"Bearer {auth.token}"))
    elif auth.kind == AuthKind.BASIC and not has_authorization:
        password = auth.password if masker.reveal or not is_literal(auth.password) else MASK
        extra_lines.append(["-u", q(masker.text(f"{auth.username}:{password}"))])
    elif auth.kind == AuthKind.APP_TOKEN and not has_authorization:
        headers.append(("Authorization", f"Bearer {APP_TOKEN_PLACEHOLDER}"))
    elif auth.kind == AuthKind.OAUTH2 and not has_authorization:
        if auth.oauth2 is not None and auth.oauth2.add_token_to == "query":
            params.append(KeyValue("access_token", "{{access_token}}"))
        else:
            headers.append(("Authorization", "Bearer {{access_token}}"))
    url = build_template_url(request.url, params)
    lines = [["curl", *_method_words(request.method.upper(), bool(body_lines)), q(masker.url(url))]]
    lines += [_header_words(name, masker.header(name, value)) for name, value in headers]
    return format_command(lines + extra_lines + body_lines)


def _request_body(
    request: Request, headers: list[tuple[str, str]], masker: _Masker
) -> list[list[str]]:
    body = request.body
    has_type = any(name.lower() == "content-type" for name, _ in headers)
    rows = [row for row in body.form if row.enabled and row.name]
    if body.kind in (BodyKind.JSON, BodyKind.TEXT):
        if not has_type:
            headers.append(("Content-Type", body.content_type or _DEFAULT_TYPES[body.kind]))
        return [["--data-raw", q(masker.text(body.text))]] if body.text else []
    if body.kind == BodyKind.FORM:
        if body.content_type and not has_type and body.content_type != FORM_TYPE:
            headers.append(("Content-Type", body.content_type))
        return [
            ["--data-urlencode", q(f"{row.name}={masker.field(row.name, row.value)}")]
            for row in rows
        ]
    if body.kind == BodyKind.MULTIPART:
        return [_form_words(row.name, row.value, row.is_file, masker) for row in rows]
    return []
