"""Profile a start up to its first frame: carman's or the bare Textual app's (see PROFILES.md).

``python benchmarks/profile_startup.py carman|bare [--out FILE.prof] [-- CARMAN ARGS]`` in a
real terminal (tmux). It runs the app exactly as its command does (carman's ``main`` with the
given arguments, or ``bare_app.BareApp``), with cProfile on from before the first import
(``--out``), and ends the process as soon as Textual has written its first frame to the
terminal: the profile covers what a start does up to that frame and nothing after. It appends
the seconds from the harness's start to that frame to the file ``$CARMAN_PROFILE_REPORT``.

Without ``--out`` nothing is profiled: the harness then only stops at the first frame, for a
sampling profiler run around it (``py-spy record -- python benchmarks/profile_startup.py ...``)
or ``python -X importtime``.
"""

from __future__ import annotations

import cProfile
import os
import sys
import time

STARTED = time.perf_counter()


def _stop_at_first_frame(profiler: cProfile.Profile | None, out: str | None) -> None:
    from textual.app import App

    display = App._display

    def first_frame(self: App[object], screen: object, renderable: object) -> None:
        display(self, screen, renderable)  # type: ignore[arg-type]  # Textual's own arguments
        if renderable is None or self._batch_count:
            return  # nothing was written
        elapsed = time.perf_counter() - STARTED
        if profiler is not None and out is not None:
            profiler.disable()
            profiler.dump_stats(out)
        # Textual draws on stderr: the figure goes to the file the driver named, if any.
        report = os.environ.get("CARMAN_PROFILE_REPORT")
        if report:
            with open(report, "a") as handle:
                cpu = time.process_time()  # all threads; less moved by a loaded machine
                handle.write(f"first frame after {elapsed:.3f} s (cpu {cpu:.3f} s)\n")
        os._exit(0)  # nothing after the frame belongs to the profile

    App._display = first_frame  # type: ignore[method-assign]  # the harness's hook


def main(argv: list[str]) -> None:
    which = argv[0] if argv else "carman"
    rest = argv[1:]
    out = None
    if rest[:1] == ["--out"]:
        out, rest = rest[1], rest[2:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    profiler = cProfile.Profile() if out else None
    if profiler is not None:
        profiler.enable()
    _stop_at_first_frame(profiler, out)
    if which == "bare":
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        from benchmarks.bare_app import BareApp

        BareApp().run()
    else:
        from tui.cli import main as carman

        carman(rest)


def drive(out_dir: str, runs: int = 3, profiler: str = "cprofile") -> None:
    """``python -m benchmarks.profile_startup --drive DIR [--runs N] [--with cprofile|none|
    PY-SPY]``: run the harness in tmux (120x40, homes as ``startup.py`` makes them) for bare,
    carman and carman --env local, ``runs`` times each after one warm-up, writing
    ``DIR/<label>-<n>.log`` (the time to the first frame) and ``.prof`` (cProfile) or ``.txt``
    (py-spy's collapsed stacks, sampled at 1 kHz; give py-spy's path)."""
    import tempfile
    from pathlib import Path

    from benchmarks.fixtures import child_env
    from benchmarks.startup import _apps
    from benchmarks.terminal import Tmux

    target = Path(out_dir).resolve()
    target.mkdir(parents=True, exist_ok=True)
    here = os.path.abspath(__file__)
    with tempfile.TemporaryDirectory(prefix="carman-profile-") as tmp, Tmux(Path(tmp)) as tmux:
        apps = _apps(Path(tmp))
        for run in range(-1, runs):  # run -1 warms the caches and is not kept
            for app in apps:
                label = app.label.replace(" ", "").replace("--env", "-")
                which = "bare" if app.label == "bare" else "carman"
                args = app.argv[1:] if which == "carman" else []
                prof = target / f"{label}-{run}.prof"
                log = target / f"{label}-{run}.log"
                argv = [sys.executable, here, which]
                if profiler == "cprofile":
                    argv += ["--out", str(prof)]
                elif profiler != "none":
                    stacks = str(target / f"{label}-{run}.txt")
                    argv = [
                        profiler,
                        "record",
                        "--nonblocking",
                        "-r",
                        "1000",
                        "-f",
                        "raw",
                        "-o",
                        stacks,
                        "--",
                        *argv,
                    ]
                argv += ["--", *args]
                log.unlink(missing_ok=True)
                name = f"p{run + 1}{label}".replace(".", "")
                env = {**child_env(app.home), "CARMAN_PROFILE_REPORT": str(log)}
                tmux.spawn(name, argv, env, cwd=app.home)
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and "first frame" not in _read(log):
                    time.sleep(0.05)
                tmux.kill(name)
                print(f"{label} run {run}: {_read(log).strip()}", file=sys.stderr)
                if run < 0:
                    prof.unlink(missing_ok=True)


def _read(path: object) -> str:
    try:
        with open(str(path)) as handle:
            return handle.read()
    except OSError:
        return ""


if __name__ == "__main__":
    if sys.argv[1:2] == ["--drive"]:
        options = dict(zip(sys.argv[3::2], sys.argv[4::2], strict=False))
        drive(sys.argv[2], int(options.get("--runs", 3)), options.get("--with", "cprofile"))
    else:
        main(sys.argv[1:])
