"""The Management API v3: ``/v3/webhooks`` and ``/v3/subscriptions`` (shared/smartcar-v3.md §7.2).

Smartcar serves these on ``management.api.smartcar.com/v3``; the sandbox serves every host on
one origin, so they sit beside the Vehicle API under ``<sandbox>/v3``. Bearer application token
(``/oauth2/token``), as the Vehicle API; an application sees only its own webhooks and
subscriptions. An unknown path or method is 404 before the token is checked. Errors come in
the v3 envelope from the one v3 helper.

Endpoints:

* ``GET /v3/webhooks`` — ``filter[name]`` and ``filter[callbackUri]`` (partial,
  case-insensitive), ``filter[isEnabled]``, ``filter[autoSubscribe]`` (``true``/``false``),
  ``page[number]`` (from 1), ``page[size]`` (1 to 100, default 50).
* ``GET /v3/webhooks/{webhookId}`` — 404 for an unknown (or not a uuid) id.
* ``GET /v3/subscriptions`` — ``filter[userId]``, ``filter[webhookId]``, ``filter[vehicleId]``
  (uuids, else 400), ``filter[vehicle.mode]`` (``live``, ``simulated``, ``test``),
  ``page[number]``, ``page[size]`` (1 to 100, default 25).
* ``POST /v3/subscriptions`` ``{"data": {"attributes": {"webhookId", "userId", "vehicleId"}}}``
  → 202 ``{"meta": {"message": "subscription creation in progress"}}``; 400 naming each bad
  field (``source.pointer``), 404 for an unknown webhook or a user without a connection to
  the vehicle, 409 ``CONFLICT``/``SUBSCRIPTION_EXISTS`` when already subscribed.
* ``GET`` / ``DELETE /v3/subscriptions/{subscriptionId}`` — 200 / 204; 400 when the id is not a
  uuid, 404 when there is no such subscription.
* The blog's forms (CONFLICT 2): ``GET|POST /v3/webhooks/{id}/subscriptions`` (the webhook from
  the path) and ``DELETE /v3/webhooks/{id}/subscriptions/{subscriptionId or vehicleId}``.

Choices (UNCONFIRMED upstream): attribute names of the create body (§11 item 13); ``DELETE``
answers 204; unknown ``filter[...]``/``page[...]`` names are a 400; lists carry ``meta``
``pageNumber``/``pageSize``/``totalCount``/``totalPages`` and ``links``
``self``/``first``/``prev``/``next``/``last``, as ``/v3/connections`` does; webhooks oldest
first, subscriptions oldest first.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from tui.sandbox.context import Context
from tui.sandbox.messages import Request, Response, json_response
from tui.sandbox.v3 import access, errors
from tui.sandbox.v3.paging import page_of, page_response
from tui.sandbox.webhooks import definitions, resources, subscriptions
from tui.sandbox.webhooks.engine import WebhookEngine
from tui.sandbox.webhooks.problems import NotFound

Data = dict[str, dict[str, Any]]
WEBHOOK_PAGE = (50, 100)  # default and largest page[size]
SUBSCRIPTION_PAGE = (25, 100)
MODES = ("live", "simulated", "test")
WEBHOOK_FILTERS = (
    "filter[name]",
    "filter[callbackUri]",
    "filter[isEnabled]",
    "filter[autoSubscribe]",
)
SUBSCRIPTION_FILTERS = {
    "filter[userId]": "user_id",
    "filter[webhookId]": "webhook_id",
    "filter[vehicleId]": "vehicle_id",
    "filter[vehicle.mode]": "mode",
}
PAGING = ("page[number]", "page[size]")
CREATED = {"meta": {"message": "subscription creation in progress"}}
ATTRIBUTES = ("webhookId", "userId", "vehicleId")


def handle(ctx: Context, request: Request, head: str, rest: list[str]) -> Response:
    """``head`` is ``webhooks`` or ``subscriptions``; ``rest`` what follows it."""
    route = _route(request.method, head, rest)
    if route is None:
        raise errors.not_found(f"There is no {request.method} {request.path} in the v3 API.")
    client_id = access.caller(ctx, request, allow_legacy=False).client_id
    engine = ctx.webhooks
    if engine is None:  # a Context built without the engine (never by start_sandbox)
        raise errors.error("SERVER", "INTERNAL", detail="Webhooks are not running.")
    return route(ctx, engine, request, client_id, rest)


Handler = Callable[[Context, WebhookEngine, Request, str, list[str]], Response]


def _route(method: str, head: str, rest: list[str]) -> Handler | None:
    if head == "webhooks":
        if not rest and method == "GET":
            return _list_webhooks
        if len(rest) == 1 and method == "GET":
            return _get_webhook
        if len(rest) == 2 and rest[1] == "subscriptions" and method in ("GET", "POST"):
            return _list_of_webhook if method == "GET" else _create_for_webhook
        if len(rest) == 3 and rest[1] == "subscriptions" and method == "DELETE":
            return _delete_for_webhook
    if head == "subscriptions":
        if not rest and method in ("GET", "POST"):
            return _list_subscriptions if method == "GET" else _create_subscription
        if len(rest) == 1 and method in ("GET", "DELETE"):
            return _get_subscription if method == "GET" else _delete_subscription
    return None


# ------------------------------------------------------------------ parameters


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_names(request: Request, allowed: tuple[str, ...]) -> None:
    for name in request.query:
        if name.startswith(("filter[", "page[")) and name not in allowed:
            raise errors.invalid_parameter(
                f"Unknown parameter {name}; one of {', '.join(allowed)}.", name
            )


def _flag(request: Request, name: str) -> bool | None:
    raw = request.param(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise errors.invalid_parameter(f"{name} must be true or false.", name)
    return raw.lower() == "true"


def _page(
    request: Request, path: str, rows: list[dict[str, Any]], sizes: tuple[int, int], kept: list[str]
) -> Response:
    return page_response(request, path, rows, page_of(request, sizes), kept)


# ------------------------------------------------------------------ webhooks


def _owned_webhook(data: Data, client_id: str, webhook_id: str) -> dict[str, Any]:
    record = data["webhook_definitions"].get(webhook_id)
    if record is None or record["client_id"] != client_id:
        raise errors.not_found(f"No webhook {webhook_id} exists for this application.")
    return record


def _list_webhooks(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    _check_names(request, (*WEBHOOK_FILTERS, *PAGING))
    name = (request.param("filter[name]") or "").lower()
    callback = (request.param("filter[callbackUri]") or "").lower()
    enabled = _flag(request, "filter[isEnabled]")
    automatic = _flag(request, "filter[autoSubscribe]")
    with ctx.state.reading() as data:
        rows = [
            resources.webhook_resource(record)
            for record in definitions.owned(data, client_id)
            if name in record["name"].lower()
            and callback in record["callback_uri"].lower()
            and enabled in (None, record["enabled"])
            and automatic in (None, record["auto_subscribe"])
        ]
    return _page(request, "/webhooks", rows, WEBHOOK_PAGE, list(WEBHOOK_FILTERS))


def _get_webhook(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    with ctx.state.reading() as data:
        record = _owned_webhook(data, client_id, rest[0])
        return json_response(200, {"data": resources.webhook_resource(record)})


# ------------------------------------------------------------------ subscriptions


def _subscription_rows(
    ctx: Context, request: Request, client_id: str, webhook_id: str | None
) -> list[dict[str, Any]]:
    allowed = (*SUBSCRIPTION_FILTERS, *PAGING)
    if webhook_id is not None:
        allowed = tuple(n for n in allowed if n != "filter[webhookId]")
    _check_names(request, allowed)
    wanted: dict[str, str] = {}
    for name, key in SUBSCRIPTION_FILTERS.items():
        value = request.param(name)
        if not value:
            continue
        if key == "mode":
            if value not in MODES:
                raise errors.invalid_parameter(f"{name} must be one of {', '.join(MODES)}.", name)
        elif not _is_uuid(value):
            raise errors.invalid_parameter(f"{name} must be a uuid.", name)
        wanted[key] = value
    if webhook_id is not None:
        wanted["webhook_id"] = webhook_id
    with ctx.state.reading() as data:
        if webhook_id is not None:
            _owned_webhook(data, client_id, webhook_id)
        rows = []
        for record in subscriptions.alive(data, client_id):
            connection = data["connections"][record["connection_id"]]
            facts = {**record, "mode": connection["mode"]}
            if all(facts[key] == value for key, value in wanted.items()):
                rows.append(resources.subscription_resource(data, record))
    return rows


def _list_subscriptions(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    rows = _subscription_rows(ctx, request, client_id, None)
    return _page(request, "/subscriptions", rows, SUBSCRIPTION_PAGE, list(SUBSCRIPTION_FILTERS))


def _list_of_webhook(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    rows = _subscription_rows(ctx, request, client_id, rest[0])
    kept = [n for n in SUBSCRIPTION_FILTERS if n != "filter[webhookId]"]
    return _page(request, f"/webhooks/{rest[0]}/subscriptions", rows, SUBSCRIPTION_PAGE, kept)


def _body_attributes(request: Request) -> dict[str, Any]:
    hint = 'Send {"data": {"attributes": {"webhookId": …, "userId": …, "vehicleId": …}}}.'
    if not request.body.strip():
        raise errors.bad_request(f"The request body is empty. {hint}", "/data")
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise errors.bad_request(f"The request body is not valid JSON. {hint}", "") from None
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise errors.bad_request(f"The body has no data.attributes object. {hint}", "/data")
    return attributes


def _checked_ids(attributes: dict[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    """The named attributes, each a uuid; one INVALID_INPUT_FORMAT entry per bad one."""
    problems = []
    found: dict[str, str] = {}
    for name in names:
        value = attributes.get(name)
        pointer = f"/data/attributes/{name}"
        if value is None:
            problems.append(errors.invalid_item(f"{name} is required.", pointer))
        elif not isinstance(value, str) or not _is_uuid(value):
            problems.append(errors.invalid_item(f"{name} must be a uuid string.", pointer))
        else:
            found[name] = value
    if problems:
        raise errors.V3Error(problems)
    return found


def _create(engine: WebhookEngine, client_id: str, ids: dict[str, str]) -> Response:
    try:
        engine.subscribe(ids["webhookId"], ids["userId"], ids["vehicleId"], client_id)
    except NotFound as problem:
        raise errors.not_found(str(problem)) from None
    except subscriptions.AlreadySubscribed:
        raise errors.error(
            "CONFLICT",
            "SUBSCRIPTION_EXISTS",
            detail=f"Vehicle {ids['vehicleId']} of user {ids['userId']} is already subscribed "
            f"to webhook {ids['webhookId']}.",
        ) from None
    return json_response(202, CREATED)


def _create_subscription(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    return _create(engine, client_id, _checked_ids(_body_attributes(request), ATTRIBUTES))


def _create_for_webhook(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    attributes = _body_attributes(request)
    given = attributes.get("webhookId")
    if given is not None and given != rest[0]:
        raise errors.V3Error(
            [
                errors.invalid_item(
                    "webhookId in the body differs from the webhook of the path.",
                    "/data/attributes/webhookId",
                )
            ]
        )
    ids = _checked_ids(attributes, ("userId", "vehicleId"))
    return _create(engine, client_id, {**ids, "webhookId": rest[0]})


def _lookup_subscription(data: Data, client_id: str, subscription_id: str) -> dict[str, Any]:
    if not _is_uuid(subscription_id):
        raise errors.invalid_parameter(
            f"The subscription id {subscription_id!r} is not a uuid.", "subscriptionId"
        )
    record = data["webhook_subscriptions"].get(subscription_id)
    if record is None or record["client_id"] != client_id or not subscriptions.is_alive(
        data, record
    ):
        raise errors.not_found(f"No subscription {subscription_id} exists for this application.")
    return dict(record)


def _get_subscription(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    with ctx.state.reading() as data:
        record = _lookup_subscription(data, client_id, rest[0])
        return json_response(200, {"data": resources.subscription_resource(data, record)})


def _delete_subscription(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    with ctx.state.reading() as data:
        _lookup_subscription(data, client_id, rest[0])
    try:
        engine.unsubscribe(rest[0])
    except NotFound as problem:  # removed meanwhile
        raise errors.not_found(str(problem)) from None
    return Response(204)


def _delete_for_webhook(
    ctx: Context, engine: WebhookEngine, request: Request, client_id: str, rest: list[str]
) -> Response:
    """``{id}`` after ``subscriptions/`` is a subscription of the webhook, or a vehicle id
    (every subscription of that vehicle to it; of the ``sc-user-id`` user when sent)."""
    webhook_id, target = rest[0], rest[2]
    user_id = (request.header("sc-user-id") or "").strip() or None
    with ctx.state.reading() as data:
        _owned_webhook(data, client_id, webhook_id)
        chosen = [
            record["id"]
            for record in subscriptions.of_webhook(data, webhook_id)
            if record["id"] == target
            or (record["vehicle_id"] == target and user_id in (None, record["user_id"]))
        ]
    if not chosen:
        raise errors.not_found(f"No subscription {target} exists for webhook {webhook_id}.")
    for subscription_id in chosen:
        try:
            engine.unsubscribe(subscription_id)
        except NotFound:
            continue  # removed meanwhile
    return Response(204)
