"""Write the files a user of the previous carman release has, with that release's own code.

The previous release is commit 7af5893 (2026-11-28, history schema version 2). This script
runs THAT code, never today's: its Python API for the collection, the environment, the
session variables, the config, the secrets and the token store and for a Connect login
against its own in-process sandbox, and its ``carman`` command for the sends, which its
history recorder writes down. The result, mirrored as an XDG tree, is what
``tests/upgrade/test_previous_release_files.py`` loads with today's code:

    previous-release/config/carman/config.toml
    previous-release/data/carman/...        collections, environments, sessions, history,
                                             private/ (secrets, tokens), sandbox/ (its state)

How to run it (from this repository's root; the old checkout gets a venv of its own):

    git worktree add /tmp/prev-release 7af5893
    python3 -m venv /tmp/prev-release/.venv
    /tmp/prev-release/.venv/bin/pip install -q -e /tmp/prev-release
    /tmp/prev-release/.venv/bin/python tests/upgrade/make_previous_release_files.py \
        tests/upgrade/previous-release
    git worktree remove --force /tmp/prev-release

It refuses to run on any other code (``tui`` must come from a checkout of 7af5893). Every
secret in the output is sandbox test data: the sandbox's published test client secret, tokens
the sandbox issued, and fixture values that name themselves as such. Nothing reaches the
internet: every send goes to the sandbox on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

PREVIOUS_RELEASE = "7af5893420b1606ebd0f88ddfdf116fa1dcfdc26"
LOGIN_EMAIL = "2-vehicles@smartcar.com"
USER_ENVIRONMENT = "local-sandbox"
USER_COLLECTION = "Fleet tools"
# The files of the tree that are not kept: lock files (empty) and SQLite's transient ones.
SKIPPED_SUFFIXES = (".lock", "-wal", "-shm", "-journal")


def _check_old_code() -> Path:
    """The checkout ``tui`` is imported from; exit unless it is the previous release."""
    import tui
    from tui.core.history import schema

    root = Path(tui.__file__).resolve().parent.parent
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    if head != PREVIOUS_RELEASE or schema.LATEST_VERSION != 2:
        sys.exit(
            f"tui comes from {root} at {head or 'an unknown commit'} (history schema "
            f"{schema.LATEST_VERSION}): run this with the venv of a checkout of "
            f"{PREVIOUS_RELEASE[:7]}, see the top of this file."
        )
    return root


def _point_xdg_at(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        env[name] = os.environ[name] = str(home / sub)
    for name in ("SSH_CONNECTION", "SSH_TTY", "CARMAN_ENV"):
        env.pop(name, None)
        os.environ.pop(name, None)
    return env


def _fixture_uuid(name: str) -> str:
    """A token shaped like Smartcar's (a UUID), derived from a name that says it is a fixture."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"carman-upgrade-fixture:{name}"))


def write_config() -> None:
    """config.toml through the previous release's ``save_setting`` (one key at a time, as the
    theme and environment pickers did), plus the history limits and a keymap."""
    from tui.core.config import save_setting

    save_setting("theme", "carman-light")
    save_setting("default_environment", USER_ENVIRONMENT)
    save_setting("unit_system", "imperial")
    save_setting("timeout", 12.5)
    save_setting("keymap", {"send": "f5", "focus_tree": "alt+1"})
    save_setting(
        "history", {"max_entries": 500, "max_bytes": 20 * 1024 * 1024, "max_body_bytes": 65536}
    )


