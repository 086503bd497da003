"""Shared fixtures of the built-in collection, environment and Smartcar-helper tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.builtin import COLLECTIONS_DIR, ENVIRONMENTS_DIR
from tui.core.collection_io import load_collection
from tui.core.environments import load_environment_file
from tui.core.model import Collection, Environment

SMARTCAR_DIR = COLLECTIONS_DIR / "smartcar-api"


@pytest.fixture
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point carman's config and data directories (platformdirs honours XDG_*) at tmp_path."""
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        target = tmp_path / name.lower()
        target.mkdir()
        monkeypatch.setenv(name, str(target))
    return tmp_path


@pytest.fixture(scope="session")
def smartcar() -> Collection:
    collection, issues = load_collection(SMARTCAR_DIR, read_only=True)
    assert issues == []
    return collection


@pytest.fixture(scope="session")
def sandbox_env() -> Environment:
    return load_environment_file(ENVIRONMENTS_DIR / "sandbox.toml")
