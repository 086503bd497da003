"""The loopback callback listener: receives the redirect back from Connect.

Standard-library ``http.server`` (``ThreadingHTTPServer``) on a background thread, bound to
loopback only: 127.0.0.1, plus ::1 when the redirect host is ``localhost`` (browsers may resolve
``localhost`` to either). It answers only the redirect path, checks the single-use state, and
turns the outcome into a ``CallbackResult``. Junk, oversized, slow or replayed requests are
answered (or dropped) without disturbing the wait.

    listener = CallbackListener("http://localhost:8000/exchange", state, timeout=300)
    listener.start()             # raises ListenerError (port in use, not loopback ...)
    result = await listener.wait()   # or listener.wait_blocking()
    listener.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import ipaddress
import socket
import socketserver
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit, urlunsplit

from tui.core.errors import CarmanError
from tui.core.oauth.callback import (
    CANCELLED,
    TIMEOUT,
    CallbackResult,
    InvalidCallback,
    parse_pasted_redirect,
    result_from_query,
    state_matches,
)

# A stalled client (connected, sending nothing) is dropped after this many seconds.
SOCKET_TIMEOUT = 10.0
# After the final answer, keep answering replays ("already used") and favicon requests a
# little while, so the browser never sees a connection error.
LINGER = 5.0

__all__ = [
    "CallbackListener",
    "CallbackResult",
    "InvalidCallback",
    "ListenerError",
    "parse_pasted_redirect",
]


class ListenerError(CarmanError):
    """The listener cannot run (port in use, not a loopback redirect URI ...)."""


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind_addresses(host: str) -> list[tuple[socket.AddressFamily, str]]:
    if host == "localhost":
        return [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")]
    address = ipaddress.ip_address(host)
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    return [(family, str(address))]


def _alternative_uri(redirect_uri: str, port: int) -> str:
    parts = urlsplit(redirect_uri)
    host = parts.hostname or "localhost"
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _page(title: str, text: str) -> bytes:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>carman: {html.escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;"
        "padding:0 1em;line-height:1.5}</style></head>"
        f"<body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return body.encode("utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # never wait for a stalled client when stopping

    def __init__(
        self, family: socket.AddressFamily, address: tuple[str, int], listener: CallbackListener
    ) -> None:
        self.address_family = family
        self.listener = listener
        super().__init__(address, _Handler, bind_and_activate=False)
        try:
            if family == socket.AF_INET6:
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
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

    def handle_error(self, request: object, client_address: object) -> None:
        # Quiet: a broken browser connection is not worth a traceback on the user's terminal.
        self.listener._note(f"a request from {client_address} failed and was dropped")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT  # applied to the socket by StreamRequestHandler.setup
    server_version = "carman"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers

    def log_message(self, format: str, *args: object) -> None:
        pass  # no stderr logging: the URL carries the code and state

    def do_GET(self) -> None:
        status, title, text = self.server.listener._handle(self.path)
        self._answer(status, title, text)

    def do_HEAD(self) -> None:
        self._answer(405, "Method not allowed", "Only GET is answered here.", body=False)

    def do_POST(self) -> None:
        self._answer(405, "Method not allowed", "Only GET is answered here.")

    def _answer(self, status: int, title: str, text: str, body: bool = True) -> None:
        payload = _page(title, text)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if body:
            self.wfile.write(payload)


class CallbackListener:
    """Waits on loopback for the one redirect that carries ``state``."""

    def __init__(
        self,
        redirect_uri: str,
        state: str,
        timeout: float = 300.0,
        *,
        linger: float = LINGER,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        parts = urlsplit(redirect_uri)
        host = parts.hostname or ""
        if parts.scheme != "http" or not is_loopback_host(host):
            raise ListenerError(
                f"The redirect URI {redirect_uri} is not an http://localhost address, so carman "
                "cannot receive the callback itself. Register http://localhost:8000/exchange "
                "with the provider and set redirect_uri to it, or paste the final redirect URL "
                "instead."
            )
        try:
            port = parts.port if parts.port is not None else 80
        except ValueError as exc:
            raise ListenerError(f"The redirect URI {redirect_uri} has an invalid port.") from exc
        self.redirect_uri = redirect_uri
        self.host = host
        self.path = parts.path or "/"
        self.state = state
        self.timeout = timeout
        self.linger = linger
        self.requested_port = port
        self.port = port
        # Messages about rejected callbacks (wrong state, ...), newest last, for the UI.
        self.events: list[str] = []
        self._on_event = on_event
        self._lock = threading.Lock()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._result: CallbackResult | None = None
        self._done = threading.Event()
        self._waiters: list[Callable[[], None]] = []
        self._timer: threading.Timer | None = None
        self._stop_timer: threading.Timer | None = None
        self._stopped = False

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> CallbackListener:
        """Bind and serve in the background. Raises ListenerError with the remedy."""
        servers: list[_Server] = []
        try:
            servers = self._bind_all()
        except OSError as exc:
            raise self._bind_error(exc) from exc
        self._servers = servers
        self.port = servers[0].server_address[1]
        for server in servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"carman-callback-{self.port}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        self._timer = threading.Timer(self.timeout, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def _bind_all(self) -> list[_Server]:
        addresses = _bind_addresses(self.host)
        attempts = 5 if self.requested_port == 0 else 1
        for attempt in range(attempts):
            servers: list[_Server] = []
            port = self.requested_port
            try:
                for index, (family, address) in enumerate(addresses):
                    try:
                        servers.append(_Server(family, (address, port), self))
                    except OSError as exc:
                        # No IPv6 on this machine: 127.0.0.1 alone serves "localhost".
                        if index > 0 and exc.errno in (
                            errno.EAFNOSUPPORT,
                            errno.EADDRNOTAVAIL,
                            errno.EPROTONOSUPPORT,
                        ):
                            continue
                        raise
                    port = servers[0].server_address[1]  # ::1 takes the port 127.0.0.1 got
                return servers
            except OSError as exc:
                for server in servers:
                    server.server_close()
                # An ephemeral port free on 127.0.0.1 may be taken on ::1: try another.
                if exc.errno == errno.EADDRINUSE and attempt + 1 < attempts:
                    continue
                raise
        raise AssertionError("unreachable")

    def _bind_error(self, exc: OSError) -> ListenerError:
        port = self.requested_port
        if exc.errno == errno.EADDRINUSE:
            other = _alternative_uri(self.redirect_uri, port + 1 if port else 8001)
            return ListenerError(
                f"Port {port} is in use by another program (perhaps another login still "
                f"waiting): stop it, or register another redirect URI such as {other} with the "
                "provider and set redirect_uri to it."
            )
        if exc.errno == errno.EACCES:
            return ListenerError(
                f"Not allowed to listen on port {port} (ports below 1024 need special "
                "rights): register a redirect URI with a higher port, such as "
                f"{_alternative_uri(self.redirect_uri, 8000)}, and set redirect_uri to it."
            )
        return ListenerError(f"Cannot listen on {self.host}:{port} for the callback: {exc}")

    def stop(self) -> None:
        """Stop serving now (idempotent). Does not change the result."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        for timer in (self._timer, self._stop_timer):
            if timer is not None:
                timer.cancel()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    def cancel(self) -> None:
        """Give up: waiters get a ``cancelled`` result and the listener stops."""
        self._finish(CallbackResult(error=CANCELLED), linger=False)
        self.stop()

    def __enter__(self) -> CallbackListener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def result(self) -> CallbackResult | None:
        return self._result

    @property
    def done(self) -> bool:
        return self._done.is_set()

    # -- waiting ---------------------------------------------------------------------------
    def wait_blocking(self) -> CallbackResult:
        """Block until success, a provider error, cancel or the timeout."""
        self._done.wait()
        assert self._result is not None
        return self._result

    async def wait(self) -> CallbackResult:
        """Like wait_blocking, without blocking the event loop; cancellable."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def settle() -> None:
            if not future.done():
                future.set_result(None)

        def wake() -> None:
            loop.call_soon_threadsafe(settle)

        with self._lock:
            if not self._done.is_set():
                self._waiters.append(wake)
            else:
                future.set_result(None)
        try:
            await future
        finally:
            with self._lock:
                if wake in self._waiters:
                    self._waiters.remove(wake)
        assert self._result is not None
        return self._result

    # -- internals -------------------------------------------------------------------------
    def _note(self, message: str) -> None:
        self.events.append(message)
        if self._on_event is not None:
            # A UI callback must never break the listener.
            with contextlib.suppress(Exception):
                self._on_event(message)

    def _expire(self) -> None:
        amount, unit = (
            (self.timeout / 60, "minute") if self.timeout >= 60 else (self.timeout, "second")
        )
        span = f"{amount:g} {unit}{'' if amount == 1 else 's'}"
        self._finish(
            CallbackResult(
                error=TIMEOUT,
                description=f"No answer arrived from the browser within {span}; log in again.",
            ),
            linger=False,
        )
        self.stop()

    def _finish(self, result: CallbackResult, *, linger: bool = True) -> bool:
        with self._lock:
            if self._done.is_set():
                return False
            self._result = result
            self._done.set()
            waiters, self._waiters = self._waiters, []
            if self._timer is not None:
                self._timer.cancel()
            if linger and not self._stopped:
                self._stop_timer = threading.Timer(self.linger, self.stop)
                self._stop_timer.daemon = True
                self._stop_timer.start()
        for wake in waiters:
            wake()
        return True

    def _handle(self, target: str) -> tuple[int, str, str]:
        """Decide the answer to one GET: (status, page title, page text)."""
        parts = urlsplit(target)
        if parts.path != self.path:
            if parts.path != "/favicon.ico":
                self._note(f"ignored a request for {parts.path[:80]!r} (not the redirect path)")
            return 404, "Not found", "This address is only used to finish a carman login."
        query = parse_qs(parts.query, keep_blank_values=True)
        if self._done.is_set():
            return (
                400,
                "Already used",
                "This login link was already used. Start a new login in carman if needed.",
            )
        states = query.get("state")
        if not state_matches(states[0] if states else None, self.state):
            self._note(
                "refused a callback with "
                + ("a wrong state" if states else "no state")
                + " (not from this login; no token was requested). Still waiting."
            )
            return (
                400,
                "Login not accepted",
                "This callback does not belong to the login carman is waiting for, so it was "
                "ignored. Start the login from carman and use the link it shows.",
            )
        result = result_from_query(query)
        if result is None:
            self._note("refused a callback without a code or an error. Still waiting.")
            return 400, "Login not accepted", "The callback carried no authorization code."
        if not self._finish(result):
            return 400, "Already used", "This login link was already used."
        if result.ok:
            return 200, "Login complete", "carman has the login. You can close this tab."
        return 200, "Login not completed", f"{result.message} You can close this tab."
