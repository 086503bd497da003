"""SDK snippets for v3 with ``sc-user-id`` (the application-token shape) and a variable where a
number goes."""

from __future__ import annotations

import pytest

from tests.codegen.conftest import request_at, smartcar_of
from tests.codegen.runners import run, sdk_body
from tui.core.exporters.code import CodeOptions, build_code_request, generate
from tui.core.model import Body, BodyKind
from tui.core.workspace import Workspace


def _v3_signal_with_user(workspace: Workspace):  # type: ignore[no-untyped-def]
    collection = smartcar_of(workspace)
    original = request_at(collection, "Vehicle/Signal")
    request = original.copy()
    # A copy outside the tree: it carries the auth it would inherit (the application token),
    # and goes without a collection. It sends sc-user-id: {{user_id}} as the built-in one does.
    request.auth = collection.effective_auth(original)
    request.url = request.url.replace("{{signal_code}}", "odometer-traveleddistance")
    assert any(h.name == "sc-user-id" and h.value == "{{user_id}}" for h in request.headers)
    return None, request


async def test_sc_user_id_python_says_plainly_node_sends_it(
    smartcar_workspace: Workspace, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    workspace = smartcar_workspace
    user_id = workspace.variables.get("user_id") or ""
    assert user_id  # from the Connect redirect
    collection, request = _v3_signal_with_user(workspace)
    code = build_code_request(workspace, collection, request)
    python = generate(code, "python-sdk")
    assert 'vehicle.get_signal("odometer-traveleddistance")' in python.text
    assert "# Note: carman also sends sc-user-id" in python.text
    assert any("sc-user-id" in note for note in python.notes)
    node = generate(code, "js-sdk")
    assert 'vehicle.request("get", "signals/odometer-traveleddistance", null' in node.text
    assert '{"sc-user-id": USER_ID}, "3")' in node.text and not node.notes
    # And the Node call really goes out with the header (the sandbox answers the signal).
    exchange, _ = await workspace.send(collection, request)
    assert exchange.ok and exchange.response is not None
    env = {
        # The send fetched the application token: the snippet reads it from the environment.
        "SMARTCAR_APP_TOKEN": workspace.variables.get("app_token") or "",
        "VEHICLE_ID": workspace.variables.get("vehicle_id") or "",
        "USER_ID": user_id,
        # The origin is a {{variable}} too, read from the environment like the rest.
        "VEHICLE_URL": workspace.variables.get("vehicle_url") or "",
    }
    assert "process.env.VEHICLE_URL" in node.text
    ran = run("js-sdk", node.text, tmp_path / "node", env)
    body = sdk_body(ran.data)
    signal = body.get("data", body)  # the sandbox wraps single resources, as the docs do
    assert set(signal) >= {"id", "type", "attributes"}


async def test_a_number_from_a_variable(smartcar_workspace: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    workspace = smartcar_workspace
    workspace.set_session({"limit": "0.7"})
    collection = smartcar_of(workspace)
    original = request_at(collection, "EV/Set charge limit")
    request = original.copy()
    # A copy outside the tree: it carries the auth it would inherit, and goes without
    # a collection.
    request.auth = collection.effective_auth(original)
    request.body = Body(kind=BodyKind.JSON, text='{"limit": {{limit}}}')
    code = build_code_request(workspace, None, request, CodeOptions())
    python = generate(code, "python-sdk")
    assert "import json" in python.text
    assert "vehicle.set_charge_limit(json.loads(LIMIT))" in python.text
    assert "vehicle.setChargeLimit(JSON.parse(LIMIT))" in generate(code, "js-sdk").text
    env = {
        "SMARTCAR_ACCESS_TOKEN": workspace.variables.get("access_token") or "",
        "VEHICLE_ID": workspace.variables.get("vehicle_id") or "",
        "API_URL": workspace.variables.get("api_url") or "",
        "UNIT_SYSTEM": "metric",
        "LIMIT": "0.7",
    }
    ran = run("python-sdk", python.text, tmp_path / "py", env)
    assert sdk_body(ran.data)["status"] == "success"
    get = request_at(collection, "EV/Charge limit")
    exchange, _ = await workspace.send(collection, get)
    assert exchange.response is not None and exchange.response.json()["limit"] == pytest.approx(0.7)
