"""Management API v2.0: list and delete the application's vehicle connections.

Authenticated with ``Basic base64("default:" + AMT)``. Connections come from the grants the
application holds: one per (user, vehicle), dated by the newest approval, newest first.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from tui.sandbox.auth import basic_credentials, client_from_amt
from tui.sandbox.clock import iso
from tui.sandbox.context import Context
from tui.sandbox.errors import authentication, validation
from tui.sandbox.messages import Request, Response, json_response

PAGE = (10, 100)  # default and largest limit
MODES = ("live", "test", "simulated")


def _client(ctx: Context, request: Request) -> str:
    credentials = basic_credentials(request)
    if credentials is None or credentials[0] != "default":
        raise authentication()
    client_id = client_from_amt(ctx, credentials[1])
    if client_id is None:
        raise authentication()
    return client_id


def _connections(ctx: Context, client_id: str) -> list[dict[str, Any]]:
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    with ctx.state.reading() as data:
        for grant in data["grants"].values():
            if grant["client_id"] != client_id:
                continue
            for vehicle_id in grant["vehicle_ids"]:
                key = (grant["user_id"], vehicle_id)
                if key not in newest or grant["created_at"] > newest[key]["created_at"]:
                    newest[key] = {
                        "userId": grant["user_id"],
                        "vehicleId": vehicle_id,
                        "created_at": grant["created_at"],
                        "mode": grant["mode"],
                    }
    ordered = sorted(newest.values(), key=lambda c: (-c["created_at"], c["vehicleId"]))
    return [
        {
            "userId": c["userId"],
            "vehicleId": c["vehicleId"],
            "connectedAt": iso(c["created_at"]),
            "mode": c["mode"],
        }
        for c in ordered
    ]


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        prefix, _, number = text.partition(":")
        if prefix != "offset":
            raise ValueError(text)
        return max(0, int(number))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise validation("cursor is not a cursor this API returned.", "cursor") from None


def get_connections(ctx: Context, request: Request) -> Response:
    client_id = _client(ctx, request)
    raw_limit = request.param("limit")
    try:
        limit = int(raw_limit) if raw_limit else PAGE[0]
    except ValueError:
        raise validation("limit must be an integer.", "limit") from None
    if not 1 <= limit <= PAGE[1]:
        raise validation(f"limit must be between 1 and {PAGE[1]}.", "limit")
    mode = request.param("mode")
    if mode is not None and mode not in MODES:
        raise validation(f"mode must be one of {', '.join(MODES)}.", "mode")
    cursor = request.param("cursor")
    offset = _decode_cursor(cursor) if cursor else 0
    connections = [
        c
        for c in _connections(ctx, client_id)
        if (not request.param("user_id") or c["userId"] == request.param("user_id"))
        and (not request.param("vehicle_id") or c["vehicleId"] == request.param("vehicle_id"))
        and (mode is None or c["mode"] == mode)
    ]
    page = connections[offset : offset + limit]
    more = offset + limit < len(connections)
    return json_response(
        200,
        {
            "connections": page,
            "paging": {
                "cursor": _encode_cursor(offset + limit) if more else None,
                "count": len(page),
            },
        },
    )


def delete_connections(ctx: Context, request: Request) -> Response:
    client_id = _client(ctx, request)
    user_id = request.param("user_id")
    vehicle_id = request.param("vehicle_id")
    if not user_id and not vehicle_id:
        raise validation("Give vehicle_id or user_id (or both).", "vehicle_id")
    deleted: dict[tuple[str, str], dict[str, str]] = {}
    with ctx.state.changing() as data:
        for grant in data["grants"].values():
            if grant["client_id"] != client_id or (user_id and grant["user_id"] != user_id):
                continue
            for vid in list(grant["vehicle_ids"]):
                if vehicle_id and vid != vehicle_id:
                    continue
                grant["vehicle_ids"].remove(vid)
                deleted[(grant["user_id"], vid)] = {"userId": grant["user_id"], "vehicleId": vid}
    return json_response(200, {"connections": list(deleted.values())})
