"""Deterministic scenes of carman against the sandbox, for screenshots and snapshot tests.

Everything that would change between runs is fixed: the sandbox's seed and port, the clock the
send pipeline reads (so timings show the same milliseconds), the token clock, the login state,
the time zone. Each scene is an async function that drives a running app with Pilot.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from textual.pilot import Pilot
from textual.widgets import OptionList

import tui.core.send as send_module
from tui.app import CarmanApp
from tui.core.oauth.manager import TokenManager
from tui.core.session import open_session, point_at_sandbox
from tui.core.workspace import Workspace
from tui.dialogs.login import LoginScreen
from tui.dialogs.vehicle_picker import VehiclePicker
from tui.sandbox import Sandbox, start_sandbox
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer

SIZE = (120, 40)
SEED = 42
SANDBOX_PORT = 8765  # fixed, so URLs on screen are the same in every run
CALLBACK_PORT = 8766
EPOCH = 1_795_000_000.0  # 2026-11-18: the clock every scene sees
LOGIN_EMAIL = "2-vehicles@smartcar.com"


class FixedClock:
    """time.time / perf_counter stand-ins that advance by a fixed step on every call."""

    def __init__(self, step: float = 0.0213) -> None:
        self._ticks = itertools.count()
        self.step = step

    def perf_counter(self) -> float:
        return next(self._ticks) * self.step

    def time(self) -> float:
        return EPOCH + next(self._ticks) * self.step


@dataclass
class Stage:
    app: CarmanApp
    sandbox: Sandbox


def _environment(root: Path) -> None:
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")
    os.environ["XDG_DATA_HOME"] = str(root / "data")
    os.environ["TZ"] = "UTC"
    time.tzset()
    for name in ("SSH_CONNECTION", "SSH_TTY", "NO_COLOR"):
        os.environ.pop(name, None)


@contextmanager
def stage(root: Path, theme: str | None = None) -> Iterator[Stage]:
    """A fresh sandbox and app in ``root`` with every moving part pinned."""
    _environment(root)
    clock = FixedClock()
    original_time = send_module.time
    send_module.time = SimpleNamespace(time=clock.time, perf_counter=clock.perf_counter)  # type: ignore[assignment]
    try:
        with start_sandbox(
            port=SANDBOX_PORT, seed=SEED, state_dir=root / "sandbox", reset=True
        ) as sandbox:
            redirect = f"http://localhost:{CALLBACK_PORT}/exchange"
            sandbox.register_redirect_uri(redirect)
            workspace = Workspace().load("sandbox")
            point_at_sandbox(workspace, sandbox)
            workspace.set_session({"redirect_uri": redirect})
            workspace.set_token_source(TokenManager(workspace, clock=lambda: EPOCH))
            if theme:
                workspace.config.theme = theme
            yield Stage(
                CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox)),
                sandbox,
            )
    finally:
        send_module.time = original_time  # type: ignore[assignment]


async def settle(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 20) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise RuntimeError("the scene did not settle")


async def quiet(pilot: Pilot[Any], workers: bool = True) -> None:
    """No toasts in a picture; let every worker finish (unless one waits on purpose)."""
    if workers:
        await pilot.app.workers.wait_for_complete()
    pilot.app.clear_notifications()
    # A steady cursor: a blinking one is on or off depending on how long the scene took, and
    # the picture must not depend on the machine's load.
    from textual.widgets import Input

    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    # A few idle frames so tables have measured their columns before the picture.
    for _ in range(5):
        await pilot.pause(0.1)


async def login(pilot: Pilot[Any], email: str = LOGIN_EMAIL) -> None:
    app = pilot.app
    await pilot.press("ctrl+o")
    await settle(pilot, lambda: isinstance(app.screen, LoginScreen))
    app.screen.query_one("#sandbox-email").value = email  # type: ignore[attr-defined]
    await pilot.press("ctrl+a")
    await settle(pilot, lambda: not isinstance(app.screen, LoginScreen))


async def send(pilot: Pilot[Any], *path: str) -> ResponseViewer:
    app: CarmanApp = pilot.app  # type: ignore[assignment]
    collection = next(c for c in app.workspace.collections if c.name == "Smartcar API")
    request = collection.find(list(path))
    assert request is not None, path
    await settle(pilot, lambda: app.screen.request is not None)  # type: ignore[attr-defined]
    app.screen.query_one(CollectionTree).select_request(request)
    await settle(pilot, lambda: app.screen.request is request)  # type: ignore[attr-defined]
    viewer = app.screen.query_one(ResponseViewer)
    before = viewer.exchange
    await pilot.press("ctrl+j")
    await settle(pilot, lambda: viewer.exchange is not before and bool(viewer.body_view.lines))
    await app.workers.wait_for_complete()
    return viewer


# ---- scenes ------------------------------------------------------------------------------


async def scene_main(pilot: Pilot[Any]) -> None:
    """Logged in, List connections filled vehicle_id and user_id, the odometer signal answered
    (Smartcar v3, with the application token carman fetched by itself)."""
    await login(pilot)
    await send(pilot, "Connections", "List connections")
    await send(pilot, "Vehicle", "Signal")
    await quiet(pilot)


async def scene_login_ssh(pilot: Pilot[Any]) -> None:
    os.environ["SSH_CONNECTION"] = "203.0.113.7 52000 198.51.100.2 22"
    try:
        app = pilot.app
        app.tokens.login = _fixed_state_login(app.tokens.login)  # type: ignore[attr-defined]
        await pilot.press("ctrl+o")
        await settle(pilot, lambda: isinstance(app.screen, LoginScreen))
        screen = app.screen
        screen.clock = lambda: screen.started_at  # type: ignore[attr-defined] # a round 5:00
        screen._tick()  # type: ignore[attr-defined]
        await quiet(pilot, workers=False)  # the login keeps waiting for the browser
    finally:
        os.environ.pop("SSH_CONNECTION", None)


def _fixed_state_login(login_method: Callable[..., Any]) -> Callable[..., Any]:
    def wrapped(settings: Any, **kwargs: Any) -> Any:
        kwargs["state"] = "screenshot-state"
        return login_method(settings, **kwargs)

    return wrapped


async def scene_vehicle_picker(pilot: Pilot[Any]) -> None:
    await login(pilot)
    await send(pilot, "Connections", "List connections")
    await pilot.press("f3")
    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, VehiclePicker))
    picker = app.screen
    await settle(pilot, lambda: bool(picker.summaries) and all(s.ok for s in picker.summaries))  # type: ignore[attr-defined]
    picker.query_one(OptionList).highlighted = 1
    await quiet(pilot)


async def scene_error(pilot: Pilot[Any]) -> None:
    """The EV battery of a 2016 Audi A4: 501 COMPATIBILITY, explained."""
    await login(pilot)
    await send(pilot, "User", "All Vehicles")
    app: CarmanApp = pilot.app  # type: ignore[assignment]
    from tui.core.smartcar.vehicles import list_vehicles, select_vehicle

    vehicles = await list_vehicles(app.workspace)
    audi = next(v for v in vehicles if v.make == "AUDI")
    select_vehicle(app.workspace, audi.id)
    await send(pilot, "EV", "Battery")
    await quiet(pilot)


async def scene_signals(pilot: Pilot[Any]) -> None:
    """Smartcar v3: the petrol Audi's signals as a table, the failed ones explained."""
    await login(pilot)
    await send(pilot, "Connections", "List connections")
    app: CarmanApp = pilot.app  # type: ignore[assignment]
    from tui.core.smartcar.vehicles import list_vehicles, select_vehicle
    from tui.widgets.lazy_tabs import LazyTabbedContent

    vehicles = await list_vehicles(app.workspace)
    audi = next(v for v in vehicles if v.make == "AUDI")
    select_vehicle(app.workspace, audi.id, audi.user_id)
    viewer = await send(pilot, "Vehicle", "All signals")
    viewer.query_one(LazyTabbedContent).active = "tab-signals"
    await quiet(pilot)


