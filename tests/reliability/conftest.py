"""Shared pieces of the reliability suite: a sandbox, a logged-in workspace, a misbehaving server.

The ``xdg`` and ``http_server`` fixtures come from ``tests/conftest.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tui.core.model import Collection, Request
from tui.core.oauth.flow import LoginResult
from tui.core.oauth.manager import TokenManager
from tui.core.session import open_session, point_at_sandbox
from tui.core.workspace import Workspace
from tui.sandbox import Sandbox, start_sandbox

LOGIN_EMAIL = "2-vehicles@smartcar.com"


@pytest.fixture
def sandbox(xdg: Path) -> Iterator[Sandbox]:
    # The sandbox's state (its own copy of every token it issued) lives outside the XDG tree:
    # it is the server's data, not a file carman wrote, and must not confuse the leak scans.
    with start_sandbox(state_dir=xdg / "sandbox-state", seed=7) as running:
        yield running


def sandbox_workspace(sandbox: Sandbox) -> Workspace:
    """What ``carman --sandbox`` builds: the sandbox environment aimed at ``sandbox``."""
    workspace = Workspace().load("sandbox")
    point_at_sandbox(workspace, sandbox)
    open_session(workspace=workspace)
    return workspace


def manager_of(workspace: Workspace) -> TokenManager:
    manager = workspace.pipeline.token_source
    assert isinstance(manager, TokenManager)
    return manager


async def sandbox_login(
    workspace: Workspace, sandbox: Sandbox, email: str = LOGIN_EMAIL
) -> LoginResult:
    """A real login: LoginFlow's listener on an ephemeral port, the sandbox approves, and a
    plain GET of the redirect plays the browser."""
    manager = manager_of(workspace)
    settings = dataclasses.replace(
        manager.require_settings(), redirect_uri="http://127.0.0.1:0/exchange"
    )
    flow = manager.login(settings, timeout=30)
    try:
        flow.start()
        sandbox.register_redirect_uri(flow.settings.redirect_uri)  # now with the real port
        location = sandbox.approve(flow.authorize_url, email)
        async with httpx.AsyncClient(timeout=10) as browser:
            await browser.get(location)
        return await flow.wait()
    finally:
        flow.stop()


def smartcar(workspace: Workspace) -> Collection:
    return next(c for c in workspace.collections if c.name == "Smartcar API")


def builtin_request(workspace: Workspace, *path: str) -> Request:
    found = smartcar(workspace).find(list(path))
    assert found is not None, path
    return found


# ---- a server that misbehaves on purpose ---------------------------------------------------

OK_BODY = json.dumps({"ok": True, "served": "after the fault"}).encode()


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def _answer_ok(conn: socket.socket) -> None:
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(OK_BODY)}\r\nConnection: close\r\n\r\n"
    )
    conn.sendall(head.encode() + OK_BODY)


class FaultServer:
    """A raw TCP server on 127.0.0.1: the first connection suffers ``mode``, later ones get a
    plain 200 JSON answer (so "the next send works" is the same request, sent again).

    Modes: ``refused`` (bound but not listening until ``heal()``), ``stall`` (reads the request
    and says nothing until released), ``truncate`` (headers announce 1000 bytes, 100 arrive,
    then a clean close), ``reset`` (the same, then an RST via SO_LINGER 0). ``arrived`` is set
    once the faulty request is in; the fault lasts until ``release()``, so a test decides when
    it ends instead of guessing a duration.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.arrived = threading.Event()
        self._release = threading.Event()
        self._closed = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._connections = 0
        self._threads: list[threading.Thread] = []
        if mode != "refused":
            self.heal()

    def heal(self) -> None:
        """Start listening (for ``refused``: the server comes up)."""
        self._sock.listen(16)
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)

    def release(self) -> None:
        self._release.set()

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._connections += 1
            faulty = self._connections == 1 and self.mode != "refused"
            worker = threading.Thread(target=self._serve, args=(conn, faulty), daemon=True)
            worker.start()
            self._threads.append(worker)

    def _serve(self, conn: socket.socket, faulty: bool) -> None:
        with conn, contextlib.suppress(OSError):
            _read_head(conn)
            if not faulty:
                _answer_ok(conn)
                return
            if self.mode in ("truncate", "reset"):
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000\r\n\r\n" + b'{"distance": ' + b"1" * 87
                )
            self.arrived.set()
            self._release.wait(60)
            if self.mode == "reset":
                # Linger on, timeout 0: close() sends an RST instead of a FIN.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    def close(self) -> None:
        self._closed.set()
        self._release.set()
        with contextlib.suppress(OSError):
            self._sock.close()


@pytest.fixture
def fault_server() -> Iterator[Callable[[str], FaultServer]]:
    servers: list[FaultServer] = []

    def make(mode: str) -> FaultServer:
        server = FaultServer(mode)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()
