"""Fixtures for the OAuth tests: temporary XDG dirs, the fake provider, a workspace."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oauth.oauth_fakes import CLIENT_ID, CLIENT_SECRET, Clock, FakeProvider, fake_environment
from tui.core.workspace import Workspace


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary XDG config and data homes; returns their common parent."""
    root = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(root / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(root / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    monkeypatch.delenv("SSH_TTY", raising=False)
    return root


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider(refresh_delay=0.02)
    yield fake
    fake.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workspace(xdg: Path, provider: FakeProvider) -> Workspace:
    ws = Workspace()
    env = fake_environment(provider, "http://127.0.0.1:0/callback")
    ws.environments = {env.name: env}
    ws.select_environment(env.name)
    ws.secrets.set_client_secret(CLIENT_ID, CLIENT_SECRET)
    return ws
