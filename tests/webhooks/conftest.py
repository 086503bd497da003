"""Webhook fixtures: deliveries shaped like Smartcar's (smartcar-v3.md §7.5-7.7), signed
like Smartcar signs them, and a receiver on an ephemeral loopback port in temporary XDG dirs."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tui.core.smartcar.webhook_signing import sign
from tui.core.webhooks import Received, WebhookReceiver

AMT = "amt-7c1e0b9a-test-management-token"
VEHICLE = {
    "id": "875d9333-0000-4000-8000-00000000c0de",
    "make": "POLESTAR",
    "model": "Polestar 2",
    "year": 2024,
}
USER = {"id": "9c9cde56-0000-4000-8000-0000000000a5"}


def vehicle_state(
    soc: float = 89,
    *,
    odometer: float = 12345.6,
    event_id: str | None = None,
    delivery_id: str | None = None,
    oem_updated_at: int = 1769937933000,
    vehicle: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A VEHICLE_STATE as real v4.0 deliveries look (§7.6)."""
    return {
        "eventId": event_id or str(uuid.uuid4()),
        "eventType": "VEHICLE_STATE",
        "data": {
            "user": USER,
            "vehicle": vehicle or VEHICLE,
            "signals": [
                {
                    "code": "tractionbattery-stateofcharge",
                    "name": "StateOfCharge",
                    "group": "TractionBattery",
                    "body": {"value": soc, "unit": "percent"},
                    "status": {"value": "SUCCESS"},
                    "meta": {"oemUpdatedAt": oem_updated_at, "retrievedAt": oem_updated_at + 10},
                },
                {
                    "code": "odometer-traveleddistance",
                    "name": "TraveledDistance",
                    "group": "Odometer",
                    "body": {"value": odometer, "unit": "km"},
                    "status": {"value": "SUCCESS"},
                    "meta": {"oemUpdatedAt": oem_updated_at},
                },
                {
                    "code": "charge-chargetimers",
                    "name": "ChargeTimers",
                    "group": "Charge",
                    "status": {"value": "ERROR", "error": {"type": "SERVER", "code": "INTERNAL"}},
                },
            ],
        },
        "triggers": [
            {
                "type": "SIGNAL_UPDATED",
                "signal": {
                    "name": "StateOfCharge",
                    "code": "tractionbattery-stateofcharge",
                    "group": "TractionBattery",
                },
            }
        ],
        "meta": {
            "deliveryId": delivery_id or str(uuid.uuid4()),
            "deliveredAt": oem_updated_at + 200,
            "version": "4.0",
            "webhookId": "7ff798f5-bbce-4300-a1f4-d553d0fb23b0",
            "webhookName": "carman tests",
            "mode": "LIVE",
            "signalCount": 3,
        },
    }


def verify_event(challenge: str = "3a5c8f72-e6d9-4b1a-9f2e-8c7d6a5b4e3f") -> dict[str, Any]:
    return {
        "eventId": str(uuid.uuid4()),
        "eventType": "VERIFY",
        "data": {"challenge": challenge},
        "meta": {
            "version": "4.0",
            "webhookId": "w",
            "deliveryId": str(uuid.uuid4()),
            "deliveredAt": 1761896351529,
        },
    }


def compact(document: object) -> bytes:
    """Compact JSON, as Smartcar sends it."""
    return json.dumps(document, separators=(",", ":")).encode("utf-8")


def signed_headers(body: bytes, amt: str = AMT) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "SC-Signature": sign(amt, body),
        "User-Agent": "Smartcar/4.0",
    }


@dataclass
class Arrivals:
    """What the receiver's writer announced, waitable."""

    items: list[Received] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    def add(self, received: Received) -> None:
        with self.condition:
            self.items.append(received)
            self.condition.notify_all()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        with self.condition:
            if not self.condition.wait_for(lambda: len(self.items) >= count, timeout):
                raise AssertionError(f"{len(self.items)} of {count} deliveries arrived")
            return list(self.items)

    def wait(self, check: Callable[[list[Received]], bool], timeout: float = 20) -> list[Received]:
        """Until ``check`` holds for what arrived; what arrived then."""
        with self.condition:
            if not self.condition.wait_for(lambda: check(self.items), timeout):
                raise AssertionError([(r.record.event_type, r.record.status) for r in self.items])
            return list(self.items)


@pytest.fixture
def arrivals() -> Arrivals:
    return Arrivals()


@pytest.fixture
def receiver(xdg: object, arrivals: Arrivals) -> Iterator[WebhookReceiver]:
    started = WebhookReceiver(port=0, on_stored=arrivals.add)
    started.use("local", AMT)
    started.start()
    try:
        yield started
    finally:
        started.stop()


def raw_exchange(port: int, data: bytes, *, shutdown_write: bool = True) -> bytes:
    """Send raw bytes to the receiver and read its whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(data)
        if shutdown_write:
            sock.shutdown(socket.SHUT_WR)
        parts = []
        while chunk := sock.recv(65536):
            parts.append(chunk)
    return b"".join(parts)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])
