"""Smartcar's v2.0 API error table, and the Connect / token error codes.

The sandbox builds its error bodies from this table and the error explainer of the UI reads the
same rows, so what the sandbox says and what the explainer explains cannot drift apart.
Each row: type, code (``None`` where Smartcar sends JSON ``null``), HTTP status, resolution type,
a canonical description, an optional message fit to show the vehicle owner, and a short hint for
the developer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DOC_BASE = "https://smartcar.com/docs/errors/api-errors"
TESLA_VIRTUAL_KEY_URL = "https://www.tesla.com/_ak/smartcar.com"


@dataclass(frozen=True)
class ErrorSpec:
    type: str
    code: str | None
    status: int
    resolution: str | None
    description: str
    suggested_user_message: str | None = None
    hint: str = ""
    resolution_url: str | None = None

    @property
    def key(self) -> str:
        return f"{self.type}.{self.code}" if self.code else self.type

    @property
    def doc_url(self) -> str:
        return doc_url(self.type, self.code)


def doc_url(error_type: str, code: str | None) -> str:
    """Smartcar's documentation page for an error: one page per type, one anchor per code."""
    page = f"{DOC_BASE}/{error_type.lower().replace('_', '-')}-errors"
    return f"{page}#{code.lower().replace('_', '-')}" if code else page


_RETRY = "RETRY_LATER"
_SUPPORT = "CONTACT_SUPPORT"
_REAUTH = "REAUTHENTICATE"

_STATE_USER = "Your vehicle could not complete the request. {}"


def _state(
    code: str,
    description: str,
    user: str,
    resolution: str | None = None,
    hint: str = "Ask the vehicle owner to fix the vehicle's state, then retry.",
) -> ErrorSpec:
    return ErrorSpec(
        "VEHICLE_STATE", code, 409, resolution, description, _STATE_USER.format(user), hint
    )


def _upstream(code: str, description: str) -> ErrorSpec:
    return ErrorSpec(
        "UPSTREAM",
        code,
        502,
        _RETRY,
        description,
        "Your vehicle's data is temporarily unavailable. Please try again later.",
        "The brand's servers misbehaved; retry later with backoff.",
    )


