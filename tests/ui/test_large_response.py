"""Big bodies: keys are handled while one is formatted; above the in-memory limit a body is
kept on disk and paged from there (scroll, search, save, its temporary file's life); secrets
stay masked at any size."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core import paths
from tui.core.format_client import FormatClient
from tui.core.formatting import human_size
from tui.core.model import Request
from tui.core.session import open_session
from tui.dialogs.basic import FormDialog
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer

HUGE = json.dumps(
    {
        "vehicles": [
            {"id": f"{i:08d}", "make": "TESLA", "odometer": i * 1.5, "ok": True}
            for i in range(90_000)
        ]
    }
).encode()
# ~1.8 MB, pretty-printed over many lines, with a marker only in the very last record.
LATE = json.dumps(
    {"items": [{"n": i, "name": f"item-{i}"} for i in range(40_000)] + [{"marker": "needle-42"}]},
    indent=1,
).encode()
TOKEN = "at-SECRET-0123456789"
SECRET = json.dumps(
    {"access_token": TOKEN, "token_type": "Bearer", "rows": [{"k": i} for i in range(20_000)]}
).encode()
BLOB = bytes(range(256)) * 800  # 200 KB of binary
BODIES = {
    "/huge": HUGE,
    "/late": LATE,
    "/secret": SECRET,
    "/small": b'{"ok": true}',
    "/blob": BLOB,
    "/log": b"".join(b"%06d log line\n" % i for i in range(20_000)),
}


class BodyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = BODIES[self.path]
        self.send_response(200)
        kind = {"/blob": "application/octet-stream", "/log": "text/plain"}.get(self.path)
        self.send_header("Content-Type", kind or "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def big_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BodyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _app(server: str, *, max_in_memory: int | None = None) -> CarmanApp:
    if max_in_memory is not None:
        config = paths.config_file()
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(f"[response]\nmax_in_memory_bytes = {max_in_memory}\n")
    requests = [Request(name=name.strip("/"), url="{{base}}" + name) for name in BODIES]
    return CarmanApp(open_session(workspace=make_workspace(server, extra=requests)))


async def _send(pilot, app: CarmanApp, name: str) -> ResponseViewer:  # type: ignore[no-untyped-def]
    tree = app.screen.query_one(CollectionTree)
    request = next(r for _, r in app.workspace.collections[0].walk() if r.name == name)
    tree.select_request(request)
    await wait_for(pilot, lambda: app.screen.request is request)
    viewer = app.screen.query_one(ResponseViewer)
    before = viewer.exchange
    await pilot.press("ctrl+j")
    await wait_for(pilot, lambda: viewer.exchange is not before, timeout=30)
    return viewer


async def _formatted(pilot, viewer: ResponseViewer) -> None:  # type: ignore[no-untyped-def]
    await wait_for(pilot, lambda: viewer._formatted is not None, timeout=60)


async def test_keys_are_handled_while_a_6mb_body_is_formatted(
    xdg: Path, big_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(HUGE) > 6_000_000
    started = threading.Event()
    release = threading.Event()
    real_request = FormatClient.request

    def held_request(self: FormatClient, op: str, **args: Any) -> Future[dict[str, Any]]:
        real = real_request(self, op, **args)
        if op != "format":
            return real
        # The worker really formats; its answer is handed over only once the test has
        # pressed its keys, so "while formatting" does not depend on speed.
        held: Future[dict[str, Any]] = Future()

        def relay() -> None:
            release.wait(60)
            try:
                held.set_result(real.result(60))
            except BaseException as exc:
                held.set_exception(exc)

        threading.Thread(target=relay, daemon=True).start()
        started.set()
        return held

    monkeypatch.setattr(FormatClient, "request", held_request)
    app = _app(big_server)
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = await _send(pilot, app, "huge")
        # The body as received is on screen at once, before any pretty-printing.
        assert viewer.body_view.lines[0].startswith('{"vehicles": [{"id": "00000000"')
        await wait_for(pilot, started.is_set, timeout=30)
        assert not viewer._pretty_lines
        tree = app.screen.query_one(CollectionTree)
        await pilot.press("ctrl+w", "b")  # handled while the worker is still at work
        assert not tree.display
        await pilot.press("ctrl+w", "b")
        assert tree.display
        tree.tree.focus()
        await pilot.press("down")  # opens the next request in the editor
        await wait_for(pilot, lambda: app.screen.request is not None)
        assert app.screen.request.name != "huge"
        await pilot.press("up")
        await wait_for(pilot, lambda: app.screen.request.name == "huge")
        assert not viewer._pretty_lines  # all of that happened while formatting
        release.set()
        await wait_for(pilot, lambda: bool(viewer._pretty_lines), timeout=60)
        assert viewer.body_view.lines[:3] == ["{", '  "vehicles": [', "    {"]
        assert viewer.body_view.lines.on_disk  # paged from the worker's file, not a list
        # Only visible lines are rendered: scrolling to the end is immediate and correct.
        viewer.body_view.scroll_end(animate=False)
        await pilot.pause()
        assert viewer.body_view.visible_text().rstrip().endswith("}")


async def test_a_body_above_the_limit_is_paged_from_disk(xdg: Path, big_server: str) -> None:
    app = _app(big_server, max_in_memory=200_000)
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = await _send(pilot, app, "late")
        response = viewer.exchange.response
        assert response is not None and response.spilled is not None
        spill = response.spilled.path
        assert stat.S_IMODE(spill.stat().st_mode) == 0o600
        assert spill.read_bytes() == LATE and response.size == len(LATE)
        await _formatted(pilot, viewer)
        view = viewer.body_view
        assert len(view.lines) > 100_000 and view.lines.on_disk

        # Scroll to the very end.
        app.screen.set_focus(view)
        await pilot.press("end")
        await wait_for(pilot, lambda: view.visible_text().rstrip().endswith("}"))

        # Search finds a string that only the last page holds.
        await pilot.press("home", "slash")
        await pilot.press(*"needle-42")
        await wait_for(pilot, lambda: view.match_count == 1, timeout=30)
        found = view.lines[view._matches[0]]
        assert "needle-42" in found
        assert view._matches[0] > len(view.lines) - 10
        assert "needle-42" in view.visible_text()  # the view moved there
        await pilot.press("escape")

        # Save writes the whole body, byte for byte.
        app.screen.set_focus(view)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        target = xdg / "saved.json"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        await wait_for(pilot, lambda: target.stat().st_size == len(LATE))
        assert target.read_bytes() == LATE

        # A new response replaces it: the temporary files go.
        spool = viewer._body.spool
        assert spool is not None and spool.folder.exists()
        await _send(pilot, app, "small")
        await wait_for(pilot, lambda: not spill.exists() and not spool.folder.exists())


async def test_the_temporary_files_go_when_carman_quits(xdg: Path, big_server: str) -> None:
    app = _app(big_server, max_in_memory=200_000)
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = await _send(pilot, app, "late")
        await _formatted(pilot, viewer)
        spool = viewer._body.spool
        assert spool is not None
        folders = [spool.folder, viewer.exchange.response.spilled.folder]
        assert all(folder.exists() for folder in folders)
        assert stat.S_IMODE(os.stat(folders[0]).st_mode) == 0o700
        await pilot.press("ctrl+q")
    assert not any(folder.exists() for folder in folders)


async def test_secret_fields_stay_masked_in_a_big_body(xdg: Path, big_server: str) -> None:
    app = _app(big_server)
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = await _send(pilot, app, "secret")
        await _formatted(pilot, viewer)
        assert viewer.body_view.lines.on_disk

        def shown() -> str:
            return "\n".join(viewer.body_view.lines)

        assert TOKEN not in shown() and '"access_token": "••••••"' in shown()
        assert '"token_type": "Bearer"' in shown()
        await wait_for(pilot, lambda: viewer.query_one("#raw").lines.on_disk)
        assert TOKEN not in "\n".join(viewer.query_one("#raw").lines)
        viewer.body_view.focus()
        await pilot.press("v")
        assert TOKEN in shown()
        await pilot.press("v")
        assert TOKEN not in shown()
        # The filter runs in the worker over the parsed body: masked unless revealed.
        await pilot.press("f")
        await pilot.press(*"$.access_token")
        await wait_for(pilot, lambda: "1 match" in str(viewer.query_one("#search-info").render()))
        assert TOKEN not in shown() and "••••••" in shown()


async def test_wrap_of_a_body_on_disk_is_laid_out_by_the_worker(xdg: Path, big_server: str) -> None:
    app = _app(big_server)
    # Narrow enough that some of the pretty-printed lines are wider than the body view.
    async with app.run_test(size=(48, 30)) as pilot:
        viewer = await _send(pilot, app, "huge")
        await wait_for(pilot, lambda: viewer.body_view.lines.on_disk, timeout=60)
        await _formatted(pilot, viewer)
        view = viewer.body_view
        lines = len(view.lines)
        app.screen.set_focus(view)
        await pilot.press("w")
        await wait_for(pilot, lambda: view._wrapped, timeout=30)
        width = view._width()
        rows = sum(max(1, -(-len(line) // width)) for line in view.lines)
        assert rows > lines  # some lines are wider than the view
        assert view.virtual_size.height == rows
        last = view._row_starts[lines - 1]
        assert view._locate(last) == (lines - 1, 0)
        await pilot.press("w")
        assert not view._wrapped


async def test_the_history_screen_says_a_stored_body_was_cut(xdg: Path, big_server: str) -> None:
    from tui.screens.history import HistoryEntryScreen, HistoryScreen

    config = paths.config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[history]\nmax_body_bytes = 100000\n")
    requests = [Request(name=name.strip("/"), url="{{base}}" + name) for name in BODIES]
    app = CarmanApp(open_session(workspace=make_workspace(big_server, extra=requests)))
    async with app.run_test(size=(100, 30)) as pilot:
        await _send(pilot, app, "late")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen
        await wait_for(pilot, lambda: len(history.summaries) == 1)
        history.query_one("DataTable").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryEntryScreen))
        viewer = app.screen.query_one(ResponseViewer)
        note = viewer.query_one("#body-note")
        await wait_for(pilot, lambda: viewer._formatted is not None, timeout=60)
        said = str(note.render())
        assert f"cut in history at 97.7 KB of {human_size(len(LATE))}" in said
        assert viewer.exchange is not None and viewer.exchange.response is not None
        assert viewer.exchange.response.size <= 100_000


async def test_big_binary_and_text_bodies(xdg: Path, big_server: str) -> None:
    app = _app(big_server)
    async with app.run_test(size=(100, 30)) as pilot:
        viewer = await _send(pilot, app, "blob")
        await _formatted(pilot, viewer)
        assert viewer._formatted is not None and viewer._formatted.kind == "binary"
        raw = viewer.query_one("#raw")
        for view in (viewer.body_view, raw):
            assert view.lines[0].startswith("00000000  00 01 02")  # a hex preview, not bytes
        assert "binary, 200.0 KB" in str(viewer.query_one("#body-note").render())

        viewer = await _send(pilot, app, "log")
        await _formatted(pilot, viewer)
        assert viewer._formatted is not None and viewer._formatted.kind == "text"
        view = viewer.body_view
        assert view.lines.on_disk and len(view.lines) == 20_000
        assert view.lines[19_999] == "019999 log line"
