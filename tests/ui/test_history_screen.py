"""The history screen: recorded sends, filter as you type, open, replay, save, delete, clear."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.collection_io import load_collection
from tui.core.session import open_session
from tui.dialogs.basic import ChoiceDialog, ConfirmDialog, FormDialog
from tui.screens.history import HistoryEntryScreen, HistoryScreen
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer


async def _send(pilot, app: CarmanApp, name: str) -> None:  # type: ignore[no-untyped-def]
    tree = app.screen.query_one(CollectionTree)
    request = next(r for _, r in app.workspace.collections[0].walk() if r.name == name)
    tree.select_request(request)
    await wait_for(pilot, lambda: app.screen.request is request)
    viewer = app.screen.query_one(ResponseViewer)
    before = viewer.exchange
    await pilot.press("ctrl+j")
    await wait_for(pilot, lambda: viewer.exchange is not before)


async def test_history_screen(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(100, 30)) as pilot:
        await _send(pilot, app, "Echo")
        await _send(pilot, app, "Teapot")
        await _send(pilot, app, "Big")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen
        table = history.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 3)
        assert [s.request_name for s in history.summaries] == ["Big", "Teapot", "Echo"]

        await pilot.press("slash", *"418")
        await wait_for(pilot, lambda: table.row_count == 1)
        assert history.summaries[0].request_name == "Teapot"
        history.query_one("#history-filter", Input).value = "X-Test"  # request header text
        await wait_for(pilot, lambda: [s.request_name for s in history.summaries] == ["Echo"])
        table.focus()

        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryEntryScreen))
        entry_screen = app.screen
        viewer = entry_screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: bool(viewer.body_view.lines))
        assert '"X-Test": "yes"' in "\n".join(viewer.body_view.lines)
        await pilot.press("r")  # replay with the current variables
        await wait_for(pilot, lambda: "replayed" in str(viewer.border_title))
        await wait_for(pilot, lambda: viewer.exchange is not None and viewer.exchange.ok)

        await pilot.press("ctrl+s")  # save as a new request
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the first writable collection: Local
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one(Input).value = "From history"
        await pilot.press("enter")
        await pilot.pause()
        loaded, _ = load_collection(Path(app.workspace.collections[0].path))
        saved = loaded.find(["From history"])
        assert saved is not None and saved.url.endswith("/echo")

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history.query_one("#history-filter", Input).value = ""
        await wait_for(pilot, lambda: table.row_count == 4)  # the replay was recorded too
        table.focus()
        await pilot.press("x")
        await wait_for(pilot, lambda: table.row_count == 3)
        await pilot.press("C")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: table.row_count == 0)


async def test_a_search_ending_while_the_list_is_taken_down_is_dropped(
    xdg: Path, http_server: str
) -> None:
    """A search runs on a thread and hands its rows to the screen; when carman quits while it
    runs, the screen's widgets are already gone (a CI run of the webhooks list raised
    NoMatches from there and failed the test around it). The rows are dropped instead."""
    from rich.text import Text

    from tui.screens.webhooks import WebhooksScreen

    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(100, 30)) as pilot:
        for key, kind in (("ctrl+r", HistoryScreen), ("ctrl+t", WebhooksScreen)):
            await pilot.press(key)
            await wait_for(pilot, lambda kind=kind: isinstance(app.screen, kind))
            screen = app.screen
            await wait_for(pilot, lambda screen=screen: bool(screen.query(DataTable)))
            await screen.query_one(DataTable).remove()
            await screen.query(f"#{'history' if kind is HistoryScreen else 'wh'}-status").remove()
            screen._fill([], 0, "")  # type: ignore[attr-defined]  # what the search calls
            screen._show_status(Text("an error"))  # type: ignore[attr-defined]
            await pilot.press("escape")
            await wait_for(pilot, lambda kind=kind: not isinstance(app.screen, kind))
