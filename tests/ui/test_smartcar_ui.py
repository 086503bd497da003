"""Smartcar in the TUI against the sandbox: All Vehicles fills vehicle_id, the picker switches
vehicles, and the explainer speaks for real 401, 403, 409, 429 and 501 answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from tests.net import free_port
from tests.ui.helpers import sandbox_login, send_builtin, wait_for
from tui.app import CarmanApp
from tui.core.session import open_session, point_at_sandbox
from tui.core.workspace import Workspace
from tui.dialogs.vehicle_picker import VehiclePicker
from tui.sandbox import start_sandbox
from tui.widgets.response_viewer import ResponseViewer


@pytest.fixture
def sandbox(xdg: Path):  # type: ignore[no-untyped-def]
    with start_sandbox(state_dir=xdg / "sandbox-state", seed=21) as running:
        yield running


def _app(sandbox, drop_scope: str | None = None) -> CarmanApp:  # type: ignore[no-untyped-def]
    redirect = f"http://localhost:{free_port()}/exchange"
    sandbox.register_redirect_uri(redirect)
    workspace = Workspace().load("sandbox")
    point_at_sandbox(workspace, sandbox)
    workspace.set_session({"redirect_uri": redirect})
    if drop_scope and workspace.environment and workspace.environment.oauth2:
        workspace.environment.oauth2.scope.remove(drop_scope)
    open_session(workspace=workspace)
    return CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox))


_login = sandbox_login
_send = send_builtin


def _explained(viewer: ResponseViewer) -> str:
    return str(viewer.query_one("#explanation").render())


async def test_vehicles_picker_and_compatibility(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = _app(sandbox)
    async with app.run_test(size=(110, 36)) as pilot:
        await _login(pilot, app, "2-vehicles@smartcar.com")
        viewer = await _send(pilot, app, "User", "All Vehicles")
        assert viewer.exchange.ok
        ids = viewer.exchange.response.json()["vehicles"]
        assert app.workspace.variables.get("vehicle_id") == ids[0]
        # The picker lists both with make, model and year; choose the second.
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, VehiclePicker))
        picker = app.screen
        await wait_for(pilot, lambda: all(s.ok for s in picker.summaries) and picker.summaries)
        labels = [s.label for s in picker.summaries]
        assert any("TESLA" in label for label in labels)
        assert any("AUDI A4" in label for label in labels)
        audi = next(s.id for s in picker.summaries if s.make == "AUDI")
        picker.query_one(OptionList).highlighted = [s.id for s in picker.summaries].index(audi)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.workspace.variables.get("vehicle_id") == audi)
        preview = str(app.screen.query_one("#preview").render())
        header = str(app.screen.query_one("#status-header").render())
        assert "AUDI A4" in header
        # 501: the EV battery of a petrol Audi A4.
        viewer = await _send(pilot, app, "EV", "Battery")
        assert viewer.exchange.response.status == 501
        text = _explained(viewer)
        assert "COMPATIBILITY" in text and "AUDI A4" in text
        # The preview follows the selected vehicle at once.
        viewer = await _send(pilot, app, "Vehicle", "Odometer")
        assert audi in viewer.exchange.request.url
        assert preview  # the preview line was rendered while the picker changed it
        # 429 with Retry-After.
        sandbox.set_rate_limit(True, per_minute=1)
        await _send(pilot, app, "Vehicle", "Odometer")  # the one call allowed this minute
        viewer = await _send(pilot, app, "Vehicle", "Odometer")
        assert viewer.exchange.response.status == 429
        text = _explained(viewer)
        assert "RATE_LIMIT" in text and "retry" in text.lower()
        sandbox.set_rate_limit(False)
        # 401: a wrong management token on webhook Unsubscribe.
        app.workspace.set_session({"amt": "not-the-amt"})
        viewer = await _send(pilot, app, "v2.0 (deprecated)", "Webhooks", "Unsubscribe")
        assert viewer.exchange.response.status == 401
        assert "AUTHENTICATION" in _explained(viewer)


async def test_permission_and_vehicle_state(sandbox) -> None:  # type: ignore[no-untyped-def]
    app = _app(sandbox, drop_scope="read_location")
    async with app.run_test(size=(110, 36)) as pilot:
        await _login(pilot, app, "VEHICLE_STATE.DOOR_OPEN@smartcar.com")
        # 403: the token was not granted read_location; the explainer checks the grant.
        viewer = await _send(pilot, app, "Vehicle", "Location")
        assert viewer.exchange.response.status == 403
        await wait_for(pilot, lambda: "read_location" in _explained(viewer))
        await wait_for(pilot, lambda: "not" in _explained(viewer).lower())
        # 409: a door is open, in words.
        viewer = await _send(pilot, app, "v2.0 (deprecated)", "Commands", "Lock")
        assert viewer.exchange.response.status == 409
        text = _explained(viewer)
        assert "DOOR_OPEN" in text and "door" in text.lower()
