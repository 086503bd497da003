"""The built-in "Smartcar API" collection: it loads cleanly, is complete and self-consistent."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tui.builtin import ENVIRONMENTS_DIR
from tui.core.collection_io import load_collection, save_collection
from tui.core.environments import load_environment_file
from tui.core.model import AuthKind, AuthModel, BodyKind, Collection, Environment, Folder, Request
from tui.core.prepare import texts_of
from tui.core.serialize import request_to_dict
from tui.core.smartcar import endpoints, permissions, signals, v3_commands
from tui.core.smartcar.versions import V2_FOLDER, V2_SWITCH_OFF, V2_SWITCH_OFF_WORDS
from tui.core.variables import variable_names
from tui.core.workspace import Workspace

from .conftest import SMARTCAR_DIR

V2 = V2_FOLDER
# The top level: the v3 folders, then v2.0 in one folder.
EXPECTED: dict[str, list[str]] = {
    "Auth": ["Application token"],
    "Connect": ["Connect URL (code)", "Connect URL (none)"],
    "Connections": [
        "List connections",
        "Connections of the user",
        "Connections of the vehicle",
        "Get connection",
        "Remove connection",
        "Remove user",
    ],
    "Vehicle": ["Vehicle attributes", "All signals", "Signal"],
    "Commands": [
        "Lock",
        "Unlock",
        "Start charge",
        "Stop charge",
        "Set charge limit",
        "Set destination",
        "Open charge port",
        "Close charge port",
        "Daily charge schedule",
        "Weekly charge schedule",
        "Workweek charge schedule",
        "Delete charge schedule",
    ],
    "Webhooks": [
        "List webhooks",
        "Get webhook",
        "Subscribe vehicle",
        "List subscriptions",
        "Get subscription",
        "Unsubscribe",
    ],
    V2: [],
}
EXPECTED_V2: dict[str, list[str]] = {
    "Auth": ["Connect URL", "Exchange code", "Refresh token"],
    "User": ["User", "All Vehicles"],
    "Vehicle": [
        "Attributes",
        "VIN",
        "Odometer",
        "Location",
        "Tire pressure",
        "Engine oil",
        "Fuel",
        "Lock status",
        "Permissions",
        "Service history",
        "System status",
        "DTCs",
    ],
    "EV": [
        "Battery",
        "Battery capacity",
        "Nominal capacity",
        "Charge status",
        "Charge limit",
        "Set charge limit",
        "Start charge",
        "Stop charge",
    ],
    "Commands": ["Lock", "Unlock", "Send destination", "Disconnect"],
    "Batch": ["Batch"],
    "Webhooks": ["Subscribe", "Unsubscribe"],
    "Compatibility": ["By VIN", "Matrix"],
    "Management": ["Get connections", "Delete connections"],
    "Make-specific": [
        "Tesla compass",
        "Tesla speedometer",
        "Tesla exterior temperature",
        "Tesla interior temperature",
        "Tesla cabin climate",
        "Tesla charge voltmeter",
        "Tesla charge completion",
        "Audi charge",
        "BMW charge records",
        "Ford charge schedule by location",
        "Nissan charge schedule",
    ],
}

# Where every {{variable}} of the collection comes from. URLs may only use the environment's
# own variables and the ids captured by requests of the collection (List connections, the
# charge schedules, List webhooks / subscriptions, ...).
CAPTURED_FOR_URLS = {
    "vehicle_id",
    "user_id",
    "connection_id",
    "webhook_id",
    "subscription_id",
    "schedule_id",
}
# Typed by hand: the ?code= of Connect's redirect, for Auth/Exchange code.
TYPED = {"code"}
# Not a variable anyone stores: the secrets store answers it (keyed by client id).
# client_secret from the secrets store; amt from it too (or set in memory for the sandbox).
FROM_SECRETS = {"client_secret", "api_client_secret", "amt"}
# Set by the login (the user id of Connect's redirect).
FROM_LOGIN = {"user_id"}
PER_SIGNAL = "per-signal"

V2_VEHICLE = "{{api_url}}/v{{api_version}}/vehicles/{{vehicle_id}}"
V3 = "{{vehicle_url}}/v3"
V3_VEHICLE = V3 + "/vehicles/{{vehicle_id}}"


def v2_folder(smartcar: Collection) -> Folder:
    return next(f for f in smartcar.folders if f.name == V2)


def all_requests(collection: Collection) -> list[tuple[tuple[str, ...], Request]]:
    return collection.walk()


def captured_names(collection: Collection) -> set[str]:
    names: set[str] = set()
    for _, request in collection.walk():
        for capture in request.captures:
            names.add(capture.variable)
            if capture.keep_all:
                names.add(f"{capture.variable}_all")
    return names


def test_loads_without_issues_as_the_builtin(smartcar: Collection) -> None:
    assert smartcar.name == "Smartcar API"
    assert smartcar.read_only
    # v3 is the default: the application token; v2.0 keeps the per-vehicle OAuth2 token.
    assert smartcar.auth is not None and smartcar.auth.kind == AuthKind.APP_TOKEN
    v2 = v2_folder(smartcar)
    assert v2.auth is not None and v2.auth.kind == AuthKind.OAUTH2
    # No settings in the collection: the environment supplies them.
    assert smartcar.auth.oauth2 is None and v2.auth.oauth2 is None


def test_has_every_folder_and_request_in_order(smartcar: Collection) -> None:
    assert [folder.name for folder in smartcar.folders] == list(EXPECTED)
    for folder in smartcar.folders:
        assert [r.name for r in folder.requests] == EXPECTED[folder.name], folder.name
        assert folder.description, folder.name
    assert smartcar.requests == []
    v2 = v2_folder(smartcar)
    assert [folder.name for folder in v2.folders] == list(EXPECTED_V2)
    for folder in v2.folders:
        assert [r.name for r in folder.requests] == EXPECTED_V2[folder.name], folder.name
        assert folder.description, folder.name


def test_v2_is_marked_deprecated_with_its_switch_off_date(smartcar: Collection) -> None:
    v2 = v2_folder(smartcar)
    assert "deprecated" in v2.name
    assert V2_SWITCH_OFF in v2.description and V2_SWITCH_OFF_WORDS in v2.description
    # v3 comes first: a newcomer opens the current API.
    assert smartcar.folders[-1] is v2
    first = smartcar.walk()[0]
    assert first[0] == ("Auth",)


def test_every_request_has_permission_description_and_docs(smartcar: Collection) -> None:
    for path, request in all_requests(smartcar):
        where = "/".join((*path, request.name))
        permission = request.meta.get("permission")
        assert isinstance(permission, str) and permission, where
        assert permission in ("none", PER_SIGNAL) or permissions.is_known(permission), where
        assert request.description and "\n" not in request.description, where
        docs = request.meta.get("docs")
        assert isinstance(docs, str) and docs.startswith("https://smartcar.com/docs/"), where


def test_round_trips_through_serialize_without_loss(smartcar: Collection, tmp_path: Path) -> None:
    save_collection(smartcar, tmp_path / "copy")
    again, issues = load_collection(tmp_path / "copy")
    assert issues == []
    assert again == smartcar
    before = [request_to_dict(r) for _, r in smartcar.walk()]
    after = [request_to_dict(r) for _, r in again.walk()]
    assert after == before
    assert again.variables == smartcar.variables


def test_urls_use_only_environment_and_captured_variables(
    smartcar: Collection, sandbox_env: Environment
) -> None:
    allowed = set(sandbox_env.variables) | CAPTURED_FOR_URLS
    for path, request in all_requests(smartcar):
        used = set(variable_names(request.url))
        assert used <= allowed, f"{'/'.join((*path, request.name))}: {used - allowed}"


def test_every_variable_has_a_source(smartcar: Collection, sandbox_env: Environment) -> None:
    allowed = (
        set(sandbox_env.variables)
        | set(smartcar.variables)
        | captured_names(smartcar)
        | TYPED
        | FROM_SECRETS
        | FROM_LOGIN
    )
    for path, request in all_requests(smartcar):
        auth = smartcar.effective_auth(request)
        used = {name for text in texts_of(request, auth) for name in variable_names(text)}
        # Disabled rows count too: enabling one must not surprise with an unknown name.
        for row in request.params + request.headers:
            used |= set(variable_names(row.value))
        assert used <= allowed, f"{'/'.join((*path, request.name))}: {used - allowed}"


def test_the_vehicle_picker_captures(smartcar: Collection) -> None:
    all_vehicles = smartcar.find([V2, "User", "All Vehicles"])
    assert all_vehicles is not None
    [capture] = all_vehicles.captures
    assert (capture.variable, capture.source.value, capture.path, capture.keep_all) == (
        "vehicle_id",
        "body",
        "$.vehicles[*]",
        True,
    )
    assert [(p.name, p.enabled) for p in all_vehicles.params] == [
        ("limit", False),
        ("offset", False),
    ]
    # v3: List connections fills both ids (and both _all lists, index for index).
    for name in ("List connections", "Connections of the user"):
        listing = smartcar.find(["Connections", name])
        assert listing is not None
        rules = {c.variable: (c.path, c.keep_all) for c in listing.captures}
        assert rules["vehicle_id"] == ("$.data[*].relationships.vehicle.data.id", True)
        assert rules["user_id"] == ("$.data[*].relationships.user.data.id", True)
        assert rules["connection_id"] == ("$.data[0].id", False)


def test_v2_vehicle_requests_match_the_endpoint_table(smartcar: Collection) -> None:
    """v2.0 vehicle requests: unit header, inherited OAuth2, the permission Smartcar checks."""
    for path, request in all_requests(smartcar):
        if not request.url.startswith(V2_VEHICLE):
            continue
        where = "/".join((*path, request.name))
        assert path[0] == V2, where
        headers = {h.name: h.value for h in request.headers}
        assert headers.get("SC-Unit-System") == "{{unit_system}}", where
        sub_path = request.url[len(V2_VEHICLE) :]
        if sub_path.startswith("/webhooks/"):
            sub_path = "/webhooks/{webhook_id}"
        split = endpoints.make_specific_path(sub_path)
        if split is not None:
            make, sub_path = split
            assert make == make.lower(), f"{where}: make must be lower case"
        endpoint = endpoints.find(request.method, sub_path)
        assert endpoint is not None, f"{where}: {request.method} {sub_path} is not a v2.0 endpoint"
        assert request.meta["permission"] == (endpoint.permission or "none"), where
        if request.name != "Unsubscribe":
            assert request.auth.kind == AuthKind.INHERIT, where
            assert smartcar.effective_auth(request).kind == AuthKind.OAUTH2, where
        if request.method in ("POST", "PUT") and request.name != "Subscribe":
            assert request.body.kind == BodyKind.JSON, where


def test_v3_requests_carry_the_app_token_and_sc_user_id(smartcar: Collection) -> None:
    for path, request in all_requests(smartcar):
        if path[0] == V2:
            continue
        where = "/".join((*path, request.name))
        auth = smartcar.effective_auth(request)
        if path[0] in ("Auth", "Connect"):
            assert auth.kind == AuthKind.NONE, where
            continue
        assert request.auth.kind == AuthKind.INHERIT and auth.kind == AuthKind.APP_TOKEN, where
        host = "{{management_url}}/v3/" if path[0] == "Webhooks" else V3 + "/"
        assert request.url.startswith(host), where
        user = [h for h in request.headers if h.name == "sc-user-id"]
        # Required on signals, commands and charge schedules (smartcar-v3.md §4.1).
        needed = request.url.startswith(V3_VEHICLE + "/")
        if needed:
            assert [(h.value, h.enabled) for h in user] == [("{{user_id}}", True)], where
        elif request.url == V3_VEHICLE:
            # Optional on the vehicle itself: there, disabled, to switch on.
            assert [(h.value, h.enabled) for h in user] == [("{{user_id}}", False)], where
        else:
            assert user == [], where


def test_commands_follow_the_command_table(smartcar: Collection) -> None:
    """One request per command of tui/core/smartcar/v3_commands.py, with its method, path,
    permission and example body, in the table's order."""
    folder = next(f for f in smartcar.folders if f.name == "Commands")
    assert [r.meta["command"] for r in folder.requests] == [c.name for c in v3_commands.COMMANDS]
    for request, spec in zip(folder.requests, v3_commands.COMMANDS, strict=True):
        path = spec.path.replace("{vehicleId}", "{{vehicle_id}}").replace(
            "{scheduleId}", "{{schedule_id}}"
        )
        assert (request.method, request.url) == (spec.method, V3 + path), spec.name
        assert request.meta["permission"] == spec.permission, spec.name
        assert request.description == spec.description, spec.name
        if spec.example is None:
            assert request.body.kind == BodyKind.NONE, spec.name
        else:
            assert request.body.kind == BodyKind.JSON, spec.name
            assert json.loads(request.body.text) == {"data": {"attributes": spec.example}}
        assert ("note" in request.meta) == (not spec.confirmed), spec.name
        if spec.kind == "schedule":
            assert [c.variable for c in request.captures] == ["schedule_id"], spec.name


