"""The values the history store hands out, and its errors."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from tui.core.errors import CarmanError


class HistoryError(CarmanError):
    """The history database cannot be used; the message says which file and why."""


class HistoryEntryNotFound(HistoryError):
    def __init__(self, entry_id: int) -> None:
        super().__init__(f"No history entry with id {entry_id}")
        self.entry_id = entry_id


@dataclass(frozen=True)
class HistorySummary:
    """One row of the history list: enough to show and filter, without headers and bodies."""

    id: int
    started_at: float  # epoch seconds
    environment: str
    collection: str
    request_name: str
    method: str
    url: str
    status: int | None  # None when the request failed before a response (see error_kind)
    reason: str
    total_ms: float
    response_body_size: int  # as received, before the body cap
    error_kind: str

    @property
    def time(self) -> datetime:
        """Local time the request started."""
        return datetime.fromtimestamp(self.started_at).astimezone()


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded exchange as stored: secrets already masked, bodies cut at ``body_cap``.

    ``id`` is 0 for an entry built but not yet stored.
    """

    id: int
    started_at: float
    environment: str
    collection: str
    request_name: str
    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    request_body_size: int  # the original size, before masking and the cap
    request_body_truncated: bool
    status: int | None
    reason: str
    http_version: str
    response_headers: list[tuple[str, str]]
    response_body: bytes
    response_body_size: int
    response_body_truncated: bool
    body_cap: int  # max_body_bytes in force when it was recorded
    total_ms: float
    headers_ms: float
    body_ms: float
    error_kind: str = ""
    error_message: str = ""
    error_detail: str = ""
    refreshed_token: bool = False
    # What the request was: its template as JSON (see core.history.template; "" for entries
    # recorded before schema version 3) and where it lives.
    template: str = ""
    collection_id: str = ""
    request_id: str = ""
    checksum: str = field(default="", compare=False)

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.started_at).astimezone()

    @cached_property
    def request_headers_json(self) -> str:
        return headers_json(self.request_headers)

    @cached_property
    def response_headers_json(self) -> str:
        return headers_json(self.response_headers)

    @property
    def stored_bytes(self) -> int:
        """What this entry weighs against ``max_bytes``: URL, headers and bodies as stored."""
        return (
            _utf8_len(self.url)
            + _utf8_len(self.request_headers_json)
            + _utf8_len(self.response_headers_json)
            + len(self.request_body)
            + len(self.response_body)
            + _utf8_len(self.template)
        )

    def summary(self) -> HistorySummary:
        return HistorySummary(
            id=self.id,
            started_at=self.started_at,
            environment=self.environment,
            collection=self.collection,
            request_name=self.request_name,
            method=self.method,
            url=self.url,
            status=self.status,
            reason=self.reason,
            total_ms=self.total_ms,
            response_body_size=self.response_body_size,
            error_kind=self.error_kind,
        )

    def header(self, name: str, *, response: bool = False) -> str | None:
        lowered = name.lower()
        rows = self.response_headers if response else self.request_headers
        return next((v for k, v in rows if k.lower() == lowered), None)

    def compute_checksum(self) -> str:
        """A digest of every stored field: a row that does not match it was not written whole."""
        fields: tuple[object, ...] = (
            self.started_at,
            self.environment,
            self.collection,
            self.request_name,
            self.method,
            self.url,
            self.status,
            self.reason,
            self.http_version,
            self.total_ms,
            self.headers_ms,
            self.body_ms,
            self.request_body_size,
            self.response_body_size,
            self.request_body_truncated,
            self.response_body_truncated,
            self.body_cap,
            self.error_kind,
            self.error_message,
            self.error_detail,
            self.refreshed_token,
            self.request_headers_json,
            self.response_headers_json,
            self.request_body,
            self.response_body,
        )
        if self.template or self.collection_id or self.request_id:
            # Only when present: entries written before version 3 keep their checksums.
            fields += (self.template, self.collection_id, self.request_id)
        # repr of a tuple of str/bytes/int/float/bool/None is exact and unambiguous.
        return hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).hexdigest()


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def headers_json(headers: list[tuple[str, str]]) -> str:
    """Headers as stored: a JSON list of [name, value] pairs (order and duplicates kept)."""
    return json.dumps([[k, v] for k, v in headers], ensure_ascii=False)


def headers_from_json(text: str) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in json.loads(text)]
