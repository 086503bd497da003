"""A history writer run as a separate process by the crash and concurrency tests.

    python history_writer.py write DB COUNT TAG   record COUNT entries, then exit
    python history_writer.py zygote DB            for each "go" line on stdin, fork a child that
                                                  records forever; print "forked PID", the child
                                                  prints "ready PID" after its first commit, and
                                                  "dead PID" follows once it was killed

The zygote imports everything once, so each of the many killed writers starts in a
millisecond instead of paying for a new interpreter.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.core.config import HistoryLimits
from tui.core.exchange import Exchange, Response, SentRequest, Timings
from tui.core.history import HistoryStore

# Small limits for the crash test, so pruning happens in the killed transactions too.
LIMITS = HistoryLimits(max_entries=400, max_bytes=3_000_000, max_body_bytes=48 * 1024)
ROOMY = HistoryLimits(max_entries=100_000, max_bytes=1 << 40, max_body_bytes=48 * 1024)
TOKEN = "crash-test-token-0123456789abcdef"
MAX_RECORDS = 20_000  # a child left behind by a failed test stops on its own


def exchange(rng: random.Random, tag: str, n: int) -> Exchange:
    size = rng.choice((0, 100, 2_000, 30_000, 120_000))
    body = (f'{{"tag": "{tag}", "n": {n}, "pad": "' + "x" * size + '"}').encode()
    return Exchange(
        request=SentRequest(
            "POST",
            f"https://api.example.com/v2.0/vehicles/{n}/odometer?access_token={TOKEN}",
            [("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json")],
            body[: size // 2],
        ),
        timings=Timings(started_at=time.time(), total_ms=rng.uniform(1, 500), headers_ms=1.0),
        response=Response(200, "OK", "HTTP/1.1", [("Content-Type", "application/json")], body),
        request_name=tag,
    )


def write(path: Path, count: int, tag: str) -> None:
    rng = random.Random(tag)
    with HistoryStore(path, ROOMY) as store:
        for n in range(count):
            store.record(exchange(rng, tag, n))


def child(path: Path, zygote: int) -> None:
    rng = random.Random(os.getpid())
    store = HistoryStore(path, LIMITS)
    for n in range(MAX_RECORDS):
        store.record(exchange(rng, "crash", n))
        if n == 0:
            os.write(1, f"ready {os.getpid()}\n".encode())
        if os.getppid() != zygote:
            break  # the zygote is gone: so is the test
    os._exit(0)


def zygote(path: Path) -> None:
    me = os.getpid()
    for line in sys.stdin:
        if line.strip() != "go":
            continue
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                child(path, me)
            finally:
                os._exit(1)
        print(f"forked {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"dead {pid} {status}", flush=True)


if __name__ == "__main__":
    command, db = sys.argv[1], Path(sys.argv[2])
    if command == "write":
        write(db, int(sys.argv[3]), sys.argv[4])
    else:
        zygote(db)
