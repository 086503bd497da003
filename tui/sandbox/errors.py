"""Raising Smartcar-shaped errors from handlers, and rendering them as v2.0 or v3 bodies."""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import errors as table
from tui.core.smartcar import v3_errors
from tui.sandbox.config import APP_NAME
from tui.sandbox.messages import Response, json_response


class ApiError(Exception):
    """An error answer of the Vehicle API; ``type``/``code`` must be a row of the core table."""

    def __init__(
        self,
        error_type: str,
        code: str | None = None,
        *,
        detail: list[dict[str, Any]] | None = None,
        description: str | None = None,
        resolution_url: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        spec = table.lookup(error_type, code)
        if spec is None:  # a programming error in the sandbox, not a client's
            raise ValueError(f"no such Smartcar error: {error_type}.{code}")
        super().__init__(f"{error_type}:{code}")
        self.spec = spec
        self.detail = detail
        self.description = description
        self.resolution_url = resolution_url
        self.headers = headers or {}

    @property
    def status(self) -> int:
        return self.spec.status

    def v2_body(self, request_id: str) -> dict[str, Any]:
        return table.error_body(
            self.spec.type,
            self.spec.code,
            request_id,
            detail=self.detail,
            description=self.description,
            resolution_url=self.resolution_url,
            app_name=APP_NAME,
        )

    def v3_body(self, request_id: str) -> dict[str, Any]:
        """The v3 envelope of this error, built by the one v3 helper of the core table."""
        item = v3_errors.v3_error_item(
            self.spec.type,
            self.spec.code,
            detail=self.description,
            resolution_url=self.resolution_url,
            meta={"detail": self.detail} if self.detail is not None else None,
        )
        return v3_errors.v3_error_body(item)

    def response(self, request_id: str, *, v3: bool = False) -> Response:
        payload = self.v3_body(request_id) if v3 else self.v2_body(request_id)
        return json_response(self.status, payload, self.headers)


def validation(message: str, *field_path: str | int) -> ApiError:
    """A 400 VALIDATION error whose detail names the bad field."""
    item: dict[str, Any] = {"message": message}
    if field_path:
        item["field"] = list(field_path)
    return ApiError("VALIDATION", None, detail=[item])


def authentication() -> ApiError:
    return ApiError("AUTHENTICATION")


def not_found_path() -> ApiError:
    return ApiError("RESOURCE_NOT_FOUND", "PATH")


def oauth_error(status: int, error: str, description: str) -> Response:
    """An error of the token endpoint, OAuth style."""
    return json_response(status, {"error": error, "error_description": description})
