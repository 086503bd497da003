"""Profile carman while keys are pressed during a large body's formatting (see PROFILES.md).

``python -m benchmarks.profile_keys PY-SPY OUT_DIR [SIZE ...] [--idle]`` runs, per size (bytes;
default 6,250,000), the ``large`` benchmark's key-delay steps (``large_response._during``:
send, then press the probe key back to back until the body is formatted and 0.3 s more) on a
fresh ``carman --env local`` in tmux, with py-spy sampling the carman process at 1 kHz
(``--nonblocking``, all threads, idle samples left out) for exactly that stretch. It writes
``OUT_DIR/keys-<size>-<probe>.txt`` (collapsed stacks, summarised by
``benchmarks.profile_stacks``) and prints the delays measured under the profiler. With
``--idle`` the presses (16) come after the body is formatted, with nothing else going on: the
same work without the format worker.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.fixtures import carman_argv, child_env, make_home
from benchmarks.large_response import PROBES, ProbeResult, _during, _idle
from benchmarks.server import BenchServer
from benchmarks.terminal import Tmux


def profile(py_spy: str, out_dir: Path, sizes: list[int], idle: bool = False) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="carman-profile-keys-") as tmp,
        BenchServer(sizes) as server,
        Tmux(Path(tmp), 120, 40) as tmux,
    ):
        for size in sizes:
            for number, probe in enumerate(PROBES):
                home = Path(tmp) / f"home-{size}-{number}"
                home.mkdir()
                path = f"/body/{size}"
                make_home(home, server.url, [("Body", path), ("Other", path)])
                name = f"keys{size}-{number}"
                tmux.spawn(name, carman_argv(["--env", "local"]), child_env(home), cwd=home)
                pid = None
                try:
                    tmux.wait(name, lambda s: "Bench ›" in s and "No response yet" in s)
                    pid = tmux.pid(name)
                    time.sleep(0.3)
                    result = ProbeResult()
                    if number:  # ctrl+w b: as the benchmark, after the idle presses
                        _idle(tmux, name, probe, 1, result)
                    # One send first: the body's first arrival and the HTTP client's start
                    # are not what is measured (the benchmark's probes run on a second send).
                    server.drain()
                    tmux.keys(name, "C-j")
                    tmux.wait(
                        name,
                        lambda s: '  "bench_items": [' in s and "formatting " not in s,
                        timeout=300,
                    )
                    time.sleep(0.5)
                    stacks = out_dir / f"keys-{size}-{number}{'-idle' if idle else ''}.txt"
                    spy = subprocess.Popen(
                        [
                            py_spy,
                            "record",
                            "--nonblocking",
                            "-r",
                            "1000",
                            "-f",
                            "raw",
                            "-o",
                            str(stacks),
                            "--pid",
                            str(pid),
                        ],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    time.sleep(0.5)  # py-spy attached
                    result.idle_ms.clear()
                    if idle:  # the same body on screen, no send: 8 pairs of presses
                        _idle(tmux, name, probe, 8, result)
                        result.during = [(0.0, d) for d in result.idle_ms]
                    else:
                        _during(tmux, server, name, probe, result)
                    spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
                    spy.wait(timeout=30)
                    delays = [d for _, d in result.during]
                    print(
                        f"{size} {probe.label}: {len(delays)} presses, worst {max(delays):.0f}"
                        f" ms, median {sorted(delays)[len(delays) // 2]:.0f} ms -> {stacks}",
                        file=sys.stderr,
                    )
                finally:
                    tmux.kill(name, pid)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--idle"]
    profile(args[0], Path(args[1]), [int(a) for a in args[2:]] or [6_250_000], "--idle" in sys.argv)
