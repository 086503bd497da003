"""Explain a Smartcar error answer in words: what happened, why, and what to do next.

Recognises four shapes:

* Vehicle API v2.0 ``{"type", "code", "description", "docURL", "statusCode", "resolution",
  "suggestedUserMessage", "detail", "requestId"}`` (``resolution`` an object, a bare string or
  null);
* the legacy v1.0 ``{"error": "permission_error", "message": ..., "code": ...}``;
* OAuth errors of the token endpoint (and Connect's redirect) ``{"error", "error_description"}``;
* Vehicle API v3 ``{"errors": [{"status", "type", "code", "title", "detail", ...}]}``;
* and a successful v3 signals answer whose signals failed one by one (``signal_errors``).

The facts (descriptions, resolutions, documentation links) come from the error tables
(``errors``, ``v3_errors``, ``oauth_errors``), the ones the sandbox answers from, so the
explanation and the answer agree.
Headless: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.exchange import Exchange, Response
from tui.core.model import Request
from tui.core.smartcar import errors as table
from tui.core.smartcar import oauth_errors, v3_errors
from tui.core.smartcar.advice import _advice
from tui.core.smartcar.explain_context import (
    _code,
    _Context,
    _details,
    _granted,
    _int,
    _resolution,
    _retry_after_seconds,
    _scheme,
    _text,
    _title,
    _unique,
    seconds_in_words,
)
from tui.core.smartcar.explain_words import (
    CONNECT_ERROR_DOCS,
    LOGIN_KEY,
    REFRESH_DOCS,
    RESOLUTION_WORDS,
    TOKEN_DOCS,
    TYPE_SUMMARY,
    V1_ERROR_DOCS,
    V1_STATE_CODES,
    V1_TYPES,
)
from tui.core.smartcar.signal_errors import explain_signals


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
    if response.status < 400 and not _may_hold_signals(response):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    if response.status < 400:
        return explain_signals(
            body,
            status=response.status,
            granted_permissions=granted_permissions,
            vehicle_label=vehicle_label,
        )
    context.status = response.status
    context.request = request
    context.granted = _granted(granted_permissions)
    context.retry_after_header = response.header("retry-after")
    context.vehicle_label = vehicle_label
    if not context.method and request is not None:
        context.method = request.method
    return _explain_body(body, context)


def _may_hold_signals(response: Response) -> bool:
    """A cheap look at the head before parsing a successful body: only v3 signal answers."""
    return b'"signal"' in response.head(4000)


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
        return explain_signals(
            body,
            status=status,
            granted_permissions=granted_permissions,
            vehicle_label=vehicle_label,
        )
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
    spec = oauth_errors.TOKEN_BY_ERROR.get(error)
    connect = oauth_errors.CONNECT_BY_ERROR.get(error)
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
    entries = [item for item in items if isinstance(item, dict)]
    if not entries:
        return None
    first = entries[0]
    error_type = _text(first.get("type")).strip().upper() or "ERROR"
    code = _code(first.get("code"))
    status = _int(first.get("status")) or context.status
    spec = v3_errors.lookup_v3(error_type, code)
    resolution_type, resolution_url = _resolution(first.get("resolution"))
    raw_links = first.get("links")
    links = raw_links if isinstance(raw_links, dict) else {}
    title_text = _text(first.get("title"))
    description = _text(first.get("detail")) or title_text or (spec.description if spec else "")
    details = [title_text] if title_text and title_text != description else []
    where = _pointer(first)
    if where:
        details.append(f"at {where}")
    # Every further entry in its own words (validation answers one entry per bad field).
    for other in entries[1:]:
        kind = _text(other.get("type")).strip().upper() or "ERROR"
        other_code = _code(other.get("code"))
        head = f"{kind}/{other_code}" if other_code else kind
        said = _text(other.get("detail")) or _text(other.get("title"))
        at = _pointer(other)
        details.append(f"also {head}: {said}" + (f" (at {at})" if at else ""))
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


def _pointer(entry: dict[str, Any]) -> str:
    """The field or parameter a v3 error entry points at (``source.pointer``/``parameter``)."""
    source = entry.get("source")
    if not isinstance(source, dict):
        return ""
    return _text(source.get("pointer")) or _text(source.get("parameter"))


__all__ = [
    "Explanation",
    "explain",
    "explain_body",
    "explain_oauth_error",
    "seconds_in_words",
]
