"""Explain a Smartcar error answer in words: what happened, why, and what to do next.

Recognises four shapes:

* Vehicle API v2.0 ``{"type", "code", "description", "docURL", "statusCode", "resolution",
  "suggestedUserMessage", "detail", "requestId"}`` (``resolution`` an object, a bare string or
  null);
* the legacy v1.0 ``{"error": "permission_error", "message": ..., "code": ...}``;
* OAuth errors of the token endpoint (and Connect's redirect) ``{"error", "error_description"}``;
* Vehicle API v3 ``{"errors": [{"status", "type", "code", "title", "detail", ...}]}``.

The facts (descriptions, resolutions, documentation links) come from the error table in
``errors.py``, the one the sandbox answers from, so the explanation and the answer agree.
Headless: no textual, no rich.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from tui.core.exchange import Exchange, Response
from tui.core.model import Request
from tui.core.smartcar import endpoints, permissions
from tui.core.smartcar import errors as table

LOGIN_KEY = "ctrl+o"
DOCS = "https://smartcar.com/docs"
TOKEN_DOCS = f"{DOCS}/api-reference/authorization/auth-code-exchange"
REFRESH_DOCS = f"{DOCS}/api-reference/authorization/refreshing-access-token"
CONNECT_ERROR_DOCS = f"{DOCS}/errors/connect-errors"
V1_ERROR_DOCS = f"{DOCS}/errors/v1.0"
PERMISSIONS_REQUEST = "Smartcar API/Vehicle/Permissions"
COMPATIBILITY_REQUEST = "Smartcar API/Compatibility/By VIN"

# What each error type means, in a few words (the part after the dash of a title).
TYPE_SUMMARY: dict[str, str] = {
    "AUTHENTICATION": "the access token is missing, invalid or expired",
    "BILLING": "the application's plan does not allow this",
    "COMPATIBILITY": "this vehicle cannot do this",
    "CONNECTED_SERVICES_ACCOUNT": "the owner's brand account needs attention",
    "PERMISSION": "the token lacks a permission",
    "RATE_LIMIT": "too many requests",
    "RESOURCE_NOT_FOUND": "no such path or API version",
    "SERVER": "Smartcar had an internal error",
    "UPSTREAM": "the brand's servers failed",
    "VALIDATION": "the request is malformed",
    "VEHICLE_STATE": "the vehicle is not in a state to do this",
}

# Resolution types in words.
RESOLUTION_WORDS: dict[str, str] = {
    "RETRY_LATER": "Retry later.",
    "REAUTHENTICATE": f"Send the owner through Smartcar Connect again (log in again: {LOGIN_KEY}).",
    "CONTACT_SUPPORT": "Contact Smartcar support and quote the request id.",
    "FINANCE": "Settle the application's billing in the Smartcar Dashboard.",
    "ACTION_REQUIRED": "The vehicle owner has to act: send them to the resolution link.",
}

# VEHICLE_STATE codes: the state the vehicle is in, in words.
STATE_WORDS: dict[str, str] = {
    "ASLEEP": "asleep (in a low-power state) and could not be woken for this request",
    "CHARGING_IN_PROGRESS": "charging, which blocks this request",
    "CHARGING_PLUG_CONNECTED": "plugged in, which blocks this request",
    "CHARGING_PLUG_NOT_CONNECTED": "not plugged in, so it cannot start, stop or set charging",
    "DOOR_OPEN": "standing with one or more doors open",
    "FULLY_CHARGED": "already fully charged",
    "NOT_CHARGING": "not charging, so there is nothing to stop or report",
    "CHARGE_FAULT": "reporting a charging fault (charger or cable)",
    "HOOD_OPEN": "standing with its hood open",
    "IGNITION_ON": "switched on (ignition on)",
    "IN_MOTION": "moving",
    "REMOTE_ACCESS_DISABLED": "set to refuse remote access (a setting in the vehicle or app)",
    "TRUNK_OPEN": "standing with its trunk open",
    "UNREACHABLE": "unreachable (no network coverage, or its modem is off)",
    "VEHICLE_OFFLINE_FOR_SERVICE": "offline for service",
    "UNKNOWN": "in a state the brand did not explain",
    "LOW_BATTERY": "too low on (12 V or traction) battery to do this",
}

# Legacy v1.0 error names -> the v2.0 type that replaced them.
V1_TYPES: dict[str, str] = {
    "authentication_error": "AUTHENTICATION",
    "permission_error": "PERMISSION",
    "validation_error": "VALIDATION",
    "resource_not_found": "RESOURCE_NOT_FOUND",
    "rate_limiting_error": "RATE_LIMIT",
    "monthly_limit_exceeded": "BILLING",
    "server_error": "SERVER",
    "gateway_timeout_error": "UPSTREAM",
    "vehicle_state_error": "VEHICLE_STATE",
    "vehicle_not_capable_error": "COMPATIBILITY",
    "not_capable_error": "COMPATIBILITY",
    "smartcar_not_capable_error": "COMPATIBILITY",
    "vehicle_owner_action_required": "CONNECTED_SERVICES_ACCOUNT",
    "version_deprecated": "RESOURCE_NOT_FOUND",
}

# Legacy v1.0 vehicle_state_error codes of test mode.
V1_STATE_CODES: dict[str, str] = {
    "VS_000": "in a state that cannot be determined",
    "VS_001": "standing with one or more doors open",
    "VS_002": "standing with its trunk open",
    "VS_003": "standing with its hood open",
}

# "/v2.0/vehicles/<id>/odometer"; also matches a saved URL once its {{variables}} are blanked.
_VEHICLE_PATH = re.compile(r"/v[^/]+/vehicles/[^/?#]+(/[^?#]*)?")
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")


@dataclass(frozen=True)
class Explanation:
    """One error, explained. ``advice`` holds the specific next steps, most useful first."""

    title: str  # "PERMISSION — the token lacks a permission"
    type: str  # "PERMISSION", or the OAuth / v1.0 error name
    code: str | None
    status: int | None
    description: str
    resolution: str = ""  # what to do, in words
    resolution_url: str | None = None
    docs_url: str | None = None
    advice: tuple[str, ...] = ()
    suggested_user_message: str | None = None
    request_id: str | None = None
    shape: str = "v2"  # v2, v1, oauth, v3
    details: tuple[str, ...] = ()  # VALIDATION fields and the like, one line each
    retry_after: float | None = None  # seconds, when the answer said when to retry

    @property
    def key(self) -> str:
        return f"{self.type}.{self.code}" if self.code else self.type

    def as_text(self) -> str:
        """Plain text for a terminal or a log: title, description, details, advice, links."""
        lines = [self.title]
        if self.description:
            lines.append(self.description)
        lines += [f"  {detail}" for detail in self.details]
        if self.advice:
            lines.append("")
            lines += [f"• {line}" for line in self.advice]
        if self.resolution:
            lines.append("")
            lines.append(f"Resolution: {self.resolution}")
        if self.resolution_url:
            lines.append(f"  {self.resolution_url}")
        if self.suggested_user_message:
            lines.append(f"Tell the owner: {self.suggested_user_message}")
        if self.docs_url:
            lines.append(f"Docs: {self.docs_url}")
        if self.request_id:
            lines.append(f"Request id: {self.request_id}")
        return "\n".join(lines)


@dataclass
class _Context:
    """What is known about the request that failed, beyond the body."""

    status: int | None = None
    method: str = ""
    url: str = ""  # as sent, variables resolved
    request: Request | None = None
    granted: frozenset[str] | None = None
    retry_after_header: str | None = None
    responded_at: float | None = None
    refreshed_token: bool = False
    authorization_scheme: str = ""  # "bearer" / "basic" as sent
    vehicle_label: str | None = None


# ---- entry points --------------------------------------------------------------------


def explain(
    exchange_or_response: Exchange | Response,
    *,
    request: Request | None = None,
    granted_permissions: Iterable[str] | None = None,
    vehicle_label: str | None = None,
) -> Explanation | None:
    """Explain the Smartcar error in an exchange or response; None when it is not one.

    ``request`` is the saved request that was sent (its ``meta["permission"]`` names the
    permission it needs). ``granted_permissions`` is what the permissions endpoint listed for
    the current token, when known. ``vehicle_label`` ("2016 AUDI A4") makes advice concrete.
    """
    if isinstance(exchange_or_response, Exchange):
        exchange = exchange_or_response
        response = exchange.response
        if response is None:
            return None  # a transport error: nothing Smartcar said
        context = _Context(
            method=exchange.request.method,
            url=exchange.request.url,
            refreshed_token=exchange.refreshed_token,
            authorization_scheme=_scheme(exchange.request.headers),
            responded_at=(
                exchange.timings.started_at + exchange.timings.total_ms / 1000
                if exchange.timings.started_at
                else None
            ),
        )
    else:
        response = exchange_or_response
        context = _Context()
    if response.status < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    context.status = response.status
    context.request = request
    context.granted = _granted(granted_permissions)
    context.retry_after_header = response.header("retry-after")
    context.vehicle_label = vehicle_label
    if not context.method and request is not None:
        context.method = request.method
    return _explain_body(body, context)


def explain_body(
    body: Any,
    *,
    status: int | None = None,
    request: Request | None = None,
    granted_permissions: Iterable[str] | None = None,
    retry_after: str | None = None,
    vehicle_label: str | None = None,
) -> Explanation | None:
    """Explain a parsed error body (a batch item's ``body``, or a body from history)."""
    context = _Context(
        status=status,
        request=request,
        granted=_granted(granted_permissions),
        retry_after_header=retry_after,
        vehicle_label=vehicle_label,
        method=request.method if request is not None else "",
    )
    if status is not None and status < 400:
        return None
    return _explain_body(body, context)


def explain_oauth_error(
    error: str,
    description: str = "",
    *,
    status: int | None = None,
    extra: Mapping[str, str] | None = None,
) -> Explanation:
    """An OAuth error: of the token endpoint, or ``?error=`` on Connect's redirect."""
    error = error.strip()
    spec = table.TOKEN_BY_ERROR.get(error)
    connect = table.CONNECT_BY_ERROR.get(error)
    known = spec or connect
    advice: list[str] = []
    lowered = description.lower()
    docs = TOKEN_DOCS
    if connect is not None and spec is None:
        docs = f"{CONNECT_ERROR_DOCS}/{error.replace('_', '-')}"
        title = f"{error} — Smartcar Connect did not grant access"
    else:
        title = f"{error} — the token endpoint refused the request"
    if lowered.startswith("invalid code"):
        advice.append(
            "The authorization code was refused: codes are single-use and expire after 10 "
            f"minutes, and redirect_uri must match the Connect URL. Log in again ({LOGIN_KEY})."
        )
    elif lowered.startswith("invalid refresh_token") or "refresh" in lowered:
        docs = REFRESH_DOCS
        advice.append(
            "The refresh token was refused: Smartcar replaces it on every refresh (the old one "
            "stops working shortly after) and it expires after 60 days. Log in again "
            f"({LOGIN_KEY})."
        )
    elif error == "invalid_client":
        advice.append(
            "Check the client id (variable client_id) and the client secret stored for it; "
            f"the login dialog ({LOGIN_KEY}) asks for the secret again."
        )
    if known is not None and known.hint and known.hint not in " ".join(advice):
        advice.append(known.hint)
    if extra:
        shared = ", ".join(f"{k}={v}" for k, v in extra.items() if v and k not in ("state",))
        if shared:
            advice.append(f"Connect also said: {shared}")
    return Explanation(
        title=title,
        type=error,
        code=None,
        status=status,
        description=description or (known.description if known else ""),
        docs_url=docs,
        advice=tuple(advice),
        shape="oauth",
    )


# ---- shapes --------------------------------------------------------------------------


def _explain_body(body: Any, context: _Context) -> Explanation | None:
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("errors"), list) and body["errors"]:
        return _explain_v3(body["errors"], context)
    if isinstance(body.get("type"), str) and (
        "description" in body or "statusCode" in body or "code" in body
    ):
        return _explain_v2(body, context)
    if isinstance(body.get("error"), str) and "error_description" in body:
        return explain_oauth_error(
            body["error"], _text(body.get("error_description")), status=context.status
        )
    if isinstance(body.get("error"), str) and ("message" in body or "code" in body):
        return _explain_v1(body, context)
    if isinstance(body.get("error"), str) and context.status is not None:
        # A bare OAuth error without a description (some providers send just "error").
        return explain_oauth_error(body["error"], status=context.status)
    return None


