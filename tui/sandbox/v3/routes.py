"""Dispatch of ``/v3/...``: the Vehicle API v3 and its connections, and the Management API v3
(webhooks, subscriptions), in the v3 error envelope.

The sandbox serves every Smartcar host on one origin, so ``vehicle.api.smartcar.com/v3`` and
``management.api.smartcar.com/v3`` are both ``<sandbox>/v3``, and the token endpoint of
``iam.smartcar.com`` is ``<sandbox>/oauth2/token``.
An unknown path or method is 404 ``RESOURCE_NOT_FOUND``/``PATH`` before any token is checked,
as in v2.0.
"""

from __future__ import annotations

from tui.core.smartcar import v3_commands
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError
from tui.sandbox.messages import Request, Response
from tui.sandbox.v3 import access, commands, connections, errors, schedules, signals
from tui.sandbox.webhooks import management


def handle(ctx: Context, request: Request, segments: list[str]) -> Response:
    """``segments`` follow ``/v3``."""
    try:
        return _route(ctx, request, segments)
    except errors.V3Error as problem:
        return problem.response()
    except ApiError as problem:  # raised by shared code: the throttle
        return errors.from_api_error(problem).response()


def _no_such_path(request: Request) -> errors.V3Error:
    return errors.not_found(f"There is no {request.method} {request.path} in the v3 API.")


def _route(ctx: Context, request: Request, segments: list[str]) -> Response:
    method = request.method
    if not segments:
        raise _no_such_path(request)
    head, rest = segments[0], segments[1:]
    if head == "vehicles" and rest:
        return _vehicle(ctx, request, rest[0], rest[1:])
    if head == "connections" and len(rest) <= 1:
        if not rest and method == "GET":
            client_id = access.caller(ctx, request, allow_legacy=False).client_id
            return connections.list_connections(ctx, request, client_id)
        if rest and method in ("GET", "DELETE"):
            client_id = access.caller(ctx, request, allow_legacy=False).client_id
            if method == "GET":
                return connections.get_connection(ctx, request, client_id, rest[0])
            return connections.delete_connection(ctx, request, client_id, rest[0])
    if head in ("webhooks", "subscriptions"):
        return management.handle(ctx, request, head, rest)
    if head == "users" and len(rest) == 1 and method == "DELETE":
        client_id = access.caller(ctx, request, allow_legacy=False).client_id
        return connections.delete_user(ctx, request, client_id, rest[0])
    raise _no_such_path(request)


def _vehicle(ctx: Context, request: Request, vehicle_id: str, rest: list[str]) -> Response:
    method = request.method
    if method == "GET" and not rest:
        return signals.get_vehicle(ctx, request, vehicle_id)
    if method == "GET" and rest == ["signals"]:
        return signals.list_signals(ctx, request, vehicle_id)
    if method == "GET" and len(rest) == 2 and rest[0] == "signals":
        return signals.get_signal(ctx, request, vehicle_id, rest[1])
    found = v3_commands.find(method, "/".join(["vehicles", vehicle_id, *rest]))
    if found is None:
        raise _no_such_path(request)
    spec, params = found
    if spec.kind == "command":
        return commands.run(ctx, request, vehicle_id, spec)
    if spec.kind == "schedule":
        return schedules.create(ctx, request, vehicle_id, spec)
    return schedules.delete(ctx, request, vehicle_id, spec, params["scheduleId"])
