"""A collection writer run as a separate process by the collection crash test.

    python collection_writer.py zygote DIR    for each "go GEN" line on stdin, fork a child that
                                              saves the collection in DIR over and over, starting
                                              at generation GEN; print "forked PID", the child
                                              prints "saved GEN" after each whole generation;
                                              "dead PID STATUS" follows once it was killed

Generation ``g`` of the collection is fully determined by ``g`` (``build``), so the test can
tell exactly which version each file holds. Even generations go through ``save_collection``,
odd ones through ``save_request`` (one request file at a time), as the TUI's ctrl+s does.
The zygote imports once, so each of the many killed writers starts in a millisecond (the same
trick as tests/history/history_writer.py).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.core.collection_io import assign_file_names, save_collection, save_request
from tui.core.model import Body, BodyKind, Collection, Folder, KeyValue, Request

ROOT_REQUESTS = 12
FOLDER_REQUESTS = 12
DEEP_REQUESTS = 6
NAMES = [f"Request {i:02d}" for i in range(ROOT_REQUESTS + FOLDER_REQUESTS + DEEP_REQUESTS)]
MAX_GENERATIONS = 100_000  # a child left behind by a failed test stops on its own


def make_request(index: int, generation: int) -> Request:
    """Request ``index`` as generation ``generation`` writes it."""
    rng = random.Random(f"{index}:{generation}")
    size = rng.choice((0, 200, 3_000, 40_000))
    body = json.dumps({"index": index, "gen": generation, "pad": "x" * size})
    return Request(
        name=NAMES[index],
        method=rng.choice(("GET", "POST", "PUT")),
        url=f"https://api.example.com/items/{index}?gen={generation}",
        headers=[KeyValue("X-Gen", str(generation)), KeyValue("X-Index", str(index))],
        body=Body(kind=BodyKind.JSON, text=body),
        description=f"generation {generation}",
    )


def _rotated(requests: list[Request], generation: int) -> list[Request]:
    # The order changes with every generation, so collection.toml and folder.toml change too.
    shift = generation % len(requests)
    return requests[shift:] + requests[:shift]


def build(generation: int, directory: Path) -> Collection:
    indexes = list(range(len(NAMES)))
    root = [make_request(i, generation) for i in indexes[:ROOT_REQUESTS]]
    middle = [make_request(i, generation) for i in indexes[ROOT_REQUESTS:-DEEP_REQUESTS]]
    deep = [make_request(i, generation) for i in indexes[-DEEP_REQUESTS:]]
    collection = Collection(
        name="Crash",
        requests=_rotated(root, generation),
        folders=[
            Folder(
                name="Folder A",
                requests=_rotated(middle, generation),
                folders=[Folder(name="Deep", requests=_rotated(deep, generation))],
            )
        ],
        variables={"generation": str(generation)},
    )
    collection.path = directory
    assign_file_names(collection)
    return collection


def save_generation(generation: int, directory: Path) -> None:
    collection = build(generation, directory)
    if generation % 2 == 0:
        save_collection(collection, directory)
    else:
        for _, request in collection.walk():
            save_request(collection, request)


def child(directory: Path, start: int, zygote: int) -> None:
    for generation in range(start, start + MAX_GENERATIONS):
        save_generation(generation, directory)
        os.write(1, f"saved {generation}\n".encode())
        if os.getppid() != zygote:
            break  # the zygote is gone: so is the test
    os._exit(0)


def zygote(directory: Path) -> None:
    me = os.getpid()
    for line in sys.stdin:
        words = line.split()
        if len(words) != 2 or words[0] != "go":
            continue
        pid = os.fork()
        if pid == 0:
            try:
                child(directory, int(words[1]), me)
            finally:
                os._exit(1)
        # One write per line (lines from the child interleave with these, never inside them).
        os.write(1, f"forked {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(1, f"dead {pid} {status}\n".encode())


if __name__ == "__main__":
    zygote(Path(sys.argv[2]))
