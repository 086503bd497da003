"""Saving a history entry as a request in a collection (an existing one or a new one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.collection_io import save_collection
from tui.core.errors import CarmanError
from tui.core.history import HistoryEntry, saved_request
from tui.core.model import Collection
from tui.dialogs.basic import ChoiceDialog, Field, FormDialog

if TYPE_CHECKING:
    from tui.app import CarmanApp

NEW = "new"


def _default_name(entry: HistoryEntry) -> str:
    return entry.request_name or f"{entry.method} {entry.url.split('?')[0][-40:]}"


def _saved(app: CarmanApp, collection: Collection, entry: HistoryEntry, name: str) -> None:
    request = saved_request(entry, name)
    collection.requests.append(request)
    try:
        save_collection(collection)
    except (OSError, CarmanError) as exc:
        collection.requests.remove(request)
        app.notify(f"Could not save: {exc}", severity="error")
        return
    if app.main_screen is not None:
        app.main_screen.reload_tree()
    how = "its template ({{variables}} kept)" if entry.template else "the URL as it was sent"
    app.notify(f"Saved as {collection.name} / {request.name}, from {how}")


def save_entry_as_request(app: CarmanApp, entry: HistoryEntry) -> None:
    writable = [c for c in app.workspace.collections if not c.read_only]
    options = [(str(i), c.name) for i, c in enumerate(writable)]
    options.append((NEW, "A new collection…"))

    def named(collection: Collection, values: dict[str, str] | None) -> None:
        if values and values["name"].strip():
            _saved(app, collection, entry, values["name"].strip())

    def ask_name(collection: Collection) -> None:
        app.push_screen(
            FormDialog("Save as a new request", [Field("name", "Name", _default_name(entry))]),
            lambda values: named(collection, values),
        )

    def chosen(key: str | None) -> None:
        if key is None:
            return
        if key == NEW:
            from tui.flows.collections import create_collection

            # One dialog names both; nothing is written before it is answered, so Esc at any
            # step leaves nothing behind.
            create_collection(
                app,
                extra_fields=[Field("request", "Request name", _default_name(entry))],
                requests_from=lambda values: [
                    saved_request(entry, values["request"].strip() or _default_name(entry))
                ],
            )
        else:
            ask_name(writable[int(key)])

    app.push_screen(ChoiceDialog("Save into which collection?", options), chosen)
