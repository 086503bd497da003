"""The values of stored webhook deliveries: what the receiver hands the store, and what the
store hands back (events with their deliveries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tui.core.history.model import HistoryError


class Signature(StrEnum):
    """What the ``SC-Signature`` check found. Only VALID deliveries are trusted."""

    VALID = "valid"
    INVALID = "invalid"  # a signature that is not the HMAC of the body under the AMT
    UNSIGNED = "unsigned"  # no SC-Signature header
    UNCHECKED = "unchecked"  # signed, but no management token to check it with

    @property
    def mark(self) -> str:
        return {"valid": "✓", "invalid": "✗", "unsigned": "–", "unchecked": "?"}[self.value]


class WebhookEventNotFound(HistoryError):
    def __init__(self, event_id: int) -> None:
        super().__init__(f"No webhook event with id {event_id}")
        self.event_id = event_id


@dataclass
class DeliveryRecord:
    """One HTTP request the receiver answered, ready to store (the store masks it)."""

    received_at: float  # epoch seconds
    method: str
    target: str  # path and query as requested
    status: int  # what carman answered
    signature: Signature
    problem: str = ""  # one line: what was wrong with it, "" for a good delivery
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    body_size: int = 0  # bytes received (or announced, for one refused as too big)
    answer: bytes = b""  # carman's answer body (VERIFY's challenge answer)
    remote: str = ""
    environment: str = ""
    # From the JSON body, when it had them (see tui.core.webhooks.event_info).
    event_id: str = ""
    event_type: str = ""
    delivery_id: str = ""
    vehicle_id: str = ""
    vehicle_make: str = ""
    vehicle_model: str = ""
    vehicle_year: int | None = None
    user_id: str = ""
    webhook_id: str = ""
    webhook_name: str = ""
    mode: str = ""

    @property
    def trusted(self) -> bool:
        return self.signature == Signature.VALID


@dataclass(frozen=True)
class WebhookEventSummary:
    """One line of the Webhooks list: an event and how many times it was delivered."""

    id: int
    environment: str
    event_id: str
    event_type: str
    signature: Signature
    first_received_at: float
    last_received_at: float
    deliveries: int
    status: int
    problem: str
    vehicle_id: str
    vehicle_make: str
    vehicle_model: str
    vehicle_year: int | None
    user_id: str
    webhook_id: str
    webhook_name: str
    mode: str

    @property
    def retries(self) -> int:
        """Deliveries after the first (Smartcar retries with the same eventId)."""
        return max(0, self.deliveries - 1)

    @property
    def trusted(self) -> bool:
        return self.signature == Signature.VALID

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.first_received_at).astimezone()

    @property
    def vehicle(self) -> str:
        """Year, make and model ("2024 POLESTAR Polestar 2"), else the vehicle id."""
        named = " ".join(
            str(p) for p in (self.vehicle_year, self.vehicle_make, self.vehicle_model) if p
        )
        return named or self.vehicle_id

    @property
    def kind(self) -> str:
        """The event type, or what the request was when it was not an event."""
        return self.event_type or "(no event)"


@dataclass(frozen=True)
class StoredDelivery:
    id: int
    event: int
    received_at: float
    delivery_id: str
    remote: str
    method: str
    target: str
    status: int
    signature: Signature
    problem: str
    headers: list[tuple[str, str]]
    body: bytes  # as received, secrets masked, cut at the body cap
    body_size: int
    body_truncated: bool
    answer: bytes

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.received_at).astimezone()

    @property
    def trusted(self) -> bool:
        return self.signature == Signature.VALID


@dataclass(frozen=True)
class WebhookEvent:
    summary: WebhookEventSummary
    deliveries: list[StoredDelivery]  # oldest first

    @property
    def first(self) -> StoredDelivery:
        return self.deliveries[0]

    @property
    def delivery_ids(self) -> list[str]:
        return [d.delivery_id for d in self.deliveries if d.delivery_id]


@dataclass(frozen=True)
class AddedDelivery:
    """What storing one delivery did."""

    event: WebhookEventSummary
    delivery: int  # the stored delivery's id
    retry: bool  # True when it joined an event already stored (same eventId)
