"""Pilot tests for app actions reached by key or command palette: each checks the effect
(files on disk, variables, what a send carries, the header), not just that nothing crashed."""

from __future__ import annotations

import json
import time
from pathlib import Path

from textual.widgets import Input, OptionList

from tests.net import LocalServer
from tests.ui.helpers import (
    make_workspace,
    run_from_palette,
    select_request,
    send_and_wait,
    wait_for,
)
from tui.app import CarmanApp
from tui.core import paths
from tui.core.collection_io import load_collection
from tui.core.environments import save_environment
from tui.core.model import Environment, KeyValue, OAuth2Settings, Request
from tui.core.oauth.token_store import StoredToken, TokenStore
from tui.core.session import open_session
from tui.core.workspace import Workspace
from tui.dialogs.basic import ChoiceDialog, ConfirmDialog, FormDialog
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.kv_table import KeyValueTable
from tui.widgets.lazy_tabs import LazyTabbedContent
from tui.widgets.request_editor import RequestEditor


def _header(app: CarmanApp) -> str:
    return str(app.screen.query_one("#status-header").render())


def _echoed(viewer) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(viewer.exchange.response.body)


# -- environment (F2) and units (F4) -----------------------------------------------------


async def test_f2_switches_the_environment_for_the_next_send(
    xdg: Path, http_server: LocalServer
) -> None:
    make_workspace(http_server)  # writes the collection and the "local" environment
    save_environment(Environment(name="staging", variables={"base": f"{http_server}/staging"}))
    app = CarmanApp(open_session(workspace=Workspace().load("local")))
    async with app.run_test(size=(120, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        assert "env: local" in _header(app)
        viewer = await send_and_wait(pilot, app)
        assert _echoed(viewer)["path"] == "/echo"

        app.screen.query_one(CollectionTree).tree.focus()
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        options = app.screen.query_one(OptionList)
        assert options.highlighted == options.get_option_index("local")  # the current one
        options.highlighted = options.get_option_index("staging")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.workspace.environment_name == "staging")
        await wait_for(pilot, lambda: "env: staging" in _header(app))
        viewer = await send_and_wait(pilot, app)
        assert _echoed(viewer)["path"] == "/staging/echo"  # {{base}} of the new environment


async def test_f4_flips_the_unit_system_a_send_carries(xdg: Path, http_server: LocalServer) -> None:
    units = Request(
        name="Units",
        url="{{base}}/echo",
        headers=[KeyValue("SC-Unit-System", "{{unit_system}}")],
    )
    app = CarmanApp(open_session(workspace=make_workspace(http_server, extra=[units])))
    async with app.run_test(size=(120, 30)) as pilot:
        await select_request(pilot, app, "Units")
        assert app.workspace.variables.get("unit_system") == "metric"
        app.screen.query_one(CollectionTree).tree.focus()
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.workspace.variables.get("unit_system") == "imperial")
        assert "imperial" in _header(app)
        viewer = await send_and_wait(pilot, app)
        assert _echoed(viewer)["headers"]["SC-Unit-System"] == "imperial"
        app.screen.query_one(CollectionTree).tree.focus()
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.workspace.variables.get("unit_system") == "metric")
        await wait_for(pilot, lambda: "imperial" not in _header(app))
        viewer = await send_and_wait(pilot, app)
        assert _echoed(viewer)["headers"]["SC-Unit-System"] == "metric"


# -- layout ---------------------------------------------------------------------------------


async def test_ctrl_w_plus_and_minus_resize_the_editor(xdg: Path, http_server: LocalServer) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(100, 50)) as pilot:
        await select_request(pilot, app, "Echo")
        editor = app.screen.query_one(RequestEditor)
        await wait_for(pilot, lambda: editor.region.height > 0)
        start = editor.region.height
        app.screen.query_one(CollectionTree).tree.focus()
        await pilot.press("ctrl+w", "plus")
        await wait_for(pilot, lambda: editor.region.height > start)
        grown = editor.region.height
        await pilot.press("ctrl+w", "minus", "ctrl+w", "minus")
        await wait_for(pilot, lambda: editor.region.height < start)
        assert editor.region.height < grown


# -- tokens: log out, forget -------------------------------------------------------------

CLIENT = "client-for-ui-tests"


def _oauth_environment(name: str) -> Environment:
    return Environment(
        name=name,
        variables={"client_id": CLIENT},
        oauth2=OAuth2Settings(
            client_id="{{client_id}}",
            authorize_url="http://127.0.0.1:9/oauth/authorize",
            token_url="http://127.0.0.1:9/oauth/token",
        ),
    )


def _token(label: str) -> StoredToken:
    now = time.time()
    return StoredToken(
        access_token=f"access-{label}-0123456789",
        refresh_token=f"refresh-{label}-0123456789",
        expires_at=now + 7200,
        refresh_expires_at=now + 86400,
        obtained_at=now,
    )


def _token_file() -> str:
    path = paths.tokens_file()
    return path.read_text() if path.exists() else ""


async def test_logout_and_forget_tokens_from_the_palette(
    xdg: Path, http_server: LocalServer
) -> None:
    make_workspace(http_server)
    for name in ("alpha", "beta"):
        save_environment(_oauth_environment(name))
    store = TokenStore()
    store.put("alpha", CLIENT, _token("alpha"))
    store.put("beta", CLIENT, _token("beta"))
    assert "access-alpha" in _token_file() and "access-beta" in _token_file()
    workspace = Workspace().load("alpha")
    open_session(workspace=workspace)
    app = CarmanApp(open_session(workspace=workspace))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: "token: valid" in _header(app))

        await run_from_palette(pilot, app, "log out", "Log out of this environment")
        await wait_for(pilot, lambda: "access-alpha" not in _token_file())
        assert "refresh-alpha" not in _token_file()
        assert "access-beta" in _token_file()  # only this environment's tokens
        assert TokenStore().keys() == [("beta", CLIENT)]
        await wait_for(pilot, lambda: "token: none" in _header(app))

        await run_from_palette(pilot, app, "forget", "Forget all stored tokens")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: "access-beta" not in _token_file())
        assert "refresh-beta" not in _token_file()
        assert TokenStore().keys() == []


