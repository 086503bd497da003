"""What the tree keys do: new, rename, duplicate, delete (confirmed), move, filter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core import collection_ops as ops
from tui.core import paths
from tui.core.errors import CarmanError
from tui.core.model import Collection, Folder, Request
from tui.dialogs.basic import ChoiceDialog, ConfirmDialog, Field, FormDialog
from tui.widgets.collection_tree import CollectionTree, NodeRef

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


class TreeActions:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    @property
    def tree(self) -> CollectionTree:
        return self.screen.query_one(CollectionTree)

    def _error(self, exc: Exception) -> None:
        self.screen.notify(str(exc), severity="error", timeout=8)

    def _after(self, select: Request | None = None) -> None:
        self.screen.reload_tree(select)

    def run(self, name: str, ref: NodeRef | None) -> None:
        if name == "filter":
            self.tree.show_filter()
            return
        if name == "new_collection":
            from tui.flows.collections import create_collection

            create_collection(self.screen.carman)
            return
        if ref is None:
            return
        handler = getattr(self, f"do_{name}", None)
        if handler is None:
            return
        try:
            handler(ref)
        except CarmanError as exc:
            self._error(exc)
        except OSError as exc:
            self._error(CarmanError(f"Could not write the collection: {exc}"))

    # -- handlers --------------------------------------------------------------------------
    def _container(self, ref: NodeRef) -> Folder:
        if ref.request is not None:
            return ops.parent_of(ref.collection, ref.request) or ref.collection
        return ref.container

    def _offer_a_writable_collection(self, collection: Collection) -> None:
        """``n`` in the built-in collection: it is read-only, so offer what would work."""
        from tui.flows.collections import create_collection, duplicate_collection

        app = self.screen.carman

        def chosen(key: str | None) -> None:
            if key == "new":
                create_collection(app)
            elif key == "copy":
                duplicate_collection(app, collection)

        options = [
            ("new", "Create a new collection for your own requests"),
            ("copy", f"Duplicate {collection.name} and add requests to the copy"),
        ]
        app.push_screen(
            ChoiceDialog(f"{collection.name} is built in and read-only", options), chosen
        )

    def do_new_request(self, ref: NodeRef) -> None:
        collection, folder = ref.collection, self._container(ref)
        if collection.read_only:
            self._offer_a_writable_collection(collection)
            return

        def named(values: dict[str, str] | None) -> None:
            if not values:
                return
            try:
                request = ops.add_request(collection, folder, values["name"] or "New request")
            except (CarmanError, OSError) as exc:
                self._error(CarmanError(str(exc)))
                return
            self._after(request)
            self.screen.action_focus_url()

        self.screen.app.push_screen(
            FormDialog("New request", [Field("name", "Name", "New request")]), named
        )

    def do_new_folder(self, ref: NodeRef) -> None:
        collection, parent = ref.collection, self._container(ref)
        ops._writable(collection)

        def named(values: dict[str, str] | None) -> None:
            if values:
                try:
                    ops.add_folder(collection, parent, values["name"] or "New folder")
                except (CarmanError, OSError) as exc:
                    self._error(CarmanError(str(exc)))
                    return
                self._after()

        self.screen.app.push_screen(
            FormDialog("New folder", [Field("name", "Name", "New folder")]), named
        )

    def _item(self, ref: NodeRef) -> Request | Folder | Collection:
        if ref.request is not None:
            return ref.request
        return ref.folder if ref.folder is not None else ref.collection

    def do_rename(self, ref: NodeRef) -> None:
        item = self._item(ref)
        ops._writable(ref.collection)

        def named(values: dict[str, str] | None) -> None:
            if values:
                try:
                    ops.rename(ref.collection, item, values["name"])
                except (CarmanError, OSError) as exc:
                    self._error(CarmanError(str(exc)))
                    return
                self._after(ref.request)

        self.screen.app.push_screen(FormDialog("Rename", [Field("name", "Name", item.name)]), named)

    def do_duplicate(self, ref: NodeRef) -> None:
        if ref.request is None:
            if ref.folder is None:
                from tui.flows.collections import duplicate_collection

                duplicate_collection(self.screen.carman, ref.collection)
            return
        clone = ops.duplicate_request(ref.collection, ref.request)
        self._after(clone)

    def do_delete(self, ref: NodeRef) -> None:
        item = self._item(ref)
        if isinstance(item, Collection):
            self.screen.notify("Delete a collection by removing its directory", severity="warning")
            return
        ops._writable(ref.collection)
        kind = "request" if isinstance(item, Request) else "folder and everything in it"

        def confirmed(yes: bool | None) -> None:
            if yes:
                try:
                    ops.delete(ref.collection, item)
                except (CarmanError, OSError) as exc:
                    self._error(CarmanError(str(exc)))
                    return
                self._after()

        self.screen.app.push_screen(
            ConfirmDialog("Delete", f"Delete the {kind} '{item.name}'?", yes="Delete"), confirmed
        )

    def _move(self, ref: NodeRef, step: int) -> None:
        item = self._item(ref)
        if isinstance(item, Collection):
            return
        if ops.move(ref.collection, item, step):
            self._after(ref.request)

    def do_move_up(self, ref: NodeRef) -> None:
        self._move(ref, -1)

    def do_move_down(self, ref: NodeRef) -> None:
        self._move(ref, 1)

    def do_move_to(self, ref: NodeRef) -> None:
        request = ref.request
        if request is None:
            return
        ops._writable(ref.collection)
        folders = ops.all_folders(ref.collection)
        options = [(str(index), label) for index, (label, _) in enumerate(folders)]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            ops.move_to_folder(ref.collection, request, folders[int(key)][1])
            self._after(request)

        self.screen.app.push_screen(ChoiceDialog("Move to folder", options), chosen)


def duplicate_into_user_collections(collection: Collection, name: str) -> Collection:
    return ops.duplicate_collection(collection, paths.collections_dir(), name)
