"""Which call of Smartcar's official SDKs sends a given request: the one table both SDK
targets of "copy as code" use (Python ``smartcar`` 6.x, Node ``smartcar`` 10.x).

The table maps a method and a path under ``/vehicles/{id}`` to the SDK method that sends
exactly that request; ``match`` recognises a request by its URL, query and JSON body (never by
the request's name) and says where the call's arguments come from, as character spans of the
URL and keys of the body, so that each target can write them as literals or environment
lookups. Anything else under ``/vehicles/{id}`` maps to the SDKs' generic
``vehicle.request(...)``; a request outside the Vehicle API is not mapped, with the reason.

Choices where the SDKs and Smartcar's references are silent or disagree:

* v3: the SDKs' v3 getters (``get_vehicle``, ``get_signals``, ``get_signal``) send no
  ``sc-user-id`` header (they predate the application token). A request that carries extra
  headers is mapped to the generic call where the SDK lets it send them (Node's
  ``vehicle.request(method, path, body, headers, '3')``); otherwise (Python, whose generic
  call only reaches the v2 origin) to the getter with a caveat naming the header it drops.
* Webhook unsubscribe authenticates with the management token, not the vehicle's token: it is
  sent through the generic call with its own Authorization header.
* Node's ``setChargeLimit`` sends the limit as a string (``String(limit)``); Smartcar accepts
  it. The Python SDK sends the number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

Scope = Literal["module", "vehicle"]
# Headers the SDKs set themselves: anything else needs the generic call to be sent.
SDK_HEADERS = frozenset({"authorization", "sc-unit-system", "content-type", "user-agent", "accept"})


@dataclass(frozen=True)
class Arg:
    """Where one argument of an SDK call comes from."""

    kind: Literal["path", "body", "paging", "query"]
    key: str = ""  # body key, query name, or path placeholder
    names: tuple[str, ...] = ()  # paging: the query names gathered into one dict


@dataclass(frozen=True)
class SdkMethod:
    http: str
    path: str  # under /vehicles/{id}; "{name}" is a path argument
    python: str
    node: str
    args: tuple[Arg, ...] = ()
    # The JSON body the SDK sends; "{key}" stands for a body argument.
    body: dict[str, Any] | None = None
    query: tuple[str, ...] = ()  # query names the method accepts


def _m(
    http: str,
    path: str,
    python: str,
    node: str,
    *args: Arg,
    body: dict[str, Any] | None = None,
    query: tuple[str, ...] = (),
) -> SdkMethod:
    return SdkMethod(http, path, python, node, args, body, query)


_PAGING = Arg("paging", names=("limit", "offset"))

# Vehicle methods, Vehicle API v1.0/v2.0 (path under /vehicles/{id}).
VEHICLE_METHODS: tuple[SdkMethod, ...] = (
    _m("GET", "", "attributes", "attributes"),
    _m("GET", "vin", "vin", "vin"),
    _m("GET", "charge", "charge", "charge"),
    _m("GET", "battery", "battery", "battery"),
    _m("GET", "battery/capacity", "battery_capacity", "batteryCapacity"),
    _m("GET", "battery/nominal_capacity", "nominal_capacity", "nominalCapacity"),
    _m("GET", "fuel", "fuel", "fuel"),
    _m("GET", "tires/pressure", "tire_pressure", "tirePressure"),
    _m("GET", "engine/oil", "engine_oil", "engineOil"),
    _m("GET", "odometer", "odometer", "odometer"),
    _m("GET", "location", "location", "location"),
    _m("GET", "permissions", "permissions", "permissions", _PAGING, query=("limit", "offset")),
    _m("GET", "security", "lock_status", "lockStatus"),
    _m("GET", "charge/limit", "get_charge_limit", "getChargeLimit"),
    _m(
        "GET",
        "service/history",
        "service_history",
        "serviceHistory",
        Arg("query", "startDate"),
        Arg("query", "endDate"),
        query=("startDate", "endDate"),
    ),
    _m("GET", "diagnostics/system_status", "diagnostic_system_status", "diagnosticSystemStatus"),
    _m("GET", "diagnostics/dtcs", "diagnostic_trouble_codes", "diagnosticTroubleCodes"),
    _m("POST", "security", "lock", "lock", body={"action": "LOCK"}),
    _m("POST", "security", "unlock", "unlock", body={"action": "UNLOCK"}),
    _m("POST", "charge", "start_charge", "startCharge", body={"action": "START"}),
    _m("POST", "charge", "stop_charge", "stopCharge", body={"action": "STOP"}),
    _m(
        "POST",
        "charge/limit",
        "set_charge_limit",
        "setChargeLimit",
        Arg("body", "limit"),
        body={"limit": "{limit}"},
    ),
    _m(
        "POST",
        "navigation/destination",
        "send_destination",
        "sendDestination",
        Arg("body", "latitude"),
        Arg("body", "longitude"),
        body={"latitude": "{latitude}", "longitude": "{longitude}"},
    ),
    _m("DELETE", "application", "disconnect", "disconnect"),
    _m("POST", "webhooks/{webhook_id}", "subscribe", "subscribe", Arg("path", "webhook_id")),
)

# Vehicle methods of Vehicle API v3 (read-only getters in both SDKs).
V3_VEHICLE_METHODS: tuple[SdkMethod, ...] = (
    _m("GET", "signals", "get_signals", "getSignals"),
    _m("GET", "signals/{code}", "get_signal", "getSignal", Arg("path", "code")),
)


@dataclass(frozen=True)
class SdkCall:
    """How the SDKs send one request. Spans index the URL given to ``match``."""

    scope: Scope
    python: str  # method (vehicle scope) or function (module scope); "" for generic only
    node: str
    version: str  # "1.0", "2.0" or "3"
    origin: tuple[int, int]  # span of scheme://host
    token: str = "authorization"  # where the token comes from (the bearer header)
    args: tuple[Arg, ...] = ()
    path_args: dict[str, tuple[int, int]] = field(default_factory=dict)
    vehicle_id: tuple[int, int] | None = None
    # The generic vehicle.request(...): method, the path under /vehicles/{id}, body.
    generic_path: tuple[int, int] | None = None
    http: str = "GET"
    extra_headers: tuple[str, ...] = ()  # header names the dedicated method cannot send
    own_authorization: bool = False  # generic call with the request's own Authorization

    @property
    def dedicated(self) -> bool:
        return bool(self.python or self.node)


@dataclass(frozen=True)
class NotMapped:
    reason: str


_VERSIONED = re.compile(r"^/v(?P<version>\d+(?:\.\d+)?)/(?P<rest>.*)$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def match(
    method: str,
    url: str,
    query: list[tuple[str, str]],
    body: Any,
    header_names: list[str],
) -> SdkCall | NotMapped:
    """The SDK call that sends ``method url`` (URL without its query string).

    ``body`` is the parsed JSON body (see ``_body_fits``), None when there is none, or
    ``NOT_JSON``.
    """
    parts = urlsplit(url)
    origin_end = len(f"{parts.scheme}://{parts.netloc}")
    found = _VERSIONED.match(url[origin_end:])
    if not parts.scheme or found is None:
        return NotMapped(
            f"{method} {url} is not a Smartcar Vehicle API request (expected "
            "…/v2.0/vehicles/… or …/v3/vehicles/…), so no SDK call sends it"
        )
    version = found.group("version")
    version = "3" if version in ("3", "3.0") else version
    rest = found.group("rest")
    rest_start = origin_end + found.start("rest")
    origin = (0, origin_end)
    extra = tuple(n for n in header_names if n.lower() not in SDK_HEADERS)
    names = [name for name, _ in query]
    segments = rest.split("/")
    paged = set(names) <= {"limit", "offset"}
    if segments == ["vehicles"] and method == "GET" and version != "3" and paged:
        return SdkCall(
            "module", "get_vehicles", "getVehicles", version, origin,
            args=(_PAGING,), extra_headers=extra,
        )  # fmt: skip
    if segments == ["user"] and method == "GET" and version != "3" and not names:
        return SdkCall("module", "get_user", "getUser", version, origin, extra_headers=extra)
    if len(segments) < 2 or segments[0] != "vehicles" or not segments[1]:
        return NotMapped(
            f"{method} {url} is not a vehicle endpoint: the SDKs' calls for Connect, tokens, "
            "compatibility and management are not mapped"
        )
    id_start = rest_start + len("vehicles/")
    vehicle = (id_start, id_start + len(segments[1]))
    sub = "/".join(segments[2:])
    sub_start = vehicle[1] + 1 if len(segments) > 2 else vehicle[1]
    generic = SdkCall(
        "vehicle", "", "", version, origin,
        vehicle_id=vehicle, generic_path=(sub_start, len(url)), http=method, extra_headers=extra,
    )  # fmt: skip
    if version == "3" and not sub and method == "GET" and not names:
        # Python 6.19 defines get_vehicle in smartcar.smartcar without re-exporting it.
        return SdkCall(
            "module", "smartcar.get_vehicle", "getVehicle", version, origin,
            vehicle_id=vehicle, extra_headers=extra,
        )  # fmt: skip
    if method == "DELETE" and re.fullmatch(r"webhooks/[^/]+", sub):
        # Unsubscribe authenticates with the management token: the generic call sends it.
        return _replace(generic, own_authorization=True)
    table = V3_VEHICLE_METHODS if version == "3" else VEHICLE_METHODS
    for entry in table:
        spans = _path_match(entry.path, sub, sub_start)
        if spans is None or entry.http != method:
            continue
        if not set(names) <= set(entry.query) or not _body_fits(entry.body, body):
            continue
        return SdkCall(
            "vehicle", entry.python, entry.node, version, origin,
            args=entry.args, path_args=spans, vehicle_id=vehicle,
            generic_path=generic.generic_path, http=method, extra_headers=extra,
        )  # fmt: skip
    return generic


def _replace(call: SdkCall, **changes: Any) -> SdkCall:
    from dataclasses import replace

    return replace(call, **changes)


def _path_match(pattern: str, path: str, offset: int) -> dict[str, tuple[int, int]] | None:
    regex = "^" + _PLACEHOLDER.sub(lambda m: f"(?P<{m.group(1)}>[^/]+)", pattern) + "$"
    found = re.match(regex, path)
    if found is None:
        return None
    return {
        name: (offset + found.start(name), offset + found.end(name))
        for name in found.groupdict()
    }


class _NotJson:
    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON: Any = _NotJson()


def parse_body(text: str | None) -> Any:
    """The JSON body as ``match`` wants it: None for no body, NOT_JSON when it is not JSON."""
    if text is None or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return NOT_JSON


def _body_fits(expected: dict[str, Any] | None, body: Any) -> bool:
    """The request's body is exactly what the SDK method sends (arguments aside).

    Body values may be a caller's own objects standing for a variable (a number read from the
    environment at run time): they fit where the SDK takes a number argument.
    """
    if expected is None:
        return body is None
    if not isinstance(body, dict) or set(body) != set(expected):
        return False
    for key, value in expected.items():
        if isinstance(value, str) and _PLACEHOLDER.fullmatch(value):
            got = body[key]
            if got is None or isinstance(got, bool | str | dict | list | tuple):
                return False
        elif body[key] != value:
            return False
    return True
