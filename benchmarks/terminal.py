"""A private tmux server driven through one control-mode client (``tmux -C``).

Why control mode: the benchmarks poll ``capture-pane`` every few milliseconds. A ``tmux``
subprocess per poll costs a fork and exec (~3 ms of CPU on a 2-core machine, competing with the
app being measured); a command over the control client's pipe costs ~0.3 ms. The control client
sits on its own idle session, so the measured app's output is never echoed to us.

Times are ``time.monotonic()`` (CLOCK_MONOTONIC), comparable with the benchmark HTTP server's
timestamps in another process.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

POLL_INTERVAL = 0.004  # seconds between screen captures: ~4 ms resolution


class TmuxError(RuntimeError):
    pass


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


class Tmux:
    """One tmux server on a private socket; sessions are named panes of ``width`` x ``height``."""

    def __init__(self, workdir: Path, width: int = 120, height: int = 40) -> None:
        if not tmux_available():
            raise TmuxError("tmux is not installed")
        self.workdir = workdir
        self.width, self.height = width, height
        self.socket = f"carman-bench-{uuid.uuid4().hex[:8]}"
        base = ["tmux", "-L", self.socket, "-f", "/dev/null"]
        subprocess.run(
            [*base, "new-session", "-d", "-s", "ctl", "-x", "20", "-y", "5", "sleep 100000"],
            check=True,
        )
        self._proc = subprocess.Popen(
            [*base, "-C", "attach-session", "-t", "ctl"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
        )
        assert self._proc.stdout is not None
        self._out = self._proc.stdout
        self._buffer = b""
        self.command("set-option -g remain-on-exit on")  # a crashed app leaves its traceback
        self.command("set-option -g status off")  # the whole pane is the app's screen
        self._scripts = 0

    # -- the control protocol --------------------------------------------------------------
    def _readline(self) -> str:
        while b"\n" not in self._buffer:
            chunk = os.read(self._out.fileno(), 65536)
            if not chunk:
                raise TmuxError("the tmux control client went away")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode("utf-8", errors="replace")

    def command(self, command: str) -> list[str]:
        """Run one tmux command; return its output lines. Raises TmuxError on %error."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(command.encode() + b"\n")
        lines: list[str] = []
        inside = False
        while True:
            line = self._readline()
            # Blocks answering this client's commands carry flags 1; the attach's own block
            # (flags 0) and notifications (%session-changed, ...) are skipped.
            if line.startswith("%begin ") and line.endswith(" 1"):
                inside, lines = True, []
            elif inside and line.startswith(("%end ", "%error ")) and line.endswith(" 1"):
                if line.startswith("%error"):
                    raise TmuxError(f"{command!r}: {' '.join(lines)}")
                return lines
            elif inside:
                lines.append(line)

    # -- sessions --------------------------------------------------------------------------
    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: Path,
        size: tuple[int, int] | None = None,
    ) -> float:
        """Start ``argv`` in a new session; return the monotonic time just before tmux forks.

        The command goes through a small script that ``exec``s, so the pane's pid is the app's
        own pid (for /proc/<pid>/status) and nothing but ``sh`` stands in between.
        """
        self._scripts += 1
        script = self.workdir / f"run-{name}-{self._scripts}.sh"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        script.write_text(
            f"cd {shlex.quote(str(cwd))} && exec env -i {exports} {shlex.join(argv)}\n"
        )
        width, height = size or (self.width, self.height)
        started = time.monotonic()
        self.command(
            f"new-session -d -s {name} -x {width} -y {height} {shlex.quote(f'exec sh {script}')}"
        )
        return started

    def pid(self, name: str) -> int:
        return int(self.command(f"display-message -p -t {name} '#{{pane_pid}}'")[0])

    def capture(self, name: str) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {name}"))

    def keys(self, name: str, *keys: str) -> float:
        """Send keys (tmux names, e.g. C-j); return the monotonic time just before."""
        started = time.monotonic()
        self.command(f"send-keys -t {name} {' '.join(keys)}")
        return started

    def wait(
        self,
        name: str,
        predicate: Callable[[str], bool],
        timeout: float = 60.0,
        interval: float = POLL_INTERVAL,
    ) -> tuple[float, str]:
        """Poll the screen until ``predicate(screen)``; return (monotonic time seen, screen)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while True:
            screen = self.capture(name)
            seen = time.monotonic()
            if predicate(screen):
                return seen, screen
            if seen > deadline:
                raise TmuxError(f"timed out after {timeout:.0f} s; the screen was:\n{screen}")
            time.sleep(interval)

    def kill(self, name: str, pid: int | None = None, timeout: float = 10.0) -> None:
        """Kill the session and wait until its process is gone (it must not eat the CPU of
        the next measurement)."""
        with contextlib.suppress(TmuxError):
            self.command(f"kill-session -t {name}")
        if pid is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.01)

    def close(self) -> None:
        try:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, check=False)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def proc_status(pid: int) -> dict[str, int]:
    """The kB figures of /proc/<pid>/status (VmHWM is the peak resident set size)."""
    values: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return values
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[1] == "kB":
            values[key] = int(parts[0])
    return values
