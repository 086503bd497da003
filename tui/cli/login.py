"""``carman login``: Connect login with the loopback listener, a pasted URL, or (sandbox only)
an automatic approval; stores the tokens and says how many vehicles were authorised.

Smartcar v3: the redirect's ``user_id`` becomes ``{{user_id}}``; in an environment with
``auth_model = "api"`` the application token is then fetched once, so wrong API credentials
show up now rather than at the first v3 request (the login itself still counts as done).

Exit codes: 0 logged in, 1 login failed or denied, 2 bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import socket
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_env_argument, fail, open_cli_session
from tui.core.errors import CarmanError

if TYPE_CHECKING:
    from tui.core.model import OAuth2Settings
    from tui.core.oauth.flow import LoginFlow, LoginResult
    from tui.core.oauth.manager import TokenManager
    from tui.core.session import Session
    from tui.core.workspace import Workspace

EXIT_LOGIN_FAILED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_argument(parser)
    parser.add_argument(
        "--paste",
        action="store_true",
        help="do not listen; read the final redirect URL (or just the code) from stdin",
    )
    parser.add_argument(
        "--approve-as",
        metavar="EMAIL",
        help="sandbox only: approve as this test user without a browser",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds to wait for the browser (default: 300)",
    )


def run(args: argparse.Namespace) -> int:
    if args.paste and args.approve_as:
        return fail("--paste and --approve-as cannot be used together")
    if args.timeout <= 0:
        return fail("--timeout must be a positive number of seconds")
    try:
        session = open_cli_session(args.env)
    except CarmanError as exc:
        return fail(str(exc))
    try:
        return _login(session, args)
    finally:
        asyncio.run(session.aclose())


def _on_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


def _ensure_secret(workspace: Workspace, manager: TokenManager, settings: OAuth2Settings) -> None:
    """Make sure a client secret is stored; ask for it (hidden) on a terminal."""
    try:
        manager.client_secret(settings)
        return
    except CarmanError:
        if not sys.stdin.isatty():
            raise
    secret = getpass.getpass(f"Client secret for {settings.client_id} (not shown): ").strip()
    if not secret:
        raise CarmanError("No client secret was entered.")
    workspace.secrets.set_client_secret(settings.client_id, secret)
    print("Client secret saved in the secrets file (mode 0600).")


def _ensure_api_secret(
    workspace: Workspace, manager: TokenManager, settings: OAuth2Settings
) -> None:
    """API Authentication with its own client id (not Connect's): its secret too."""
    if not manager.uses_app_token():
        return
    app = manager.app.settings()
    if app is None or app.client_id == settings.client_id:
        return
    if workspace.secrets.client_secret(app.client_id) or not sys.stdin.isatty():
        return  # a missing one is reported by the application token's fetch below
    secret = getpass.getpass(
        f"Client secret of the API credentials {app.client_id} (not shown): "
    ).strip()
    if secret:
        workspace.secrets.set_client_secret(app.client_id, secret)
        print("Client secret saved in the secrets file (mode 0600).")


def _report_app_token(manager: TokenManager) -> None:
    """Fetch the application token now (API Authentication) and say how it went."""
    from tui.core.oauth.token_store import format_duration

    if not manager.uses_app_token() or manager.app.settings() is None:
        return
    try:
        asyncio.run(manager.app_token())
    except CarmanError as exc:
        print(f"Application token: not available: {exc}", file=sys.stderr)
        return
    state = manager.app_state()
    print(
        f"Application token (API Authentication): valid for {format_duration(state.seconds_left)};"
        " carman renews it by itself."
    )


def _redirect_port(settings: OAuth2Settings) -> int:
    try:
        return urlsplit(settings.redirect_uri).port or 80
    except ValueError:
        return 8000


def _event(message: str) -> None:
    # Called from the listener thread: a refused callback while we wait.
    print(f"carman: {message}", file=sys.stderr, flush=True)


def _login(session: Session, args: argparse.Namespace) -> int:
    from tui.core.oauth.callback import InvalidCallback
    from tui.core.oauth.flow import LoginError
    from tui.core.oauth.listener import ListenerError

    workspace, manager = session.workspace, session.tokens
    try:
        settings = manager.require_settings()
        _ensure_secret(workspace, manager, settings)
        _ensure_api_secret(workspace, manager, settings)
    except CarmanError as exc:
        return fail(str(exc))
    flow = manager.login(settings, timeout=args.timeout, on_event=_event)
    if not args.approve_as:
        print("Open this address in your browser to log in:\n")
        print(f"  {flow.authorize_url}\n", flush=True)
    try:
        if args.paste:
            print(
                "After approving, the browser ends on an address that may fail to load. Copy "
                "that whole address (or just the code), paste it here and press Enter:",
                flush=True,
            )
            line = sys.stdin.readline()
            if not line.strip():
                return fail("Nothing was pasted: run carman login --paste again.")
            result = asyncio.run(flow.complete_with_pasted(line))
        else:
            try:
                flow.start()
            except ListenerError as exc:
                return fail(f"{exc} Or use carman login --paste.", EXIT_LOGIN_FAILED)
            if args.approve_as:
                print(f"Approving in the sandbox as {args.approve_as}...", flush=True)
            else:
                _print_waiting(settings, args.timeout)
            result = asyncio.run(_listen(flow, args.approve_as))
    except InvalidCallback as exc:
        return fail(str(exc), EXIT_BAD_INPUT)
    except (LoginError, CarmanError) as exc:
        return fail(f"login failed: {exc}", EXIT_LOGIN_FAILED)
    finally:
        if flow.listener is not None and not flow.listener.done:
            flow.cancel()  # Ctrl+C or an error: free the port now
    print(result.summary)
    _report_app_token(manager)
    return EXIT_OK


def _forwarded_ports(settings: OAuth2Settings) -> list[int]:
    """Ports the laptop's browser must reach on this machine: the callback, and the
    authorize page too when it is served here (carman's sandbox)."""
    from tui.core.oauth.listener import is_loopback_host

    ports = [_redirect_port(settings)]
    try:
        parts = urlsplit(settings.authorize_url)
        if is_loopback_host(parts.hostname or "") and parts.port and parts.port not in ports:
            ports.append(parts.port)
    except ValueError:
        pass
    return ports


def _print_waiting(settings: OAuth2Settings, timeout: float) -> None:
    if _on_ssh():
        forwards = " ".join(f"-L {p}:localhost:{p}" for p in _forwarded_ports(settings))
        print(
            "You are connected over SSH: the browser on your laptop must reach this machine. "
            "From the laptop, run\n\n"
            f"  ssh {forwards} {getpass.getuser()}@{socket.gethostname()}\n\n"
            "then open the address above there (or use carman login --paste).\n",
            flush=True,
        )
    print(
        f"Waiting for the browser to come back to {settings.redirect_uri} "
        f"(up to {timeout:g} s; Ctrl+C cancels)...",
        flush=True,
    )


async def _listen(flow: LoginFlow, approve_as: str | None) -> LoginResult:
    if approve_as:
        from tui.core.oauth.sandbox_approve import approve_in_sandbox

        # Plays the browser: the code reaches the real listener through an HTTP GET.
        await approve_in_sandbox(flow.authorize_url, approve_as)
    return await flow.wait()
