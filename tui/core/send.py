"""The send pipeline: one pooled httpx.AsyncClient, transport errors as values.

    resolve variables (prepare) -> add auth (refreshing the token if due) -> httpx -> Exchange

A 401 AUTHENTICATION answer on an OAuth2 request makes the pipeline refresh the token once
and resend; on an ``app_token`` request (Smartcar v3) it gets a new application token once and
resends. Cancellation (Esc, or a new send) propagates as asyncio.CancelledError.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Protocol

from tui.core.body_spool import SpilledBody
from tui.core.exchange import (
    Exchange,
    Response,
    SentRequest,
    Timings,
    TransportError,
    TransportErrorKind,
)
from tui.core.model import AuthKind, OAuth2Settings
from tui.core.prepare import PreparedRequest

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT = 30.0
USER_AGENT = "carman"


class TokenSource(Protocol):
    """Hands out access tokens for OAuth2 settings (``TokenManager`` implements it)."""

    async def access_token(self, settings: OAuth2Settings, *, stale: str | None = None) -> str:
        """A valid access token; with ``stale``, that token was refused: refresh it."""
        ...

    async def app_token(self, *, stale: str | None = None) -> str:
        """The token of ``app_token`` requests; with ``stale``, that one was refused."""
        ...

    async def ensure_fresh(self, settings: OAuth2Settings) -> None:
        """Refresh a due token before a send resolves {{access_token}}; no token: no-op."""
        ...

    def secret_values(self) -> set[str]:
        """The stored token values, for the masker."""
        ...


class NeedsLogin(Exception):
    """No usable token: the user has to log in (again). The message says why."""


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, its causes and wrapped exceptions (httpx hides the errno deep inside)."""
    seen: list[BaseException] = []
    pending: list[BaseException] = [exc]
    while pending and len(seen) < 20:
        current = pending.pop()
        if current in seen:
            continue
        seen.append(current)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
        pending.extend(arg for arg in current.args if isinstance(arg, BaseException))
        pending.extend(getattr(current, "exceptions", ()))
    return seen


def describe_transport_error(exc: BaseException, url: str) -> TransportError:
    """Turn an httpx exception into words a person understands."""
    import httpx  # ~25 ms of a start: imported when first used, not for the first frame

    try:
        host = httpx.URL(url).host or url
    except (httpx.InvalidURL, TypeError, ValueError):
        host = url or "the server"
    causes = _causes(exc)
    # Why: httpx's ReadError for a reset connection has no text ("ReadError"); the errno
    # underneath ("[Errno 104] Connection reset by peer") says what happened.
    text = str(exc) or next(
        (str(c) for c in causes if isinstance(c, OSError) and str(c)), type(exc).__name__
    )
    lowered = " | ".join(str(c) for c in causes).lower()
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        lowered += " refused"
    if any(isinstance(c, socket.gaierror) for c in causes):
        lowered += " name resolution"
    if any(isinstance(c, ssl.SSLError) for c in causes):
        lowered += " ssl"
    if isinstance(exc, httpx.TimeoutException):
        phase = {
            httpx.ConnectTimeout: "connecting to",
            httpx.ReadTimeout: "waiting for an answer from",
            httpx.WriteTimeout: "sending the request to",
            httpx.PoolTimeout: "waiting for a free connection to",
        }.get(type(exc), "talking to")
        return TransportError(
            TransportErrorKind.TIMEOUT,
            f"Timed out {phase} {host}. The server may be slow or unreachable; try again.",
            text,
        )
    if isinstance(exc, httpx.ConnectError):
        if any(
            word in lowered
            for word in (
                "name or service",
                "nodename",
                "getaddrinfo",
                "name resolution",
                "no address",
                "not known",
            )
        ):
            return TransportError(
                TransportErrorKind.DNS,
                f"Could not find the host {host}: DNS lookup failed. Check the URL.",
                text,
            )
        if "ssl" in lowered or "certificate" in lowered:
            return TransportError(
                TransportErrorKind.TLS,
                f"TLS handshake with {host} failed: {text}",
                text,
            )
        if "refused" in lowered or "errno 111" in lowered:
            return TransportError(
                TransportErrorKind.CONNECTION_REFUSED,
                f"Connection refused by {host}: nothing is listening there. "
                "Is the server running and the port right?",
                text,
            )
        return TransportError(
            TransportErrorKind.OTHER, f"Could not connect to {host}: {text}", text
        )
    if isinstance(exc, (httpx.ReadError, httpx.RemoteProtocolError)) and (
        "incomplete" in lowered
        or "peer closed" in lowered
        or "reset" in lowered
        or isinstance(exc, httpx.ReadError)
    ):
        return TransportError(
            TransportErrorKind.READ,
            f"The connection to {host} broke before the whole response arrived ({text}).",
            text,
        )
    if isinstance(exc, httpx.ProtocolError):
        return TransportError(
            TransportErrorKind.PROTOCOL,
            f"{host} sent a response that is not valid HTTP: {text}",
            text,
        )
    if isinstance(exc, httpx.DecodingError):
        return TransportError(
            TransportErrorKind.PROTOCOL, f"Could not decode the body from {host}: {text}", text
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return TransportError(TransportErrorKind.OTHER, f"Invalid URL: {text}", text)
    return TransportError(TransportErrorKind.OTHER, f"Request to {host} failed: {text}", text)


def _raw_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """Headers as they went over the wire, original case kept (httpx lower-cases its view)."""
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers.raw]


