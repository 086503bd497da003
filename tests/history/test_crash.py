"""Writers killed with SIGKILL at random moments, and two processes writing at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui.core import paths
from tui.core.history import HistoryStore

WRITER = Path(__file__).with_name("history_writer.py")
KILLS = 50
TOKEN = b"crash-test-token-0123456789abcdef"


def _read_until(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"the writer exited before printing {prefix!r}")
        if line.startswith(prefix):
            return line
        if line.startswith("dead "):
            # The writer ended on its own (its traceback is in the captured stderr).
            raise AssertionError(f"the writer died before printing {prefix!r}: {line.strip()}")


def _assert_sound(path: Path) -> int:
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        raw.close()
    with HistoryStore(path) as store:
        assert store.check() == []  # every entry whole: data, index, totals and checksum
        for summary in store.search("crash", limit=20):
            entry = store.get(summary.id)
            assert entry.status == 200 and entry.response_body.startswith(b'{"tag": "crash"')
        return store.count()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sigkill_mid_write_never_leaves_half_an_entry(xdg: Path) -> None:
    path = paths.history_db()
    rng = random.Random(1234)
    zygote = subprocess.Popen(
        [sys.executable, str(WRITER), "zygote", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert zygote.stdin is not None
    try:
        for round_number in range(KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            pid = int(_read_until(zygote, "forked ").split()[1])
            if round_number % 5 == 0:
                # Now and then while it opens (or creates, or migrates) the database.
                time.sleep(rng.uniform(0, 0.005))
            else:
                _read_until(zygote, "ready ")
                time.sleep(rng.uniform(0, 0.03))
            os.kill(pid, signal.SIGKILL)
            status = int(_read_until(zygote, f"dead {pid} ").split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    finally:
        zygote.stdin.close()
        try:
            zygote.wait(timeout=10)
        except subprocess.TimeoutExpired:
            zygote.kill()
            zygote.wait()
    assert _assert_sound(path) > 0
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            assert TOKEN not in name.read_bytes()


def test_two_processes_writing_at_once(xdg: Path) -> None:
    path = paths.history_db()
    writers = [
        subprocess.Popen([sys.executable, str(WRITER), "write", str(path), "60", tag])
        for tag in ("left", "right")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    _assert_sound(path)
    raw = sqlite3.connect(path)
    try:
        counts = dict(
            raw.execute("SELECT request_name, count(*) FROM entries GROUP BY request_name")
        )
    finally:
        raw.close()
    assert counts == {"left": 60, "right": 60}
