"""Jobs on their way to callbacks: the sender threads, retries on the sandbox clock, VERIFYs in
flight, and the delivery log.

One attempt (on a sender thread): check the job still has somewhere to go (the webhook exists
and can receive, the subscription lives, the VERIFY is the current one), stamp the event with a
new ``deliveryId`` and ``deliveredAt``, sign the exact bytes with the application's management
token, POST them, and log the answer. A failed attempt is queued again ``retry_delays`` seconds
later on the sandbox clock (``due`` hands the dispatcher those that fell due); after the last
one the event is dropped. A VERIFY is judged (``verification``) and its result stored on the
webhook.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tui.core.smartcar import webhook_events as events
from tui.core.smartcar import webhook_signing
from tui.sandbox.clock import iso
from tui.sandbox.webhooks import (
    definitions,
    delivery_log,
    payloads,
    subscriptions,
    transport,
    verification,
)
from tui.sandbox.webhooks.sender import Job, Sender
from tui.sandbox.webhooks.settings import DeliverySettings

if TYPE_CHECKING:
    from tui.sandbox.context import Context

Record = dict[str, Any]
USER_AGENT = f"{events.user_agent()} (carman sandbox)"


class Outbox:
    def __init__(
        self,
        ctx: Context,
        amt: str,
        settings: Callable[[], DeliverySettings],
        *,
        gate: threading.RLock,
        stopped: Callable[[], bool],
        on_verified: Callable[[], None],
        on_progress: Callable[[], None],
    ) -> None:
        """``gate`` and ``stopped``: the engine's write gate (no state write once stopped);
        ``on_verified``: a webhook passed VERIFY; ``on_progress``: a job ended or a retry was
        queued (waiters look again)."""
        self._ctx = ctx
        self._amt = amt
        self._settings = settings
        self._gate = gate
        self._stopped = stopped
        self._on_verified = on_verified
        self._on_progress = on_progress
        self.log = delivery_log.DeliveryLog()
        current = settings()
        self._sender = Sender(
            self._attempt,
            on_progress,
            workers=current.workers,
            queue_size=max(current.queue_size, current.workers),
        )
        self._lock = threading.Lock()
        self._retries: list[tuple[float, int, Job]] = []  # heap by due time (sandbox clock)
        self._sequence = itertools.count()
        self._verifying: set[str] = set()  # nonces whose VERIFY is queued or in flight

    # ------------------------------------------------------------------ for the engine

    @property
    def outstanding(self) -> int:
        """Jobs queued or being attempted."""
        return self._sender.outstanding

    def submit(self, job: Job) -> str:
        """Hand a job to the sender; its eventId (logged as dropped when refused)."""
        if job.nonce is not None:
            self.claim(job.nonce)
        if not self._sender.submit(job):
            self._end_verification(job)
            self.record(job, None, delivery_log.DROPPED, "the sender's queue is full or stopped")
        self._on_progress()
        return str(job.event["eventId"])

    def claim(self, nonce: str) -> None:
        """Count a VERIFY as on its way from now (before it is submitted)."""
        with self._lock:
            self._verifying.add(nonce)

    def verifying(self) -> set[str]:
        """Nonces of the VERIFYs on their way."""
        with self._lock:
            return set(self._verifying)

    def next_retry_at(self) -> float | None:
        with self._lock:
            return self._retries[0][0] if self._retries else None

    def due(self, now: float) -> list[Job]:
        """The retries due at sandbox-clock time ``now``, taken off the waiting list."""
        found = []
        with self._lock:
            while self._retries and self._retries[0][0] <= now:
                found.append(heapq.heappop(self._retries)[2])
        return found

    def stop(self) -> None:
        self._sender.stop()

    def record(self, job: Job, status: int | None, outcome: str, error: str | None) -> None:
        event = job.event
        self.log.add(
            job.webhook_id,
            {
                "eventId": event.get("eventId"),
                "eventType": event.get("eventType"),
                "deliveryId": job.notes.get("deliveryId"),
                "attempt": job.attempt,
                "url": job.notes.get("url"),
                "mode": (event.get("meta") or {}).get("mode"),
                "vehicleId": job.vehicle_id,
                "subscriptionId": job.subscription_id,
                "status": status,
                "outcome": outcome,
                "error": error,
                "deliveredAt": job.notes.get("deliveredAt"),
                "at": iso(self._ctx.clock.now()),
                "nextAttemptAt": job.notes.get("nextAttemptAt"),
                "triggers": event.get("triggers"),
            },
        )

    # ------------------------------------------------------------------ one attempt

    def _attempt(self, job: Job) -> None:
        """One attempt of a job, on a sender thread."""
        webhook, dropped = self._destination(job)
        if webhook is None:
            self._end_verification(job)
            self.record(job, None, delivery_log.DROPPED, dropped)
            return
        on_error = job.target == "error"
        url = definitions.error_target(webhook) if on_error else webhook["callback_uri"]
        delivery_id = payloads.new_id()
        delivered_at = round(self._ctx.clock.now() * 1000)
        body = payloads.encode(payloads.stamp(job.event, delivery_id, delivered_at))
        amt = self._amt_of(webhook["client_id"])
        headers = {
            "Content-Type": "application/json",
            events.SIGNATURE_HEADER: webhook_signing.sign(amt, body),
            "User-Agent": USER_AGENT,
        }
        current = self._settings()
        timeout = current.verify_timeout if job.is_verify else current.timeout
        job.notes.update(url=url, deliveryId=delivery_id, deliveredAt=delivered_at)
        answer = transport.post(url, body, headers, timeout)
        if job.is_verify:
            self._verified(job, answer, amt)
        elif answer.ok:
            self.record(job, answer.status, delivery_log.DELIVERED, None)
        else:
            self._retry_or_give_up(job, answer, current.retry_delays)

    def _destination(self, job: Job) -> tuple[Record | None, str | None]:
        """The webhook to deliver to, or why the job is dropped instead."""
        with self._ctx.state.reading() as data:
            stored = data["webhook_definitions"].get(job.webhook_id)
            webhook = copy.deepcopy(stored) if stored is not None else None
            subscription = data["webhook_subscriptions"].get(job.subscription_id or "")
            ended = job.subscription_id is not None and (
                subscription is None or not subscriptions.is_alive(data, subscription)
            )
        if webhook is None:
            return None, "the webhook was deleted"
        if job.is_verify:
            if webhook["verification"]["nonce"] != job.nonce:
                return None, "a newer VERIFY replaced this one"
        elif not definitions.deliverable(webhook):
            return None, "the webhook is disabled or not verified"
        elif ended:
            return None, "the subscription ended"
        return webhook, None

    def _amt_of(self, client_id: str) -> str:
        """The signing key: the owning application's management token."""
        with self._ctx.state.reading() as data:
            client = data["clients"].get(client_id) or {}
        return str(client.get("amt") or self._amt)

    def _retry_or_give_up(
        self, job: Job, answer: transport.Answer, delays: tuple[float, ...]
    ) -> None:
        error = answer.error or f"the callback answered HTTP {answer.status} (2xx needed)"
        if job.attempt > len(delays):
            self.record(job, answer.status, delivery_log.GAVE_UP, error)
            return
        due = self._ctx.clock.now() + delays[job.attempt - 1]
        job.notes["nextAttemptAt"] = iso(due)
        self.record(job, answer.status, delivery_log.FAILED, error)
        retry = Job(
            job.webhook_id,
            job.event,  # the same event: the same eventId
            job.target,
            job.attempt + 1,
            job.subscription_id,
            job.vehicle_id,
        )
        with self._lock:
            heapq.heappush(self._retries, (due, next(self._sequence), retry))
        self._on_progress()

    def _verified(self, job: Job, answer: transport.Answer, amt: str) -> None:
        passed, reason = verification.judge(amt, job.challenge or "", answer)
        with self._gate:
            if not self._stopped():
                with self._ctx.state.changing() as data:
                    record = data["webhook_definitions"].get(job.webhook_id)
                    if record is not None and record["verification"]["nonce"] == job.nonce:
                        record["verification"] = {
                            "status": definitions.VERIFIED if passed else definitions.FAILED,
                            "reason": reason,
                            "at": self._ctx.clock.now(),
                            "nonce": job.nonce,
                        }
        self._end_verification(job)
        outcome = delivery_log.VERIFIED if passed else delivery_log.VERIFICATION_FAILED
        self.record(job, answer.status, outcome, None if passed else reason)
        if passed:
            self._on_verified()  # subscriptions waiting for their FIRST_DELIVERY

    def _end_verification(self, job: Job) -> None:
        if job.nonce is not None:
            with self._lock:
                self._verifying.discard(job.nonce)