def _explain_v2(body: dict[str, Any], context: _Context) -> Explanation:
    error_type = body["type"].strip().upper()
    code = _code(body.get("code"))
    status = _int(body.get("statusCode")) or context.status
    spec = table.lookup(error_type, code)
    resolution_type, resolution_url = _resolution(body.get("resolution"))
    if resolution_type is None and spec is not None and "resolution" not in body:
        resolution_type = spec.resolution
    if resolution_url is None and spec is not None and resolution_type == spec.resolution:
        resolution_url = spec.resolution_url
    description = _text(body.get("description")) or (spec.description if spec else "")
    return Explanation(
        title=_title(error_type, code),
        type=error_type,
        code=code,
        status=status,
        description=description,
        resolution=RESOLUTION_WORDS.get(resolution_type or "", resolution_type or ""),
        resolution_url=resolution_url,
        docs_url=_text(body.get("docURL")) or table.doc_url(error_type, code),
        advice=tuple(_advice(error_type, code, spec, context)),
        suggested_user_message=_text(body.get("suggestedUserMessage"))
        or (spec.suggested_user_message if spec else None),
        request_id=_text(body.get("requestId")) or None,
        shape="v2",
        details=tuple(_details(body.get("detail"))),
        retry_after=_retry_after_seconds(context),
    )


