"""A whole session in temporary XDG directories, then every byte carman wrote is searched for
the secrets it handled.

The session: log in to the sandbox through the login dialog, send requests from the built-in
collection (including Auth / Exchange code and Refresh token, whose answers carry tokens), let
carman refresh its own token (the refresh token rotates), copy requests as curl, export the
collection to Postman, and take SVG screenshots of the main screen after a send, of the
variables screen and of the history screen. Then the client secret, every access and refresh
token seen (carman's own before and after the refresh, and the Auth folder's) and the Basic
credentials are looked for in every file under the XDG directories (history database and its
-wal included, temporaries too) and in every screenshot, curl and export file. They may appear
only in the secrets and token files, which are 0600 in a 0700 directory.

Narrower leak checks live in tests/history/test_masking.py (history),
tests/importexport/test_copy_as_curl.py (curl) and tests/oauth/test_sandbox_flow.py (login).
"""

from __future__ import annotations

import base64
import socket
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from tests.reliability.conftest import builtin_request, manager_of, sandbox_workspace, smartcar
from tests.ui.helpers import wait_for
from tui import cli
from tui.app import CarmanApp
from tui.core import paths
from tui.core.history import HistoryStore
from tui.core.oauth.manager import TokenStatus
from tui.core.secrets import SecretsStore
from tui.core.session import open_session
from tui.dialogs.login import LoginScreen
from tui.screens.history import HistoryScreen
from tui.screens.main import MainScreen
from tui.screens.variables import VariablesScreen
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _files(roots: Iterable[Path]) -> list[Path]:
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def _leaks(roots: Iterable[Path], needles: dict[str, str], allowed: set[Path]) -> list[str]:
    """``file: what`` for every needle found outside the allowed files (bytes, also %-encoded)."""
    found = []
    for path in _files(roots):
        if path in allowed:
            continue
        content = path.read_bytes()
        for what, value in needles.items():
            forms = {value.encode(), quote(value, safe="").encode()}
            if any(form in content for form in forms):
                found.append(f"{path}: {what}")
    return found


