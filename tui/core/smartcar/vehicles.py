"""Vehicle picker data: which vehicles the login reaches, and what they are.

Two sources, by the environment's auth model:

* ``api`` (Smartcar v3): the application's connections, ``GET {{vehicle_url}}/v3/connections``
  with the application token: each names its vehicle (make, model, year) and its user, so
  one call labels every vehicle and picking one sets both ``vehicle_id`` and ``user_id``.
* ``connect`` (v2.0): User/All Vehicles captures ``vehicle_id`` (the first id) and
  ``vehicle_id_all`` (every id, a JSON list); each id's attributes are asked for.

Both go through the workspace's own send pipeline (same tokens, renewal and transport).
``select_vehicle`` makes one of them the session's ``vehicle_id`` (and ``user_id``). Headless:
no textual, no rich.

Attributes never change for a vehicle id, so they are cached in memory per workspace and
environment; failures are not cached, so the next call tries again.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.core.errors import CarmanError
from tui.core.exchange import Exchange
from tui.core.model import Auth, AuthKind, AuthModel, KeyValue, OAuth2Settings, Request
from tui.core.prepare import prepare
from tui.core.send import NeedsLogin

if TYPE_CHECKING:
    from tui.core.workspace import Workspace

VEHICLE_ID = "vehicle_id"
VEHICLE_IDS = "vehicle_id_all"
USER_ID = "user_id"
ATTRIBUTES_URL = "{{api_url}}/v{{api_version}}/vehicles/"
CONNECTIONS_URL = "{{vehicle_url}}/v3/connections"
# The picker reads at most this many pages of 100 connections (newest first).
CONNECTION_PAGES = 5
CONNECTION_PAGE_SIZE = 100
# Attribute lookups run side by side, but few at a time: Smartcar throttles per vehicle and
# per application, and a picker is not worth a 429.
MAX_CONCURRENT = 4


@dataclass(frozen=True)
class VehicleSummary:
    id: str
    make: str = ""
    model: str = ""
    year: int | None = None
    error: str = ""  # why the attributes could not be had ("" when they were)
    # v3: the connection's user (sc-user-id), its id, and the vehicle's powertrain.
    user_id: str = ""
    connection_id: str = ""
    powertrain: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def label(self) -> str:
        """``2021 TESLA Model 3``; the short id when the attributes are unknown."""
        return vehicle_label(self)


def vehicle_label(summary: VehicleSummary) -> str:
    parts = [str(summary.year) if summary.year else "", summary.make, summary.model]
    text = " ".join(part for part in parts if part)
    return text or f"vehicle {short_id(summary.id)}"


def short_id(vehicle_id: str) -> str:
    return vehicle_id if len(vehicle_id) <= 8 else f"{vehicle_id[:8]}…"


# ---- the per-workspace cache -----------------------------------------------------------


class VehicleCache:
    """Attributes by (environment, vehicle id). One per workspace; in memory only.

    It remembers which ids were already looked up (so a status bar asks once per id, not at
    every refresh) and announces new answers to its subscribers.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], VehicleSummary] = {}
        self._attempted: set[tuple[str, str]] = set()
        self._listeners: list[Callable[[], None]] = []

    def get(self, environment: str, vehicle_id: str) -> VehicleSummary | None:
        return self._entries.get((environment, vehicle_id))

    def put(self, environment: str, summary: VehicleSummary) -> None:
        self._attempted.add((environment, summary.id))
        if summary.ok:
            self._entries[(environment, summary.id)] = summary
            self._changed()

    def mark_attempted(self, environment: str, vehicle_id: str) -> None:
        """A lookup of this id is under way: it is not asked for again meanwhile."""
        self._attempted.add((environment, vehicle_id))

    def forget_attempt(self, environment: str, vehicle_id: str) -> None:
        """The lookup failed: it may be asked for again."""
        self._attempted.discard((environment, vehicle_id))

    def attempted(self, environment: str, vehicle_id: str) -> bool:
        """Was this id looked up already (answered or failed) since the last clear?"""
        return (environment, vehicle_id) in self._attempted

    def clear(self, environment: str | None = None) -> None:
        if environment is None:
            self._entries.clear()
            self._attempted.clear()
        else:
            self._entries = {k: v for k, v in self._entries.items() if k[0] != environment}
            self._attempted = {k for k in self._attempted if k[0] != environment}
        self._changed()

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` when an answer arrives or the cache is cleared; returns the
        function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()


# Keyed weakly by workspace: the cache lives and dies with its workspace, and two workspaces
# (the TUI and a test, say) never share answers.
_CACHES: weakref.WeakKeyDictionary[Workspace, VehicleCache] = weakref.WeakKeyDictionary()


def cache_for(workspace: Workspace) -> VehicleCache:
    cache = _CACHES.get(workspace)
    if cache is None:
        cache = _CACHES[workspace] = VehicleCache()
    return cache


def forget(workspace: Workspace, environment: str | None = None) -> None:
    """Drop cached attributes (after a new login, say); all environments when None."""
    cache_for(workspace).clear(environment)


# ---- reading the ids ---------------------------------------------------------------------


def vehicle_ids(workspace: Workspace) -> list[str]:
    """The ids of ``vehicle_id_all`` (a JSON list), else just ``vehicle_id``, else none."""
    raw = workspace.variables.get(VEHICLE_IDS)
    ids: list[str] = []
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            ids = [str(item) for item in parsed if isinstance(item, str | int) and str(item)]
        elif isinstance(parsed, str) and parsed:
            ids = [parsed]
    if not ids:
        single = workspace.variables.get(VEHICLE_ID)
        if single:
            ids = [single]
    return list(dict.fromkeys(ids))  # keep order, drop duplicates


def uses_connections(workspace: Workspace) -> bool:
    """Does the picker list v3 connections (API Authentication) rather than v2.0 ids?"""
    env = workspace.environment
    return (
        env is not None
        and env.auth_model == AuthModel.API
        and not workspace.variables.resolve(CONNECTIONS_URL).unresolved
    )


def current_vehicle(workspace: Workspace) -> VehicleSummary | None:
    """The selected vehicle as far as the cache knows it (for a status bar); None if unset."""
    vehicle_id = workspace.variables.get(VEHICLE_ID)
    if not vehicle_id:
        return None
    cached = cache_for(workspace).get(workspace.environment_name, vehicle_id)
    return cached or VehicleSummary(vehicle_id)


# ---- fetching --------------------------------------------------------------------------


def attributes_request(vehicle_id: str) -> Request:
    """GET the vehicle's attributes with the environment's OAuth2 login."""
    return Request(
        name="Vehicle attributes",
        method="GET",
        url=ATTRIBUTES_URL + vehicle_id,
        headers=[KeyValue("SC-Unit-System", "{{unit_system}}")],
        auth=Auth(kind=AuthKind.OAUTH2),
        meta={"permission": "read_vehicle_info"},
    )


async def list_vehicles(workspace: Workspace, *, refresh: bool = False) -> list[VehicleSummary]:
    """Summaries of the vehicles to pick from.

    With API Authentication: every connection of the application, newest first (one entry per
    user and vehicle); if they cannot be listed, the v2.0 ids below, and with none of those
    a ``CarmanError`` saying why. Else: every vehicle in ``vehicle_id_all``, in that order;
    cached answers are reused unless ``refresh``, and a vehicle whose attributes cannot be had
    comes back with ``error`` set (the picker can still select it by id). Nothing is captured
    into variables and nothing is announced to exchange listeners: these are background
    lookups, not the user's sends.
    """
    if uses_connections(workspace):
        try:
            return await list_connections(workspace)
        except CarmanError:
            if not vehicle_ids(workspace):
                raise
    return await _list_v2_vehicles(workspace, refresh=refresh)


async def list_connections(workspace: Workspace) -> list[VehicleSummary]:
    """The application's connections (v3), newest first, as summaries with their user; the
    cache learns every vehicle's label. Raises CarmanError (with the explainer's words) when
    they cannot be listed."""
    environment = workspace.environment_name
    cache = cache_for(workspace)
    found: list[VehicleSummary] = []
    for page in range(1, CONNECTION_PAGES + 1):
        request = connections_request(page)
        try:
            prepared = prepare(request, workspace.variables, request.auth)
            exchange = await workspace.pipeline.send(prepared)
        except NeedsLogin as exc:
            raise CarmanError(str(exc)) from None
        items, more = _connections_page(exchange, request)
        for item in items:
            found.append(item)
            cache.put(environment, VehicleSummary(item.id, item.make, item.model, item.year))
        if not more:
            break
    return found


def connections_request(page: int = 1) -> Request:
    """GET one page of the application's connections with the application token."""
    return Request(
        name="List connections",
        method="GET",
        url=CONNECTIONS_URL,
        params=[
            KeyValue("page[number]", str(page)),
            KeyValue("page[size]", str(CONNECTION_PAGE_SIZE)),
        ],
        auth=Auth(kind=AuthKind.APP_TOKEN),
        meta={"permission": "none"},
    )


def _connections_page(exchange: Exchange, request: Request) -> tuple[list[VehicleSummary], bool]:
    if exchange.error is not None:
        raise CarmanError(f"Could not list the connections: {exchange.error.message}")
    response = exchange.response
    assert response is not None
    if not exchange.ok:
        from tui.core.smartcar.explainer import explain  # ~10 ms of a start: only on an error

        explanation = explain(exchange, request=request)
        reason = explanation.title if explanation else f"HTTP {response.status} {response.reason}"
        raise CarmanError(f"Could not list the connections: {reason.strip()}")
    try:
        body = response.json()
    except ValueError:
        body = None
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise CarmanError("Could not list the connections: the answer has no data list")
    summaries = [s for s in (connection_summary(item) for item in data) if s is not None]
    links = body.get("links") if isinstance(body, dict) else None
    more = isinstance(links, dict) and bool(links.get("next")) and bool(data)
    return summaries, more


def connection_summary(item: object) -> VehicleSummary | None:
    """One v3 connection resource as a summary (None when it names no vehicle)."""
    if not isinstance(item, dict):
        return None

    def related(name: str) -> str:
        relationships = item.get("relationships")
        entry = relationships.get(name) if isinstance(relationships, dict) else None
        data = entry.get("data") if isinstance(entry, dict) else None
        value = data.get("id") if isinstance(data, dict) else None
        return str(value) if isinstance(value, str | int) else ""

    vehicle_id = related("vehicle")
    if not vehicle_id:
        return None
    attributes = item.get("attributes")
    vehicle = attributes.get("vehicle") if isinstance(attributes, dict) else None
    vehicle = vehicle if isinstance(vehicle, dict) else {}
    return VehicleSummary(
        id=vehicle_id,
        make=str(vehicle.get("make") or ""),
        model=str(vehicle.get("model") or ""),
        year=_year(vehicle.get("year")),
        user_id=related("user"),
        connection_id=str(item.get("id") or ""),
        powertrain=str(vehicle.get("powertrainType") or ""),
    )


async def _list_v2_vehicles(workspace: Workspace, *, refresh: bool) -> list[VehicleSummary]:
    ids = vehicle_ids(workspace)
    if not ids:
        return []
    environment = workspace.environment_name
    cache = cache_for(workspace)
    found: dict[str, VehicleSummary] = {}
    missing: list[str] = []
    for vehicle_id in ids:
        cached = None if refresh else cache.get(environment, vehicle_id)
        if cached is not None:
            found[vehicle_id] = cached
        else:
            missing.append(vehicle_id)
    if missing:
        for summary in await _fetch_all(workspace, missing):
            cache.put(environment, summary)
            found[summary.id] = summary
    return [found[vehicle_id] for vehicle_id in ids]


async def _fetch_all(workspace: Workspace, ids: list[str]) -> list[VehicleSummary]:
    settings = workspace.oauth_settings(None, attributes_request(ids[0]))
    resolved = workspace.resolve_settings(settings) if settings is not None else None
    source = workspace.pipeline.token_source
    try:
        if resolved is not None and source is not None:
            # One refresh up front, not one per vehicle (the token source is single-flight
            # anyway, but this keeps N lookups from all waiting on it).
            await source.ensure_fresh(resolved)
    except (NeedsLogin, CarmanError) as exc:
        return [VehicleSummary(vehicle_id, error=str(exc)) for vehicle_id in ids]
    limit = asyncio.Semaphore(MAX_CONCURRENT)

    async def one(vehicle_id: str) -> VehicleSummary:
        async with limit:
            return await _fetch(workspace, vehicle_id, resolved)

    return list(await asyncio.gather(*(one(vehicle_id) for vehicle_id in ids)))


async def _fetch(
    workspace: Workspace, vehicle_id: str, oauth2: OAuth2Settings | None
) -> VehicleSummary:
    request = attributes_request(vehicle_id)
    try:
        # prepare() directly rather than workspace.prepare(): that one also swaps the
        # collection variables layer, which would disturb whatever the user has open.
        prepared = prepare(request, workspace.variables, request.auth)
        exchange = await workspace.pipeline.send(prepared, oauth2=oauth2)
    except (NeedsLogin, CarmanError) as exc:
        return VehicleSummary(vehicle_id, error=str(exc))
    return summary_from_exchange(vehicle_id, exchange, request)


def summary_from_exchange(
    vehicle_id: str, exchange: Exchange, request: Request | None = None
) -> VehicleSummary:
    """Read make, model and year from an attributes answer, or say why it failed."""
    if exchange.error is not None:
        return VehicleSummary(vehicle_id, error=exchange.error.message)
    response = exchange.response
    assert response is not None
    if not exchange.ok:
        from tui.core.smartcar.explainer import explain  # ~10 ms of a start: only on an error

        explanation = explain(exchange, request=request)
        reason = explanation.title if explanation else f"HTTP {response.status} {response.reason}"
        return VehicleSummary(vehicle_id, error=reason.strip())
    try:
        body = response.json()
    except ValueError:
        return VehicleSummary(vehicle_id, error="the attributes answer is not JSON")
    if not isinstance(body, dict):
        return VehicleSummary(vehicle_id, error="the attributes answer is not a JSON object")
    return VehicleSummary(
        id=vehicle_id,  # the id asked for: the picker keys by it
        make=str(body.get("make") or ""),
        model=str(body.get("model") or ""),
        year=_year(body.get("year")),
    )


def _year(value: object) -> int | None:
    # Smartcar sends an integer; one documentation example shows a string ("2014").
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# ---- selecting -------------------------------------------------------------------------


def select_vehicle(workspace: Workspace, vehicle_id: str, user_id: str | None = None) -> None:
    """Make ``vehicle_id`` the session's ``{{vehicle_id}}`` (kept per environment), and with a
    v3 connection its user the session's ``{{user_id}}`` (sent as ``sc-user-id``)."""
    vehicle_id = vehicle_id.strip()
    if not vehicle_id:
        raise CarmanError("No vehicle id to select")
    values = {VEHICLE_ID: vehicle_id}
    if user_id and user_id.strip():
        values[USER_ID] = user_id.strip()
    workspace.set_session(values)


__all__ = [
    "VehicleCache",
    "VehicleSummary",
    "attributes_request",
    "connection_summary",
    "connections_request",
    "current_vehicle",
    "forget",
    "list_connections",
    "list_vehicles",
    "select_vehicle",
    "summary_from_exchange",
    "uses_connections",
    "vehicle_ids",
    "vehicle_label",
]


async def granted_permissions(workspace: Workspace, vehicle_id: str) -> list[str] | None:
    """The permissions the current token holds for ``vehicle_id`` (all pages), or None.

    The error explainer uses it to say whether a 403's missing permission was granted. With
    API Authentication: what the connection of ``vehicle_id`` (and ``{{user_id}}``) holds.
    """
    if uses_connections(workspace):
        return await _connection_permissions(workspace, vehicle_id)
    request = Request(
        name="Vehicle permissions",
        url=ATTRIBUTES_URL + vehicle_id + "/permissions",
        params=[KeyValue("limit", "100")],
        auth=Auth(kind=AuthKind.OAUTH2),
    )
    settings = workspace.oauth_settings(None, request)
    resolved = workspace.resolve_settings(settings) if settings is not None else None
    try:
        prepared = prepare(request, workspace.variables, request.auth)
        exchange = await workspace.pipeline.send(prepared, oauth2=resolved)
    except (NeedsLogin, CarmanError):
        return None
    if not exchange.ok or exchange.response is None:
        return None
    try:
        body = exchange.response.json()
    except ValueError:
        return None
    permissions = body.get("permissions") if isinstance(body, dict) else None
    if not isinstance(permissions, list):
        return None
    return [str(p) for p in permissions]


async def _connection_permissions(workspace: Workspace, vehicle_id: str) -> list[str] | None:
    request = connections_request()
    request.params = [KeyValue("filter[vehicleId]", vehicle_id)]
    user_id = workspace.variables.get(USER_ID)
    if user_id:
        request.params.append(KeyValue("filter[userId]", user_id))
    try:
        prepared = prepare(request, workspace.variables, request.auth)
        exchange = await workspace.pipeline.send(prepared)
    except (NeedsLogin, CarmanError):
        return None
    if not exchange.ok or exchange.response is None:
        return None
    try:
        data = exchange.response.json().get("data")
        permissions = data[0]["attributes"]["permissions"]
    except (ValueError, AttributeError, LookupError, TypeError):
        return None
    return [str(p) for p in permissions] if isinstance(permissions, list) else None
