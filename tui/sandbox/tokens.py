"""The token endpoint ``/oauth/token``: authorization codes and refresh tokens.

Clients authenticate with Basic (client id and secret); the body is form-encoded. Access
tokens live 7200 s of sandbox clock. Each refresh returns a new refresh token; the old one keeps
working for a 60 s grace period (then ``invalid_request``), and access tokens issued before stay
valid until they expire.
"""

from __future__ import annotations

from typing import Any

from tui.sandbox import config, ids
from tui.sandbox.auth import client_from_basic
from tui.sandbox.context import Context
from tui.sandbox.errors import oauth_error
from tui.sandbox.messages import Request, Response, json_response


def _issue(data: dict[str, Any], grant_id: str, now: float) -> dict[str, Any]:
    access, refresh = ids.token(), ids.token()
    data["access_tokens"][access] = {
        "grant_id": grant_id,
        "expires_at": now + config.ACCESS_TOKEN_TTL,
    }
    data["refresh_tokens"][refresh] = {
        "grant_id": grant_id,
        "rotated_at": None,
        "expires_at": now + config.REFRESH_TOKEN_TTL,
    }
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": config.ACCESS_TOKEN_TTL,
        "refresh_token": refresh,
    }


def handle_token(ctx: Context, request: Request) -> Response:
    if request.method != "POST":
        return oauth_error(405, "invalid_request", "Use POST with a form-encoded body.")
    client_id = client_from_basic(ctx, request)
    if client_id is None:
        return oauth_error(
            401,
            "invalid_client",
            "Invalid client credentials: send the client id and secret with Basic authentication.",
        )
    form = request.form()
    grant_type = form.get("grant_type")
    if not grant_type:
        return oauth_error(400, "invalid_request", "grant_type is required.")
    if grant_type == "authorization_code":
        return _exchange_code(ctx, client_id, form)
    if grant_type == "refresh_token":
        return _refresh(ctx, client_id, form)
    return oauth_error(
        400,
        "unsupported_grant_type",
        f"Unsupported grant_type: {grant_type}. Use authorization_code or refresh_token.",
    )


def _exchange_code(ctx: Context, client_id: str, form: dict[str, str]) -> Response:
    code = form.get("code", "")
    if not code:
        return oauth_error(400, "invalid_request", "code is required.")
    now = ctx.clock.now()
    with ctx.state.changing() as data:
        ctx.state.prune(now)
        record = data["codes"].get(code)
        # Unknown, used, expired and another client's codes all look the same to the caller.
        if record is None or record["client_id"] != client_id or record["expires_at"] <= now:
            return oauth_error(400, "invalid_request", f"Invalid code: {code}.")
        given = form.get("redirect_uri")
        if given is None and record["redirect_uri_given"]:
            return oauth_error(
                400,
                "invalid_grant",
                "redirect_uri is required: send the one used in the Connect URL.",
            )
        if given is not None and given != record["redirect_uri"]:
            return oauth_error(
                400, "invalid_grant", "redirect_uri does not match the one used in the Connect URL."
            )
        del data["codes"][code]  # single use
        return json_response(200, _issue(data, record["grant_id"], now))


def _refresh(ctx: Context, client_id: str, form: dict[str, str]) -> Response:
    token = form.get("refresh_token", "")
    if not token:
        return oauth_error(400, "invalid_request", "refresh_token is required.")
    now = ctx.clock.now()
    with ctx.state.changing() as data:
        ctx.state.prune(now)
        record = data["refresh_tokens"].get(token)
        grant = data["grants"].get(record["grant_id"]) if record else None
        if record is None or grant is None or grant["client_id"] != client_id:
            return oauth_error(400, "invalid_request", f"Invalid refresh_token: {token}.")
        rotated = record["rotated_at"]
        if record["expires_at"] <= now or (
            rotated is not None and rotated + config.REFRESH_GRACE <= now
        ):
            return oauth_error(400, "invalid_request", f"Invalid refresh_token: {token}.")
        if rotated is None:
            record["rotated_at"] = now  # the grace period starts at the first use
        return json_response(200, _issue(data, record["grant_id"], now))
