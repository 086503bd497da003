"""Figures, the table printed at the end of a run, and the JSON written beside it."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class Figure:
    """One measured value and the target it is held against (``met`` is None without one)."""

    name: str
    value: float | None  # None: could not be measured (``note`` says why)
    unit: str
    target: float | None = None
    # "max": the value must be at most the target; "min": at least.
    direction: str = "max"
    note: str = ""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value <= self.target if self.direction == "max" else self.value >= self.target

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["met"] = self.met
        return data


@dataclass
class Section:
    """The figures of one benchmark module plus its raw numbers (runs, probes, queries)."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "figures": [f.to_json() for f in self.figures],
            "details": self.details,
        }


# Reference figures printed beside ours (none: the benchmark measures carman alone).
REFERENCE: list[Figure] = []


def _tmux_version() -> str:
    if shutil.which("tmux") is None:
        return ""
    result = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def machine() -> dict[str, Any]:
    import httpx
    import textual

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "textual": getattr(textual, "__version__", ""),
        "httpx": httpx.__version__,
        "tmux": _tmux_version(),
        "executable": sys.executable,
    }


def document(sections: list[Section], *, mode: str, seconds: float) -> dict[str, Any]:
    return {
        "schema": SCHEMA_VERSION,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mode": mode,  # "full", "quick" or "tiny" (the smoke test's: figures mean nothing)
        "duration_s": round(seconds, 1),
        "machine": machine(),
        "sections": [s.to_json() for s in sections],
        "reference": [f.to_json() for f in REFERENCE],
    }


def write_json(data: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed, so an interrupted run never leaves half a file.
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in ("s",):
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "MB":
        return f"{value:.0f} MB" if value >= 100 else f"{value:.1f} MB"
    return f"{value:g} {unit}".strip()


def _target(figure: Figure) -> str:
    if figure.target is None:
        return ""
    sign = "<=" if figure.direction == "max" else ">="
    return f"{sign} {_fmt(figure.target, figure.unit)}"


def table(sections: list[Section]) -> str:
    rows: list[tuple[str, str, str, str]] = [("measurement", "value", "target", "met?")]
    for section in sections:
        for f in section.figures:
            met = {True: "yes", False: "NO", None: "-"}[f.met]
            value = _fmt(f.value, f.unit)
            if f.value is None and f.note:
                value = f"n/a ({f.note})"
            rows.append((f"{section.name}: {f.name}", value, _target(f), met))
    for f in REFERENCE:
        rows.append((f.name, _fmt(f.value, f.unit), f.note, ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
