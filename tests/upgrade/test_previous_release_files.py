"""Files written by the previous release (7af5893) still work with today's code.

``previous-release/`` holds what that release's own code wrote (see
``make_previous_release_files.py``): a user collection, a user environment, session variables,
config.toml, the secrets and token files, the history database (schema version 2) and the
in-process sandbox's state. Each test copies them into a fresh XDG tree and uses them with
today's code: they load as they were written, today's writes keep them readable, and old
history entries replay against a sandbox on 127.0.0.1.

Expectations come from two places: literal values the generator wrote (names, templates,
settings), and the raw fixture files read with tomllib, json and sqlite3, never with carman's
own readers, for what the old release chose at random (tokens, vehicle ids, ports).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tui.core import paths
from tui.core.collection_io import save_collection, save_request
from tui.core.config import HistoryLimits, load_config, save_setting
from tui.core.exchange import Exchange, Response, SentRequest, Timings
from tui.core.history import LATEST_VERSION, HistoryStore, replay_of, saved_request
from tui.core.masking import MASK
from tui.core.model import AuthKind, BodyKind, Collection
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.oauth.token_store import TokenStore
from tui.core.serialize import request_to_dict
from tui.core.session import Session, open_session
from tui.core.workspace import Workspace
from tui.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox, start_sandbox

FIXTURES = Path(__file__).parent / "previous-release"
OLD_CONFIG = FIXTURES / "config" / "carman"
OLD_DATA = FIXTURES / "data" / "carman"
PREVIOUS_RELEASE = "7af5893420b1606ebd0f88ddfdf116fa1dcfdc26"
OLD_SCHEMA_VERSION = 2
USER_ENV = "local-sandbox"
COLLECTION = "Fleet tools"
LOGIN_EMAIL = "2-vehicles@smartcar.com"
# Every request of the user collection, with its folders, in the order the old release saved.
OLD_REQUESTS = [
    ((), "Vehicles page", "new-request.toml"),
    ((), "Refresh by hand", "refresh-by-hand.toml"),
    (("Vehicle",), "Odometer (imperial)", "vehicle/odometer-imperial.toml"),
    (("Vehicle",), "Lock doors", "vehicle/lock-doors.toml"),
    (("v3",), "Odometer signal", "v3/odometer-signal.toml"),
]
LOCK_BODY = '{\n  "action": "LOCK"\n}\n'


# ---- the raw fixture files, read without carman -------------------------------------------


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _old_db() -> sqlite3.Connection:
    # immutable: the committed fixture is never written, not even a -wal beside it.
    uri = f"{(OLD_DATA / 'history.sqlite3').resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(sql)]


OLD_ENTRY_SQL = "SELECT * FROM entries ORDER BY id"
OLD_DATA_SQL = (
    "SELECT id, request_headers, request_body, response_headers, response_body"
    " FROM entry_data ORDER BY id"
)


def _old_entry_id(request_name: str, status: int | None) -> int:
    with _old_db() as conn:
        row = conn.execute(
            "SELECT id FROM entries WHERE request_name = ? AND status IS ?",
            (request_name, status),
        ).fetchone()
    assert row is not None, (request_name, status)
    return int(row[0])


def _old_tokens() -> dict[str, Any]:
    return json.loads((OLD_DATA / "private" / "tokens.json").read_text(encoding="utf-8"))


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# ---- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def old_files(xdg: Path) -> Path:
    """The previous release's files in a fresh XDG tree, with the modes that release gave
    them (git keeps only 644): a 0700 private directory, 0600 secrets, tokens and history."""
    shutil.copytree(FIXTURES / "config", xdg / "config")
    shutil.copytree(FIXTURES / "data", xdg / "data")
    os.chmod(paths.private_dir(), 0o700)
    for path in (paths.secrets_file(), paths.tokens_file(), paths.history_db()):
        os.chmod(path, 0o600)
    return xdg


def _old_sandbox_port() -> int:
    """The port of the in-process sandbox that answered the old "Odometer" send."""
    with _old_db() as conn:
        url = conn.execute(
            "SELECT url FROM entries WHERE request_name = 'Odometer' AND status = 200"
        ).fetchone()[0]
    port = urlsplit(url).port
    assert port is not None and urlsplit(url).hostname == "127.0.0.1"
    return port


@pytest.fixture
def sandbox_where_it_was(old_files: Path) -> Iterator[Sandbox]:
    """Today's sandbox on the old state directory and on the port an old entry names: the
    address an entry recorded without a template is replayed to."""
    port = _old_sandbox_port()
    try:
        sandbox = start_sandbox(port=port, state_dir=paths.sandbox_dir(), seed=3)
    except OSError as exc:  # another process took it: say which port, not a stack trace
        pytest.fail(f"port {port} (named by the old history entry) is in use: {exc}")
    with sandbox:
        yield sandbox


def _sandbox_session(sandbox: Sandbox) -> Session:
    return open_session("sandbox", sandbox_provider=lambda: sandbox)


async def _log_in(session: Session, sandbox: Sandbox) -> None:
    """Today's Connect login, approved in the sandbox and finished with the pasted redirect
    (no listener on the fixed callback port)."""
    flow = session.tokens.login(session.tokens.require_settings())
    result = await flow.complete_with_pasted(sandbox.approve(flow.authorize_url, LOGIN_EMAIL))
    assert result.vehicle_count == 2, result.summary


def _fleet(workspace: Workspace) -> Collection:
    found = [c for c in workspace.collections if c.name == COLLECTION]
    assert len(found) == 1, [c.name for c in workspace.collections]
    return found[0]


# ---- the fixtures themselves ----------------------------------------------------------------


def test_the_fixtures_come_from_the_previous_release() -> None:
    """Guards the guard: regenerating the files with today's code would make every test below
    compare today with today."""
    generated = json.loads((FIXTURES / "GENERATED.json").read_text(encoding="utf-8"))
    assert generated["commit"] == PREVIOUS_RELEASE
    with _old_db() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == OLD_SCHEMA_VERSION
        assert [r[0] for r in conn.execute("SELECT version FROM schema_migrations")] == [1, 2]
        columns = {r[1] for r in conn.execute("PRAGMA table_info(entry_data)")}
        assert "template" not in columns  # templates came after this release
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 8
    assert "app_tokens" not in _old_tokens()
    assert "auth_model" not in _toml(OLD_DATA / "environments" / f"{USER_ENV}.toml")


# ---- collections ----------------------------------------------------------------------------


def test_the_user_collection_loads_every_request_as_it_was_saved(old_files: Path) -> None:
    workspace = Workspace().load(None)
    assert workspace.issues == []
    fleet = _fleet(workspace)
    assert not fleet.read_only
    assert fleet.description == "My requests for the fleet, kept in git."
    assert fleet.variables == {"page_size": "5"}
    assert fleet.auth is not None and fleet.auth.kind == AuthKind.OAUTH2
    assert [(folders, r.name) for folders, r in fleet.walk()] == [
        (folders, name) for folders, name, _ in OLD_REQUESTS
    ]
    for folders, name, file in OLD_REQUESTS:
        request = fleet.find([*folders, name])
        assert request is not None, name
        # Field by field as the old release wrote them: today's reading loses nothing.
        assert request_to_dict(request) == _toml(fleet.path / file), file

    lock = fleet.find(["Vehicle", "Lock doors"])
    assert lock is not None and lock.method == "POST" and lock.body.kind == BodyKind.JSON
    assert lock.body.text == LOCK_BODY
    assert (lock.auth.kind, lock.auth.token) == (AuthKind.BEARER, "{{access_token}}")
    assert lock.meta == {"permission": "control_security"}
    odometer = fleet.find(["Vehicle", "Odometer (imperial)"])
    assert odometer is not None and fleet.effective_auth(odometer).kind == AuthKind.OAUTH2
    assert [(h.name, h.value, h.enabled) for h in odometer.headers] == [
        ("SC-Unit-System", "imperial", True),
        ("X-Debug", "1", False),
    ]
    assert [(c.variable, c.path) for c in odometer.captures] == [("distance", "$.distance")]
    refresh = fleet.find(["Refresh by hand"])
    assert refresh is not None and refresh.auth.kind == AuthKind.BASIC
    assert [(f.name, f.value) for f in refresh.body.form] == [
        ("grant_type", "refresh_token"),
        ("refresh_token", "{{refresh_token}}"),
    ]


def test_saving_the_collection_unchanged_rewrites_the_same_bytes(old_files: Path) -> None:
    fleet = _fleet(Workspace().load(None))
    before = _tree_bytes(fleet.path)
    save_collection(fleet)
    assert _tree_bytes(fleet.path) == before
    assert before == _tree_bytes(OLD_DATA / "collections" / "fleet-tools")


def test_a_request_changes_only_by_the_user_s_own_edit(old_files: Path) -> None:
    fleet = _fleet(Workspace().load(None))
    lock = fleet.find(["Vehicle", "Lock doors"])
    assert lock is not None
    lock.body.text = LOCK_BODY.replace("LOCK", "UNLOCK")
    save_request(fleet, lock)

    after = _tree_bytes(fleet.path)
    old = _tree_bytes(OLD_DATA / "collections" / "fleet-tools")
    assert {name for name in old if old[name] != after[name]} == {"vehicle/lock-doors.toml"}
    assert set(after) == set(old)
    edited, original = (
        _toml(fleet.path / "vehicle" / "lock-doors.toml"),
        _toml(OLD_DATA / "collections" / "fleet-tools" / "vehicle" / "lock-doors.toml"),
    )
    assert edited["body"]["text"] == '{\n  "action": "UNLOCK"\n}\n'
    edited["body"]["text"] = original["body"]["text"]
    assert edited == original  # nothing else in the file moved

    reloaded = _fleet(Workspace().load(None)).find(["Vehicle", "Lock doors"])
    assert reloaded is not None and "UNLOCK" in reloaded.body.text


# ---- environments, sessions, secrets --------------------------------------------------------


def test_the_environment_and_session_variables_resolve(old_files: Path) -> None:
    old_session = _toml(OLD_DATA / "sessions" / f"{USER_ENV}.toml")["variables"]
    old_secrets = _toml(OLD_DATA / "private" / "secrets.toml")
    workspace = Workspace().load(None)  # config.toml's default_environment
    assert workspace.environment_name == USER_ENV
    assert not workspace.environments[USER_ENV].read_only
    fleet = _fleet(workspace)
    workspace.use_collection(fleet)
    resolved = workspace.variables.resolve(
        "{{api_url}}/v{{api_version}}/vehicles/{{vehicle_id}}/odometer"
        " {{page_size}} {{fleet_name}} {{unit_system}} {{fleet_token}}"
    )
    assert resolved.unresolved == ()
    vehicle_id = old_session["vehicle_id"]
    fleet_token = old_secrets["variables"][f"session:{USER_ENV}"]["fleet_token"]
    assert fleet_token == "fixture-fleet-token-0001"
    assert resolved.text == (
        f"http://127.0.0.1:8700/v2.0/vehicles/{vehicle_id}/odometer"
        f" 5 Blue fleet imperial {fleet_token}"
    )
    layers = {(v.name, v.layer) for v in workspace.variables.describe()}
    assert {("vehicle_id", "session"), ("fleet_token", "session")} <= layers
    assert {("fleet_name", "environment"), ("page_size", "collection")} <= layers
    assert workspace.variables.get("client_secret") == DEFAULT_CLIENT_SECRET

    sandbox_session = _toml(OLD_DATA / "sessions" / "sandbox.toml")["variables"]
    workspace.select_environment("sandbox")
    for name in ("vehicle_id", "vehicle_id_all", "distance"):
        assert workspace.variables.get(name) == sandbox_session[name], name
    assert json.loads(sandbox_session["vehicle_id_all"])[0] == sandbox_session["vehicle_id"]


def test_an_old_request_prepares_with_the_old_environment_session_and_token(
    old_files: Path,
) -> None:
    old = _old_tokens()["tokens"][USER_ENV][DEFAULT_CLIENT_ID]
    workspace = Workspace().load(None)
    # A clock a minute after the old login: the stored token is valid whatever today's date.
    workspace.set_token_source(TokenManager(workspace, clock=lambda: old["obtained_at"] + 60))
    session = open_session(workspace=workspace)
    fleet = _fleet(workspace)
    lock = fleet.find(["Vehicle", "Lock doors"])
    assert lock is not None
    prepared = workspace.prepare(fleet, lock)
    vehicle_id = _toml(OLD_DATA / "sessions" / f"{USER_ENV}.toml")["variables"]["vehicle_id"]
    assert prepared.url == f"http://127.0.0.1:8700/v2.0/vehicles/{vehicle_id}/security"
    headers = dict(prepared.headers)
    assert headers["Authorization"] == f"Bearer {old['access_token']}"
    assert headers["SC-Unit-System"] == "imperial"
    assert prepared.body == LOCK_BODY.encode()
    asyncio.run(session.aclose())


# ---- config ---------------------------------------------------------------------------------


def test_the_config_settings_apply(old_files: Path) -> None:
    from tui.actions import bindings
    from tui.core.theme_files import load_themes

    config = load_config()
    assert config.issues == []
    assert (config.theme, config.default_environment, config.unit_system, config.timeout) == (
        "carman-light",
        USER_ENV,
        "imperial",
        12.5,
    )
    assert config.history == HistoryLimits(
        max_entries=500, max_bytes=20 * 1024 * 1024, max_body_bytes=65536
    )
    assert "carman-light" in load_themes().themes
    keys = {b.id: b.key for b in bindings(config.keymap)}
    assert keys["send"] == "f5" and keys["focus_tree"] == "alt+1"

    session = open_session()
    assert session.workspace.environment_name == USER_ENV
    assert session.workspace.pipeline.timeout == 12.5
    recorder = session.open_history()
    assert recorder.limits == config.history
    asyncio.run(session.aclose())


def test_today_s_history_keeps_the_old_body_limit(old_files: Path) -> None:
    """max_body_bytes = 65536 from the old config.toml cuts a body recorded today."""
    body = b'{"pad": "' + b"x" * 100_000 + b'"}'
    exchange = Exchange(
        request=SentRequest("GET", "http://127.0.0.1:9/big", [], b""),
        timings=Timings(started_at=1.0, total_ms=1.0, headers_ms=1.0, body_ms=0.0),
        response=Response(200, "OK", "HTTP/1.1", [("Content-Type", "application/json")], body),
    )
    with HistoryStore(limits=load_config().history) as store:
        entry = store.get(store.record(exchange) or 0)
    assert entry.response_body_truncated and len(entry.response_body) == 65536
    assert entry.response_body_size == len(body)


def test_a_setting_changed_today_keeps_the_others(old_files: Path) -> None:
    old = _toml(OLD_CONFIG / "config.toml")
    save_setting("theme", "carman-dark")
    now = _toml(paths.config_file())
    assert now["theme"] == "carman-dark"
    del now["theme"], old["theme"]
    assert now == old


# ---- history --------------------------------------------------------------------------------


def test_the_history_opens_migrated_and_keeps_every_old_entry(old_files: Path) -> None:
    with _old_db() as conn:
        old_entries = _rows(conn, OLD_ENTRY_SQL)
        old_data = _rows(conn, OLD_DATA_SQL)
        old_steps = _rows(conn, "SELECT * FROM schema_migrations ORDER BY version")
    with HistoryStore() as store:
        assert store.count() == len(old_entries) == 8
        assert store.check() == []  # every old checksum still holds
        for row, data in zip(old_entries, old_data, strict=True):
            entry = store.get(row[0])
            assert (entry.method, entry.url, entry.status, entry.request_name) == (
                row[5],
                row[6],
                row[7],
                row[4],
            )
            assert (entry.request_body, entry.response_body) == (data[2], data[4])
            assert entry.template == "" and entry.collection_id == ""

    conn = sqlite3.connect(paths.history_db())
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        steps = _rows(conn, "SELECT * FROM schema_migrations ORDER BY version")
        assert steps[:2] == old_steps
        assert [s[0] for s in steps] == list(range(1, LATEST_VERSION + 1))
        # Migrated in place, no copy kept: every old row is still there, column for column.
        assert _rows(conn, OLD_ENTRY_SQL) == old_entries
        assert _rows(conn, OLD_DATA_SQL) == old_data
    finally:
        conn.close()
    assert os.stat(paths.history_db()).st_mode & 0o777 == 0o600


def test_searches_find_the_old_entries(old_files: Path) -> None:
    with HistoryStore() as store:

        def found(text: str) -> set[int]:
            return {s.id for s in store.search(text)}

        odometer = {
            _old_entry_id("Odometer", 200),
            _old_entry_id("Odometer", 401),
            _old_entry_id("Odometer (imperial)", 200),
            _old_entry_id("Odometer (imperial)", None),
            _old_entry_id("Odometer signal", 200),
        }
        assert found("odometer") == odometer
        assert found('"action": "LOCK"') == {_old_entry_id("Lock doors", 200)}  # a body
        assert found("vehicles page") == {_old_entry_id("Vehicles page", 200)}  # a name
        assert found("401") == {_old_entry_id("Odometer", 401)}  # a status
        assert found("connection_refused") == {_old_entry_id("Odometer (imperial)", None)}
        assert found("Fleet tools") == {
            _old_entry_id(name, status)
            for name, status in (
                ("Vehicles page", 200),
                ("Odometer (imperial)", 200),
                ("Odometer (imperial)", None),
                ("Lock doors", 200),
                ("Odometer signal", 200),
            )
        }


def test_the_history_command_lists_and_shows_old_entries(
    old_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui.cli import main

    assert main(["history", "--search", "lock doors", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [item["id"] for item in listed] == [_old_entry_id("Lock doors", 200)]
    assert main(["history", "show", str(listed[0]["id"])]) == 0
    shown = capsys.readouterr().out
    assert '"action": "LOCK"' in shown and f"Bearer {MASK}" in shown


@pytest.mark.xdist_group("fixed-ports")
async def test_an_old_entry_replays_as_sent_and_says_why(sandbox_where_it_was: Sandbox) -> None:
    sandbox = sandbox_where_it_was
    with HistoryStore() as store:
        odometer = store.get(_old_entry_id("Odometer", 200))
        lock = store.get(_old_entry_id("Lock doors", 200))
    replay = replay_of(odometer)
    assert not replay.from_template
    assert "recorded before carman kept templates" in replay.note
    assert replay.request.url == odometer.url
    assert replay.request.auth.kind == AuthKind.OAUTH2  # it carried a bearer token

    session = _sandbox_session(sandbox)
    await _log_in(session, sandbox)  # the old token has long expired by the time this runs
    exchange, _ = await session.workspace.send(None, replay.request)
    assert exchange.ok, exchange.error
    assert exchange.request.url == odometer.url
    authorization = dict(exchange.request.headers)["Authorization"]
    assert authorization.startswith("Bearer ") and MASK not in authorization
    assert "distance" in json.loads(exchange.response.body)  # type: ignore[union-attr]

    # Another day's send, to another day's sandbox port: as sent, body and all (it is not
    # sent here: nothing is meant to listen on that old port any more).
    again = replay_of(lock)
    assert not again.from_template and again.request.url == lock.url != odometer.url
    prepared = session.workspace.prepare(None, again.request)
    assert (prepared.method, prepared.body) == ("POST", LOCK_BODY.encode())
    assert prepared.body == lock.request_body
    await session.aclose()


@pytest.mark.xdist_group("fixed-ports")
async def test_an_old_entry_saved_as_a_request_works(sandbox_where_it_was: Sandbox) -> None:
    sandbox = sandbox_where_it_was
    with HistoryStore() as store:
        entry = store.get(_old_entry_id("Odometer", 200))
    request = saved_request(entry, "Odometer from history")
    assert request.url == entry.url  # no template: the address as it was sent
    assert f"From history #{entry.id}" in request.description
    assert request.auth.kind == AuthKind.INHERIT  # the collection's OAuth2 login applies

    fleet = _fleet(Workspace().load(None))
    before = _tree_bytes(fleet.path)
    fleet.requests.append(request)  # as the history screen's "save as request" does
    save_collection(fleet)
    after = _tree_bytes(fleet.path)
    assert {n for n in before if before[n] != after.get(n)} == {"collection.toml"}  # its order
    assert set(after) - set(before) == {"odometer-from-history.toml"}

    session = _sandbox_session(sandbox)
    await _log_in(session, sandbox)
    found, saved = session.workspace.find_request(f"{COLLECTION}/Odometer from history")
    exchange, _ = await session.workspace.send(found, saved)
    assert exchange.ok, exchange.error
    assert exchange.request.url == entry.url
    await session.aclose()


# ---- tokens ---------------------------------------------------------------------------------


def test_the_token_store_reads_the_old_token_for_its_environment(old_files: Path) -> None:
    old = _old_tokens()
    assert old["version"] == 1
    store = TokenStore()
    assert sorted(store.keys()) == [
        ("local-sandbox", DEFAULT_CLIENT_ID),
        ("sandbox", DEFAULT_CLIENT_ID),
    ]
    for environment in ("sandbox", USER_ENV):
        raw = old["tokens"][environment][DEFAULT_CLIENT_ID]
        token = store.get(environment, DEFAULT_CLIENT_ID)
        assert token is not None
        assert token.to_dict() == raw  # every field, as written
        assert {token.access_token, token.refresh_token} <= store.secret_values()

        workspace = Workspace().load(environment)
        at = raw["obtained_at"] + 60
        manager = TokenManager(workspace, clock=lambda at=at: at)
        state = manager.state()
        assert state.status == TokenStatus.VALID
        assert state.seconds_left == raw["expires_at"] - at
        assert workspace.variables.get("access_token") == raw["access_token"]
        manager.clock = lambda raw=raw: raw["expires_at"] + 1
        assert manager.state().status == TokenStatus.REFRESHABLE
        manager.clock = lambda raw=raw: raw["refresh_expires_at"] + 1
        assert manager.state().status == TokenStatus.EXPIRED


@pytest.mark.xdist_group("fixed-ports")
async def test_today_s_login_keeps_the_token_file_in_the_old_shape(
    sandbox_where_it_was: Sandbox,
) -> None:
    """A login today replaces the sandbox's token and leaves the other environment's entry,
    the layout and the version as the old release wrote them."""
    old = _old_tokens()
    session = _sandbox_session(sandbox_where_it_was)
    await _log_in(session, sandbox_where_it_was)
    await session.aclose()
    now = json.loads(paths.tokens_file().read_text(encoding="utf-8"))
    assert now["version"] == old["version"] == 1
    assert now["tokens"][USER_ENV] == old["tokens"][USER_ENV]
    new, was = (
        now["tokens"]["sandbox"][DEFAULT_CLIENT_ID],
        old["tokens"]["sandbox"][DEFAULT_CLIENT_ID],
    )
    assert new["access_token"] != was["access_token"]
    assert set(new) == set(was)  # the fields the old release reads, no more, no fewer
    assert os.stat(paths.tokens_file()).st_mode & 0o777 == 0o600
    session_vars = _toml(paths.data_dir() / "sessions" / "sandbox.toml")["variables"]
    old_vars = _toml(OLD_DATA / "sessions" / "sandbox.toml")["variables"]
    assert session_vars["distance"] == old_vars["distance"]  # the login kept the old captures
    assert session_vars["vehicle_id"] in json.loads(old_vars["vehicle_id_all"])


# ---- nothing is destroyed -------------------------------------------------------------------


def test_opening_everything_today_writes_only_the_history_migration(old_files: Path) -> None:
    """Loading every environment, the collection, the config, the tokens and the history
    leaves the old files byte for byte as they were; the history database alone is changed
    (migrated in place; its rows are checked above) and nothing else appears."""
    before = _tree_bytes(old_files)
    session = open_session()
    for name in list(session.workspace.environments):
        if name != "sandbox":
            session.workspace.select_environment(name)
            session.tokens.state()
    with HistoryStore() as store:
        store.search("odometer")
    asyncio.run(session.aclose())
    after = _tree_bytes(old_files)
    history = str(paths.history_db().relative_to(old_files))
    changed = {name for name in before if before[name] != after.get(name)}
    assert changed == {history}
    appeared = set(after) - set(before)
    assert appeared <= {f"{history}-wal", f"{history}-shm"}, appeared


# ---- the TUI on the old files ---------------------------------------------------------------


@pytest.mark.xdist_group("fixed-ports")
async def test_the_tui_starts_on_the_old_files_and_replays_an_old_entry(
    sandbox_where_it_was: Sandbox,
) -> None:
    """The old theme and keymap are in force (f5 sends, alt+1 goes to the tree), the history
    screen lists the old entries, and ``r`` replays one exactly as sent, saying so."""
    from textual.widgets import DataTable

    from tests.ui.helpers import select_request, wait_for
    from tui.app import CarmanApp
    from tui.screens.history import HistoryEntryScreen, HistoryScreen
    from tui.widgets.collection_tree import CollectionTree
    from tui.widgets.response_viewer import ResponseViewer

    sandbox = sandbox_where_it_was
    session = _sandbox_session(sandbox)
    await _log_in(session, sandbox)
    odometer_id = _old_entry_id("Odometer", 200)
    app = CarmanApp(session)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "carman-light"
        await pilot.press("alt+1")
        assert app.focused is app.screen.query_one(CollectionTree).tree
        await select_request(pilot, app, "Odometer (imperial)")
        viewer = app.screen.query_one(ResponseViewer)
        await pilot.press("f5")
        await wait_for(pilot, lambda: viewer.exchange is not None)
        assert viewer.exchange.ok, viewer.exchange.error
        assert viewer.exchange.request.url.startswith(sandbox.base_url)

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        history = app.screen
        # The eight old entries and today's send.
        await wait_for(pilot, lambda: len(history.summaries) == 9)
        assert odometer_id in {s.id for s in history.summaries}
        table = history.query_one(DataTable)
        history.set_focus(table)
        table.move_cursor(row=[s.id for s in history.summaries].index(odometer_id))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryEntryScreen))
        replayed = app.screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: "replayed now" in str(replayed.border_title))
        assert str(replayed.border_title) == "Response (replayed now, exactly as sent)"
        assert replayed.exchange is not None and replayed.exchange.ok
        assert replayed.exchange.request.url == app.screen.entry.url
    await session.aclose()