def test_the_signal_request_reads_the_catalogue_variable(
    smartcar: Collection, sandbox_env: Environment
) -> None:
    signal = smartcar.find(["Vehicle", "Signal"])
    assert signal is not None and signal.url.endswith("/signals/{{signal_code}}")
    code = sandbox_env.variables["signal_code"]
    assert signals.find(code) is not None


def test_auth_of_the_non_vehicle_requests(smartcar: Collection) -> None:
    def effective(*path: str):  # type: ignore[no-untyped-def]
        request = smartcar.find(list(path))
        assert request is not None, path
        return request, smartcar.effective_auth(request)

    for name in ("Exchange code", "Refresh token"):
        request, auth = effective(V2, "Auth", name)
        assert (auth.kind, auth.username, auth.password) == (
            AuthKind.BASIC,
            "{{client_id}}",
            "{{client_secret}}",
        )
        assert request.body.kind == BodyKind.FORM
        assert request.url == "{{auth_url}}/oauth/token"
        captured = {c.variable for c in request.captures}
        assert captured == {"manual_access_token", "manual_refresh_token"}
    _, connect = effective(V2, "Auth", "Connect URL")
    assert connect.kind == AuthKind.NONE
    for name in ("By VIN", "Matrix"):
        request, auth = effective(V2, "Compatibility", name)
        assert (auth.kind, auth.username, auth.password) == (
            AuthKind.BASIC,
            "{{client_id}}",
            "{{client_secret}}",
        )
        assert request.url.startswith("{{api_url}}/v2.0/compatibility")
    for name in ("Get connections", "Delete connections"):
        request, auth = effective(V2, "Management", name)
        assert (auth.kind, auth.username, auth.password) == (AuthKind.BASIC, "default", "{{amt}}")
        assert request.url == "{{mgmt_url}}/v2.0/management/connections"
    _, unsubscribe = effective(V2, "Webhooks", "Unsubscribe")
    assert (unsubscribe.kind, unsubscribe.token) == (AuthKind.BEARER, "{{amt}}")
    # v3's token request shows the raw client-credentials call and captures nothing.
    token, auth = effective("Auth", "Application token")
    assert auth.kind == AuthKind.NONE and token.captures == []
    assert token.url == "{{iam_url}}/oauth2/token" and token.body.kind == BodyKind.FORM
    assert [(f.name, f.value) for f in token.body.form] == [
        ("grant_type", "client_credentials"),
        ("client_id", "{{api_client_id}}"),
        ("client_secret", "{{api_client_secret}}"),
    ]
    for name, response_type in (("Connect URL (code)", "code"), ("Connect URL (none)", "none")):
        request, auth = effective("Connect", name)
        assert auth.kind == AuthKind.NONE
        params = {p.name: p.value for p in request.params if p.enabled}
        assert params["response_type"] == response_type
        assert params["application_id"] == "{{application_id}}"


