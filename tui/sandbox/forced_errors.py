"""The error a special login email forces on a vehicle, as Smartcar answers it in v2.0 and v3.

``VEHICLE_STATE.ASLEEP@smartcar.com`` and the like (``accounts``) make every data call and
command of the vehicle fail with that error. Two of them carry more than a type and a code: a
vehicle's 429 ``RATE_LIMIT``/``VEHICLE`` always says when to come back (``Retry-After``, in
seconds), and ``CONNECTED_SERVICES_ACCOUNT``/``AUTHENTICATION_FAILED`` links to
re-authentication. v2.0 endpoints and v3 signals and commands answer the same error.
"""

from __future__ import annotations

from typing import Any

from tui.sandbox import config
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError
from tui.sandbox.messages import with_query


def forced_error(ctx: Context, client_id: str, vehicle: dict[str, Any]) -> ApiError | None:
    """The error the vehicle's sign-in email forces, or None."""
    forced = vehicle.get("forced_error")
    if not forced:
        return None
    error_type, code = forced
    if (error_type, code) == ("RATE_LIMIT", "VEHICLE"):
        retry = str(config.FORCED_RETRY_AFTER)
        return ApiError(error_type, code, headers={"Retry-After": retry})
    url = None
    if (error_type, code) == ("CONNECTED_SERVICES_ACCOUNT", "AUTHENTICATION_FAILED"):
        url = with_query(
            f"{ctx.base_url}/oauth/reauthenticate",
            {"response_type": "vehicle_id", "client_id": client_id, "vehicle_id": vehicle["id"]},
        )
    return ApiError(error_type, code, resolution_url=url)
