"""An imported Postman collection using {{access_token}} with oauth2 settings logs in and sends
against the sandbox: import (CLI), log in with the collection's own settings, send."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.net import free_port
from tui.cli import main
from tui.core import paths
from tui.core.session import open_session
from tui.core.workspace import Workspace
from tui.sandbox import start_sandbox

V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _postman(base: str, client_id: str, secret: str, redirect: str) -> dict:  # type: ignore[type-arg]
    return {
        "info": {"name": "Imported Smartcar", "schema": V21},
        "variable": [{"key": "base", "value": base}],
        "auth": {
            "type": "oauth2",
            "oauth2": [
                {"key": "authUrl", "value": "{{base}}/oauth/authorize"},
                {"key": "accessTokenUrl", "value": "{{base}}/oauth/token"},
                {"key": "clientId", "value": client_id},
                {"key": "clientSecret", "value": secret},
                {"key": "scope", "value": "read_vehicle_info read_odometer"},
                {"key": "redirect_uri", "value": redirect},
                {"key": "addTokenTo", "value": "header"},
                {"key": "authRequestParams", "value": [{"key": "mode", "value": "test"}]},
            ],
        },
        "item": [
            {
                "name": "Vehicles",
                "request": {"method": "GET", "url": "{{base}}/v2.0/vehicles"},
                "event": [
                    {
                        "listen": "test",
                        "script": {
                            "exec": [
                                'pm.collectionVariables.set("vehicle_id", '
                                "pm.response.json().vehicles[0]);"
                            ]
                        },
                    }
                ],
            },
            {
                "name": "Odometer",
                "request": {
                    "method": "GET",
                    "url": "{{base}}/v2.0/vehicles/{{vehicle_id}}/odometer",
                    "auth": {
                        "type": "bearer",
                        "bearer": [{"key": "token", "value": "{{access_token}}"}],
                    },
                },
            },
        ],
    }


async def test_imported_collection_logs_in_and_sends(xdg: Path, tmp_path: Path) -> None:
    with start_sandbox(state_dir=tmp_path / "sandbox", seed=11) as sandbox:
        redirect = f"http://localhost:{free_port()}/exchange"
        sandbox.register_redirect_uri(redirect)
        source = tmp_path / "collection.json"
        source.write_text(
            json.dumps(
                _postman(sandbox.base_url, sandbox.client_id, sandbox.client_secret, redirect)
            )
        )
        assert main(["import", "postman", str(source)]) == 0

        workspace = Workspace().load(None)
        open_session(workspace=workspace)
        collection = next(c for c in workspace.collections if c.name == "Imported Smartcar")
        vehicles = collection.find(["Vehicles"])
        odometer = collection.find(["Odometer"])
        assert vehicles is not None and odometer is not None
        assert vehicles.captures and vehicles.captures[0].variable == "vehicle_id"
        workspace.use_collection(collection)

        # Log in with the collection's own OAuth2 settings (the secret came from the import).
        settings = workspace.oauth_settings(collection, odometer)
        assert settings is not None
        resolved = workspace.resolve_settings(settings)
        assert workspace.secrets.client_secret(resolved.client_id) == sandbox.client_secret
        manager = workspace.pipeline.token_source
        flow = manager.login(resolved)  # type: ignore[union-attr]
        flow.start()
        try:
            location = sandbox.approve(flow.authorize_url, "1-vehicles@smartcar.com")
            async with httpx.AsyncClient() as browser:
                await browser.get(location)
            await flow.wait()
        finally:
            flow.stop()

        exchange, capture = await workspace.send(collection, vehicles)
        assert exchange.ok, exchange.response.text if exchange.response else exchange.error
        assert capture.captured["vehicle_id"]
        exchange, _ = await workspace.send(collection, odometer)
        assert exchange.ok, exchange.response.text if exchange.response else exchange.error
        assert "distance" in exchange.response.json()
        # The collection on disk holds no secret and no token.
        token = manager.stored(resolved)  # type: ignore[union-attr]
        assert token is not None
        secrets = [sandbox.client_secret, token.access_token, token.refresh_token]
        for path in Path(paths.collections_dir()).rglob("*"):
            if path.is_file():
                text = path.read_text(errors="replace")
                assert not [s for s in secrets if s in text], path
        await workspace.aclose()
