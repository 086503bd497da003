"""Pilot tests for the main screen: tree, editor, saving, response viewer, keys, layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select, TextArea

from tests.net import LocalServer
from tests.ui.helpers import make_workspace, palette_highlights, select_request, wait_for
from tui.app import CarmanApp
from tui.core.collection_io import load_collection
from tui.core.model import Body, BodyKind, KeyValue, Request
from tui.core.session import open_session
from tui.dialogs.basic import ConfirmDialog, FormDialog
from tui.dialogs.help import HelpScreen
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.kv_table import KeyValueTable
from tui.widgets.lazy_tabs import LazyTabbedContent
from tui.widgets.request_editor import RequestEditor
from tui.widgets.response_viewer import ResponseViewer


def _app(http_server: str, extra: list[Request] | None = None) -> CarmanApp:
    return CarmanApp(open_session(workspace=make_workspace(http_server, extra=extra)))


async def _send_and_wait(pilot, app: CarmanApp) -> ResponseViewer:  # type: ignore[no-untyped-def]
    viewer = app.screen.query_one(ResponseViewer)
    before = viewer.exchange
    await pilot.press("ctrl+j")
    await wait_for(pilot, lambda: viewer.exchange is not before and viewer.body_view.lines)
    return viewer


async def test_tree_new_rename_duplicate_move_delete(xdg: Path, http_server: str) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        tree = app.screen.query_one(CollectionTree).tree
        tree.focus()
        await pilot.press("n")
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one(Input).value = "Created"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: app.screen.request is not None and app.screen.request.name == "Created"
        )
        collection = app.workspace.collections[0]
        loaded, _ = load_collection(Path(collection.path))
        assert [r.name for r in loaded.requests] == ["Echo", "Big", "Created"]

        tree.focus()
        await pilot.press("r")
        app.screen.query_one(Input).value = "Renamed"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d")  # duplicate
        await pilot.pause()
        loaded, _ = load_collection(Path(collection.path))
        assert [r.name for r in loaded.requests] == ["Echo", "Big", "Renamed", "Renamed copy"]

        await select_request(pilot, app, "Renamed")
        tree.focus()
        await pilot.press("K")  # move up
        await pilot.pause()
        loaded, _ = load_collection(Path(collection.path))
        assert [r.name for r in loaded.requests] == ["Echo", "Renamed", "Big", "Renamed copy"]

        await select_request(pilot, app, "Renamed copy")
        tree.focus()
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        loaded, _ = load_collection(Path(collection.path))
        assert "Renamed copy" not in [r.name for r in loaded.requests]


async def test_tree_filter_by_name(xdg: Path, http_server: str) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(CollectionTree)
        tree.tree.focus()
        await pilot.press("slash")
        await pilot.press(*"tea")
        await pilot.pause()
        labels = [str(node.label) for node in tree._walk(tree.tree.root)]
        assert any("Teapot" in label for label in labels)
        assert not any("Echo" in label for label in labels)


async def test_params_follow_the_url_and_back(xdg: Path, http_server: str) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        await pilot.press("ctrl+l")
        url = app.screen.query_one("#url", Input)
        url.value = "{{base}}/echo?a=1&b={{who}}"
        await pilot.pause()
        request = app.screen.request
        assert request.url == "{{base}}/echo"
        assert [(p.name, p.value) for p in request.params] == [("a", "1"), ("b", "{{who}}")]
        assert request.dirty
        preview = str(app.screen.query_one("#preview").render())
        assert "unresolved: who" in preview
        # Toggle a param off from the keyboard: the URL follows.
        params = app.screen.query_one("#params", KeyValueTable)
        app.screen.query_one(LazyTabbedContent).active = "tab-params"
        params.focus()
        await pilot.press("space")
        await pilot.pause()
        assert url.value == "{{base}}/echo?b={{who}}"
        # Add a row with the keyboard.
        await pilot.press("a")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"c", "enter", *"3", "enter")
        await pilot.pause()
        assert url.value == "{{base}}/echo?b={{who}}&c=3"
        # Reorder and delete.
        await pilot.press("K")
        await pilot.pause()
        assert [p.name for p in request.params] == ["a", "c", "b"]
        assert url.value == "{{base}}/echo?c=3&b={{who}}"
        await pilot.press("x")
        await pilot.pause()
        assert len(request.params) == 2


async def test_headers_table_and_save_marks(xdg: Path, http_server: str) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        app.screen.query_one(LazyTabbedContent).active = "tab-headers"
        headers = app.screen.query_one("#headers", KeyValueTable)
        headers.focus()
        await pilot.press("a", *"X-Two", "enter", *"2", "enter")
        await pilot.pause()
        request = app.screen.request
        assert [(h.name, h.value) for h in request.headers] == [("X-Test", "yes"), ("X-Two", "2")]
        label = str(app.screen.query_one(CollectionTree).request_label(request))
        assert "●" in label
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not request.dirty
        loaded, _ = load_collection(Path(app.workspace.collections[0].path))
        saved = loaded.find(["Echo"])
        assert saved is not None and [h.name for h in saved.headers] == ["X-Test", "X-Two"]
        viewer = await _send_and_wait(pilot, app)
        echoed = json.loads(viewer.exchange.response.body)
        assert echoed["headers"]["X-Two"] == "2"


async def test_json_body_error_is_located(xdg: Path, http_server: str) -> None:
    bad = Request(
        name="Bad JSON",
        method="POST",
        url="{{base}}/echo",
        body=Body(kind=BodyKind.JSON, text='{\n  "a": 1,\n  "b": \n}'),
    )
    app = _app(http_server, extra=[bad])
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Bad JSON")
        await pilot.press("ctrl+j")
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(
            pilot, lambda: "not valid JSON" in str(viewer.query_one("#status-line").render())
        )
        assert "line 4, column 1" in str(viewer.query_one("#status-line").render())
        area = app.screen.query_one("#body-text", TextArea)
        assert area.cursor_location == (3, 0)
        assert viewer.exchange is None


async def test_body_kind_switch_and_method_picker(xdg: Path, http_server: str) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        app.screen.query_one("#method", Select).value = "POST"
        # The Body tab's widgets are built when it is first shown (and then mounted).
        app.screen.query_one(LazyTabbedContent).active = "tab-body"
        await pilot.pause()
        app.screen.query_one("#body-kind", Select).value = BodyKind.JSON
        await pilot.pause()
        app.screen.query_one("#body-text", TextArea).load_text('{"x": 1}')
        await pilot.pause()
        viewer = await _send_and_wait(pilot, app)
        echoed = json.loads(viewer.exchange.response.body)
        assert echoed["method"] == "POST" and echoed["body"] == '{"x": 1}'
        assert echoed["headers"]["Content-Type"] == "application/json"


async def test_quit_with_unsaved_changes_asks(xdg: Path, http_server: str) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        app.screen.query_one("#url", Input).value = "{{base}}/changed"
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None  # "n" did not exit
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        # Checked inside run_test: once it has exited, the app is stopped whatever "y" did.
        await wait_for(pilot, lambda: app.return_code == 0)


async def test_response_search_filter_wrap_copy_save(
    xdg: Path, http_server: str, tmp_path: Path
) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Big")
        viewer = await _send_and_wait(pilot, app)
        await wait_for(pilot, lambda: viewer._document is not None)
        view = viewer.body_view
        view.focus()
        await pilot.press("slash", *"item 4")
        await pilot.pause()
        assert view.match_count == 11  # item 4 and item 40..49
        await pilot.press("enter")
        assert view.current_match == 2
        await pilot.press("n")
        assert view.current_match == 3
        await pilot.press("N")
        assert view.current_match == 2
        await pilot.press("escape")
        await pilot.press("f", *"$.items[3].name")
        await pilot.pause()
        assert view.lines == ['"item 3"']
        await pilot.press("escape")
        await pilot.pause()
        assert len(view.lines) > 100
        await pilot.press("w")
        assert view.wrap
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard.startswith("{")
        await pilot.press("s")
        assert isinstance(app.screen, FormDialog)
        target = tmp_path / "body.json"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert json.loads(target.read_bytes())["items"][0]["id"] == 0


async def test_headers_raw_timing_and_other_bodies(xdg: Path, http_server: str) -> None:
    extra = [
        Request(name="Html", url="{{base}}/html"),
        Request(name="Binary", url="{{base}}/binary"),
    ]
    app = _app(http_server, extra=extra)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Html")
        viewer = await _send_and_wait(pilot, app)
        await wait_for(pilot, lambda: "HTML" in str(viewer.query_one("#body-note").render()))
        table = viewer.query_one("#headers-table", DataTable)
        assert table.row_count >= 2
        assert "<html>" in "\n".join(viewer.query_one("#raw").lines)
        assert "Total" in str(viewer.query_one("#timing").render())
        await select_request(pilot, app, "Binary")
        viewer = await _send_and_wait(pilot, app)
        await wait_for(pilot, lambda: "binary" in str(viewer.query_one("#body-note").render()))
        assert viewer.body_view.lines[0].startswith("00000000  00 01 02")


async def test_esc_cancels_and_new_send_replaces(xdg: Path, http_server: LocalServer) -> None:
    slow = Request(name="Slow", url="{{base}}/slow", headers=[KeyValue("X-Delay", "5")])
    app = _app(http_server, extra=[slow])
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Slow")
        app.screen.query_one(CollectionTree).tree.focus()
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: http_server.arrived("/slow") == 1)  # in flight
        await pilot.press("escape")
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: "Cancelled" in str(viewer.query_one("#status-line").render()))
        assert viewer.exchange is None
        # A new send while one is in flight replaces it.
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: http_server.arrived("/slow") == 2)
        await select_request(pilot, app, "Echo")
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: viewer.exchange is not None)
        assert viewer.exchange.request.url.endswith("/echo")


async def test_keymap_palette_help_and_layout(xdg: Path, http_server: str) -> None:
    config_dir = xdg / "config" / "carman"
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text('[keymap]\nsend = "f5"\n')
    app = _app(http_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await select_request(pilot, app, "Echo")
        viewer = app.screen.query_one(ResponseViewer)
        await pilot.press("f5")
        await wait_for(pilot, lambda: viewer.exchange is not None)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+w", "b")
        assert not app.screen.query_one(CollectionTree).display
        await pilot.press("ctrl+w", "b", "f11")
        assert app.screen.has_class("-maximized")
        assert (
            not app.screen.query_one(RequestEditor).display
            or not app.screen.query_one(RequestEditor).region.height
        )
        await pilot.press("f11", "ctrl+w", "t")
        assert app.focused is app.screen.query_one(CollectionTree).tree
        await pilot.press("ctrl+w", "r")
        assert app.focused is viewer.body_view
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Big")
        await wait_for(pilot, lambda: palette_highlights(app, "Big"))
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: app.screen.request is not None and app.screen.request.name == "Big"
        )


async def test_secret_fields_in_a_body_are_masked_until_revealed(
    xdg: Path, http_server: str
) -> None:
    app = _app(http_server, extra=[Request(name="Token answer", url="{{base}}/token")])
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Token answer")
        viewer = await _send_and_wait(pilot, app)
        await wait_for(pilot, lambda: viewer._formatted is not None)

        def body() -> str:
            return "\n".join(viewer.body_view.lines)

        assert "at-1234567890" not in body() and '"access_token": "••••••"' in body()
        assert '"code": "OK"' in body() and '"token_type": "Bearer"' in body()
        assert "at-1234567890" not in "\n".join(viewer.query_one("#raw").lines)
        viewer.body_view.focus()
        await pilot.press("v")
        assert "at-1234567890" in body()
        await pilot.press("v")
        assert "at-1234567890" not in body()


async def test_a_sandbox_that_cannot_start_is_said_and_carman_goes_on(xdg: Path) -> None:
    """The sandbox starts after the first frame, on a thread; when it fails, the screen says
    why and the header stops saying it is starting (a flag once shadowed the failure handler,
    so the failure itself raised)."""
    from tui.core.workspace import Workspace
    from tui.widgets.status_header import StatusHeader

    def refuse() -> object:
        raise OSError("no free port between 8700 and 8719")

    session = open_session(
        "sandbox", workspace=Workspace().load(None), sandbox_provider=refuse, defer_sandbox=True
    )
    app = CarmanApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(
            pilot,
            lambda: any("did not start" in str(n.message) for n in app._notifications),
        )
        (said,) = [n for n in app._notifications if "did not start" in str(n.message)]
        assert "no free port" in str(said.message) and said.severity == "error"
        header = app.screen.query_one(StatusHeader)
        await wait_for(pilot, lambda: not header.sandbox_starting)
        assert "starting sandbox" not in str(header.render_text())
        await pilot.press("ctrl+e")  # carman still answers keys
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VariablesScreen")


async def test_a_vehicle_name_that_cannot_be_looked_up_leaves_the_short_id(
    xdg: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header looks the current vehicle's name up in the background. When the lookup
    raises (switching from the sandbox to `test` while it ran: "the application token needs
    {{client_id}}") its error once ended carman; now the header keeps the short id, and the
    next refresh asks again."""
    from tui.core.errors import CarmanError
    from tui.core.smartcar import vehicles
    from tui.core.workspace import Workspace
    from tui.widgets.status_header import StatusHeader

    calls: list[str] = []

    async def refuse(workspace: Workspace) -> list[vehicles.VehicleSummary]:
        calls.append(workspace.environment_name)
        raise CarmanError("Environment 'test': the application token needs {{client_id}}")

    monkeypatch.setattr(vehicles, "list_vehicles", refuse)
    workspace = Workspace().load(None)
    session = open_session("test", workspace=workspace)
    vehicle_id = "5a2c8c3e-0000-4000-8000-00000000cafe"
    workspace.set_session({"vehicle_id": vehicle_id})
    app = CarmanApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        cache = vehicles.cache_for(workspace)
        await wait_for(pilot, lambda: calls and not cache.attempted("test", vehicle_id))
        assert calls == ["test"]  # the refreshes at start asked once
        await pilot.press("ctrl+e")  # carman still answers keys
        await wait_for(pilot, lambda: type(app.screen).__name__ == "VariablesScreen")
        assert app.is_running and app.return_code is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen")
        header = app.screen.query_one(StatusHeader)
        assert header.vehicle.startswith(vehicle_id[:8])
        asked = len(calls)
        app.screen.refresh_header()  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: len(calls) == asked + 1)  # a failure is asked again
        assert app.is_running and header.vehicle.startswith(vehicle_id[:8])


