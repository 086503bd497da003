"""The switches of the sandbox's v3 (shared/smartcar-v3.md §10.1, items 2, 4 and 5).

Where Smartcar's sources disagree, the sandbox answers one way by default and lets a client
developer switch to the other, through ``/_sandbox/v3_settings`` or ``carman sandbox``'s
``--v3-...`` options. Defaults follow the current documentation.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

ENVELOPES = ("wrapped", "bare")  # single vehicle / signal: {"data": …} or the resource alone
TIMESTAMPS = ("epoch_ms", "iso")  # signal meta: integer epoch milliseconds or ISO-8601 strings
UNITS = ("rest", "webhook")  # "kilometers", "percentage" ... or "km", "percent" ...


@dataclass
class V3Settings:
    envelope: str = "wrapped"
    timestamps: str = "epoch_ms"
    units: str = "rest"
    # Signals read from a store filled only for subscribed vehicles: an unsubscribed vehicle
    # answers an empty list and 404 SIGNAL_NOT_FOUND ([SEC] live observation).
    empty_until_subscribed: bool = False
    # Accept a per-vehicle v2.0 access token on the v3 read endpoints (vehicle, signals),
    # without sc-user-id: the official SDKs call v3 that way (CONFLICT §2.6).
    legacy_bearer: bool = True

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_CHOICES: dict[str, tuple[str, ...]] = {
    "envelope": ENVELOPES,
    "timestamps": TIMESTAMPS,
    "units": UNITS,
}
NAMES: tuple[str, ...] = tuple(f.name for f in fields(V3Settings))


class SettingsError(ValueError):
    """A setting that does not exist or a value it cannot take; ``name`` says which."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def check(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes, checked: every name known, every value one the setting can take."""
    for name, value in changes.items():
        if name not in NAMES:
            raise SettingsError(name, f"Unknown v3 setting {name!r}; one of {', '.join(NAMES)}.")
        choices = _CHOICES.get(name)
        if choices is not None:
            if value not in choices:
                raise SettingsError(name, f"{name} must be one of {', '.join(choices)}.")
        elif not isinstance(value, bool):
            raise SettingsError(name, f"{name} must be true or false.")
    return changes


class SettingsHolder:
    """The sandbox's current v3 settings; changed as a whole under a lock."""

    def __init__(self, initial: V3Settings | None = None) -> None:
        self._current = initial or V3Settings()
        self._lock = threading.Lock()

    @property
    def current(self) -> V3Settings:
        with self._lock:
            return self._current

    def update(self, **changes: Any) -> V3Settings:
        check(changes)
        with self._lock:
            self._current = V3Settings(**{**self._current.as_dict(), **changes})
            return self._current
