"""Reading JSON input with errors that name the file, line and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui.core.importers.report import ImportFailed

# Real collections are kilobytes to a few megabytes; anything this big is a mistake.
MAX_BYTES = 64 * 1024 * 1024


def read_input(path: Path) -> bytes:
    """The bytes of ``path`` (``-`` reads standard input), refusing huge files."""
    import sys

    if str(path) == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            if path.is_dir():
                raise ImportFailed(f"{path}: is a directory, not a file")
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise ImportFailed(
                    f"{path}: too large ({_mb(size)}; the limit is {_mb(MAX_BYTES)})"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFailed(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_BYTES:
        raise ImportFailed(f"{path}: too large (over {_mb(MAX_BYTES)})")
    return data


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text (a BOM is allowed), or a clear error for binary garbage."""
    if b"\x00" in data[:4096]:
        raise ImportFailed(f"{source}: a binary file, not JSON text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"{source}: not UTF-8 text (bad byte at line {line}, offset {exc.start})", line=line
        ) from None


def parse_json(text: str, source: str) -> Any:
    """Parse ``text``; a syntax error names the line and column."""
    if len(text) > MAX_BYTES:
        raise ImportFailed(f"{source}: too large (over {_mb(MAX_BYTES)})")
    if not text.strip():
        raise ImportFailed(f"{source}: empty input, expected JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"{source}: invalid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise ImportFailed(f"{source}: JSON nested too deeply") from None


def load_json(path: Path) -> Any:
    source = "standard input" if str(path) == "-" else str(path)
    return parse_json(decode_text(read_input(path), source), source)
