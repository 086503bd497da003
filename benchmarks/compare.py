"""``--against FILE``: this run's figures beside an earlier run's (old → new, and new / old).

Figures are matched by section and name; a count in a name ("worst of 29") is left out of the
match, since it varies from run to run. Figures in only one of the runs are listed as such.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from benchmarks.report import _fmt

_COUNT = re.compile(r"\(worst of \d+\)")


def _key(section: str, name: str) -> str:
    return f"{section}: {_COUNT.sub('(worst)', name)}"


def _figures(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for section in document.get("sections", []):
        for figure in section.get("figures", []):
            found[_key(section["name"], figure["name"])] = figure
    return found


def load(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Rows of (measurement, old, new, new/old) for every figure in either run."""
    before, after = _figures(old), _figures(new)
    rows = []
    for key in [*after, *(k for k in before if k not in after)]:
        a, b = before.get(key), after.get(key)
        unit = (b or a or {}).get("unit", "")
        old_value = a.get("value") if a else None
        new_value = b.get("value") if b else None
        ratio = ""
        if isinstance(old_value, int | float) and isinstance(new_value, int | float) and old_value:
            ratio = f"{new_value / old_value:.2f}x"
        rows.append(
            (
                key,
                _fmt(old_value, unit) if a else "(not in the old run)",
                _fmt(new_value, unit) if b else "(not in this run)",
                ratio,
            )
        )
    return rows


def table(old: dict[str, Any], new: dict[str, Any], old_name: str) -> str:
    rows = [("measurement", f"old ({old_name})", "new", "new/old"), *differences(old, new)]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
