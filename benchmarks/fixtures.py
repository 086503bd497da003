"""What the measurements share: a temporary carman home, the commands to run, the environment.

A home is an XDG tree like ``tests/ui/helpers.py`` ``make_workspace`` writes: a user
collection "Bench" aimed at ``{{base}}`` and a user environment "local" holding ``base``.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XDG_NAMES = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")


def xdg_values(home: Path) -> dict[str, str]:
    return {
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }


@contextlib.contextmanager
def xdg(home: Path) -> Iterator[Path]:
    """Point this process's carman paths at ``home`` for the duration (paths read os.environ)."""
    saved = {name: os.environ.get(name) for name in XDG_NAMES}
    os.environ.update(xdg_values(home))
    try:
        yield home
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def child_env(home: Path) -> dict[str, str]:
    """The whole environment of an app under test (the pane starts from ``env -i``)."""
    env = {
        **xdg_values(home),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # The repo first, so an editable install and a plain checkout behave the same.
        "PYTHONPATH": str(ROOT),
    }
    return env


def carman_argv(args: Sequence[str] = ()) -> list[str]:
    """``carman`` as a user runs it: the installed console script beside this interpreter."""
    script = Path(sys.executable).parent / "carman"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "tui", *args]


def bare_argv() -> list[str]:
    return [sys.executable, str(Path(__file__).with_name("bare_app.py"))]


def make_home(home: Path, base_url: str, requests: Sequence[tuple[str, str]]) -> Path:
    """Write a user collection "Bench" with ``requests`` (name, path) and environment "local".

    The first request is the one carman opens at start, so it is the one ctrl+j sends.
    """
    from tui.core import paths
    from tui.core.collection_io import save_collection
    from tui.core.environments import save_environment
    from tui.core.model import Collection, Environment, Request

    with xdg(home):
        collection = Collection(
            name="Bench",
            requests=[Request(name=name, url="{{base}}" + path) for name, path in requests],
        )
        save_collection(collection, paths.collections_dir() / "bench")
        save_environment(Environment(name="local", variables={"base": base_url}))
    return home


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None
