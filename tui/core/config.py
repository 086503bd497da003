"""``config.toml``: theme, keymap, history and response limits, default environment.

A malformed file never stops carman: the defaults apply and ``issues`` says what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from tui.core import paths
from tui.core.atomic import atomic_write_text
from tui.core.errors import LoadIssue
from tui.core.tomlfile import TomlFileError, line_of_key, read_toml

DEFAULT_THEME = "carman-dark"


@dataclass
class HistoryLimits:
    max_entries: int = 10_000
    max_bytes: int = 200 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024


# Response bodies bigger than this are kept in a temporary file (0600) while they are shown,
# not in memory; the viewer pages through them from disk.
DEFAULT_MAX_IN_MEMORY_BYTES = 32 * 1024 * 1024


@dataclass
class ResponseLimits:
    max_in_memory_bytes: int = DEFAULT_MAX_IN_MEMORY_BYTES


@dataclass
class Config:
    theme: str = DEFAULT_THEME
    default_environment: str = ""
    keymap: dict[str, str] = field(default_factory=dict)  # action id -> keys
    history: HistoryLimits = field(default_factory=HistoryLimits)
    response: ResponseLimits = field(default_factory=ResponseLimits)
    unit_system: str = "metric"
    timeout: float = 30.0
    issues: list[LoadIssue] = field(default_factory=list, compare=False)


def _int(
    section: dict[str, Any],
    key: str,
    default: int,
    path: Path,
    issues: list[LoadIssue],
    table: str = "history",
) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        issues.append(
            LoadIssue(path, f"{table}.{key}: expected a positive integer", line_of_key(path, key))
        )
        return default
    return value


def load_config(path: Path | None = None) -> Config:
    path = path or paths.config_file()
    config = Config()
    if not path.exists():
        return config
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        config.issues.append(exc.issue)
        return config
    issues = config.issues

    def text(key: str, default: str) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            issues.append(LoadIssue(path, f"{key}: expected a string", line_of_key(path, key)))
            return default
        return value

    config.theme = text("theme", config.theme)
    config.default_environment = text("default_environment", "")
    unit = text("unit_system", "metric")
    if unit not in ("metric", "imperial"):
        issues.append(
            LoadIssue(
                path, "unit_system: expected metric or imperial", line_of_key(path, "unit_system")
            )
        )
        unit = "metric"
    config.unit_system = unit
    timeout = data.get("timeout", config.timeout)
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0:
        config.timeout = float(timeout)
    else:
        issues.append(
            LoadIssue(path, "timeout: expected seconds > 0", line_of_key(path, "timeout"))
        )
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict):
        for action, keys in keymap.items():
            if isinstance(keys, str):
                config.keymap[str(action)] = keys
            else:
                issues.append(
                    LoadIssue(
                        path, f"keymap.{action}: expected a key string", line_of_key(path, action)
                    )
                )
    else:
        issues.append(LoadIssue(path, "keymap: expected a table", line_of_key(path, "keymap")))
    history = data.get("history", {})
    if isinstance(history, dict):
        config.history = HistoryLimits(
            max_entries=_int(history, "max_entries", HistoryLimits.max_entries, path, issues),
            max_bytes=_int(history, "max_bytes", HistoryLimits.max_bytes, path, issues),
            max_body_bytes=_int(
                history, "max_body_bytes", HistoryLimits.max_body_bytes, path, issues
            ),
        )
    else:
        issues.append(LoadIssue(path, "history: expected a table", line_of_key(path, "history")))
    response = data.get("response", {})
    if isinstance(response, dict):
        config.response = ResponseLimits(
            max_in_memory_bytes=_int(
                response,
                "max_in_memory_bytes",
                DEFAULT_MAX_IN_MEMORY_BYTES,
                path,
                issues,
                table="response",
            )
        )
    else:
        issues.append(LoadIssue(path, "response: expected a table", line_of_key(path, "response")))
    return config


def save_setting(key: str, value: Any, path: Path | None = None) -> None:
    """Change one top-level setting, keeping everything else in the file as it was."""
    path = path or paths.config_file()
    try:
        data = read_toml(path) if path.exists() else {}
    except TomlFileError:
        # Never overwrite a file the user must fix by hand.
        raise
    data[key] = value
    atomic_write_text(path, tomli_w.dumps(data))
