"""How the webhook sender behaves: timeouts, retry delays, queue and catch-up limits.

Defaults are Smartcar's (§7.3, §7.8): 15 s for an attempt and for the VERIFY answer, retries
25, 50 and 100 s after a failed attempt. Tests shorten the timeouts
(``Sandbox.webhooks.configure(timeout=1)``, ``/_sandbox/webhook_settings``,
``carman sandbox --webhook-timeout``). Retry delays are sandbox-clock seconds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from tui.core.smartcar import webhook_events as events


@dataclass(frozen=True)
class DeliverySettings:
    timeout: float = events.DELIVERY_TIMEOUT  # one attempt, seconds
    verify_timeout: float = events.DELIVERY_TIMEOUT  # the VERIFY answer, seconds
    retry_delays: tuple[float, ...] = events.RETRY_DELAYS  # sandbox-clock seconds
    workers: int = 4  # sender threads: a stalled callback holds one of them
    queue_size: int = 256  # jobs waiting for a sender; beyond, new ones are dropped
    catch_up: int = 12  # scheduled slots delivered per webhook after a clock jump

    def as_dict(self) -> dict[str, Any]:
        answer = asdict(self)
        answer["retry_delays"] = list(self.retry_delays)
        return answer


class SettingsInput(ValueError):
    """A setting that does not exist or a value it cannot take; ``name`` says which."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


CHANGEABLE = ("timeout", "verify_timeout", "retry_delays", "catch_up")


def _seconds(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check(current: DeliverySettings, **changes: Any) -> DeliverySettings:
    """``current`` with the changes, each checked. The thread and queue sizes are fixed once
    the sandbox runs."""
    checked: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("timeout", "verify_timeout"):
            if not _seconds(value) or value <= 0:
                raise SettingsInput(name, f"{name} must be a positive number of seconds.")
            checked[name] = float(value)
        elif name == "retry_delays":
            if not isinstance(value, list | tuple) or not all(
                _seconds(v) and v >= 0 for v in value
            ):
                raise SettingsInput(name, "retry_delays must be a list of seconds (0 or more).")
            checked[name] = tuple(float(v) for v in value)
        elif name == "catch_up":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SettingsInput(name, "catch_up must be a positive integer.")
            checked[name] = value
        else:
            known = ", ".join(CHANGEABLE)
            raise SettingsInput(name, f"Unknown webhook setting {name!r}; one of {known}.")
    return replace(current, **checked)
