"""Words for Smartcar errors: what types, resolutions and vehicle states mean."""

from __future__ import annotations

LOGIN_KEY = "ctrl+o"
DOCS = "https://smartcar.com/docs"
TOKEN_DOCS = f"{DOCS}/api-reference/authorization/auth-code-exchange"
REFRESH_DOCS = f"{DOCS}/api-reference/authorization/refreshing-access-token"
CONNECT_ERROR_DOCS = f"{DOCS}/errors/connect-errors"
V1_ERROR_DOCS = f"{DOCS}/errors/v1.0"
# Requests of the built-in collection the advice names (v2.0 ones sit in the deprecated folder).
PERMISSIONS_REQUEST = "Smartcar API/v2.0 (deprecated)/Vehicle/Permissions"
COMPATIBILITY_REQUEST = "Smartcar API/v2.0 (deprecated)/Compatibility/By VIN"
CONNECTIONS_REQUEST = "Smartcar API/Connections/Connections of the vehicle"
LIST_CONNECTIONS_REQUEST = "Smartcar API/Connections/List connections"

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
