"""Short-lived httpx clients for login-time calls (token endpoint, vehicle list, sandbox).

Each call gets its own client so it never outlives the event loop it was made on (the CLI
runs several ``asyncio.run``); the TLS context is built once because loading the CA bundle
costs tens of milliseconds per client.
"""

from __future__ import annotations

import functools
import ssl
from typing import TYPE_CHECKING

from tui import __version__

if TYPE_CHECKING:
    import httpx

TIMEOUT = 30.0


@functools.cache
def _tls_context() -> ssl.SSLContext:
    import httpx  # ~25 ms of a start: imported when first used, not for the first frame

    return httpx.create_ssl_context()


def new_client(timeout: float = TIMEOUT) -> httpx.AsyncClient:
    import httpx

    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,
        verify=_tls_context(),
        headers={"User-Agent": f"carman/{__version__}"},
    )
