"""Registered applications: client id, secret, redirect URIs, management token."""

from __future__ import annotations

from urllib.parse import urlsplit

from tui.sandbox import config
from tui.sandbox.context import Context


def register_client(ctx: Context, client_id: str, client_secret: str) -> None:
    """Register (or update the secret of) a client with the default redirect URIs."""
    with ctx.state.changing() as data:
        client = data["clients"].setdefault(
            client_id,
            {
                "secret": client_secret,
                "redirect_uris": list(config.DEFAULT_REDIRECT_URIS),
                "amt": None,
            },
        )
        client["secret"] = client_secret


def ensure_client(
    ctx: Context, client_id: str, client_secret: str, amt: str = config.DEFAULT_AMT
) -> None:
    """Register the client the sandbox runs for; it owns the management token (AMT), the key
    of the v2.0 management API and of webhook signatures."""
    register_client(ctx, client_id, client_secret)
    with ctx.state.changing() as data:
        client = data["clients"][client_id]
        # One AMT per sandbox: it belongs to the client the sandbox was started for.
        for other_id, other in data["clients"].items():
            if other_id != client_id and other.get("amt") is not None:
                other["amt"] = None
        client["amt"] = amt


def check_redirect_uri(uri: str) -> str | None:
    """Why ``uri`` cannot be a redirect URI, or None when it can."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000:
        return "uri must be a non-empty string"
    parts = urlsplit(uri)
    if not parts.scheme or any(c.isspace() for c in uri):
        return "uri must be an absolute URI such as http://127.0.0.1:8765/callback"
    if parts.scheme in ("http", "https") and not parts.netloc:
        return "an http(s) redirect URI needs a host"
    if parts.fragment:
        return "a redirect URI cannot have a #fragment"
    return None


def register_redirect_uri(ctx: Context, client_id: str, uri: str) -> None:
    problem = check_redirect_uri(uri)
    if problem:
        raise ValueError(problem)
    with ctx.state.changing() as data:
        client = data["clients"].get(client_id)
        if client is None:
            raise ValueError(f"unknown client {client_id!r}")
        if uri not in client["redirect_uris"]:
            client["redirect_uris"].append(uri)
