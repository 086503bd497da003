"""Collection-level flows: create one, duplicate one (the built-in one, to edit it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.core import paths
from tui.core.collection_ops import collection_name_problem, new_collection
from tui.core.errors import CarmanError
from tui.core.model import Auth, AuthKind, Collection, Request
from tui.dialogs.basic import ChoiceDialog, Field, FieldProblem, FormDialog, Validator
from tui.flows.tree_actions import duplicate_into_user_collections

if TYPE_CHECKING:
    from tui.app import CarmanApp

FOR_SMARTCAR = "smartcar"
FOR_OTHER = "other"
KINDS = [
    (FOR_SMARTCAR, "Smartcar work: requests log in with the environment's OAuth2 (Connect)"),
    (FOR_OTHER, "Another API: no auth by default (set it per request or on the collection)"),
]


def _name_check(app: CarmanApp) -> Validator:
    taken = [c.name for c in app.workspace.collections]

    def check(values: dict[str, str]) -> FieldProblem | None:
        problem = collection_name_problem(paths.collections_dir(), values["name"], taken)
        return FieldProblem("name", problem) if problem else None

    return check


def create_collection(
    app: CarmanApp,
    *,
    default_name: str = "My requests",
    extra_fields: list[Field] | None = None,
    requests_from: Callable[[dict[str, str]], list[Request]] | None = None,
) -> None:
    """Ask what the collection is for and its name (asked again while taken), with any
    ``extra_fields`` in the same dialog; ``requests_from`` turns the answers into its first
    requests. Nothing is written until both steps are answered: Esc leaves nothing behind."""

    def named(kind: str, values: dict[str, str] | None) -> None:
        if not values:
            return
        auth = Auth(kind=AuthKind.OAUTH2) if kind == FOR_SMARTCAR else None
        try:
            collection = new_collection(
                paths.collections_dir(),
                values["name"],
                taken=[c.name for c in app.workspace.collections],
                requests=requests_from(values) if requests_from is not None else None,
                auth=auth,
            )
        except (CarmanError, OSError) as exc:
            app.notify(f"Could not create the collection: {exc}", severity="error")
            return
        app.workspace.collections.insert(0, collection)
        screen = app.main_screen
        if screen is not None:
            screen.reload_tree(collection.requests[0] if collection.requests else None)
        app.notify(f"Created the collection {collection.name} ({collection.path})")

    def chosen(kind: str | None) -> None:
        if kind is None:
            return
        fields = [Field("name", "Collection name", default_name), *(extra_fields or [])]
        app.push_screen(
            FormDialog("New collection", fields, validate=_name_check(app)),
            lambda values: named(kind, values),
        )

    app.push_screen(ChoiceDialog("What is the new collection for?", KINDS, FOR_SMARTCAR), chosen)


def duplicate_collection(app: CarmanApp, collection: Collection | None) -> None:
    if collection is None:
        app.notify("Select a request of the collection to duplicate", severity="warning")
        return

    def named(values: dict[str, str] | None) -> None:
        if not values:
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
            validate=_name_check(app),
        ),
        named,
    )
