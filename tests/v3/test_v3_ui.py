"""Smartcar v3 in the TUI against the sandbox: the picker over connections sets both ids and
the header shows the user; the Signals tab; the explainer on per-signal failures and a 409;
the signal picker; the app token auth kind in the Auth tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Select

from tests.net import free_port
from tests.ui.helpers import sandbox_login, send_builtin, wait_for
from tui.app import CarmanApp
from tui.core.model import AuthKind
from tui.core.session import open_session, point_at_sandbox
from tui.core.workspace import Workspace
from tui.dialogs.login import LoginScreen
from tui.dialogs.signal_picker import SignalPicker
from tui.dialogs.vehicle_picker import VehiclePicker
from tui.sandbox import start_sandbox
from tui.widgets.lazy_tabs import LazyTabbedContent
from tui.widgets.response_viewer import ResponseViewer
from tui.widgets.signals_table import SignalsTable
from tui.widgets.status_header import StatusHeader


@pytest.fixture
def sandbox(xdg: Path):  # type: ignore[no-untyped-def]
    with start_sandbox(state_dir=xdg / "sandbox-state", seed=13) as running:
        yield running


def _app(sandbox) -> CarmanApp:  # type: ignore[no-untyped-def]
    redirect = f"http://localhost:{free_port()}/exchange"
    sandbox.register_redirect_uri(redirect)
    workspace = Workspace().load("sandbox")
    point_at_sandbox(workspace, sandbox)
    workspace.set_session({"redirect_uri": redirect})
    return CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox))


def _header(app: CarmanApp) -> str:
    return app.screen.query_one(StatusHeader).render_text().plain


def _offers_both_generations(login: LoginScreen) -> None:
    summary = str(login.query_one("#login-summary").render())
    assert "application token of" in summary and "per-vehicle tokens (v2.0)" in summary


async def _login(pilot, app: CarmanApp, email: str) -> None:  # type: ignore[no-untyped-def]
    await sandbox_login(pilot, app, email, check=_offers_both_generations)


_send = send_builtin


async def _pick(pilot, app: CarmanApp, make: str, user_id: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, VehiclePicker))
    picker = app.screen
    await wait_for(pilot, lambda: any(s.user_id for s in picker.summaries))
    index = next(
        i for i, s in enumerate(picker.summaries) if s.make == make and s.user_id == user_id
    )
    picker.query_one(OptionList).highlighted = index
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, VehiclePicker))


def _explained(viewer: ResponseViewer) -> str:
    return str(viewer.query_one("#explanation").render())


async def test_picker_over_connections_header_signals_tab_and_explanations(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = _app(sandbox)
    async with app.run_test(size=(140, 40)) as pilot:
        await _login(pilot, app, "3-vehicles@smartcar.com")
        user_id = app.workspace.variables.get("user_id")
        assert user_id
        shown = f"user: {user_id[:8]}…"  # the header shortens the UUID
        await wait_for(pilot, lambda: shown in _header(app))
        # F3 lists the connections (make, model, year, user); picking one sets both ids.
        app.workspace.set_session({"user_id": "someone-else"})  # the picker sets it back
        await _pick(pilot, app, "AUDI", user_id)
        audi = app.workspace.variables.get("vehicle_id")
        assert audi and app.workspace.variables.get("user_id") == user_id
        await wait_for(pilot, lambda: "vehicle: 2016 AUDI A4" in _header(app))
        assert f"user: {user_id[:8]}" in _header(app)
        # All signals of a petrol car: the Signals tab, and the failed signals explained.
        viewer = await _send(pilot, app, "Vehicle", "All signals")
        assert viewer.exchange is not None and viewer.exchange.response.status == 200
        tabs = viewer.query_one(LazyTabbedContent)
        assert not tabs.strip.is_hidden("tab-signals")
        table = viewer.query_one(SignalsTable)
        data = viewer.exchange.response.json()["data"]
        assert table.row_count == len(data)
        failed = [row.code for row in table.failed()]
        assert "charge-voltage" in failed and "odometer-traveleddistance" not in failed
        text = _explained(viewer)
        assert f"{len(failed)} signals failed: " in text
        assert "COMPATIBILITY/VEHICLE_NOT_CAPABLE (this vehicle cannot supply them" in text
        assert "2016 AUDI A4" in text  # the picked vehicle's label reaches the advice
        tabs.active = "tab-signals"
        await pilot.pause()
        # The application token shows in the header once carman has fetched it.
        await wait_for(pilot, lambda: "app: valid" in _header(app))
        # A non-signals answer hides the tab (and leaves it if it was open).
        viewer = await _send(pilot, app, "Vehicle", "Vehicle attributes")
        assert tabs.strip.is_hidden("tab-signals") and tabs.active == "tab-body"
        # 409 on the unplugged Volt, in words.
        await _pick(pilot, app, "CHEVROLET", user_id)
        viewer = await _send(pilot, app, "Commands", "Start charge")
        assert viewer.exchange.response.status == 409
        text = _explained(viewer)
        assert "CHARGING_PLUG_NOT_CONNECTED" in text and "not plugged in" in text


async def test_the_header_keeps_the_vehicle_at_80_columns(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = _app(sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        user = "f5a29a1d-8ff6-40c9-81f9-f362916732e6"
        app.workspace.set_session({"user_id": user, "vehicle_id": "c88c0d9f-da8b"})
        await wait_for(pilot, lambda: "vehicle: c88c0d9f" in _header(app))
        # Not logged in: the long token label leaves no room, and the user goes first.
        header = _header(app)
        assert "user:" not in header and len(header) <= 78
        # Logged in, the label is short: the user shows, shortened, and the vehicle stays.
        widget = app.screen.query_one(StatusHeader)
        widget.set_state(token="valid 1h59m", vehicle="2021 TESLA Model 3")
        header = widget.render_text().plain
        assert header == (
            "env: sandbox  token: valid 1h59m  user: f5a29a1d…  vehicle: 2021 TESLA Model 3"
        )
        # Wide, everything: the whole id.
        await pilot.resize_terminal(200, 30)
        await wait_for(pilot, lambda: f"user: {user}" in widget.render_text().plain)


async def test_signal_picker_sets_signal_code(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = _app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.run_action("pick_signal", app.screen)
        await wait_for(pilot, lambda: isinstance(app.screen, SignalPicker))
        picker = app.screen
        assert len(picker.shown) == 93  # the whole catalogue
        await pilot.press(*"islocked")
        await wait_for(pilot, lambda: [s.code for s in picker.shown] == ["closure-islocked"])
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: app.workspace.variables.get("signal_code") == "closure-islocked"
        )
        # Vehicle / Signal's URL now reads that code.
        collection = next(c for c in app.workspace.collections if c.name == "Smartcar API")
        signal = collection.find(["Vehicle", "Signal"])
        assert signal is not None
        resolved = app.workspace.variables.resolve(signal.url).text
        assert resolved.endswith("/signals/closure-islocked")


async def test_the_auth_tab_offers_the_app_token(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = _app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.screen.query_one("#request-tabs", LazyTabbedContent).active = "tab-auth"
        await pilot.pause()  # the tab's widgets are built as it opens
        select = app.screen.query_one("#auth-kind", Select)
        labels = dict((kind, label) for label, kind in select._options)  # type: ignore[attr-defined]
        assert labels[AuthKind.APP_TOKEN] == "app token (API Authentication)"
        # The collection's default auth is the application token: the v3 requests inherit it.
        collection = next(c for c in app.workspace.collections if c.name == "Smartcar API")
        lock = collection.find(["Commands", "Lock"])
        assert lock is not None and collection.effective_auth(lock).kind == AuthKind.APP_TOKEN


async def test_a_long_explanation_leaves_the_body_room_on_a_small_terminal(sandbox) -> None:  # type: ignore[no-untyped-def]
    # At 60x20 an explanation of failed signals took 12 lines and left the body one line.
    app = _app(sandbox)
    async with app.run_test(size=(60, 20)) as pilot:
        await _login(pilot, app, "3-vehicles@smartcar.com")
        viewer = await _send(pilot, app, "Vehicle", "All signals")
        explanation = viewer.query_one("#explanation")
        await wait_for(pilot, lambda: "signals failed" in _explained(viewer))
        await pilot.press("f11")  # the response, maximised
        await wait_for(pilot, lambda: viewer.body_view.size.height >= 5)
        assert 1 <= explanation.size.height <= 4
    async with _app(sandbox).run_test(size=(140, 40)) as pilot:
        app = pilot.app
        await _login(pilot, app, "3-vehicles@smartcar.com")  # type: ignore[arg-type]
        viewer = await _send(pilot, app, "Vehicle", "All signals")  # type: ignore[arg-type]
        await wait_for(pilot, lambda: "signals failed" in _explained(viewer))
        assert viewer.query_one("#explanation").size.height > 4  # a tall terminal shows more
