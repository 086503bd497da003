"""Turn a saved Request plus variables into concrete bytes ready to send.

Everything that can be refused before the network is refused here, with a message naming
what was wrong: unresolved variables, invalid JSON (with line and column), a missing file.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from tui.core.errors import CarmanError, UnresolvedVariables
from tui.core.model import Auth, AuthKind, BodyKind, KeyValue, Request
from tui.core.variables import VariableStore


class InvalidJsonBody(CarmanError):
    def __init__(self, error: json.JSONDecodeError) -> None:
        super().__init__(
            f"Body is not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        )
        self.line = error.lineno
        self.column = error.colno


class InvalidUrl(CarmanError):
    pass


@dataclass
class PreparedRequest:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    # The auth that applies after inheritance: the pipeline adds its header at send time.
    auth: Auth = field(default_factory=lambda: Auth(kind=AuthKind.NONE))

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def set_header(self, name: str, value: str) -> None:
        lowered = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lowered]
        self.headers.append((name, value))


def _enabled(rows: list[KeyValue]) -> list[KeyValue]:
    return [row for row in rows if row.enabled and row.name]


def texts_of(request: Request, auth: Auth) -> list[str]:
    """Every string of a request that may hold variables (only what will be sent)."""
    texts = [request.url]
    for row in _enabled(request.params) + _enabled(request.headers):
        texts += [row.name, row.value]
    if request.body.kind in (BodyKind.JSON, BodyKind.TEXT):
        texts.append(request.body.text)
    elif request.body.kind in (BodyKind.FORM, BodyKind.MULTIPART):
        for row in _enabled(request.body.form):
            texts += [row.name, row.value]
    if auth.kind == AuthKind.BEARER:
        texts.append(auth.token)
    elif auth.kind == AuthKind.BASIC:
        texts += [auth.username, auth.password]
    return texts


# Characters left as they are in a query: what curl and browsers keep readable.
_QUERY_SAFE = "-._~:/[]@!$'()*+,;"


def _encode(text: str) -> str:
    return quote(text, safe=_QUERY_SAFE)


def build_url(base: str, params: list[tuple[str, str]]) -> str:
    if not params:
        return base
    query = "&".join(f"{_encode(name)}={_encode(value)}" for name, value in params)
    separator = "&" if "?" in base else "?"
    if base.endswith(("?", "&")):
        separator = ""
    return f"{base}{separator}{query}"


def prepare(
    request: Request, variables: VariableStore, auth: Auth | None = None
) -> PreparedRequest:
    """Resolve variables and encode the body. ``auth`` is the effective (inherited) auth."""
    effective = auth if auth is not None else request.auth
    missing = variables.unresolved_in(texts_of(request, effective))
    if missing:
        raise UnresolvedVariables(missing)

    def r(text: str) -> str:
        return variables.resolve(text).text

    base = r(request.url).strip()
    if not base:
        raise InvalidUrl("The URL is empty")
    if "://" not in base:
        base = "http://" + base  # as curl does: a bare host means http
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidUrl(f"Not an http(s) URL: {base}")
    url = build_url(base, [(r(p.name), r(p.value)) for p in _enabled(request.params)])
    headers = [(r(h.name), r(h.value)) for h in _enabled(request.headers)]
    prepared = PreparedRequest(request.method.upper(), url, headers, auth=effective)
    _encode_body(request, prepared, r)
    _apply_static_auth(prepared, effective, r)
    return prepared


def _encode_body(request: Request, prepared: PreparedRequest, r: Callable[[str], str]) -> None:
    body = request.body
    content_type = body.content_type
    if body.kind == BodyKind.JSON:
        text = r(body.text)
        if text.strip():
            try:
                json.loads(text)
            except json.JSONDecodeError as error:
                raise InvalidJsonBody(error) from None
        prepared.body = text.encode("utf-8")
        content_type = content_type or "application/json"
    elif body.kind == BodyKind.TEXT:
        prepared.body = r(body.text).encode("utf-8")
        content_type = content_type or "text/plain; charset=utf-8"
    elif body.kind == BodyKind.FORM:
        import httpx  # ~25 ms of a start: imported when first used, not for the first frame

        pairs = tuple((r(row.name), r(row.value)) for row in _enabled(body.form))
        prepared.body = str(httpx.QueryParams(pairs)).encode("ascii")
        content_type = content_type or "application/x-www-form-urlencoded"
    elif body.kind == BodyKind.MULTIPART:
        boundary = f"carman-{uuid.uuid4().hex}"
        prepared.body = _multipart(body.form, r, boundary)
        content_type = f"multipart/form-data; boundary={boundary}"
    if content_type and prepared.header("content-type") is None:
        prepared.headers.append(("Content-Type", content_type))


def _multipart(rows: list[KeyValue], r: Callable[[str], str], boundary: str) -> bytes:
    chunks: list[bytes] = []
    for row in _enabled(rows):
        name = r(row.name).replace('"', "%22")
        value = r(row.value)
        if row.is_file:
            path = Path(value).expanduser()
            try:
                content = path.read_bytes()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise CarmanError(
                    f"Body field {name!r}: cannot read file {path}: {reason}"
                ) from exc
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            filename = path.name.replace('"', "%22")
            head = (
                f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {kind}\r\n\r\n"
            )
        else:
            content = value.encode("utf-8")
            head = f'Content-Disposition: form-data; name="{name}"\r\n\r\n'
        chunks.append(f"--{boundary}\r\n{head}".encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks)


def _apply_static_auth(prepared: PreparedRequest, auth: Auth, r: Callable[[str], str]) -> None:
    # An explicit Authorization header typed by the user wins over the auth tab.
    if prepared.header("authorization") is not None:
        return
    if auth.kind == AuthKind.BEARER and auth.token:
        prepared.headers.append(("Authorization", f"Bearer {r(auth.token)}"))
    elif auth.kind == AuthKind.BASIC:
        raw = f"{r(auth.username)}:{r(auth.password)}".encode()
        prepared.headers.append(("Authorization", "Basic " + base64.b64encode(raw).decode()))
