"""Synthetic history for benchmarks: ``populate(store, 100_000)`` then time ``store.search``."""

from __future__ import annotations

import json
import random

from tui.core.history.model import HistoryEntry
from tui.core.history.store import HistoryStore

_PATHS = (
    "/v2.0/vehicles",
    "/v2.0/vehicles/{vid}",
    "/v2.0/vehicles/{vid}/odometer",
    "/v2.0/vehicles/{vid}/battery",
    "/v2.0/vehicles/{vid}/location",
    "/v2.0/vehicles/{vid}/tires/pressure",
    "/v2.0/vehicles/{vid}/security",
    "/v2.0/user",
)
_NAMES = (
    "All Vehicles",
    "Info",
    "Odometer",
    "Battery",
    "Location",
    "Tire Pressure",
    "Lock",
    "User",
)
_STATUSES = ((200, "OK"), (200, "OK"), (200, "OK"), (401, "Unauthorized"), (404, "Not Found"))
BATCH = 20_000  # rows per executemany round: fewer, larger transactions; memory stays modest


def synthetic_entry(index: int, rng: random.Random) -> HistoryEntry:
    """One plausible Smartcar exchange (no secrets in it, so it is stored as built)."""
    which = rng.randrange(len(_PATHS))
    vehicle = f"{rng.getrandbits(64):016x}-{index:08d}"
    status, reason = rng.choice(_STATUSES)
    url = "https://api.smartcar.com" + _PATHS[which].format(vid=vehicle)
    method = "POST" if which == 6 else "GET"
    request_body = b'{"action": "LOCK"}' if method == "POST" else b""
    payload = {"distance": round(rng.uniform(0, 300_000), 1), "vehicle": vehicle, "n": index}
    response_body = json.dumps(payload).encode()
    # No checksum here: the store computes it on insert (saves a dataclass copy per entry).
    return HistoryEntry(
        id=0,
        started_at=1_700_000_000.0 + index,
        environment="sandbox",
        collection="Smartcar API",
        request_name=_NAMES[which],
        method=method,
        url=url,
        request_headers=[("Authorization", "Bearer ••••••"), ("Accept", "application/json")],
        request_body=request_body,
        request_body_size=len(request_body),
        request_body_truncated=False,
        status=status,
        reason=reason,
        http_version="HTTP/1.1",
        response_headers=[("content-type", "application/json"), ("sc-request-id", vehicle)],
        response_body=response_body,
        response_body_size=len(response_body),
        response_body_truncated=False,
        body_cap=1024 * 1024,
        total_ms=rng.uniform(20, 900),
        headers_ms=rng.uniform(10, 800),
        body_ms=rng.uniform(0, 50),
    )


def populate(store: HistoryStore, n: int, *, seed: int = 0) -> None:
    """Insert ``n`` synthetic entries with executemany, a few large transactions in all.

    The store's limits still apply once each batch is in: raise them first for a benchmark.
    """
    rng = random.Random(seed)
    start = store.count()
    for first in range(0, n, BATCH):
        batch = [synthetic_entry(start + i, rng) for i in range(first, min(n, first + BATCH))]
        store.add_many(batch)
