"""carman's own webhook controls under ``/_sandbox/`` (loopback only, like the rest).

* ``GET /_sandbox/webhooks`` → ``{"webhooks": [view...]}``; ``POST`` a definition
  (``name``, ``callbackUri`` (required), ``errorCallbackUri``, ``isEnabled``, ``data``,
  ``triggers``, ``scheduleMinutes``, ``autoSubscribe``) → 201 the view. A view adds
  ``verification`` (``status`` pending / verified / failed, ``reason``, ``at``),
  ``subscriptions`` (how many) and ``scheduleNextAt``.
* ``GET|PATCH|DELETE /_sandbox/webhooks/{id}`` — read, change any fields (a new ``callbackUri``
  is verified again), delete (with its subscriptions).
* ``POST /_sandbox/webhooks/{id}/verify`` — VERIFY again → 202 the view.
* ``POST /_sandbox/webhooks/{id}/deliver`` ``{"eventType": "VEHICLE_STATE"|"VEHICLE_ERROR"|
  "VERIFY", "vehicleId", "userId"?, "mode": "LIVE"|"TEST", "trigger": "SIGNAL_UPDATED"|
  "FIRST_DELIVERY"|"SCHEDULE", "error": {"type", "code", "state", "signals"}}`` → 202
  ``{"eventId"}``: one event now, to a subscribed vehicle.
* ``POST /_sandbox/webhooks/{id}/test`` ``{"vehicleId"?}`` → 202 ``{"eventId"}``: a test
  payload (VEHICLE_STATE, ``meta.mode`` TEST).
* ``GET /_sandbox/webhooks/{id}/deliveries`` → ``{"deliveries": [...]}`` (``delivery_log``).
* ``GET|POST /_sandbox/webhook_settings`` ``{"timeout", "verify_timeout", "retry_delays",
  "catch_up"}`` (any subset) → the settings in force.
* ``POST /_sandbox/vehicle_error`` ``{"vehicle_id", "type", "code", "signals"?: [codes],
  "state": "ERROR"|"RESOLVED"}`` → ``{"vehicle_id", "errors": [active...]}``: raise an error on
  a vehicle's signals or resolve it; subscribed webhooks get VEHICLE_ERROR.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import webhook_events as events
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError, not_found_path, validation
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.webhooks import definitions, vehicle_errors
from tui.sandbox.webhooks.engine import WebhookEngine
from tui.sandbox.webhooks.problems import NotFound, Refused
from tui.sandbox.webhooks.settings import SettingsInput


def _engine(ctx: Context) -> WebhookEngine:
    if ctx.webhooks is None:
        raise ApiError("SERVER", "INTERNAL", description="Webhooks are not running.")
    return ctx.webhooks


def _not_found(problem: NotFound) -> ApiError:
    return ApiError("RESOURCE_NOT_FOUND", "PATH", description=str(problem))


def _string(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise validation(f"{name} must be a string.", name)
    return value


def handle_webhooks(
    ctx: Context, request: Request, rest: list[str], body: dict[str, Any]
) -> Response:
    """``rest`` follows ``/_sandbox/webhooks``."""
    engine = _engine(ctx)
    method = request.method
    try:
        if not rest:
            if method == "GET":
                return json_response(200, {"webhooks": engine.views()})
            if method == "POST":
                return json_response(201, engine.define(body))
        elif len(rest) == 1:
            if method == "GET":
                return json_response(200, engine.view(rest[0]))
            if method in ("PATCH", "POST"):
                return json_response(200, engine.update(rest[0], body))
            if method == "DELETE":
                engine.delete(rest[0])
                return json_response(200, {"deleted": rest[0]})
        elif len(rest) == 2:
            return _action(engine, method, rest[0], rest[1], body)
    except definitions.DefinitionError as problem:
        raise validation(str(problem), problem.name) from None
    except NotFound as problem:
        raise _not_found(problem) from None
    except Refused as problem:
        raise validation(str(problem), problem.name) from None
    raise not_found_path()


def _action(
    engine: WebhookEngine, method: str, webhook_id: str, action: str, body: dict[str, Any]
) -> Response:
    if action == "deliveries" and method == "GET":
        engine.view(webhook_id)  # 404 for an unknown webhook
        return json_response(200, {"deliveries": engine.deliveries(webhook_id)})
    if action == "verify" and method == "POST":
        return json_response(202, engine.verify(webhook_id))
    if action == "test" and method == "POST":
        event_id = engine.send_test(webhook_id, _string(body, "vehicleId"))
        return json_response(202, {"eventId": event_id})
    if action == "deliver" and method == "POST":
        event_type = _string(body, "eventType")
        if event_type is None:
            raise validation("eventType is required.", "eventType")
        error = body.get("error")
        if error is not None and not isinstance(error, dict):
            raise validation("error must be an object {type, code, state, signals}.", "error")
        event_id = engine.deliver(
            webhook_id,
            event_type,
            _string(body, "vehicleId"),
            user_id=_string(body, "userId"),
            mode=_string(body, "mode") or events.LIVE,
            trigger=_string(body, "trigger") or events.SIGNAL_UPDATED,
            error=error,
        )
        return json_response(202, {"eventId": event_id})
    raise not_found_path()


def handle_settings(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    engine = _engine(ctx)
    if request.method == "POST":
        try:
            engine.configure(**body)
        except SettingsInput as problem:
            raise validation(str(problem), problem.name) from None
    return json_response(200, engine.settings.as_dict())


def handle_vehicle_error(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    engine = _engine(ctx)
    vehicle_id = _string(body, "vehicle_id")
    if not vehicle_id:
        raise validation("vehicle_id is required.", "vehicle_id")
    state = body.get("state", events.ERROR)
    if state not in events.ERROR_STATES:
        raise validation(f"state must be one of {', '.join(events.ERROR_STATES)}.", "state")
    signals = body.get("signals")
    try:
        if state == events.ERROR:
            active = engine.raise_vehicle_error(
                vehicle_id, body.get("type"), body.get("code"), signals
            )
        else:
            active = engine.resolve_vehicle_error(vehicle_id, body.get("type"), body.get("code"))
    except vehicle_errors.VehicleErrorInput as problem:
        raise validation(str(problem), problem.name) from None
    except definitions.DefinitionError as problem:
        raise validation(str(problem), problem.name) from None
    except NotFound as problem:
        raise validation(str(problem), problem.name) from None
    except Refused as problem:
        raise validation(str(problem), problem.name) from None
    return json_response(200, {"vehicle_id": vehicle_id, "errors": active})
