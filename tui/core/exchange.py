"""The values one send produces: what went out, what came back, how long it took."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.core.model import Request

from tui.core.body_spool import SpilledBody


class TransportErrorKind(StrEnum):
    CONNECTION_REFUSED = "connection_refused"
    DNS = "dns"
    TLS = "tls"
    TIMEOUT = "timeout"
    READ = "read"  # the connection broke while reading (reset, closed mid-body)
    PROTOCOL = "protocol"  # the server spoke broken HTTP
    CANCELLED = "cancelled"
    OTHER = "other"


@dataclass(frozen=True)
class TransportError:
    kind: TransportErrorKind
    message: str  # for a person: what happened and what to try
    detail: str = ""  # the underlying exception text, for the curious


@dataclass
class SentRequest:
    method: str
    url: str
    headers: list[tuple[str, str]]
    body: bytes = b""


@dataclass
class Response:
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes  # a property (below): a spilled body is read from its file when asked for
    # Set when the body outgrew [response] max_in_memory_bytes: it lives in this file.
    spilled: SpilledBody | None = field(default=None, repr=False, compare=False)
    if TYPE_CHECKING:  # what the body property below keeps; not a dataclass field at run time
        _body: bytes = field(init=False, repr=False, compare=False)

    @property
    def size(self) -> int:
        return self.spilled.size if self.spilled is not None else len(self._body)

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes, without reading a spilled body whole."""
        return self.spilled.head(size) if self.spilled is not None else self._body[:size]

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def content_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The parsed JSON body, or raise ValueError."""
        return json.loads(self.body.decode(self.charset, errors="replace"))

    @property
    def charset(self) -> str:
        content_type = self.header("content-type") or ""
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip('"')
        return "utf-8"

    @property
    def text(self) -> str:
        try:
            return self.body.decode(self.charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def _get_body(response: Response) -> bytes:
    spilled = response.spilled
    return spilled.read() if spilled is not None else response._body


def _set_body(response: Response, value: bytes) -> None:
    response._body = value


# Installed after @dataclass (which would take a property in the class body for a default):
# ``Response(..., body=b"...")`` and ``response.body`` keep working for every caller.
Response.body = property(_get_body, _set_body)  # type: ignore[assignment]  # field made a property


@dataclass
class Timings:
    started_at: float  # epoch seconds
    total_ms: float = 0.0
    headers_ms: float = 0.0  # until the status line and headers arrived
    body_ms: float = 0.0  # reading the body


@dataclass
class Exchange:
    request: SentRequest
    timings: Timings
    response: Response | None = None
    error: TransportError | None = None
    # Where it came from, for history and the response pane.
    environment: str = ""
    collection: str = ""
    request_name: str = ""
    refreshed_token: bool = False
    notes: list[str] = field(default_factory=list)
    # What the request was (``{{variables}}`` kept, effective auth) and where it lives, so
    # history can replay it with the variables of the day (see core.history.template).
    template: Request | None = None
    collection_id: str = ""  # the collection's directory name
    request_id: str = ""  # the request file inside it, without .toml ("vehicle/odometer")

    @property
    def ok(self) -> bool:
        return self.response is not None and 200 <= self.response.status < 300

    @property
    def request_size(self) -> int:
        return len(self.request.body)

    @property
    def response_size(self) -> int:
        return self.response.size if self.response else 0


@dataclass(frozen=True)
class RecordedAs:
    """What a replayed exchange is recorded as: the original entry's template and ids."""

    template: Request | None
    collection_id: str
    request_id: str
