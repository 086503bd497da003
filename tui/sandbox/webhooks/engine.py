"""The webhook engine: when to deliver what, on the sandbox clock; and the Python API.

Listens to the vehicle events (``Context.vehicle_events``: signals a command or an admin change
touched, and Connect approvals, for auto-subscribe) and to the sandbox clock's moves. A
dispatcher thread does the timed work (``planning``); the ``Outbox`` sends, retries and logs
(``jobs`` make what it sends). On a request's thread runs only the cheap part of a trigger
(reading the changed signals, building the event); no request ever waits for a callback.

Life of a webhook (shared/smartcar-v3.md §7):

1. Defined (or its callback changed, or verification asked again): VERIFY with a fresh
   challenge; the callback must answer 200 with ``{"challenge": hex HMAC-SHA256(AMT,
   challenge)}`` within ``verify_timeout`` (``verification``). The result — verified or
   failed, and why — is stored. Nothing else goes to a webhook that is not verified or not
   enabled: such events are not even queued.
2. A vehicle subscribed: FIRST_DELIVERY with the current values of the data signals (once the
   webhook is verified; again after re-enabling it), then VEHICLE_ERROR for every error the
   vehicle already has (a forced-error login, an error raised by the admin call).
3. A trigger signal's value changed (against what the subscription saw last): VEHICLE_STATE
   with every data signal and one ``SIGNAL_UPDATED`` trigger per changed signal.
4. Every ``scheduleMinutes`` of the sandbox clock: VEHICLE_STATE with a ``SCHEDULE`` trigger.
   Moving the clock (``/_sandbox/clock``) wakes the dispatcher, which delivers the slots that
   fell due (``planning``).
5. An error raised / resolved on a vehicle (``vehicle_errors``): VEHICLE_ERROR, state ERROR /
   RESOLVED, to the error callback when set.

Retries: a failed attempt (non-2xx, refused, timed out) is tried again ``retry_delays`` seconds
later **on the sandbox clock** (25, 50, 100 s by default, §7.8): a test moves the clock instead
of waiting. Same ``eventId``, new ``deliveryId`` and ``deliveredAt``; after the last retry the
event is dropped. Pending retries live in memory: a restart forgets them.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tui.core.smartcar import webhook_events as events
from tui.sandbox.v3 import connections
from tui.sandbox.webhooks import (
    definitions,
    delivery_log,
    jobs,
    payloads,
    planning,
    resources,
    settings,
    snapshot,
    subscriptions,
    vehicle_errors,
)
from tui.sandbox.webhooks.delivery_log import DeliveryLog
from tui.sandbox.webhooks.outbox import Outbox
from tui.sandbox.webhooks.problems import NotFound, Refused
from tui.sandbox.webhooks.sender import Job
from tui.sandbox.webhooks.settings import DeliverySettings

if TYPE_CHECKING:
    from tui.sandbox.context import Context

log = logging.getLogger(__name__)

Data = dict[str, dict[str, Any]]
Record = dict[str, Any]
MAX_WAIT = 5.0  # the dispatcher looks at the clock at least this often (real seconds)


class WebhookEngine:
    def __init__(
        self,
        ctx: Context,
        client_id: str,
        amt: str,
        delivery: DeliverySettings | None = None,
    ) -> None:
        self._ctx = ctx
        self.client_id = client_id  # the application the sandbox runs for owns new webhooks
        self.amt = amt  # signing key when the owning client has none of its own
        self._settings = delivery or DeliverySettings()
        self._cond = threading.Condition()
        # Held around every state write off a request thread, and by stop(): once stop
        # returns, no thread of this engine writes the state file a restarted sandbox may own.
        self._gate = threading.RLock()
        self._outbox = Outbox(
            ctx,
            amt,
            lambda: self.settings,
            gate=self._gate,
            stopped=lambda: self._stopped,
            on_verified=self.wake,
            on_progress=self._notify,
        )
        self._baselines: dict[tuple[str, str], Any] = {}  # (subscription, code) → last value
        self._dirty = False
        self._ticking = False
        self._next_due: float | None = None
        self._stopped = False
        self._dispatcher: threading.Thread | None = None
        self._removers: list[Callable[[], None]] = [
            ctx.vehicle_events.subscribe(self._on_change),
            ctx.vehicle_events.on_connection(self._on_connection),
            ctx.clock.on_advance(self.wake),
        ]
        with ctx.state.reading() as data:
            # No thread and no work at all for a sandbox without webhooks.
            self._active = bool(data["webhook_definitions"])
        if self._active:
            self._resume()
            self.wake()

    # ------------------------------------------------------------------ settings

    @property
    def log(self) -> DeliveryLog:
        """What was sent and answered (``delivery_log``); ``log.wait`` waits on it."""
        return self._outbox.log

    @property
    def settings(self) -> DeliverySettings:
        with self._cond:
            return self._settings

    def configure(self, **changes: Any) -> DeliverySettings:
        """Change ``timeout``, ``verify_timeout``, ``retry_delays`` or ``catch_up``
        (``settings.SettingsInput`` names a bad one); the settings in force."""
        with self._cond:
            self._settings = settings.check(self._settings, **changes)
            return self._settings

    # ------------------------------------------------------------------ definitions

    def define(self, fields: dict[str, Any], client_id: str | None = None) -> dict[str, Any]:
        """A new webhook from admin-spelled fields (``DefinitionError`` for a bad one); its
        admin view. VERIFY follows on the dispatcher; auto-subscribe takes every vehicle
        connected to the application now."""
        checked = definitions.check(fields, creating=True)
        now = self._ctx.clock.now()
        with self._writing() as data:
            record = definitions.new_record(client_id or self.client_id, checked, data, now)
            data["webhook_definitions"][record["id"]] = record
            if record["auto_subscribe"]:
                self._auto_subscribe(data, record, now)
            view = self._view(data, record)
        self._active = True
        self.wake()
        return view

    def update(self, webhook_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Change a webhook: a new callback is verified again, re-enabling sends FIRST_DELIVERY
        to every subscription, turning auto-subscribe on subscribes every connected vehicle."""
        checked = definitions.check(fields, creating=False)
        now = self._ctx.clock.now()
        with self._writing() as data:
            record = self._webhook(data, webhook_id)
            was_enabled, was_automatic = record["enabled"], record["auto_subscribe"]
            definitions.apply(record, checked, now)
            if record["enabled"] and not was_enabled:
                for subscription in subscriptions.of_webhook(data, webhook_id):
                    subscription["first_delivery"] = subscriptions.PENDING
            if record["auto_subscribe"] and not was_automatic:
                self._auto_subscribe(data, record, now)
            view = self._view(data, record)
        self.wake()
        return view

    def delete(self, webhook_id: str) -> None:
        """Delete a webhook and its subscriptions."""
        with self._writing() as data:
            self._webhook(data, webhook_id)
            del data["webhook_definitions"][webhook_id]
            subscriptions.remove_of_webhook(data, webhook_id)
        self.log.forget(webhook_id)
        self.wake()

    def verify(self, webhook_id: str) -> dict[str, Any]:
        """Send VERIFY again (the Dashboard's "Verify this webhook"); the admin view."""
        with self._writing() as data:
            record = self._webhook(data, webhook_id)
            record["verification"] = definitions.pending_verification()
            view = self._view(data, record)
        self.wake()
        return view

    def find_by_callback(self, callback_uri: str, client_id: str | None = None) -> str | None:
        """The id of the application's webhook delivering to ``callback_uri``, if any."""
        with self._ctx.state.reading() as data:
            for record in definitions.owned(data, client_id or self.client_id):
                if record["callback_uri"] == callback_uri:
                    return str(record["id"])
        return None

    def view(self, webhook_id: str) -> dict[str, Any]:
        with self._ctx.state.reading() as data:
            return self._view(data, self._webhook(data, webhook_id))

    def views(self, client_id: str | None = None) -> list[dict[str, Any]]:
        with self._ctx.state.reading() as data:
            owned = definitions.owned(data, client_id or self.client_id)
            return [self._view(data, record) for record in owned]

    def deliveries(self, webhook_id: str) -> list[dict[str, Any]]:
        """The webhook's delivery log (``delivery_log``), oldest first."""
        return self.log.entries(webhook_id)

    # ------------------------------------------------------------------ subscriptions

    def subscribe(
        self, webhook_id: str, user_id: str, vehicle_id: str, client_id: str | None = None
    ) -> Record:
        """Subscribe a connected vehicle; the subscription (a copy). ``NotFound`` for an
        unknown webhook or a user without a connection to the vehicle;
        ``subscriptions.AlreadySubscribed`` for a second one."""
        owner = client_id or self.client_id
        now = self._ctx.clock.now()
        with self._writing() as data:
            webhook = self._webhook(data, webhook_id, owner)
            connection = connections.find(data, owner, user_id, vehicle_id)
            if connection is None:
                raise NotFound(
                    "vehicleId",
                    f"User {user_id} has no connection to vehicle {vehicle_id} "
                    "for this application.",
                )
            record = copy.deepcopy(subscriptions.create(data, webhook, connection, now))
        self.wake()
        return record

    def unsubscribe(self, subscription_id: str) -> None:
        with self._writing() as data:
            record = data["webhook_subscriptions"].get(subscription_id)
            if record is None or not subscriptions.is_alive(data, record):
                raise NotFound("subscriptionId", f"No subscription {subscription_id} exists.")
            del data["webhook_subscriptions"][subscription_id]

    # ------------------------------------------------------------------ deliveries on demand

    def deliver(
        self,
        webhook_id: str,
        event_type: str,
        vehicle_id: str | None = None,
        *,
        user_id: str | None = None,
        mode: str = events.LIVE,
        trigger: str = events.SIGNAL_UPDATED,
        error: dict[str, Any] | None = None,
    ) -> str:
        """Deliver one event now; its ``eventId``.

        ``VERIFY`` verifies the webhook again. ``VEHICLE_STATE`` and ``VEHICLE_ERROR`` go to a
        subscribed vehicle (``user_id`` picks among its users); ``trigger`` is the
        VEHICLE_STATE trigger type, ``error`` the VEHICLE_ERROR entry (``type``, ``code``,
        ``state``, ``signals``; by default VEHICLE_STATE/UNREACHABLE, ERROR).
        """
        if event_type not in events.EVENT_TYPES:
            raise Refused("eventType", f"eventType must be one of {', '.join(events.EVENT_TYPES)}.")
        if mode not in events.MODES:
            raise Refused("mode", f"mode must be one of {', '.join(events.MODES)}.")
        if trigger not in events.TRIGGER_TYPES:
            raise Refused("trigger", f"trigger must be one of {', '.join(events.TRIGGER_TYPES)}.")
        if event_type == events.VERIFY:
            with self._writing() as data:
                record = self._webhook(data, webhook_id)
                record["verification"] = definitions.pending_verification()
                job = self._verify_job(record)
            return self._outbox.submit(job)
        if vehicle_id is None:
            raise Refused("vehicleId", "vehicleId is required for this event.")
        webhook, subscription = self._receiving(webhook_id, vehicle_id, user_id)
        if event_type == events.VEHICLE_STATE:
            triggers = jobs.triggers_for(webhook, trigger)
            made = jobs.vehicle_state_job(self._ctx, webhook, subscription, triggers, mode)
        else:
            request = jobs.error_request(error or {})
            made = jobs.vehicle_error_job(self._ctx, webhook, subscription, [request], mode)
        if made is None:
            raise NotFound("vehicleId", f"Vehicle {vehicle_id} is no longer subscribed.")
        return self._outbox.submit(made)

    def send_test(self, webhook_id: str, vehicle_id: str | None = None) -> str:
        """The Dashboard's "send test payload": VEHICLE_STATE with ``meta.mode`` TEST for a
        subscribed vehicle (the first subscription when none is named); its ``eventId``."""
        if vehicle_id is None:
            with self._ctx.state.reading() as data:
                self._webhook(data, webhook_id)
                found = subscriptions.of_webhook(data, webhook_id)
            if not found:
                raise Refused(
                    "vehicleId",
                    "No vehicle is subscribed to this webhook: subscribe one, or name a "
                    "subscribed vehicleId.",
                )
            vehicle_id = str(found[0]["vehicle_id"])
        return self.deliver(webhook_id, events.VEHICLE_STATE, vehicle_id, mode=events.TEST)

    # ------------------------------------------------------------------ vehicle errors

    def raise_vehicle_error(
        self, vehicle_id: str, error_type: Any, code: Any, signals: list[str] | None = None
    ) -> list[Record]:
        """Raise an error on a vehicle's signals (every non-static one when ``signals`` is
        None); VEHICLE_ERROR (ERROR) to its subscriptions. The vehicle's active errors."""
        error_type, code = vehicle_errors.check(error_type, code)
        codes = None if signals is None else definitions.check_codes("signals", signals)
        now = self._ctx.clock.now()
        with self._writing() as data:
            record = self._vehicle(data, vehicle_id)
            new = vehicle_errors.raise_error(record, error_type, code, codes, now)
            active = copy.deepcopy(vehicle_errors.active(record))
        if new:
            request = {"type": error_type, "code": code, "state": events.ERROR, "signals": codes}
            self._announce_error(vehicle_id, request)
        return active

    def resolve_vehicle_error(self, vehicle_id: str, error_type: Any, code: Any) -> list[Record]:
        """Clear an error raised before; VEHICLE_ERROR (RESOLVED). The errors still active."""
        error_type, code = vehicle_errors.check(error_type, code)
        with self._writing() as data:
            record = self._vehicle(data, vehicle_id)
            cleared = vehicle_errors.resolve(record, error_type, code)
            if cleared is None:
                raise Refused("code", f"Vehicle {vehicle_id} has no active {error_type}.{code}.")
            active = copy.deepcopy(vehicle_errors.active(record))
        request = {
            "type": error_type,
            "code": code,
            "state": events.RESOLVED,
            "signals": cleared["signals"],
        }
        self._announce_error(vehicle_id, request)
        return active

    # ------------------------------------------------------------------ waiting, stopping

    def wake(self) -> None:
        """Something may be due: let the dispatcher look (started on first need)."""
        with self._cond:
            if self._stopped or not self._active:
                return
            self._dirty = True
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(
                    target=self._dispatch, name="carman-webhook-dispatcher", daemon=True
                )
                self._dispatcher.start()
            self._cond.notify_all()

    def wait_idle(self, timeout: float = 15.0) -> bool:
        """Wait until nothing is due, queued or being sent (retries not yet due do not
        count); False when ``timeout`` real seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._busy():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.5))
        return True

    def stop(self) -> None:
        with self._gate, self._cond:  # waits for a write in progress; none starts afterwards
            self._stopped = True
            self._cond.notify_all()
        for remove in self._removers:
            remove()
        self._outbox.stop()
        if self._dispatcher is not None:
            self._dispatcher.join(timeout=2)

    # ------------------------------------------------------------------ internals: state

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Data]:
        with self._gate:
            if self._stopped:
                raise Refused("sandbox", "The sandbox is stopping.")
            with self._ctx.state.changing() as data:
                yield data

    def _webhook(self, data: Data, webhook_id: str, owner: str | None = None) -> Record:
        record = data["webhook_definitions"].get(webhook_id)
        if record is None or (owner is not None and record["client_id"] != owner):
            raise NotFound("webhookId", f"No webhook {webhook_id} exists.")
        return record

    def _vehicle(self, data: Data, vehicle_id: str) -> Record:
        record = data["vehicles"].get(vehicle_id)
        if record is None:
            raise NotFound("vehicle_id", f"There is no vehicle {vehicle_id}.")
        return record

    def _view(self, data: Data, record: Record) -> dict[str, Any]:
        return resources.admin_view(record, len(subscriptions.of_webhook(data, record["id"])))

    def _auto_subscribe(self, data: Data, webhook: Record, now: float) -> None:
        for connection in connections.alive(data, webhook["client_id"]):
            user_id, vehicle_id = connection["user_id"], connection["vehicle_id"]
            if subscriptions.find(data, webhook["id"], user_id, vehicle_id) is None:
                subscriptions.create(data, webhook, connection, now)

    def _resume(self) -> None:
        """At start: a webhook whose verification did not succeed is verified again; schedule
        slots that passed while the sandbox was stopped are skipped, not delivered in a burst
        (carman's choice)."""
        now = self._ctx.clock.now()
        with self._writing() as data:
            for record in data["webhook_definitions"].values():
                if record["verification"]["status"] != definitions.VERIFIED:
                    record["verification"] = definitions.pending_verification()
                next_at = record.get("schedule_next_at")
                if record.get("schedule_minutes") and next_at is not None and next_at <= now:
                    planning.advance_schedule(record, now, catch_up=0)

    def _amt(self, client_id: str) -> str:
        with self._ctx.state.reading() as data:
            client = data["clients"].get(client_id) or {}
        return str(client.get("amt") or self.amt)

    def _receiving(
        self, webhook_id: str, vehicle_id: str, user_id: str | None
    ) -> tuple[Record, Record]:
        """The webhook (which must be able to receive) and the vehicle's subscription to it."""
        with self._ctx.state.reading() as data:
            webhook = copy.deepcopy(self._webhook(data, webhook_id))
            found = [
                s
                for s in subscriptions.of_webhook(data, webhook_id)
                if s["vehicle_id"] == vehicle_id and user_id in (None, s["user_id"])
            ]
        if not found:
            raise NotFound(
                "vehicleId", f"Vehicle {vehicle_id} is not subscribed to webhook {webhook_id}."
            )
        if not webhook["enabled"]:
            raise Refused("webhookId", "The webhook is disabled: nothing is delivered to it.")
        if webhook["verification"]["status"] != definitions.VERIFIED:
            reason = webhook["verification"]["reason"]
            raise Refused(
                "webhookId", f"The webhook has not passed VERIFY ({reason}): nothing is delivered."
            )
        return webhook, copy.deepcopy(found[0])

    def _watched(self, vehicle_id: str) -> list[tuple[Record, Record]]:
        """(webhook, subscription) copies of the vehicle whose webhook can receive and whose
        FIRST_DELIVERY went out."""
        with self._ctx.state.reading() as data:
            return [
                (copy.deepcopy(data["webhook_definitions"][s["webhook_id"]]), copy.deepcopy(s))
                for s in subscriptions.of_vehicle(data, vehicle_id)
                if s["first_delivery"] == subscriptions.SENT
                and definitions.deliverable(data["webhook_definitions"][s["webhook_id"]])
            ]

    # ------------------------------------------------------------------ internals: listeners

    def _on_change(self, vehicle_id: str, codes: tuple[str, ...]) -> None:
        """Signals ``codes`` were touched: VEHICLE_STATE to each subscription with a trigger
        among them whose value differs from what that subscription saw last."""
        if not self._active or self._stopped:
            return
        touched = set(codes)
        for webhook, subscription in self._watched(vehicle_id):
            wanted = [code for code in webhook["triggers"] if code in touched]
            if not wanted:
                continue
            read = jobs.reading(self._ctx, subscription)
            if read is None:
                continue
            vehicle, permissions = read
            entries = snapshot.signal_entries(self._ctx, vehicle, permissions, wanted)
            changed = [e for e in entries if self._saw(subscription["id"], e)]
            if not changed:
                continue
            triggers = [payloads.signal_trigger(e["code"], e["name"], e["group"]) for e in changed]
            job = jobs.vehicle_state_job(
                self._ctx, webhook, subscription, triggers, events.LIVE, read
            )
            if job is not None:
                self._outbox.submit(job)

    def _saw(self, subscription_id: str, entry: dict[str, Any]) -> bool:
        """Remember a trigger signal's value for the subscription; whether it is new."""
        key, value = (subscription_id, entry["code"]), snapshot.comparable(entry)
        with self._cond:
            if key in self._baselines and self._baselines[key] == value:
                return False
            self._baselines[key] = value
            return True

    def _on_connection(self, client_id: str, user_id: str, vehicle_ids: tuple[str, ...]) -> None:
        """Connect approved vehicles: subscribe them to the application's auto-subscribe
        webhooks."""
        if not self._active or self._stopped:
            return
        with self._ctx.state.reading() as data:
            if not any(w["auto_subscribe"] for w in definitions.owned(data, client_id)):
                return
        now = self._ctx.clock.now()
        with self._writing() as data:
            for webhook in definitions.owned(data, client_id):
                if not webhook["auto_subscribe"]:
                    continue
                for vehicle_id in vehicle_ids:
                    connection = connections.find(data, client_id, user_id, vehicle_id)
                    taken = subscriptions.find(data, webhook["id"], user_id, vehicle_id)
                    if connection is not None and taken is None:
                        subscriptions.create(data, webhook, connection, now)
        self.wake()

    def _announce_error(self, vehicle_id: str, request: dict[str, Any]) -> None:
        for webhook, subscription in self._watched(vehicle_id):
            job = jobs.vehicle_error_job(self._ctx, webhook, subscription, [request])
            if job is not None:
                self._outbox.submit(job)

    # ------------------------------------------------------------------ internals: dispatcher

    def _dispatch(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and not self._dirty:
                    wait = self._seconds_to_due()
                    if wait is not None and wait <= 0:
                        break
                    self._cond.wait(MAX_WAIT if wait is None else min(wait, MAX_WAIT))
                if self._stopped:
                    return
                self._dirty = False
                self._ticking = True
            next_due: float | None = None
            try:
                next_due = self._round()
            except Exception:
                log.exception("carman sandbox: a round of the webhook dispatcher failed")
            finally:
                with self._cond:
                    self._ticking = False
                    self._next_due = next_due
                    self._cond.notify_all()

    def _seconds_to_due(self) -> float | None:
        """Real seconds until the next schedule slot or retry (caller holds ``_cond``)."""
        due = [t for t in (self._outbox.next_retry_at(), self._next_due) if t is not None]
        return min(due) - self._ctx.clock.now() if due else None

    def _busy(self) -> bool:
        if self._dirty or self._ticking or self._outbox.outstanding:
            return True
        wait = self._seconds_to_due()
        return wait is not None and wait <= 0 and not self._stopped

    def _notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _round(self) -> float | None:
        """Due retries, VERIFYs, FIRST_DELIVERYs and schedule slots; the next slot's time."""
        now = self._ctx.clock.now()
        for job in self._outbox.due(now):
            self._outbox.submit(job)
        with self._gate:
            if self._stopped:
                return None
            with self._ctx.state.reading() as data:
                if not planning.needs_round(data, now, self._outbox.verifying()):
                    return planning.next_slot(data)
            with self._ctx.state.changing() as data:
                # Under the state lock: a VERIFY asked for meanwhile is either in the state
                # with its nonce claimed, or not yet in the state at all.
                queued = self._outbox.verifying()
                plan = planning.plan_round(data, now, self.settings.catch_up, queued)
                verifies = [self._verify_job(webhook) for webhook in plan.verify]
            for job in verifies:
                self._outbox.submit(job)
            for webhook, subscription in plan.firsts:
                self._first_delivery(webhook, subscription)
            for webhook, slots, skipped in plan.scheduled:
                self._scheduled(webhook, slots, skipped)
        return plan.next_due

    def _verify_job(self, webhook: Record) -> Job:
        """VERIFY for the webhook's pending verification, its nonce claimed (the caller holds
        the state lock, so the dispatcher never sends a second one)."""
        job = jobs.verify_job(webhook)
        self._outbox.claim(str(job.nonce))
        return job

    def _first_delivery(self, webhook: Record, subscription: Record) -> None:
        read = jobs.reading(self._ctx, subscription)
        if read is None:
            return
        vehicle, permissions = read
        for entry in snapshot.signal_entries(self._ctx, vehicle, permissions, webhook["triggers"]):
            self._saw(subscription["id"], entry)
        first = [payloads.first_delivery_trigger()]
        job = jobs.vehicle_state_job(self._ctx, webhook, subscription, first, events.LIVE, read)
        if job is not None:
            self._outbox.submit(job)
        requests = jobs.errors_on_arrival(self._ctx, webhook, vehicle)
        if requests:
            error_job = jobs.vehicle_error_job(self._ctx, webhook, subscription, requests)
            if error_job is not None:
                self._outbox.submit(error_job)

    def _scheduled(self, webhook: Record, slots: int, skipped: int) -> None:
        with self._ctx.state.reading() as data:
            targets = [
                copy.deepcopy(s)
                for s in subscriptions.of_webhook(data, webhook["id"])
                if s["first_delivery"] == subscriptions.SENT
            ]
        trigger = [payloads.schedule_trigger(int(webhook["schedule_minutes"]))]
        for subscription in targets:
            for _ in range(slots):
                job = jobs.vehicle_state_job(self._ctx, webhook, subscription, trigger)
                if job is not None:
                    self._outbox.submit(job)
            if skipped:
                note = Job(
                    webhook["id"],
                    {"eventId": None, "eventType": events.VEHICLE_STATE, "triggers": trigger},
                    subscription_id=subscription["id"],
                    vehicle_id=subscription["vehicle_id"],
                )
                catch_up = self.settings.catch_up
                self._outbox.record(
                    note,
                    None,
                    delivery_log.DROPPED,
                    f"{skipped} scheduled deliveries skipped: the clock passed more than "
                    f"{catch_up} slots at once",
                )