ERRORS: tuple[ErrorSpec, ...] = (
    ErrorSpec(
        "AUTHENTICATION",
        None,
        401,
        None,
        "The authorization header is missing or malformed, or it contains invalid or "
        "expired authentication credentials. Please check for missing parameters, spelling "
        "and casing mistakes, and other syntax issues.",
        None,
        "Check the Authorization header; refresh the access token or sign in again. A "
        "vehicle that is not on this token, or was disconnected, also answers this.",
    ),
    ErrorSpec(
        "BILLING",
        "INVALID_PLAN",
        430,
        _SUPPORT,
        "The application's plan does not include this feature, or no plan is set up.",
        "This feature is temporarily unavailable. Please contact the app's support.",
        "Check the plan of the application in the Smartcar Dashboard.",
    ),
    ErrorSpec(
        "BILLING",
        "VEHICLE_LIMIT",
        430,
        _SUPPORT,
        "The application has reached the number of connected vehicles its plan allows.",
        "This app cannot connect more vehicles right now. Please contact its support.",
        "Disconnect unused vehicles or upgrade the plan.",
    ),
    ErrorSpec(
        "BILLING",
        "VEHICLE_REQUEST_LIMIT",
        430,
        _SUPPORT,
        "This vehicle has used up the requests its plan allows for the billing period.",
        "Your vehicle's data is unavailable until the next billing period.",
        "Reduce polling; use webhooks; or upgrade the plan.",
    ),
    ErrorSpec(
        "BILLING",
        "ACCOUNT_SUSPENDED",
        430,
        "FINANCE",
        "The application's account is suspended because of an outstanding payment.",
        "This app is temporarily unavailable. Please contact its support.",
        "Settle the outstanding invoice in the Smartcar Dashboard.",
    ),
    ErrorSpec(
        "COMPATIBILITY",
        "MAKE_NOT_COMPATIBLE",
        501,
        None,
        "Smartcar is not yet compatible with this vehicle's make in the country you specified.",
        "Your vehicle's brand is not supported yet in your country.",
        "Nothing to fix on your side; check the compatibility matrix.",
    ),
    ErrorSpec(
        "COMPATIBILITY",
        "SMARTCAR_NOT_CAPABLE",
        501,
        None,
        "Smartcar does not yet support this feature for this vehicle.",
        "This feature is not available for your vehicle yet.",
        "Handle the missing feature gracefully; it may be added later.",
    ),
    ErrorSpec(
        "COMPATIBILITY",
        "VEHICLE_NOT_CAPABLE",
        501,
        None,
        "The vehicle is incapable of performing your request.",
        "Your vehicle does not support this feature.",
        "The vehicle lacks the hardware or data (e.g. fuel on an electric car, battery on "
        "a petrol car, or another brand's endpoint).",
    ),
    ErrorSpec(
        "COMPATIBILITY",
        "PLATFORM_NOT_CAPABLE",
        501,
        _REAUTH,
        "The vehicle's connected-services platform no longer supports this request; the "
        "owner needs to reconnect the vehicle.",
        "Please reconnect your vehicle to keep using this feature.",
        "Send the owner through Connect again.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "ACCOUNT_ISSUE",
        400,
        None,
        "The owner's connected-services account needs attention (for example new terms "
        "to accept or an unfinished sign-up) before the vehicle can be reached.",
        "Please sign in to your vehicle brand's app and resolve any account notices.",
        "Ask the owner to check their brand app or website.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "AUTHENTICATION_FAILED",
        400,
        _REAUTH,
        "Smartcar could not sign in to the owner's connected-services account; the "
        "credentials may have changed.",
        "Please reconnect your vehicle: your brand account sign-in seems to have changed.",
        "Send the owner to the re-authentication URL in resolution.url.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "NO_VEHICLES",
        400,
        None,
        "No vehicles were found on the owner's connected-services account.",
        "No vehicles were found on your brand account. Please add your vehicle there.",
        "Ask the owner to add the vehicle to their brand account.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "PERMISSION",
        400,
        _REAUTH,
        "The owner's connected-services account lacks the rights this request needs (for "
        "example a secondary driver's account).",
        "Your brand account does not have the rights needed. Please sign in as the primary owner.",
        "Ask the primary account holder to connect the vehicle.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "SUBSCRIPTION",
        400,
        None,
        "The vehicle's connected-services subscription is inactive or does not include "
        "this feature.",
        "Your vehicle's connected services subscription is inactive. Please renew it.",
        "Ask the owner to renew the brand's connected-services subscription.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "VEHICLE_MISSING",
        400,
        None,
        "The vehicle is no longer on the owner's connected-services account.",
        "Your vehicle is no longer on your brand account. Please add it again.",
        "Ask the owner to add the vehicle back, or disconnect it.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "VIRTUAL_KEY_REQUIRED",
        400,
        "ACTION_REQUIRED",
        "A virtual key must be added to the vehicle before it accepts commands through Smartcar.",
        "Please add the virtual key to your vehicle to allow this request.",
        "Send the owner to resolution.url to add the virtual key.",
        TESLA_VIRTUAL_KEY_URL,
    ),
    ErrorSpec(
        "PERMISSION",
        None,
        403,
        _REAUTH,
        "Your application has insufficient permissions to access the requested resource. "
        "Please prompt the user to re-authenticate using Smartcar Connect.",
        None,
        "The token lacks the permission this endpoint needs; ask for it in the scope and "
        "sign in again. Make-specific paths must use the make in lower case.",
    ),
    ErrorSpec(
        "RATE_LIMIT",
        "SMARTCAR_API",
        429,
        _RETRY,
        "Your application has exceeded its rate limit. Please retry your request in a few minutes.",
        None,
        "Slow down across the whole application.",
    ),
    ErrorSpec(
        "RATE_LIMIT",
        "VEHICLE",
        429,
        _RETRY,
        "You have reached the throttling rate limit for this vehicle. Please see the "
        "retry-after header for when to retry the request.",
        "Your vehicle is receiving too many requests. Please try again shortly.",
        "Wait the seconds in the Retry-After header before asking this vehicle again.",
    ),
    ErrorSpec(
        "RESOURCE_NOT_FOUND",
        "PATH",
        404,
        None,
        "The requested resource does not exist. Please check the URL and try again.",
        None,
        "Check the path for typos and trailing segments.",
    ),
    ErrorSpec(
        "RESOURCE_NOT_FOUND",
        "VERSION",
        404,
        None,
        "The requested resource does not exist. Please check your specified version "
        "number and try again.",
        None,
        "Use v2.0 (or a numeric version like v2.0) in the path.",
    ),
    ErrorSpec(
        "SERVER",
        "INTERNAL",
        500,
        _RETRY,
        "An internal Smartcar error has occurred. Our team has been notified and is "
        "working to resolve this issue.",
        "Something went wrong on our side. Please try again later.",
        "Retry later with backoff.",
    ),
    ErrorSpec(
        "SERVER",
        "RECORD_NOT_FOUND",
        500,
        _SUPPORT,
        "Smartcar could not find the record this request needs (for example the "
        "vehicle's battery capacity).",
        None,
        "Contact Smartcar support with the request id.",
    ),
    ErrorSpec(
        "SERVER",
        "MULTIPLE_RECORDS_FOUND",
        500,
        _SUPPORT,
        "Several records match this request (for example several battery capacities); "
        "the detail lists them.",
        None,
        "Let the owner choose a battery capacity, or contact support.",
    ),
    _upstream("INVALID_DATA", "The brand's servers answered with data Smartcar cannot use."),
    _upstream("KNOWN_ISSUE", "The brand's servers have a known issue that Smartcar is tracking."),
    _upstream("NO_RESPONSE", "The brand's servers did not answer in time."),
    _upstream("RATE_LIMIT", "The brand's servers are throttling requests for this vehicle."),
    _upstream("UNKNOWN_ISSUE", "The brand's servers answered with an unexpected error."),
    ErrorSpec(
        "VALIDATION",
        None,
        400,
        None,
        "Request invalid or malformed. Please check for missing parameters, spelling and "
        "casing mistakes, and other syntax issues.",
        None,
        "Read the detail array: it names each bad field.",
    ),
    ErrorSpec(
        "VALIDATION",
        "PARAMETER",
        400,
        None,
        "A parameter of the request is invalid. Please check its value and format.",
        None,
        "Read the detail array: it names each bad field.",
    ),
    _state(
        "ASLEEP",
        "The vehicle is in a sleep state and temporarily unable to perform your request.",
        "It is asleep; please wake it (for example open its app).",
    ),
    _state(
        "CHARGING_IN_PROGRESS",
        "The vehicle is charging, so it cannot perform your request.",
        "It is currently charging.",
    ),
    _state(
        "CHARGING_PLUG_CONNECTED",
        "The charging plug is connected, so the vehicle cannot perform your request.",
        "It is plugged in.",
    ),
    _state(
        "CHARGING_PLUG_NOT_CONNECTED",
        "The charging plug is not connected, so the vehicle cannot start or stop charging.",
        "Please plug it in and try again.",
    ),
    _state(
        "DOOR_OPEN",
        "The vehicle could not perform your request because one or more of its doors are open.",
        "Please close all doors and try again.",
    ),
    _state(
        "FULLY_CHARGED",
        "The vehicle is fully charged, so it cannot start charging.",
        "It is already fully charged.",
    ),
    _state(
        "NOT_CHARGING",
        "The vehicle is not charging, so it cannot perform your request.",
        "It is not charging.",
    ),
    _state(
        "CHARGE_FAULT",
        "The vehicle reports a charging fault.",
        "It reports a charging problem; please check the charger and cable.",
    ),
    _state(
        "HOOD_OPEN",
        "The vehicle could not perform your request because its hood is open.",
        "Please close the hood and try again.",
    ),
    _state(
        "IGNITION_ON",
        "The vehicle could not perform your request because its ignition is on.",
        "Please switch the vehicle off and try again.",
    ),
    _state(
        "IN_MOTION",
        "The vehicle could not perform your request because it is moving.",
        "Please try again when it is parked.",
    ),
    _state(
        "REMOTE_ACCESS_DISABLED",
        "Remote access is disabled in the vehicle's settings.",
        "Please turn on remote access in the vehicle's settings.",
    ),
    _state(
        "TRUNK_OPEN",
        "The vehicle could not perform your request because its trunk is open.",
        "Please close the trunk and try again.",
    ),
    _state(
        "UNREACHABLE",
        "The vehicle was unable to perform your request because it is currently unreachable.",
        "It is out of network coverage; please try again later.",
    ),
    _state(
        "VEHICLE_OFFLINE_FOR_SERVICE",
        "The vehicle is offline for service.",
        "It is offline for service.",
    ),
    _state(
        "UNKNOWN",
        "The vehicle could not perform your request for an unknown reason.",
        "Please try again later.",
        _RETRY,
        "Retry later with backoff.",
    ),
    _state(
        "LOW_BATTERY",
        "The vehicle's battery is too low to perform your request.",
        "Its battery is too low; please charge it.",
        _RETRY,
        "Retry after the vehicle has charged.",
    ),
)

