"""The text the search index holds for one entry: URL, method, status, names and bodies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tui.core.history.model import HistoryEntry

# Only the start of each body is indexed: enough for the JSON a vehicle API returns, and it
# keeps the index (about three times its text, with trigrams) bounded.
SEARCH_BODY_CHARS = 64 * 1024

SearchFields = tuple[str, str, str, str, str]  # url, method, status, name, body


def body_text(body: bytes) -> str:
    """The searchable text of a body, or "" for a binary one."""
    head = body[: SEARCH_BODY_CHARS * 2]
    if b"\x00" in head[:1024]:
        return ""
    return head.decode("utf-8", "replace")[:SEARCH_BODY_CHARS]


def status_text(status: int | None, reason: str, error_kind: str) -> str:
    if status is None:
        return f"error {error_kind}".strip()
    return f"{status} {reason}".strip()


def _fields(
    url: str,
    method: str,
    status: int | None,
    reason: str,
    error_kind: str,
    names: Sequence[str],
    bodies: Sequence[bytes],
) -> SearchFields:
    return (
        url,
        method,
        status_text(status, reason, error_kind),
        "\n".join(n for n in names if n),
        "\n".join(t for t in (body_text(b) for b in bodies) if t),
    )


def search_fields(entry: HistoryEntry) -> SearchFields:
    """What the index holds for ``entry``, in the order of schema.SEARCH_COLUMNS."""
    return _fields(
        entry.url,
        entry.method,
        entry.status,
        entry.reason,
        entry.error_kind,
        (entry.request_name, entry.collection, entry.environment),
        (entry.request_body, entry.response_body),
    )


def search_fields_of_row(row: Sequence[Any]) -> SearchFields:
    """The same from stored columns, for a migration that indexes existing rows: url, method,
    status, reason, error_kind, request_name, collection, environment, request_body,
    response_body."""
    url, method, status, reason, error_kind, name, collection, environment, rb, sb = row
    return _fields(
        url, method, status, reason, error_kind, (name, collection, environment), (rb, sb)
    )
