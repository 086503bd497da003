"""Drive the real ``carman`` command in a tmux session: send keys, read the screen."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

CARMAN = [sys.executable, "-m", "tui"]
EXITED = "carman exited with status "  # printed in the pane when carman ends


def in_ci() -> bool:
    """CI sets ``CI=true``; there a missing tool is a broken setup, never a reason to skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_tmux() -> None:
    """Skip without tmux on a developer's machine; fail under CI, where .ci/run installs it."""
    if shutil.which("tmux") is not None:
        return
    if in_ci():
        pytest.fail("tmux is not installed, but CI=true: the end-to-end tests must run there")
    pytest.skip("tmux is not installed (.ci/run installs it)")


class Tmux:
    def __init__(self, env: dict[str, str], width: int = 80, height: int = 24) -> None:
        require_tmux()
        self.name = f"carman-test-{uuid.uuid4().hex[:8]}"
        self.socket = f"carman-{uuid.uuid4().hex[:8]}"  # a private server per test
        self.env = env
        self.width, self.height = width, height

    def _tmux(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check
        )
        return result.stdout

    def start(self, args: list[str], cwd: Path) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in self.env.items())
        command = f"cd {shlex.quote(str(cwd))} && env {exports} {shlex.join(CARMAN + args)}"
        self._tmux(
            "new-session",
            "-d",
            "-s",
            self.name,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            command + f"; echo {EXITED}$?; sleep 60",
        )

    def keys(self, *keys: str) -> None:
        # No pause between keys: over SSH they arrive in bursts too. Wait for the screen instead.
        for key in keys:
            self._tmux("send-keys", "-t", self.name, key)

    def burst(self, *keys: str) -> None:
        """All keys in one ``send-keys``: they arrive together, as over SSH."""
        self._tmux("send-keys", "-t", self.name, *keys)

    def hex(self, *codes: str) -> None:
        """Raw bytes, as a terminal would send them (e.g. the Linux console's F1)."""
        self._tmux("send-keys", "-t", self.name, "-H", *codes)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.name, check=False)

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared; the screen was:\n{screen}")

    def wait_until(self, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"the screen never matched; it was:\n{screen}")

    def settle(self, quiet: float = 1.0, timeout: float = 30.0) -> str:
        """Wait until the screen stops changing for ``quiet`` seconds (the keys are handled)."""
        deadline = time.monotonic() + timeout
        last, since = self.screen(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            screen = self.screen()
            if screen != last:
                last, since = screen, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return screen
        raise AssertionError(f"the screen never settled; last:\n{last}")

    def wait_for_exit(self, timeout: float = 30.0) -> int:
        """Wait until carman has ended; its exit status."""
        screen = self.wait_for(EXITED, timeout)
        tail = screen.split(EXITED, 1)[1].split()[0]
        return int(tail)

    def close(self) -> None:
        self._tmux("kill-server", check=False)


def carman_env(root: Path) -> dict[str, str]:
    env = {
        "XDG_CONFIG_HOME": str(root / "config"),
        "XDG_DATA_HOME": str(root / "data"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    return env
