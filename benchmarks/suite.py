"""The whole run: which measurements, at which sizes; the table and the JSON at the end.

``python -m benchmarks [--quick] [--out PATH] [--only NAME ...]`` from the repository root after
``pip install -e '.[test]'``. The terminal measurements need tmux (skipped, with a note, without
it). A full run takes a few minutes on 2 cores; ``--quick`` about one.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import history, large_response, send_overhead, startup
from benchmarks.report import Figure, Section, document, table, write_json
from benchmarks.terminal import tmux_available

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "latest.json"


@dataclass(frozen=True)
class Sizes:
    startup_runs: int
    large_sizes: tuple[large_response.Case, ...]
    idle_pairs: int
    history_entries: int
    history_repeats: int
    send_iterations: int
    warmup: bool = True


FULL = Sizes(5, large_response.SIZES, 3, history.ENTRIES, 5, 500)
QUICK = Sizes(2, large_response.SIZES, 1, 10_000, 3, 100)
# For the smoke test (--tiny): every piece runs once, nothing is big. Its figures mean nothing.
TINY = Sizes(1, large_response.TINY_SIZES, 1, 200, 1, 5, warmup=False)


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sections(sizes: Sizes) -> dict[str, Callable[[], Section]]:
    return {
        "startup": lambda: startup.run(runs=sizes.startup_runs, warmup=sizes.warmup, log=_log),
        "large": lambda: large_response.run(
            sizes=sizes.large_sizes, idle_pairs=sizes.idle_pairs, log=_log
        ),
        "history": lambda: history.run(
            entries=sizes.history_entries,
            repeats=sizes.history_repeats,
            screen=tmux_available(),
            log=_log,
        ),
        "send": lambda: send_overhead.run(iterations=sizes.send_iterations, log=_log),
    }


NEEDS_TMUX = {"startup", "large"}


def measure(sizes: Sizes, only: Sequence[str] = ()) -> list[Section]:
    """Run the selected measurements; a failing one becomes a section with its error."""
    results = []
    for name, runner in sections(sizes).items():
        if only and name not in only:
            continue
        if name in NEEDS_TMUX and not tmux_available():
            results.append(Section(name, [Figure("skipped", None, "", note="tmux not installed")]))
            continue
        _log(f"{name} …")
        try:
            results.append(runner())
        except Exception as exc:  # one broken measurement must not lose the others
            traceback.print_exc()
            note = f"{type(exc).__name__}: {exc}".splitlines()[0][:80]
            results.append(Section(name, [Figure("failed", None, "", note=note)]))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs and entries (~1 min)")
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # smoke test
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(sections(FULL)),
        default=[],
        help="run only these measurements",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    sizes = TINY if args.tiny else QUICK if args.quick else FULL
    found = measure(sizes, args.only)
    elapsed = time.monotonic() - started
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    write_json(document(found, mode=mode, seconds=elapsed), args.out)
    print(table(found))
    print(f"\n{elapsed:.0f} s; figures written to {args.out}")
    return 0
