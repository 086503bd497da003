"""Startup: process start to the first complete frame, carman against a bare Textual app.

Method. Each app runs in a fresh session of a private tmux server (``terminal.Tmux``), 120x40.
The clock starts just before tmux is asked to fork the command (one ``sh`` that ``exec``s the
app) and stops at the first ``capture-pane`` (polled every ~4 ms through a control-mode client)
on which every marker of the app's first screen is present at once:

- carman: the header (``env: <name>``), the collection tree's first entry, the request
  editor's title, the response viewer's placeholder and the footer (``^p palette``);
- the bare app (``bare_app.py``): its header title and its footer key (``Quit``, ``palette``).

Runs are interleaved (bare, carman, carman --env local, bare, ...) after one unmeasured warm-up
of each, so disk caches and CPU frequency drift hit all of them alike; the figure is the median.

Which carman start is the user's default: plain ``carman`` with no configuration opens the
built-in "sandbox" environment and starts the offline sandbox in-process. That is the figure
held against the target. ``carman --env local`` (a user environment, no sandbox) is reported
beside it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bare_app import FOOTER_KEY, TITLE
from benchmarks.fixtures import bare_argv, carman_argv, child_env, make_home, median
from benchmarks.report import Figure, Section
from benchmarks.terminal import Tmux

TARGET_RATIO = 1.6


@dataclass
class App:
    label: str
    argv: list[str]
    home: Path
    markers: tuple[str, ...]

    def drawn(self, screen: str) -> bool:
        return all(marker in screen for marker in self.markers)


def _apps(workdir: Path) -> list[App]:
    bare_home = workdir / "bare"
    default_home = workdir / "default"
    local_home = workdir / "local"
    for home in (bare_home, default_home, local_home):
        home.mkdir(parents=True, exist_ok=True)
    # A user environment "local" and a collection "Bench" (nothing listens there: never sent).
    make_home(local_home, "http://127.0.0.1:9", [("Echo", "/echo")])
    return [
        App("bare", bare_argv(), bare_home, (TITLE, FOOTER_KEY, "palette")),
        App(
            "carman",
            carman_argv(),
            default_home,
            (
                "env: sandbox",
                "Smartcar API (built-in)",
                "Smartcar API ›",
                "No response yet",
                "palette",
            ),
        ),
        App(
            "carman --env local",
            carman_argv(["--env", "local"]),
            local_home,
            ("env: local", "▼ Bench", "Bench › Echo", "No response yet", "palette"),
        ),
    ]


def _once(tmux: Tmux, app: App, name: str) -> float:
    started = tmux.spawn(name, app.argv, child_env(app.home), cwd=app.home)
    pid = None
    try:
        seen, _ = tmux.wait(name, app.drawn, timeout=60)
        pid = tmux.pid(name)
        return seen - started
    finally:
        if pid is None:
            try:
                pid = tmux.pid(name)
            except Exception:  # the session may be gone already
                pid = None
        tmux.kill(name, pid)


def run(
    runs: int = 5,
    warmup: bool = True,
    size: tuple[int, int] = (120, 40),
    workdir: Path | None = None,
    log: Callable[[str], None] = print,
) -> Section:
    section = Section("startup")
    with tempfile.TemporaryDirectory(prefix="carman-bench-startup-") as tmp:
        work = workdir or Path(tmp)
        apps = _apps(work)
        times: dict[str, list[float]] = {app.label: [] for app in apps}
        with Tmux(work, *size) as tmux:
            for number, app in enumerate(apps if warmup else ()):
                _once(tmux, app, f"warm-{number}")  # pyc files, disk cache, the sandbox's state
            for index in range(runs):
                for number, app in enumerate(apps):
                    elapsed = _once(tmux, app, f"run{index}-{number}")
                    times[app.label].append(elapsed)
                    log(f"  startup {app.label}: {elapsed:.3f} s")
    bare = median(times["bare"])
    section.details = {
        "terminal": f"tmux {size[0]}x{size[1]}",
        "runs": runs,
        "times_s": times,
        "markers": {app.label: list(app.markers) for app in apps},
        "default_path": "carman (built-in sandbox environment, sandbox started in-process)",
    }
    section.figures.append(Figure("bare Textual app (Header+Footer), median", bare, "s"))
    names = {"carman": "carman (default: sandbox)", "carman --env local": "carman --env local"}
    for label, name in names.items():
        value = median(times[label])
        section.figures.append(Figure(f"{name}, median", value, "s"))
        ratio = value / bare if value is not None and bare else None
        section.figures.append(Figure(f"{name} / bare app", ratio, "x", target=TARGET_RATIO))
    return section
