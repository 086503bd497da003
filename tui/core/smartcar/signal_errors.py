"""Per-signal failures in a successful v3 answer: which signals came back without a value,
and why, in words.

``GET /v3/vehicles/{id}/signals`` answers 200 even when some signals fail: each item carries
its own ``attributes.status`` (``SUCCESS``, ``ERROR`` with an ``error: {type, code}``, or
``UNAVAILABLE``), smartcar-v3.md §4.6 and §8.4. A single signal's answer has the same shape.
This module turns such an answer into one ``Explanation``: "3 signals failed:
charge-chargerecords (COMPATIBILITY/VEHICLE_NOT_CAPABLE: this vehicle cannot supply it), …",
one detail line per failed signal, and advice per kind of failure. Headless: no textual, no
rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.core.smartcar import permissions, signals, v3_errors
from tui.core.smartcar.explain_words import (
    CONNECTIONS_REQUEST,
    LOGIN_KEY,
    STATE_WORDS,
    TYPE_SUMMARY,
)

if TYPE_CHECKING:
    from tui.core.smartcar.explainer import Explanation

SIGNALS_DOCS = "https://smartcar.com/docs/api-reference/get-signals"
# How many failed signals the title names one by one; more are grouped by their reason.
TITLE_NAMES = 3
# Detail lines at most (one per failed signal; the Signals tab of the response has every one).
DETAIL_LINES = 4


@dataclass(frozen=True)
class FailedSignal:
    code: str
    status: str  # ERROR or UNAVAILABLE
    error_type: str | None
    error_code: str | None
    description: str

    @property
    def key(self) -> str:
        if self.error_type is None:
            return self.status
        return f"{self.error_type}/{self.error_code}" if self.error_code else self.error_type

    @property
    def permission(self) -> str | None:
        spec = signals.find(self.code)
        return spec.permission if spec is not None else None

    def reason(self, granted: frozenset[str] | None = None) -> str:
        """Why, in a few words."""
        kind, code = self.error_type, self.error_code
        if kind is None:
            return "no value is available for it yet"
        if kind == "COMPATIBILITY" and code in (None, "VEHICLE_NOT_CAPABLE"):
            return "this vehicle cannot supply it"
        if kind == "PERMISSION":
            needed = self.permission
            if needed is None:
                return "the connection lacks its permission"
            if granted is not None and needed in granted:
                return f"needs {needed}, which the connection holds"
            return f"the connection lacks {needed}"
        if kind == "VEHICLE_STATE" and code in STATE_WORDS:
            return f"the vehicle is {STATE_WORDS[code]}"
        if kind in ("SERVER", "UPSTREAM"):
            return "it could not be read this time; retry later"
        if self.description:
            return self.description.rstrip(".")
        spec = v3_errors.lookup_v3(kind, code)
        if spec is not None:
            return spec.description.rstrip(".")
        return TYPE_SUMMARY.get(kind, "it failed")


def failed_signals(body: Any) -> list[FailedSignal] | None:
    """The failed signals of a v3 signals answer (list or single); None when ``body`` is not
    a signals answer at all."""
    if not isinstance(body, dict):
        return None
    data = body.get("data", body)  # a single signal may come bare (SDK-era shape)
    items = data if isinstance(data, list) else [data]
    found: list[FailedSignal] = []
    saw_signal = False
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "signal":
            continue
        saw_signal = True
        attributes = item.get("attributes")
        attributes = attributes if isinstance(attributes, dict) else {}
        status = attributes.get("status")
        status = status if isinstance(status, dict) else {}
        value = str(status.get("value") or "").upper()
        if value in ("", "SUCCESS"):
            continue
        error = status.get("error")
        error = error if isinstance(error, dict) else {}
        code = str(attributes.get("code") or item.get("id") or "?")
        error_type = error.get("type")
        error_code = error.get("code")
        found.append(
            FailedSignal(
                code=code,
                status=value,
                error_type=str(error_type).upper() if isinstance(error_type, str) else None,
                error_code=str(error_code).upper() if isinstance(error_code, str) else None,
                description=str(error.get("description") or error.get("detail") or ""),
            )
        )
    return found if saw_signal else None


def explain_signals(
    body: Any,
    *,
    status: int | None = None,
    granted_permissions: Iterable[str] | None = None,
    vehicle_label: str | None = None,
) -> Explanation | None:
    """An Explanation of the failed signals in a successful answer; None when every signal
    succeeded or ``body`` is no signals answer."""
    from tui.core.smartcar.explainer import Explanation  # it imports this module

    failed = failed_signals(body)
    if not failed:
        return None
    granted = (
        frozenset(permissions.strip_required(p) for p in granted_permissions)
        if granted_permissions is not None
        else None
    )
    count = len(failed)
    title = f"{count} signal{'s' if count != 1 else ''} failed: {_summary(failed, granted)}"
    http = f"HTTP {status}" if status else "the answer"
    description = (
        f"The call itself succeeded ({http}); these signals came back without a value, each "
        "with its own status (the Signals tab lists them all):"
    )
    lines = [f"{f.code}: {f.key} — {f.reason(granted)}" for f in failed]
    if len(lines) > DETAIL_LINES:
        left = len(lines) - DETAIL_LINES + 1
        lines = [*lines[: DETAIL_LINES - 1], f"… and {left} more"]
    details = tuple(lines)
    return Explanation(
        title=title,
        type="SIGNALS",
        code=None,
        status=status,
        description=description,
        docs_url=SIGNALS_DOCS,
        advice=tuple(_advice(failed, granted, vehicle_label)),
        shape="v3-signals",
        details=details,
    )


def _summary(failed: list[FailedSignal], granted: frozenset[str] | None) -> str:
    """A few failures one by one ("charge-voltage (COMPATIBILITY/VEHICLE_NOT_CAPABLE: this
    vehicle cannot supply it)"); many grouped by kind ("31 COMPATIBILITY/VEHICLE_NOT_CAPABLE
    (this vehicle cannot supply them: charge-amperage, charge-voltage, …)")."""
    if len(failed) <= TITLE_NAMES:
        return ", ".join(f"{f.code} ({f.key}: {f.reason(granted)})" for f in failed)
    groups: dict[str, list[FailedSignal]] = {}
    for item in failed:
        groups.setdefault(item.key, []).append(item)
    parts = []
    for key, items in groups.items():
        reason = items[0].reason(granted) if len({i.reason(granted) for i in items}) == 1 else ""
        reason = reason.replace("supply it", "supply them")
        lacking = sorted({i.permission for i in items if i.permission})
        if key == "PERMISSION" and lacking and (granted is None or not granted & set(lacking)):
            listed = ", ".join(lacking[:3]) + (", …" if len(lacking) > 3 else "")
            reason = f"the connection lacks {listed}"
        codes = ", ".join(i.code for i in items[:2]) + (", …" if len(items) > 2 else "")
        parts.append(f"{len(items)} {key} ({reason + ': ' if reason else ''}{codes})")
    return "; ".join(parts)


