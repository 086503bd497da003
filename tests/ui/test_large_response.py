"""A 6 MB JSON body arrives without freezing the UI: keys are handled while it is formatted."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import tui.widgets.response_viewer as response_viewer
from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.formatting import format_body
from tui.core.model import Request
from tui.core.session import open_session
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer

BODY = json.dumps(
    {
        "vehicles": [
            {"id": f"{i:08d}", "make": "TESLA", "odometer": i * 1.5, "ok": True}
            for i in range(90_000)
        ]
    }
).encode()


class BigHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)


@pytest.fixture
def big_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BigHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_keys_are_handled_while_a_6mb_body_is_formatted(
    xdg: Path, big_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(BODY) > 6_000_000
    started = threading.Event()
    release = threading.Event()

    def held_format(*args, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        result = format_body(*args, **kwargs)  # the real work, in the worker thread
        release.wait(30)  # keep the worker busy until the test has pressed its key
        return result

    monkeypatch.setattr(response_viewer, "format_body", held_format)
    app = CarmanApp(
        open_session(
            workspace=make_workspace(big_server, extra=[Request(name="Huge", url="{{base}}/")])
        )
    )
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.screen.query_one(CollectionTree)
        request = next(r for _, r in app.workspace.collections[0].walk() if r.name == "Huge")
        tree.select_request(request)
        await wait_for(pilot, lambda: app.screen.request is request)
        await pilot.press("ctrl+j")
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: viewer.exchange is not None, timeout=30)
        # The body as received is on screen at once, before any pretty-printing.
        assert viewer.body_view.lines[0].startswith('{"vehicles": [{"id": "00000000"')
        await wait_for(pilot, started.is_set, timeout=30)
        await pilot.press("ctrl+w", "b")  # handled while the formatter is still at work
        assert not app.screen.query_one(CollectionTree).display
        assert not viewer._pretty_lines
        release.set()
        await wait_for(pilot, lambda: bool(viewer._pretty_lines), timeout=60)
        assert viewer.body_view.lines[:3] == ["{", '  "vehicles": [', "    {"]
        # Only visible lines are rendered: scrolling to the end is immediate and correct.
        viewer.body_view.scroll_end(animate=False)
        await pilot.pause()
        assert viewer.body_view.visible_text().rstrip().endswith("}")
