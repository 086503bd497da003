"""Starting and stopping an in-process sandbox: ``start_sandbox`` and the ``Sandbox`` handle."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from pathlib import Path
from types import TracebackType

from tui.core.atomic import atomic_write_text
from tui.core.paths import sandbox_dir
from tui.sandbox import clients, config, connect
from tui.sandbox.clock import SandboxClock, iso
from tui.sandbox.context import Context
from tui.sandbox.faults import Faults
from tui.sandbox.server import SandboxHTTPServer
from tui.sandbox.state import State
from tui.sandbox.v3.settings import SettingsHolder, V3Settings
from tui.sandbox.values import ValueSource
from tui.sandbox.vehicle_state import VehicleEvents
from tui.sandbox.webhooks import definitions
from tui.sandbox.webhooks.engine import WebhookEngine
from tui.sandbox.webhooks.settings import DeliverySettings


def url_host(host: str) -> str:
    """The host to put in URLs: loopback for a wildcard bind, brackets around IPv6."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class Sandbox:
    """A sandbox served by this process on a background thread."""

    def __init__(
        self,
        server: SandboxHTTPServer,
        ctx: Context,
        client_id: str,
        client_secret: str,
        running_file: Path | None,
        amt: str = config.DEFAULT_AMT,
    ) -> None:
        self._server = server
        self._ctx = ctx
        self._running_file = running_file
        self._stopped = False
        self.host, self.port = server.server_address[:2]
        self.base_url = f"http://{url_host(str(self.host))}:{self.port}"
        self.connect_url = f"{self.base_url}/oauth/authorize"
        self.token_url = f"{self.base_url}/oauth/token"
        self.app_token_url = f"{self.base_url}/oauth2/token"  # v3 client credentials
        self.api_url = self.base_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.amt = amt  # the HMAC key of webhook signatures and VERIFY, too
        self.webhook_ids = tuple(config.WEBHOOK_IDS)
        self.state_dir = ctx.state.directory
        self.seed = ctx.seed
        ctx.base_url = self.base_url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.5},
            name=f"carman-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def clock(self) -> SandboxClock:
        return self._ctx.clock

    @property
    def faults(self) -> Faults:
        return self._ctx.faults

    def register_redirect_uri(self, uri: str, client_id: str | None = None) -> None:
        """Allow ``uri`` as a redirect URI (ValueError when it is not a usable URI)."""
        clients.register_redirect_uri(self._ctx, client_id or self.client_id, uri)

    def redirect_uris(self, client_id: str | None = None) -> list[str]:
        """The redirect URIs registered for a client (the sandbox's own by default)."""
        with self._ctx.state.reading() as data:
            client = data["clients"].get(client_id or self.client_id) or {}
            return list(client.get("redirect_uris", []))

    def approve(
        self, authorize_url: str, email: str, *, deny: bool = False, brand: str | None = None
    ) -> str:
        """Sign in as ``email`` and approve (or deny) without HTML; the redirect Location.

        Raises ValueError (``ConnectInputError``) when the URL cannot start Connect.
        """
        return connect.approve(self._ctx, authorize_url, email, deny=deny, brand=brand)

    def set_rate_limit(self, enabled: bool = True, per_minute: int | None = None) -> None:
        """Turn the per-vehicle throttle (429 RATE_LIMIT/VEHICLE) on or off."""
        self._ctx.rate_limiter.configure(enabled, per_minute)

    def configure_v3(self, **changes: object) -> V3Settings:
        """Change v3 switches (``envelope="bare"``, ``timestamps="iso"`` ...); the result.

        Raises ``SettingsError`` (a ValueError) for an unknown name or value.
        """
        return self._ctx.v3.update(**changes)

    @property
    def vehicle_events(self) -> VehicleEvents:
        """Observers of command-made state changes and Connect approvals (webhooks listen)."""
        return self._ctx.vehicle_events

    @property
    def webhooks(self) -> WebhookEngine:
        """The v3 webhook engine: definitions, subscriptions, deliveries, the delivery log,
        ``wait_idle`` and ``configure`` (see ``tui.sandbox.webhooks.engine``)."""
        assert self._ctx.webhooks is not None  # start_sandbox always makes one
        return self._ctx.webhooks

    def define_webhook(self, callback_uri: str, **fields: object) -> dict[str, object]:
        """Define a v3 webhook delivering to ``callback_uri``; its admin view (with ``id``).

        ``fields``: ``name``, ``error_callback_uri``, ``enabled``, ``data`` and ``triggers``
        (signal codes), ``schedule_minutes``, ``auto_subscribe``. VERIFY follows at once on
        the engine's thread. Raises ``DefinitionError`` (a ValueError) naming a bad field.
        """
        spelled = definitions.from_python(callback_uri=callback_uri, **fields)
        return self.webhooks.define(spelled)

    def set_vehicle_error(
        self,
        vehicle_id: str,
        error_type: str,
        code: str | None,
        signals: list[str] | None = None,
    ) -> list[dict[str, object]]:
        """Raise an error on a vehicle's signals (VEHICLE_ERROR, state ERROR, to its webhooks);
        ``signals=None`` means every non-static signal. The vehicle's active errors."""
        return self.webhooks.raise_vehicle_error(vehicle_id, error_type, code, signals)

    def resolve_vehicle_error(
        self, vehicle_id: str, error_type: str, code: str | None
    ) -> list[dict[str, object]]:
        """Clear an error ``set_vehicle_error`` raised (VEHICLE_ERROR, state RESOLVED)."""
        return self.webhooks.resolve_vehicle_error(vehicle_id, error_type, code)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        stopper = threading.Thread(target=self._server.shutdown, daemon=True)
        stopper.start()
        # serve_forever sees the request only between polls; a connection wakes it at once.
        while stopper.is_alive():
            with contextlib.suppress(OSError):
                socket.create_connection(
                    (url_host(str(self.host)).strip("[]"), self.port), timeout=1
                ).close()
            stopper.join(0.01)
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)
        if self._ctx.webhooks is not None:
            self._ctx.webhooks.stop()
        if self._running_file is not None:
            remove_running_file(self._running_file)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Sandbox {self.base_url} state={self.state_dir}>"


