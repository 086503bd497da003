"""Shared fixtures of the built-in collection, environment and Smartcar-helper tests.

Temporary carman directories come from the suite-wide ``xdg`` fixture (tests/conftest.py).
"""

from __future__ import annotations

import pytest

from tui.builtin import COLLECTIONS_DIR, ENVIRONMENTS_DIR
from tui.core.collection_io import load_collection
from tui.core.environments import load_environment_file
from tui.core.model import Collection, Environment

SMARTCAR_DIR = COLLECTIONS_DIR / "smartcar-api"


@pytest.fixture(scope="session")
def smartcar() -> Collection:
    collection, issues = load_collection(SMARTCAR_DIR, read_only=True)
    assert issues == []
    return collection


@pytest.fixture(scope="session")
def sandbox_env() -> Environment:
    return load_environment_file(ENVIRONMENTS_DIR / "sandbox.toml")
