"""Finish a login against carman's sandbox without a browser (``carman login --approve-as``).

The sandbox's admin endpoint ``POST /_sandbox/approve`` plays the user on the Connect pages
and answers with the redirect ``location``; a plain GET of that location then delivers the
code to the real callback listener, exactly as a browser would.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from tui.core.errors import CarmanError
from tui.core.oauth.http import new_client
from tui.core.oauth.listener import is_loopback_host
from tui.core.send import describe_transport_error


class SandboxApproveError(CarmanError):
    pass


def sandbox_origin(authorize_url: str) -> str:
    """The sandbox's base URL, taken from the authorize URL; refuses non-loopback hosts."""
    parts = urlsplit(authorize_url)
    if parts.scheme != "http" or not is_loopback_host(parts.hostname or ""):
        raise SandboxApproveError(
            "--approve-as works only with carman's sandbox on this machine, but the authorize "
            f"URL points at {parts.scheme}://{parts.netloc}. Use --env sandbox, or log in "
            "with a browser."
        )
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


async def approve_in_sandbox(
    authorize_url: str, email: str, *, deny: bool = False, timeout: float = 30.0
) -> str:
    """Approve (or deny) as ``email``, then GET the redirect location. Returns the location."""
    origin = sandbox_origin(authorize_url)
    payload: dict[str, Any] = {"authorize_url": authorize_url, "email": email}
    if deny:
        payload["deny"] = True
    async with new_client(timeout) as client:
        endpoint = f"{origin}/_sandbox/approve"
        try:
            response = await client.post(endpoint, json=payload)
        except httpx.HTTPError as exc:
            problem = describe_transport_error(exc, endpoint)
            raise SandboxApproveError(f"The sandbox did not answer: {problem.message}") from None
        if response.status_code == 404:
            raise SandboxApproveError(
                f"{origin} is not a carman sandbox (no /_sandbox/approve endpoint)."
            )
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        location = body.get("location") if isinstance(body, dict) else None
        if response.status_code != 200 or not isinstance(location, str):
            said = _said(body) if isinstance(body, dict) else ""
            raise SandboxApproveError(
                f"The sandbox refused the approval (HTTP {response.status_code})"
                + (f": {said}" if said else ".")
            )
        # The browser's part: follow the redirect to the callback listener.
        try:
            await client.get(location)
        except httpx.HTTPError as exc:
            problem = describe_transport_error(exc, location)
            raise SandboxApproveError(
                f"Could not deliver the callback to {urlsplit(location).netloc}: {problem.message}"
            ) from None
    return location


def _said(body: dict[str, Any]) -> str:
    """The reason in a sandbox error body (Smartcar v2 shape or OAuth shape)."""
    detail = body.get("detail")
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        message = detail[0].get("message")
        if isinstance(message, str) and message:
            return message
    for name in ("description", "error_description", "error"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return value
    return ""
