"""Smartcar API v3 errors: the v2.0 vocabulary (``errors``) plus the codes v3 added, and v3's
error document ``{"errors": [...]}`` built from them.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar.errors import BY_KEY, REAUTHENTICATE, ErrorSpec

# v3 answers errors as ``{"errors": [{status, type, code, title, detail, links: {about}, ...}]}``
# (shared/smartcar-v3.md §8). The codes v3 added live here so the v2.0 table in ``errors``
# stays exactly Smartcar's v2.0 list.

V3_ERRORS: tuple[ErrorSpec, ...] = (
    ErrorSpec(
        "AUTHENTICATION",
        "UNAUTHORIZED",
        401,
        REAUTHENTICATE,
        "The Authorization token is missing or invalid.",
        None,
        "Send Authorization: Bearer <application token>; tokens live one hour, fetch a new one "
        "from the token endpoint with the client credentials.",
    ),
    ErrorSpec(
        "AUTHENTICATION",
        "ACCESS_DENIED",
        403,
        None,
        "The given token does not provide access to the requested resource.",
        None,
        "Check sc-user-id: that user must have a connection to this vehicle.",
    ),
    ErrorSpec(
        "VALIDATION",
        "INVALID_INPUT_FORMAT",
        400,
        None,
        "A field of the request has an invalid value or format.",
        None,
        "Each entry names one bad field (source.pointer).",
    ),
    ErrorSpec(
        "VALIDATION",
        "MISSING_PARAMETER",
        400,
        None,
        "A required parameter is missing.",
        None,
        "Vehicle-scoped v3 calls need the sc-user-id header with the application token.",
    ),
    ErrorSpec(
        "VALIDATION",
        "BAD_REQUEST",
        400,
        None,
        "The request could not be understood by the server due to malformed syntax.",
        None,
        'Send a JSON body of the form {"data": {"attributes": {...}}}.',
    ),
    ErrorSpec(
        "RESOURCE_NOT_FOUND",
        "SIGNAL_NOT_FOUND",
        404,
        None,
        "The requested signal does not exist for this vehicle.",
        None,
        "Signal codes are <group>-<name> in lower case, e.g. odometer-traveleddistance.",
    ),
    # The Management API answers 409 to subscribing a vehicle twice (shared/smartcar-v3.md
    # §7.2) without documenting the body: this type and code are carman's (UNCONFIRMED).
    ErrorSpec(
        "CONFLICT",
        "SUBSCRIPTION_EXISTS",
        409,
        None,
        "The vehicle is already subscribed to this webhook.",
        None,
        "List subscriptions with filter[webhookId] and filter[vehicleId] to find it; delete it "
        "first to subscribe again.",
    ),
)

V3_BY_KEY: dict[tuple[str, str | None], ErrorSpec] = {(e.type, e.code): e for e in V3_ERRORS}

# HTTP reason phrases, the style of v3's ``title`` ("Bad Request", "Unauthorized" ...).
V3_TITLES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    430: "Billing Limit",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
}
_V3_CODE_TITLES = {"ACCESS_DENIED": "Access Denied"}


def lookup_v3(error_type: str, code: str | None = None) -> ErrorSpec | None:
    """The row for (type, code) in v3's vocabulary: v3's own codes, then v2.0's table."""
    key = (error_type.upper(), code.upper() if code else None)
    return V3_BY_KEY.get(key) or BY_KEY.get(key)


def v3_error_item(
    error_type: str,
    code: str | None,
    *,
    detail: str | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
    resolution_url: str | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One entry of a v3 ``errors`` array (``KeyError`` for a pair no table knows).

    ``pointer`` (a JSON pointer into the body) or ``parameter`` (a header or query name) go in
    JSON:API's ``source`` member and say which field was wrong.
    """
    spec = lookup_v3(error_type, code)
    if spec is None:
        raise KeyError((error_type, code))
    resolution: dict[str, Any] = {"type": spec.resolution}
    url = resolution_url or spec.resolution_url
    if url:
        resolution["url"] = url
    item: dict[str, Any] = {
        "status": str(spec.status),
        "type": spec.type,
        "code": spec.code,
        "title": _V3_CODE_TITLES.get(spec.code or "", V3_TITLES.get(spec.status, "Error")),
        "detail": detail or spec.description,
        "links": {"about": spec.doc_url},
        "resolution": resolution,
    }
    if spec.suggested_user_message:
        item["suggestedUserMessage"] = spec.suggested_user_message
    if pointer is not None:
        item["source"] = {"pointer": pointer}
    elif parameter is not None:
        item["source"] = {"parameter": parameter}
    if meta:
        item["meta"] = meta
    return item


def v3_error_body(*items: dict[str, Any]) -> dict[str, Any]:
    """The v3 error document: ``{"errors": [items...]}``."""
    return {"errors": list(items)}
