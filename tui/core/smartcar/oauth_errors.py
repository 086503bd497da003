"""Smartcar's OAuth errors: what Connect puts on the redirect back to the application and what
the token endpoint answers, each with what it means for the developer. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    OAuthErrorSpec(
        "user_manually_returned_to_application",
        "The user exited Connect before granting your application access.",
        "The owner pressed Back to application before granting access; offer to connect again.",
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
