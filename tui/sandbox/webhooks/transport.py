"""One POST to a webhook callback, with a timeout; what came back, or why nothing did.

The standard library's ``http.client`` is used directly: it sends exactly the bytes given (the
signature covers them), honours no proxy variables (a loopback callback must never go through
a proxy) and lets the timeout bound every socket operation. A callback that trickles bytes can
stretch one attempt beyond the timeout; one that stalls fails after it. A slow 200 counts as a
failure, as at Smartcar (§7.3).
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_ANSWER = 64 * 1024  # only VERIFY reads the answer; a challenge reply is tiny


@dataclass(frozen=True)
class Answer:
    """The callback's answer: a status and body, or ``error`` when there was none."""

    status: int | None
    body: bytes = b""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    connection: http.client.HTTPConnection
    try:
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "",
                parts.port,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=timeout
            )
    except ValueError as problem:
        return Answer(None, error=f"bad callback URL: {problem}")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read(MAX_ANSWER))
    except TimeoutError:
        return Answer(None, error=f"no answer within {timeout:g} s")
    except ConnectionRefusedError:
        return Answer(None, error="connection refused (nothing listens there)")
    except ssl.SSLError as problem:
        return Answer(None, error=f"TLS failure: {problem.reason or problem}")
    except socket.gaierror as problem:
        return Answer(None, error=f"cannot resolve {parts.hostname}: {problem.strerror}")
    except (OSError, http.client.HTTPException) as problem:
        return Answer(None, error=f"{type(problem).__name__}: {problem}".rstrip(": "))
    finally:
        connection.close()
