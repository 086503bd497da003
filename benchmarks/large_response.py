"""Large responses: JSON bodies of ~20 KB, 1.25 MB, 6.25 MB and 50 MB through the real carman
in tmux.

Method: one fresh ``carman --env local`` process per size in tmux at 120x40. Its collection
"Bench" holds two requests to the same URL, ``/body/<size>`` of ``server.py`` (its own process
on 127.0.0.1, Nagle off); the first is open at start, so ctrl+j sends it. The screen is read with
``capture-pane`` every ~4 ms through tmux's control mode; times are CLOCK_MONOTONIC in every
process.

1. Clean send (no other key): ctrl+j, then poll. "First lines" is the first capture showing
   ``"bench_items"``, the body's first key (carman shows a large body as received first, then
   pretty-printed); "formatted" is the first capture showing the pretty-printed line
   ``  "bench_items": [`` with no "formatting …" note. "Arrival" is when the server's last
   write returned (over loopback the client reads as the server writes; what is left in the
   kernel's buffers drains in milliseconds once carman reads), so "first lines after arrival"
   is carman's own cost. carman's status-line total (``200 OK  N ms``) is kept in the details;
   on the first send it also includes creating the pooled httpx client. Peak memory is VmHWM
   of the carman process (``/proc/<pid>/status``) 0.5 s after the formatted body is shown.
2. Key delay: a probe key whose effect is a text change, pressed on the idle app (the floor of
   the method: tmux round trip, the key's own work, one frame), then back to back from a second
   ctrl+j until the body is rendered again and 0.3 s more (each press waits for the previous
   one's effect). Probes: "tree down/up" moves the tree's cursor, which opens the other request
   in the editor (its title changes), what a user does while waiting; "ctrl+w b" hides or shows
   the collection tree (a relayout of the whole screen). The figure is the worst press.
3. Search (cases with ``search``), after the probes: F11 maximises the response and focuses
   its body, ``/`` and the id of the body's last record (on the last page) are typed; the
   figure runs from the last typed key to the screen showing ``1/1`` and that line.

Memory: carman's VmHWM, and beside it the format worker's (a child process that formats big
bodies; its peak is read while it is still running), and their sum.

A case may set ``max_in_memory`` (written to carman's config.toml as ``[response]
max_in_memory_bytes``) to send its body down the on-disk path at a small size (the smoke test);
the 50 MB case takes that path with carman's default limit (32 MiB).
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.fixtures import carman_argv, child_env, make_home, median
from benchmarks.report import Figure, Section
from benchmarks.server import BenchServer, body_count, json_body
from benchmarks.terminal import Tmux, TmuxError, proc_status


@dataclass(frozen=True)
class Case:
    label: str
    size: int
    peak_target_mb: float = 250.0
    max_in_memory: int | None = None  # carman's [response] max_in_memory_bytes, if set
    search: bool = False  # also time a search for the last record


SIZES: tuple[Case, ...] = (
    Case("20 KB", 20_000),
    Case("1.25 MB", 1_250_000),
    Case("6.25 MB", 6_250_000),
    Case("50 MB", 50_000_000, peak_target_mb=600.0, search=True),
)
# The smoke test's: the 50 MB path (kept on disk, paged, searched) at a small size.
TINY_SIZES: tuple[Case, ...] = (
    Case("20 KB", 20_000),
    Case("300 KB on disk", 300_000, max_in_memory=100_000, search=True),
)
TARGET_AFTER_ARRIVAL_S = 0.5
TARGET_KEY_DELAY_MS = 100.0

FIRST = '"bench_items"'
PRETTY = '  "bench_items": ['
PENDING = "⏳"
FORMATTING = "formatting "
STATUS = re.compile(r"200 OK\s+(\d+) ms")
PROBE_TIMEOUT_S = 30.0
SETTLE_S = 0.3  # keep probing this long after the body is formatted: late work shows too
UNSEEN_RESPONSE_S = 10.0  # after this, a response never seen changing the screen is taken as shown
OTHER = "Bench › Other"  # the editor's title once the tree's second request is opened


@dataclass(frozen=True)
class Probe:
    """A key whose effect is a visible text change: ``marker`` appears or goes away."""

    label: str
    marker: str
    key_to_show: str
    key_to_hide: str


# Moving the tree's cursor opens the neighbouring request in the editor (its title changes):
# what a user does while waiting. ctrl+w b hides or shows the tree (a screen-wide relayout).
PROBES = (
    Probe("tree down/up", OTHER, "Down", "Up"),
    Probe("hide tree (ctrl+w b)", "Collections", "C-w b", "C-w b"),
)


@dataclass
class ProbeResult:
    idle_ms: list[float] = field(default_factory=list)
    # (sent at, seconds after the send key; delay in ms) while the body arrives and renders
    during: list[tuple[float, float]] = field(default_factory=list)
    timeouts: int = 0

    @property
    def worst_ms(self) -> float | None:
        return max((d for _, d in self.during), default=None)

    def to_json(self) -> dict[str, Any]:
        return {
            "idle_ms": [round(d, 1) for d in self.idle_ms],
            "idle_median_ms": median(self.idle_ms),
            "during": self.during,
            "during_median_ms": median([d for _, d in self.during]),
            "during_worst_ms": self.worst_ms,
            "timeouts": self.timeouts,
        }


@dataclass
class SizeResult:
    label: str
    requested_bytes: int
    body_bytes: int = 0
    max_in_memory: int | None = None
    arrival_s: float | None = None
    first_lines_s: float | None = None
    formatted_s: float | None = None
    carman_total_ms: float | None = None
    peak_mb: float | None = None
    worker_peak_mb: float | None = None
    idle_rss_mb: float | None = None
    search_s: float | None = None
    probes: dict[str, ProbeResult] = field(default_factory=dict)
    error: str = ""

    @property
    def first_after_arrival_s(self) -> float | None:
        if self.first_lines_s is None or self.arrival_s is None:
            return None
        return self.first_lines_s - self.arrival_s

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["probes"] = {name: p.to_json() for name, p in self.probes.items()}
        data["first_after_arrival_s"] = self.first_after_arrival_s
        return data


def _mb(kilobytes: int | None) -> float | None:
    return None if kilobytes is None else kilobytes * 1024 / 1_000_000


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _worker_peak_mb(pid: int) -> float | None:
    """The VmHWM of carman's format worker (``python -m tui.core.format_worker``), if any."""
    for child in _children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"tui.core.format_worker" in cmdline:
            return _mb(proc_status(child).get("VmHWM"))
    return None


