"""Large responses: JSON bodies of ~20 KB, 1.25 MB and 6.25 MB through the real carman in tmux.

Method (one fresh ``carman --env local`` process per size, 120x40, its first request aimed at
``/body/<size>`` of ``server.py`` running in its own process on 127.0.0.1):

1. Idle key delay: ctrl+b (hide/show the collection tree) pressed a few times on the idle app;
   each probe is timed from ``send-keys`` to the first capture on which the tree's border title
   ("Collections") has appeared or gone. This is the floor of the method (tmux round trip,
   Textual's relayout and one frame).
2. Clean send (no other key): ctrl+j, then ``capture-pane`` every ~4 ms. "First lines" is the
   first capture showing ``"bench_items"`` (the body's first key: carman shows a large body as
   received first, then pretty-printed); "formatted" is the first showing the pretty-printed
   line ``  "bench_items": [``. Arrival (network) is the later of the server's last write and
   the server's receipt of the request plus carman's own total time from its status line
   (``200 OK  N ms``): the moment the whole body is in carman's process. Peak memory is
   VmHWM of the carman process (``/proc/<pid>/status``) once the formatted body is shown.
3. Key delay while rendering: ctrl+j again, then ctrl+b probes back to back (each waits for the
   previous one's effect) from the send key until the formatted body is shown and 0.3 s more.
   The figure is the worst probe; the median and count are in the details.

Capture-pane polling resolves ~4-5 ms; all times are CLOCK_MONOTONIC across processes.
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
from benchmarks.server import BenchServer, json_body
from benchmarks.terminal import Tmux, TmuxError, proc_status

SIZES: tuple[tuple[str, int], ...] = (
    ("20 KB", 20_000),
    ("1.25 MB", 1_250_000),
    ("6.25 MB", 6_250_000),
)
TARGET_AFTER_ARRIVAL_S = 0.5
TARGET_KEY_DELAY_MS = 100.0
TARGET_PEAK_MB = 250.0

TREE = "Collections"  # the tree's border title: on screen exactly when the tree is shown
FIRST = '"bench_items"'
PRETTY = '  "bench_items": ['
PENDING = "⏳"
FORMATTING = "formatting "
STATUS = re.compile(r"200 OK\s+(\d+) ms")
SETTLE_S = 0.3  # keep probing this long after the body is formatted: late work shows too


@dataclass
class SizeResult:
    label: str
    requested_bytes: int
    body_bytes: int = 0
    arrival_s: float | None = None
    first_lines_s: float | None = None
    formatted_s: float | None = None
    carman_total_ms: float | None = None
    server_written_s: float | None = None
    peak_mb: float | None = None
    idle_rss_mb: float | None = None
    idle_key_ms: list[float] = field(default_factory=list)
    key_probes: list[tuple[float, float]] = field(default_factory=list)  # (sent at s, delay ms)
    probe_timeouts: int = 0
    error: str = ""

    @property
    def first_after_arrival_s(self) -> float | None:
        if self.first_lines_s is None or self.arrival_s is None:
            return None
        return self.first_lines_s - self.arrival_s

    @property
    def key_delay_max_ms(self) -> float | None:
        return max((d for _, d in self.key_probes), default=None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["first_after_arrival_s"] = self.first_after_arrival_s
        data["key_delay_max_ms"] = self.key_delay_max_ms
        data["key_delay_median_ms"] = median([d for _, d in self.key_probes])
        data["idle_key_median_ms"] = median(self.idle_key_ms)
        return data


def _mb(kilobytes: int | None) -> float | None:
    return None if kilobytes is None else kilobytes * 1024 / 1_000_000


def _toggle(tmux: Tmux, name: str, timeout: float) -> tuple[float, float | None]:
    """Press ctrl+b; return (sent at, delay until the tree flipped in ms, None on timeout)."""
    shown = TREE in tmux.capture(name)
    sent = tmux.keys(name, "C-b")
    try:
        seen, _ = tmux.wait(name, lambda s: (TREE in s) != shown, timeout=timeout)
    except TmuxError:
        return sent, None
    return sent, (seen - sent) * 1000


def _ensure_tree(tmux: Tmux, name: str) -> None:
    if TREE not in tmux.capture(name):
        _toggle(tmux, name, 10)


def _status_ms(screen: str) -> float | None:
    match = STATUS.search(screen)
    return float(match.group(1)) if match else None


def _measure(
    tmux: Tmux, server: BenchServer, home: Path, label: str, size: int, idle_probes: int
) -> SizeResult:
    result = SizeResult(label, size)
    name = f"large{size}"
    tmux.spawn(name, carman_argv(["--env", "local"]), child_env(home), cwd=home)
    pid: int | None = None
    try:
        tmux.wait(name, lambda s: "Bench ›" in s and "No response yet" in s and "palette" in s)
        pid = tmux.pid(name)
        time.sleep(0.3)  # let the first-layout follow-ups (tree selection) finish
        result.idle_rss_mb = _mb(proc_status(pid).get("VmRSS"))
        for _ in range(idle_probes * 2):  # pairs, so the tree ends up shown again
            _, delay = _toggle(tmux, name, 10)
            if delay is not None:
                result.idle_key_ms.append(delay)
        _ensure_tree(tmux, name)

        # 2. the clean send
        server.drain()
        sent = tmux.keys(name, "C-j")
        first, screen = tmux.wait(name, lambda s: FIRST in s, timeout=180)
        result.first_lines_s = first - sent
        formatted, screen = tmux.wait(
            name, lambda s: PRETTY in s and FORMATTING not in s, timeout=300
        )
        result.formatted_s = formatted - sent
        result.carman_total_ms = _status_ms(screen)
        done = server.next_done(timeout=10)
        result.server_written_s = done.written - sent
        arrival = done.written
        if result.carman_total_ms is not None:
            arrival = max(arrival, done.received + result.carman_total_ms / 1000)
        result.arrival_s = arrival - sent
        result.body_bytes = len(json_body(size))
        time.sleep(0.5)  # anything still allocating after the frame counts too
        result.peak_mb = _mb(proc_status(pid).get("VmHWM"))

        # 3. key delay while the same body arrives and renders again
        _ensure_tree(tmux, name)
        server.drain()
        sent = tmux.keys(name, "C-j")
        finished_at: float | None = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            at, delay = _toggle(tmux, name, 30)
            if delay is None:
                result.probe_timeouts += 1
            else:
                result.key_probes.append((round(at - sent, 4), round(delay, 1)))
            screen = tmux.capture(name)
            rendered = (
                PENDING not in screen
                and FORMATTING not in screen
                and PRETTY in screen
                and server.has_done()
            )
            if finished_at is None and rendered:
                finished_at = time.monotonic()
            if finished_at is not None and time.monotonic() - finished_at > SETTLE_S:
                break
    except TmuxError as exc:
        result.error = str(exc).splitlines()[0]
    finally:
        tmux.kill(name, pid)
    return result


def run(
    sizes: tuple[tuple[str, int], ...] = SIZES,
    idle_probes: int = 3,
    log: Callable[[str], None] = print,
) -> Section:
    section = Section("large responses")
    results: list[SizeResult] = []
    with (
        tempfile.TemporaryDirectory(prefix="carman-bench-large-") as tmp,
        BenchServer([size for _, size in sizes]) as server,
        Tmux(Path(tmp), 120, 40) as tmux,
    ):
        for label, size in sizes:
            home = Path(tmp) / f"home-{size}"
            home.mkdir()
            make_home(home, server.url, [(f"Body {label}", f"/body/{size}")])
            result = _measure(tmux, server, home, label, size, idle_probes)
            results.append(result)
            log(
                f"  {label}: first lines {result.first_lines_s}, arrival {result.arrival_s},"
                f" formatted {result.formatted_s}, key max {result.key_delay_max_ms} ms,"
                f" peak {result.peak_mb} MB {result.error}"
            )
    section.details = {
        "method": "real carman in tmux 120x40, capture-pane polled every ~4 ms",
        "sizes": [r.to_json() for r in results],
    }
    for r in results:
        note = r.error[:60] if r.error else ""
        section.figures += [
            Figure(f"{r.label}: arrival (network, from send key)", r.arrival_s, "s", note=note),
            Figure(f"{r.label}: first body lines, from send key", r.first_lines_s, "s"),
            Figure(
                f"{r.label}: first body lines after arrival",
                r.first_after_arrival_s,
                "s",
                target=TARGET_AFTER_ARRIVAL_S,
            ),
            Figure(f"{r.label}: formatted body shown, from send key", r.formatted_s, "s"),
            Figure(
                f"{r.label}: key delay while rendering (worst of {len(r.key_probes)})",
                r.key_delay_max_ms,
                "ms",
                target=TARGET_KEY_DELAY_MS,
            ),
            Figure(f"{r.label}: peak memory (VmHWM)", r.peak_mb, "MB", target=TARGET_PEAK_MB),
        ]
    idle = [d for r in results for d in r.idle_key_ms]
    section.figures.append(Figure("key delay, idle app (floor of the method)", median(idle), "ms"))
    return section
