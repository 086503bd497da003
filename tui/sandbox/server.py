"""The HTTP layer: the standard library's ThreadingHTTPServer, quiet and always JSON.

Every response carries ``SC-Request-Id``. Nothing that goes wrong inside a handler reaches the
client as a stack trace or an HTML page: it becomes a 500 SERVER/INTERNAL JSON body. Injected
faults (``faults.py``) are applied here, around the real answer.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tui.core.smartcar.errors import error_body
from tui.sandbox import app
from tui.sandbox.context import Context
from tui.sandbox.errors import ApiError
from tui.sandbox.faults import Fault
from tui.sandbox.messages import JSON_TYPE, Headers, Request, Response, json_response

log = logging.getLogger(__name__)

MAX_BODY = 10 * 1024 * 1024  # a vehicle API request is never anywhere near this
ADMIN_PREFIX = "/_sandbox/"


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # a hung client must not keep the process alive
    allow_reuse_address = True
    request_queue_size = 128  # bursts of parallel clients in tests

    def __init__(self, address: tuple[str, int], ctx: Context) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.ctx = ctx
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, SandboxRequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Hang up on kept-alive clients, so a stopped sandbox answers no one."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up early are normal (timeouts, dropped faults): say nothing.
        if self.ctx.verbose:
            log.exception("carman sandbox: error while serving %s", client_address)


def _fault_response(kind: str, request_id: str) -> Response | None:
    if kind == "status500":
        return ApiError("SERVER", "INTERNAL").response(request_id)
    if kind == "status502":
        # A 502 as Smartcar sends it when the brand's servers do not answer.
        return ApiError("UPSTREAM", "NO_RESPONSE").response(request_id)
    if kind == "not_json":
        return Response(200, b'{"distance": 1234.5, "oops', JSON_TYPE)
    if kind == "empty":
        return Response(200, b"", JSON_TYPE)
    return None


class SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so pooled clients reuse connections
    # Headers and body go out as two writes; with Nagle on, the client's delayed ACK adds
    # ~40 ms to every keep-alive answer.
    disable_nagle_algorithm = True
    timeout = 300  # an idle kept-alive connection is closed after five minutes
    server_version = "carman-sandbox"
    sys_version = ""
    server: SandboxHTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.ctx.verbose:
            super().log_message(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by the standard library's parser, as JSON instead of its HTML page."""
        request_id = str(uuid.uuid4())
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # answer with a status line and headers anyway
        body = error_body(
            "VALIDATION",
            None,
            request_id,
            description=f"{message or 'Bad request'}. {explain or ''}".strip(),
        )
        body["statusCode"] = code
        self.close_connection = True
        self._write(json_response(code, body), request_id, None)

    def _serve(self) -> None:
        request_id = str(uuid.uuid4())
        try:
            request = self._read_request(request_id)
        except ApiError as error:
            self.close_connection = True  # the body was not read: the stream is out of step
            self._write(error.response(request_id), request_id, None)
            return
        fault = None
        if not request.path.startswith(ADMIN_PREFIX):
            fault = self.server.ctx.faults.take(request.path)
        try:
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            response = _fault_response(fault.kind, request_id) if fault else None
            if response is None:
                response = app.dispatch(self.server.ctx, request)
        except Exception:
            log.exception("carman sandbox: internal error on %s %s", request.method, request.path)
            response = ApiError("SERVER", "INTERNAL").response(request_id)
        self._write(response, request_id, fault)

    def _read_request(self, request_id: str) -> Request:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raise ApiError(
                "VALIDATION",
                description="Chunked request bodies are not supported; send a Content-Length.",
            )
        raw_length = self.headers.get("Content-Length") or "0"
        try:
            length = int(raw_length)
        except ValueError:
            raise ApiError("VALIDATION", description="Content-Length is not a number.") from None
        if length < 0 or length > MAX_BODY:
            raise ApiError("VALIDATION", description="The request body is too large.")
        body = self.rfile.read(length) if length else b""
        headers = Headers(list(self.headers.items()))
        # HEAD is answered as GET without the body (the writer drops it).
        method = "GET" if self.command == "HEAD" else self.command
        return Request.build(method, self.path, headers, body, self.client_address[0], request_id)

    def _write(self, response: Response, request_id: str, fault: Fault | None) -> None:
        body = response.body
        extra = list(response.headers)
        if fault is not None and fault.kind == "gzip":
            body = gzip.compress(body)
            extra.append(("Content-Encoding", "gzip"))
        try:
            self.send_response(response.status)
            self.send_header("SC-Request-Id", request_id)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            for name, value in extra:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "HEAD":
                return
            if fault is not None and fault.kind == "drop":
                # Promise the whole body, deliver half, hang up.
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
