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


async def sandbox_login(pilot, app, email: str, check=None) -> None:  # type: ignore[no-untyped-def]
    """ctrl+o, the sandbox user ``email``, ctrl+a; returns once the login dialog has closed.
    ``check`` is called with the dialog before it is approved."""
    from textual.widgets import Input

    from tui.dialogs.login import LoginScreen

    await pilot.press("ctrl+o")
    await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
    if check is not None:
        check(app.screen)
    app.screen.query_one("#sandbox-email", Input).value = email
    await pilot.press("ctrl+a")
    await wait_for(pilot, lambda: not isinstance(app.screen, LoginScreen), timeout=20)


async def send_builtin(pilot, app, *path: str):  # type: ignore[no-untyped-def]
    """Open the built-in Smartcar request at ``path`` through the tree and send it; returns the
    response viewer once it shows the new exchange."""
    from tui.widgets.collection_tree import CollectionTree
    from tui.widgets.response_viewer import ResponseViewer

    collection = next(c for c in app.workspace.collections if c.name == "Smartcar API")
    request = collection.find(list(path))
    assert request is not None
    app.screen.query_one(CollectionTree).select_request(request)
    await wait_for(pilot, lambda: app.screen.request is request)
    viewer = app.screen.query_one(ResponseViewer)
    before = viewer.exchange
    await pilot.press("ctrl+j")
    await wait_for(pilot, lambda: viewer.exchange is not before, timeout=20)
    return viewer


def _palette_hits(app) -> list[str] | None:  # type: ignore[no-untyped-def]
    """The command palette's hits once it has finished searching (None while it searches)."""
    from textual.command import CommandList, CommandPalette

    palette = app.screen
    if not isinstance(palette, CommandPalette):
        return None
    searching = any(
        worker.group == CommandPalette._GATHER_COMMANDS_GROUP and not worker.is_finished
        for worker in app.workers
    )
    if searching:
        return None
    commands = palette.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]


def palette_highlights(app, wanted: str) -> bool:  # type: ignore[no-untyped-def]
    """The palette has finished searching and its highlighted hit (enter runs it) has ``wanted``."""
    from textual.command import CommandList

    hits = _palette_hits(app)
    if not hits:
        return False
    highlighted = app.screen.query_one(CommandList).highlighted
    return highlighted is not None and wanted in hits[highlighted]


async def run_from_palette(pilot, app, query: str, wanted: str) -> None:  # type: ignore[no-untyped-def]
    """Open the command palette, type ``query`` and run the hit whose text contains ``wanted``."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    palette = app.screen
    await pilot.press(*query)

    def position() -> int | None:
        hits = _palette_hits(app) or []
        return next((i for i, hit in enumerate(hits) if wanted in hit), None)

    await wait_for(pilot, lambda: position() is not None)
    palette.query_one(CommandList).highlighted = position()
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen is not palette)
