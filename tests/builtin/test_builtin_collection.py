"""The built-in "Smartcar API" collection: it loads cleanly, is complete and self-consistent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui.builtin import ENVIRONMENTS_DIR
from tui.core.collection_io import load_collection, save_collection
from tui.core.environments import load_environment_file
from tui.core.model import AuthKind, BodyKind, Collection, Environment, Request
from tui.core.prepare import texts_of
from tui.core.serialize import request_to_dict
from tui.core.smartcar import endpoints, permissions
from tui.core.variables import variable_names
from tui.core.workspace import Workspace

from .conftest import SMARTCAR_DIR

EXPECTED: dict[str, list[str]] = {
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
    "v3": ["Vehicle", "Signals", "Odometer signal"],
}

# Where every {{variable}} of the collection comes from. URLs may only use the environment's
# own variables and the vehicle id captured by User/All Vehicles.
CAPTURED_FOR_URLS = {"vehicle_id"}
# Typed by hand: the ?code= of Connect's redirect, for Auth/Exchange code.
TYPED = {"code"}
# Not a variable anyone stores: the secrets store answers it (keyed by client id).
# client_secret from the secrets store; amt from it too (or set in memory for the sandbox).
FROM_SECRETS = {"client_secret", "amt"}

V2_VEHICLE = "{{api_url}}/v{{api_version}}/vehicles/{{vehicle_id}}"


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
    assert smartcar.auth is not None and smartcar.auth.kind == AuthKind.OAUTH2
    # No settings in the collection: the environment supplies them.
    assert smartcar.auth.oauth2 is None


def test_has_every_folder_and_request_in_order(smartcar: Collection) -> None:
    assert [folder.name for folder in smartcar.folders] == list(EXPECTED)
    for folder in smartcar.folders:
        assert [r.name for r in folder.requests] == EXPECTED[folder.name], folder.name
        assert folder.description, folder.name
    assert smartcar.requests == []


def test_every_request_has_permission_description_and_docs(smartcar: Collection) -> None:
    for path, request in all_requests(smartcar):
        where = "/".join((*path, request.name))
        permission = request.meta.get("permission")
        assert isinstance(permission, str) and permission, where
        assert permission == "none" or permissions.is_known(permission), where
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
    )
    for path, request in all_requests(smartcar):
        auth = smartcar.effective_auth(request)
        used = {name for text in texts_of(request, auth) for name in variable_names(text)}
        # Disabled rows count too: enabling one must not surprise with an unknown name.
        for row in request.params + request.headers:
            used |= set(variable_names(row.value))
        assert used <= allowed, f"{'/'.join((*path, request.name))}: {used - allowed}"


def test_the_vehicle_picker_capture(smartcar: Collection) -> None:
    all_vehicles = smartcar.find(["User", "All Vehicles"])
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


def test_vehicle_requests_match_the_endpoint_table(smartcar: Collection) -> None:
    """v2.0 vehicle requests: unit header, inherited OAuth2, the permission Smartcar checks."""
    for path, request in all_requests(smartcar):
        if not request.url.startswith(V2_VEHICLE):
            continue
        where = "/".join((*path, request.name))
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
        if request.method in ("POST", "PUT") and request.name != "Subscribe":
            assert request.body.kind == BodyKind.JSON, where


def test_auth_of_the_non_vehicle_requests(smartcar: Collection) -> None:
    def effective(*path: str):  # type: ignore[no-untyped-def]
        request = smartcar.find(list(path))
        assert request is not None, path
        return request, smartcar.effective_auth(request)

    for name in ("Exchange code", "Refresh token"):
        request, auth = effective("Auth", name)
        assert (auth.kind, auth.username, auth.password) == (
            AuthKind.BASIC,
            "{{client_id}}",
            "{{client_secret}}",
        )
        assert request.body.kind == BodyKind.FORM
        assert request.url == "{{auth_url}}/oauth/token"
        captured = {c.variable for c in request.captures}
        assert captured == {"manual_access_token", "manual_refresh_token"}
    _, connect = effective("Auth", "Connect URL")
    assert connect.kind == AuthKind.NONE
    for name in ("By VIN", "Matrix"):
        request, auth = effective("Compatibility", name)
        assert (auth.kind, auth.username, auth.password) == (
            AuthKind.BASIC,
            "{{client_id}}",
            "{{client_secret}}",
        )
        assert request.url.startswith("{{api_url}}/v2.0/compatibility")
    for name in ("Get connections", "Delete connections"):
        request, auth = effective("Management", name)
        assert (auth.kind, auth.username, auth.password) == (AuthKind.BASIC, "default", "{{amt}}")
        assert request.url == "{{mgmt_url}}/v2.0/management/connections"
    _, unsubscribe = effective("Webhooks", "Unsubscribe")
    assert (unsubscribe.kind, unsubscribe.token) == (AuthKind.BEARER, "{{amt}}")
    for name in ("Vehicle", "Signals", "Odometer signal"):
        request, auth = effective("v3", name)
        assert auth.kind == AuthKind.OAUTH2
        assert request.url.startswith("{{v3_url}}/vehicles/{{vehicle_id}}")


def test_batch_body(smartcar: Collection) -> None:
    import json

    batch = smartcar.find(["Batch", "Batch"])
    assert batch is not None and batch.method == "POST"
    assert json.loads(batch.body.text) == {
        "requests": [{"path": "/odometer"}, {"path": "/location"}]
    }


def test_file_names_are_stable_slugs() -> None:
    # The files are the product: every one is a slug of its request or folder name.
    for path in SMARTCAR_DIR.rglob("*.toml"):
        assert re.fullmatch(r"[a-z0-9-]+\.toml", path.name), path
    assert (SMARTCAR_DIR / "vehicle" / "odometer.toml").is_file()


@pytest.mark.parametrize("env_name", ["sandbox", "test", "simulated", "live"])
def test_environment_scope_covers_the_collection(smartcar: Collection, env_name: str) -> None:
    env = load_environment_file(ENVIRONMENTS_DIR / f"{env_name}.toml")
    assert env.oauth2 is not None
    needed = {r.meta["permission"] for _, r in smartcar.walk() if r.meta["permission"] != "none"}
    make_specific = {
        r.meta["permission"]
        for r in next(f for f in smartcar.folders if f.name == "Make-specific").requests
    }
    if env_name == "live":
        # Live asks real owners: the make-specific permissions are left to a copy.
        needed -= make_specific - {"read_charge"}
    assert needed <= set(env.oauth2.scope), needed - set(env.oauth2.scope)


def test_send_path_finds_the_odometer(xdg: Path) -> None:
    workspace = Workspace().load("sandbox")
    collection, request = workspace.find_request("Smartcar API/Vehicle/Odometer")
    assert collection.read_only
    assert request.url == V2_VEHICLE + "/odometer"
    assert request.meta["permission"] == "read_odometer"
    _, all_vehicles = workspace.find_request("Smartcar API/User/All Vehicles")
    assert all_vehicles.name == "All Vehicles"
    assert not [i for i in workspace.issues if "smartcar-api" in str(i.path)]