def _explain_v1(body: dict[str, Any], context: _Context) -> Explanation:
    name = body["error"].strip()
    code = _code(body.get("code"))
    mapped = V1_TYPES.get(name.lower())
    message = _text(body.get("message"))
    advice: list[str] = []
    if mapped == "VEHICLE_STATE" and code in V1_STATE_CODES:
        advice.append(f"The vehicle is {V1_STATE_CODES[code]}.")
    if mapped is not None:
        spec = table.lookup(mapped, None) or next(
            (e for e in table.ERRORS if e.type == mapped), None
        )
        advice += _advice(mapped, None, spec, context)
    if mapped == "PERMISSION":
        advice.append(
            "In API v1.0 a 403 also meant the vehicle cannot supply this data at all: its "
            "permission was never offered at Connect (the EV battery of a 2016 Audi A4, a "
            "petrol car). v2.0 tells the two apart: 403 PERMISSION when not granted, 501 "
            "COMPATIBILITY/VEHICLE_NOT_CAPABLE when the vehicle cannot."
        )
    advice.append(
        "This is the legacy v1.0 error shape and v1.0 has been sunset: use v2.0 "
        "(variable api_version = 2.0)."
    )
    summary = TYPE_SUMMARY.get(mapped or "", "Smartcar API v1.0 error")
    return Explanation(
        title=f"{name} (API v1.0) — {summary}",
        type=name,
        code=code,
        status=context.status,
        description=message,
        docs_url=V1_ERROR_DOCS,
        advice=tuple(_unique(advice)),
        shape="v1",
        retry_after=_retry_after_seconds(context),
    )


