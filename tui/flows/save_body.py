"""Save a shown body to a file: ask where (the name suggested), write it, say what happened."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from tui.dialogs.basic import Field, FormDialog
from tui.widgets.response_viewer import ResponseViewer


def save_body(app: App[object], event: ResponseViewer.SaveRequested, suggested: str) -> None:
    def chosen(values: dict[str, str] | None) -> None:
        if not values or not values["path"].strip():
            return
        path = Path(values["path"]).expanduser()
        try:
            size = event.write_to(path)
        except OSError as exc:
            app.notify(f"Could not save to {path}: {exc.strerror}", severity="error")
            return
        app.notify(f"Saved {size} bytes to {path}")

    app.push_screen(
        FormDialog("Save the body to a file", [Field("path", "File", suggested)]), chosen
    )
