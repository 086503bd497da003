"""The benchmark's HTTP server on 127.0.0.1, run as a subprocess (its own GIL and CPU time).

Paths: ``/body/<bytes>`` answers a JSON document of about that many bytes (built once per size,
top-level key ``bench_items``, on one line as APIs send it); ``/echo`` answers a small JSON.
After each answer it prints ``DONE <path> <t_received> <t_written>`` (``time.monotonic()``,
CLOCK_MONOTONIC, so comparable with the parent's clock) on stdout.

    with BenchServer() as server:
        server.url  # http://127.0.0.1:PORT
        server.last_done(timeout=5)  # -> Done(path, received, written)
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SMALL = b'{"ok": true, "vehicle": "bench", "distance": 104.3}'


RECORD = {
    "id": "00000000",
    "make": "TESLA",
    "model": "Model 3",
    "year": 2024,
    "odometer": 12345.6,
    "ok": True,
}


def body_count(size: int) -> int:
    """How many records ``json_body(size)`` holds."""
    return max(1, size // (len(json.dumps(RECORD)) + 2))


@cache
def json_body(size: int) -> bytes:
    """A JSON document of about ``size`` bytes: a list of vehicle-like records."""
    record = RECORD
    count = body_count(size)
    items = [
        {**record, "id": f"{i:08d}", "odometer": round(i * 1.5, 1), "ok": i % 3 != 0}
        for i in range(count)
    ]
    return json.dumps({"bench_items": items}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "carman-bench"
    disable_nagle_algorithm = True  # keep-alive answers otherwise wait ~40 ms for an ACK

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        received = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?")[0]
        body = json_body(int(path.rsplit("/", 1)[1])) if path.startswith("/body/") else SMALL
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        written = time.monotonic()
        print(f"DONE {path} {received:.6f} {written:.6f}", flush=True)

    do_GET = do_POST = _answer


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # carman is killed between measurements with keep-alive connections open: quietly.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def serve(sizes: list[int]) -> None:
    for size in sizes:
        json_body(size)  # built before READY, never while a request is timed
    server = Server(("127.0.0.1", 0), Handler)
    print(f"READY {server.server_address[1]}", flush=True)
    server.serve_forever()


@dataclass
class Done:
    path: str
    received: float
    written: float


class BenchServer:
    """Starts ``python -m benchmarks.server`` and reads its READY and DONE lines."""

    def __init__(self, sizes: list[int] | tuple[int, ...] = ()) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", *map(str, sizes)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(Path(__file__).resolve().parents[1]),
        )
        assert self._proc.stdout is not None
        first = self._proc.stdout.readline().split()
        if not first or first[0] != "READY":
            self._proc.kill()
            raise RuntimeError("the benchmark server did not start")
        self.url = f"http://127.0.0.1:{first[1]}"
        self._done: queue.Queue[Done] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            parts = line.split()
            if len(parts) == 4 and parts[0] == "DONE":
                self._done.put(Done(parts[1], float(parts[2]), float(parts[3])))

    def drain(self) -> None:
        while not self._done.empty():
            self._done.get_nowait()

    def has_done(self) -> bool:
        return not self._done.empty()

    def next_done(self, timeout: float = 30.0) -> Done:
        return self._done.get(timeout=timeout)

    def close(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()

    def __enter__(self) -> BenchServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":
    serve([int(arg) for arg in sys.argv[1:]])