def _last_id(size: int) -> str:
    """The id of the last record of ``json_body(size)`` (it sits on the body's last page)."""
    return f"{body_count(size) - 1:08d}"


def _search(tmux: Tmux, name: str, size: int) -> float:
    """F11 (maximise the response, focus its body), /, the last record's id; seconds from the
    last key to ``1/1`` with that line on screen. Escape and F11 put the screen back."""
    needle = _last_id(size)
    tmux.keys(name, "F11")
    time.sleep(0.3)  # not timed: the layout change and the focus
    tmux.keys(name, "/")
    tmux.wait(name, lambda s: "search text" in s, timeout=30)
    tmux.command(f"send-keys -t {name} -l {needle[:-1]}")
    sent = tmux.keys(name, needle[-1])
    try:
        seen, _ = tmux.wait(name, lambda s: "1/1" in s and f'"{needle}"' in s, timeout=120)
    finally:
        tmux.keys(name, "Escape")
        time.sleep(0.2)
        tmux.keys(name, "F11")
        time.sleep(0.3)
    return seen - sent


def _press(tmux: Tmux, name: str, probe: Probe, timeout: float) -> tuple[float, float | None]:
    """Press the probe's key; return (sent at, delay until its effect showed in ms, or None)."""
    shown = probe.marker in tmux.capture(name)
    sent = tmux.keys(name, probe.key_to_hide if shown else probe.key_to_show)
    try:
        seen, _ = tmux.wait(name, lambda s: (probe.marker in s) != shown, timeout=timeout)
    except TmuxError:
        return sent, None
    return sent, (seen - sent) * 1000


