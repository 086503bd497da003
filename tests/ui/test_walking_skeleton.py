"""Select a request, send it with ctrl+j, see the response — all through Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.session import open_session
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer


async def test_select_send_and_see_the_response(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(CollectionTree)
        # Folders come first in the tree: the first request is More/Teapot; Echo is next.
        assert app.screen.request is not None and app.screen.request.name == "Teapot"
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.request.name == "Echo"
        await pilot.press("ctrl+j")
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: viewer.exchange is not None and viewer.body_view.lines)
        assert viewer.exchange.response.status == 200
        body = "\n".join(viewer.body_view.lines)
        assert '"method": "GET"' in body and '"X-Test": "yes"' in body
        status = str(viewer.query_one("#status-line").render())
        assert "200 OK" in status
        # Move to another request with the keyboard and send it.
        tree.tree.focus()
        await pilot.press("down")
        await pilot.pause()
        assert app.screen.request.name == "Big"
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: '"items"' in "\n".join(viewer.body_view.lines))


async def test_unresolved_variable_refuses_the_send(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+l")
        url = app.screen.query_one("#url", Input)
        url.value = "{{base}}/x/{{nope}}"
        await pilot.press("ctrl+j")
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: "nope" in str(viewer.query_one("#status-line").render()))
        assert "Unresolved variable" in str(viewer.query_one("#status-line").render())
        assert viewer.exchange is None


async def test_malformed_request_file_is_reported_not_fatal(xdg: Path, http_server: str) -> None:
    workspace = make_workspace(http_server)
    broken = Path(workspace.collections[0].path) / "echo.toml"
    broken.write_text('name = "Echo"\nurl = [oops\n')
    from tui.core.workspace import Workspace

    app = CarmanApp(open_session(workspace=Workspace().load("local")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(f"{broken}:2" in m for m in messages), messages
        assert app.screen.request is not None  # the rest loaded
