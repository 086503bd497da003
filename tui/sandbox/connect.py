"""Smartcar Connect: ``/oauth/authorize`` pages and the decisions behind them.

Steps: authorize URL (checked) → brand (skipped with ``make`` or ``single_select_vin``) → sign
in (any email and password; see ``accounts`` for special emails) → grant screen (approve or
deny) → 302 to the redirect URI with ``code`` (for ``response_type=code``), ``user_id``,
``state`` and ``external_id`` (v3: echoed when given), or ``error``,
``error_description`` and ``state``. Between pages the only thing carried is a server-side
session id in a hidden form field. A broken authorize URL (unknown client, unregistered redirect
URI, bad response_type or mode) gets a plain HTML error page: there is no safe place to
redirect to. ``approve()`` walks the same steps without HTML, for scripts and tests.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tui.core.smartcar import permissions as permission_table
from tui.core.smartcar.oauth_errors import CONNECT_BY_ERROR
from tui.sandbox import accounts, catalog, config, ids, pages, vehicle_permissions, vin_decode
from tui.sandbox.context import Context
from tui.sandbox.messages import Request, Response, html_response, redirect, with_query
from tui.sandbox.v3 import connections as v3_connections

MODES = ("live", "test", "simulated")
# "none" (v3): the redirect carries user_id and no code; redirect_uri is optional either way
# and defaults to the first registered one.
RESPONSE_TYPES = ("code", "none")
_VIN = re.compile(r"^[A-Za-z0-9]{17}$")


class ConnectInputError(ValueError):
    """The authorize URL cannot start Connect (shown as an HTML page, or a 400 to scripts)."""


@dataclass
class Redirect:
    location: str


@dataclass
class Page:
    html: str
    status: int = 200
    message: str = ""  # why the page is an error page, for scripts (approve)


Outcome = Redirect | Page


# ------------------------------------------------------------------ authorize URL


def _flags(raw: str | None) -> dict[str, str]:
    flags: dict[str, str] = {}
    for item in (raw or "").split():
        name, _, value = item.partition(":")
        if name:
            flags[name] = value
    return flags


def begin(ctx: Context, params: dict[str, str]) -> dict[str, Any] | Redirect:
    """Check the authorize URL; a new session, or a redirect carrying a Connect error."""
    response_type = params.get("response_type")
    if response_type not in RESPONSE_TYPES:
        raise ConnectInputError("response_type must be 'code' or 'none'.")
    # v3 Connect SDKs send the application id as application_id; older ones as client_id.
    client_id = params.get("client_id") or params.get("application_id") or ""
    with ctx.state.reading() as data:
        client = data["clients"].get(client_id)
        registered = list(client["redirect_uris"]) if client else []
    if client is None:
        raise ConnectInputError(f"Unknown client_id {client_id!r}.")
    given = params.get("redirect_uri")
    if given is not None and given not in registered:
        raise ConnectInputError(f"redirect_uri {given!r} is not registered for this client.")
    if given is None and not registered:
        raise ConnectInputError("No redirect_uri given and none is registered.")
    redirect_uri = given if given is not None else registered[0]
    mode = params.get("mode") or "live"
    if mode not in MODES:
        raise ConnectInputError(f"mode must be one of {', '.join(MODES)}.")
    state = params.get("state")

    def config_error(message: str) -> Redirect:
        return Redirect(
            with_query(
                redirect_uri,
                {
                    "error": "configuration_error",
                    "error_description": "There has been an error in the configuration of your "
                    "application.",
                    "status_code": "400",
                    "error_message": message,
                    "state": state,
                },
            )
        )

    raw_scope = params.get("scope")
    if raw_scope is None or not raw_scope.strip():
        # No scope: carman's sandbox stands in for the Dashboard's default, all read permissions.
        scope = [{"name": n, "required": False} for n in permission_table.READ_PERMISSIONS]
    else:
        items = permission_table.parse_scope(raw_scope)
        unknown = [i.name for i in items if not permission_table.is_known(i.name)]
        if unknown:
            return config_error(f"Unknown permission: {', '.join(unknown)}.")
        scope = [{"name": i.name, "required": i.required} for i in items]
    vin = params.get("single_select_vin")
    if vin is not None:
        if not _VIN.match(vin):
            return config_error("Single Select VIN must be 17 letters and digits.")
        if mode == "live" and vin.upper().startswith("0SC"):
            return config_error(
                "You have entered a test mode VIN. Please enter a VIN that "
                "belongs to a real vehicle."
            )
    make = catalog.normalize_make(params["make"]) if params.get("make") else None
    flags = _flags(params.get("flags"))
    now = ctx.clock.now()
    session: dict[str, Any] = {
        "id": secrets.token_urlsafe(18),
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "redirect_uri_given": given is not None,
        "state": state,
        "scope": scope,
        "mode": mode,
        "make": make,
        "single_select": params.get("single_select", "").lower() == "true" or vin is not None,
        "single_select_vin": vin.upper() if vin else None,
        "country": (flags.get("country") or "US").upper(),
        "force": params.get("approval_prompt") == "force",
        "user": params.get("user"),
        "response_type": response_type,
        "external_id": params.get("external_id") or None,
        "brand": make,
        "step": "preamble",  # then brand, or login when make/VIN named the brand
        "user_id": None,
        "candidates": [],
        "expires_at": now + config.SESSION_TTL,
    }
    if vin and not make:
        session["brand"] = vin_decode.make_of(vin) or catalog.DEFAULT_MAKE
    with ctx.state.lock:  # sessions live in memory: nothing to write
        ctx.state.prune(now)
        ctx.state.sessions[session["id"]] = session
    return session


def _redirect_error(
    session: dict[str, Any], error: str, extra: dict[str, str] | None = None
) -> Redirect:
    params: dict[str, str | None] = {
        "error": error,
        "error_description": CONNECT_BY_ERROR[error].description,
    }
    params.update(extra or {})
    params["state"] = session["state"]
    return Redirect(with_query(session["redirect_uri"], params))


# ------------------------------------------------------------------ sign-in


def _ensure_account(
    ctx: Context, plan: accounts.AccountPlan, extra_vin: str | None
) -> tuple[str, list[dict[str, Any]]]:
    """Find or create the user of this login and their vehicles (caller holds no lock)."""
    now = ctx.clock.now()
    with ctx.state.changing() as data:
        user_id = data["user_index"].get(plan.user_key)
        if user_id is None or user_id not in data["users"]:
            user_id = ids.new_id(ctx.seed, "user", plan.user_key)
            data["users"][user_id] = {
                "id": user_id,
                "email": plan.email,
                "make": plan.make,
                "vehicle_ids": [],
                "created_at": now,
            }
            data["user_index"][plan.user_key] = user_id
            for index, spec in enumerate(plan.vehicles):
                _add_vehicle(ctx, data, user_id, spec, index, plan.user_key)
        user = data["users"][user_id]
        if extra_vin and all(data["vehicles"][v]["vin"] != extra_vin for v in user["vehicle_ids"]):
            # Single Select with a VIN this test account lacks: test mode lets any account
            # hold any VIN, so the sandbox adds it.
            model = vin_decode.decode(extra_vin) or catalog.default_model(plan.make)
            spec = accounts.VehicleSpec(
                model.make, model.model, model.year, model.type, vin=extra_vin
            )
            _add_vehicle(ctx, data, user_id, spec, len(user["vehicle_ids"]), plan.user_key)
        vehicles = [dict(data["vehicles"][v]) for v in user["vehicle_ids"]]
    return user_id, vehicles


def _add_vehicle(
    ctx: Context,
    data: dict[str, Any],
    user_id: str,
    spec: accounts.VehicleSpec,
    index: int,
    user_key: str,
) -> None:
    vehicle_id = ids.new_id(ctx.seed, "vehicle", user_key, index)
    vin = spec.vin or ids.new_vin(ctx.seed, spec.make, user_key, index)
    data["vehicles"][vehicle_id] = {
        "id": vehicle_id,
        "vin": vin,
        "make": spec.make,
        "model": spec.model,
        "year": spec.year,
        "type": spec.type,
        "level": spec.level,
        "forced_error": list(spec.forced_error) if spec.forced_error else None,
        "user_id": user_id,
        "locked": None,
        "charging": None,
        "charge_limit": None,
        # vehicle_state: a login's first vehicle starts plugged in, its others unplugged.
        "initial_plugged": index == 0,
    }
    data["users"][user_id]["vehicle_ids"].append(vehicle_id)


def _serves(vehicle: dict[str, Any], permission: str) -> bool:
    """Whether a vehicle can serve a required permission (an incompatible one serves none)."""
    if vehicle.get("level") in ("incompatible", "dinosaur"):
        return False
    return vehicle_permissions.servable(vehicle, permission)


LIVE_MODE_REFUSAL = (
    "{email} is a test sign-in: it works only in test or simulated mode, and this Connect "
    "URL asks for mode=live. Use mode=test, or sign in with an ordinary email."
)


def sign_in(ctx: Context, session: dict[str, Any], email: str) -> Outcome:
    plan = accounts.plan_for(email, session["brand"])
    if not isinstance(plan, str) and plan.special and session["mode"] == "live":
        plan = LIVE_MODE_REFUSAL.format(email=email.strip())
    if isinstance(plan, str):
        html = pages.login_page(session["id"], session["brand"] or "", plan, email)
        return Page(html, 400, plan)
    if plan.connect_error is not None:
        return _redirect_error(session, plan.connect_error.error, plan.connect_error.extra)
    user_id, vehicles = _ensure_account(ctx, plan, session["single_select_vin"])
    if session["single_select_vin"]:
        vehicles = [v for v in vehicles if v["vin"] == session["single_select_vin"]]
    required = [s["name"] for s in session["scope"] if s["required"]]
    compatible = [
        v for v in vehicles if v.get("level") != "dinosaur" and all(_serves(v, p) for p in required)
    ]
    if not compatible:
        first = vehicles[0] if vehicles else None
        extra = (
            {
                "vin": first["vin"],
                "make": first["make"],
                "model": first["model"],
                "year": str(first["year"]),
            }
            if first
            else {}
        )
        return _redirect_error(session, "vehicle_incompatible", extra)
    session.update(user_id=user_id, candidates=[v["id"] for v in compatible], step="grant")
    if not session["force"]:
        approved = _previous_approval(ctx, session)
        if approved:
            return _issue_code(ctx, session, approved)
    return Page(_grant_html(ctx, session))


def _previous_approval(ctx: Context, session: dict[str, Any]) -> list[str]:
    """With approval_prompt=auto: the vehicles approved before for at least this scope."""
    key = f"{session['client_id']}|{session['user_id']}"
    with ctx.state.reading() as data:
        approval = data["approvals"].get(key)
    if not approval:
        return []
    wanted = {s["name"] for s in session["scope"]}
    if not wanted <= set(approval["permissions"]):
        return []
    vehicles = [v for v in approval["vehicle_ids"] if v in session["candidates"]]
    return vehicles[:1] if session["single_select"] else vehicles


def _grant_html(ctx: Context, session: dict[str, Any], message: str = "") -> str:
    with ctx.state.reading() as data:
        vehicles = [dict(data["vehicles"][v]) for v in session["candidates"]]
    return pages.grant_page(
        session["id"],
        session["client_id"],
        vehicles,
        session["scope"],
        session["single_select"],
        message,
    )


# ------------------------------------------------------------------ decision


def decide(
    ctx: Context, session: dict[str, Any], approve: bool, selected: list[str] | None
) -> Outcome:
    if not approve:
        _end(ctx, session)
        return _redirect_error(session, "access_denied")
    chosen = (
        session["candidates"]
        if selected is None
        else [v for v in session["candidates"] if v in selected]
    )
    if session["single_select"]:
        chosen = chosen[:1]
    if not chosen:
        return Page(_grant_html(ctx, session, "Select at least one vehicle."), 400)
    return _issue_code(ctx, session, chosen)


def _issue_code(ctx: Context, session: dict[str, Any], vehicle_ids: list[str]) -> Redirect:
    now = ctx.clock.now()
    permissions = [s["name"] for s in session["scope"]]
    code = ids.token() if session.get("response_type", "code") == "code" else None
    grant_id = ids.token()
    with ctx.state.changing() as data:
        # What each vehicle is granted: the requested permissions it can serve. The v2.0
        # grant and the v3 connections hold the same lists.
        per_vehicle = {
            v: vehicle_permissions.granted(data["vehicles"][v], permissions) for v in vehicle_ids
        }
        v3_connections.record_approval(data, ctx.seed, session, vehicle_ids, per_vehicle, now)
        data["grants"][grant_id] = {
            "id": grant_id,
            "client_id": session["client_id"],
            "user_id": session["user_id"],
            "vehicle_ids": list(vehicle_ids),
            "permissions": permissions,
            "vehicle_permissions": per_vehicle,
            "mode": session["mode"],
            "created_at": now,
        }
        if code is not None:
            data["codes"][code] = {
                "grant_id": grant_id,
                "client_id": session["client_id"],
                "redirect_uri": session["redirect_uri"],
                "redirect_uri_given": session["redirect_uri_given"],
                "expires_at": now + config.CODE_TTL,
            }
        key = f"{session['client_id']}|{session['user_id']}"
        previous = data["approvals"].get(key, {"permissions": [], "vehicle_ids": []})
        data["approvals"][key] = {
            "permissions": sorted(set(previous["permissions"]) | set(permissions)),
            "vehicle_ids": list(dict.fromkeys([*vehicle_ids, *previous["vehicle_ids"]])),
        }
    _end(ctx, session)
    # Auto-subscribing webhooks take the new connections (tui.sandbox.webhooks.engine).
    ctx.vehicle_events.connected(session["client_id"], session["user_id"], tuple(vehicle_ids))
    params = {
        "code": code,
        "user_id": session["user_id"],
        "state": session["state"],
        "external_id": session.get("external_id"),
    }
    return Redirect(with_query(session["redirect_uri"], params))


def _end(ctx: Context, session: dict[str, Any]) -> None:
    with ctx.state.lock:
        ctx.state.sessions.pop(session["id"], None)


# ------------------------------------------------------------------ HTTP


def _first_values(query: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in query.items() if v}


def _render(outcome: Outcome | dict[str, Any]) -> Response:
    if isinstance(outcome, Redirect):
        return redirect(outcome.location)
    if isinstance(outcome, Page):
        return html_response(outcome.status, outcome.html)
    session = outcome
    if session["step"] == "preamble":
        return html_response(200, pages.preamble_page(session["id"], session["client_id"]))
    if session["step"] == "brand":
        return html_response(200, pages.brand_page(session["id"], session["country"]))
    return html_response(200, pages.login_page(session["id"], session["brand"] or ""))


def handle_authorize(ctx: Context, request: Request) -> Response:
    try:
        if request.method in ("GET", "HEAD"):
            return _render(begin(ctx, _first_values(request.query)))
        if request.method == "POST":
            return _render(_continue(ctx, request))
    except ConnectInputError as error:
        return html_response(400, pages.error_page(str(error)))
    return html_response(405, pages.error_page("Use GET or POST."))


def _continue(ctx: Context, request: Request) -> Outcome | dict[str, Any]:
    form = request.form()
    with ctx.state.lock:
        ctx.state.prune(ctx.clock.now())
        session = ctx.state.sessions.get(form.get("session", ""))
    if session is None:
        raise ConnectInputError(
            "This Connect session has expired or is unknown; start again from your application."
        )
    step = form.get("step")
    if form.get("action") == "return":  # "Back to application", on any page
        _end(ctx, session)
        return _redirect_error(session, "user_manually_returned_to_application")
    if step == "preamble" and session["step"] == "preamble":
        session["step"] = "login" if session["brand"] else "brand"
        if not form.get("brand"):
            return session
        step = "brand"  # a brand posted along with the preamble picks it at once
    if step == "brand" and session["step"] in ("brand", "login"):
        make = catalog.normalize_make(form.get("brand", ""))
        if make is None:
            return session
        session.update(brand=make, step="login")
        return session
    if step == "login" and session["step"] in ("login", "grant"):
        return sign_in(ctx, session, form.get("username", ""))
    if step == "grant" and session["step"] == "grant":
        action = form.get("action")
        if action not in ("approve", "deny"):
            return Page(_grant_html(ctx, session, "Choose Allow or Deny access."), 400)
        return decide(ctx, session, action == "approve", request.form_list("vehicle"))
    raise ConnectInputError("This page is out of step with the Connect session; start again.")


def handle_reauthenticate(ctx: Context, request: Request) -> Response:
    """Re-authentication: in test mode the owner signs in at once, so redirect straight back."""
    params = _first_values(request.query)
    if params.get("response_type") != "vehicle_id":
        return html_response(400, pages.error_page("response_type must be 'vehicle_id'."))
    with ctx.state.reading() as data:
        client = data["clients"].get(params.get("client_id", ""))
        known_vehicle = params.get("vehicle_id", "") in data["vehicles"]
    if client is None:
        return html_response(400, pages.error_page("Unknown client_id."))
    uri = params.get("redirect_uri") or (client["redirect_uris"] or [None])[0]
    if uri is None or uri not in client["redirect_uris"]:
        return html_response(400, pages.error_page("redirect_uri is not registered."))
    if not known_vehicle:
        return html_response(400, pages.error_page("Unknown vehicle_id."))
    return redirect(
        with_query(uri, {"vehicle_id": params["vehicle_id"], "state": params.get("state")})
    )


# ------------------------------------------------------------------ non-interactive


def approve(
    ctx: Context, authorize_url: str, email: str, *, deny: bool = False, brand: str | None = None
) -> str:
    """Walk Connect for ``authorize_url`` as ``email``; the redirect Location it ends with.

    Approves every offered vehicle (the first one with single_select). Raises
    ``ConnectInputError`` when the URL cannot start Connect or the email is unusable.
    """
    query = parse_qs(urlsplit(authorize_url).query, keep_blank_values=True)
    started = begin(ctx, _first_values(query))
    if isinstance(started, Redirect):
        return started.location
    session = started
    if session["brand"] is None and brand:
        chosen = catalog.normalize_make(brand)
        if chosen is None:
            raise ConnectInputError(f"Unknown brand {brand!r}; one of {', '.join(catalog.MAKES)}.")
        session["brand"] = chosen
    # Without a brand, the email decides (a VIN naming its make) or the default make does.
    if deny:
        session["force"] = True  # a remembered approval must not skip the Deny
    outcome = sign_in(ctx, session, email)
    if isinstance(outcome, Page):
        if outcome.status != 200:
            _end(ctx, session)
            raise ConnectInputError(outcome.message or f"Cannot sign in as {email!r}.")
        outcome = decide(ctx, session, not deny, None)
    if isinstance(outcome, Page):  # cannot happen: every candidate is approved
        raise ConnectInputError("Connect could not finish.")
    return outcome.location