def _explain_v3(items: list[Any], context: _Context) -> Explanation | None:
    first = next((item for item in items if isinstance(item, dict)), None)
    if first is None:
        return None
    error_type = _text(first.get("type")).strip().upper() or "ERROR"
    code = _code(first.get("code"))
    status = _int(first.get("status")) or context.status
    spec = table.lookup(error_type, code)
    resolution_type, resolution_url = _resolution(first.get("resolution"))
    links = first.get("links") if isinstance(first.get("links"), dict) else {}
    title_text = _text(first.get("title"))
    description = _text(first.get("detail")) or title_text or (spec.description if spec else "")
    details = [title_text] if title_text and title_text != description else []
    if len(items) > 1:
        details.append(f"and {len(items) - 1} more error(s) in the body")
    return Explanation(
        title=_title(error_type, code),
        type=error_type,
        code=code,
        status=status,
        description=description,
        resolution=RESOLUTION_WORDS.get(resolution_type or "", resolution_type or ""),
        resolution_url=resolution_url,
        docs_url=_text(links.get("about")) or table.doc_url(error_type, code),
        advice=tuple(_advice(error_type, code, spec, context)),
        suggested_user_message=_text(first.get("suggestedUserMessage")) or None,
        shape="v3",
        details=tuple(details),
        retry_after=_retry_after_seconds(context),
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
    lines = [
        "The access token was missing, malformed, expired or revoked, or this vehicle is not "
        "on the token (a vehicle that was disconnected answers the same)."
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
            lines.append(
                f"To see which permissions the current token has, send {PERMISSIONS_REQUEST}. "
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
    return [
        "Check the parameters and body against the docs: the details below name each bad field."
    ]


def _advice_not_found(
    code: str | None, spec: table.ErrorSpec | None, context: _Context
) -> list[str]:
    if code == "VERSION":
        return ["Use a numeric API version in the path, v2.0 (variable api_version)."]
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


# ---- helpers -------------------------------------------------------------------------


def seconds_in_words(seconds: float) -> str:
    """``90`` -> "1 minute 30 seconds"; ``7200`` -> "2 hours"; ``0.4`` -> "1 second"."""
    total = max(round(seconds), 1)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{value} {unit}{'' if value == 1 else 's'}"
        for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second"))
        if value
    ]
    return " ".join(parts[:2])  # two units are precise enough to act on


def _retry_after_seconds(context: _Context) -> float | None:
    raw = (context.retry_after_header or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)  # the HTTP-date form of Retry-After
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        now = context.responded_at or time.time()
        return max(moment.timestamp() - now, 0.0)
    if value > 1e11:
        # The Java SDK reads Retry-After as an epoch in milliseconds; accept that too.
        now = context.responded_at or time.time()
        return max(value / 1000 - now, 0.0)
    return max(value, 0.0)


def _title(error_type: str, code: str | None) -> str:
    summary = TYPE_SUMMARY.get(error_type, "Smartcar error")
    if error_type == "COMPATIBILITY" and code == "SMARTCAR_NOT_CAPABLE":
        summary = "Smartcar does not support this for this vehicle yet"
    elif error_type == "COMPATIBILITY" and code == "MAKE_NOT_COMPATIBLE":
        summary = "Smartcar does not support this make here yet"
    head = f"{error_type}/{code}" if code else error_type
    return f"{head} — {summary}"


def _resolution(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        kind = value.get("type")
        url = value.get("url")
        return (kind if isinstance(kind, str) and kind else None), (
            url if isinstance(url, str) and url else None
        )
    if isinstance(value, str) and value:
        return value, None
    return None, None


def _details(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    lines: list[str] = []
    for item in value:
        if isinstance(item, dict):
            fields = item.get("field")
            if isinstance(fields, list):
                fields = ".".join(str(f) for f in fields)
            message = item.get("message")
            if fields or message:
                lines.append(": ".join(str(x) for x in (fields, message) if x))
            else:
                lines.append(json.dumps(item, ensure_ascii=False))
        else:
            lines.append(str(item))
    return lines


def _needed_permission(context: _Context) -> str | None:
    if context.request is not None:
        meta = context.request.meta.get("permission")
        if isinstance(meta, str) and meta and meta != "none":
            return meta
        if meta == "none":
            return None
    endpoint = _endpoint(context)
    return endpoint.permission if endpoint is not None else None


def _endpoint(context: _Context) -> endpoints.Endpoint | None:
    """The v2.0 endpoint the sent URL (or the saved request's URL) addresses, if any."""
    url = context.url or (context.request.url if context.request is not None else "")
    method = context.method or (context.request.method if context.request is not None else "GET")
    url = _TEMPLATE.sub("x", url)  # a saved URL: {{api_url}}/v{{api_version}}/vehicles/...
    match = _VEHICLE_PATH.search(urlsplit(url).path if "://" in url else url.split("?")[0])
    if match is None:
        return None
    path = (match.group(1) or "").rstrip("/")
    found = endpoints.find(method, path)
    if found is None:
        split = endpoints.make_specific_path(path.lower())
        if split is not None:
            found = endpoints.find(method, split[1])
    return found


def _upper_case_make(url: str) -> str | None:
    """The make of a make-specific path written with upper case letters (a PERMISSION trap)."""
    if not url:
        return None
    match = _VEHICLE_PATH.search(urlsplit(url).path if "://" in url else url)
    if match is None or not match.group(1):
        return None
    make = match.group(1).strip("/").split("/")[0]
    if make != make.lower() and make.lower() in endpoints.MAKE_SPECIFIC_MAKES:
        return make
    return None


def _uses_amt(request: Request | None) -> bool:
    if request is None:
        return False
    auth = request.auth
    return "{{amt}}" in (auth.token + auth.password)


def _scheme(headers: list[tuple[str, str]]) -> str:
    value = next((v for k, v in headers if k.lower() == "authorization"), "")
    return value.split(" ", 1)[0].lower() if value else ""


def _granted(values: Iterable[str] | None) -> frozenset[str] | None:
    if values is None:
        return None
    return frozenset(permissions.strip_required(v) for v in values)


def _code(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(line for line in lines if line))


__all__ = [
    "Explanation",
    "explain",
    "explain_body",
    "explain_oauth_error",
    "seconds_in_words",
]
