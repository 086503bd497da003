"""``carman token``: the state of the stored tokens of an environment.

Both kinds: the per-vehicle token of the Connect login (v2.0 requests; v3 too with
``auth_model = "connect"``) and, with ``auth_model = "api"``, the application token of API
Authentication, which carman fetches and renews by itself (its state is never the user's
job). Also the ``{{user_id}}`` the login set (v3's ``sc-user-id``).

Never prints a token unless ``--show`` is given. Exit codes: 0 the environment can send
(a usable per-vehicle token, or a v3-only login with a user id), 1 none or expired (log in),
2 bad input.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from tui.cli.common import EXIT_OK, add_env_argument, fail, open_cli_session
from tui.core.errors import CarmanError

if TYPE_CHECKING:
    from tui.core.oauth.manager import TokenManager, TokenState

EXIT_NOT_LOGGED_IN = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_env_argument(parser)
    parser.add_argument(
        "--show",
        action="store_true",
        help="also print the tokens themselves (they are secrets)",
    )


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "unknown"
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def _print_rows(rows: list[tuple[str, str]]) -> None:
    width = max(len(label) for label, _ in rows) + 1
    for label, value in rows:
        print(f"{label + ':':<{width}} {value}")


def _vehicle_token_status(state: TokenState) -> str:
    from tui.core.oauth.manager import TokenStatus
    from tui.core.oauth.token_store import format_duration

    left = state.seconds_left
    if state.status == TokenStatus.VALID:
        return f"valid, {format_duration(left)} left"
    if left > 0:
        return f"expires in {format_duration(left)}; refreshed on the next send"
    if state.status == TokenStatus.REFRESHABLE:
        return f"expired {format_duration(-left)} ago; refreshed on the next send"
    return f"expired {format_duration(-left)} ago; log in again"


def _app_token_rows(manager: TokenManager, show: bool) -> list[tuple[str, str]]:
    """The application token's rows (API Authentication), or none in a connect environment."""
    from tui.core.oauth.manager import TokenStatus
    from tui.core.oauth.token_store import format_duration

    if not manager.uses_app_token():
        return []
    try:
        settings = manager.app.require_settings()
    except CarmanError as exc:
        return [("app token", f"unavailable: {exc}")]
    state = manager.app_state()
    if state.status == TokenStatus.VALID:
        status = f"valid, {format_duration(state.seconds_left)} left; renewed by carman"
    elif state.status == TokenStatus.NONE:
        status = "none yet; carman fetches it when a v3 request needs it"
    elif state.status == TokenStatus.DAMAGED:
        status = f"unreadable: {state.message}"
    else:
        status = "due; carman fetches a new one on the next v3 request"
    rows = [("app client id", settings.client_id), ("app token", status)]
    if state.expires_at is not None:
        rows.append(("app expires at", _when(state.expires_at)))
    if show:
        cached = manager.app.cached(settings)
        if cached is not None:
            rows.append(("app access token", cached.access_token))
    return rows


def run(args: argparse.Namespace) -> int:
    from tui.core.oauth.manager import TokenStatus

    try:
        session = open_cli_session(args.env)
        workspace, manager = session.workspace, session.tokens
        env = workspace.environment
        # An environment with only API Authentication (no Connect settings) has just the
        # application token to show; one with neither is bad input, as before.
        app_only = env is not None and env.oauth2 is None and manager.app.settings() is not None
        settings = None if app_only else manager.require_settings()
    except CarmanError as exc:
        return fail(str(exc))
    env_name = workspace.environment_name
    model = env.auth_model.value if env is not None else "api"
    rows: list[tuple[str, str]] = [("environment", env_name), ("auth model", model)]
    user_id = workspace.variables.get("user_id")
    app_rows = _app_token_rows(manager, args.show)
    if settings is None:  # API Authentication only: no Connect settings at all
        _print_rows([*rows, ("user id", user_id or "none"), *app_rows])
        return EXIT_OK
    rows.append(("client id", settings.client_id))
    state = manager.state(settings)
    if state.status == TokenStatus.DAMAGED:
        _print_rows(rows)
        return fail(state.message, EXIT_NOT_LOGGED_IN)
    rows.append(("user id", user_id or "none (the login sets it)"))
    v3_only = settings.response_type == "none"
    if state.status == TokenStatus.NONE:
        why = "none (response_type=none: v3 only)" if v3_only else "none (not logged in)"
        _print_rows([*rows, ("token", why), *app_rows])
        if v3_only and user_id:
            return EXIT_OK
        print(f"Log in with: carman login --env {env_name}")
        return EXIT_NOT_LOGGED_IN
    rows += [
        ("token", _vehicle_token_status(state)),
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
    _print_rows(rows + app_rows)
    if not state.usable:
        print(f"Log in with: carman login --env {env_name}")
        return EXIT_NOT_LOGGED_IN
    return EXIT_OK
