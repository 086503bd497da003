"""The variables screen: every variable by layer with its source; add, edit, delete, reveal."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.environments import SessionStore, load_environments
from tui.core.secrets import SecretsStore
from tui.core.session import open_session
from tui.dialogs.basic import ConfirmDialog, FormDialog
from tui.screens.variables import VariablesScreen


def _cells(screen: VariablesScreen) -> list[tuple[str, str, str]]:
    table = screen.query_one(DataTable)
    return [
        tuple(str(cell) for cell in table.get_row_at(i)[:3])  # type: ignore[misc]
        for i in range(table.row_count)
    ]


async def test_variables_by_layer_edit_and_reveal(xdg: Path, http_server: str) -> None:
    workspace = make_workspace(http_server)
    workspace.set_session({"api_key": "k-secret-0001", "who": "session"})
    app = CarmanApp(open_session(workspace=workspace))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, VariablesScreen))
        screen = app.screen
        cells = _cells(screen)
        assert ("base", http_server, "environment") in cells
        assert ("api_key", "••••••", "session") in cells  # masked
        await pilot.press("v")
        assert ("api_key", "k-secret-0001", "session") in _cells(screen)
        await pilot.press("v")

        # Add a session variable from the keyboard.
        await pilot.press("a")
        assert isinstance(app.screen, FormDialog)
        await pilot.press(*"vehicle_id", "enter", *"v-42", "enter", "enter")
        await wait_for(pilot, lambda: ("vehicle_id", "v-42", "session") in _cells(screen))
        assert SessionStore().load("local")[0]["vehicle_id"] == "v-42"

        # Edit the environment layer of a user environment: saved to its file.
        table = screen.query_one(DataTable)
        table.move_cursor(row=[c[0] for c in _cells(screen)].index("base"))
        await pilot.press("enter")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-value", Input).value = "http://example.invalid"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: ("base", "http://example.invalid", "environment") in _cells(screen)
        )
        saved = {env.name: env for env in load_environments()[0]}
        assert saved["local"].variables["base"] == "http://example.invalid"

        # A secret-named environment variable goes to the secrets file, not the environment.
        await pilot.press("a")
        await pilot.press(*"client_secret", "enter", *"cs-1", "enter")
        app.screen.query_one("#field-layer", Input).value = "environment"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any(c[0] == "client_secret" for c in _cells(screen)))
        assert SecretsStore().variables("local")["client_secret"] == "cs-1"
        assert "cs-1" not in next(Path(xdg).rglob("environments/local.toml")).read_text()

        # Delete the session variable (with confirmation).
        table.move_cursor(row=[c[0] for c in _cells(screen)].index("vehicle_id"))
        await pilot.press("x")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await wait_for(pilot, lambda: not any(c[0] == "vehicle_id" for c in _cells(screen)))
        assert "vehicle_id" not in SessionStore().load("local")[0]


async def test_an_unknown_layer_is_refused_and_asked_again(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await wait_for(pilot, lambda: isinstance(app.screen, VariablesScreen))
        screen = app.screen
        await pilot.press("a", *"colour", "enter", *"blue", "enter")
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#field-layer", Input).value = "enviroment"  # a typo
        await pilot.press("ctrl+s")
        assert app.screen is dialog  # still asking
        error = str(dialog.query_one("#dialog-error").render())
        assert "Unknown layer 'enviroment'" in error and "environment" in error
        assert not any(c[0] == "colour" for c in _cells(screen))
        # The refused field has the focus, its text selected: typing replaces it.
        assert dialog.focused is dialog.query_one("#field-layer", Input)
        await pilot.press(*"environment", "ctrl+s")
        await wait_for(pilot, lambda: ("colour", "blue", "environment") in _cells(screen))