def test_batch_body(smartcar: Collection) -> None:
    import json

    batch = smartcar.find([V2, "Batch", "Batch"])
    assert batch is not None and batch.method == "POST"
    assert json.loads(batch.body.text) == {
        "requests": [{"path": "/odometer"}, {"path": "/location"}]
    }


def test_file_names_are_stable_slugs() -> None:
    # The files are the product: every one is a slug of its request or folder name.
    for path in SMARTCAR_DIR.rglob("*.toml"):
        assert re.fullmatch(r"[a-z0-9-]+\.toml", path.name), path
    assert (SMARTCAR_DIR / "v2" / "vehicle" / "odometer.toml").is_file()
    assert (SMARTCAR_DIR / "connections" / "list-connections.toml").is_file()


@pytest.mark.parametrize("env_name", ["sandbox", "test", "simulated", "live"])
def test_environment_scope_covers_the_collection(smartcar: Collection, env_name: str) -> None:
    env = load_environment_file(ENVIRONMENTS_DIR / f"{env_name}.toml")
    assert env.oauth2 is not None
    needed = {
        r.meta["permission"]
        for _, r in smartcar.walk()
        if r.meta["permission"] not in ("none", PER_SIGNAL)
    }
    make_specific = {
        r.meta["permission"]
        for r in next(f for f in v2_folder(smartcar).folders if f.name == "Make-specific").requests
    }
    if env_name == "live":
        # Live asks real owners: the make-specific permissions are left to a copy.
        needed -= make_specific - {"read_charge"}
    assert needed <= set(env.oauth2.scope), needed - set(env.oauth2.scope)


