"""SIGKILL in the middle of saving a collection, again and again.

A writer process (collection_writer.py) saves a 30-request collection (root, a folder, a
sub-folder) over and over, every generation with new content, sizes and order, through both
``save_collection`` and ``save_request``. It is killed at random moments 50 times. After every
kill the directory must load without a single issue, with every request present exactly once,
each one a whole version the writer produced: never older than the last generation it finished
(nothing lost, nothing rolled back), never half of one.

History has the same test for its SQLite database in tests/history/test_crash.py.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.reliability.collection_writer import NAMES, build, make_request, save_generation
from tui.core.collection_io import load_collection, load_collections
from tui.core.model import Collection, Folder

WRITER = Path(__file__).with_name("collection_writer.py")
KILLS = 50


def _read_until(process: subprocess.Popen[str], prefix: str, saved: list[int]) -> str:
    """Read lines until one starts with ``prefix``; collect "saved N" lines on the way."""
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"the writer exited before printing {prefix!r}")
        if line.startswith("saved "):
            saved.append(int(line.split()[1]))
        if line.startswith(prefix):
            return line
        if line.startswith("dead ") and prefix != "dead ":
            raise AssertionError(f"the writer died before printing {prefix!r}: {line.strip()}")


def _check(directory: Path, floor: int, floor_even: int, ceiling: int) -> dict[str, int]:
    """Every file whole, every request there once, each at a generation in [floor, ceiling]."""
    collection, issues = load_collection(directory)
    assert issues == [], [str(issue) for issue in issues]
    found = collection.walk()
    names = [request.name for _, request in found]
    assert sorted(names) == sorted(NAMES), "a request was lost or duplicated"
    generations: dict[str, int] = {}
    for _, request in found:
        index = NAMES.index(request.name)
        generation = int(next(h.value for h in request.headers if h.name == "X-Gen"))
        assert floor <= generation <= ceiling, (request.name, generation, floor, ceiling)
        # Exactly the version that generation wrote: not a mix, not a truncation.
        assert request == make_request(index, generation), request.name
        generations[request.name] = generation
    _check_folders(collection, floor_even, ceiling)
    return generations


def _check_folders(collection: Collection, last_even: int, ceiling: int) -> None:
    """collection.toml and folder.toml are whole too: their order is one generation's order.

    Only ``save_collection`` (even generations) rewrites them, so they are at or after the
    last even generation that finished (``last_even``), possibly behind the requests.
    """
    generation = int(collection.variables["generation"])
    assert generation % 2 == 0 and last_even <= generation <= ceiling, (generation, last_even)
    assert [f.name for f in collection.folders] == ["Folder A"]
    assert [f.name for f in collection.folders[0].folders] == ["Deep"]
    expected = build(generation, Path("unused"))
    assert _names(collection) == _names(expected), "collection.toml's order is not whole"
    folder = _names(collection.folders[0])
    assert any(
        folder == _names(build(even, Path("unused")).folders[0])
        for even in range(last_even, ceiling + 1, 2)
    ), "folder.toml's order is not whole"


def _names(folder: Folder) -> list[str]:
    return [request.name for request in folder.requests]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_while_saving_never_loses_or_halves_a_request(tmp_path: Path) -> None:
    directory = tmp_path / "collections" / "crash"
    began = time.perf_counter()
    save_generation(0, directory)
    # One generation's time on this machine (fsync speed varies a lot): kills land early in
    # the first generation, late in it, or after one or more finished.
    generation_time = time.perf_counter() - began
    # Every request file is at a generation >= floor (the last one finished); the folder files
    # at one >= floor_even (the last save_collection that finished).
    floor = floor_even = ceiling = 0
    rng = random.Random(20261)
    zygote = subprocess.Popen(
        [sys.executable, str(WRITER), "zygote", str(directory)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert zygote.stdin is not None
    mixed = 0  # rounds that left files of different generations side by side
    try:
        for round_number in range(KILLS):
            start = ceiling + 1
            zygote.stdin.write(f"go {start}\n")
            zygote.stdin.flush()
            saved: list[int] = []
            pid = int(_read_until(zygote, "forked ", saved).split()[1])
            if round_number % 5 == 4:
                # Now and then only once a generation has finished, so the old content to keep
                # is not always generation 0.
                _read_until(zygote, "saved ", saved)
            time.sleep(rng.choice((0.25, 1.0, 2.5)) * generation_time * rng.random())
            os.kill(pid, signal.SIGKILL)
            status = int(_read_until(zygote, f"dead {pid} ", saved).split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            if saved:
                floor = max(saved)
                floor_even = max([floor_even, *(g for g in saved if g % 2 == 0)])
            # The generation it was writing when killed (if it had started one).
            ceiling = max(saved, default=start - 1) + 1
            generations = _check(directory, floor, floor_even, ceiling)
            mixed += len(set(generations.values())) > 1
    finally:
        zygote.stdin.close()
        try:
            zygote.wait(timeout=10)
        except subprocess.TimeoutExpired:
            zygote.kill()
            zygote.wait()
    # The kills did land mid-generation, and some writers finished generations before dying.
    assert mixed > 0 and floor > 0
    # Temporaries of killed writes are never taken for requests; loading the collections
    # directory (as carman does at start) clears them away.
    load_collections(directory.parent)
    assert not list(directory.rglob(".*.tmp"))
    assert _check(directory, floor, floor_even, ceiling)
