"""``/_sandbox/*``: carman's own controls of the sandbox, for scripts and tests.

Only loopback callers are served. Endpoints (JSON bodies):

* ``GET  /_sandbox/health`` → ``{"ok": true, "pid", "state_dir", "base_url", "client_id"}``
* ``POST /_sandbox/approve`` ``{"authorize_url", "email", "deny": false, "brand": null}`` →
  ``{"location": "<redirect URI with code&state, or error>"}``
* ``POST /_sandbox/clock`` ``{"advance": seconds}`` → ``{"now": iso, "offset": seconds}``
* ``POST /_sandbox/faults`` ``{"kind", "count": 1, "delay": 1.0, "path": "/"}``;
  ``GET`` lists pending faults; ``DELETE`` clears them
* ``POST /_sandbox/redirect_uris`` ``{"uri", "client_id": <default client>}``
* ``POST /_sandbox/rate_limit`` ``{"enabled": true, "per_minute": N}``
* ``GET|POST /_sandbox/v3_settings`` ``{"envelope": "wrapped"|"bare", "timestamps":
  "epoch_ms"|"iso", "units": "rest"|"webhook", "empty_until_subscribed": bool,
  "legacy_bearer": bool}`` (any subset) → the settings now in force
* ``POST /_sandbox/vehicle_state`` ``{"vehicle_id", "plugged", "charge_state", "speed_kph",
  "asleep", "locked", "open_door"}`` (any subset besides the id) → the vehicle's live state;
  e.g. ``{"speed_kph": 40}`` makes v3 lock answer 409 IN_MOTION (and fires webhook triggers)
* ``/_sandbox/webhooks[/...]``, ``/_sandbox/webhook_settings``, ``/_sandbox/vehicle_error``:
  v3 webhooks, their delivery and vehicle errors (``tui.sandbox.webhooks.admin``)
"""

from __future__ import annotations

import ipaddress
import json
import os
from collections.abc import Callable
from typing import Any

from tui.sandbox import clients, connect, vehicle_state
from tui.sandbox.clock import iso
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError, not_found_path, validation
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3.settings import SettingsError
from tui.sandbox.webhooks import admin as webhook_admin


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _body(request: Request) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        value = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise validation("The request body is not valid JSON.", "body") from None
    if not isinstance(value, dict):
        raise validation("The request body must be a JSON object.", "body")
    return value


def _number(body: dict[str, Any], name: str, default: float | None = None) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise validation(f"{name} must be a number.", name)
    return float(value)


