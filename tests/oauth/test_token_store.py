"""The token file: permissions, damage, and two processes writing at once."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.net import until
from tui.core import paths
from tui.core.oauth.token_store import (
    REFRESH_LIFETIME,
    StoredToken,
    TokenStore,
    TokenStoreError,
)

ROOT = Path(__file__).resolve().parents[2]


def token(n: int = 1) -> StoredToken:
    return StoredToken.from_response(f"access-{n}", f"refresh-{n}", 7200, "read_vin", 1000.0)


def test_round_trip_and_fields(xdg: Path) -> None:
    store = TokenStore()
    assert store.get("sandbox", "cid") is None
    store.put("sandbox", "cid", token())
    got = store.get("sandbox", "cid")
    assert got is not None
    assert got.access_token == "access-1" and got.refresh_token == "refresh-1"
    assert got.expires_at == 1000.0 + 7200
    assert got.refresh_expires_at == 1000.0 + REFRESH_LIFETIME
    assert got.obtained_at == 1000.0 and got.scope == "read_vin"
    assert "access-1" not in repr(got)
    assert store.get("sandbox", "other") is None
    assert store.get("other", "cid") is None
    assert store.keys() == [("sandbox", "cid")]


def test_file_is_0600_in_a_0700_directory(xdg: Path) -> None:
    TokenStore().put("e", "c", token())
    assert stat.S_IMODE(paths.tokens_file().stat().st_mode) == 0o600
    assert stat.S_IMODE(paths.private_dir().stat().st_mode) == 0o700
    lock = paths.tokens_file().with_name("tokens.json.lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600


def test_delete_and_clear(xdg: Path) -> None:
    store = TokenStore()
    store.put("a", "c", token(1))
    store.put("b", "c", token(2))
    assert store.delete("a", "c") is True
    assert store.delete("a", "c") is False
    assert store.keys() == [("b", "c")]
    store.clear()
    assert store.keys() == []


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"tokens": []}', b"\xff\xfe"])
def test_damaged_file_is_a_clear_message_not_a_crash(xdg: Path, content: bytes) -> None:
    paths.ensure_private_dir()
    paths.tokens_file().write_bytes(content)
    store = TokenStore()
    with pytest.raises(TokenStoreError, match="token file is damaged") as caught:
        store.get("e", "c")
    assert "log in again" in str(caught.value)
    # A new login replaces what nobody can read.
    store.put("e", "c", token())
    assert store.get("e", "c") is not None


def test_bad_entries_are_skipped(xdg: Path) -> None:
    paths.ensure_private_dir()
    paths.tokens_file().write_text(
        json.dumps({"version": 1, "tokens": {"e": {"c": {"access_token": 5}, "d": "x"}}})
    )
    store = TokenStore()
    assert store.get("e", "c") is None
    assert store.get("e", "d") is None


def test_an_outside_change_is_seen(xdg: Path) -> None:
    store = TokenStore()
    store.put("e", "c", token(1))
    assert store.get("e", "c").access_token == "access-1"  # type: ignore[union-attr]
    TokenStore().put("e", "c", token(2))  # another process, as far as `store` knows
    assert store.get("e", "c").access_token == "access-2"  # type: ignore[union-attr]


WRITER = """
import sys
from tui.core.oauth.token_store import StoredToken, TokenStore

name, count = sys.argv[1], int(sys.argv[2])
store = TokenStore()
for i in range(count):
    store.put(name, f"client-{i}", StoredToken(f"a-{name}-{i}", f"r-{i}", 1.0, 2.0))

    def bump(data):
        shared = data["tokens"].setdefault("shared", {}).setdefault("counter", {
            "access_token": "0", "refresh_token": None, "expires_at": 0,
            "refresh_expires_at": None})
        shared["access_token"] = str(int(shared["access_token"]) + 1)

    store.update(bump)
"""


def test_two_processes_updating_at_once_leave_it_valid(xdg: Path) -> None:
    count = 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, name, str(count)], env=env, cwd=ROOT)
        for name in ("one", "two")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    data = json.loads(paths.tokens_file().read_text())
    assert len(data["tokens"]["one"]) == count
    assert len(data["tokens"]["two"]) == count
    # Every read-modify-write saw the other's result: no lost increments.
    assert data["tokens"]["shared"]["counter"]["access_token"] == str(2 * count)
    assert stat.S_IMODE(paths.tokens_file().stat().st_mode) == 0o600
    leftovers = [p.name for p in paths.private_dir().iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


async def test_async_lock_waits_for_another_holder(xdg: Path) -> None:
    import asyncio

    holder = TokenStore()
    waiter = TokenStore()
    entered = []
    refused = []
    try_acquire = waiter._try_acquire

    def counting(blocking: bool) -> bool:
        got = try_acquire(blocking)
        if not got:
            refused.append(blocking)
        return got

    waiter._try_acquire = counting  # type: ignore[method-assign]
    with holder.locked():

        async def take() -> None:
            async with waiter.alocked():
                entered.append(time.monotonic())

        task = asyncio.create_task(take())
        # Wait until the waiter has really tried, twice, and been turned away.
        await until(lambda: len(refused) >= 2)
        assert entered == []  # still held by the other "process" (open file description)
    await asyncio.wait_for(task, 10)
    assert len(entered) == 1


async def test_async_lock_gives_up_with_a_message(xdg: Path) -> None:
    with TokenStore().locked(), pytest.raises(TokenStoreError, match="held the token lock"):
        async with TokenStore().alocked(wait=0.05):
            pass