async def test_a_whole_session_keeps_secrets_in_their_own_files(
    xdg: Path, sandbox, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "outputs"  # screenshots, copied curl commands, the export
    out.mkdir()
    redirect = f"http://localhost:{_free_port()}/exchange"
    sandbox.register_redirect_uri(redirect)
    workspace = sandbox_workspace(sandbox)
    workspace.set_session({"redirect_uri": redirect})
    manager = manager_of(workspace)
    needles: dict[str, str] = {"client secret": sandbox.client_secret}
    basic = f"{sandbox.client_id}:{sandbox.client_secret}".encode()
    needles["Basic credentials"] = base64.b64encode(basic).decode()

    def remember(label: str, values: Iterable[str | None]) -> None:
        for number, value in enumerate(v for v in values if v):
            needles[f"{label} #{number}"] = value

    app = CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox))
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main_screen
        assert main is not None
        viewer = main.query_one(ResponseViewer)

        async def send(*path: str) -> str:
            request = builtin_request(workspace, *path)
            main.query_one(CollectionTree).select_request(request)
            await wait_for(pilot, lambda: main.request is request)
            before = viewer.exchange
            await pilot.press("ctrl+j")
            await wait_for(pilot, lambda: viewer.exchange is not before, 20)
            shown = str(viewer.query_one("#status-line").render())
            assert "200 OK" in shown, (path, shown)
            return shown

        # Log in through the dialog; the sandbox approves (ctrl+a) like a browser would.
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))
        await pilot.press("ctrl+a")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), 20)
        assert manager.state().status == TokenStatus.VALID
        remember("carman token", manager.secret_values())

        await send("User", "All Vehicles")
        await send("Vehicle", "Odometer")
        await pilot.press("ctrl+y")  # copy as curl
        (out / "odometer.curl").write_text(str(app.clipboard), encoding="utf-8")
        app.save_screenshot("main-after-send.svg", str(out))

        # The Auth folder by hand: a code from Connect, then the token endpoint twice.
        connect = builtin_request(workspace, "Auth", "Connect URL")
        url = workspace.prepare(smartcar(workspace), connect).url
        location = sandbox.approve(url, "1-vehicles@smartcar.com")
        # The code itself is not looked for: it dies when exchanged a moment later, is useless
        # without the client secret, and carman does not treat the name "code" as secret.
        code = parse_qs(urlsplit(location).query)["code"][0]
        workspace.set_session({"code": code})
        await send("Auth", "Exchange code")
        remember("manual token (exchange)", _manual_tokens(workspace))
        await pilot.press("ctrl+y")
        (out / "exchange-code.curl").write_text(str(app.clipboard), encoding="utf-8")
        await send("Auth", "Refresh token")
        remember("manual token (refreshed)", _manual_tokens(workspace))

        # carman's own refresh: the refresh token rotates; the next send uses the new token.
        await manager.refresh(manager.require_settings())
        remember("carman token (rotated)", manager.secret_values())
        await send("Vehicle", "Odometer")
        app.save_screenshot("main-after-refresh.svg", str(out))

        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, VariablesScreen))
        await pilot.pause()
        app.save_screenshot("variables.svg", str(out))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await wait_for(pilot, lambda: bool(app.screen.summaries))  # type: ignore[attr-defined]
        app.save_screenshot("history.svg", str(out))
        await pilot.press("escape")

        assert cli.main(["export", "postman", "Smartcar API", "-o", str(out / "sc.json")]) == 0
        assert app.history is not None and app.history.flush(timeout=30)
        with HistoryStore() as store:
            assert store.count() == 5
        remember("stored secret", SecretsStore().all_values())

        roots = [xdg / "config", xdg / "data", xdg / "state", xdg / "cache", out]
        allowed = {paths.secrets_file(), paths.tokens_file()}
        # While carman runs: the history's -wal holds the newest writes.
        assert Path(f"{paths.history_db()}-wal").exists()
        leaks = _leaks(roots, needles, allowed)
        assert not leaks, "\n".join(leaks)

    # After carman quit (the -wal is checkpointed into the database), and everything written.
    assert len(_files(roots)) >= 10
    assert {p.suffix for p in _files([out])} == {".svg", ".curl", ".json"}
    leaks = _leaks(roots, needles, allowed)
    assert not leaks, "\n".join(leaks)
    # The two files that may hold secrets do hold them, privately.
    secrets_text = paths.secrets_file().read_text(encoding="utf-8")
    tokens_text = paths.tokens_file().read_text(encoding="utf-8")
    assert sandbox.client_secret in secrets_text
    assert all(token in tokens_text for token in manager.secret_values())
    for private in allowed:
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    assert stat.S_IMODE(paths.private_dir().stat().st_mode) == 0o700


def _manual_tokens(workspace) -> list[str | None]:  # type: ignore[no-untyped-def]
    tokens = [workspace.variables.get(n) for n in ("manual_access_token", "manual_refresh_token")]
    assert all(tokens), "the Auth folder's tokens were captured"
    return tokens


async def test_a_screenshot_of_a_token_answer_holds_no_token(
    xdg: Path, sandbox, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The token endpoint's answer on screen (Auth / Exchange code) is masked, so a screenshot
    of it holds no token."""
    redirect = f"http://localhost:{_free_port()}/exchange"
    sandbox.register_redirect_uri(redirect)
    workspace = sandbox_workspace(sandbox)
    workspace.set_session({"redirect_uri": redirect})
    connect = builtin_request(workspace, "Auth", "Connect URL")
    location = sandbox.approve(workspace.prepare(smartcar(workspace), connect).url, "a@b.c")
    workspace.set_session({"code": parse_qs(urlsplit(location).query)["code"][0]})
    app = CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox))
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main_screen
        assert main is not None
        viewer = main.query_one(ResponseViewer)
        request = builtin_request(workspace, "Auth", "Exchange code")
        main.query_one(CollectionTree).select_request(request)
        await wait_for(pilot, lambda: main.request is request)
        await pilot.press("ctrl+j")
        await wait_for(
            pilot, lambda: any("access_token" in line for line in viewer.body_view.lines)
        )
        (tmp_path / "shots").mkdir()
        shot = Path(app.save_screenshot("token-answer.svg", str(tmp_path / "shots")))
    tokens = {n: workspace.variables.get(n) or "" for n in ("manual_access_token",)}
    assert all(tokens.values())
    assert _leaks([shot.parent], tokens, set()) == []
