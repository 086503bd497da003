"""Reading TOML files with errors that carry the file and line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from tui.core.errors import LoadIssue

_LINE = re.compile(r"at line (\d+)")


class TomlFileError(Exception):
    def __init__(self, issue: LoadIssue) -> None:
        super().__init__(str(issue))
        self.issue = issue


def read_toml(path: Path) -> dict[str, Any]:
    """Parse ``path`` or raise TomlFileError naming the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TomlFileError(LoadIssue(path, f"cannot read: {exc.strerror or exc}")) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TomlFileError(LoadIssue(path, "not UTF-8 text", line)) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _LINE.search(message)
        at_line = int(match.group(1)) if match else None
        clean = re.sub(r"\(at line \d+, (column \d+)\)", r"(\1)", message)
        raise TomlFileError(LoadIssue(path, f"invalid TOML: {clean}", at_line)) from exc


def line_of_key(path: Path, key: str) -> int | None:
    """Best-effort line number of ``key = ...`` or ``[key]`` in a TOML file, for messages."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    pattern = re.compile(rf"^\s*(\[+\s*{re.escape(key)}\s*\]+|{re.escape(key)}\s*=)")
    for number, text in enumerate(lines, start=1):
        if pattern.match(text):
            return number
    return None
