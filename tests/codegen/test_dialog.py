"""The "Copy as code" dialog in the running app (Pilot): open it from the command action,
pick a target, see its snippet, copy it, and find the target preselected after a restart."""

from __future__ import annotations

import tomllib
from pathlib import Path

from rich.syntax import Syntax
from textual.widgets import OptionList, Static

from tests.ui.helpers import make_workspace, wait_for
from tui.actions import BY_ID
from tui.app import CarmanApp
from tui.core import paths
from tui.core.session import open_session
from tui.dialogs.code_snippet import CodeSnippetDialog
from tui.widgets.collection_tree import CollectionTree


async def _open_dialog(app: CarmanApp, pilot) -> CodeSnippetDialog:  # type: ignore[no-untyped-def]
    tree = app.screen.query_one(CollectionTree)
    echo = next(r for _, r in app.workspace.collections[0].walk() if r.name == "Echo")
    tree.select_request(echo)
    await wait_for(pilot, lambda: app.screen.request is echo)
    await app.run_action("copy_code", app.screen)  # what the palette and a key run
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, CodeSnippetDialog) and bool(app.screen.query("#targets")),
    )
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, CodeSnippetDialog)
    return dialog


async def test_pick_copy_and_remember_the_target(xdg: Path, http_server: str) -> None:
    assert BY_ID["copy_code"].description == "Copy the request as code"
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await _open_dialog(app, pilot)
        assert dialog.target_id == "curl"  # nothing remembered yet
        targets = dialog.query_one("#targets", OptionList)
        assert targets.get_option_at_index(targets.highlighted or 0).id == "curl"
        index = next(
            i
            for i in range(targets.option_count)
            if targets.get_option_at_index(i).id == "python-requests"
        )
        targets.highlighted = index
        await wait_for(
            pilot, lambda: dialog.snippet is not None and dialog.target_id == "python-requests"
        )
        assert dialog.snippet is not None
        assert "import requests" in dialog.snippet.text
        assert 'BASE = os.environ["BASE"]' in dialog.snippet.text
        shown = dialog.query_one("#snippet", Static).content
        assert isinstance(shown, Syntax)  # highlighted by Rich/Pygments, as Python
        assert shown.code == dialog.snippet.text and "python" in str(shown.lexer).lower()

        await pilot.press("r")  # resolve variables: the echo server's URL is written out
        await wait_for(
            pilot, lambda: dialog.snippet is not None and http_server in dialog.snippet.text
        )

        copied_text = dialog.snippet.text
        await pilot.press("c")
        await wait_for(pilot, lambda: not isinstance(app.screen, CodeSnippetDialog))
        assert app.clipboard == copied_text
        assert f"{http_server}/echo" in app.clipboard and "X-Test" in app.clipboard

        # A non-Smartcar request: the SDK targets say why they cannot send it.
        dialog = await _open_dialog(app, pilot)
        assert dialog.target_id == "python-requests"
        targets = dialog.query_one("#targets", OptionList)
        sdk = next(
            i
            for i in range(targets.option_count)
            if targets.get_option_at_index(i).id == "python-sdk"
        )
        dialog.query_one("#targets", OptionList).highlighted = sdk
        await wait_for(pilot, lambda: dialog.target_id == "python-sdk")
        assert dialog.snippet is None
        assert "not a Smartcar Vehicle API request" in dialog.problem
        assert "(n/a)" in str(targets.get_option_at_index(sdk).prompt)  # listed, dimmed
        assert "(n/a)" not in str(targets.get_option_at_index(0).prompt)
        await pilot.press("escape")

    saved = tomllib.loads(paths.config_file().read_text())
    assert saved["code_target"] == "python-requests"

    restarted = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with restarted.run_test(size=(120, 40)) as pilot:
        dialog = await _open_dialog(restarted, pilot)
        assert dialog.target_id == "python-requests"
        options = dialog.query_one("#targets", OptionList)
        assert options.get_option_at_index(options.highlighted or 0).id == "python-requests"
        assert dialog.snippet is not None and "import requests" in dialog.snippet.text
