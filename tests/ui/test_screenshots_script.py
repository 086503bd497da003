"""The screenshots script regenerates the committed files byte for byte (determinism)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xdist_group("fixed-ports")
def test_generate_reproduces_the_committed_screenshots(tmp_path: Path) -> None:
    names = ["main", "help"]
    result = subprocess.run(
        [sys.executable, str(ROOT / "screenshots" / "generate.py"), "--out", str(tmp_path), *names],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for name in names:
        fresh = (tmp_path / f"{name}.svg").read_bytes()
        committed = (ROOT / "screenshots" / f"{name}.svg").read_bytes()
        assert fresh == committed, f"screenshots/{name}.svg differs: run screenshots/generate.py"
