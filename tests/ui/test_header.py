"""The header follows what it shows: the variables store, the token manager and the vehicle
cache announce changes; nothing refreshes it by hand or on a poll."""

from __future__ import annotations

from pathlib import Path

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.environments import save_environment
from tui.core.model import Environment, OAuth2Settings
from tui.core.oauth.token_client import TokenResponse
from tui.core.session import open_session
from tui.core.smartcar.vehicles import VehicleSummary, cache_for
from tui.widgets.status_header import StatusHeader

SETTINGS = OAuth2Settings(
    client_id="header-client",
    authorize_url="http://127.0.0.1:9/a",
    token_url="http://127.0.0.1:9/t",
)


def _header(app: CarmanApp) -> str:
    return app.screen.query_one(StatusHeader).render_text().plain


async def test_the_vehicle_label_arrives_by_itself(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(120, 30)) as pilot:
        workspace = app.workspace
        workspace.set_session({"vehicle_id": "abcdef123456"})
        await wait_for(pilot, lambda: "vehicle: abcdef12…" in _header(app))
        summary = VehicleSummary("abcdef123456", make="TESLA", model="Model 3", year=2021)
        cache_for(workspace).put(workspace.environment_name, summary)
        await wait_for(pilot, lambda: "vehicle: 2021 TESLA Model 3" in _header(app))


async def test_switching_environment_shows_that_environment_s_vehicle_by_name(
    xdg: Path, http_server: str
) -> None:
    save_environment(Environment(name="other", variables={"base": http_server}))
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(120, 30)) as pilot:
        workspace = app.workspace
        cache = cache_for(workspace)
        cache.put("other", VehicleSummary("vehicle-of-other", make="AUDI", model="A4", year=2020))
        app.switch_environment("other")
        workspace.set_session({"vehicle_id": "vehicle-of-other"})
        await wait_for(pilot, lambda: "env: other" in _header(app))
        await wait_for(pilot, lambda: "vehicle: 2020 AUDI A4" in _header(app))


async def test_token_changes_reach_the_header(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(120, 30)) as pilot:
        environment = app.workspace.environment
        assert environment is not None
        environment.oauth2 = SETTINGS
        app.screen.refresh_header()
        await wait_for(pilot, lambda: "token: none" in _header(app))
        response = TokenResponse("header-access-token", "Bearer", 7200, "header-refresh")
        await app.tokens.complete_login(SETTINGS, response)
        await wait_for(pilot, lambda: "token: valid 1h59m" in _header(app))
        app.tokens.logout(SETTINGS)
        await wait_for(pilot, lambda: "token: none" in _header(app))


async def test_choosing_the_sandbox_later_starts_it_off_the_ui_thread(xdg: Path) -> None:
    """carman started in another environment; choosing the sandbox environment starts the
    sandbox on a thread (it once ran on the UI thread, freezing keys for ~0.2 s): the header
    says it is starting, a send waits for it, and then the environment points at it."""
    import threading

    from tui.core.workspace import Workspace
    from tui.sandbox import start_sandbox

    gate = threading.Event()
    started_on: list[int] = []
    with start_sandbox(state_dir=xdg / "sandbox-state", seed=5) as running:

        def provider() -> object:
            started_on.append(threading.get_ident())
            gate.wait(10)  # held until the test has seen the pending state
            return running

        session = open_session(
            "test",
            workspace=Workspace().load("test"),
            sandbox_provider=provider,
            defer_sandbox=True,
        )
        app = CarmanApp(session)
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_for(pilot, lambda: app.deferred.begun)
            app.switch_environment("sandbox")  # returns at once: the provider is held
            await wait_for(pilot, lambda: "starting sandbox" in _header(app))
            await wait_for(pilot, lambda: bool(started_on))
            assert started_on[0] != threading.get_ident()
            assert app.session.sandbox is None
            gate.set()
            await wait_for(pilot, lambda: app.session.sandbox is running)
            assert app.workspace.variables.get("api_url") == running.base_url
            await wait_for(pilot, lambda: "starting sandbox" not in _header(app))
            app.switch_environment("test")
            app.switch_environment("sandbox")  # running now: attached again, not restarted
            assert len(started_on) == 1
            assert app.workspace.variables.get("api_url") == running.base_url
