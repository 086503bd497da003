"""Send overhead: carman's send pipeline against bare pooled httpx, same loopback server.

Method (in-process, one event loop; the server is ``server.py`` in its own process):

- carman: ``Workspace.send(collection, request)`` for a saved GET ``{{base}}/echo`` with one
  header and a capture-free request, in a workspace loaded from a temporary carman home with a
  user environment "local". That is the whole pipeline the TUI runs on ctrl+j: OAuth2 settings
  lookup, variable resolution (``prepare``), the pooled ``httpx.AsyncClient`` of
  ``SendPipeline``, reading the body, building the ``Exchange``, captures and the exchange
  listeners. A second workspace also has the TUI's ``HistoryRecorder`` listening (each
  exchange masked and written to SQLite on the recorder's thread), as the TUI wires it.
- bare: ``httpx.AsyncClient`` (one, pooled) ``client.get(url, headers=...)`` and ``.content``.

Both warm up first (connection, first-use imports), then alternate in blocks of 20 so drift
and background load hit both alike. The figure is the difference of the medians.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.fixtures import xdg
from benchmarks.report import Figure, Section
from benchmarks.server import BenchServer

TARGET_OVERHEAD_MS = 5.0
BLOCK = 20


async def _measure(url: str, home: Path, iterations: int) -> dict[str, Any]:
    import httpx

    from tui.core import paths
    from tui.core.collection_io import save_collection
    from tui.core.environments import save_environment
    from tui.core.history import HistoryRecorder
    from tui.core.model import Collection, Environment, KeyValue, Request
    from tui.core.workspace import Workspace

    with xdg(home):
        collection = Collection(
            name="Bench",
            requests=[
                Request(
                    name="Echo",
                    url="{{base}}/echo",
                    headers=[KeyValue("Accept", "application/json")],
                )
            ],
        )
        save_collection(collection, paths.collections_dir() / "bench")
        save_environment(Environment(name="local", variables={"base": url}))
        workspace = Workspace().load("local")
        bench = next(c for c in workspace.collections if c.name == "Bench")
        request = next(r for _, r in bench.walk())

        async def carman_once() -> None:
            exchange, _ = await workspace.send(bench, request)
            assert exchange.response is not None and exchange.response.status == 200

        # The TUI's setup: every exchange also goes to the history recorder (its own thread).
        recorded = Workspace().load("local")
        recorded_bench = next(c for c in recorded.collections if c.name == "Bench")
        recorded_request = next(r for _, r in recorded_bench.walk())
        recorder = HistoryRecorder(limits=recorded.config.history)
        recorded.on_exchange(recorder.listener(recorded.secret_values))

        async def recorded_once() -> None:
            exchange, _ = await recorded.send(recorded_bench, recorded_request)
            assert exchange.response is not None and exchange.response.status == 200

        bare_client = httpx.AsyncClient(timeout=30)

        async def bare_once() -> None:
            response = await bare_client.get(f"{url}/echo", headers={"Accept": "application/json"})
            assert response.status_code == 200 and response.content

        runners = {"carman": carman_once, "carman+history": recorded_once, "bare": bare_once}
        times: dict[str, list[float]] = {label: [] for label in runners}
        try:
            for runner in runners.values():  # warm: connections, first-use imports
                for _ in range(5):
                    await runner()
            done = 0
            while done < iterations:
                count = min(BLOCK, iterations - done)
                for label, runner in runners.items():
                    for _ in range(count):
                        started = time.perf_counter()
                        await runner()
                        times[label].append((time.perf_counter() - started) * 1000)
                done += count
        finally:
            await bare_client.aclose()
            await workspace.aclose()
            await recorded.aclose()
            recorder.close()
    return times


def run(iterations: int = 500, log: Callable[[str], None] = print) -> Section:
    section = Section("send overhead")
    with (
        tempfile.TemporaryDirectory(prefix="carman-bench-send-") as tmp,
        BenchServer() as server,
    ):
        times = asyncio.run(_measure(server.url, Path(tmp), iterations))
    carman = statistics.median(times["carman"])
    recorded = statistics.median(times["carman+history"])
    bare = statistics.median(times["bare"])
    log(
        f"  send: carman {carman:.2f} ms, with history {recorded:.2f} ms,"
        f" bare httpx {bare:.2f} ms per request"
    )

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        return {
            "median_ms": statistics.median(values),
            "p10_ms": ordered[len(ordered) // 10],
            "p90_ms": ordered[(len(ordered) * 9) // 10],
            "min_ms": ordered[0],
        }

    section.details = {
        "iterations": iterations,
        "carman": summary(times["carman"]),
        "carman_with_history_recorder": summary(times["carman+history"]),
        "bare_httpx": summary(times["bare"]),
        "request": "GET {{base}}/echo with one header, ~50 byte JSON answer, keep-alive",
    }
    section.figures += [
        Figure("bare httpx per request, median", bare, "ms"),
        Figure("carman pipeline per request, median", carman, "ms"),
        Figure(
            "carman overhead (difference of medians)",
            carman - bare,
            "ms",
            target=TARGET_OVERHEAD_MS,
        ),
        Figure("carman + history recorder per request, median", recorded, "ms"),
        Figure(
            "carman + history recorder overhead (as in the TUI)",
            recorded - bare,
            "ms",
            target=TARGET_OVERHEAD_MS,
        ),
    ]
    return section
