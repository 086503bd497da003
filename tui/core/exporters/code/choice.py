"""The target last copied, remembered in config.toml as ``code_target``."""

from __future__ import annotations

from tui.core import paths
from tui.core.config import save_setting
from tui.core.exporters.code.registry import BY_ID, DEFAULT_TARGET
from tui.core.tomlfile import TomlFileError, read_toml

SETTING = "code_target"


def remembered_target() -> str:
    """The remembered target, or the default when none (or a broken file, or an old id)."""
    path = paths.config_file()
    try:
        value = read_toml(path).get(SETTING) if path.exists() else None
    except TomlFileError:
        return DEFAULT_TARGET
    return value if isinstance(value, str) and value in BY_ID else DEFAULT_TARGET


def remember_target(target_id: str) -> None:
    """Raises TomlFileError when config.toml is malformed (it is never overwritten then)."""
    save_setting(SETTING, target_id)
