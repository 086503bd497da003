"""The whole Smartcar v3 flow against the sandbox, through the real OAuth listener:

Connect (the redirect names the user) → the application token, fetched by carman itself with
the client credentials → Connections / List connections fills vehicle_id and user_id → the
signals → Lock → closure-islocked is true → Start charge refused (409) on the unplugged Volt →
the application token expires on the sandbox clock → carman fetches a new one by itself.
"""

from __future__ import annotations

import json
import stat

from tests.oauth.oauth_fakes import Clock
from tests.v3.conftest import log_in, send
from tui.core import paths
from tui.core.oauth.manager import TokenManager, TokenStatus
from tui.core.oauth.token_store import APP_TOKENS
from tui.core.smartcar import vehicles
from tui.core.smartcar.explainer import explain
from tui.core.smartcar.signal_rows import signal_rows
from tui.sandbox import Sandbox


async def test_connect_app_token_connections_signals_commands_and_renewal(
    manager: TokenManager, sandbox: Sandbox, clock: Clock
) -> None:
    workspace = manager.workspace
    # 1. Connect through the listener. response_type=code: the user id for v3 and the code,
    #    exchanged for the per-vehicle tokens of v2.0: one login serves both generations.
    result, location = await log_in(manager, sandbox)
    assert "user_id=" in location and "code=" in location
    user_id = workspace.variables.get("user_id")
    assert user_id and result.user_id == user_id and f"user_id={user_id}" in location
    assert manager.state().status == TokenStatus.VALID  # the per-vehicle token
    assert manager.app.fetch_count == 0  # nothing needed the application token yet
    assert manager.app_state().status == TokenStatus.NONE

    # 2. List connections: carman fetches the application token by itself.
    exchange, capture = await send(workspace, "Connections", "List connections")
    assert exchange.response.status == 200
    assert manager.app.fetch_count == 1
    assert manager.app_state().status == TokenStatus.VALID
    sent = dict((k.lower(), v) for k, v in exchange.request.headers)
    app_token = manager.app.cached()
    assert app_token is not None and sent["authorization"] == f"Bearer {app_token.access_token}"
    # vehicle_id and user_id (and both _all lists) come from the connections, newest first.
    assert {"vehicle_id", "user_id", "vehicle_id_all", "user_id_all"} <= set(capture.captured)
    assert workspace.variables.get("user_id") == user_id
    listed = exchange.response.json()["data"]
    assert (
        workspace.variables.get("vehicle_id") == listed[0]["relationships"]["vehicle"]["data"]["id"]
    )
    assert json.loads(workspace.variables.get("vehicle_id_all") or "[]") == [
        c["relationships"]["vehicle"]["data"]["id"] for c in listed
    ]

    # The token file: 0600, the application token in it, never the client secret.
    token_file = paths.tokens_file()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    stored = json.loads(token_file.read_text())
    assert (
        stored[APP_TOKENS]["sandbox"][sandbox.client_id]["access_token"] == app_token.access_token
    )
    assert sandbox.client_secret not in token_file.read_text()

    # 3. The picker's data: the user's connections with make, model and year; the Volt.
    found = await vehicles.list_vehicles(workspace)
    mine = {s.make: s for s in found if s.user_id == user_id}
    assert {"TESLA", "AUDI", "CHEVROLET"} <= set(mine)
    assert mine["CHEVROLET"].label == "2018 CHEVROLET Volt"
    tesla = mine["TESLA"]
    vehicles.select_vehicle(workspace, tesla.id, tesla.user_id)

    # 4. Every signal of the Tesla, each with its own status.
    exchange, _ = await send(workspace, "Vehicle", "All signals")
    assert exchange.response.status == 200
    assert ("sc-user-id", user_id) in exchange.request.headers
    rows = {row.code: row for row in signal_rows(exchange.response.json(), clock()) or []}
    assert rows["closure-islocked"].ok and rows["odometer-traveleddistance"].unit

    # 5. Lock, then read closure-islocked back (a command does not return the state).
    exchange, _ = await send(workspace, "Commands", "Lock")
    assert exchange.response.status == 200
    assert exchange.response.json()["data"]["attributes"]["commandType"] == "security-lock"
    workspace.set_session({"signal_code": "closure-islocked"})
    exchange, _ = await send(workspace, "Vehicle", "Signal")
    assert exchange.response.status == 200
    assert exchange.request.url.endswith("/signals/closure-islocked")
    assert exchange.response.json()["data"]["attributes"]["body"] == {"value": True}

    # 6. Start charge on the unplugged Chevrolet Volt: 409, explained in words.
    volt = mine["CHEVROLET"]
    vehicles.select_vehicle(workspace, volt.id, volt.user_id)
    collection, start = send_target = (None, None)
    del collection, start, send_target
    exchange, _ = await send(workspace, "Commands", "Start charge")
    assert exchange.response.status == 409
    explanation = explain(exchange)
    assert explanation is not None and explanation.shape == "v3"
    assert explanation.key == "VEHICLE_STATE.CHARGING_PLUG_NOT_CONNECTED"
    assert any("not plugged in" in line for line in explanation.advice)
    assert manager.app.fetch_count == 1  # one application token so far

    # 7. The token expires on the sandbox's clock only: carman still thinks it is good, the
    #    API answers 401, and carman fetches a new one by itself and resends once.
    sandbox.clock.advance(3601)
    before = manager.app.cached()
    exchange, _ = await send(workspace, "Vehicle", "Signal")
    assert exchange.response.status == 200 and exchange.refreshed_token
    assert manager.app.fetch_count == 2
    after = manager.app.cached()
    assert before is not None and after is not None and after.access_token != before.access_token

    # 8. Both clocks past the hour: renewed before sending, no 401 at all.
    sandbox.clock.advance(3601)
    clock.advance(2 * 3601)
    exchange, _ = await send(workspace, "Vehicle", "Vehicle attributes")
    assert exchange.response.status == 200 and not exchange.refreshed_token
    assert manager.app.fetch_count == 3
    # And v2.0 still works with the per-vehicle token of the same login (refreshed).
    exchange, _ = await send(workspace, "v2.0 (deprecated)", "Vehicle", "Odometer")
    assert exchange.response.status == 200 and "distance" in exchange.response.json()


async def test_response_type_none_connects_without_a_code(
    manager: TokenManager, sandbox: Sandbox
) -> None:
    """v3 only: the redirect carries the user id and no code, so nothing is exchanged and no
    per-vehicle token exists; the application token does the rest."""
    result, location = await log_in(
        manager, sandbox, "2-vehicles@smartcar.com", response_type="none"
    )
    assert "code=" not in location and "response_type=none" not in location
    assert result.token is None and result.user_id
    assert "no per-vehicle token" in result.summary and result.user_id in result.summary
    assert manager.state().status == TokenStatus.NONE
    assert manager.workspace.variables.get("user_id") == result.user_id
    exchange, _ = await send(manager.workspace, "Connections", "Connections of the user")
    assert exchange.response.status == 200
    users = {c["relationships"]["user"]["data"]["id"] for c in exchange.response.json()["data"]}
    assert users == {result.user_id}
    exchange, _ = await send(manager.workspace, "Vehicle", "Signal")
    assert exchange.response.status == 200
