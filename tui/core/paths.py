"""Where carman keeps its files.

Everything comes from platformdirs, which honours ``XDG_CONFIG_HOME`` and ``XDG_DATA_HOME``;
tests point those at temporary directories. Functions, not constants, so a changed
environment is seen at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "carman"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def collections_dir() -> Path:
    return data_dir() / "collections"


def environments_dir() -> Path:
    return data_dir() / "environments"


def history_db() -> Path:
    return data_dir() / "history.sqlite3"


def private_dir() -> Path:
    """The 0700 directory that holds the secrets and token files."""
    return data_dir() / "private"


def secrets_file() -> Path:
    return private_dir() / "secrets.toml"


def tokens_file() -> Path:
    return private_dir() / "tokens.json"


def sandbox_dir() -> Path:
    return data_dir() / "sandbox"


def ensure_private_dir() -> Path:
    """Create the private directory with mode 0700 (and tighten it if it exists)."""
    path = private_dir()
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path