async def test_a_refusal_is_titled_with_its_own_request(xdg: Path, http_server: str) -> None:
    """Echo's answer is on show; the open request Unset is refused (unresolved variable): the
    pane is titled Unset, and the body below is said to be Echo's, not Unset's."""
    unset = Request(name="Unset", url="{{base}}/echo/{{nobody_set_this}}")
    app = _app(http_server, extra=[unset])
    async with app.run_test(size=(110, 36)) as pilot:
        await select_request(pilot, app, "Echo")
        viewer = await _send_and_wait(pilot, app)
        await select_request(pilot, app, "Unset")
        assert "Echo · not the open request" in str(viewer.border_title)
        await pilot.press("ctrl+j")
        status = viewer.query_one("#status-line")
        await wait_for(pilot, lambda: "Unresolved variable" in str(status.render()))
        assert str(viewer.border_title) == "Response · Unset"
        note = str(viewer.query_one("#body-note").render())
        assert "Echo's last response (this send was not made)" in note


async def test_a_new_collection_leaves_nothing_on_esc_and_asks_a_taken_name_again(
    xdg: Path, http_server: str
) -> None:
    from tui.core import paths
    from tui.dialogs.basic import Field
    from tui.flows.collections import create_collection

    app = _app(http_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = sorted(p.name for p in paths.collections_dir().iterdir())
        create_collection(app)
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceDialog")
        await pilot.press("enter")  # for Smartcar work
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        await pilot.press("escape")  # at the name
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen")
        assert sorted(p.name for p in paths.collections_dir().iterdir()) == before

        # As history's "save as request" asks it: the name, then the request's name.
        create_collection(app, extra_fields=[Field("request", "Request name", "Odometer")])
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChoiceDialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        dialog = app.screen
        name = dialog.query_one("#field-name", Input)
        name.value = "Local"  # taken
        await pilot.press("enter", "enter")  # to the request's name, then OK
        assert app.screen is dialog
        error = str(dialog.query_one("#dialog-error").render())
        assert "already a collection named 'Local'" in error
        assert dialog.focused is name  # the next keys fix the name
        await pilot.press(*"Fleet", "ctrl+s")
        await wait_for(pilot, lambda: (paths.collections_dir() / "fleet").is_dir())
        assert load_collection(paths.collections_dir() / "fleet")[0].name == "Fleet"


async def test_a_late_answer_is_named_as_another_request_s(
    xdg: Path, http_server: LocalServer
) -> None:
    """Send Slow, open Echo while Slow is in flight: Slow's answer arrives under a border that
    names Slow and says it is not the open request, and a toast says so."""
    slow = Request(name="Slow", url="{{base}}/slow", headers=[KeyValue("X-Delay", "1")])
    app = _app(http_server, extra=[slow])
    async with app.run_test(size=(110, 36), notifications=True) as pilot:
        await select_request(pilot, app, "Slow")
        await pilot.press("ctrl+j")
        await wait_for(pilot, lambda: http_server.arrived("/slow") == 1)  # in flight
        await select_request(pilot, app, "Echo")
        viewer = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: viewer.exchange is not None)
        assert viewer.exchange.request.url.endswith("/slow")
        assert str(viewer.border_title) == "Response · Slow · not the open request"
        said = [str(n.message) for n in app._notifications]
        assert any("Slow's, sent before you moved on" in m for m in said), said
        await select_request(pilot, app, "Slow")  # back to its own request: named plainly
        assert str(viewer.border_title) == "Response · Slow"


async def test_ctrl_l_selects_the_url_even_when_it_has_the_focus(
    xdg: Path, http_server: str
) -> None:
    app = _app(http_server)
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        url = app.screen.query_one("#url", Input)
        await pilot.press("ctrl+l", "end", "ctrl+l")  # already in the URL, cursor at its end
        await pilot.press(*"{{base}}/big")
        await wait_for(pilot, lambda: url.value == "{{base}}/big")
        assert app.screen.request.url == "{{base}}/big"
