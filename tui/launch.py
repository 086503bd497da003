"""Start the TUI: open the session (the sandbox when it is the environment) and run the app."""

from __future__ import annotations

import sys

from tui.core.errors import CarmanError
from tui.core.session import open_session
from tui.core.workspace import SANDBOX_ENVIRONMENT


def run_tui(environment: str | None = None, sandbox: bool = False) -> int:
    from tui.sandbox import ensure_sandbox

    try:
        session = open_session(
            SANDBOX_ENVIRONMENT if sandbox else environment, sandbox_provider=ensure_sandbox
        )
    except CarmanError as exc:
        print(f"carman: {exc}", file=sys.stderr)
        return 2
    from tui.app import CarmanApp

    try:
        CarmanApp(session).run()
    finally:
        session.stop_sandbox()
    return 0
