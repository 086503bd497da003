"""Plain request and response values passed between the HTTP server and the handlers.

Handlers never touch sockets: they take a ``Request`` and return a ``Response``; the server
(``server.py``) does the wire work. This keeps every handler testable and every answer JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"


class Headers:
    """Case-insensitive view of request headers (the first value of each name wins)."""

    def __init__(self, pairs: list[tuple[str, str]] | None = None) -> None:
        self._values: dict[str, str] = {}
        for name, value in pairs or []:
            self._values.setdefault(name.lower(), value)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._values.get(name.lower(), default)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes
    client_host: str
    request_id: str

    @classmethod
    def build(
        cls,
        method: str,
        target: str,
        headers: Headers,
        body: bytes,
        client_host: str,
        request_id: str,
    ) -> Request:
        if target.startswith(("http://", "https://")):  # absolute-form request target
            parts = urlsplit(target)
            path, raw_query = parts.path, parts.query
        else:  # origin-form; urlsplit would read "//x/y" as a host
            path, _, raw_query = target.partition("#")[0].partition("?")
        query = parse_qs(raw_query, keep_blank_values=True)
        return cls(
            method.upper(), unquote(path) or "/", query, headers, body, client_host, request_id
        )

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def form(self) -> dict[str, str]:
        """The body as an HTML form / x-www-form-urlencoded (first value of each field)."""
        text = self.body.decode("utf-8", errors="replace")
        return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}

    def form_list(self, name: str) -> list[str]:
        text = self.body.decode("utf-8", errors="replace")
        return parse_qs(text, keep_blank_values=True).get(name, [])


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    def header(self, name: str, value: str) -> Response:
        self.headers.append((name, value))
        return self


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return Response(status, body, JSON_TYPE, list((headers or {}).items()))


def html_response(status: int, text: str) -> Response:
    return Response(status, text.encode("utf-8"), HTML_TYPE)


def redirect(location: str) -> Response:
    return Response(302, b"", None, [("Location", location)])


def with_query(url: str, params: Mapping[str, str | None]) -> str:
    """``url`` with ``params`` appended to its query (``None`` values are left out)."""
    parts = urlsplit(url)
    extra = urlencode([(k, v) for k, v in params.items() if v is not None])
    query = f"{parts.query}&{extra}" if parts.query and extra else (parts.query or extra)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
