"""Concurrency: one token refresh for twenty concurrent sends; two carman processes sharing one
data directory keep the history and the token store whole.

tests/oauth/test_sandbox_flow.py has ten concurrent sends through one token manager; here
twenty go through two workspaces with their own managers (two windows on the same files), and
the sandbox itself counts the refreshes. tests/history/test_crash.py has two processes writing
the history with the store directly; here two processes do what ``carman send`` does, rotating
the shared refresh token on every send.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tui.sandbox.tokens as sandbox_tokens
from tests.oauth.oauth_fakes import Clock
from tests.reliability.conftest import LOGIN_EMAIL, builtin_request, sandbox_login, smartcar
from tui.core import paths
from tui.core.history import HistoryStore
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.oauth.token_store import TokenStore
from tui.core.session import point_at_sandbox
from tui.core.workspace import Workspace
from tui.sandbox import Sandbox, start_sandbox

WORKER = Path(__file__).with_name("carman_worker.py")
SENDS_PER_WORKER = 12


class RefreshLog:
    """Every refresh grant the sandbox's token endpoint handles, with the token it was given."""

    def __init__(self) -> None:
        self.used: list[str] = []
        self.lock = threading.Lock()


@pytest.fixture
def refresh_log(monkeypatch: pytest.MonkeyPatch) -> RefreshLog:
    log = RefreshLog()
    real = sandbox_tokens._refresh

    def counting(ctx: Any, client_id: str, form: dict[str, str]) -> Any:
        with log.lock:
            log.used.append(form.get("refresh_token", ""))
        return real(ctx, client_id, form)

    monkeypatch.setattr(sandbox_tokens, "_refresh", counting)
    return log


def _window(sandbox: Sandbox, clock: Clock) -> tuple[Workspace, TokenManager]:
    """A workspace with its own token manager on carman's (fake) clock."""
    workspace = Workspace().load("sandbox")
    point_at_sandbox(workspace, sandbox)
    manager = TokenManager(workspace, clock=clock)
    workspace.set_token_source(manager)
    return workspace, manager


def _bearer(headers: list[tuple[str, str]]) -> str:
    return next(v for k, v in headers if k.lower() == "authorization").removeprefix("Bearer ")


async def test_twenty_concurrent_sends_after_expiry_refresh_once(
    xdg: Path, sandbox: Sandbox, refresh_log: RefreshLog
) -> None:
    clock = Clock()
    first, manager = _window(sandbox, clock)
    await sandbox_login(first, sandbox, LOGIN_EMAIL)
    second, other = _window(sandbox, clock)  # loaded after the login: has its vehicle_id
    settings = manager.require_settings()
    before = manager.stored(settings)
    assert before is not None

    # Both clocks past the access token's expiry: every send needs a fresh token.
    sandbox.clock.advance(7200)
    clock.advance(7200)
    assert manager.state().status == TokenStatus.REFRESHABLE
    paths_ = [("Vehicle", "Odometer"), ("Vehicle", "VIN"), ("Vehicle", "Location")]
    sends = [
        workspace.send(smartcar(workspace), builtin_request(workspace, *paths_[n % 3]))
        for n in range(10)
        for workspace in (first, second)
    ]
    results = await asyncio.gather(*sends)

    assert [ex.response.status if ex.response else ex.error for ex, _ in results] == [200] * 20
    assert len(refresh_log.used) == 1  # counted by the sandbox
    assert manager.refresh_count + other.refresh_count == 1  # and by carman
    after = manager.stored(settings)
    assert after is not None and after.access_token != before.access_token
    # Every send carried the one new token (none the expired one, none a second new one).
    assert {_bearer(ex.request.headers) for ex, _ in results} == {after.access_token}
    assert refresh_log.used == [before.refresh_token]
    assert not any(ex.refreshed_token for ex, _ in results)  # no 401 round trips either
    await first.aclose()
    await second.aclose()


@pytest.fixture
def announced_sandbox(xdg: Path) -> Iterator[Sandbox]:
    # Announced in carman's own sandbox directory, so other processes find it (running.json).
    with start_sandbox(state_dir=paths.sandbox_dir(), seed=11, announce=True) as running:
        yield running


async def test_two_processes_share_the_history_and_the_token_store(
    xdg: Path, announced_sandbox: Sandbox, refresh_log: RefreshLog
) -> None:
    sandbox = announced_sandbox
    workspace, manager = _window(sandbox, Clock())
    await sandbox_login(workspace, sandbox, LOGIN_EMAIL)
    login = manager.stored(manager.require_settings())
    assert login is not None

    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(WORKER),
            tag,
            str(SENDS_PER_WORKER),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("left", "right")
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 120)
    refreshes = 0
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, (out.decode(), err.decode())
        lines = out.decode().splitlines()
        assert lines.count("status 200") == SENDS_PER_WORKER, lines
        refreshes += int(lines[-1].split()[-1])  # "done TAG REFRESHES"

    # The history: sound, and every send of both processes is there.
    with HistoryStore() as store:
        assert store.check() == []
    raw = sqlite3.connect(paths.history_db())
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        counts = dict(raw.execute("SELECT request_name, count(*) FROM entries GROUP BY 1"))
    finally:
        raw.close()
    assert counts == {"worker left": SENDS_PER_WORKER, "worker right": SENDS_PER_WORKER}

    # The token store: valid JSON, one entry, and its token works.
    data = json.loads(paths.tokens_file().read_text(encoding="utf-8"))
    assert list(data["tokens"]) == ["sandbox"]
    final = TokenStore().get("sandbox", sandbox.client_id)
    assert final is not None and final.access_token != login.access_token
    # Every send refreshed (at least once), and no refresh token was ever used twice: the two
    # processes took turns on the rotating token (the sandbox's 60 s grace would otherwise
    # hide a race).
    assert len(refresh_log.used) == refreshes >= 2 * SENDS_PER_WORKER
    assert len(set(refresh_log.used)) == len(refresh_log.used)
    exchange, _ = await workspace.send(
        smartcar(workspace), builtin_request(workspace, "Vehicle", "Odometer")
    )
    assert exchange.response is not None and exchange.response.status == 200
    assert _bearer(exchange.request.headers) == final.access_token
    await workspace.aclose()