def write_running_file(sandbox: Sandbox) -> Path:
    path = Path(sandbox.state_dir) / config.RUNNING_FILE
    info = {
        "host": str(sandbox.host),
        "port": sandbox.port,
        "pid": os.getpid(),
        "base_url": sandbox.base_url,
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "amt": sandbox.amt,
        "state_dir": str(sandbox.state_dir),
        "started_at": iso(sandbox.clock.now()),
    }
    # 0600: it names the (test) client secret.
    atomic_write_text(path, json.dumps(info, indent=1), mode=0o600)
    return path


def remove_running_file(path: Path) -> None:
    """Remove running.json if it still describes this process (a newer sandbox may own it)."""
    with contextlib.suppress(OSError, ValueError):
        info = json.loads(path.read_text(encoding="utf-8"))
        if info.get("pid") == os.getpid():
            path.unlink()


def start_sandbox(
    *,
    host: str = config.DEFAULT_HOST,
    port: int = 0,
    seed: int | None = None,
    state_dir: Path | str | None = None,
    reset: bool = False,
    client_id: str | None = None,
    client_secret: str | None = None,
    verbose: bool = False,
    announce: bool = False,
    v3: V3Settings | None = None,
    amt: str | None = None,
    webhook_settings: DeliverySettings | None = None,
) -> Sandbox:
    """Start a sandbox on a background thread (an ephemeral port by default).

    ``announce`` writes ``running.json`` into the state directory so other carman processes
    find it (the standalone ``carman sandbox`` does this). ``v3`` sets the v3 switches (see
    ``tui.sandbox.v3.settings``); ``amt`` the application management token (the key of
    webhook signatures); ``webhook_settings`` the sender's timeouts and retry delays (see
    ``tui.sandbox.webhooks.engine``). Raises OSError when the address cannot be bound.
    """
    directory = Path(state_dir) if state_dir is not None else sandbox_dir()
    ctx = Context(
        state=State(directory, reset=reset),
        clock=SandboxClock(),
        values=ValueSource(seed),
        seed=seed,
        verbose=verbose,
        v3=SettingsHolder(v3),
    )
    client_id = client_id or config.DEFAULT_CLIENT_ID
    client_secret = client_secret or config.DEFAULT_CLIENT_SECRET
    amt = amt or config.DEFAULT_AMT
    clients.ensure_client(ctx, client_id, client_secret, amt)
    server = SandboxHTTPServer((host, port), ctx)
    ctx.webhooks = WebhookEngine(ctx, client_id, amt, webhook_settings)
    sandbox = Sandbox(server, ctx, client_id, client_secret, None, amt)
    if announce:
        sandbox._running_file = write_running_file(sandbox)
    return sandbox