def _health(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    with ctx.state.reading() as data:
        client_ids = list(data["clients"])
    return json_response(
        200,
        {
            "ok": True,
            "pid": os.getpid(),
            "state_dir": str(ctx.state.directory),
            "base_url": ctx.base_url,
            "client_ids": client_ids,
        },
    )


def _approve(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    url, email = body.get("authorize_url"), body.get("email")
    if not isinstance(url, str) or not url:
        raise validation("authorize_url is required.", "authorize_url")
    if not isinstance(email, str) or not email:
        raise validation("email is required.", "email")
    brand = body.get("brand")
    if brand is not None and not isinstance(brand, str):
        raise validation("brand must be a string or null.", "brand")
    try:
        location = connect.approve(ctx, url, email, deny=bool(body.get("deny")), brand=brand)
    except connect.ConnectInputError as error:
        raise validation(str(error), "authorize_url") from None
    return json_response(200, {"location": location})


def _clock(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    if request.method == "POST":
        seconds = _number(body, "advance")
        if seconds < 0:
            raise validation(
                "advance must not be negative: the clock only moves forward.", "advance"
            )
        ctx.clock.advance(seconds)
    return json_response(200, {"now": iso(ctx.clock.now()), "offset": ctx.clock.offset})


def _faults(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    if request.method == "DELETE":
        ctx.faults.clear()
    elif request.method == "POST":
        kind = body.get("kind")
        count = body.get("count", 1)
        delay = body.get("delay")
        path = body.get("path", "/")
        if not isinstance(kind, str):
            raise validation("kind is required.", "kind")
        if delay is not None:
            delay = _number(body, "delay")
        if not isinstance(path, str):
            raise validation("path must be a string.", "path")
        try:
            ctx.faults.inject(kind, count, delay=delay, path=path)
        except ValueError as error:
            raise validation(str(error), "kind") from None
    return json_response(200, {"pending": ctx.faults.pending()})


def _redirect_uris(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    uri = body.get("uri")
    client_id = body.get("client_id")
    if client_id is None:
        with ctx.state.reading() as data:
            client_id = next((c for c, v in data["clients"].items() if v.get("amt")), None)
    try:
        clients.register_redirect_uri(ctx, str(client_id), uri)  # type: ignore[arg-type]  # a non-str is refused there
    except ValueError as error:
        raise validation(str(error), "uri") from None
    with ctx.state.reading() as data:
        registered = list(data["clients"][str(client_id)]["redirect_uris"])
    return json_response(200, {"client_id": client_id, "redirect_uris": registered})


def _rate_limit(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise validation("enabled must be true or false.", "enabled")
    per_minute = body.get("per_minute")
    if per_minute is not None and (
        isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1
    ):
        raise validation("per_minute must be a positive integer.", "per_minute")
    ctx.rate_limiter.configure(enabled, per_minute)
    return json_response(
        200, {"enabled": ctx.rate_limiter.enabled, "per_minute": ctx.rate_limiter.per_minute}
    )


def _v3_settings(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    if request.method == "POST":
        try:
            ctx.v3.update(**body)
        except SettingsError as error:
            raise validation(str(error), error.name) from None
    return json_response(200, ctx.v3.current.as_dict())


def _vehicle_state(ctx: Context, request: Request, body: dict[str, Any]) -> Response:
    changes = dict(body)
    vehicle_id = changes.pop("vehicle_id", None)
    if not isinstance(vehicle_id, str) or not vehicle_id:
        raise validation("vehicle_id is required.", "vehicle_id")
    try:
        state = vehicle_state.admin_change(ctx, vehicle_id, changes)
    except KeyError:
        raise validation(f"There is no vehicle {vehicle_id}.", "vehicle_id") from None
    except vehicle_state.StateError as error:
        raise validation(str(error), error.name) from None
    return json_response(200, state)


Handler = Callable[[Context, Request, dict[str, Any]], Response]
_ROUTES: dict[str, tuple[tuple[str, ...], Handler]] = {
    "health": (("GET",), _health),
    "approve": (("POST",), _approve),
    "clock": (("GET", "POST"), _clock),
    "faults": (("GET", "POST", "DELETE"), _faults),
    "redirect_uris": (("POST",), _redirect_uris),
    "rate_limit": (("POST",), _rate_limit),
    "v3_settings": (("GET", "POST"), _v3_settings),
    "vehicle_state": (("POST",), _vehicle_state),
    "webhook_settings": (("GET", "POST"), webhook_admin.handle_settings),
    "vehicle_error": (("POST",), webhook_admin.handle_vehicle_error),
}


def handle(ctx: Context, request: Request, path: list[str] | str) -> Response:
    """``path``: the segments after ``/_sandbox`` (or the one name)."""
    if isinstance(path, str):
        path = [path]
    if not is_loopback(request.client_host):
        raise ApiError(
            "PERMISSION",
            description="The sandbox's admin endpoints only answer "
            "callers on this machine (loopback).",
        )
    if path[0] == "webhooks":
        return webhook_admin.handle_webhooks(ctx, request, path[1:], _body(request))
    route = _ROUTES.get(path[0])
    if len(path) != 1 or route is None or request.method not in route[0]:
        raise not_found_path()
    return route[1](ctx, request, _body(request))
