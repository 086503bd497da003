"""carman side by side with Posting (the nearest peer): startup and time to show a big body.

``python -m benchmarks --compare posting [--posting PATH]``. Posting is never a dependency of
carman or its tests: install it in a venv of its own (it needs ``tree-sitter<0.26`` beside it, or
it crashes at start) and point ``--posting`` at its ``posting`` script or at the venv; without
``--posting`` it is looked up on PATH.

Method, the same for both apps and in the same run, in tmux 120x40 (``terminal.Tmux``):

- Startup: from just before tmux forks the app to the first capture showing its first screen
  complete (carman: as ``startup.py``'s ``carman --env local``; Posting: its title, the
  collection panel with the benchmark's request, and its footer). Interleaved runs after one
  unmeasured warm-up each; medians.
- Body: one fresh process per size. carman sends its open request (``ctrl+j``); Posting gets
  the URL typed into its URL bar (focused at start) and ``ctrl+j``. The clock runs from the send
  key to the first capture showing the body's first key (``"bench_items"``); for carman also to
  its formatted body (it shows a big body as received first). Posting highlights the whole
  document before it shows anything, so its one figure is compared with both of carman's.
  Peak memory is each process's VmHWM when the body is shown (or when the time ran out).
- Posting's collection: a temporary directory with one ``.posting.yaml`` request per size,
  aimed at the benchmark's own server, passed with ``--collection``.

Posting may take tens of seconds and more than a GB on the 6.25 MB body: each wait has a
timeout, and a miss is reported as "did not finish within N s", never a hang.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.fixtures import carman_argv, child_env, make_home, median
from benchmarks.large_response import FIRST, FORMATTING, PRETTY
from benchmarks.report import Figure, Section
from benchmarks.server import BenchServer
from benchmarks.terminal import Tmux, TmuxError, proc_status

SIZES: tuple[tuple[str, int], ...] = (("1.25 MB", 1_250_000), ("6.25 MB", 6_250_000))
BODY_TIMEOUT_S = 90.0
STARTUP_TIMEOUT_S = 60.0
CARMAN_MARKERS = ("env: local", "▼ Bench", "Bench ›", "No response yet", "palette")
POSTING_MARKERS = ("Posting", "Collection", "Body ", "Send")


def find_posting(explicit: str | None = None) -> Path | None:
    """``--posting`` (the script, or a venv holding it), else ``posting`` on PATH."""
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_dir():
            path = path / "bin" / "posting"
        return path if path.exists() else None
    found = shutil.which("posting")
    return Path(found) if found else None


@dataclass
class BodyTimes:
    shown_s: float | None = None  # carman: first lines; Posting: its (highlighted) body
    formatted_s: float | None = None  # carman only
    peak_mb: float | None = None
    note: str = ""


@dataclass
class Comparison:
    startup: dict[str, list[float]] = field(default_factory=lambda: {"carman": [], "posting": []})
    bodies: dict[str, dict[str, BodyTimes]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "startup_s": self.startup,
            "bodies": {
                label: {app: vars(times) for app, times in apps.items()}
                for label, apps in self.bodies.items()
            },
        }


def _mb(kilobytes: int | None) -> float | None:
    return None if kilobytes is None else kilobytes * 1024 / 1_000_000


def _write_collection(folder: Path, base_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for label, size in SIZES:
        slug = label.replace(" ", "-").replace(".", "-").lower()
        (folder / f"body-{slug}.posting.yaml").write_text(
            f"name: Body {label}\nmethod: GET\nurl: {base_url}/body/{size}\n", encoding="utf-8"
        )
    return folder


class Apps:
    """How to start each app in tmux, and when its first screen is complete."""

    def __init__(self, work: Path, posting: Path, base_url: str) -> None:
        self.work = work
        self.posting = posting
        self.base_url = base_url
        self.posting_home = work / "posting-home"
        self.posting_home.mkdir(parents=True, exist_ok=True)
        self.collection = _write_collection(work / "posting-collection", base_url)

    def carman_home(self, name: str, path: str) -> Path:
        home = self.work / f"carman-{name}"
        if not home.exists():
            home.mkdir(parents=True)
            make_home(home, self.base_url, [(f"Body {name}", path)])
        return home

    def spawn(self, tmux: Tmux, session: str, app: str, carman_home: Path) -> float:
        if app == "carman":
            argv = carman_argv(["--env", "local"])
            home = carman_home
        else:
            argv = [str(self.posting), "--collection", str(self.collection)]
            home = self.posting_home
        return tmux.spawn(session, argv, child_env(home), cwd=home)

    @staticmethod
    def drawn(app: str) -> Callable[[str], bool]:
        markers = CARMAN_MARKERS if app == "carman" else POSTING_MARKERS
        return lambda screen: all(marker in screen for marker in markers)


def _stop(tmux: Tmux, session: str) -> None:
    try:
        pid = tmux.pid(session)
    except TmuxError:
        pid = None
    tmux.kill(session, pid)


def _startup_once(tmux: Tmux, apps: Apps, app: str, session: str, home: Path) -> float | None:
    started = apps.spawn(tmux, session, app, home)
    try:
        seen, _ = tmux.wait(session, apps.drawn(app), timeout=STARTUP_TIMEOUT_S)
        return seen - started
    except TmuxError:
        return None
    finally:
        _stop(tmux, session)


def _body_once(tmux: Tmux, apps: Apps, app: str, session: str, home: Path, url: str) -> BodyTimes:
    times = BodyTimes()
    apps.spawn(tmux, session, app, home)
    pid: int | None = None
    try:
        tmux.wait(session, apps.drawn(app), timeout=STARTUP_TIMEOUT_S)
        pid = tmux.pid(session)
        time.sleep(0.5)  # the first layout's follow-ups
        if app == "posting":
            tmux.command(f"send-keys -t {session} -l {url}")
            tmux.wait(session, lambda s: url in s, timeout=10)
        sent = tmux.keys(session, "C-j")
        try:
            seen, _ = tmux.wait(session, lambda s: FIRST in s, timeout=BODY_TIMEOUT_S)
            times.shown_s = seen - sent
            if app == "carman":
                seen, _ = tmux.wait(
                    session,
                    lambda s: PRETTY in s and FORMATTING not in s,
                    timeout=BODY_TIMEOUT_S,
                )
                times.formatted_s = seen - sent
        except TmuxError:
            times.note = f"did not finish within {BODY_TIMEOUT_S:.0f} s"
        times.peak_mb = _mb(proc_status(pid).get("VmHWM"))
    except TmuxError as exc:
        times.note = str(exc).splitlines()[0][:80]
    finally:
        tmux.kill(session, pid)
    return times


def run(posting: Path, runs: int = 3, log: Callable[[str], None] = print) -> Section:
    section = Section("carman vs Posting")
    found = Comparison()
    with (
        tempfile.TemporaryDirectory(prefix="carman-bench-posting-") as tmp,
        BenchServer([size for _, size in SIZES]) as server,
        Tmux(Path(tmp), 120, 40) as tmux,
    ):
        apps = Apps(Path(tmp), posting, server.url)
        startup_home = apps.carman_home("startup", "/echo")
        for app in ("carman", "posting"):  # warm-up: pyc files, disk cache
            _startup_once(tmux, apps, app, f"warm-{app}", startup_home)
        for index in range(runs):
            for app in ("carman", "posting"):
                elapsed = _startup_once(tmux, apps, app, f"start{index}-{app}", startup_home)
                if elapsed is not None:
                    found.startup[app].append(elapsed)
                log(f"  startup {app}: {elapsed}")
        for label, size in SIZES:
            path = f"/body/{size}"
            home = apps.carman_home(label.replace(" ", ""), path)
            found.bodies[label] = {}
            for app in ("carman", "posting"):
                times = _body_once(tmux, apps, app, f"body{size}-{app}", home, server.url + path)
                found.bodies[label][app] = times
                log(f"  {label} {app}: {vars(times)}")
    section.details = {"posting": str(posting), **found.to_json()}
    _figures(section, found)
    return section


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _figures(section: Section, found: Comparison) -> None:
    carman_start = median(found.startup["carman"])
    posting_start = median(found.startup["posting"])
    section.figures += [
        Figure("startup, carman --env local (median)", carman_start, "s"),
        Figure("startup, Posting (median)", posting_start, "s"),
        Figure("startup, Posting / carman", _ratio(posting_start, carman_start), "x"),
    ]
    for label, apps in found.bodies.items():
        carman, posting = apps["carman"], apps["posting"]
        missed = posting.note or ""
        section.figures += [
            Figure(f"{label}: carman, first body lines from send key", carman.shown_s, "s"),
            Figure(f"{label}: carman, formatted body from send key", carman.formatted_s, "s"),
            Figure(
                f"{label}: Posting, body shown from send key", posting.shown_s, "s", note=missed
            ),
            Figure(
                f"{label}: Posting / carman (formatted)",
                _ratio(posting.shown_s, carman.formatted_s),
                "x",
                note=missed,
            ),
            Figure(
                f"{label}: Posting / carman (first lines)",
                _ratio(posting.shown_s, carman.shown_s),
                "x",
                note=missed,
            ),
            Figure(f"{label}: carman peak memory (VmHWM)", carman.peak_mb, "MB"),
            Figure(f"{label}: Posting peak memory (VmHWM)", posting.peak_mb, "MB", note=missed),
        ]
