"""Shared fixtures: temporary XDG directories and a small real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.net import LocalServer


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point carman's config and data directories at a fresh temporary tree."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # output widths never follow the caller's
    return tmp_path


class EchoHandler(BaseHTTPRequestHandler):
    """Answers a few fixed paths; everything else echoes the request as JSON."""

    protocol_version = "HTTP/1.1"
    server_version = "testserver"
    disable_nagle_algorithm = True  # keep-alive answers otherwise wait ~40 ms for an ACK

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        self.server.seen.append(self.path)  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(float(self.headers.get("X-Delay", "2")))
        if path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, json.dumps({"status": code}).encode())
            return
        if path == "/big":
            size = int(self.headers.get("X-Items", "1000"))
            items = [{"id": i, "name": f"item {i}", "ok": i % 2 == 0} for i in range(size)]
            self._send(200, json.dumps({"items": items}).encode())
            return
        if path == "/hal":
            # Underscored names: a JSONPath without "$" needs carman's shorthand for these.
            hal = {
                "_links": {"self": {"href": "/hal"}},
                "_embedded": {"vehicles": [{"id": "v-1"}, {"id": "v-2"}]},
            }
            self._send(200, json.dumps(hal).encode(), "application/hal+json")
            return
        if path == "/token":
            answer = {"access_token": "at-1234567890", "token_type": "Bearer", "code": "OK"}
            self._send(200, json.dumps(answer).encode())
            return
        if path == "/html":
            self._send(200, b"<!doctype html><html><body>hi</body></html>", "text/html")
            return
        if path == "/binary":
            self._send(200, bytes(range(256)) * 4, "application/octet-stream")
            return
        echo = {
            "method": self.command,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "header_list": [[k, v] for k, v in self.headers.items()],  # repeats kept, in order
            "body": body.decode("utf-8", errors="replace"),
        }
        self._send(200, json.dumps(echo).encode())

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class EchoServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that cancelled its request hung up on us: expected, not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """The echo server's base URL; ``http_server.arrived("/slow")`` counts arrived requests."""
    server = EchoServer(("127.0.0.1", 0), EchoHandler)
    url = LocalServer(f"http://127.0.0.1:{server.server_address[1]}")
    url.seen = server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
