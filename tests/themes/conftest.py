"""Helpers for theme tests: write a user theme file into the temporary config directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core import paths


@pytest.fixture
def user_theme(xdg: Path) -> Callable[[str, str], Path]:
    """Write ``<XDG config>/carman/themes/<name>.toml`` with ``text``; returns its path."""

    def write(name: str, text: str) -> Path:
        directory = paths.user_themes_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write
