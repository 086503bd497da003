"""Vehicle API v1.0: the same vehicles, answered the way Smartcar's v1.0 answered.

What differs from v2.0:

* Errors are ``{"error": "<snake_case type>", "message": "...", "code": <code or null>}``,
  also inside batch responses. Smartcar's v1.0 bodies carried ``statusCode`` and
  ``requestId`` as well: the official Python SDK reads the status of a v1.0 error from the
  body, and its end-to-end test of a v1.0 403 expects ``status_code == 403`` with five fields
  (status, request id, type, message, code).
* A permission the vehicle cannot serve was never granted in v1.0, so asking for it is
  ``403 permission_error`` (v2.0 answers ``501 COMPATIBILITY/VEHICLE_NOT_CAPABLE``).
* Compatibility by VIN answers ``{"compatible": bool}`` alone, and in test mode it needs
  ``test_mode_compatibility_level`` (400 ``validation_error`` naming it).
* Endpoints that only ever existed in v2.0 (charge limit, lock status, battery capacity,
  diagnostics, service history, navigation, make-specific ones, the matrix, management)
  answer as Smartcar does for a version a resource does not support:
  ``404 RESOURCE_NOT_FOUND/VERSION`` in the documented v2.0 body ("Version 1 has been
  sunset").

Success bodies of the endpoints v1.0 had are the same as v2.0's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tui.sandbox import vehicles
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError, validation
from tui.sandbox.messages import Request, Response, json_response

ServeV2 = Callable[[Context, Request, list[str]], Response]

VERSION = "v1.0"

# Vehicle endpoints (method and path below /vehicles/{id}) that v1.0 had.
V1_VEHICLE_ENDPOINTS = frozenset(
    {
        "GET /",
        "GET /vin",
        "GET /odometer",
        "GET /location",
        "GET /battery",
        "GET /charge",
        "GET /fuel",
        "GET /tires/pressure",
        "GET /engine/oil",
        "POST /security",
        "GET /permissions",
        "DELETE /application",
        "POST /batch",
    }
)

# v2.0 error type -> (v1.0 error name, HTTP status). Smartcar's v1.0 names, as the SDKs and
# carman's explainer know them.
V1_ERRORS: dict[str, tuple[str, int]] = {
    "AUTHENTICATION": ("authentication_error", 401),
    "PERMISSION": ("permission_error", 403),
    "VALIDATION": ("validation_error", 400),
    "RESOURCE_NOT_FOUND": ("resource_not_found", 404),
    "RATE_LIMIT": ("rate_limiting_error", 429),
    "BILLING": ("monthly_limit_exceeded", 430),
    "SERVER": ("server_error", 500),
    "UPSTREAM": ("gateway_timeout_error", 504),
    "VEHICLE_STATE": ("vehicle_state_error", 409),
    "CONNECTED_SERVICES_ACCOUNT": ("vehicle_owner_action_required", 400),
    "COMPATIBILITY": ("vehicle_not_capable_error", 501),
}
PERMISSION_MESSAGE = "Insufficient permissions to access requested resource."
# v1.0 test mode's vehicle_state_error codes (VS_000 "cannot be determined" for the rest).
V1_STATE_CODES = {"DOOR_OPEN": "VS_001", "TRUNK_OPEN": "VS_002", "HOOD_OPEN": "VS_003"}
# v1.0 had a single owner-action code for account problems (carman's choice: VOA_000).
V1_OWNER_ACTION_CODE = "VOA_000"


def v1_error(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The v1.0 status and body for a v2.0 error body."""
    error_type, code = body.get("type"), body.get("code")
    message = body.get("description") or ""
    v1_code: str | None = None
    if error_type == "COMPATIBILITY" and code == "VEHICLE_NOT_CAPABLE":
        # v1.0 never granted what the vehicle cannot serve: asking for it was a 403.
        name, status, message = "permission_error", 403, PERMISSION_MESSAGE
    elif error_type == "COMPATIBILITY" and code == "SMARTCAR_NOT_CAPABLE":
        name, status = "smartcar_not_capable_error", 501
    else:
        name, status = V1_ERRORS.get(str(error_type), ("server_error", 500))
    if error_type == "PERMISSION":
        message = PERMISSION_MESSAGE
    elif error_type == "VEHICLE_STATE":
        v1_code = V1_STATE_CODES.get(str(code), "VS_000")
    elif error_type == "CONNECTED_SERVICES_ACCOUNT":
        v1_code = V1_OWNER_ACTION_CODE
    elif error_type == "VALIDATION":
        details = body.get("detail") or []
        first = details[0] if details and isinstance(details[0], dict) else {}
        message = first.get("message") or message
    return status, {
        "error": name,
        "message": message,
        "code": v1_code,
        "statusCode": status,
        "requestId": body.get("requestId"),
    }


def _error_response(error: ApiError, request_id: str) -> Response:
    status, body = v1_error(error.v2_body(request_id))
    return json_response(status, body, error.headers)


def _sunset(method: str, rest: list[str]) -> bool:
    """Whether v1.0 never had this resource (an unknown path is not 'sunset': it is 404)."""
    if rest[:1] == ["management"] or rest == ["compatibility", "matrix"]:
        return True
    if len(rest) >= 2 and rest[0] == "vehicles":
        sub = rest[2:]
        if len(sub) == 2 and sub[0] == "webhooks":
            return False
        route = vehicles.resolve(method, "/".join(sub))
        return route is not None and route.endpoint.key not in V1_VEHICLE_ENDPOINTS
    return False


def handle(ctx: Context, request: Request, rest: list[str], serve_v2: ServeV2) -> Response:
    """Answer a ``/v1.0/...`` request with the v2.0 handlers, in v1.0's shapes."""
    if _sunset(request.method, rest):
        return ApiError("RESOURCE_NOT_FOUND", "VERSION").response(request.request_id)
    try:
        if rest == ["compatibility"]:
            _check_test_mode_level(request)
        response = serve_v2(ctx, request, rest)
    except ApiError as error:
        return _error_response(error, request.request_id)
    if response.status != 200 or response.content_type != "application/json":
        return response
    body = json.loads(response.body)
    if rest == ["compatibility"]:
        body = {"compatible": body["compatible"]}
    elif len(rest) == 3 and rest[0] == "vehicles" and rest[2] == "batch":
        body = {"responses": [_batch_item(item) for item in body["responses"]]}
    else:
        return response
    return json_response(200, body, dict(response.headers))


def _batch_item(item: dict[str, Any]) -> dict[str, Any]:
    if item["code"] < 400:
        return item
    status, body = v1_error(item["body"])
    return {**item, "code": status, "body": body}


def _check_test_mode_level(request: Request) -> None:
    if request.param("mode") == "test" and not request.param("test_mode_compatibility_level"):
        raise validation(
            "test_mode_compatibility_level is required in test mode.",
            "test_mode_compatibility_level",
        )
