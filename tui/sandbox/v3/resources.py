"""Shapes shared by the v3 answers: the vehicle resource, single-resource envelopes, times.

CONFLICT 3 (bare vs ``{"data": …}``) and CONFLICT 4 (epoch milliseconds vs ISO strings) are
settled by the sandbox's v3 settings; the defaults follow the current docs: wrapped, epoch ms.
The envelope switch covers the two resources the conflict is about, ``GET /v3/vehicles/{id}``
and ``GET …/signals/{code}``; lists, connections and command answers are always documents.
"""

from __future__ import annotations

from typing import Any

from tui.sandbox.clock import iso
from tui.sandbox.v3.settings import V3Settings

Record = dict[str, Any]


def vehicle_resource(vehicle: Record, mode: str) -> dict[str, Any]:
    return {
        "id": vehicle["id"],
        "type": "vehicle",
        "attributes": {
            "make": vehicle["make"],
            "model": vehicle["model"],
            "year": vehicle["year"],
            "powertrainType": vehicle["type"],
            "mode": mode,
        },
        "links": {"self": f"/vehicles/{vehicle['id']}"},
    }


def single(
    settings: V3Settings, resource: dict[str, Any], included: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One resource as the settings want it: ``{"data": …, "included"?}`` or bare."""
    if settings.envelope == "bare":
        return resource
    document: dict[str, Any] = {"data": resource}
    if included:
        document["included"] = included
    return document


def timestamp(settings: V3Settings, moment: float) -> int | str:
    """A signal-meta time: integer epoch milliseconds, or ISO-8601 when so set."""
    if settings.timestamps == "iso":
        return iso(moment)
    return round(moment * 1000)
