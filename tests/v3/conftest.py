"""Shared pieces of the Smartcar v3 tests: a real sandbox on 127.0.0.1, a sandbox workspace
with carman's own token manager (on a clock the test moves), and a login through the real
callback listener, the sandbox playing the browser.

The sandbox's special accounts: ``3-vehicles@smartcar.com`` has a plugged-in Tesla Model 3
(BEV), a petrol Audi A4 and an unplugged Chevrolet Volt (PHEV); ``2-vehicles@smartcar.com`` a
plugged-in Tesla and a petrol Audi.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.oauth.oauth_fakes import Clock
from tui.core.model import Collection, Request
from tui.core.oauth.flow import LoginResult
from tui.core.oauth.manager import TokenManager
from tui.core.session import point_at_sandbox
from tui.core.workspace import Workspace
from tui.sandbox import Sandbox, start_sandbox

FLEET = "3-vehicles@smartcar.com"


@pytest.fixture
def sandbox(xdg: Path) -> Iterator[Sandbox]:
    with start_sandbox(state_dir=xdg / "sandbox-state", seed=11) as running:
        yield running


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def manager(xdg: Path, sandbox: Sandbox, clock: Clock) -> AsyncIterator[TokenManager]:
    """The sandbox environment (auth_model = "api") aimed at this sandbox, as carman starts."""
    workspace = Workspace().load("sandbox")
    point_at_sandbox(workspace, sandbox)
    tokens = TokenManager(workspace, clock=clock)
    workspace.set_token_source(tokens)
    yield tokens
    await workspace.aclose()


def smartcar_of(workspace: Workspace) -> Collection:
    return next(c for c in workspace.collections if c.name == "Smartcar API")


def request_at(workspace: Workspace, *path: str) -> tuple[Collection, Request]:
    collection = smartcar_of(workspace)
    request = collection.find(list(path))
    assert request is not None, path
    return collection, request


async def send(workspace: Workspace, *path: str):  # type: ignore[no-untyped-def]
    collection, request = request_at(workspace, *path)
    exchange, capture = await workspace.send(collection, request)
    assert exchange.error is None, exchange.error
    assert exchange.response is not None
    return exchange, capture


async def log_in(
    manager: TokenManager,
    sandbox: Sandbox,
    email: str = FLEET,
    *,
    brand: str = "TESLA",
    **changes: Any,
) -> tuple[LoginResult, str]:
    """``ctrl+o``'s login (core): the real listener on a free port; the sandbox approves as
    ``email`` and an HTTP client follows its redirect to the listener, as a browser would.
    Returns the result and the redirect location."""
    settings = dataclasses.replace(
        manager.require_settings(), redirect_uri="http://127.0.0.1:0/exchange", **changes
    )
    flow = manager.login(settings, timeout=60)
    flow.start()
    sandbox.register_redirect_uri(flow.settings.redirect_uri)  # now with the real port
    try:
        waiting = asyncio.create_task(flow.wait())
        location = sandbox.approve(flow.authorize_url, email, brand=brand)
        async with httpx.AsyncClient(timeout=10) as browser:
            page = await browser.get(location)
        assert page.status_code == 200 and "close this tab" in page.text, page.text
        return await waiting, location
    finally:
        flow.stop()
