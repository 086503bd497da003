"""The standalone sandbox as a subprocess (``python -m tui.sandbox``), for the CLI tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def sandbox_cli(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    """The sandbox with its data and config under ``tmp_path``; stdout and stderr piped."""
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHONPATH": str(REPO),
        "NO_PROXY": "*",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tui.sandbox", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def banner(process: subprocess.Popen[str]) -> str:
    """What the sandbox prints at start, up to its "Ctrl-C" line (at most 40 lines)."""
    assert process.stdout is not None
    lines: list[str] = []
    while len(lines) < 40 and (line := process.stdout.readline()):
        lines.append(line)
        if "Ctrl-C" in line:
            break
    return "".join(lines)
