"""Collection-level actions: duplicate one (the built-in one, to edit it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.errors import CarmanError
from tui.core.model import Collection
from tui.dialogs.basic import Field, FormDialog
from tui.flows.tree_actions import duplicate_into_user_collections

if TYPE_CHECKING:
    from tui.app import CarmanApp


def duplicate_collection(app: CarmanApp, collection: Collection | None) -> None:
    if collection is None:
        app.notify("Select a request of the collection to duplicate", severity="warning")
        return

    def named(values: dict[str, str] | None) -> None:
        if not values or not values["name"].strip():
            return
        try:
            clone = duplicate_into_user_collections(collection, values["name"].strip())
        except (CarmanError, OSError) as exc:
            app.notify(str(exc), severity="error")
            return
        app.workspace.collections.insert(0, clone)
        screen = app.main_screen
        if screen is not None:
            first = next((r for _, r in clone.walk()), None)
            screen.reload_tree(first)
        app.notify(f"Duplicated into {clone.path}; edit and save with ctrl+s")

    app.push_screen(
        FormDialog(
            f"Duplicate {collection.name}",
            [Field("name", "Name of the copy", f"{collection.name} (mine)")],
        ),
        named,
    )
