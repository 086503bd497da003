"""What every handler needs: the state, the clock, values, faults, throttle, public URLs,
the v3 settings, the observers of vehicle-state changes and the webhook engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tui.sandbox.clock import SandboxClock
from tui.sandbox.faults import Faults
from tui.sandbox.ratelimit import RateLimiter
from tui.sandbox.state import State
from tui.sandbox.v3.settings import SettingsHolder
from tui.sandbox.values import ValueSource
from tui.sandbox.vehicle_state import VehicleEvents

if TYPE_CHECKING:
    from tui.sandbox.webhooks.engine import WebhookEngine


@dataclass
class Context:
    state: State
    clock: SandboxClock
    values: ValueSource
    seed: int | None = None
    faults: Faults = field(default_factory=Faults)
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)
    base_url: str = ""  # set once the server is bound
    verbose: bool = False
    v3: SettingsHolder = field(default_factory=SettingsHolder)
    vehicle_events: VehicleEvents = field(default_factory=VehicleEvents)
    webhooks: WebhookEngine | None = None  # set by start_sandbox once the context exists
