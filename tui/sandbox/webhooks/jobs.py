"""Turning a webhook, a subscription and a reason into a delivery job (an event to send).

A VEHICLE_STATE job carries every data signal of the webhook, read at the moment the job is
made (``snapshot``); a VEHICLE_ERROR job the error entries; a VERIFY job a fresh challenge. A
live event is bound to its subscription: when the subscription ends, its pending retries are
dropped. A test payload (``meta.mode`` TEST) is not.
"""

from __future__ import annotations

import uuid
from typing import Any

from tui.core.smartcar import webhook_events as events
from tui.sandbox import config, vehicle_state
from tui.sandbox.context import Context
from tui.sandbox.forced_errors import forced_error
from tui.sandbox.webhooks import (
    definitions,
    payloads,
    resources,
    snapshot,
    subscriptions,
    vehicle_errors,
)
from tui.sandbox.webhooks.problems import Refused
from tui.sandbox.webhooks.sender import Job

Record = dict[str, Any]
Reading = tuple[Record, tuple[str, ...]]  # (vehicle with live state, connection permissions)


def reading(ctx: Context, subscription: Record) -> Reading | None:
    """The subscribed vehicle and what its connection grants; None once it ended."""
    with ctx.state.reading() as data:
        record = data["webhook_subscriptions"].get(subscription["id"])
        if record is None or not subscriptions.is_alive(data, record):
            return None
        permissions = tuple(data["connections"][record["connection_id"]]["permissions"])
    return vehicle_state.ensure(ctx, subscription["vehicle_id"]), permissions


def vehicle_state_job(
    ctx: Context,
    webhook: Record,
    subscription: Record,
    triggers: list[dict[str, Any]],
    mode: str = events.LIVE,
    read: Reading | None = None,
) -> Job | None:
    read = read or reading(ctx, subscription)
    if read is None:
        return None
    vehicle, permissions = read
    signals = snapshot.signal_entries(ctx, vehicle, permissions, webhook["data"])
    event = payloads.vehicle_state_event(
        webhook, subscription["user_id"], snapshot.vehicle_ref(vehicle), signals, triggers, mode
    )
    bound = subscription["id"] if mode == events.LIVE else None
    return Job(webhook["id"], event, subscription_id=bound, vehicle_id=vehicle["id"])


def vehicle_error_job(
    ctx: Context,
    webhook: Record,
    subscription: Record,
    requests: list[dict[str, Any]],
    mode: str = events.LIVE,
) -> Job | None:
    """``requests``: ``{type, code, state, signals}`` each, checked already."""
    read = reading(ctx, subscription)
    if read is None:
        return None
    vehicle = read[0]
    entries = [
        events.error_entry(
            r["type"],
            r["code"],
            r["state"],
            resources.signal_refs(r["signals"]) if r.get("signals") else None,
            app_name=config.APP_NAME,
        )
        for r in requests
    ]
    event = payloads.vehicle_error_event(
        webhook, subscription["user_id"], snapshot.vehicle_ref(vehicle), entries, mode
    )
    bound = subscription["id"] if mode == events.LIVE else None
    return Job(webhook["id"], event, "error", subscription_id=bound, vehicle_id=vehicle["id"])


def verify_job(webhook: Record) -> Job:
    """VERIFY for the webhook's current verification (its ``nonce``)."""
    challenge = str(uuid.uuid4())
    event = payloads.verify_event(webhook, challenge)
    return Job(webhook["id"], event, nonce=webhook["verification"]["nonce"], challenge=challenge)


def triggers_for(webhook: Record, trigger: str) -> list[dict[str, Any]]:
    """The ``triggers`` of a VEHICLE_STATE delivered on demand with this trigger type; for
    ``SIGNAL_UPDATED`` one per trigger signal of the webhook (FIRST_DELIVERY when it has
    none)."""
    if trigger == events.FIRST_DELIVERY:
        return [payloads.first_delivery_trigger()]
    if trigger == events.SCHEDULE:
        return [payloads.schedule_trigger(int(webhook.get("schedule_minutes") or 0))]
    refs = resources.signal_refs(webhook["triggers"])
    if not refs:
        return [payloads.first_delivery_trigger()]
    return [payloads.signal_trigger(r["code"], r["name"], r["group"]) for r in refs]


def error_request(error: dict[str, Any]) -> dict[str, Any]:
    """A VEHICLE_ERROR asked for by the admin call, checked; defaults VEHICLE_STATE /
    UNREACHABLE, state ERROR, no signals."""
    error_type = error.get("type", "VEHICLE_STATE")
    code = error.get("code", "UNREACHABLE" if error_type == "VEHICLE_STATE" else None)
    try:
        error_type, code = vehicle_errors.check(error_type, code)
    except vehicle_errors.VehicleErrorInput as problem:
        raise Refused(f"error.{problem.name}", str(problem)) from None
    state = error.get("state", events.ERROR)
    if state not in events.ERROR_STATES:
        states = ", ".join(events.ERROR_STATES)
        raise Refused("error.state", f"error.state must be one of {states}.")
    signals = error.get("signals")
    if signals is not None:
        try:
            signals = definitions.check_codes("error.signals", signals)
        except definitions.DefinitionError as problem:
            raise Refused("error.signals", str(problem)) from None
    return {"type": error_type, "code": code, "state": state, "signals": signals}


def errors_on_arrival(ctx: Context, webhook: Record, vehicle: Record) -> list[dict[str, Any]]:
    """The errors a newly watched vehicle has, as VEHICLE_ERROR requests (state ERROR): those
    raised by the admin call and the forced error of its sign-in email, when a webhook can
    carry it."""
    requests = [
        {"type": e["type"], "code": e["code"], "state": events.ERROR, "signals": e["signals"]}
        for e in vehicle_errors.active(vehicle)
    ]
    forced = forced_error(ctx, webhook["client_id"], vehicle)
    if forced is not None and events.is_webhook_error(forced.spec.type, forced.spec.code):
        requests.append(
            {"type": forced.spec.type, "code": forced.spec.code, "state": events.ERROR}
        )
    return requests
