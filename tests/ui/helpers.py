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


async def select_request(pilot, app, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open the user collection's request ``name`` in the editor, through the tree."""
    from tui.widgets.collection_tree import CollectionTree

    tree = app.screen.query_one(CollectionTree)
    for collection in app.workspace.collections:
        for _, request in collection.walk():
            if request.name == name and not collection.read_only:
                tree.select_request(request)
                await wait_for(pilot, lambda wanted=request: app.screen.request is wanted)
                return
    raise AssertionError(f"no request named {name!r}")


async def send_and_wait(pilot, app):  # type: ignore[no-untyped-def]
    """Press ctrl+j and wait until the response viewer shows the new exchange's body."""
    from tui.widgets.response_viewer import ResponseViewer

    viewer = app.screen.query_one(ResponseViewer)
    before = viewer.exchange
    await pilot.press("ctrl+j")
    await wait_for(pilot, lambda: viewer.exchange is not before and viewer.body_view.lines)
    return viewer
