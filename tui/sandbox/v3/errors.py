"""v3 error answers: ``{"errors": [...]}`` (shared/smartcar-v3.md §8), from one helper.

Every entry is built by ``tui.core.smartcar.v3_errors.v3_error_item``; this module only raises
them from handlers. ``ApiError`` (the v2.0 exception, raised by shared code such as the
throttle) is rendered through the same helper when it escapes a v3 handler.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar.v3_errors import lookup_v3, v3_error_body, v3_error_item
from tui.sandbox.errors import ApiError
from tui.sandbox.messages import Response, json_response


class V3Error(Exception):
    """One v3 error answer: an HTTP status and one or more entries."""

    def __init__(self, items: list[dict[str, Any]], headers: dict[str, str] | None = None) -> None:
        if not items:
            raise ValueError("a v3 error needs at least one entry")
        super().__init__("; ".join(f"{i['type']}:{i['code']}" for i in items))
        self.items = items
        self.status = int(items[0]["status"])
        self.headers = headers or {}

    def response(self) -> Response:
        return json_response(self.status, v3_error_body(*self.items), self.headers)


def error(
    error_type: str,
    code: str | None = None,
    *,
    detail: str | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
    resolution_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> V3Error:
    if lookup_v3(error_type, code) is None:  # a programming error in the sandbox
        raise ValueError(f"no such Smartcar error: {error_type}.{code}")
    item = v3_error_item(
        error_type,
        code,
        detail=detail,
        pointer=pointer,
        parameter=parameter,
        resolution_url=resolution_url,
    )
    return V3Error([item], headers)


def invalid_item(detail: str, pointer: str) -> dict[str, Any]:
    """One INVALID_INPUT_FORMAT entry naming the bad body field (a JSON pointer)."""
    return v3_error_item("VALIDATION", "INVALID_INPUT_FORMAT", detail=detail, pointer=pointer)


def invalid_parameter(detail: str, parameter: str) -> V3Error:
    item = v3_error_item("VALIDATION", "INVALID_INPUT_FORMAT", detail=detail, parameter=parameter)
    return V3Error([item])


def unauthorized(detail: str | None = None) -> V3Error:
    return error("AUTHENTICATION", "UNAUTHORIZED", detail=detail)


def access_denied(detail: str | None = None) -> V3Error:
    return error("AUTHENTICATION", "ACCESS_DENIED", detail=detail)


def missing_user_id() -> V3Error:
    return error(
        "VALIDATION",
        "MISSING_PARAMETER",
        detail="The sc-user-id header is required with an application token: name the user "
        "whose connection to this vehicle the request uses.",
        parameter="sc-user-id",
    )


def bad_request(detail: str, pointer: str = "") -> V3Error:
    return error("VALIDATION", "BAD_REQUEST", detail=detail, pointer=pointer)


def not_found(detail: str) -> V3Error:
    return error("RESOURCE_NOT_FOUND", "PATH", detail=detail)


def from_api_error(problem: ApiError) -> V3Error:
    """The v3 form of a v2.0-style error raised by shared code (throttle, forced errors)."""
    return V3Error(problem.v3_body("")["errors"], problem.headers)
