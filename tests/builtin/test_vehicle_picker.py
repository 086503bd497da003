"""Vehicle picker data: ids from vehicle_id_all, attributes through the send pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tui.core.errors import CarmanError
from tui.core.model import AuthModel, OAuth2Settings
from tui.core.send import NeedsLogin, SendPipeline
from tui.core.smartcar import errors as table
from tui.core.smartcar import vehicles
from tui.core.workspace import Workspace

TESLA = "36ab27d0-fd9d-4455-823a-ce30af709ffc"
AUDI = "7a1a5a4a-2f9c-4a3c-9a5e-0f3a1e2d4c5b"
BROKEN = "00000000-0000-4000-8000-000000000bad"
ATTRIBUTES = {
    TESLA: {"id": TESLA, "make": "TESLA", "model": "Model 3", "year": 2021},
    AUDI: {"id": AUDI, "make": "AUDI", "model": "A4", "year": "2016"},
}


class FakeTokens:
    """A TokenSource that always has a token, and counts ensure_fresh calls."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.ensured = 0

    async def access_token(self, settings: OAuth2Settings, *, stale: str | None = None) -> str:
        if self.fail:
            raise NeedsLogin("Not logged in. Log in with ctrl+o in carman")
        return "token-123"

    async def app_token(self, *, stale: str | None = None) -> str:
        return await self.access_token(OAuth2Settings(), stale=stale)

    async def ensure_fresh(self, settings: OAuth2Settings) -> None:
        self.ensured += 1
        if self.fail:
            raise NeedsLogin("Not logged in. Log in with ctrl+o in carman")

    def secret_values(self) -> set[str]:
        return {"token-123"}


class FakeSmartcar:
    """The attributes endpoint, answering from ATTRIBUTES; records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        vehicle_id = request.url.path.rsplit("/", 1)[-1]
        if request.headers.get("authorization") != "Bearer token-123":
            return httpx.Response(401, json=table.error_body("AUTHENTICATION", None, "r"))
        if vehicle_id not in ATTRIBUTES:
            return httpx.Response(403, json=table.error_body("PERMISSION", None, "r"))
        return httpx.Response(200, json=ATTRIBUTES[vehicle_id])


@pytest.fixture
def smartcar_api() -> FakeSmartcar:
    return FakeSmartcar()


@pytest.fixture
async def workspace(xdg: Path, smartcar_api: FakeSmartcar):  # type: ignore[no-untyped-def]
    ws = Workspace().load("sandbox")
    # The v2.0 path (per-vehicle tokens); the v3 one, from connections, is in tests/v3.
    assert ws.environment is not None
    ws.environment.auth_model = AuthModel.CONNECT
    ws.pipeline = SendPipeline(transport=httpx.MockTransport(smartcar_api))
    ws.set_token_source(FakeTokens())
    yield ws
    await ws.aclose()


def test_label() -> None:
    summary = vehicles.VehicleSummary(TESLA, "TESLA", "Model 3", 2021)
    assert summary.label == "2021 TESLA Model 3"
    assert vehicles.VehicleSummary(TESLA).label == "vehicle 36ab27d0…"
    assert vehicles.VehicleSummary(TESLA, make="AUDI").label == "AUDI"


def test_vehicle_ids(workspace: Workspace) -> None:
    assert vehicles.vehicle_ids(workspace) == []
    workspace.set_session({"vehicle_id": TESLA})
    assert vehicles.vehicle_ids(workspace) == [TESLA]
    workspace.set_session({"vehicle_id_all": json.dumps([TESLA, AUDI, TESLA])})
    assert vehicles.vehicle_ids(workspace) == [TESLA, AUDI]
    workspace.set_session({"vehicle_id_all": "not json"})
    assert vehicles.vehicle_ids(workspace) == [TESLA]


async def test_list_vehicles_fetches_through_the_pipeline_and_caches(
    workspace: Workspace, smartcar_api: FakeSmartcar
) -> None:
    workspace.set_session({"vehicle_id": TESLA, "vehicle_id_all": json.dumps([TESLA, AUDI])})
    before = workspace.variables.layer("session")
    found = await vehicles.list_vehicles(workspace)
    assert [s.label for s in found] == ["2021 TESLA Model 3", "2016 AUDI A4"]
    assert all(s.ok for s in found)
    assert found[1].year == 2016  # a string year is read as a number
    urls = {str(call.url) for call in smartcar_api.calls}
    assert urls == {f"http://127.0.0.1:8700/v2.0/vehicles/{v}" for v in (TESLA, AUDI)}
    assert all(call.headers["sc-unit-system"] == "metric" for call in smartcar_api.calls)
    # Background lookups capture nothing.
    assert workspace.variables.layer("session") == before
    # Second time: from the cache, no request.
    again = await vehicles.list_vehicles(workspace)
    assert again == found
    assert len(smartcar_api.calls) == 2
    refreshed = await vehicles.list_vehicles(workspace, refresh=True)
    assert refreshed == found
    assert len(smartcar_api.calls) == 4
    current = vehicles.current_vehicle(workspace)
    assert current is not None and current.label == "2021 TESLA Model 3"


async def test_failures_are_reported_per_vehicle_and_not_cached(
    workspace: Workspace, smartcar_api: FakeSmartcar
) -> None:
    workspace.set_session({"vehicle_id_all": json.dumps([TESLA, BROKEN])})
    found = await vehicles.list_vehicles(workspace)
    assert found[0].ok
    assert not found[1].ok
    assert found[1].error == "PERMISSION — the token lacks a permission"
    assert found[1].label == "vehicle 00000000…"
    await vehicles.list_vehicles(workspace)
    asked = [str(call.url).rsplit("/", 1)[-1] for call in smartcar_api.calls]
    assert asked.count(BROKEN) == 2 and asked.count(TESLA) == 1


async def test_no_login_gives_an_error_per_vehicle(
    workspace: Workspace, smartcar_api: FakeSmartcar
) -> None:
    workspace.set_token_source(FakeTokens(fail=True))
    workspace.set_session({"vehicle_id_all": json.dumps([TESLA, AUDI])})
    found = await vehicles.list_vehicles(workspace)
    assert [s.ok for s in found] == [False, False]
    assert "ctrl+o" in found[0].error
    assert smartcar_api.calls == []


async def test_cache_is_per_environment(workspace: Workspace, smartcar_api: FakeSmartcar) -> None:
    workspace.set_session({"vehicle_id_all": json.dumps([TESLA])})
    await vehicles.list_vehicles(workspace)
    cache = vehicles.cache_for(workspace)
    assert cache.get("sandbox", TESLA) is not None
    assert cache.get("test", TESLA) is None
    vehicles.forget(workspace, "sandbox")
    assert cache.get("sandbox", TESLA) is None
    assert vehicles.cache_for(Workspace()) is not cache


async def test_no_ids_no_requests(workspace: Workspace, smartcar_api: FakeSmartcar) -> None:
    assert await vehicles.list_vehicles(workspace) == []
    assert smartcar_api.calls == []


def test_select_vehicle_sets_the_session_variable(workspace: Workspace) -> None:
    vehicles.select_vehicle(workspace, AUDI)
    assert workspace.variables.get("vehicle_id") == AUDI
    assert workspace.variables.layer("session")["vehicle_id"] == AUDI
    # Kept per environment: a new workspace on the same directories sees it.
    assert Workspace().load("sandbox").variables.get("vehicle_id") == AUDI
    with pytest.raises(CarmanError):
        vehicles.select_vehicle(workspace, "  ")
