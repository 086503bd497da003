"""``python -m benchmarks`` runs end to end at tiny sizes and writes JSON of the agreed shape.

No timing is asserted here: speed targets live in the benchmark's own table, never in tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.tmux import require_tmux

ROOT = Path(__file__).resolve().parents[2]
FIGURE_KEYS = {"name", "value", "unit", "target", "direction", "note", "met"}

pytestmark = [pytest.mark.slow, pytest.mark.tmux]


def test_a_tiny_run_writes_every_section(tmp_path: Path) -> None:
    require_tmux()  # skips on a machine without tmux, fails under CI=true
    out = tmp_path / "latest.json"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--tiny", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "measurement" in result.stdout and "startup" in result.stdout

    data = json.loads(out.read_text())
    assert data["schema"] == 1
    assert data["mode"] == "tiny"
    assert {"python", "textual", "cpus", "tmux"} <= set(data["machine"])
    assert [s["name"] for s in data["sections"]] == [
        "startup",
        "large responses",
        "history",
        "send overhead",
    ]
    for section in data["sections"]:
        assert isinstance(section["details"], dict)
        assert section["figures"], section["name"]
        for figure in section["figures"]:
            assert set(figure) == FIGURE_KEYS
            # Every piece ran: a figure is missing only when the measurement failed.
            assert figure["value"] is not None, (section["name"], figure)
            assert isinstance(figure["value"], int | float)
            assert figure["met"] in (True, False, None)
            if figure["target"] is not None:
                assert figure["met"] is not None
    by_name = {s["name"]: s for s in data["sections"]}
    assert len(by_name["startup"]["details"]["times_s"]["bare"]) == 1
    sizes = by_name["large responses"]["details"]["sizes"]
    assert [s["label"] for s in sizes] == ["20 KB", "300 KB on disk"]
    assert not any(s["error"] for s in sizes)
    # The 50 MB path at a small size: kept on disk, formatted by the worker, searched.
    on_disk = sizes[1]
    assert on_disk["max_in_memory"] == 100_000 < on_disk["body_bytes"]
    assert on_disk["search_s"] is not None and on_disk["worker_peak_mb"] is not None
    names = [f["name"] for f in by_name["large responses"]["figures"]]
    assert "300 KB on disk: search for the last record, to its line shown" in names
    assert "300 KB on disk: format worker's peak memory (VmHWM)" in names
    assert by_name["history"]["details"]["store"]["entries"] == 200
    assert data["reference"] == []  # carman is measured alone

    # A later run compared with this one: old -> new for each figure it has.
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--tiny",
            "--only",
            "send",
            "--out",
            str(tmp_path / "again.json"),
            "--against",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"Against {out}" in again.stdout
    against = again.stdout.split(f"Against {out}")[1]
    bare = next(line for line in against.splitlines() if "bare httpx per request" in line)
    assert bare.count(" ms") == 2 and bare.rstrip().endswith("x")  # old, new, new/old
    assert "(not in this run)" in against  # the sections --only left out
