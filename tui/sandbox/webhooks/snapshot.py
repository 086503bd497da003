"""A vehicle's signals as a webhook delivery carries them.

Each value comes from the code that answers ``GET /v3/vehicles/{id}/signals``
(``tui.sandbox.v3.signals.signal_resource``), with the webhook's own settings: the webhook unit
vocabulary (``km``, ``percent`` ...) and epoch-millisecond times, whatever the REST switches
say. So a delivery's values equal the REST answer at the same moment in webhook units, for
everything the vehicle's state decides (lock, charging, limits, the latest odometer, battery
and location readings); values test mode draws at random are drawn afresh, from a sequence of
their own so deliveries leave a seeded sandbox's REST answers as they were.

An entry is ``{code, name, group, body, status: {value: SUCCESS}, meta: {oemUpdatedAt,
retrievedAt}}`` as captured deliveries show, or ``{code, name, group, status: {value: ERROR,
error: {type, code}}}`` for a signal the vehicle cannot give.
"""

from __future__ import annotations

from typing import Any

from tui.core.smartcar import signals as catalogue
from tui.sandbox import units
from tui.sandbox.context import Context
from tui.sandbox.v3 import signals
from tui.sandbox.v3.settings import V3Settings

Record = dict[str, Any]

WEBHOOK_SETTINGS = V3Settings(units="webhook", timestamps="epoch_ms")
DRAWS = "webhook"


def vehicle_ref(vehicle: Record) -> dict[str, Any]:
    return {
        "id": vehicle["id"],
        "make": vehicle["make"],
        "model": vehicle["model"],
        "year": vehicle["year"],
    }


def signal_entries(
    ctx: Context, vehicle: Record, permissions: tuple[str, ...], codes: list[str]
) -> list[dict[str, Any]]:
    """The signals ``codes`` of ``vehicle`` (a record with its live state) for a delivery."""
    entries: list[dict[str, Any]] = []
    for code in codes:
        spec = catalogue.find(code)
        if spec is None:  # a definition is checked against the catalogue; a guard all the same
            continue
        resource = signals.signal_resource(
            ctx, spec, vehicle, permissions, units.METRIC, settings=WEBHOOK_SETTINGS, draws=DRAWS
        )
        attributes, meta = resource["attributes"], resource["meta"]
        entry: dict[str, Any] = {"code": spec.code, "name": spec.name, "group": spec.group}
        if "body" in attributes:
            entry["body"] = attributes["body"]
            entry["status"] = attributes["status"]
            entry["meta"] = {
                "oemUpdatedAt": meta.get("oemUpdatedAt", 0),
                "retrievedAt": meta["retrievedAt"],
            }
        else:
            entry["status"] = attributes["status"]
        entries.append(entry)
    return entries


def comparable(entry: dict[str, Any]) -> tuple[Any, Any]:
    """What decides whether a trigger signal changed: its status and body, not its times."""
    return (entry["status"], entry.get("body"))