# -- collections: duplicate the built-in one, import curl --------------------------------


async def test_duplicate_the_builtin_collection_from_the_palette(
    xdg: Path, http_server: LocalServer
) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    builtin = next(c for c in app.workspace.collections if c.read_only)
    builtin_requests = [(folders, r.name, r.method, r.url) for folders, r in builtin.walk()]
    assert len(builtin_requests) > 5
    async with app.run_test(size=(120, 30)) as pilot:
        first = next(r for _, r in builtin.walk())
        app.screen.query_one(CollectionTree).select_request(first)
        await wait_for(pilot, lambda: app.screen.collection is builtin)

        await run_from_palette(pilot, app, "duplicate", "Duplicate the collection")
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one(Input).value = "Smartcar mine"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.workspace.collections[0].name == "Smartcar mine")
        clone = app.workspace.collections[0]
        assert not clone.read_only
        await wait_for(pilot, lambda: app.screen.collection is clone)  # opened for editing

    path = Path(clone.path)
    assert path.is_relative_to(paths.collections_dir())
    loaded, issues = load_collection(path)
    assert issues == []
    assert loaded.name == "Smartcar mine"
    assert [(f, r.name, r.method, r.url) for f, r in loaded.walk()] == builtin_requests


async def test_import_curl_as_a_new_request_from_the_palette(
    xdg: Path, http_server: LocalServer
) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    command = (
        "curl -X PUT 'https://api.example.com/v1/items/7?verbose=1' "
        "-H 'Accept: application/json' -H 'X-Trace: abc' -d '{\"name\": \"seven\"}'"
    )
    async with app.run_test(size=(120, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        local = app.screen.collection
        await run_from_palette(pilot, app, "import curl", "Import a curl command")
        assert isinstance(app.screen, FormDialog)
        fields = list(app.screen.query(Input))
        fields[0].value = command
        fields[1].value = "Put item"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: app.screen.request is not None and app.screen.request.name == "Put item"
        )
        request = app.screen.request
        assert app.screen.collection is local
        assert (request.method, request.url) == ("PUT", "https://api.example.com/v1/items/7")
        await wait_for(pilot, lambda: not request.dirty)  # saved

    loaded, _ = load_collection(Path(local.path))
    saved = loaded.find(["Put item"])
    assert saved is not None
    assert [r.name for r in loaded.requests] == ["Echo", "Big", "Put item"]
    assert (saved.method, saved.url) == ("PUT", "https://api.example.com/v1/items/7")
    assert saved.params == [KeyValue("verbose", "1")]
    assert saved.headers == [KeyValue("Accept", "application/json"), KeyValue("X-Trace", "abc")]
    assert saved.body.text == '{"name": "seven"}'


# -- the quit dialog's buttons, and moving rows -----------------------------------------


async def test_quit_dialog_buttons(xdg: Path, http_server: LocalServer) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Echo")
        app.screen.query_one("#url", Input).value = "{{base}}/changed"
        await wait_for(pilot, lambda: app.screen.request.dirty)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#no")
        await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmDialog))
        assert app.return_code is None and app.is_running
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.click("#yes")  # "Quit (y)"
        await wait_for(pilot, lambda: app.return_code == 0)


async def test_shift_k_and_j_move_a_header_row(xdg: Path, http_server: LocalServer) -> None:
    three = Request(
        name="Three",
        url="{{base}}/echo",
        headers=[KeyValue("H1", "1"), KeyValue("H2", "2"), KeyValue("H3", "3")],
    )
    app = CarmanApp(open_session(workspace=make_workspace(http_server, extra=[three])))
    async with app.run_test(size=(100, 30)) as pilot:
        await select_request(pilot, app, "Three")
        request = app.screen.request
        app.screen.query_one(LazyTabbedContent).active = "tab-headers"
        table = app.screen.query_one("#headers", KeyValueTable)
        table.focus()
        await wait_for(pilot, lambda: app.focused is table and table.row_count == 3)

        def order() -> list[str]:
            return [h.name for h in request.headers]

        def shown() -> list[str]:
            return [str(table.get_row_at(i)[1]) for i in range(table.row_count)]

        await pilot.press("K")  # the first row cannot go higher
        assert order() == ["H1", "H2", "H3"] and not request.dirty
        await pilot.press("J")
        await wait_for(pilot, lambda: order() == ["H2", "H1", "H3"])
        assert table.cursor_row == 1  # the cursor follows the row
        await pilot.press("J")
        await wait_for(pilot, lambda: order() == ["H2", "H3", "H1"])
        await pilot.press("J")  # the last row cannot go lower
        assert order() == ["H2", "H3", "H1"]
        await pilot.press("K")
        await wait_for(pilot, lambda: order() == ["H2", "H1", "H3"])
        await wait_for(pilot, lambda: shown() == ["H2", "H1", "H3"])
        assert request.dirty
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not request.dirty)
        viewer = await send_and_wait(pilot, app)
        echoed = [k for k in _echoed(viewer)["headers"] if k in ("H1", "H2", "H3")]
        assert echoed == ["H2", "H1", "H3"]  # sent in the new order

    loaded, _ = load_collection(Path(app.workspace.collections[0].path))
    saved = loaded.find(["Three"])
    assert saved is not None and [h.name for h in saved.headers] == ["H2", "H1", "H3"]