def _status_ms(screen: str) -> float | None:
    match = STATUS.search(screen)
    return float(match.group(1)) if match else None


def _shows_new_response(screen: str, previous_status: float | None) -> bool:
    if PENDING in screen or FORMATTING in screen:
        return True
    status = _status_ms(screen)
    return status is not None and status != previous_status


def _rendered(screen: str) -> bool:
    return PENDING not in screen and FORMATTING not in screen and PRETTY in screen


def _idle(tmux: Tmux, name: str, probe: Probe, pairs: int, result: ProbeResult) -> None:
    for _ in range(pairs * 2):  # pairs, so the screen ends as it started
        _, delay = _press(tmux, name, probe, 10)
        if delay is not None:
            result.idle_ms.append(delay)


def _during(tmux: Tmux, server: BenchServer, name: str, probe: Probe, result: ProbeResult) -> None:
    """Send again and press the probe key back to back until the body is rendered (+settle)."""
    server.drain()
    previous_status = _status_ms(tmux.capture(name))
    sent = tmux.keys(name, "C-j")
    finished_at: float | None = None
    # The previous response's formatted body is on screen until the new one replaces it: the
    # body counts as rendered only once the new response was seen (pending, formatting, or a
    # new status line), else the loop could end before the formatting it is meant to cover.
    fresh_seen = False
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        at, delay = _press(tmux, name, probe, PROBE_TIMEOUT_S)
        if delay is None:  # counted at the timeout, so a lost key shows as the worst delay
            result.timeouts += 1
            delay = PROBE_TIMEOUT_S * 1000
        result.during.append((round(at - sent, 4), round(delay, 1)))
        screen = tmux.capture(name)
        fresh_seen = fresh_seen or _shows_new_response(screen, previous_status)
        # A tiny body may replace the old one between two captures with the same status time.
        fresh_seen = fresh_seen or time.monotonic() - sent > UNSEEN_RESPONSE_S
        if finished_at is None and fresh_seen and server.has_done() and _rendered(screen):
            finished_at = time.monotonic()
        if finished_at is not None and time.monotonic() - finished_at > SETTLE_S:
            break
    if probe.marker == OTHER and OTHER in tmux.capture(name):
        _press(tmux, name, probe, 10)  # back on the first request


def _measure(
    tmux: Tmux, server: BenchServer, home: Path, case: Case, idle_pairs: int
) -> SizeResult:
    label, size = case.label, case.size
    result = SizeResult(label, size, body_bytes=len(json_body(size)))
    result.max_in_memory = case.max_in_memory
    result.probes = {probe.label: ProbeResult() for probe in PROBES}
    name = f"large{size}"
    tmux.spawn(name, carman_argv(["--env", "local"]), child_env(home), cwd=home)
    pid: int | None = None
    try:
        tmux.wait(name, lambda s: "Bench ›" in s and "No response yet" in s and "palette" in s)
        pid = tmux.pid(name)
        time.sleep(0.3)  # let the first-layout follow-ups (tree selection) finish
        result.idle_rss_mb = _mb(proc_status(pid).get("VmRSS"))
        tree_probe = PROBES[0]
        _idle(tmux, name, tree_probe, idle_pairs, result.probes[tree_probe.label])

        # The clean send: no other key while it arrives and renders.
        server.drain()
        sent = tmux.keys(name, "C-j")
        first, screen = tmux.wait(name, lambda s: FIRST in s, timeout=180)
        result.first_lines_s = first - sent
        formatted, screen = tmux.wait(
            name, lambda s: PRETTY in s and FORMATTING not in s, timeout=300
        )
        result.formatted_s = formatted - sent
        result.carman_total_ms = _status_ms(screen)
        result.arrival_s = server.next_done(timeout=10).written - sent
        time.sleep(0.5)  # anything still allocating after the frame counts too
        result.peak_mb = _mb(proc_status(pid).get("VmHWM"))
        result.worker_peak_mb = _worker_peak_mb(pid)

        # Key delay while the same body arrives and renders again, once per probe key. The
        # tree probe goes first: hiding the tree with ctrl+w b takes the focus away from it.
        _during(tmux, server, name, tree_probe, result.probes[tree_probe.label])
        for probe in PROBES[1:]:
            _idle(tmux, name, probe, idle_pairs, result.probes[probe.label])
            _during(tmux, server, name, probe, result.probes[probe.label])
        if case.search:  # last: it moves the focus to the body
            result.search_s = _search(tmux, name, size)
    except TmuxError as exc:
        result.error = str(exc).splitlines()[0]
    finally:
        tmux.kill(name, pid)
    return result


