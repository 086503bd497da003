"""Start the TUI: load the workspace, start the sandbox when asked or when nothing is set up."""

from __future__ import annotations

import sys

from tui.core.errors import CarmanError
from tui.core.workspace import SANDBOX_ENVIRONMENT, Workspace


def run_tui(environment: str | None = None, sandbox: bool = False) -> int:
    workspace = Workspace().load(None)
    try:
        if sandbox:
            workspace.select_environment(SANDBOX_ENVIRONMENT)
        elif environment:
            workspace.select_environment(environment)
    except CarmanError as exc:
        print(f"carman: {exc}", file=sys.stderr)
        return 2
    handle = None
    if workspace.environment_name == SANDBOX_ENVIRONMENT:
        from tui.cli.common import attach_sandbox

        handle = attach_sandbox(workspace)
    from tui.cli.common import attach_tokens

    attach_tokens(workspace)
    from tui.app import CarmanApp

    app = CarmanApp(workspace, sandbox=handle)
    app.run()
    stop = getattr(handle, "stop", None)
    if stop is not None:
        stop()
    return 0
