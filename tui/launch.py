"""Start the TUI: open the session and run the app (which starts the sandbox when it is the
environment, after its first frame)."""

from __future__ import annotations

import sys

from tui.core.errors import CarmanError
from tui.core.session import SandboxHandle, open_session
from tui.core.workspace import SANDBOX_ENVIRONMENT


def _sandbox() -> SandboxHandle:
    from tui.sandbox import ensure_sandbox  # imported when wanted: ~40 ms of a start

    return ensure_sandbox()


def run_tui(environment: str | None = None, sandbox: bool = False) -> int:
    try:
        # The app starts the sandbox once its first frame is painted (tui.flows.deferred_start).
        session = open_session(
            SANDBOX_ENVIRONMENT if sandbox else environment,
            sandbox_provider=_sandbox,
            defer_sandbox=True,
        )
    except CarmanError as exc:
        print(f"carman: {exc}", file=sys.stderr)
        return 2
    from tui.app import CarmanApp

    app = CarmanApp(session)
    app.manage_gc = True
    try:
        app.run()
    finally:
        session.stop_sandbox()
    return 0
