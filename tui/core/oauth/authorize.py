"""The authorize (Smartcar Connect) URL, built the way the Smartcar SDK builds it.

Parameter order and encoding follow ``smartcar.AuthClient.get_auth_url`` (urlencode, so spaces
become ``+`` and ``:`` becomes ``%3A``); see smartcar-api.md section 2.1.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tui.core.model import OAuth2Settings


def new_state() -> str:
    """A single-use, unguessable state value (CSRF protection for the callback)."""
    return secrets.token_urlsafe(24)


def authorize_params(settings: OAuth2Settings, state: str) -> list[tuple[str, str]]:
    """The query parameters in the order the Python SDK emits them."""
    params: list[tuple[str, str]] = [
        # "none": Smartcar v3 without a code (the redirect carries only user_id).
        ("response_type", settings.response_type or "code"),
        ("client_id", settings.client_id),
        ("approval_prompt", settings.approval_prompt or "auto"),
    ]
    if settings.mode:
        params.append(("mode", settings.mode))
    if settings.redirect_uri:
        params.append(("redirect_uri", settings.redirect_uri))
    scope = [s for s in (item.strip() for item in settings.scope) if s]
    if scope:
        # "required:" prefixes are kept: Connect reads them.
        params.append(("scope", " ".join(scope)))
    params.append(("state", state))
    if settings.make:
        params.append(("make", settings.make))
    if settings.single_select:
        params.append(("single_select", "true"))
    if settings.country:
        params.append(("flags", f"country:{settings.country.upper()}"))
    return params


def build_authorize_url(settings: OAuth2Settings, state: str) -> str:
    """``settings.authorize_url`` plus the Connect parameters.

    Parameters already in ``authorize_url`` (Postman style ``...?approval_prompt=force``) are
    kept unless carman sets the same name; ``extra_params`` come last and win over everything.
    """
    parts = urlsplit(settings.authorize_url)
    ours = authorize_params(settings, state)
    extra = {k: v for k, v in settings.extra_params.items() if k}
    if "flags" in extra and any(name == "flags" for name, _ in ours):
        # Feature flags are one space-separated parameter: merge rather than replace country.
        merged = f"{dict(ours)['flags']} {extra.pop('flags')}".strip()
        ours = [(n, merged if n == "flags" else v) for n, v in ours]
    names = {name for name, _ in ours} | set(extra)
    existing = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in names]
    ours = [(n, v) for n, v in ours if n not in extra]
    query = urlencode([*existing, *ours, *extra.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
