"""Helpers for Pilot tests: a workspace on temporary dirs with a collection aimed at a server."""

from __future__ import annotations

from tui.core import paths
from tui.core.collection_io import save_collection
from tui.core.environments import save_environment
from tui.core.model import Collection, Environment, Folder, KeyValue, Request
from tui.core.workspace import Workspace


def make_workspace(base_url: str, *, extra: list[Request] | None = None) -> Workspace:
    """A user collection "Local" pointing at ``base_url`` and an environment "local"."""
    requests = [
        Request(name="Echo", url="{{base}}/echo", headers=[KeyValue("X-Test", "yes")]),
        Request(name="Big", url="{{base}}/big", headers=[KeyValue("X-Items", "50")]),
        *(extra or []),
    ]
    collection = Collection(
        name="Local",
        requests=requests,
        folders=[Folder(name="More", requests=[Request(name="Teapot", url="{{base}}/status/418")])],
    )
    save_collection(collection, paths.collections_dir() / "local")
    save_environment(Environment(name="local", variables={"base": base_url}))
    return Workspace().load("local")


async def wait_for(pilot, predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Let the app run until ``predicate()`` holds (no fixed sleeps, no timing asserts)."""
    loops = int(timeout / 0.05)
    for _ in range(loops):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")
