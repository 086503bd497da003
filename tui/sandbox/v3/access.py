"""Who calls a v3 endpoint, and whether they may reach this vehicle.

Two kinds of bearer token:

* the **application token** from ``POST /oauth2/token``: good for every vehicle connected to
  the application; vehicle-scoped calls name the user in ``sc-user-id`` (required on signals,
  commands and charge schedules, not on ``GET /v3/vehicles/{id}``);
* a **legacy** per-vehicle v2.0 access token (setting ``legacy_bearer``, on by default): accepted
  on the read endpoints only (vehicle, signals), without ``sc-user-id`` — the user is the one
  the token was issued to. The official SDKs (Python 6.19, Node, Java) call v3 this way
  (CONFLICT §2.6: later docs say v3 takes application tokens only). Commands, schedules and
  connections answer such a token with 401.

Failures: no, unknown or expired token → 401 ``AUTHENTICATION``/``UNAUTHORIZED``; missing
``sc-user-id`` → 400 ``VALIDATION``/``MISSING_PARAMETER`` naming the header; a user (or a
legacy token) without a live connection to the vehicle, or a vehicle no connection of the
application holds → 403 ``AUTHENTICATION``/``ACCESS_DENIED`` (carman's choice: UNCONFIRMED
upstream, §11 item 20).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.sandbox import vehicle_permissions
from tui.sandbox.auth import bearer_token
from tui.sandbox.context import Context
from tui.sandbox.messages import Request
from tui.sandbox.v3 import app_tokens, connections, errors


@dataclass(frozen=True)
class Caller:
    client_id: str
    legacy_grant: dict[str, Any] | None = None  # set when a v2.0 token was used

    @property
    def legacy(self) -> bool:
        return self.legacy_grant is not None


@dataclass(frozen=True)
class VehicleAccess:
    caller: Caller
    user_id: str | None  # None: an application token without sc-user-id (vehicle endpoint)
    permissions: tuple[str, ...]
    mode: str


def caller(ctx: Context, request: Request, *, allow_legacy: bool) -> Caller:
    token = bearer_token(request)
    if token is None:
        raise errors.unauthorized()
    client_id = app_tokens.client_of(ctx, token)
    if client_id is not None:
        return Caller(client_id)
    if allow_legacy and ctx.v3.current.legacy_bearer:
        grant = _legacy_grant(ctx, token)
        if grant is not None:
            return Caller(grant["client_id"], grant)
    raise errors.unauthorized()


def _legacy_grant(ctx: Context, token: str) -> dict[str, Any] | None:
    now = ctx.clock.now()
    with ctx.state.reading() as data:
        record = data["access_tokens"].get(token)
        if record is None or record["expires_at"] <= now:
            return None
        grant = data["grants"].get(record["grant_id"])
        return dict(grant, vehicle_ids=list(grant["vehicle_ids"])) if grant else None


def vehicle_access(
    ctx: Context, request: Request, vehicle_id: str, *, needs_user: bool, allow_legacy: bool
) -> VehicleAccess:
    """Check the token, ``sc-user-id`` and the connection to ``vehicle_id``."""
    who = caller(ctx, request, allow_legacy=allow_legacy)
    user_id = (request.header("sc-user-id") or "").strip() or None
    if who.legacy_grant is not None:
        grant = who.legacy_grant
        if vehicle_id not in grant["vehicle_ids"] or user_id not in (None, grant["user_id"]):
            raise errors.access_denied()
        # What this vehicle was granted, as v2.0 /permissions lists it (and its v3
        # connection holds): not every permission the token's Connect asked for.
        held = tuple(vehicle_permissions.for_vehicle(grant, vehicle_id))
        return VehicleAccess(who, grant["user_id"], held, grant["mode"])
    if user_id is None:
        if needs_user:
            raise errors.missing_user_id()
        with ctx.state.reading() as data:
            alive = connections.alive(data, who.client_id)
            found = [r for r in alive if r["vehicle_id"] == vehicle_id]
        if not found:
            raise errors.access_denied()
        return VehicleAccess(who, None, tuple(found[0]["permissions"]), found[0]["mode"])
    with ctx.state.reading() as data:
        record = connections.find(data, who.client_id, user_id, vehicle_id)
    if record is None:
        raise errors.access_denied(
            "The given token does not provide access to the requested resource: user "
            f"{user_id} has no connection to vehicle {vehicle_id}."
        )
    return VehicleAccess(who, user_id, tuple(record["permissions"]), record["mode"])