def write_user_environment() -> None:
    """The user's own environment, aimed at ``carman sandbox`` on its default port (8700),
    with the sandbox's published test client, and a hand-set session of its own."""
    from tui.core.environments import save_environment
    from tui.core.model import Environment, OAuth2Settings
    from tui.core.oauth.token_store import StoredToken, TokenStore
    from tui.core.workspace import Workspace
    from tui.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

    base = "http://127.0.0.1:8700"
    save_environment(
        Environment(
            name=USER_ENVIRONMENT,
            description="My copy of the sandbox environment, for `carman sandbox` on 8700.",
            variables={
                "connect_url": base,
                "auth_url": base,
                "api_url": base,
                "mgmt_url": base,
                "v3_url": f"{base}/v3",
                "api_version": "2.0",
                "unit_system": "imperial",
                "mode": "test",
                "redirect_uri": "http://localhost:8000/exchange",
                "client_id": DEFAULT_CLIENT_ID,
                "fleet_name": "Blue fleet",
            },
            oauth2=OAuth2Settings(
                client_id="{{client_id}}",
                authorize_url="{{connect_url}}/oauth/authorize",
                token_url="{{auth_url}}/oauth/token",
                redirect_uri="{{redirect_uri}}",
                scope=["read_vehicle_info", "read_odometer", "control_security"],
                mode="{{mode}}",
            ),
        )
    )
    workspace = Workspace().load(USER_ENVIRONMENT)
    workspace.secrets.set_client_secret(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
    # By hand, as in the variables screen: a plain value and a secret-named one (the secrets
    # file keeps that one).
    workspace.set_session(
        {
            "vehicle_id": _fixture_uuid("local-sandbox vehicle"),
            "fleet_token": "fixture-fleet-token-0001",
        }
    )
    # A token for this environment, shaped like the sandbox's: the standalone sandbox that
    # issued it is gone, so this one is written through the token store directly.
    TokenStore().put(
        USER_ENVIRONMENT,
        DEFAULT_CLIENT_ID,
        StoredToken.from_response(
            access_token=_fixture_uuid("local-sandbox access token"),
            refresh_token=_fixture_uuid("local-sandbox refresh token"),
            expires_in=7200,
            scope="read_vehicle_info read_odometer control_security",
            now=time.time(),
        ),
    )


def write_user_collection() -> None:
    """ "Fleet tools", made as in the TUI (new collection, then requests and folders) and saved
    with the previous release's collection storage."""
    from tui.core import paths
    from tui.core.collection_io import save_collection
    from tui.core.collection_ops import add_folder, add_request, new_collection
    from tui.core.model import Auth, AuthKind, Body, BodyKind, Capture, KeyValue

    collection = new_collection(paths.collections_dir(), USER_COLLECTION)
    collection.description = "My requests for the fleet, kept in git."
    collection.variables = {"page_size": "5"}
    collection.auth = Auth(kind=AuthKind.OAUTH2)
    first = collection.requests[0]
    first.name = "Vehicles page"
    first.url = "{{api_url}}/v{{api_version}}/vehicles"
    first.params = [KeyValue("limit", "{{page_size}}"), KeyValue("offset", "0", enabled=False)]
    first.captures = [Capture(variable="vehicle_id", path="$.vehicles[0]")]

    vehicle = add_folder(collection, collection, "Vehicle")
    vehicle.description = "One vehicle: {{vehicle_id}}."
    odometer = add_request(collection, vehicle, "Odometer (imperial)")
    odometer.url = "{{api_url}}/v{{api_version}}/vehicles/{{vehicle_id}}/odometer"
    odometer.headers = [
        KeyValue("SC-Unit-System", "imperial"),
        KeyValue("X-Debug", "1", enabled=False),
    ]
    odometer.captures = [Capture(variable="distance", path="$.distance")]
    lock = add_request(collection, vehicle, "Lock doors")
    lock.method = "POST"
    lock.url = "{{api_url}}/v{{api_version}}/vehicles/{{vehicle_id}}/security"
    lock.description = "Locks {{fleet_name}}'s doors."
    lock.headers = [KeyValue("SC-Unit-System", "{{unit_system}}")]
    lock.body = Body(kind=BodyKind.JSON, text='{\n  "action": "LOCK"\n}\n')
    lock.auth = Auth(kind=AuthKind.BEARER, token="{{access_token}}")
    lock.meta = {"permission": "control_security"}

    # As copied from the previous release's built-in v3 folder (it used {{v3_url}}).
    v3 = add_folder(collection, collection, "v3")
    signal = add_request(collection, v3, "Odometer signal")
    signal.url = "{{v3_url}}/vehicles/{{vehicle_id}}/signals/odometer-traveleddistance"

    token = add_request(collection, collection, "Refresh by hand")
    token.method = "POST"
    token.url = "{{auth_url}}/oauth/token"
    token.body = Body(
        kind=BodyKind.FORM,
        form=[
            KeyValue("grant_type", "refresh_token"),
            KeyValue("refresh_token", "{{refresh_token}}"),
        ],
    )
    token.auth = Auth(kind=AuthKind.BASIC, username="{{client_id}}", password="{{client_secret}}")
    save_collection(collection)


def log_in_to_the_sandbox() -> None:
    """A Connect login in the sandbox environment against an in-process sandbox (state in the
    data directory, as ``carman --sandbox`` keeps it), approved as a test user and finished
    by pasting the redirect: the token store gets a token the sandbox really issued."""
    # tui.commands is the previous release's name for today's tui.cli.
    from tui.commands.common import attach_sandbox, attach_tokens
    from tui.commands.login import token_manager

    from tui.core.workspace import Workspace

    workspace = Workspace().load("sandbox")
    sandbox = attach_sandbox(workspace)
    attach_tokens(workspace)
    manager = token_manager(workspace)
    try:
        flow = manager.login(manager.require_settings())
        location = sandbox.approve(flow.authorize_url, LOGIN_EMAIL)
        result = asyncio.run(flow.complete_with_pasted(location))
        print(f"login: {result.summary}")
    finally:
        asyncio.run(workspace.aclose())
        sandbox.stop()


def _carman(env: dict[str, str], *args: str, expect: int = 0) -> str:
    carman = Path(sys.executable).with_name("carman")
    done = subprocess.run([str(carman), *args], env=env, capture_output=True, text=True)
    if done.returncode != expect:
        sys.exit(
            f"carman {' '.join(args)} exited {done.returncode}, expected {expect}:\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def send_requests(env: dict[str, str]) -> None:
    """``carman send`` as a user runs it: each run starts its own in-process sandbox, on a
    new port, and records the exchange in the history database with that literal port."""
    _carman(env, "--help")
    for path in (
        "Smartcar API/User/All Vehicles",
        "Smartcar API/Vehicle/Odometer",
        f"{USER_COLLECTION}/Vehicles page",
        f"{USER_COLLECTION}/Vehicle/Odometer (imperial)",
        f"{USER_COLLECTION}/Vehicle/Lock doors",
        f"{USER_COLLECTION}/v3/Odometer signal",
    ):
        _carman(env, "send", path, "--env", "sandbox")
    # A vehicle the sandbox does not know: an HTTP error answer (exit 1).
    _carman(
        env,
        "send",
        "Smartcar API/Vehicle/Odometer",
        "--env",
        "sandbox",
        "--var",
        "vehicle_id=" + _fixture_uuid("no such vehicle"),
        expect=1,
    )
    # Nothing listens on a bound, unlistened port: a transport error (exit 2).
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        _carman(
            env,
            "send",
            f"{USER_COLLECTION}/Vehicle/Odometer (imperial)",
            "--env",
            "sandbox",
            "--var",
            f"api_url=http://127.0.0.1:{port}",
            expect=2,
        )
    listed = _carman(env, "history", "--json", "--limit", "50").splitlines()
    print(f"history: {len(listed)} entries")
    print(_carman(env, "token", "--env", "sandbox").strip())


def copy_tree(home: Path, out: Path) -> list[Path]:
    """Copy carman's config and data directories into ``out`` (replacing it)."""
    from tui.core import paths

    db = paths.history_db()
    with sqlite3.connect(db) as conn:  # the recorder closed it; make sure no WAL is left
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if out.exists():
        shutil.rmtree(out)
    written: list[Path] = []
    for sub in ("config", "data"):
        for source in sorted((home / sub).rglob("*")):
            if not source.is_file() or source.name.endswith(SKIPPED_SUFFIXES):
                continue
            target = out / source.relative_to(home)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="directory to (re)write, e.g. previous-release")
    args = parser.parse_args()
    out = args.out.resolve()
    root = _check_old_code()
    print(f"previous release code: {root}")
    with tempfile.TemporaryDirectory(prefix="carman-prev-") as temporary:
        home = Path(temporary)
        env = _point_xdg_at(home)
        write_config()
        write_user_environment()
        write_user_collection()
        log_in_to_the_sandbox()
        send_requests(env)
        for path in copy_tree(home, out):
            print(f"wrote {path.relative_to(out)} ({path.stat().st_size} bytes)")
    manifest = {"commit": PREVIOUS_RELEASE, "generated_at": time.time()}
    (out / "GENERATED.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
