"""The built-in environments: sandbox, test, simulated and live."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.builtin import ENVIRONMENTS_DIR
from tui.core.environments import load_environment_file
from tui.core.masking import is_secret_name
from tui.core.workspace import Workspace

NAMES = ["sandbox", "test", "simulated", "live"]
URLS = ("connect_url", "auth_url", "api_url", "mgmt_url", "v3_url")
REQUIRED = {*URLS, "api_version", "mode", "unit_system", "redirect_uri"}
SMARTCAR_URLS = {
    "connect_url": "https://connect.smartcar.com",
    "auth_url": "https://auth.smartcar.com",
    "api_url": "https://api.smartcar.com",
    "mgmt_url": "https://management.smartcar.com",
    "v3_url": "https://vehicle.api.smartcar.com/v3",
}


@pytest.mark.parametrize("name", NAMES)
def test_environment_loads_with_oauth2_settings(name: str) -> None:
    path = ENVIRONMENTS_DIR / f"{name}.toml"
    env = load_environment_file(path)
    assert env.name == name
    assert env.description
    assert set(env.variables) >= REQUIRED
    assert env.variables["api_version"] == "2.0"
    assert env.variables["unit_system"] == "metric"
    assert env.variables["mode"] == ("test" if name == "sandbox" else name)
    settings = env.oauth2
    assert settings is not None
    assert settings.client_id == "{{client_id}}"
    assert settings.authorize_url == "{{connect_url}}/oauth/authorize"
    assert settings.token_url == "{{auth_url}}/oauth/token"
    assert settings.redirect_uri == "{{redirect_uri}}"
    assert settings.mode == env.variables["mode"]
    assert settings.scope and all(" " not in item for item in settings.scope)
    # Credentials are referenced, never stored: no secret-looking variable, and the file
    # tells the user where the client id and secret go.
    assert not [n for n in env.variables if is_secret_name(n)]
    text = path.read_text(encoding="utf-8")
    assert "client_id" in text and "secret" in text.lower()


@pytest.mark.parametrize("name", ["test", "simulated", "live"])
def test_smartcar_environments_point_at_smartcar(name: str) -> None:
    env = load_environment_file(ENVIRONMENTS_DIR / f"{name}.toml")
    assert {k: env.variables[k] for k in URLS} == SMARTCAR_URLS
    # Left to the user (client_id) and the secrets file (amt): undefined, so carman names
    # them instead of sending an empty credential.
    assert "client_id" not in env.variables
    assert "amt" not in env.variables


def test_sandbox_is_loopback_and_matches_the_sandbox_defaults() -> None:
    env = load_environment_file(ENVIRONMENTS_DIR / "sandbox.toml")
    for name in URLS:
        assert env.variables[name].startswith("http://127.0.0.1:"), name
    assert env.variables["v3_url"].endswith("/v3")
    from tui.sandbox import config  # ships with carman: a broken import must fail, not skip

    assert env.variables["client_id"] == config.DEFAULT_CLIENT_ID
    assert "amt" not in env.variables  # secret-named: set in memory by attach_sandbox
    assert env.variables["webhook_id"] in config.WEBHOOK_IDS
    assert env.variables["redirect_uri"] in config.DEFAULT_REDIRECT_URIS
    assert env.variables["api_url"].endswith(f":{config.DEFAULT_PORT}")


def test_workspace_loads_the_builtins(xdg: Path) -> None:
    workspace = Workspace().load(None)
    assert set(NAMES) <= set(workspace.environments)
    assert workspace.environment_name == "sandbox"
    assert all(workspace.environments[n].read_only for n in NAMES)
    assert not [i for i in workspace.issues if "environments" in str(i.path)]
    # The oauth2 settings resolve completely in the sandbox (client_id has a default there).
    resolved = workspace.resolve_settings(workspace.environments["sandbox"].oauth2)  # type: ignore[arg-type]
    assert resolved.authorize_url == "http://127.0.0.1:8700/oauth/authorize"
    assert resolved.redirect_uri == "http://localhost:8000/exchange"
    assert "{{" not in resolved.client_id


def test_secret_variables_come_from_the_secrets_store(xdg: Path) -> None:
    workspace = Workspace().load(None)
    workspace.secrets.set_variable("live", "amt", "amt-from-secrets")
    workspace.select_environment("live")
    assert workspace.variables.get("amt") == "amt-from-secrets"
    assert workspace.variables.get("client_id") is None
