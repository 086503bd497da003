"""Small network helpers for tests."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalServer(str):
    """A test server's base URL (a plain ``str`` to every test that only needs the URL) that
    also lists the request targets the server has received, in order of arrival: a test waits
    until a request is really in flight instead of sleeping and hoping."""

    seen: list[str]

    def arrived(self, target: str) -> int:
        """How many requests for ``target`` (path and query) have reached the server."""
        return self.seen.count(target)


async def until(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll ``predicate`` on the running event loop until it holds (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        await asyncio.sleep(0.01)
