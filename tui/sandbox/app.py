"""Top-level routing: one origin serves Connect, the token endpoints, the APIs and the admin."""

from __future__ import annotations

import re

from tui.sandbox import (
    admin,
    compatibility,
    config,
    connect,
    legacy_v1,
    management,
    tokens,
    vehicles,
)
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError, not_found_path
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import app_tokens
from tui.sandbox.v3 import routes as v3_routes

# v1.0 is answered in its own shapes (legacy_v1); any other numeric version (v2.0,
# v99999999.99) is served as the latest v2.0 behaviour.
_NUMERIC_VERSION = re.compile(r"^v\d+\.\d+$")
_V2_RESOURCES = ("user", "vehicles", "compatibility", "management")


def dispatch(ctx: Context, request: Request) -> Response:
    """Answer one request; Smartcar-shaped JSON errors for everything under the APIs."""
    segments = [s for s in request.path.split("/") if s]  # trailing slashes do not matter
    is_v3 = bool(segments) and segments[0] == "v3"
    try:
        return _route(ctx, request, segments)
    except ApiError as error:
        return error.response(request.request_id, v3=is_v3)


def _route(ctx: Context, request: Request, segments: list[str]) -> Response:
    if not segments:
        return _index(ctx, request)
    head, rest = segments[0], segments[1:]
    if head == "oauth" and len(rest) == 1:
        if rest[0] == "authorize":
            return connect.handle_authorize(ctx, request)
        if rest[0] == "token":
            return tokens.handle_token(ctx, request)
        if rest[0] == "reauthenticate":
            return connect.handle_reauthenticate(ctx, request)
    if head == "oauth2" and rest == ["token"]:
        return app_tokens.handle_token(ctx, request)
    if head == "_sandbox" and rest:
        return admin.handle(ctx, request, rest)
    if head == "v3":
        return v3_routes.handle(ctx, request, rest)
    if head == legacy_v1.VERSION:
        return legacy_v1.handle(ctx, request, rest, _v2)
    if _NUMERIC_VERSION.match(head):
        return _v2(ctx, request, rest)
    if re.match(r"^v\d", head) or (head.startswith("v") and rest and rest[0] in _V2_RESOURCES):
        raise ApiError("RESOURCE_NOT_FOUND", "VERSION")
    raise not_found_path()


def _v2(ctx: Context, request: Request, rest: list[str]) -> Response:
    method = request.method
    if rest == ["user"] and method == "GET":
        return vehicles.get_user(ctx, request)
    if rest == ["vehicles"] and method == "GET":
        return vehicles.get_vehicles(ctx, request)
    if len(rest) >= 2 and rest[0] == "vehicles":
        return vehicles.handle_vehicle(ctx, request, rest[1], rest[2:])
    if rest == ["compatibility"] and method == "GET":
        return compatibility.by_vin(ctx, request)
    if rest == ["compatibility", "matrix"] and method == "GET":
        return compatibility.matrix(ctx, request)
    if rest == ["management", "connections"]:
        if method == "GET":
            return management.get_connections(ctx, request)
        if method == "DELETE":
            return management.delete_connections(ctx, request)
    raise not_found_path()


def _index(ctx: Context, request: Request) -> Response:
    base = ctx.base_url
    return json_response(
        200,
        {
            "name": "carman sandbox (Smartcar test mode, offline)",
            "connect_url": f"{base}/oauth/authorize",
            "token_url": f"{base}/oauth/token",
            "app_token_url": f"{base}/oauth2/token",
            "api_url": f"{base}/v2.0",
            "v3_url": f"{base}/v3",
            "management_url": f"{base}/v2.0/management/connections",
            "v3_management_url": f"{base}/v3/webhooks",
            "webhook_ids": list(config.WEBHOOK_IDS),
        },
    )
