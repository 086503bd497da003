"""The response body's JSONPath filter (``f``) accepts Postman-style shorthand: a path without
the leading ``$`` (``vehicles[0]``, ``.x``)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.ui.helpers import make_workspace, select_request, send_and_wait, wait_for
from tui.app import CarmanApp
from tui.core.model import Request
from tui.core.session import open_session


async def test_filter_accepts_paths_without_the_dollar(xdg: Path, http_server: str) -> None:
    hal = Request(name="Hal", url="{{base}}/hal")
    app = CarmanApp(open_session(workspace=make_workspace(http_server, extra=[hal])))
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Hal")
        viewer = await send_and_wait(pilot, app)
        await wait_for(pilot, lambda: viewer._document is not None)
        view = viewer.body_view
        info = viewer.query_one("#search-info")
        view.focus()
        await pilot.press("f")
        field = viewer.query_one("#body-tool-input", Input)
        await wait_for(pilot, lambda: app.focused is field)
        field.value = "_embedded.vehicles[1].id"
        await wait_for(pilot, lambda: view.lines == ['"v-2"'])
        assert str(info.render()) == "1 match"
        field.value = "._links.self.href"
        await wait_for(pilot, lambda: view.lines == ['"/hal"'])
        field.value = "$._embedded.vehicles[0].id"  # the full form still works
        await wait_for(pilot, lambda: view.lines == ['"v-1"'])
        field.value = "_embedded.vehicles[*].id"
        await wait_for(pilot, lambda: view.lines == ["[", '  "v-1",', '  "v-2"', "]"])
        assert str(info.render()) == "2 matches"
