"""Specific next steps for each kind of Smartcar error."""

from __future__ import annotations

import time
from datetime import datetime

from tui.core.smartcar import endpoints, permissions
from tui.core.smartcar import errors as table
from tui.core.smartcar.explain_context import (
    _Context,
    _endpoint,
    _is_v3,
    _needed_permission,
    _retry_after_seconds,
    _unique,
    _upper_case_make,
    _uses_amt,
    seconds_in_words,
)
from tui.core.smartcar.explain_words import (
    COMPATIBILITY_REQUEST,
    CONNECTIONS_REQUEST,
    LIST_CONNECTIONS_REQUEST,
    LOGIN_KEY,
    PERMISSIONS_REQUEST,
    STATE_WORDS,
)

# ---- advice --------------------------------------------------------------------------


def _advice(
    error_type: str, code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    handler = _ADVICE.get(error_type)
    lines = handler(code, spec, context) if handler else []
    if spec is not None and spec.hint and not lines:
        lines.append(spec.hint)
    return _unique(lines)


def _advice_authentication(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    if context.authorization_scheme == "basic" or _uses_amt(context.request):
        return [
            "This request authenticates with credentials, not the login token: check "
            "client_id and the client secret stored for it (Compatibility), or the "
            "application management token {{amt}} (Management: Basic default:{{amt}}; webhook "
            "Unsubscribe: Bearer {{amt}})."
        ]
    if not context.authorization_scheme and "access_token=" not in context.url:
        # Not a rejected token at all: none was sent. Logging in again would not help.
        return [
            "No Authorization header was sent: this request's auth is none (see its Auth "
            "tab, and the auth of its folder and collection).",
            "Set the auth to OAuth2 (the environment's login) or to inherit from a collection "
            "that uses it, then send again.",
        ]
    if _is_v3(context):
        return _advice_v3_authentication(code, context)
    lines = [
        "The access token was malformed, expired or revoked, or this vehicle is not on the "
        "token (a vehicle that was disconnected answers the same)."
    ]
    if context.refreshed_token:
        lines.append(
            "carman already refreshed the token and resent once, and the new token was "
            f"refused too: log in again ({LOGIN_KEY})."
        )
    else:
        lines.append(
            "carman refreshes an expired token automatically (and resends once after a 401); "
            f"if that is not possible, log in again ({LOGIN_KEY})."
        )
    return lines


def _advice_v3_authentication(code: str | None, context: _Context) -> list[str]:
    if code == "ACCESS_DENIED":
        return [
            "The token is good but does not reach this: the user in sc-user-id ({{user_id}}) "
            "has no connection to this vehicle ({{vehicle_id}}), or it was removed.",
            "Pick the vehicle with F3: with API Authentication it lists the connections and "
            f"sets vehicle_id and user_id together (or send {LIST_CONNECTIONS_REQUEST}).",
        ]
    lines = ["The application token was missing, expired (they last one hour) or refused."]
    if context.refreshed_token:
        lines.append(
            "carman already fetched a new token and resent once, and it was refused too: "
            "check the API credentials (the client id of [app_auth] and its secret; the login "
            f"dialog, {LOGIN_KEY}, asks for the secret; carman token shows both tokens)."
        )
    else:
        lines.append(
            "carman fetches the application token by itself, renews it before it expires and "
            "once after a 401; nothing to refresh by hand."
        )
    lines.append(
        'With auth_model = "connect" v3 requests carry the per-vehicle token, which Smartcar '
        "accepts on v3 reads only: commands, charge schedules and connections need the "
        'application token (auth_model = "api").'
    )
    return lines


def _advice_permission(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    lines: list[str] = []
    needed = _needed_permission(context)
    make_case = _upper_case_make(context.url)
    if make_case:
        lines.append(
            f"Make-specific paths need the make in lower case: /{make_case.lower()}/..., not "
            f"/{make_case}/... (upper case answers PERMISSION)."
        )
    if needed:
        meaning = permissions.meaning(needed)
        lines.append(
            f"This request needs the permission {needed}" + (f" ({meaning})." if meaning else ".")
        )
        if context.granted is not None:
            if needed in context.granted:
                lines.append(
                    f"The current token has {needed}, so the grant is not the problem: the "
                    "owner may have revoked it since, or the path may be wrong."
                )
            else:
                held = ", ".join(sorted(context.granted)) or "none"
                lines.append(
                    f"The current token does not have {needed} (it has: {held}). Add it to "
                    "the scope of the environment's OAuth2 settings and log in again "
                    f"({LOGIN_KEY}); the owner must approve it."
                )
        else:
            where = CONNECTIONS_REQUEST if _is_v3(context) else PERMISSIONS_REQUEST
            lines.append(
                f"To see which permissions the current token has, send {where}. "
                f"If {needed} is missing, add it to the scope and log in again ({LOGIN_KEY})."
            )
    elif not make_case:
        lines.append(
            f"Send {PERMISSIONS_REQUEST} to see what the token holds, and compare it with the "
            "permission this endpoint needs (its Info tab, or the docs link)."
        )
    return lines


def _advice_compatibility(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    vehicle = f"This vehicle ({context.vehicle_label})" if context.vehicle_label else "This vehicle"
    endpoint = _endpoint(context)
    lines: list[str] = []
    if code == "VEHICLE_NOT_CAPABLE" or code is None:
        lines.append(
            f"{vehicle} cannot do this: it lacks the hardware or the data, like the EV battery "
            "of a 2016 Audi A4 (a petrol car). No permission, login or retry changes that."
        )
        if endpoint is not None:
            if endpoint.makes:
                makes = ", ".join(sorted(endpoint.makes))
                lines.append(f"{endpoint.title} exists only on vehicles of: {makes}.")
            elif endpoint.vehicle_types == endpoints.ELECTRIC:
                lines.append(
                    f"{endpoint.title} exists only on electric and plug-in hybrid vehicles."
                )
            elif endpoint.vehicle_types == endpoints.COMBUSTION:
                lines.append(f"{endpoint.title} exists only on vehicles with a combustion engine.")
        lines.append(
            f"Check capabilities before asking with {COMPATIBILITY_REQUEST} (needs the VIN)."
        )
    elif code == "SMARTCAR_NOT_CAPABLE":
        lines.append(
            f"{vehicle} may have the feature, but Smartcar does not support it for this vehicle "
            "yet. Nothing to fix on your side; handle it gracefully."
        )
    elif code == "MAKE_NOT_COMPATIBLE":
        lines.append(
            "Smartcar does not support this make in the vehicle's country yet; check the "
            "Compatibility/Matrix request for the region."
        )
    elif code == "PLATFORM_NOT_CAPABLE":
        lines.append(
            "The brand's platform changed: the owner needs to connect the vehicle again "
            f"through Smartcar Connect ({LOGIN_KEY})."
        )
    if spec is not None and spec.hint and code not in (None, "VEHICLE_NOT_CAPABLE"):
        lines.append(spec.hint)
    return lines


def _advice_rate_limit(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    seconds = _retry_after_seconds(context)
    lines: list[str] = []
    if seconds is not None:
        # Retry-After counts from the answer, so the clock time is taken from when it came.
        base = context.responded_at or time.time()
        clock = datetime.fromtimestamp(base + seconds).strftime("%H:%M:%S")
        lines.append(
            f"Retry in {seconds_in_words(seconds)} (after {clock}), as the Retry-After header says."
        )
    if code == "VEHICLE":
        lines.append(
            "This vehicle is throttled: other vehicles can still be asked. The Vehicle API is "
            "not made for polling; subscribe to a webhook instead."
        )
    elif code == "SMARTCAR_API":
        lines.append(
            "The whole application exceeded its rate limit: slow down every request and retry "
            "in a few minutes."
        )
    if seconds is None and code != "SMARTCAR_API":
        lines.append("No Retry-After header came back: wait a minute before asking again.")
    return lines


def _advice_vehicle_state(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    vehicle = f"The vehicle ({context.vehicle_label})" if context.vehicle_label else "The vehicle"
    lines: list[str] = []
    words = STATE_WORDS.get(code or "")
    if words:
        lines.append(f"{vehicle} is {words}.")
    if spec is not None and spec.hint:
        lines.append(spec.hint)
    return lines


def _advice_retry(code: str | None, spec: table.ErrorSpec | None, context: _Context) -> list[str]:
    lines = []
    if spec is not None and spec.hint:
        lines.append(spec.hint)
    status = context.status or (spec.status if spec else None)
    if spec is None or spec.resolution == "RETRY_LATER" or (status or 0) >= 500:
        lines.append(
            "Retry later with exponential backoff (for example after 30 s, 1 min, then 2 min); "
            "if it persists, contact Smartcar support with the request id."
        )
    return lines


def _advice_validation(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    if code == "MISSING_PARAMETER" and _is_v3(context):
        return [
            "Vehicle-scoped v3 calls (signals, commands, charge schedules) name the user in "
            "sc-user-id: {{user_id}} is set by the login (the Connect redirect carries it), by "
            f"{LIST_CONNECTIONS_REQUEST} and by the vehicle picker (F3)."
        ]
    return [
        "Check the parameters and body against the docs: the details below name each bad field."
    ]


def _advice_not_found(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    if code == "VERSION":
        return ["Use a numeric API version in the path, v2.0 (variable api_version)."]
    if code == "SIGNAL_NOT_FOUND":
        return [
            "Signal codes are <group>-<name> in lower case (odometer-traveleddistance); "
            "'Pick a v3 signal' in the command palette (ctrl+p) chooses one from the catalogue."
        ]
    return [
        "Check the path for typos (and a make in lower case for make-specific endpoints); "
        "{{vehicle_id}} must be an id from User/All Vehicles."
    ]


_ADVICE = {
    "AUTHENTICATION": _advice_authentication,
    "PERMISSION": _advice_permission,
    "COMPATIBILITY": _advice_compatibility,
    "RATE_LIMIT": _advice_rate_limit,
    "VEHICLE_STATE": _advice_vehicle_state,
    "UPSTREAM": _advice_retry,
    "SERVER": _advice_retry,
    "VALIDATION": _advice_validation,
    "RESOURCE_NOT_FOUND": _advice_not_found,
}
