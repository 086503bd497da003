"""API Authentication: ``POST /oauth2/token`` with the client-credentials grant (§2).

The application sends its client id and secret in the body, form-encoded or JSON (the docs
show both), and gets one application token for every vehicle connected to it:
``{access_token, token_type: "Bearer", expires_in: 3600}``, no refresh token. Errors are OAuth
style ``{"error", "error_description"}``: 400 ``invalid_request`` for a missing or other
``grant_type`` or a missing field (the reference lists no ``unsupported_grant_type``), 401
``invalid_client`` for unknown credentials. Credentials in a Basic header are not read: the
docs describe none for this endpoint. Tokens are stored in the state (they survive a restart,
like v2.0 tokens) and expire on the sandbox clock.
"""

from __future__ import annotations

import json
from typing import Any

from tui.sandbox import ids
from tui.sandbox.context import Context
from tui.sandbox.errors import oauth_error
from tui.sandbox.messages import Request, Response, json_response

APP_TOKEN_TTL = 3600  # seconds: one hour, no refresh token


def _fields(request: Request) -> dict[str, Any] | str:
    """The body's fields, or a message saying why the body cannot be read."""
    content_type = (request.header("Content-Type") or "").lower()
    text = request.body.decode("utf-8", errors="replace").strip()
    if "json" in content_type or text.startswith("{"):
        try:
            value = json.loads(text) if text else {}
        except ValueError:
            return "The body is not valid JSON."
        if not isinstance(value, dict):
            return "The JSON body must be an object."
        return value
    return request.form()


def handle_token(ctx: Context, request: Request) -> Response:
    if request.method != "POST":
        return oauth_error(405, "invalid_request", "Use POST with a form-encoded or JSON body.")
    body = _fields(request)
    if isinstance(body, str):
        return oauth_error(400, "invalid_request", body)
    grant_type = body.get("grant_type")
    if not grant_type:
        return oauth_error(400, "invalid_request", "grant_type is required: client_credentials.")
    if grant_type != "client_credentials":
        return oauth_error(
            400,
            "invalid_request",
            f"Unsupported grant_type: {grant_type}. This endpoint takes client_credentials.",
        )
    missing = [
        name
        for name in ("client_id", "client_secret")
        if not isinstance(body.get(name), str) or not body.get(name)
    ]
    if missing:
        return oauth_error(
            400,
            "invalid_request",
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required in the "
            "body (not in an Authorization header).",
        )
    client_id, secret = body["client_id"], body["client_secret"]
    now = ctx.clock.now()
    with ctx.state.changing() as data:
        client = data["clients"].get(client_id)
        if client is None or client["secret"] != secret:
            return oauth_error(401, "invalid_client", "Unknown client_id or wrong client_secret.")
        for token, record in list(data["app_tokens"].items()):
            if record["expires_at"] <= now:
                del data["app_tokens"][token]
        token = ids.token()
        data["app_tokens"][token] = {"client_id": client_id, "expires_at": now + APP_TOKEN_TTL}
    return json_response(
        200, {"access_token": token, "token_type": "Bearer", "expires_in": APP_TOKEN_TTL}
    )


def client_of(ctx: Context, token: str) -> str | None:
    """The client an unexpired application token belongs to."""
    now = ctx.clock.now()
    with ctx.state.reading() as data:
        record = data["app_tokens"].get(token)
        if record is None or record["expires_at"] <= now:
            return None
        return str(record["client_id"])
