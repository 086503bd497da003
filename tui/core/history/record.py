"""An Exchange becomes a HistoryEntry: secrets masked, bodies capped, sizes kept."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from tui.core.exchange import Exchange
from tui.core.history.model import HistoryEntry
from tui.core.history.redaction import SCRUB_MARGIN, scrub
from tui.core.history.template import template_json


def entry_from_exchange(
    exchange: Exchange, *, secrets: Iterable[str] = (), max_body_bytes: int
) -> HistoryEntry:
    """The entry as it will be stored (id 0 until it is). Pure: no I/O, safe on any thread."""
    secrets = list(secrets)  # read twice: the exchange and the template
    request, response, error = exchange.request, exchange.response, exchange.error
    # Only what can be stored is read: a spilled 500 MB body stays on disk. One byte more
    # than the scrubber looks at tells it that the body was cut.
    response_head = response.head(max(0, max_body_bytes) + SCRUB_MARGIN + 1) if response else b""
    clean = scrub(
        url=request.url,
        request_headers=list(request.headers),
        request_body=request.body,
        response_headers=list(response.headers) if response else [],
        response_body=response_head,
        error_message=error.message if error else "",
        error_detail=error.detail if error else "",
        secrets=secrets,
        max_body_bytes=max_body_bytes,
    )
    entry = HistoryEntry(
        id=0,
        started_at=float(exchange.timings.started_at),
        environment=exchange.environment,
        collection=exchange.collection,
        request_name=exchange.request_name,
        method=request.method.upper(),
        url=clean.url,
        request_headers=clean.request_headers,
        request_body=clean.request_body.data,
        request_body_size=len(request.body),
        request_body_truncated=clean.request_body.truncated,
        status=response.status if response else None,
        reason=response.reason if response else "",
        http_version=response.http_version if response else "",
        response_headers=clean.response_headers,
        response_body=clean.response_body.data,
        response_body_size=response.size if response else 0,
        response_body_truncated=clean.response_body.truncated,
        body_cap=max(0, max_body_bytes),
        total_ms=float(exchange.timings.total_ms),
        headers_ms=float(exchange.timings.headers_ms),
        body_ms=float(exchange.timings.body_ms),
        error_kind=str(error.kind.value) if error else "",
        error_message=clean.error_message,
        error_detail=clean.error_detail,
        refreshed_token=exchange.refreshed_token,
        template=template_json(exchange.template, secrets) if exchange.template else "",
        collection_id=exchange.collection_id,
        request_id=exchange.request_id,
    )
    return dataclasses.replace(entry, checksum=entry.compute_checksum())
