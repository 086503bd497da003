"""Every key carman documents works in a real terminal (tmux, default settings, TERM
xterm-256color, 80x24): each is sent as a person would and its effect is read off the screen.
Keys also go in bursts, as over SSH, and the Linux console's own F1 sequence is understood."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.e2e.tmux import Tmux, carman_env
from tests.net import free_port
from tui.actions import ACTIONS, alternatives

SANDBOX_PORT_FILE = Path("data/carman/sandbox/in-process-port")


def _start(tmp_path: Path) -> Tmux:
    # The webhook receiver on a port of its own: tests run side by side.
    config = tmp_path / "config" / "carman"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(f"[webhooks]\nport = {free_port()}\n")
    tmux = Tmux(carman_env(tmp_path))
    tmux.start(["--sandbox"], cwd=tmp_path)
    tmux.wait_for("env: sandbox", timeout=60)
    tmux.wait_for("Smartcar API › Application token")
    return tmux


def _close(tmux: Tmux, marker: str) -> None:
    tmux.keys("Escape")
    tmux.wait_until(lambda screen: marker not in screen)


def _row_of(screen: str, text: str) -> int:
    return next(i for i, line in enumerate(screen.splitlines()) if text in line)


def _slow_down_the_sandbox(tmp_path: Path, seconds: float) -> None:
    port = int((tmp_path / SANDBOX_PORT_FILE).read_text().strip())
    body = json.dumps({"kind": "slow", "delay": seconds, "count": 1}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_sandbox/faults",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def test_every_documented_key_has_its_effect(tmp_path: Path) -> None:
    documented = {key for spec in ACTIONS for key in alternatives(spec.key)}
    tested: set[str] = set()

    def press(*keys: str, doc: str | None = None) -> None:
        tmux.burst(*keys)
        if doc is not None:
            tested.add(doc)

    tmux = _start(tmp_path)
    try:
        press("F1", doc="f1")
        tmux.wait_for("carman keys")
        _close(tmux, "carman keys")

        press("C-p", doc="ctrl+p")
        tmux.wait_for("Search for commands")
        _close(tmux, "Search for commands")

        press("C-e", doc="ctrl+e")
        tmux.wait_for("Layers, lowest first")
        _close(tmux, "Layers, lowest first")

        press("C-r", doc="ctrl+r")
        tmux.wait_for("type to filter")
        _close(tmux, "type to filter")

        press("C-t", doc="ctrl+t")
        tmux.wait_for("Listening at http://127.0.0.1:")  # the receiver is up
        _close(tmux, "Listening at")

        press("F2", doc="f2")
        tmux.wait_for("sandbox  ✓ (current)")
        _close(tmux, "(current)")

        press("F3", doc="f3")
        tmux.wait_for("No connections yet")  # the picker, before any login
        _close(tmux, "No connections yet")

        press("F4", doc="f4")
        tmux.wait_for("Units: imperial")
        tmux.wait_for("imperial", timeout=5)
        press("F4")
        tmux.wait_for("Units: metric")

        press("C-o", doc="ctrl+o")
        tmux.wait_for("Log in")
        press("Escape")
        tmux.wait_for("Login cancelled")

        press("C-y", doc="ctrl+y")
        tmux.wait_for("Copied the request as curl")

        press("C-g", doc="ctrl+g")
        tmux.wait_for("Copy as code: Application token")
        _close(tmux, "Copy as code")

        press("C-s", doc="ctrl+s")
        tmux.wait_for("read-only")

        press("C-j", doc="ctrl+j")
        tmux.wait_for("HTTP/1.1")

        _slow_down_the_sandbox(tmp_path, 20)
        press("C-j")
        tmux.wait_for("esc cancels")
        press("Escape", doc="escape")
        tmux.wait_for("Cancelled.")

        # Panes: ctrl+w, then a letter (sent in one burst, as over SSH).
        # The tree has the focus: Down moves in it (past the Connect folder, to its first request).
        press("C-w", "t", "Down", "Down", doc="ctrl+w t")
        tmux.wait_for("Smartcar API › Connect URL (code)")

        press("C-w", "r", "/", doc="ctrl+w r")  # the response has it: / opens the search
        tmux.wait_for("search text")
        _close(tmux, "search text")  # (an Esc right before ctrl+w reads as alt+ctrl+w)

        press("C-w", "b", doc="ctrl+w b")
        tmux.wait_until(lambda screen: "Collections" not in screen)
        press("C-w", "b")
        tmux.wait_for("Collections")

        press("C-w", "z", doc="ctrl+w z")
        tmux.wait_until(lambda screen: "Params" not in screen and "Collections" not in screen)
        press("F11", doc="f11")
        tmux.wait_for("Params")

        before = _row_of(tmux.settle(), "Response ·")
        press("C-w", "+", doc="ctrl+w plus")
        grown = _row_of(tmux.wait_until(lambda s: _row_of(s, "Response ·") > before), "Response ·")
        press("C-w", "-", "C-w", "-", doc="ctrl+w minus")
        tmux.wait_until(lambda screen: _row_of(screen, "Response ·") < grown)

        # The URL has the focus (all of it selected, as in a browser): Q replaces it.
        press("C-w", "e", "Q", doc="ctrl+w e")
        tmux.wait_until(lambda screen: "▼  Q " in screen.splitlines()[2])
        press("C-w", "t", "C-l", doc="ctrl+l")  # from the tree straight back to the URL
        press("Z")
        tmux.wait_until(lambda screen: "▼  Z " in screen.splitlines()[2])

        press("C-q", doc="ctrl+q")  # an edited request: carman asks first
        tmux.wait_for("Quit without saving Connect URL (code)")
        press("y")
        assert tmux.wait_for_exit() == 0
    finally:
        tmux.close()
    untested = documented - tested
    assert not untested, f"documented keys without a test of their effect: {sorted(untested)}"


def test_a_burst_into_a_dialog_lands_field_by_field(tmp_path: Path) -> None:
    tmux = _start(tmp_path)
    try:
        tmux.burst("C-e")
        tmux.wait_for("Layers, lowest first")
        # "a", the name, enter, the value, enter, enter: one read, as a fast typist over SSH.
        tmux.burst("a", *"colour", "Enter", *"blue", "Enter", "Enter")
        # The dialog closes and the session variable is stored, name and value in their place.
        session = tmp_path / "data/carman/sessions/sandbox.toml"
        tmux.wait_until(lambda _: session.exists() and "colour" in session.read_text())
        assert 'colour = "blue"' in session.read_text()
        # The dialog (its title is "Variable") is gone; the list behind it is in front again.
        tmux.wait_until(lambda screen: "Layers" in screen and " Variable " not in screen)
        # Into the tree's dialogs the same way: a new request in a new collection.
        tmux.burst("Escape")
        tmux.wait_for("Smartcar API ›")
        tmux.burst("c", "Enter", "C-u", *"Burst", "Enter")
        tmux.wait_for("Created the collection Burst")
    finally:
        tmux.close()


def test_the_linux_console_f1_sequence_opens_the_help(tmp_path: Path) -> None:
    tmux = _start(tmp_path)
    try:
        tmux.hex("1b", "5b", "5b", "41")  # ESC [ [ A: F1 on the Linux console
        tmux.wait_for("carman keys")
    finally:
        tmux.close()
