"""Webhook events in words and in JSON, for ``carman webhooks`` (and anything else that
prints them)."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from tui.core.formatting import pretty_json
from tui.core.history.delivery_model import (
    StoredDelivery,
    WebhookEvent,
    WebhookEventSummary,
)
from tui.core.webhooks.signals import SignalReading, parse_body, readings


def signature_label(summary: WebhookEventSummary | StoredDelivery) -> str:
    return f"{summary.signature.mark} {summary.signature.value}"


def summary_line(summary: WebhookEventSummary, *, retry: bool = False) -> str:
    """One line: time, id, type, signature, status, vehicle, user, retries, problem."""
    parts = [
        summary.time.strftime("%H:%M:%S"),
        f"#{summary.id}",
        summary.kind,
        signature_label(summary),
        str(summary.status),
    ]
    if summary.vehicle:
        parts.append(summary.vehicle)
    if summary.user_id:
        parts.append(f"user {summary.user_id}")
    if retry or summary.retries:
        parts.append(f"retry {summary.retries} (same eventId, {summary.deliveries} deliveries)")
    line = "  ".join(parts)
    return f"{line}  — {summary.problem}" if summary.problem else line


def _time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="milliseconds")


def summary_json(summary: WebhookEventSummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "time": _time(summary.first_received_at),
        "last_time": _time(summary.last_received_at),
        "environment": summary.environment,
        "event_id": summary.event_id,
        "event_type": summary.event_type,
        "signature": summary.signature.value,
        "status": summary.status,
        "deliveries": summary.deliveries,
        "retries": summary.retries,
        "problem": summary.problem,
        "vehicle": {
            "id": summary.vehicle_id,
            "make": summary.vehicle_make,
            "model": summary.vehicle_model,
            "year": summary.vehicle_year,
        },
        "user_id": summary.user_id,
        "webhook": {"id": summary.webhook_id, "name": summary.webhook_name},
        "mode": summary.mode,
    }


def _body_fields(body: bytes) -> dict[str, Any]:
    try:
        return {"body": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"body_base64": base64.b64encode(body).decode("ascii")}


def delivery_json(delivery: StoredDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "time": _time(delivery.received_at),
        "delivery_id": delivery.delivery_id,
        "remote": delivery.remote,
        "method": delivery.method,
        "target": delivery.target,
        "status": delivery.status,
        "signature": delivery.signature.value,
        "problem": delivery.problem,
        "headers": [[k, v] for k, v in delivery.headers],
        **_body_fields(delivery.body),
        "body_size": delivery.body_size,
        "body_truncated": delivery.body_truncated,
        "answer": delivery.answer.decode("utf-8", "replace"),
    }


def reading_json(reading: SignalReading) -> dict[str, Any]:
    return {
        "code": reading.code,
        "value": reading.value,
        "unit": reading.unit,
        "status": reading.status,
    }


def event_json(event: WebhookEvent) -> dict[str, Any]:
    return {
        **summary_json(event.summary),
        "delivery_ids": event.delivery_ids,
        "signals": [reading_json(r) for r in readings(parse_body(event.first.body))],
        "deliveries": [delivery_json(d) for d in event.deliveries],
    }


def event_text(event: WebhookEvent) -> str:
    summary = event.summary
    lines = [summary_line(summary), ""]
    for label, value in (
        ("environment", summary.environment),
        ("event id", summary.event_id),
        ("webhook", " ".join(p for p in (summary.webhook_name, summary.webhook_id) if p)),
        ("mode", summary.mode),
        ("vehicle id", summary.vehicle_id),
        ("user id", summary.user_id),
    ):
        if value:
            lines.append(f"{label + ':':<13}{value}")
    lines += ["", f"Deliveries ({len(event.deliveries)}):"]
    for d in event.deliveries:
        line = (
            f"  {d.time:%Y-%m-%d %H:%M:%S}  {d.method or '-'} {d.target or '-'}  → {d.status}  "
            f"{signature_label(d)}  {d.delivery_id or '(no deliveryId)'}  from {d.remote or '?'}"
        )
        lines.append(f"{line}  — {d.problem}" if d.problem else line)
    rows = readings(parse_body(event.first.body))
    if rows:
        lines += ["", "Signals:"]
        width = max(len(r.code) for r in rows)
        for r in rows:
            value = f"{r.value} {r.unit}".strip()
            lines.append(f"  {r.code:<{width}}  {value:<24}  {r.status}")
    first = event.first
    lines += ["", "Headers (first delivery):"]
    lines += [f"  {name}: {value}" for name, value in first.headers]
    if first.body:
        lines += ["", "Body (first delivery):"]
        document = parse_body(first.body)
        shown = first.body.decode("utf-8", "replace") if document is None else pretty_json(document)
        lines.append(shown)
        if first.body_truncated:
            lines.append(f"[body cut in history; it was {first.body_size} bytes]")
    elif first.body_size:
        lines += ["", f"[body of {first.body_size} bytes, not read]"]
    return "\n".join(lines)
