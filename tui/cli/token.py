"""``carman token``: the state of the stored token for an environment.

Never prints a token unless ``--show`` is given. Exit codes: 0 a usable token (valid, or
refreshable on the next send), 1 none or expired (log in), 2 bad input.
"""

from __future__ import annotations

import argparse
import time

from tui.cli.common import EXIT_OK, add_env_argument, fail, open_cli_session
from tui.core.errors import CarmanError

EXIT_NOT_LOGGED_IN = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_argument(parser)
    parser.add_argument(
        "--show",
        action="store_true",
        help="also print the access and refresh tokens (they are secrets)",
    )


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "unknown"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def _print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows) + 1
    for label, value in rows:
        print(f"{label + ':':<{width}} {value}")


def run(args: argparse.Namespace) -> int:
    from tui.core.oauth.manager import TokenStatus
    from tui.core.oauth.token_store import format_duration

    try:
        session = open_cli_session(args.env)
        workspace, manager = session.workspace, session.tokens
        settings = manager.require_settings()
    except CarmanError as exc:
        return fail(str(exc))
    state = manager.state(settings)
    env = workspace.environment_name
    rows: list[tuple[str, str]] = [("environment", env), ("client id", settings.client_id)]
    if state.status == TokenStatus.DAMAGED:
        _print_rows(rows)
        return fail(state.message, EXIT_NOT_LOGGED_IN)
    if state.status == TokenStatus.NONE:
        _print_rows([*rows, ("token", "none (not logged in)")])
        print(f"Log in with: carman login --env {env}")
        return EXIT_NOT_LOGGED_IN
    left = state.seconds_left
    if state.status == TokenStatus.VALID:
        status = f"valid, {format_duration(left)} left"
    elif left > 0:
        status = f"expires in {format_duration(left)}; refreshed on the next send"
    elif state.status == TokenStatus.REFRESHABLE:
        status = f"expired {format_duration(-left)} ago; refreshed on the next send"
    else:
        status = f"expired {format_duration(-left)} ago; log in again"
    rows += [
        ("token", status),
        ("expires at", _when(state.expires_at)),
        ("refresh until", _when(state.refresh_expires_at)),
    ]
    if state.scope:
        rows.append(("scope", state.scope))
    if args.show:
        token = manager.stored(settings)
        if token is not None:
            rows += [
                ("access token", token.access_token),
                ("refresh token", token.refresh_token or "(none)"),
            ]
    _print_rows(rows)
    if not state.usable:
        print(f"Log in with: carman login --env {env}")
        return EXIT_NOT_LOGGED_IN
    return EXIT_OK
