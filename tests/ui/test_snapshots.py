"""SVG snapshots fix the look of the main states (pytest-textual-snapshot).

The scenes are the deterministic ones the README's screenshots come from: fixed seed, port,
clocks and size. Update after an intended change with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from screenshots.scenes import SIZE, scene_empty, scenes_for_snapshots, stage


# The scenes listen on fixed ports (they show on screen): one xdist worker runs them all.
@pytest.mark.xdist_group("fixed-ports")
@pytest.mark.parametrize("name", sorted(scenes_for_snapshots()))
def test_snapshot(name: str, snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    scene = scene_empty if name == "empty" else scenes_for_snapshots()[name]
    with stage(tmp_path) as current:
        assert snap_compare(current.app, run_before=scene, terminal_size=SIZE)
