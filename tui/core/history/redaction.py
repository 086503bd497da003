"""Mask secrets in an exchange before any of it is written to the history database.

Two passes. The first masks by structure (Authorization and cookie headers, secret-named
headers, query and form parameters, JSON fields) and collects every secret value it saw. The
second redacts every occurrence of those values, and of the caller's known secrets, from every
text: a token the server echoes back, or the access token of a token endpoint's answer that
shows up again in a later URL, is masked wherever it appears.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, unquote, unquote_plus

from tui.core.masking import (
    MASK,
    SECRET_NAMES,
    SECRET_WORDS,
    is_secret_name,
    mask_authorization,
    redact,
)

# Headers whose whole value is a credential.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})
# Parameter and field names that are secret although not all are secret-named.
SECRET_PARAMS = frozenset(
    {"access_token", "refresh_token", "id_token", "client_secret", "password", "code"}
)
# Named like secrets but never secret; masking them would also redact "Bearer" everywhere.
HARMLESS_NAMES = frozenset({"token_type", "token_type_hint"})
# Only a query or form "code" is OAuth's authorization code; a JSON "code" is an error code
# ("code": "DOOR_OPEN" in Smartcar's errors) and must stay readable.
QUERY_ONLY_NAMES = frozenset({"code"})
# Values found by structure shorter than this are masked in place only: redacting a short,
# common string everywhere would mangle unrelated text.
MIN_DISCOVERED = 8
# Scrub at most this much beyond the body cap: a token straddling the cut is still seen whole.
SCRUB_MARGIN = 64 * 1024
# Above this, a JSON body is not parsed again to double-check the field masking.
VERIFY_JSON_LIMIT = 8 * 1024 * 1024

# A secret field's name, lowered, holds one of these (see is_secret_field). A body that holds
# none of them anywhere has no JSON pair to mask: the per-pair scan (Python called for every
# pair, ~50 ms a megabyte on the history thread, holding the GIL the UI needs) is skipped.
_FIELD_WORDS = tuple(
    sorted(
        {*SECRET_WORDS, *SECRET_PARAMS, *SECRET_NAMES} - QUERY_ONLY_NAMES,
    )
)

_PARAM = re.compile(r"(?P<lead>^|[?&#])(?P<name>[^=&#?\s\"'<>]+)=(?P<value>[^&#\s\"'<>]*)")
_JSON_PAIR = re.compile(
    r'"(?P<name>[^"\\]{1,200})"(?P<sep>\s*:\s*)"(?P<value>[^"\\]*(?:\\.[^"\\]*)*)"'
)
_USERINFO = re.compile(r"^(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/@:]*:)(?P<password>[^/@]*)@")


@functools.lru_cache(maxsize=4096)  # a body repeats its field names thousands of times
def is_secret_field(name: str) -> bool:
    """A header, JSON field or parameter whose value is a secret (``code`` aside)."""
    lowered = name.strip().lower()
    if lowered in HARMLESS_NAMES or lowered in QUERY_ONLY_NAMES:
        return False
    return lowered in SECRET_PARAMS or is_secret_name(lowered)


@functools.lru_cache(maxsize=4096)
def is_secret_param(name: str) -> bool:
    """A query or form parameter to mask: secret fields plus OAuth's authorization ``code``."""
    lowered = unquote_plus(name).strip().lower()
    return lowered in QUERY_ONLY_NAMES or is_secret_field(lowered)


class _Found:
    """Secret values seen while masking by structure."""

    def __init__(self, known: Iterable[str]) -> None:
        self.values: set[str] = {value for value in known if value}

    def add(self, value: str) -> None:
        if len(value) >= MIN_DISCOVERED:
            self.values.add(value)

    def variants(self) -> set[str]:
        # The same secret, written the ways a URL, a form or a JSON string would spell it.
        out: set[str] = set()
        for value in self.values:
            out.add(value)
            out.add(quote(value, safe=""))
            out.add(quote_plus(value, safe=""))
            out.add(json.dumps(value)[1:-1])
        return out


# ---- pass one: structure -------------------------------------------------------------------


def _mask_params(text: str, found: _Found) -> str:
    if "=" not in text:  # every parameter has one; a JSON body usually has none
        return text

    def replace(match: re.Match[str]) -> str:
        value = match.group("value")
        if not value or not is_secret_param(match.group("name")) or value == MASK:
            return match.group(0)
        found.add(value)
        found.add(unquote(value))
        found.add(unquote_plus(value))
        return f"{match.group('lead')}{match.group('name')}={MASK}"

    return _PARAM.sub(replace, text)


def may_hold_secret_field(text: str) -> bool:
    """False only when no JSON field of ``text`` can be secret-named."""
    lowered = text.lower()
    return any(word in lowered for word in _FIELD_WORDS)


def _mask_json_pairs(text: str, found: _Found) -> str:
    if not may_hold_secret_field(text):
        return text

    def replace(match: re.Match[str]) -> str:
        value = match.group("value")
        if not value or value == MASK or not is_secret_field(match.group("name")):
            return match.group(0)
        found.add(value)
        with contextlib.suppress(ValueError):
            found.add(json.loads(f'"{value}"'))
        return f'"{match.group("name")}"{match.group("sep")}"{MASK}"'

    return _JSON_PAIR.sub(replace, text)


