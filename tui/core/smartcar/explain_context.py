"""What the explainer knows about an exchange, and small helpers that read it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from tui.core.model import Request
from tui.core.smartcar import endpoints, permissions, signals, v3_commands
from tui.core.smartcar.explain_words import TYPE_SUMMARY

# "/v2.0/vehicles/<id>/odometer"; also matches a saved URL once its {{variables}} are blanked.
_VEHICLE_PATH = re.compile(r"/v[^/]+/vehicles/[^/?#]+(/[^?#]*)?")
# Smartcar v3: everything after "/v3" ("/vehicles/<id>/signals/<code>", "/connections" ...).
_V3_PATH = re.compile(r"/v3(/[^?#]*)")
_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")


@dataclass
class _Context:
    """What is known about the request that failed, beyond the body."""

    status: int | None = None
    method: str = ""
    url: str = ""  # as sent, variables resolved
    request: Request | None = None
    granted: frozenset[str] | None = None
    retry_after_header: str | None = None
    responded_at: float | None = None
    refreshed_token: bool = False
    authorization_scheme: str = ""  # "bearer" / "basic" as sent
    vehicle_label: str | None = None


# ---- helpers -------------------------------------------------------------------------


def seconds_in_words(seconds: float) -> str:
    """``90`` -> "1 minute 30 seconds"; ``7200`` -> "2 hours"; ``0.4`` -> "1 second"."""
    total = max(round(seconds), 1)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{value} {unit}{'' if value == 1 else 's'}"
        for value, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second"))
        if value
    ]
    return " ".join(parts[:2])  # two units are precise enough to act on


def _retry_after_seconds(context: _Context) -> float | None:
    raw = (context.retry_after_header or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)  # the HTTP-date form of Retry-After
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        now = context.responded_at or time.time()
        return max(moment.timestamp() - now, 0.0)
    if value > 1e11:
        # The Java SDK reads Retry-After as an epoch in milliseconds; accept that too.
        now = context.responded_at or time.time()
        return max(value / 1000 - now, 0.0)
    return max(value, 0.0)


def _title(error_type: str, code: str | None) -> str:
    summary = TYPE_SUMMARY.get(error_type, "Smartcar error")
    if error_type == "COMPATIBILITY" and code == "SMARTCAR_NOT_CAPABLE":
        summary = "Smartcar does not support this for this vehicle yet"
    elif error_type == "COMPATIBILITY" and code == "MAKE_NOT_COMPATIBLE":
        summary = "Smartcar does not support this make here yet"
    head = f"{error_type}/{code}" if code else error_type
    return f"{head} — {summary}"


def _resolution(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        kind = value.get("type")
        url = value.get("url")
        return (kind if isinstance(kind, str) and kind else None), (
            url if isinstance(url, str) and url else None
        )
    if isinstance(value, str) and value:
        return value, None
    return None, None


def _details(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    lines: list[str] = []
    for item in value:
        if isinstance(item, dict):
            fields = item.get("field")
            if isinstance(fields, list):
                fields = ".".join(str(f) for f in fields)
            message = item.get("message")
            if fields or message:
                lines.append(": ".join(str(x) for x in (fields, message) if x))
            else:
                lines.append(json.dumps(item, ensure_ascii=False))
        else:
            lines.append(str(item))
    return lines


def _needed_permission(context: _Context) -> str | None:
    if context.request is not None:
        meta = context.request.meta.get("permission")
        if isinstance(meta, str) and meta and meta not in ("none", "per-signal"):
            return meta
        if meta == "none":
            return None
    v3 = _v3_permission(context)
    if v3 is not None:
        return v3
    endpoint = _endpoint(context)
    return endpoint.permission if endpoint is not None else None


def _v3_path(context: _Context) -> str | None:
    """The path after ``/v3`` of the sent URL (or the saved one), if it is a v3 call."""
    url = context.url or (context.request.url if context.request is not None else "")
    path = urlsplit(url).path if "://" in url else url.split("?")[0]
    match = _V3_PATH.search(path)
    return match.group(1) if match else None


def _is_v3(context: _Context) -> bool:
    return _v3_path(context) is not None


def _v3_permission(context: _Context) -> str | None:
    """What a v3 signal read or command needs: the signal catalogue and the command table."""
    path = _v3_path(context)
    if path is None:
        return None
    parts = [p for p in path.split("/") if p]
    if len(parts) == 4 and parts[0] == "vehicles" and parts[2] == "signals":
        spec = signals.find(parts[3])
        return spec.permission if spec is not None else None
    method = context.method or (context.request.method if context.request else "GET")
    found = v3_commands.find(method, path)
    return found[0].permission if found is not None else None


def _endpoint(context: _Context) -> endpoints.Endpoint | None:
    """The v2.0 endpoint the sent URL (or the saved request's URL) addresses, if any."""
    url = context.url or (context.request.url if context.request is not None else "")
    method = context.method or (context.request.method if context.request is not None else "GET")
    url = _TEMPLATE.sub("x", url)  # a saved URL: {{api_url}}/v{{api_version}}/vehicles/...
    match = _VEHICLE_PATH.search(urlsplit(url).path if "://" in url else url.split("?")[0])
    if match is None:
        return None
    path = (match.group(1) or "").rstrip("/")
    found = endpoints.find(method, path)
    if found is None:
        split = endpoints.make_specific_path(path.lower())
        if split is not None:
            found = endpoints.find(method, split[1])
    return found


def _upper_case_make(url: str) -> str | None:
    """The make of a make-specific path written with upper case letters (a PERMISSION trap)."""
    if not url:
        return None
    match = _VEHICLE_PATH.search(urlsplit(url).path if "://" in url else url)
    if match is None or not match.group(1):
        return None
    make = match.group(1).strip("/").split("/")[0]
    if make != make.lower() and make.lower() in endpoints.MAKE_SPECIFIC_MAKES:
        return make
    return None


def _uses_amt(request: Request | None) -> bool:
    if request is None:
        return False
    auth = request.auth
    return "{{amt}}" in (auth.token + auth.password)


def _scheme(headers: list[tuple[str, str]]) -> str:
    value = next((v for k, v in headers if k.lower() == "authorization"), "")
    return value.split(" ", 1)[0].lower() if value else ""


def _granted(values: Iterable[str] | None) -> frozenset[str] | None:
    if values is None:
        return None
    return frozenset(permissions.strip_required(v) for v in values)


def _code(value: Any) -> str | None:
    return value.strip().upper() if isinstance(value, str) and value.strip() else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _unique(lines: list[str]) -> list[str]:
    return list(dict.fromkeys(line for line in lines if line))