async def scene_history(pilot: Pilot[Any]) -> None:
    await login(pilot)
    await send(pilot, "User", "All Vehicles")
    await send(pilot, "Vehicle", "Odometer")
    await send(pilot, "Vehicle", "Location")
    await send(pilot, "EV", "Battery")
    await pilot.press("ctrl+r")
    from tui.screens.history import HistoryScreen

    app = pilot.app
    await settle(pilot, lambda: isinstance(app.screen, HistoryScreen))
    await settle(pilot, lambda: len(app.screen.summaries) == 4)  # type: ignore[attr-defined]
    await quiet(pilot)


async def scene_variables(pilot: Pilot[Any]) -> None:
    await login(pilot)
    await send(pilot, "Connections", "List connections")
    await pilot.press("ctrl+e")
    await quiet(pilot)


async def scene_help(pilot: Pilot[Any]) -> None:
    await pilot.press("f1")
    await quiet(pilot)


async def scene_request(pilot: Pilot[Any]) -> None:
    """A request loaded, nothing sent yet."""
    app: CarmanApp = pilot.app  # type: ignore[assignment]
    collection = next(c for c in app.workspace.collections if c.name == "Smartcar API")
    request = collection.find(["EV", "Set charge limit"])
    assert request is not None
    # Let the start-up selection of the first request land before choosing another one.
    await settle(pilot, lambda: app.screen.request is not None)  # type: ignore[attr-defined]
    await pilot.pause(0.2)
    app.screen.query_one(CollectionTree).select_request(request)
    await settle(pilot, lambda: app.screen.request is request)  # type: ignore[attr-defined]
    await quiet(pilot)


async def scene_empty(pilot: Pilot[Any]) -> None:
    """No collections at all and nothing sent."""
    app: CarmanApp = pilot.app  # type: ignore[assignment]
    app.workspace.collections.clear()
    app.screen.reload_tree()  # type: ignore[attr-defined]
    await quiet(pilot)


Scene = Callable[[Pilot[Any]], Awaitable[None]]

SCENES: dict[str, Scene] = {
    "main": scene_main,
    "login-ssh": scene_login_ssh,
    "vehicle-picker": scene_vehicle_picker,
    "smartcar-error": scene_error,
    "v3-signals": scene_signals,
    "history": scene_history,
    "variables": scene_variables,
    "help": scene_help,
    "request": scene_request,
}


def scenes_for_snapshots() -> dict[str, Scene]:
    """The states the snapshot tests fix (issue: main screen)."""
    return {
        "empty": scene_empty,
        "request": scene_request,
        "json-response": scene_main,
        "smartcar-error": scene_error,
        "v3-signals": scene_signals,
        "variables": scene_variables,
        "help": scene_help,
        "history": scene_history,
    }