def run(
    sizes: tuple[Case, ...] = SIZES,
    idle_pairs: int = 3,
    log: Callable[[str], None] = print,
) -> Section:
    section = Section("large responses")
    results: list[SizeResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="carman-bench-large-") as tmp,
        BenchServer([case.size for case in sizes]) as server,
        Tmux(Path(tmp), 120, 40) as tmux,
    ):
        for case in sizes:
            label, size = case.label, case.size
            home = Path(tmp) / f"home-{size}"
            home.mkdir()
            path = f"/body/{size}"
            # Two requests to the same URL: the tree probe moves between them.
            make_home(home, server.url, [(f"Body {label}", path), ("Other", path)])
            if case.max_in_memory is not None:
                config = home / "config" / "carman" / "config.toml"
                config.parent.mkdir(parents=True, exist_ok=True)
                config.write_text(f"[response]\nmax_in_memory_bytes = {case.max_in_memory}\n")
            result = _measure(tmux, server, home, case, idle_pairs)
            results.append(result)
            worst = {k: p.worst_ms for k, p in result.probes.items()}
            log(
                f"  {label}: arrival {_s(result.arrival_s)}, first lines"
                f" {_s(result.first_lines_s)}, formatted {_s(result.formatted_s)}, worst key"
                f" delays {worst} ms, peak {result.peak_mb} MB (worker"
                f" {result.worker_peak_mb} MB), search {_s(result.search_s)} {result.error}"
            )
    section.details = {
        "method": "real carman --env local in tmux 120x40, capture-pane polled every ~4 ms",
        "probes": {p.label: asdict(p) for p in PROBES},
        "sizes": [r.to_json() for r in results],
    }
    targets = {case.label: case for case in sizes}
    for r in results:
        case = targets[r.label]
        note = r.error[:60] if r.error else ""
        section.figures += [
            Figure(f"{r.label}: arrival (server done, from send key)", r.arrival_s, "s", note=note),
            Figure(f"{r.label}: first body lines, from send key", r.first_lines_s, "s"),
            Figure(
                f"{r.label}: first body lines after arrival",
                r.first_after_arrival_s,
                "s",
                target=TARGET_AFTER_ARRIVAL_S,
            ),
            Figure(f"{r.label}: formatted body shown, from send key", r.formatted_s, "s"),
        ]
        for key, probe in r.probes.items():
            section.figures.append(
                Figure(
                    f"{r.label}: {key} key delay while rendering (worst of {len(probe.during)})",
                    probe.worst_ms,
                    "ms",
                    target=TARGET_KEY_DELAY_MS,
                )
            )
        if case.search:
            section.figures.append(
                Figure(f"{r.label}: search for the last record, to its line shown", r.search_s, "s")
            )
        section.figures.append(
            Figure(f"{r.label}: peak memory (VmHWM)", r.peak_mb, "MB", target=case.peak_target_mb)
        )
        if r.worker_peak_mb is not None:
            both = (r.peak_mb or 0) + r.worker_peak_mb
            section.figures += [
                Figure(f"{r.label}: format worker's peak memory (VmHWM)", r.worker_peak_mb, "MB"),
                Figure(f"{r.label}: carman + format worker, peak memory", both, "MB"),
            ]
    for probe in PROBES:
        idle = [d for r in results for d in r.probes[probe.label].idle_ms]
        section.figures.append(
            Figure(f"{probe.label} key delay, idle app (floor)", median(idle), "ms")
        )
    return section


def _s(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} s"
