"""What every headless command shares: opening the workspace, printing errors."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tui.core.workspace import SANDBOX_ENVIRONMENT, Workspace

EXIT_OK = 0
EXIT_HTTP_ERROR = 1
EXIT_BAD_INPUT = 2


def add_env_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", metavar="NAME", help="environment to use (default: sandbox)")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"carman: {message}", file=sys.stderr)
    return code


def point_at_sandbox(workspace: Workspace, sandbox: Any) -> None:
    """Aim the sandbox environment at ``sandbox``: its real port, client and secrets."""
    from tui.sandbox import config as sandbox_config

    base = sandbox.base_url
    for name in ("connect_url", "auth_url", "api_url", "mgmt_url"):
        workspace.set_environment_variable(name, base)
    workspace.set_environment_variable("v3_url", f"{base}/v3")
    workspace.set_environment_variable("client_id", sandbox.client_id)
    # The sandbox's management token is public test data, but secret-named: kept in memory.
    workspace.set_environment_variable("amt", getattr(sandbox, "amt", sandbox_config.DEFAULT_AMT))
    if workspace.secrets.client_secret(sandbox.client_id) != sandbox.client_secret:
        workspace.secrets.set_client_secret(sandbox.client_id, sandbox.client_secret)


def attach_sandbox(workspace: Workspace) -> Any:
    """Point the sandbox environment at a running sandbox, starting one in-process if needed."""
    from tui.sandbox import ensure_sandbox

    sandbox = ensure_sandbox()
    point_at_sandbox(workspace, sandbox)
    return sandbox


def attach_tokens(workspace: Workspace) -> None:
    """Give the workspace its OAuth2 token source (refresh, single-flight, token store)."""
    from tui.core.oauth.manager import TokenManager

    workspace.set_token_source(TokenManager(workspace))


def open_workspace(environment: str | None) -> Workspace:
    """Load everything for a headless command; raise CarmanError with a clear message."""
    workspace = Workspace().load(None)
    if environment:
        workspace.select_environment(environment)
    if workspace.environment_name == SANDBOX_ENVIRONMENT:
        attach_sandbox(workspace)
    attach_tokens(workspace)
    for issue in workspace.issues:
        print(f"carman: warning: {issue}", file=sys.stderr)
    return workspace
