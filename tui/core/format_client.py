"""The UI process's side of the format worker: starts it lazily, sends requests, hands back
futures. See ``tui.core.format_worker`` for why the work happens in another process.

One worker process serves one client. ``cancel_pending()`` ends a worker that is busy with work
nobody wants any more (the user sent again while a 50 MB body was being formatted); the next
request starts a fresh one. A reader thread waits on the worker's answers (blocked in a read,
so it never holds the GIL) and resolves the futures.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import tui


class FormatWorkerError(RuntimeError):
    """The worker answered with an error, or went away before answering."""


class _Sent(Future[dict[str, Any]]):
    """The future of one request, with the worker process it was sent to."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        super().__init__()
        self.process = process


def _package_root() -> str:
    return str(Path(tui.__file__).resolve().parents[1])


class FormatClient:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._pending: dict[int, _Sent] = {}
        self._next_id = 0

    # -- the process -----------------------------------------------------------------------
    def _start(self) -> subprocess.Popen[bytes]:
        env = dict(os.environ)
        # The worker imports tui.core from wherever this process did (a checkout or a venv).
        root = _package_root()
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        process = subprocess.Popen(
            [sys.executable, "-m", "tui.core.format_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
            # Out of the terminal's process group: a hang-up that kills carman leaves the worker
            # to see its input close and delete the body files carman can no longer delete.
            start_new_session=True,
        )
        reader = threading.Thread(
            target=self._read, args=(process,), name="carman-format-reader", daemon=True
        )
        reader.start()
        return process

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                future = self._pending.pop(answer.get("id"), None)
            if future is None or future.done():
                continue
            if answer.get("ok"):
                future.set_result(answer.get("result") or {})
            else:
                future.set_exception(FormatWorkerError(answer.get("error", "failed")))
        # The process ended: whatever it still owed will never come.
        with self._lock:
            if self._process is process:
                self._process = None
            orphans = [key for key, sent in self._pending.items() if sent.process is process]
            futures = [self._pending.pop(key) for key in orphans]
        for future in futures:
            if not future.done():
                future.set_exception(FormatWorkerError("the format worker stopped"))

    # -- requests --------------------------------------------------------------------------
    def request(self, op: str, **args: Any) -> Future[dict[str, Any]]:
        """Send one request; the future resolves with the worker's answer (from a thread)."""
        line = b""
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            process = self._process
            self._next_id += 1
            request_id = self._next_id
            future = _Sent(process)
            self._pending[request_id] = future
            line = json.dumps({"id": request_id, "op": op, "args": args}).encode() + b"\n"
            try:
                assert process.stdin is not None
                process.stdin.write(line)
                process.stdin.flush()
            except OSError as exc:
                self._pending.pop(request_id, None)
                future.set_exception(FormatWorkerError(f"the format worker is gone: {exc}"))
        return future

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._pending)

    def cancel_pending(self) -> None:
        """Give up on every request in flight: a busy worker is stopped (the next request
        starts another). Their futures are cancelled."""
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
            process = self._process if pending else None
            if process is not None:
                self._process = None
        for future in pending:
            future.cancel()
        if process is not None:
            self._stop(process)

    def close(self) -> None:
        with self._lock:
            process, self._process = self._process, None
            pending, self._pending = list(self._pending.values()), {}
        for future in pending:
            future.cancel()
        if process is not None:
            self._stop(process)

    @staticmethod
    def _stop(process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(OSError, ValueError):
            if process.stdin is not None:
                process.stdin.close()
        # Reaped by a thread: waiting here would block the caller (the UI) for a moment.
        threading.Thread(target=process.wait, name="carman-format-reap", daemon=True).start()
