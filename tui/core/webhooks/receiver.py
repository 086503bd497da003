"""The webhook receiver: a background HTTP listener for Smartcar's deliveries.

Standard-library ``ThreadingHTTPServer`` on its own port (default 8001, beside the OAuth
callback's 8000), loopback unless a host is given on purpose. It answers one path; VERIFY
gets the HMAC of its challenge; every request is answered at once, then queued for the
writer thread (``DeliveryWriter``) that masks and stores it: receiving never waits on SQLite
or the UI. Junk — wrong method or path, huge, cut short, slow, not JSON, unsigned, forged —
is answered with its status, recorded with a line saying what was wrong, and never stops the
listener.

    receiver = WebhookReceiver(port=8001, on_stored=print)
    receiver.use("sandbox", amt)        # the environment's management token (changeable)
    receiver.start()                    # raises ReceiverError (port in use ...)
    receiver.local_url                  # http://127.0.0.1:8001/webhooks
    receiver.stop()
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tui.core.errors import CarmanError
from tui.core.history.deliveries import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_EVENTS
from tui.core.oauth.listener import is_loopback_host
from tui.core.serial_worker import ErrorCallback
from tui.core.webhooks.intake import Decision, Incoming, Keys, decide
from tui.core.webhooks.settings import DEFAULT_HOST, DEFAULT_PATH, DEFAULT_PORT
from tui.core.webhooks.writer import DeliveryWriter, StoredCallback

# Smartcar's payloads are at most 50 KB (§7.3); anything over this is refused unread.
MAX_REQUEST_BYTES = 1024 * 1024
# A client that sends nothing for this long is dropped.
SOCKET_TIMEOUT = 10.0
# A whole request (line, headers, body) must arrive within this, however it trickles.
REQUEST_DEADLINE = 30.0
# Connections handled at once; more are answered 503 at once (a flood never eats threads).
MAX_CONNECTIONS = 64
READ_CHUNK = 64 * 1024
BIGGEST_REPORTED = 10**16  # an announced size beyond this is stored as this


class ReceiverError(CarmanError):
    """The receiver cannot listen (port in use, no permission, bad address)."""


def exposure_warning(host: str) -> str:
    """A warning when ``host`` opens the receiver beyond this machine ("" for loopback)."""
    if is_loopback_host(host):
        return ""
    return (
        f"The webhook receiver listens on {host}: other machines can reach it. Every request is "
        "checked against the management token and recorded, but only use this on a network "
        "you trust, or keep the default 127.0.0.1 and forward a port (ssh -R) instead."
    )


def _family(host: str) -> socket.AddressFamily:
    try:
        return socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        return socket.AF_INET


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stopping never waits for a stalled client
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], receiver: WebhookReceiver) -> None:
        self.address_family = _family(address[0])
        self.receiver = receiver
        self.active: dict[socket.socket, float] = {}  # connection -> deadline
        self.active_lock = threading.Lock()
        super().__init__(address, _Handler, bind_and_activate=False)
        try:
            self.server_bind()
            self.server_activate()
        except BaseException:
            self.server_close()
            raise

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn): slow and pointless here.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]

    def process_request(  # type: ignore[override]  # TCP: a socket, never UDP's (bytes, socket)
        self, request: socket.socket, client_address: object
    ) -> None:
        with self.active_lock:
            busy = len(self.active) >= self.receiver.max_connections
            if not busy:
                self.active[request] = time.monotonic() + self.receiver.request_deadline
        if busy:
            self.receiver._overloaded(request, client_address)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread to run it: forget it, or it holds a slot forever
            self.forget(request)
            raise

    def forget(self, request: socket.socket) -> None:
        with self.active_lock:
            self.active.pop(request, None)

    def service_actions(self) -> None:
        # Called by serve_forever between polls: drop connections past their deadline, so a
        # client trickling a byte at a time cannot hold a thread for ever.
        now = time.monotonic()
        with self.active_lock:
            overdue = [conn for conn, deadline in self.active.items() if deadline <= now]
        for conn in overdue:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: object, client_address: object) -> None:
        self.receiver.quiet_errors += 1  # a broken connection is not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT  # applied to the socket by StreamRequestHandler.setup
    server_version = "carman"
    sys_version = ""
    # HTTP/1.1 so that a sender waiting on "Expect: 100-continue" is told to go on; every
    # answer still closes the connection (one request per connection: nothing lingers).
    protocol_version = "HTTP/1.1"
    _answered = False

    def log_message(self, format: str, *args: object) -> None:
        pass  # nothing on the user's terminal: the event list says what happened

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.forget(self.request)

    # Every method reaches the same decision (405 unless POST, 404 off the path).
    def _handle(self) -> None:
        receiver = self.server.receiver
        received_at = time.time()
        refused, body, size = self._read_body(receiver.max_request_bytes)
        incoming = Incoming(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            body_size=size,
            remote=self.client_address[0] if self.client_address else "",
            received_at=received_at,
            refused=refused,
        )
        self._finish(decide(incoming, receiver.keys, receiver.path))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle
    do_OPTIONS = do_TRACE = do_CONNECT = _handle

    def _read_body(self, cap: int) -> tuple[tuple[int, str] | None, bytes, int]:
        """(refusal or None, body, size) — the body as far as it could be read."""
        length_header = self.headers.get_all("Content-Length") or []
        chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
        if chunked and length_header:
            return (400, "both Content-Length and Transfer-Encoding: chunked"), b"", 0
        if chunked:
            return self._read_chunked(cap)
        if not length_header:
            return None, b"", 0
        if len(set(length_header)) > 1:
            return (400, "conflicting Content-Length headers"), b"", 0
        text = length_header[0].strip()
        if not text.isascii() or not text.isdigit():
            return (400, f"Content-Length {text[:20]!r} is not a number"), b"", 0
        # Why the cut: int() refuses over 4300 digits, and SQLite over 2**63.
        length = int(text[:16]) if len(text) <= 16 else BIGGEST_REPORTED
        if length > cap:
            self.close_connection = True
            shown = (
                f"{length}" if length < BIGGEST_REPORTED else f"{text[:16]}… ({len(text)} digits)"
            )
            return (413, f"body of {shown} bytes is over the {cap} byte limit"), b"", length
        body, problem = self._read_exactly(length)
        return problem, body, len(body)

    def _read_exactly(self, length: int) -> tuple[bytes, tuple[int, str] | None]:
        parts: list[bytes] = []
        got = 0
        try:
            while got < length:
                chunk = self.rfile.read1(min(READ_CHUNK, length - got))
                if not chunk:
                    break
                parts.append(chunk)
                got += len(chunk)
        except TimeoutError:
            return b"".join(parts), (408, f"timed out after {got} of {length} body bytes")
        except OSError:
            # Shut down by the deadline reaper, or reset by the client.
            return b"".join(parts), (408, f"connection lost after {got} of {length} body bytes")
        if got < length:
            return b"".join(parts), (400, f"body cut short: {got} of {length} bytes arrived")
        return b"".join(parts), None

    def _read_chunked(self, cap: int) -> tuple[tuple[int, str] | None, bytes, int]:
        parts: list[bytes] = []
        got = 0
        try:
            while True:
                line = self.rfile.readline(1024)
                size_text = line.split(b";", 1)[0].strip()
                if not size_text or len(size_text) > 16 or not size_text.isalnum():
                    if len(size_text) > 16 and size_text.isalnum():
                        self.close_connection = True
                        return (413, f"chunked body over the {cap} byte limit"), b"", cap + 1
                    return (400, "malformed chunked body"), b"".join(parts), got
                try:
                    size = int(size_text, 16)
                except ValueError:
                    return (400, "malformed chunked body"), b"".join(parts), got
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return None, b"".join(parts), got
                if got + size > cap:
                    self.close_connection = True
                    return (413, f"chunked body over the {cap} byte limit"), b"", cap + 1
                chunk, problem = self._read_exactly(size)
                parts.append(chunk)
                got += len(chunk)
                if problem is not None:
                    return problem, b"".join(parts), got
                self.rfile.readline(8)  # the CRLF after the chunk
        except TimeoutError:
            return (408, f"timed out after {got} chunked body bytes"), b"".join(parts), got
        except OSError:
            return (408, f"connection lost after {got} chunked body bytes"), b"".join(parts), got

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own refusals (bad request line, header too long, too many headers,
        # unknown method): answered and recorded like every other request.
        problem = message or self.responses.get(code, ("error",))[0]
        self._refuse(int(code), f"malformed request: {problem}")

    def handle_expect_100(self) -> bool:
        # A sender asking before it sends a body too big is told no before it sends it.
        length = (self.headers.get("Content-Length") or "").strip()
        cap = self.server.receiver.max_request_bytes
        if length.isascii() and length.isdigit() and (len(length) > 16 or int(length) > cap):
            shown = length if len(length) <= 16 else f"{length[:16]}…"
            self._refuse(413, f"body of {shown} bytes is over the {cap} byte limit")
            return False
        return super().handle_expect_100()

    def _refuse(self, status: int, problem: str) -> None:
        """Answer and record without reading a body."""
        if self._answered:
            return
        self.close_connection = True
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            # http.server writes no status line for HTTP/0.9: junk gets a real HTTP answer.
            self.request_version = "HTTP/1.0"
        incoming = Incoming(
            method=getattr(self, "command", None) or "",
            target=getattr(self, "path", None) or "",
            headers=list(self.headers.items()) if getattr(self, "headers", None) else [],
            remote=self.client_address[0] if self.client_address else "",
            received_at=time.time(),
            refused=(status, problem),
        )
        receiver = self.server.receiver
        self._finish(decide(incoming, receiver.keys, receiver.path))

    def version_string(self) -> str:
        return self.server_version

    def _finish(self, decision: Decision) -> None:
        self._answered = True
        answer = decision.answer_bytes
        decision.record.answer = answer
        self.close_connection = True
        try:
            self.send_response(decision.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            for name, value in decision.extra_headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer)
            self.wfile.flush()
        except OSError:
            pass  # the sender left: the delivery is still recorded
        finally:
            # After the answer: storing never delays it.
            self.server.receiver._received(decision)


class WebhookReceiver:
    """Listens for deliveries; ``use`` sets the environment and management token to check
    them against (it can change while running, e.g. when the environment is switched)."""

    def __init__(
        self,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        path: str = DEFAULT_PATH,
        store_path: Path | None = None,
        max_events: int = DEFAULT_MAX_EVENTS,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        on_stored: StoredCallback | None = None,
        on_error: ErrorCallback | None = None,
        secrets: Callable[[], Iterable[str]] | None = None,
        max_request_bytes: int = MAX_REQUEST_BYTES,
        max_connections: int = MAX_CONNECTIONS,
        request_deadline: float = REQUEST_DEADLINE,
    ) -> None:
        self.host = "127.0.0.1" if host == "localhost" else host
        self.requested_port = port
        self.port = port
        self.path = path
        self.max_request_bytes = max_request_bytes
        self.max_connections = max_connections
        self.request_deadline = request_deadline
        self.keys = Keys()
        self.writer = DeliveryWriter(
            store_path,
            max_events=max_events,
            max_body_bytes=max_body_bytes,
            on_stored=on_stored,
            on_error=on_error,
            secrets=secrets,
        )
        self.received = 0  # requests answered (every one is submitted for storing)
        self.quiet_errors = 0  # connections that broke before they could be answered
        self._count_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    # -- keys ------------------------------------------------------------------------------
    def use(self, environment: str, amt: str | None) -> None:
        """Check deliveries against ``amt`` and label them with ``environment`` from now on."""
        self.keys = Keys(environment, amt or None)  # one assignment: a request sees old or new

    @property
    def has_amt(self) -> bool:
        return bool(self.keys.amt)

    # -- life cycle ------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._server is not None and not self._stopped

    def start(self) -> WebhookReceiver:
        """Bind and serve in the background. Raises ReceiverError with the remedy."""
        try:
            server = _Server((self.host, self.requested_port), self)
        except OSError as exc:
            raise self._bind_error(exc) from exc
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"carman-webhooks-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def _bind_error(self, exc: OSError) -> ReceiverError:
        port = self.requested_port
        if exc.errno == errno.EADDRINUSE:
            return ReceiverError(
                f"Port {port} is in use by another program (another carman receiving webhooks, "
                "or `kubectl proxy`, which also defaults to 8001). Stop it, or choose another "
                "port: `carman webhooks listen --port 8002`, or port = 8002 under [webhooks] "
                "in config.toml."
            )
        if exc.errno == errno.EACCES:
            return ReceiverError(
                f"Not allowed to listen on port {port} (ports below 1024 need special rights): "
                "choose a port above 1024 and forward 443 to it (ssh -R or a tunnel program)."
            )
        if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(
            exc, socket.gaierror
        ):
            return ReceiverError(
                f"Cannot listen on {self.host}: it is not an address of this machine "
                "(use 127.0.0.1, or 0.0.0.0 for every interface)."
            )
        return ReceiverError(f"Cannot listen on {self.host}:{port} for webhooks: {exc}")

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop listening, then store what is queued (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        server = self._server
        if server is not None:
            server.shutdown()
            server.server_close()
        self.writer.close(timeout)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every delivery answered so far is stored (tests, the CLI on exit)."""
        return self.writer.flush(timeout)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- where -----------------------------------------------------------------------------
    @property
    def local_url(self) -> str:
        """The callback URL on this machine (what the sandbox, or a tunnel, posts to)."""
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}{self.path}"

    @property
    def exposure_warning(self) -> str:
        return exposure_warning(self.host)

    # -- from the handler threads ----------------------------------------------------------
    def _received(self, decision: Decision) -> None:
        with self._count_lock:
            self.received += 1
        # The management token in force never reaches the database (the writer masks it,
        # with every other secret it is told about).
        amt = self.keys.amt
        self.writer.submit(decision.record, (amt,) if amt else ())

    def _overloaded(self, request: socket.socket, client_address: object) -> None:
        # Answered without reading: the request is not even parsed.
        answer = b'{"error":"too many connections at once"}'
        head = (
            "HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(answer)}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n"
        ).encode("ascii")
        with contextlib.suppress(OSError):
            request.settimeout(0.5)
            request.sendall(head + answer)
            # Closing with the request unread resets the connection, and the sender may lose
            # the 503 with it: take what has arrived (without waiting for more).
            request.shutdown(socket.SHUT_WR)
            request.setblocking(False)
            while request.recv(READ_CHUNK):
                pass
        remote = client_address[0] if isinstance(client_address, tuple) else ""
        incoming = Incoming(
            method="",
            target="",
            headers=[],
            remote=str(remote),
            received_at=time.time(),
            refused=(503, f"refused unread: more than {self.max_connections} connections at once"),
        )
        decision = decide(incoming, self.keys, self.path)
        decision.record.answer = answer
        self._received(decision)
