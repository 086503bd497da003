"""The whole run: which measurements, at which sizes; the table and the JSON at the end.

``python -m benchmarks [--quick] [--out PATH] [--only NAME ...] [--against OLD.json]
[--compare posting [--posting PATH]]`` from the repository root after ``pip install -e
'.[test]'``. The terminal measurements need tmux (skipped, with a note, without it). A full run
takes a few minutes on 2 cores; ``--quick`` about one. ``--against`` prints this run's figures
beside an earlier run's JSON; ``--compare posting`` adds a side-by-side run with Posting (see
``benchmarks/posting.py``).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import compare, history, large_response, posting, send_overhead, startup
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


NEEDS_TMUX = {"startup", "large", "posting"}


def measure(
    sizes: Sizes, only: Sequence[str] = (), extra: dict[str, Callable[[], Section]] | None = None
) -> list[Section]:
    """Run the selected measurements; a failing one becomes a section with its error."""
    results = []
    chosen = {name: runner for name, runner in sections(sizes).items() if not only or name in only}
    for name, runner in {**chosen, **(extra or {})}.items():
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
        "--against", type=Path, help="an earlier run's JSON: print old -> new for each figure"
    )
    parser.add_argument(
        "--compare",
        choices=["posting"],
        action="append",
        default=[],
        help="also measure a peer side by side (Posting: startup and big bodies)",
    )
    parser.add_argument(
        "--posting", help="the posting script (or its venv) for --compare posting; else PATH"
    )
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
    old = compare.load(args.against) if args.against else None  # fail early on a bad file
    extra: dict[str, Callable[[], Section]] = {}
    if "posting" in args.compare:
        script = posting.find_posting(args.posting)
        if script is None:
            parser.error("--compare posting: Posting not found (give --posting PATH)")
        runs = 1 if args.tiny else 2 if args.quick else 3
        extra["posting"] = lambda: posting.run(script, runs=runs, log=_log)
    found = measure(sizes, args.only, extra)
    elapsed = time.monotonic() - started
    mode = "tiny" if args.tiny else "quick" if args.quick else "full"
    data = document(found, mode=mode, seconds=elapsed)
    write_json(data, args.out)
    print(table(found))
    if old is not None:
        print(f"\nAgainst {args.against}:\n")
        print(compare.table(old, data, Path(args.against).name))
    print(f"\n{elapsed:.0f} s; figures written to {args.out}")
    return 0