def test_send_path_finds_the_odometer(xdg: Path) -> None:
    workspace = Workspace().load("sandbox")
    collection, request = workspace.find_request(f"Smartcar API/{V2}/Vehicle/Odometer")
    assert collection.read_only
    assert request.url == V2_VEHICLE + "/odometer"
    assert request.meta["permission"] == "read_odometer"
    # Paths written before v2.0 moved into its folder keep working (scripts, the README) ...
    _, same = workspace.find_request("Smartcar API/Vehicle/Odometer")
    assert same is request
    _, all_vehicles = workspace.find_request("Smartcar API/User/All Vehicles")
    assert all_vehicles.name == "All Vehicles" and all_vehicles.url.startswith("{{api_url}}")
    # ... but a path that names a request exactly wins: Commands/Lock is v3's.
    _, lock = workspace.find_request("Smartcar API/Commands/Lock")
    assert lock.url.startswith(V3_VEHICLE)
    _, v2_lock = workspace.find_request(f"Smartcar API/{V2}/Commands/Lock")
    assert v2_lock.url.startswith(V2_VEHICLE)
    assert not [i for i in workspace.issues if "smartcar-api" in str(i.path)]


@pytest.mark.parametrize("env_name", ["sandbox", "test", "simulated", "live"])
def test_environments_use_api_authentication(env_name: str) -> None:
    env = load_environment_file(ENVIRONMENTS_DIR / f"{env_name}.toml")
    assert env.auth_model == AuthModel.API
    assert env.app_auth.token_url == "{{iam_url}}/oauth2/token"
    assert env.app_auth.client_id == "{{api_client_id}}"
    assert env.variables["api_client_id"] == "{{client_id}}"
    assert env.variables["application_id"] == "{{client_id}}"
    for name in ("iam_url", "vehicle_url", "management_url", "signal_code"):
        assert env.variables.get(name), (env_name, name)
    # Connect keeps the code: one login gives the user id and v2.0's per-vehicle tokens.
    assert env.oauth2 is not None and env.oauth2.response_type == "code"
