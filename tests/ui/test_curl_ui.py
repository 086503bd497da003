"""curl in the TUI: paste a command into the URL bar; copy a request as curl (masked)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from textual.widgets import Input

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.collection_io import load_collection
from tui.core.importers.curl import import_curl
from tui.core.session import open_session
from tui.dialogs.basic import ChoiceDialog
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer


async def test_paste_curl_into_the_url_bar_then_copy_as_curl(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.screen.query_one(CollectionTree)
        echo = next(r for _, r in app.workspace.collections[0].walk() if r.name == "Echo")
        tree.select_request(echo)
        await wait_for(pilot, lambda: app.screen.request is echo)
        command = (
            f"curl -X POST '{http_server}/echo?x=1' -H 'X-Pasted: yes' "
            "-H 'Authorization: Bearer sekret-token-123456' --data-raw '{\"a\": 1}'"
        )
        app.screen.query_one("#url", Input).value = command
        # Echo is saved: it is replaced only when the user says so.
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert echo.method == "GET"
        await pilot.press("enter")  # the first choice: replace it
        await wait_for(pilot, lambda: echo.method == "POST")
        assert [(p.name, p.value) for p in echo.params] == [("x", "1")]
        assert ("X-Pasted", "yes") in [(h.name, h.value) for h in echo.headers]
        assert echo.body.text == '{"a": 1}'
        assert echo.dirty
        # The literal token was not kept in the request.
        assert "sekret-token-123456" not in json.dumps([h.value for h in echo.headers])

        viewer = app.screen.query_one(ResponseViewer)
        app.workspace.variables.set("access_token", "sekret-token-123456")
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: viewer.exchange is not None)
        assert json.loads(viewer.exchange.response.body)["headers"]["X-Pasted"] == "yes"

        await pilot.press("ctrl+y")  # copy as curl
        await pilot.pause()
        copied = app.clipboard
        words = shlex.split(copied.replace("\\\n", " "))
        assert words[0] == "curl"
        assert "sekret-token-123456" not in copied  # masked
        assert any(w == "X-Pasted: yes" for w in words)
        again, _ = import_curl(copied)  # a POST with its body, read back by our own parser
        assert again.method == "POST" and again.body.text == '{"a": 1}'


async def test_pasting_curl_into_a_saved_request_can_make_a_new_one_or_nothing(
    xdg: Path, http_server: str
) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.screen.query_one(CollectionTree)
        local = app.workspace.collections[0]
        echo = next(r for _, r in local.walk() if r.name == "Echo")
        tree.select_request(echo)
        await wait_for(pilot, lambda: app.screen.request is echo)
        url = app.screen.query_one("#url", Input)
        before = url.value

        url.value = f"curl -X DELETE {http_server}/things/1"
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("escape")  # never mind: nothing changes, the URL comes back
        await wait_for(pilot, lambda: url.value == before)
        assert echo.method == "GET" and not echo.dirty

        url.value = f"curl -X DELETE {http_server}/things/1"
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("down", "enter")  # a new request
        await wait_for(pilot, lambda: any(r.name == "From curl" for r in local.requests))
        assert echo.method == "GET" and not echo.dirty
        await wait_for(pilot, lambda: app.screen.request.name == "From curl")  # opened
        saved, _ = load_collection(Path(local.path))
        made = saved.find(["From curl"])
        assert made is not None and made.method == "DELETE" and made.url.endswith("/things/1")
        assert saved.find(["Echo"]).method == "GET"  # type: ignore[union-attr]