def mask_url(url: str, found: _Found) -> str:
    url = _mask_params(url, found)

    def hide_password(match: re.Match[str]) -> str:
        if not match.group("password"):
            return match.group(0)
        found.add(unquote(match.group("password")))
        return f"{match.group('head')}{MASK}@"

    return _USERINFO.sub(hide_password, url)


def _mask_authorization(value: str, found: _Found) -> str:
    scheme, _, credentials = value.strip().partition(" ")
    credentials = credentials.strip()
    found.add(credentials or value)
    if scheme.lower() == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        _, _, password = decoded.partition(":")
        found.add(password)  # the client secret of a token request
    return mask_authorization(value)


def _mask_cookie(name: str, value: str, found: _Found) -> str:
    # Cookie: a=1; b=2  ->  every value.  Set-Cookie: a=1; Path=/  ->  only the first pair.
    parts = value.split(";")
    limit = len(parts) if name == "cookie" else 1
    out = []
    for index, part in enumerate(parts):
        key, sep, cookie = part.partition("=")
        if index < limit and sep and cookie.strip():
            found.add(cookie.strip())
            out.append(f"{key}={MASK}")
        else:
            out.append(part)
    return ";".join(out)


def mask_header(name: str, value: str, found: _Found) -> str:
    lowered = name.lower()
    if lowered in CREDENTIAL_HEADERS:
        return _mask_authorization(value, found)
    if lowered in COOKIE_HEADERS:
        return _mask_cookie(lowered, value, found)
    if is_secret_field(lowered):
        found.add(value)
        return MASK if value else value
    return _mask_params(value, found)  # a Location carrying ?code=...


def mask_text_body(text: str, found: _Found) -> str:
    """Form parameters and JSON string fields anywhere in a text body (JSON, form, HTML...)."""
    return _mask_json_pairs(_mask_params(text, found), found)


# ---- pass two and the JSON double-check ---------------------------------------------------


def _leftovers(node: Any, inside_secret: bool = False) -> bool:
    """True when a secret-named JSON field still holds a string that is not the mask."""
    if isinstance(node, dict):
        return any(
            _leftovers(value, inside_secret or is_secret_field(str(key)))
            for key, value in node.items()
        )
    if isinstance(node, list):
        return any(_leftovers(item, inside_secret) for item in node)
    return inside_secret and isinstance(node, str) and node not in ("", MASK)


def _mask_tree(node: Any, found: _Found, inside_secret: bool = False) -> Any:
    if isinstance(node, dict):
        return {
            key: _mask_tree(value, found, inside_secret or is_secret_field(str(key)))
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_mask_tree(item, found, inside_secret) for item in node]
    if inside_secret and isinstance(node, str) and node:
        found.add(node)
        return MASK
    return node


def _double_check_json(text: str, found: _Found) -> str:
    """Re-parse a masked JSON body; if a secret field survived (odd escaping, nesting under a
    secret-named object), rewrite the body from the parsed tree instead."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")) or len(text) > VERIFY_JSON_LIMIT:
        return text
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if not _leftovers(data):
        return text
    masked = _mask_tree(data, found)
    indent = 2 if "\n" in stripped else None
    return json.dumps(masked, ensure_ascii=False, indent=indent)


@dataclass
class ScrubbedBody:
    data: bytes
    truncated: bool


@dataclass
class Scrubbed:
    url: str
    request_headers: list[tuple[str, str]]
    request_body: ScrubbedBody
    response_headers: list[tuple[str, str]]
    response_body: ScrubbedBody
    error_message: str
    error_detail: str


def _decode(body: bytes) -> str:
    # surrogateescape keeps undecodable bytes, so a binary body round-trips unchanged.
    return body.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def scrub(
    *,
    url: str,
    request_headers: list[tuple[str, str]],
    request_body: bytes,
    response_headers: list[tuple[str, str]],
    response_body: bytes,
    error_message: str = "",
    error_detail: str = "",
    secrets: Iterable[str] = (),
    max_body_bytes: int,
) -> Scrubbed:
    """Everything of one exchange that will be written, with every secret masked."""
    found = _Found(secrets)
    cap = max(0, max_body_bytes)
    # Pass one: mask by structure, collecting the secret values.
    masked_url = mask_url(url, found)
    req_headers = [(k, mask_header(k, v, found)) for k, v in request_headers]
    resp_headers = [(k, mask_header(k, v, found)) for k, v in response_headers]
    bodies = []
    for body in (request_body, response_body):
        cut = len(body) > cap + SCRUB_MARGIN
        text = mask_text_body(_decode(body[: cap + SCRUB_MARGIN]), found)
        if not cut:
            text = _double_check_json(text, found)
        bodies.append((text, cut))
    messages = [_mask_params(error_message, found), _mask_params(error_detail, found)]
    # Pass two: redact every known and discovered secret from every text.
    variants = found.variants()

    def clean(text: str) -> str:
        return redact(text, variants)

    scrubbed_bodies = []
    for text, cut in bodies:
        data = _encode(clean(text))
        scrubbed_bodies.append(ScrubbedBody(data[:cap], cut or len(data) > cap))
    return Scrubbed(
        url=clean(masked_url),
        request_headers=[(k, clean(v)) for k, v in req_headers],
        request_body=scrubbed_bodies[0],
        response_headers=[(k, clean(v)) for k, v in resp_headers],
        response_body=scrubbed_bodies[1],
        error_message=clean(messages[0]),
        error_detail=clean(messages[1]),
    )