def _advice(
    failed: list[FailedSignal], granted: frozenset[str] | None, vehicle_label: str | None
) -> list[str]:
    lines: list[str] = []
    incapable = [f.code for f in failed if f.reason() == "this vehicle cannot supply it"]
    if incapable:
        vehicle = f"This vehicle ({vehicle_label})" if vehicle_label else "This vehicle"
        lines.append(
            f"{vehicle} cannot supply {_names(incapable)}: it lacks the hardware or the "
            "data. No permission, login or retry changes that."
        )
    missing = sorted(
        {
            f.permission
            for f in failed
            if f.error_type == "PERMISSION"
            and f.permission
            and (granted is None or f.permission not in granted)
        }
    )
    if missing:
        lines.append(
            f"The connection was not granted {', '.join(missing)}: add it to the scope of the "
            f"environment's OAuth2 settings and log in again ({LOGIN_KEY}); the owner must "
            "approve it."
        )
        if granted is None:
            lines.append(f"{CONNECTIONS_REQUEST} lists the permissions the connection holds.")
    if any(f.error_type in ("SERVER", "UPSTREAM") for f in failed):
        lines.append("Smartcar or the brand could not read some signals: ask again later.")
    if any(f.error_type is None for f in failed):
        lines.append(
            "UNAVAILABLE signals have no value yet (nothing collected for this vehicle): they "
            "fill in once Smartcar has read the vehicle."
        )
    return lines


def _names(codes: list[str], limit: int = 5) -> str:
    """``a, b, c and 12 more`` (the details list every one)."""
    if len(codes) <= limit:
        return ", ".join(codes)
    return f"{', '.join(codes[:limit])} and {len(codes) - limit} more"
