"""At 80x24 notifications never cover the field a dialog is asking for (the client secret, a
name): over a dialog they sit at the top, one line each."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input
from textual.widgets._toast import Toast

from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.session import open_session
from tui.dialogs.basic import Field, FormDialog


async def test_toasts_leave_the_dialog_fields_visible(xdg: Path, http_server: str) -> None:
    app = CarmanApp(open_session(workspace=make_workspace(http_server)))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        fields = [Field("secret", "Client secret", password=True), Field("other", "Other")]
        app.push_screen(FormDialog("Client secret", fields))
        await wait_for(pilot, lambda: isinstance(app.screen, FormDialog))
        for text in ("Environment: test", "Connect URL copied to the clipboard", "Saved"):
            app.notify(text, timeout=30)
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 3)
        await pilot.pause()
        toasts = [toast.region for toast in app.screen.query(Toast)]
        for field in app.screen.query(Input):
            assert field.region.height > 0
            for toast in toasts:
                assert not toast.overlaps(field.region), (toast, field.region)
