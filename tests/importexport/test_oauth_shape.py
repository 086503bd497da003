"""Imported OAuth2 / bearer collections have the shape the send pipeline and login expect.

(A full login-and-send against the sandbox is the lead's test; this checks the shape.)
"""

from __future__ import annotations

from pathlib import Path

from tests.importexport.helpers import DATA
from tui.core.importers.postman import import_postman_collection, import_postman_file
from tui.core.model import AuthKind, OAuth2Settings
from tui.core.workspace import Workspace

V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def test_collection_oauth2_resolves_to_configured_settings(xdg: Path) -> None:
    collection, _ = import_postman_file(DATA / "smartcar_v21.json")
    request = collection.find(["Vehicles", "All vehicles"])
    assert request is not None
    auth = collection.effective_auth(request)
    assert auth.kind == AuthKind.OAUTH2
    assert isinstance(auth.oauth2, OAuth2Settings) and auth.oauth2.is_configured()
    workspace = Workspace()
    workspace.use_collection(collection)
    settings = workspace.oauth_settings(collection, request)
    assert settings is auth.oauth2
    resolved = workspace.resolve_settings(settings)
    assert resolved.client_id == "client-abc"
    assert resolved.token_url == "https://auth.smartcar.com/oauth/token"


def test_bearer_token_variables_resolve_in_the_header(xdg: Path) -> None:
    collection, _ = import_postman_file(DATA / "smartcar_v21.json")
    workspace = Workspace()
    # The token manager provides these two names from the token store.
    workspace.variables.add_provider("access_token", lambda: "tok-access")
    workspace.variables.add_provider("bearerToken", lambda: "tok-bearer")
    workspace.variables.set("vehicle_id", "veh-1")
    odometer = collection.find(["Vehicles", "Odometer"])
    assert odometer is not None
    assert collection.effective_auth(odometer).token == "{{access_token}}"
    prepared = workspace.prepare(collection, odometer)
    assert prepared.header("authorization") == "Bearer tok-access"
    assert prepared.url == "https://api.smartcar.com/v2.0/vehicles/veh-1/odometer"
    lock = collection.find(["Vehicles", "Commands", "Lock"])  # inherits the folder's bearer
    assert lock is not None
    assert workspace.prepare(collection, lock).header("authorization") == "Bearer tok-access"
    own = collection.find(["Keys", "Own auth"])
    assert own is not None
    assert workspace.prepare(collection, own).header("authorization") == "Bearer tok-bearer"


def test_postman_style_header_with_oauth2_settings(xdg: Path) -> None:
    data = {
        "info": {"name": "Header style", "schema": V21},
        "auth": {
            "type": "oauth2",
            "oauth2": [
                {"key": "authUrl", "value": "https://connect.smartcar.com/oauth/authorize"},
                {"key": "accessTokenUrl", "value": "https://auth.smartcar.com/oauth/token"},
                {"key": "clientId", "value": "cid"},
                {"key": "addTokenTo", "value": "queryParams"},
            ],
        },
        "item": [
            {
                "name": "Vehicles",
                "request": {
                    "url": "https://api.smartcar.com/v2.0/vehicles",
                    "header": [{"key": "Authorization", "value": "Bearer {{access_token}}"}],
                    "auth": {
                        "type": "bearer",
                        "bearer": [{"key": "token", "value": "{{bearerToken}}"}],
                    },
                },
            }
        ],
    }
    collection, _ = import_postman_collection(data)
    request = collection.requests[0]
    assert collection.auth is not None and collection.auth.oauth2 is not None
    assert collection.auth.oauth2.add_token_to == "query"
    assert request.auth.kind == AuthKind.BEARER and request.auth.token == "{{bearerToken}}"
    workspace = Workspace()
    workspace.variables.add_provider("access_token", lambda: "tok-a")
    workspace.variables.add_provider("bearerToken", lambda: "tok-a")
    # The typed header wins over the auth tab, and it resolves from the token provider.
    assert workspace.prepare(collection, request).header("authorization") == "Bearer tok-a"