BY_KEY: dict[tuple[str, str | None], ErrorSpec] = {(e.type, e.code): e for e in ERRORS}
ERROR_TYPES: tuple[str, ...] = tuple(dict.fromkeys(e.type for e in ERRORS))


def lookup(error_type: str, code: str | None = None) -> ErrorSpec | None:
    """The row for (type, code); codes are matched case-insensitively, ``None`` for null."""
    key = (error_type.upper(), code.upper() if code else None)
    return BY_KEY.get(key)


def error_body(
    error_type: str,
    code: str | None,
    request_id: str,
    *,
    detail: list[Any] | None = None,
    description: str | None = None,
    resolution_url: str | None = None,
) -> dict[str, Any]:
    """A v2.0 error body for a row of the table (``KeyError`` for an unknown pair)."""
    spec = BY_KEY[(error_type, code)]
    resolution: dict[str, Any] = {"type": spec.resolution}
    url = resolution_url or spec.resolution_url
    if url:
        resolution["url"] = url
    body: dict[str, Any] = {
        "type": spec.type,
        "code": spec.code,
        "description": description or spec.description,
        "docURL": spec.doc_url,
        "statusCode": spec.status,
        "requestId": request_id,
        "resolution": resolution,
        "suggestedUserMessage": spec.suggested_user_message,
    }
    if detail is not None:
        body["detail"] = detail
    return body


