"""Reading credentials from requests: Bearer access tokens, Basic client auth, the AMT."""

from __future__ import annotations

import base64
import binascii
import copy
from typing import Any

from tui.sandbox.context import Context
from tui.sandbox.errors import authentication
from tui.sandbox.messages import Request


def bearer_token(request: Request) -> str | None:
    scheme, _, value = (request.header("Authorization") or "").strip().partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = (request.header("Authorization") or "").strip().partition(" ")
    if scheme.lower() != "basic" or not value.strip():
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def client_from_basic(ctx: Context, request: Request) -> str | None:
    """The client id when Basic credentials name a registered client with its secret."""
    credentials = basic_credentials(request)
    if credentials is None:
        return None
    client_id, secret = credentials
    with ctx.state.reading() as data:
        client = data["clients"].get(client_id)
        return client_id if client is not None and client["secret"] == secret else None


def client_from_amt(ctx: Context, amt: str | None) -> str | None:
    """The client whose Application Management Token this is."""
    if not amt:
        return None
    with ctx.state.reading() as data:
        for client_id, client in data["clients"].items():
            if client.get("amt") == amt:
                return client_id
    return None


def grant_for_request(ctx: Context, request: Request) -> dict[str, Any]:
    """The grant behind the request's valid access token (a copy), else 401 AUTHENTICATION."""
    token = bearer_token(request)
    if token is None:
        raise authentication()
    now = ctx.clock.now()
    with ctx.state.reading() as data:
        record = data["access_tokens"].get(token)
        if record is None or record["expires_at"] <= now:
            raise authentication()
        grant = data["grants"].get(record["grant_id"])
        if grant is None:
            raise authentication()
        return copy.deepcopy(grant)
