"""Smartcar's v2.0 API error table (v3's additions: ``v3_errors``; Connect's and the token
endpoint's: ``oauth_errors``).

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
REAUTHENTICATE = "REAUTHENTICATE"  # resolution type, v3 uses it too

# Smartcar's documented user messages name the application; the API fills in its name.
APP_NAME_PLACEHOLDER = "<app name>"
_TEMPORARILY_UNABLE = (
    "Your car is temporarily unable to connect to <app name>. Please be patient while "
    "we’re working to resolve this issue."
)


def _state(code: str, description: str, user: str, resolution: str | None, hint: str) -> ErrorSpec:
    return ErrorSpec("VEHICLE_STATE", code, 409, resolution, description, user, hint)


def _upstream(code: str, description: str) -> ErrorSpec:
    return ErrorSpec(
        "UPSTREAM",
        code,
        502,
        _RETRY,
        description,
        _TEMPORARILY_UNABLE,
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
        "The feature you are trying to use is not included in your current pricing plan. "
        "Please visit our pricing page to learn more about our plans and features.",
        "This feature is temporarily unavailable. Please contact the app's support.",
        "Check the plan of the application in the Smartcar Dashboard.",
    ),
    ErrorSpec(
        "BILLING",
        "VEHICLE_LIMIT",
        430,
        _SUPPORT,
        "You’ve reached the limit of vehicles in your plan. Please upgrade to unlock access "
        "to more vehicles.",
        "This app cannot connect more vehicles right now. Please contact its support.",
        "Disconnect unused vehicles or upgrade the plan.",
    ),
    ErrorSpec(
        "BILLING",
        "VEHICLE_REQUEST_LIMIT",
        430,
        _SUPPORT,
        "You have exceeded the number of API requests that are allowed for this vehicle in "
        "the current billing period. Please log into the Smartcar dashboard and visit the "
        "Billing tab to learn more.",
        "Your vehicle's data is unavailable until the next billing period.",
        "Reduce polling; use webhooks; or upgrade the plan.",
    ),
    ErrorSpec(
        "BILLING",
        "ACCOUNT_SUSPENDED",
        430,
        "FINANCE",
        "Your Smartcar account is past due and has been suspended. Please reach out to our "
        "finance team to resolve this issue.",
        "This app is temporarily unavailable. Please contact its support.",
        "Settle the outstanding invoice in the Smartcar Dashboard.",
    ),
    ErrorSpec(
        "COMPATIBILITY",
        "MAKE_NOT_COMPATIBLE",
        501,
        None,
        "Smartcar is not yet compatible with this vehicle’s make in the country you specified.",
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
        REAUTHENTICATE,
        "You're connected to the vehicle using an OEM integration that does not support this "
        "endpoint.",
        "Please reconnect your vehicle to keep using this feature.",
        "Send the owner through Connect again.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "ACCOUNT_ISSUE",
        400,
        None,
        "Action needed in the user’s connected services account. Please prompt the user to "
        "log into their connected services account and complete any outstanding tasks.",
        "Action required in your connected services account. Please log into your connected "
        "services app or web portal and complete any outstanding tasks (e.g. finish "
        "activating your account or accept the Terms of Service).",
        "Ask the owner to check their brand app or website.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "AUTHENTICATION_FAILED",
        400,
        REAUTHENTICATE,
        "Smartcar was unable to authenticate with the user’s connected services account. "
        "Please prompt the user to re-authenticate using Smartcar Connect.",
        "Your car got disconnected from <app name>. Please use this link to re-connect your "
        "car: <link to Smartcar Connect>.",
        "Send the owner to the re-authentication URL in resolution.url.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "NO_VEHICLES",
        400,
        None,
        "No vehicles found in the user’s connected services account. Please prompt the user "
        "to add their vehicle to their connected services account and re-authenticate using "
        "Smartcar Connect.",
        "Your car got disconnected from <app name>. Please use this link to re-connect your "
        "car: <link to Smartcar Connect>.",
        "Ask the owner to add the vehicle to their brand account.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "PERMISSION",
        400,
        REAUTHENTICATE,
        "The vehicle owner has revoked Smartcar’s access to their OEM account.",
        "Your brand account does not have the rights needed. Please sign in as the primary owner.",
        "Ask the primary account holder to connect the vehicle.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "SUBSCRIPTION",
        400,
        None,
        "The vehicle’s connected services subscription is inactive or does not support the "
        "requested API endpoint.",
        "Your car’s connected services subscription has either expired or it doesn’t support "
        "the necessary features to connect to <app name>. Please activate your subscription "
        "or contact us to upgrade your subscription.",
        "Ask the owner to renew the brand's connected-services subscription.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "VEHICLE_MISSING",
        400,
        None,
        "This vehicle is no longer associated with the user’s connected services account. "
        "Please prompt the user to re-add the vehicle to their account.",
        "This car is no longer associated with your connected services account. Please log "
        "into your account and re-add this car.",
        "Ask the owner to add the vehicle back, or disconnect it.",
    ),
    ErrorSpec(
        "CONNECTED_SERVICES_ACCOUNT",
        "VIRTUAL_KEY_REQUIRED",
        400,
        "ACTION_REQUIRED",
        "The vehicle owner needs to grant additional access to Smartcar in order to perform "
        "this request.",
        "In order to perform this request you’ll need to add a Third-Party Virtual key to your "
        "vehicle. Please open this link on the phone with your Tesla App to complete this step.",
        "Send the owner to resolution.url to add the virtual key.",
        TESLA_VIRTUAL_KEY_URL,
    ),
    ErrorSpec(
        "PERMISSION",
        None,
        403,
        REAUTHENTICATE,
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
        _TEMPORARILY_UNABLE,
        "Slow down across the whole application.",
    ),
    ErrorSpec(
        "RATE_LIMIT",
        "VEHICLE",
        429,
        _RETRY,
        "You have reached the throttling rate limit for this vehicle. Please see the "
        "retry-after header for when to retry the request.",
        _TEMPORARILY_UNABLE,
        "Wait the seconds in the Retry-After header before asking this vehicle again.",
    ),
    ErrorSpec(
        "RESOURCE_NOT_FOUND",
        "PATH",
        404,
        None,
        "The requested resource does not exist. Please check the URL and try again.",
        _TEMPORARILY_UNABLE,
        "Check the path for typos and trailing segments.",
    ),
    ErrorSpec(
        "RESOURCE_NOT_FOUND",
        "VERSION",
        404,
        None,
        "The requested resource does not exist. Please check your specified version "
        "number and try again.",
        _TEMPORARILY_UNABLE,
        "Use v2.0 (or a numeric version like v2.0) in the path.",
    ),
    ErrorSpec(
        "SERVER",
        "INTERNAL",
        500,
        _RETRY,
        "An internal Smartcar error has occurred. Our team has been notified and is "
        "working to resolve this issue.",
        _TEMPORARILY_UNABLE,
        "Retry later with backoff.",
    ),
    ErrorSpec(
        "SERVER",
        "RECORD_NOT_FOUND",
        500,
        _SUPPORT,
        "Smartcar was unable to locate a battery capacity record for this vehicle.",
        _TEMPORARILY_UNABLE,
        "Contact Smartcar support with the request id.",
    ),
    ErrorSpec(
        "SERVER",
        "MULTIPLE_RECORDS_FOUND",
        500,
        _SUPPORT,
        "Smartcar found multiple battery capacity records for this vehicle.",
        _TEMPORARILY_UNABLE,
        "Let the owner choose a battery capacity, or contact support.",
    ),
    _upstream(
        "INVALID_DATA",
        "Smartcar received invalid data from an upstream source. Please retry your request at "
        "a later time.",
    ),
    _upstream(
        "KNOWN_ISSUE",
        "Smartcar received an error from an upstream source. Please retry your request at a "
        "later time.",
    ),
    _upstream(
        "NO_RESPONSE",
        "One of Smartcar’s upstream sources failed to respond. Please retry your request at a "
        "later time.",
    ),
    # Smartcar's page shows the NO_RESPONSE body as RATE_LIMIT's example (a copy slip): the
    # description here is its prose, with the retry sentence of its siblings.
    _upstream(
        "RATE_LIMIT",
        "Your application’s requests have exceeded this vehicle’s rate limit. Please retry "
        "your request at a later time.",
    ),
    _upstream(
        "UNKNOWN_ISSUE",
        "Smartcar received an unknown error from an upstream source. Please retry your request "
        "at a later time and contact us if the issue persists.",
    ),
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
        "Your vehicle is in a sleep state. This request was not sent to preserve battery life.",
        None,
        "Ask the owner to start the vehicle (and drive a little), then retry in a few minutes.",
    ),
    _state(
        "CHARGING_IN_PROGRESS",
        "The vehicle is currently charging and unable to perform your request.",
        "Your vehicle is already charging.",
        None,
        "Usually nothing to do: the vehicle is already charging.",
    ),
    _state(
        "CHARGING_PLUG_CONNECTED",
        "The vehicle is connected to an EV charger and unable to perform your request.",
        "We’re unable to issue the command because the vehicle is currently plugged in.",
        None,
        "Ask the owner to unplug the charger, then retry.",
    ),
    _state(
        "CHARGING_PLUG_NOT_CONNECTED",
        "The vehicle is not connected to an EV charger and unable to perform your request.",
        "Your vehicle is not plugged in.",
        None,
        "Ask the owner to plug a charger into the charge port, then retry.",
    ),
    _state(
        "DOOR_OPEN",
        "The vehicle could not perform your request because one or more of its doors are open.",
        "Your vehicle was unable to lock. Please ensure that all doors and the trunk are fully "
        "closed.",
        None,
        "Ask the owner to close every door and the trunk, then retry.",
    ),
    _state(
        "FULLY_CHARGED",
        "The vehicle is unable to perform your request because its EV battery is fully charged.",
        "Your vehicle is already fully charged.",
        None,
        "Nothing to do: the battery is full.",
    ),
    _state(
        "NOT_CHARGING",
        "The vehicle is unable to perform your request because it is not currently charging.",
        "Please ensure that you have plugged an EV charger into your car’s charge port and the "
        "vehicle is charging.",
        None,
        "Ask the owner to start charging (or send a start-charge command), then retry.",
    ),
    _state(
        "CHARGE_FAULT",
        "The vehicle is connected to an EV charger but cannot perform the request because 1) the "
        "charger is not providing any current, or 2) there is a conflict with another charging "
        "schedule.",
        "Your vehicle is unable to start or stop charging because of a conflict with the "
        "vehicle's charging schedule.",
        None,
        "Ask the owner to check the cable and any charging schedules or departure timers.",
    ),
    _state(
        "HOOD_OPEN",
        "The vehicle is unable to perform your request because its hood is open.",
        "Your vehicle was unable to lock. Please ensure that the vehicle's hood is fully closed.",
        None,
        "Ask the owner to close the hood, then retry.",
    ),
    _state(
        "IGNITION_ON",
        "The vehicle was unable to perform your request because its engine is running.",
        "Your vehicle is currently running.",
        None,
        "Retry when the engine is off.",
    ),
    _state(
        "IN_MOTION",
        "The vehicle is currently in motion and unable to perform your request.",
        "Your vehicle is unable to perform the request while in motion.",
        None,
        "Retry when the vehicle is parked.",
    ),
    _state(
        "REMOTE_ACCESS_DISABLED",
        "The vehicle is unable to perform your request because the user has disabled remote "
        "access for connected services.",
        "Your vehicle is unable to perform the request as remote access is disabled or "
        "unavailable.",
        None,
        "Ask the owner to enable remote access for connected services in the vehicle.",
    ),
    _state(
        "TRUNK_OPEN",
        "The vehicle is unable to perform your request because its trunk is open.",
        "Your vehicle was unable to open the trunk because it is already open.",
        None,
        "Ask the owner to close the trunk (and front trunk), then retry.",
    ),
    _state(
        "UNKNOWN",
        "The vehicle was unable to perform your request due to an unknown issue.",
        "Your vehicle is temporarily unable to connect due to an unknown issue. Please be patient"
        " while we’re working to resolve this issue.",
        _RETRY,
        "Retry later with backoff.",
    ),
    _state(
        "UNREACHABLE",
        "The vehicle was unable to perform your request because it is currently unreachable.",
        "Your vehicle is currently unreachable. Ensure the vehicle has adequate mobile coverage.",
        None,
        "Retry later, when the vehicle has mobile coverage.",
    ),
    _state(
        "VEHICLE_OFFLINE_FOR_SERVICE",
        "The vehicle was unable to perform your request because it is currently in service mode.",
        "Your vehicle is in service mode and temporarily unable to perform this task.",
        None,
        "Retry after the vehicle leaves service mode.",
    ),
    _state(
        "LOW_BATTERY",
        "The vehicle was unable to perform your request because the 12v or high voltage battery "
        "is too low.",
        "Your vehicle battery is too low to perform this task.",
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
    app_name: str = "the application",
) -> dict[str, Any]:
    """A v2.0 error body for a row of the table (``KeyError`` for an unknown pair).

    ``app_name`` fills the ``<app name>`` of Smartcar's suggested user messages.
    """
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
        "suggestedUserMessage": (
            spec.suggested_user_message.replace(APP_NAME_PLACEHOLDER, app_name)
            if spec.suggested_user_message
            else None
        ),
    }
    if detail is not None:
        body["detail"] = detail
    return body