@dataclass(frozen=True)
class OAuthErrorSpec:
    error: str
    description: str
    hint: str


# Errors Connect puts on the redirect back to the application (query ``error=``).
CONNECT_ERRORS: tuple[OAuthErrorSpec, ...] = (
    OAuthErrorSpec(
        "access_denied",
        "User denied access to application.",
        "The owner pressed Deny; offer to try again.",
    ),
    OAuthErrorSpec(
        "vehicle_incompatible",
        "The user's vehicle is not compatible.",
        "The vehicle cannot serve a required permission; vin/make/model/year may follow.",
    ),
    OAuthErrorSpec(
        "invalid_subscription",
        "User does not have an active connected vehicle subscription.",
        "The owner must activate the brand's connected services.",
    ),
    OAuthErrorSpec(
        "no_vehicles",
        "No vehicles found. Please add vehicles to your account and try again.",
        "The brand account holds no vehicles.",
    ),
    OAuthErrorSpec(
        "configuration_error",
        "There has been an error in the configuration of your application.",
        "Read error_message and status_code; check the Connect URL parameters.",
    ),
    OAuthErrorSpec(
        "server_error",
        "Unexpected server error. Please try again.",
        "Retry the Connect flow later.",
    ),
)

# Errors of the token endpoint (JSON ``{"error", "error_description"}``).
TOKEN_ERRORS: tuple[OAuthErrorSpec, ...] = (
    OAuthErrorSpec(
        "invalid_client",
        "Invalid client credentials.",
        "Check the client id and secret sent with Basic authentication.",
    ),
    OAuthErrorSpec(
        "invalid_request",
        "The request is missing a parameter or has a bad one.",
        "A code is single-use and lives 10 minutes; a refresh token is replaced on each refresh.",
    ),
    OAuthErrorSpec(
        "invalid_grant",
        "The grant does not match this request.",
        "redirect_uri must be the one used at Connect.",
    ),
    OAuthErrorSpec(
        "unsupported_grant_type",
        "The grant type is not supported.",
        "Use authorization_code or refresh_token.",
    ),
)

CONNECT_BY_ERROR: dict[str, OAuthErrorSpec] = {e.error: e for e in CONNECT_ERRORS}
TOKEN_BY_ERROR: dict[str, OAuthErrorSpec] = {e.error: e for e in TOKEN_ERRORS}


# ---------------------------------------------------------------- API v3 errors
#
# v3 answers errors as ``{"errors": [{status, type, code, title, detail, links: {about}, ...}]}``
# (shared/smartcar-v3.md §8). The vocabulary is v2.0's table plus the codes v3 added, which
# live here so the v2.0 table above stays exactly Smartcar's v2.0 list.

V3_ERRORS: tuple[ErrorSpec, ...] = (
    ErrorSpec(
        "AUTHENTICATION",
        "UNAUTHORIZED",
        401,
        _REAUTH,
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
