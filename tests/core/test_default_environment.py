"""A plain ``carman`` starts in the sandbox until the user has configured their own client id."""

from __future__ import annotations

from pathlib import Path

from tui.core.config import save_setting
from tui.core.environments import SessionStore
from tui.core.workspace import Workspace


def test_sandbox_until_a_client_id_is_configured(xdg: Path) -> None:
    assert Workspace().load(None).environment_name == "sandbox"
    SessionStore().save("simulated", {"client_id": "my-app"})
    assert Workspace().load(None).environment_name == "simulated"
    save_setting("default_environment", "live")
    assert Workspace().load(None).environment_name == "live"
