"""The Webhooks screen (Pilot): live arrivals, an event's signals and JSON, the plot, copying
the callback URL, captures from valid deliveries only, and the key, palette and help."""

from __future__ import annotations

from pathlib import Path

import httpx
from rich.style import Style
from rich.text import Text
from textual.widgets import DataTable, Input, Static

from tests.ui.helpers import make_workspace, run_from_palette, wait_for
from tests.webhooks.conftest import AMT, compact, signed_headers, vehicle_state
from tui.app import CarmanApp
from tui.core import paths
from tui.core.session import open_session
from tui.dialogs.basic import FormDialog
from tui.dialogs.help import HelpScreen
from tui.screens.webhook_event import WebhookEventScreen
from tui.screens.webhooks import WebhooksScreen
from tui.widgets.delivery_signals_table import DeliverySignalsTable
from tui.widgets.response_viewer import ResponseViewer
from tui.widgets.signal_plot import SignalPlot


def _app(config: str = "") -> CarmanApp:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[webhooks]\nport = 0\n" + config)  # an ephemeral port: tests run side by side
    workspace = make_workspace("http://127.0.0.1:9")
    workspace.set_environment_variable("amt", AMT)
    return CarmanApp(open_session(workspace=workspace))


async def _deliver(url: str, body: bytes, amt: str = AMT) -> int:
    async with httpx.AsyncClient() as client:
        answer = await client.post(url, content=body, headers=signed_headers(body, amt))
    return answer.status_code


async def test_deliveries_show_up_live_and_open_with_signals_json_and_plot(xdg: Path) -> None:
    app = _app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        screen = app.screen
        receiver = app.webhook_hub.receiver
        assert receiver is not None and receiver.running
        where = str(screen.query_one("#wh-where").render())
        assert f"Listening at {receiver.local_url}" in where

        table = screen.query_one(DataTable)
        assert await _deliver(receiver.local_url, compact(vehicle_state(soc=80))) == 200
        await wait_for(pilot, lambda: table.row_count == 1)
        assert screen.summaries[0].event_type == "VEHICLE_STATE"
        plot = screen.query_one(SignalPlot)
        await wait_for(pilot, lambda: len(plot.sparkline.data or []) == 1)

        for soc in (75, 70):
            await _deliver(receiver.local_url, compact(vehicle_state(soc=soc)))
        assert await _deliver(receiver.local_url, compact(vehicle_state(soc=1)), "forged") == 401
        await wait_for(pilot, lambda: table.row_count == 4)
        # Three points: the forged delivery is listed but never plotted.
        await wait_for(pilot, lambda: list(plot.sparkline.data or []) == [80, 75, 70])
        assert plot.code == "tractionbattery-stateofcharge"
        assert [s.signature.value for s in screen.summaries] == [
            "invalid",
            "valid",
            "valid",
            "valid",
        ]
        row = table.get_row_at(0)
        assert str(row[4]) == "✗" and str(row[6]) == "401"
        # The narrow problem column is said in full for the highlighted line.
        status = screen.query_one("#wh-status")
        await wait_for(pilot, lambda: "401: SC-Signature does not match" in str(status.render()))

        await pilot.press("p")  # the next numeric signal
        await wait_for(pilot, lambda: plot.code == "odometer-traveleddistance")

        table.move_cursor(row=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhookEventScreen))
        event_screen = app.screen
        signals = event_screen.query_one(DeliverySignalsTable)
        assert signals.row_count == 3
        assert [str(c) for c in signals.get_row_at(0)[:3]] == [
            "tractionbattery-stateofcharge",
            "70",
            "percent",
        ]
        viewer = event_screen.query_one(ResponseViewer)
        await wait_for(pilot, lambda: any('"eventType"' in line for line in viewer.body_view.lines))
        event_plot = event_screen.query_one(SignalPlot)
        assert list(event_plot.sparkline.data or []) == [80, 75, 70]

        # The same JSONPath filter as responses.
        viewer.body_view.focus()
        await pilot.press("f", *"$.data.vehicle.make")
        await wait_for(pilot, lambda: '"POLESTAR"' in "\n".join(viewer.body_view.lines))

        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        # A new one while the screen is open again lands on top, and on the plot (which still
        # shows the odometer chosen with p).
        chosen = screen._current()
        assert chosen is not None and table.cursor_row == 1
        newest = vehicle_state(soc=65, odometer=12400.0)
        await _deliver(receiver.local_url, compact(newest))
        await wait_for(pilot, lambda: table.row_count == 5)
        assert screen.summaries[0].event_id == newest["eventId"]
        assert screen._current() == chosen  # the cursor stayed on the event it was on
        assert plot.code == "odometer-traveleddistance"
        await wait_for(pilot, lambda: list(plot.sparkline.data or [])[-1:] == [12400.0])
        assert len(plot.sparkline.data or []) == 4
    assert not receiver.running  # carman stops it when it quits


