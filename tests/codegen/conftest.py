"""Fixtures of the copy-as-code tests: a logged-in sandbox workspace and an echo workspace."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tui.core import paths
from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.model import Collection, Environment, Request
from tui.core.oauth.manager import TokenManager
from tui.core.oauth.token_store import StoredToken
from tui.core.session import point_at_sandbox
from tui.core.workspace import Workspace
from tui.sandbox import Sandbox, start_sandbox


@pytest.fixture
def sandbox(xdg: Path) -> Iterator[Sandbox]:
    with start_sandbox(state_dir=xdg / "sandbox", seed=5) as running:
        yield running


def smartcar_of(workspace: Workspace) -> Collection:
    return next(c for c in workspace.collections if c.name == "Smartcar API")


def request_at(collection: Collection, path: str) -> Request:
    request = collection.find(path.split("/"))
    assert request is not None, path
    return request


async def log_in(workspace: Workspace, sandbox: Sandbox, email: str, brand: str) -> None:
    """The collection's own Auth folder, the sandbox approving as the browser would; the
    tokens go to carman's token store as a finished login puts them."""
    collection = smartcar_of(workspace)
    url = workspace.prepare(collection, request_at(collection, "Auth/Connect URL")).url
    location = sandbox.approve(url, email, brand=brand)
    answer = parse_qs(urlsplit(location).query)
    # The redirect names the user too (Smartcar v3): kept for sc-user-id.
    workspace.set_session({"code": answer["code"][0], "user_id": answer["user_id"][0]})
    exchange, _ = await workspace.send(collection, request_at(collection, "Auth/Exchange code"))
    assert exchange.ok, exchange.response
    access = workspace.variables.get("manual_access_token")
    refresh = workspace.variables.get("manual_refresh_token")
    assert access and refresh
    settings = workspace.resolve_settings(workspace.environment.oauth2)  # type: ignore[union-attr]
    manager = workspace.pipeline.token_source
    assert isinstance(manager, TokenManager)
    token = StoredToken.from_response(access, refresh, 7200, " ".join(settings.scope), time.time())
    manager.store.put(workspace.environment_name, settings.client_id, token)
    exchange, _ = await workspace.send(collection, request_at(collection, "User/All Vehicles"))
    assert exchange.ok and workspace.variables.get("vehicle_id")


@pytest.fixture
async def smartcar_workspace(xdg: Path, sandbox: Sandbox) -> AsyncIterator[Workspace]:
    """The sandbox environment, logged in as the owner of an electric Tesla."""
    workspace = Workspace().load("sandbox")
    point_at_sandbox(workspace, sandbox)
    workspace.set_token_source(TokenManager(workspace))
    await log_in(workspace, sandbox, "owner@example.com", "TESLA")
    yield workspace
    await workspace.aclose()


@pytest.fixture
async def echo_workspace(xdg: Path, http_server: str) -> AsyncIterator[Workspace]:
    """A "local" environment whose {{base}} is the echo server of tests/conftest.py."""
    save_environment(Environment(name="local", variables={"base": http_server}))
    save_collection(Collection(name="Echo"), paths.collections_dir() / "echo")
    workspace = Workspace().load("local")
    yield workspace
    await workspace.aclose()
