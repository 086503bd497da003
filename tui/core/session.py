"""Opening a carman session: the one startup path of the TUI, every headless command and tests.

    session = open_session("sandbox", sandbox_provider=ensure_sandbox)
    exchange, _ = await session.workspace.send(collection, request)
    session.close()

A session is the workspace (collections, environments, variables, send pipeline), its token
manager, the sandbox when the sandbox environment is in use, and the history recorder once it
is opened. Core cannot import the simulator layer, so whoever opens a session passes in how to
get a sandbox (``tui.sandbox.ensure_sandbox``); it is asked only when the sandbox environment
is selected, at start or later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tui.core.oauth.manager import TokenManager
from tui.core.workspace import SANDBOX_ENVIRONMENT, Workspace

if TYPE_CHECKING:  # the history package is imported when the history is opened
    from tui.core.history.recorder import ErrorCallback, HistoryRecorder


class SandboxHandle(Protocol):
    """A running sandbox, in this process or another (``tui.sandbox`` implements it)."""

    base_url: str
    client_id: str
    client_secret: str
    amt: str

    def stop(self) -> None: ...


SandboxProvider = Callable[[], SandboxHandle]


# The sandbox serves every Smartcar host on one origin: Connect, the v2.0 token endpoint, the
# v2.0 API and management, and v3's iam (token), vehicle and management hosts.
SANDBOX_ORIGIN_VARIABLES = (
    "connect_url",
    "auth_url",
    "api_url",
    "mgmt_url",
    "iam_url",
    "vehicle_url",
    "management_url",
)


def point_at_sandbox(workspace: Workspace, sandbox: SandboxHandle) -> None:
    """Aim the sandbox environment at ``sandbox``: its real origin, client and secret."""
    base = sandbox.base_url
    for name in SANDBOX_ORIGIN_VARIABLES:
        workspace.set_environment_variable(name, base)
    # Kept for requests duplicated from the collection before v3 had its own variables.
    workspace.set_environment_variable("v3_url", f"{base}/v3")
    workspace.set_environment_variable("client_id", sandbox.client_id)
    # The sandbox's management token is public test data, but secret-named: kept in memory.
    workspace.set_environment_variable("amt", sandbox.amt)
    if workspace.secrets.client_secret(sandbox.client_id) != sandbox.client_secret:
        workspace.secrets.set_client_secret(sandbox.client_id, sandbox.client_secret)


@dataclass
class Session:
    workspace: Workspace
    tokens: TokenManager
    sandbox_provider: SandboxProvider | None = None
    sandbox: SandboxHandle | None = None
    history: HistoryRecorder | None = None

    def select_environment(self, name: str, *, start_sandbox: bool = True) -> None:
        """Switch environment; the sandbox environment is pointed at a running sandbox (the
        same one every time it is selected). With ``start_sandbox=False`` a sandbox that is
        not running yet is left for the caller to start (the TUI does it on a thread); one
        already running is attached at once."""
        self.workspace.select_environment(name)
        if name == SANDBOX_ENVIRONMENT and (start_sandbox or self.sandbox is not None):
            self.attach_sandbox()

    @property
    def sandbox_pending(self) -> bool:
        """The sandbox environment is selected but its sandbox is not attached yet (the TUI
        starts it after its first frame: ``open_session(..., defer_sandbox=True)``)."""
        return (
            self.sandbox is None
            and self.sandbox_provider is not None
            and self.workspace.environment_name == SANDBOX_ENVIRONMENT
        )

    def attach_sandbox(self) -> SandboxHandle | None:
        if self.sandbox is None and self.sandbox_provider is not None:
            self.sandbox = self.sandbox_provider()
        if self.sandbox is not None:
            point_at_sandbox(self.workspace, self.sandbox)
        return self.sandbox

    def open_history(self, on_error: ErrorCallback | None = None) -> HistoryRecorder:
        """Record every exchange from now on (off the caller's thread)."""
        if self.history is None:
            from tui.core.history.recorder import HistoryRecorder

            self.history = HistoryRecorder(limits=self.workspace.config.history, on_error=on_error)
            self.workspace.on_exchange(self.history.listener(self.workspace.secret_values))
        return self.history

    async def aclose(self) -> None:
        """Close the HTTP client and the history; the sandbox keeps running (see ``stop``)."""
        if self.history is not None:
            self.history.close()
        await self.workspace.aclose()

    def stop_sandbox(self) -> None:
        if self.sandbox is not None:
            self.sandbox.stop()  # a sandbox of another process is left running
            self.sandbox = None


def open_session(
    environment: str | None = None,
    *,
    sandbox_provider: SandboxProvider | None = None,
    workspace: Workspace | None = None,
    defer_sandbox: bool = False,
) -> Session:
    """Load the workspace, select ``environment`` (or the default one) and give it its token
    manager. Raises CarmanError naming an unknown environment (``tui.core.errors``).

    With ``defer_sandbox`` the sandbox environment's sandbox is not started here: the caller
    calls ``attach_sandbox()`` when it suits it (``sandbox_pending`` says it is still due)."""
    workspace = workspace or Workspace().load(None)
    # A workspace given with its own token manager (tests with a fake clock) keeps it.
    source = workspace.pipeline.token_source
    tokens = source if isinstance(source, TokenManager) else TokenManager(workspace)
    session = Session(workspace, tokens, sandbox_provider)
    workspace.set_token_source(tokens)
    if environment:
        workspace.select_environment(environment)
    if workspace.environment_name == SANDBOX_ENVIRONMENT and not defer_sandbox:
        session.attach_sandbox()
    return session