def is_authentication_error(response: Response) -> bool:
    """A Smartcar 401 AUTHENTICATION answer (or any 401): the token was refused."""
    if response.status != 401:
        return False
    try:
        body = response.json()
    except ValueError:
        return True
    return not isinstance(body, dict) or body.get("type", "AUTHENTICATION") == "AUTHENTICATION"


class SendPipeline:
    def __init__(
        self,
        token_source: TokenSource | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        verify: bool = True,
        transport: httpx.AsyncBaseTransport | None = None,
        max_in_memory_bytes: int | None = None,
    ) -> None:
        self.token_source = token_source
        self.timeout = timeout
        # A body bigger than this goes to a temporary file (config: [response]).
        self.max_in_memory_bytes = max_in_memory_bytes
        self._verify = verify
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> httpx.AsyncClient:
        # Created on first use (or by warm_up) so startup stays fast.
        with self._client_lock:
            if self._client is None:
                self._client = self._new_client()
            return self._client

    def warm_up(self) -> None:
        """Build the client and its TLS context ahead of the first send (from a thread)."""
        import anyio._backends._asyncio  # noqa: F401 - imported here, not on the first send

        _ = self.client

    def _new_client(self) -> httpx.AsyncClient:
        import httpx  # ~25 ms of a start: imported when first used, not for the first frame

        return httpx.AsyncClient(
            timeout=self.timeout,
            verify=self._verify,
            follow_redirects=False,
            transport=self._transport,
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )

    async def aclose(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def send(
        self,
        prepared: PreparedRequest,
        *,
        oauth2: OAuth2Settings | None = None,
        timeout: float | None = None,
        follow_redirects: bool = False,
    ) -> Exchange:
        """Send, adding the OAuth2 token when the effective auth is OAuth2.

        Raises NeedsLogin when no token can be had; everything the network does wrong comes
        back as ``Exchange.error``.
        """
        if prepared.header("authorization") is not None:
            # An explicit Authorization header typed by the user wins over the auth tab.
            return await self.send_raw(
                prepared, timeout=timeout, follow_redirects=follow_redirects
            )
        kind = prepared.auth.kind
        if kind == AuthKind.APP_TOKEN:
            settings: OAuth2Settings | None = OAuth2Settings()  # header placement only
        else:
            settings = oauth2 if kind == AuthKind.OAUTH2 else None
        token: str | None = None
        if settings is not None:
            token = await self._token(kind, oauth2)
            self._add_token(prepared, settings, token)
        exchange = await self.send_raw(prepared, timeout=timeout, follow_redirects=follow_redirects)
        if (
            token is not None
            and settings is not None
            and exchange.response is not None
            and is_authentication_error(exchange.response)
        ):
            # Once: the token may have been revoked or expired early. Renew and resend.
            fresh = await self._token(kind, oauth2, stale=token)
            if fresh != token:
                self._add_token(prepared, settings, fresh)
                exchange = await self.send_raw(
                    prepared, timeout=timeout, follow_redirects=follow_redirects
                )
                exchange.refreshed_token = True
        return exchange

    async def _token(
        self, kind: AuthKind, settings: OAuth2Settings | None, stale: str | None = None
    ) -> str:
        if self.token_source is None:
            what = "an application token" if kind == AuthKind.APP_TOKEN else "OAuth2"
            raise NeedsLogin(f"This request uses {what} but no login is configured.")
        if kind == AuthKind.APP_TOKEN:
            return await self.token_source.app_token(stale=stale)
        assert settings is not None
        return await self.token_source.access_token(settings, stale=stale)

    @staticmethod
    def _add_token(prepared: PreparedRequest, settings: OAuth2Settings, token: str) -> None:
        if settings.add_token_to == "query":
            separator = "&" if "?" in prepared.url else "?"
            base = prepared.url.split("access_token=")[0].rstrip("?&")
            separator = "&" if "?" in base else "?"
            prepared.url = f"{base}{separator}access_token={token}"
        else:
            prepared.set_header("Authorization", f"Bearer {token}")

    async def send_raw(
        self,
        prepared: PreparedRequest,
        *,
        timeout: float | None = None,
        follow_redirects: bool = False,
    ) -> Exchange:
        import httpx  # imported by the client above already; here for the except clause

        sent = SentRequest(prepared.method, prepared.url, list(prepared.headers), prepared.body)
        timings = Timings(started_at=time.time())
        start = time.perf_counter()
        exchange = Exchange(request=sent, timings=timings)
        try:
            request = self.client.build_request(
                prepared.method,
                prepared.url,
                headers=prepared.headers,
                content=prepared.body or None,
                timeout=timeout if timeout is not None else self.timeout,
            )
            sent.headers = _raw_headers(request.headers)
            response = await self.client.send(
                request, stream=True, follow_redirects=follow_redirects
            )
            timings.headers_ms = (time.perf_counter() - start) * 1000
            try:
                body, spilled = await self._read_body(response)
            finally:
                await response.aclose()
            timings.body_ms = (time.perf_counter() - start) * 1000 - timings.headers_ms
            exchange.response = Response(
                status=response.status_code,
                reason=response.reason_phrase,
                http_version=response.http_version,
                headers=_raw_headers(response.headers),
                body=body,
                spilled=spilled,
            )
        except asyncio.CancelledError:
            raise
        except (httpx.HTTPError, httpx.InvalidURL, ssl.SSLError, OSError, ValueError) as exc:
            exchange.error = describe_transport_error(exc, prepared.url)
        timings.total_ms = (time.perf_counter() - start) * 1000
        return exchange

    async def _read_body(self, response: httpx.Response) -> tuple[bytes, SpilledBody | None]:
        """The body in memory, or, once it outgrows ``max_in_memory_bytes``, in a file."""
        limit = self.max_in_memory_bytes
        if limit is None:
            return await response.aread(), None
        chunks: list[bytes] = []
        held = 0
        spilled: SpilledBody | None = None
        try:
            async for chunk in response.aiter_bytes():
                if spilled is not None:
                    spilled.write(chunk)
                    continue
                chunks.append(chunk)
                held += len(chunk)
                if held > limit:
                    spilled = SpilledBody()
                    for held_chunk in chunks:
                        spilled.write(held_chunk)
                    chunks = []
        except BaseException:
            if spilled is not None:
                spilled.remove()
            raise
        if spilled is not None:
            spilled.finish()
            return b"", spilled
        return b"".join(chunks), None
