"""Compatibility API v2.0: by VIN and the compatibility matrix (Basic client auth).

A VIN known to the sandbox answers with that vehicle's capabilities. An unknown VIN is decoded
(``vin_decode``): the make it names, a plausible model, year and powertrain, and that
vehicle's capabilities; ``test_mode_compatibility_level`` (compatible, phev, bev, fuel,
incompatible, dinosaur) picks the powertrain or the verdict instead. A VIN naming no make the
sandbox knows is ``MAKE_NOT_COMPATIBLE``; a real VIN older than its model's connected years
is ``VEHICLE_NOT_COMPATIBLE``. An incompatible vehicle lists no capabilities; capabilities are
listed for US only, other countries get the flag alone, as Smartcar documents.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import endpoints as endpoint_table
from tui.core.smartcar import permissions as permission_table
from tui.sandbox import accounts, catalog, vin_decode
from tui.sandbox.auth import client_from_basic
from tui.sandbox.context import Context
from tui.sandbox.errors import authentication, validation
from tui.sandbox.messages import Request, Response, json_response

_VIN_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
REGIONS = ("US", "CA", "EUROPE")


def _scope(request: Request, required: bool) -> list[str]:
    raw = request.param("scope")
    if raw is None or not raw.strip():
        if required:
            raise validation("scope is required: a space-separated list of permissions.", "scope")
        return []
    names = [permission_table.strip_required(p) for p in raw.split()]
    unknown = [n for n in names if not permission_table.is_known(n)]
    if unknown:
        raise validation(f"Unknown permission: {', '.join(unknown)}.", "scope")
    return list(dict.fromkeys(names))


def by_vin(ctx: Context, request: Request) -> Response:
    if client_from_basic(ctx, request) is None:
        raise authentication()
    vin = (request.param("vin") or "").strip().upper()
    if len(vin) != 17 or not set(vin) <= _VIN_CHARS:
        raise validation("vin must be 17 letters and digits.", "vin")
    scope = _scope(request, required=True)
    country = (request.param("country") or "US").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise validation("country must be a two-letter ISO 3166 code.", "country")
    level = request.param("test_mode_compatibility_level")
    if level is not None and level not in accounts.LEVEL_TYPES:
        raise validation(
            f"test_mode_compatibility_level must be one of {', '.join(accounts.LEVEL_TYPES)}.",
            "test_mode_compatibility_level",
        )
    found = _vehicle_for_vin(ctx, vin, level)
    if isinstance(found, str):  # not compatible, and why: no capabilities to list
        return json_response(200, {"compatible": False, "reason": found, "capabilities": []})
    vehicle_type, make = found
    capabilities = []
    for name in scope:
        for endpoint in endpoint_table.by_permission(name):
            if endpoint.make_specific and make.lower() not in (endpoint.makes or ()):
                continue
            capable = endpoint.capable(vehicle_type, make)
            capabilities.append(
                {
                    "permission": name,
                    "endpoint": endpoint.path.replace("{make}", make.lower()) or "/",
                    "capable": capable,
                    "reason": None if capable else "VEHICLE_NOT_CAPABLE",
                }
            )
    return json_response(
        200,
        {
            "compatible": True,
            "reason": None,
            "capabilities": capabilities if country == "US" else [],
        },
    )


_NOT_COMPATIBLE = "VEHICLE_NOT_COMPATIBLE"


def _vehicle_for_vin(ctx: Context, vin: str, level: str | None) -> tuple[str, str] | str:
    """(powertrain, make) of the vehicle behind a VIN, or the reason it is not compatible."""
    if level is None:
        with ctx.state.reading() as data:
            for vehicle in data["vehicles"].values():
                if vehicle["vin"] == vin:
                    if vehicle.get("level") in ("incompatible", "dinosaur"):
                        return _NOT_COMPATIBLE
                    return vehicle["type"], vehicle["make"]
    if level in ("incompatible", "dinosaur"):
        return _NOT_COMPATIBLE
    model = vin_decode.decode(vin, accounts.LEVEL_TYPES[level] if level else None)
    if model is None:
        return "MAKE_NOT_COMPATIBLE"
    # Smartcar reaches vehicles through connected services, which the model's first years in
    # the catalog mark; an older real VIN (its year decoded) has none. Test levels override.
    if level is None and model.year < model.start_year:
        return _NOT_COMPATIBLE
    return model.type, model.make


def matrix(ctx: Context, request: Request) -> Response:
    if client_from_basic(ctx, request) is None:
        raise authentication()
    region = (request.param("region") or "").strip().upper()
    if region not in REGIONS:
        raise validation(f"region is required: one of {', '.join(REGIONS)}.", "region")
    makes = {m.upper() for m in (request.param("make") or "").split()}
    types = {t.upper() for t in (request.param("type") or "").split()}
    scope = _scope(request, required=False)
    result: dict[str, list[dict[str, Any]]] = {}
    for model in catalog.MODELS:
        if (makes and model.make not in makes) or (types and model.type not in types):
            continue
        supported = [
            e
            for e in endpoint_table.ENDPOINTS
            if e.kind != "meta" and e.permission and e.capable(model.type, model.make)
        ]
        permissions = list(dict.fromkeys(e.permission for e in supported if e.permission))
        if scope and not set(scope) <= set(permissions):
            continue
        result.setdefault(model.make, []).append(
            {
                "model": model.model,
                "startYear": model.start_year,
                "endYear": model.end_year,
                "type": model.type,
                "endpoints": list(dict.fromkeys(e.title for e in supported)),
                "permissions": permissions,
            }
        )
    return json_response(200, result)