async def test_copying_the_callback_url(xdg: Path) -> None:
    app = _app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        await pilot.press("ctrl+y")
        assert app.clipboard == app.webhook_hub.receiver.local_url
        reach = str(app.screen.query_one("#wh-reach").render())
        assert "ssh -R 443:localhost:" in reach and "cloudflared" in reach
        app.screen.query_one("#wh-filter", Input).focus()
        app.copy_to_clipboard("")
        await pilot.press("ctrl+y")  # from the filter too (a priority key)
        assert app.clipboard == app.webhook_hub.receiver.local_url

    public = _app('public_url = "https://hooks.example.com/webhooks"\n')
    async with public.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(public.screen, WebhooksScreen))
        await pilot.press("y")
        assert public.clipboard == "https://hooks.example.com/webhooks"


async def test_a_capture_rule_from_a_signal_applies_to_valid_deliveries_only(xdg: Path) -> None:
    app = _app()
    async with app.run_test(size=(100, 32)) as pilot:
        await run_from_palette(pilot, app, "webhooks", "Receive and inspect webhooks")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        url = app.webhook_hub.receiver.local_url
        await _deliver(url, compact(vehicle_state(soc=55)))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhookEventScreen))
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        values = app.screen.values()
        assert values == {
            "variable": "stateofcharge",
            "path": "$.data.signals[?@.code=='tractionbattery-stateofcharge'].body.value",
        }
        app.screen.query_one("#field-variable", Input).value = "battery"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhookEventScreen))
        assert app.workspace.variables.get("battery") == "55"
        assert "battery" in paths.config_file().read_text()

        await _deliver(url, compact(vehicle_state(soc=44)))
        await wait_for(pilot, lambda: app.workspace.variables.get("battery") == "44")
        await _deliver(url, compact(vehicle_state(soc=1)), "forged")
        await _deliver(url, compact(vehicle_state(soc=33)))
        await wait_for(pilot, lambda: app.workspace.variables.get("battery") == "33")
        assert app.webhook_hub.receiver.flush(10)
        await pilot.pause()
        assert app.workspace.variables.get("battery") == "33"  # the forged "1" never landed


async def test_the_key_is_in_the_help_and_a_busy_port_is_said(xdg: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        app = _app()
        paths.config_file().write_text(f"[webhooks]\nport = {taken.getsockname()[1]}\n")
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.press("f1")
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
            keys = app.screen.query(Static)[1].content  # the rich Table of every action
            rows = list(zip(*(column.cells for column in keys.columns), strict=True))
            assert ("ctrl+t", "Receive and inspect webhooks", "webhooks") in rows
            await pilot.press("escape")
            await pilot.press("ctrl+t")
            await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
            where = str(app.screen.query_one("#wh-where").render())
            assert "Not listening" in where and "is in use" in where


async def test_switching_environment_switches_the_token_deliveries_are_checked_with(
    xdg: Path,
) -> None:
    from tui.core.model import Environment
    from tui.core.secrets import SecretsStore

    app = _app()
    # Another environment whose management token is in the secrets file, as a user keeps it.
    app.workspace.environments["other"] = Environment(name="other", variables={})
    SecretsStore().set_variable("other", "amt", "the-other-token")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        receiver = app.webhook_hub.receiver
        assert (receiver.keys.environment, receiver.keys.amt) == ("local", AMT)
        app.switch_environment("other")
        assert (receiver.keys.environment, receiver.keys.amt) == ("other", "the-other-token")
        assert "env other" in str(app.screen.query_one("#wh-where").render())
        body = compact(vehicle_state())
        assert await _deliver(receiver.local_url, body) == 401  # the old token no longer
        assert await _deliver(receiver.local_url, body, "the-other-token") == 200


async def test_a_management_token_added_while_it_runs_is_used_at_once(xdg: Path) -> None:
    app = _app()
    app.workspace.variables.delete("amt", layer="environment")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        receiver = app.webhook_hub.receiver
        assert receiver.keys.amt is None
        warnings = app.screen.query_one("#wh-warnings")
        assert "No management token (amt)" in str(warnings.render())
        app.workspace.set_session({"amt": AMT})  # as the variables screen adds it
        assert receiver.keys.amt == AMT
        assert "No management token" not in str(warnings.render())
        assert await _deliver(receiver.local_url, compact(vehicle_state())) == 200


async def test_the_answer_pill_follows_a_theme_change(xdg: Path) -> None:
    app = _app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhooksScreen))
        url = app.webhook_hub.receiver.local_url
        await _deliver(url, compact(vehicle_state(soc=55)))
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, WebhookEventScreen))
        status_line = app.screen.query_one(ResponseViewer).query_one("#status-line", Static)

        def pill_colour() -> object:
            text = status_line.content
            assert isinstance(text, Text) and "answered 200" in text.plain
            style = text.spans[0].style
            assert isinstance(style, Style)
            return style.color

        await wait_for(pilot, lambda: pill_colour() is not None)
        before = pill_colour()
        app.theme = "carman-light"
        await wait_for(pilot, lambda: pill_colour() != before)
