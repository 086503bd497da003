"""What the redirect back from Connect carries, and what it means in words.

Shared by the loopback listener and the "paste the final redirect URL" fallback used over SSH.
Everything here comes from the browser, so it is treated as untrusted text: control characters
are stripped before anything reaches a terminal and lengths are capped.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from tui.core.errors import CarmanError

# Pseudo error codes for outcomes that did not come from the provider.
TIMEOUT = "timeout"
CANCELLED = "cancelled"

_MAX_TEXT = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CODE = re.compile(r"^[A-Za-z0-9._~+/=-]{1,2048}$")
# A Smartcar user id is a UUID; anything id-like is accepted, nothing that could be markup.
_ID = re.compile(r"^[A-Za-z0-9._~-]{1,200}$")
# Extra parameters Connect adds to some errors (smartcar-api.md section 2.2).
DETAIL_NAMES = ("vin", "make", "model", "year", "status_code", "error_message")


class InvalidCallback(CarmanError):
    """A pasted redirect that cannot be used (wrong state, no code): nothing was exchanged."""


def clean_text(value: str, limit: int = _MAX_TEXT) -> str:
    """Untrusted text made safe to print: no escape sequences, bounded length."""
    text = _CONTROL.sub(" ", value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class CallbackResult:
    """The outcome of one login attempt: a code and/or a user id, or an error with details.

    Smartcar v3's Connect redirect carries ``user_id`` (the owner, for ``sc-user-id``) always,
    and ``code`` only with ``response_type=code`` (smartcar-v3.md §3.2).
    """

    code: str | None = None
    error: str | None = None
    description: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    user_id: str | None = None
    external_id: str | None = None

    @property
    def ok(self) -> bool:
        return (self.code is not None or self.user_id is not None) and self.error is None

    @property
    def message(self) -> str:
        """One sentence for the user."""
        if self.ok:
            if self.code is None:
                return "Login approved: the user id arrived."
            return "Login approved: the authorization code arrived."
        return describe_error(self.error or "unknown", self.description, self.details)

    def __repr__(self) -> str:  # the code is a credential for 10 minutes: keep it out of logs
        code = "…" if self.code else None
        return f"CallbackResult(code={code!r}, user_id={self.user_id!r}, error={self.error!r})"


def describe_error(error: str, description: str | None, details: dict[str, str]) -> str:
    """Turn a Connect error redirect into a sentence that says what to do."""
    said = f" Connect said: {description}" if description else ""
    if error == "access_denied":
        return "Access was denied: the login was cancelled or the permissions were not approved."
    if error == "vehicle_incompatible":
        vehicle = " ".join(details[k] for k in ("year", "make", "model") if details.get(k))
        vin = details.get("vin")
        which = vehicle or "the vehicle"
        if vin:
            which += f" (VIN {vin})"
        return (
            f"{which[0].upper()}{which[1:]} is not compatible with this application "
            "or the permissions it requires."
        )
    if error == "no_vehicles":
        return (
            "No vehicles were found in that connected-services account: add a vehicle to the "
            "account in the car maker's app, then log in again."
        )
    if error == "invalid_subscription":
        return (
            "The vehicle has no active connected-services subscription with its maker: "
            "activate it, then log in again."
        )
    if error == "configuration_error":
        status = details.get("status_code")
        shown = details.get("error_message") or description
        where = f" (status {status})" if status else ""
        text = f"Connect reported a configuration error{where}"
        text += f": {shown}" if shown else ""
        return (
            f"{text.rstrip('.')}. Check the application's redirect URI, mode and Single Select "
            "settings in the Smartcar Dashboard."
        )
    if error == "server_error":
        return f"Connect had an unexpected server error; try logging in again.{said}"
    if error == TIMEOUT:
        return description or "No answer arrived from the browser in time; log in again."
    if error == CANCELLED:
        return "The login was cancelled."
    return f"Login failed with error {error!r}.{said}"


def result_from_query(query: dict[str, list[str]]) -> CallbackResult | None:
    """A result from callback parameters (state already checked), or None if neither is there."""

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    error = first("error")
    if error:
        description = first("error_description")
        details = {name: clean_text(first(name) or "", 120) for name in DETAIL_NAMES if first(name)}
        return CallbackResult(
            # An error whose name is nothing printable (error=%00) is still an error.
            error=clean_text(error, 60) or "unknown_error",
            description=clean_text(description) if description else None,
            details=details,
        )
    code = first("code")
    code = code if code and _CODE.match(code) else None
    user_id = first("user_id")
    user_id = user_id if user_id and _ID.match(user_id) else None
    if code is None and user_id is None:
        return None
    external_id = first("external_id")
    return CallbackResult(
        code=code,
        user_id=user_id,
        external_id=clean_text(external_id, 200) if external_id else None,
    )


def state_matches(received: str | None, expected: str) -> bool:
    # Constant-time comparison: the state is the only thing stopping a forged callback.
    return received is not None and secrets.compare_digest(received.encode(), expected.encode())


def parse_pasted_redirect(text: str, expected_state: str) -> CallbackResult:
    """The final redirect URL (or its query, or just the code) pasted back by the user.

    A URL or query must carry the expected state. A bare code carries none and is accepted:
    the user copied it from their own browser. Raises InvalidCallback for anything unusable.
    """
    pasted = text.strip().strip("'\"<>")
    if not pasted:
        raise InvalidCallback("Nothing was pasted: paste the final redirect URL or the code.")
    if "=" not in pasted and "?" not in pasted and "://" not in pasted:
        if not _CODE.match(pasted):
            raise InvalidCallback(
                "That is neither a redirect URL nor an authorization code: paste the whole "
                "address the browser ended on (it contains ?code=...&state=...)."
            )
        return CallbackResult(code=pasted)
    query_text = urlsplit(pasted).query if "://" in pasted else pasted.split("?", 1)[-1]
    query = parse_qs(query_text.split("#", 1)[0], keep_blank_values=True)
    states = query.get("state")
    if not state_matches(states[0] if states else None, expected_state):
        if states:
            raise InvalidCallback(
                "The pasted redirect carries a different state than this login expects, so it "
                "was refused (it may come from an older or someone else's login). Paste the "
                "address from this login attempt."
            )
        raise InvalidCallback(
            "The pasted redirect carries no state, so it was refused: paste the whole address "
            "the browser ended on, including &state=..."
        )
    result = result_from_query(query)
    if result is None:
        raise InvalidCallback(
            "The pasted redirect has neither a code, a user_id nor an error: paste the whole "
            "address the browser ended on."
        )
    return result
