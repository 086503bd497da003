"""Vehicle picker data: which vehicles the token has, and what they are.

User/All Vehicles captures ``vehicle_id`` (the first id) and ``vehicle_id_all`` (every id, a
JSON list). ``list_vehicles`` turns those ids into "2021 TESLA Model 3" by asking each vehicle's
attributes through the workspace's own send pipeline (same token, refresh and transport), and
``select_vehicle`` makes one of them the session's ``vehicle_id``. Headless: no textual, no rich.

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
from tui.core.model import Auth, AuthKind, KeyValue, OAuth2Settings, Request
from tui.core.prepare import prepare
from tui.core.send import NeedsLogin
from tui.core.smartcar.explainer import explain

if TYPE_CHECKING:
    from tui.core.workspace import Workspace

VEHICLE_ID = "vehicle_id"
VEHICLE_IDS = "vehicle_id_all"
ATTRIBUTES_URL = "{{api_url}}/v{{api_version}}/vehicles/"
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
    """Summaries of every vehicle in ``vehicle_id_all``, in that order.

    Cached answers are reused unless ``refresh``. A vehicle whose attributes cannot be had
    comes back with ``error`` set (the picker can still select it by id). Nothing is captured
    into variables and nothing is announced to exchange listeners: these are background
    lookups, not the user's sends.
    """
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
            ensure = getattr(source, "ensure_fresh", None)
            if ensure is not None:
                await ensure(resolved)
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


def select_vehicle(workspace: Workspace, vehicle_id: str) -> None:
    """Make ``vehicle_id`` the session's ``{{vehicle_id}}`` (kept per environment)."""
    vehicle_id = vehicle_id.strip()
    if not vehicle_id:
        raise CarmanError("No vehicle id to select")
    workspace.set_session({VEHICLE_ID: vehicle_id})


__all__ = [
    "VehicleCache",
    "VehicleSummary",
    "attributes_request",
    "current_vehicle",
    "forget",
    "list_vehicles",
    "select_vehicle",
    "summary_from_exchange",
    "vehicle_ids",
    "vehicle_label",
]


async def granted_permissions(workspace: Workspace, vehicle_id: str) -> list[str] | None:
    """The permissions the current token holds for ``vehicle_id`` (all pages), or None.

    The error explainer uses it to say whether a 403's missing permission was granted.
    """
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
