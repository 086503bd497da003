"""The collection tree: folders, method badges, unsaved markers, filter by name."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.theme import Theme
from textual.widgets import Input, Tree
from textual.widgets.tree import TreeNode

from tui.core.model import Collection, Folder, Request
from tui.widgets.method_style import (
    BADGE_COMPONENTS,
    BadgeCache,
    BadgeStyles,
    badge_css,
    method_badge,
)


@dataclass
class NodeRef:
    collection: Collection
    folder: Folder | None = None
    request: Request | None = None

    @property
    def container(self) -> Folder:
        return self.folder if self.folder is not None else self.collection


class RequestTree(Tree[NodeRef]):
    # Priority (they act only while the tree has focus) and run by the screen at once: handled
    # in the order typed, so the name typed right after "n" lands in the dialog "n" opens.
    BINDINGS = [
        Binding(key, f"screen.tree_action('{name}')", label, show=False, priority=True)
        for key, name, label in (
            ("n", "new_request", "New request"),
            ("N", "new_folder", "New folder"),
            ("c", "new_collection", "New collection"),
            ("r", "rename", "Rename"),
            ("d", "duplicate", "Duplicate"),
            ("delete,x", "delete", "Delete"),
            ("K", "move_up", "Move up"),
            ("J", "move_down", "Move down"),
            ("m", "move_to", "Move to folder"),
            ("slash", "filter", "Filter"),
        )
    ]

    @property
    def cursor_ref(self) -> NodeRef | None:
        node = self.cursor_node
        return node.data if node is not None else None


class CollectionTree(Vertical):
    # The method badges' colours: the theme's $method-* variables (see method_style).
    COMPONENT_CLASSES = set(BADGE_COMPONENTS)
    DEFAULT_CSS = (
        badge_css("CollectionTree")
        + """
    CollectionTree {
        width: 30;
        min-width: 16;
        border: round $primary 40%;
        border-title-color: $text-muted;
    }
    CollectionTree:focus-within { border: round $primary; }
    CollectionTree #tree-filter { display: none; border: none; height: 1; padding: 0 1; }
    CollectionTree #tree-filter.-visible { display: block; }
    CollectionTree RequestTree { background: transparent; padding: 0; overflow-x: hidden; }
    """
    )

    class Selected(Message):
        """A request was chosen (highlighted) in the tree
        (``MainScreen.on_collection_tree_selected``)."""

        def __init__(self, tree: CollectionTree, collection: Collection, request: Request) -> None:
            super().__init__()
            self.tree = tree
            self.collection = collection
            self.request = request

        @property
        def control(self) -> CollectionTree:
            return self.tree

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Collections"
        self._collections: list[Collection] = []
        self._filter = ""
        self._badges = BadgeCache(self)  # the styles the labels were made with

    def on_mount(self) -> None:
        # Labels hold their badge colours: made again when a theme change alters them.
        self.app.theme_changed_signal.subscribe(self, self._theme_changed, immediate=True)

    def _theme_changed(self, _theme: Theme) -> None:
        if self._badges.stale():
            for node in self._walk(self.tree.root):
                if node.data is not None and node.data.request is not None:
                    node.set_label(self.request_label(node.data.request))

    @property
    def badges(self) -> BadgeStyles:
        return self._badges.styles

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter by name", id="tree-filter")
        tree: RequestTree = RequestTree("collections", id="request-tree")
        tree.show_root = False
        tree.guide_depth = 2
        yield tree

    @property
    def tree(self) -> RequestTree:  # type: ignore[override]  # shadows DOMNode.tree, a debug dump
        return self.query_one(RequestTree)

    def set_collections(self, collections: list[Collection]) -> None:
        self._collections = collections
        self.rebuild()

    def rebuild(self, select: Request | None = None) -> None:
        tree = self.tree
        tree.clear()
        needle = self._filter.lower()
        for collection in self._collections:
            label = Text(collection.name, style="bold")
            if collection.read_only:
                label.append(" (built-in)", style="dim")
            node = tree.root.add(label, data=NodeRef(collection), expand=True)
            self._add_folder(node, collection, collection, needle)
            if needle and not node.children:
                node.remove()
        if select is not None:
            self.select_request(select)

    def _add_folder(
        self, node: TreeNode[NodeRef], folder: Folder, collection: Collection, needle: str
    ) -> None:
        for sub in folder.folders:
            child = node.add(Text(sub.name), data=NodeRef(collection, folder=sub), expand=True)
            self._add_folder(child, sub, collection, needle)
            if needle and not child.children:
                child.remove()
        for request in folder.requests:
            if needle and needle not in request.name.lower():
                continue
            node.add_leaf(
                self.request_label(request),
                data=NodeRef(
                    collection, folder=folder if folder is not collection else None, request=request
                ),
            )

    def request_label(self, request: Request) -> Text:
        label = method_badge(request.method, self.badges)
        label.append(" ")
        label.append(request.name)
        if request.dirty:
            label.append(" ●", style="bold yellow")
        return label

    def refresh_request(self, request: Request) -> None:
        for node in self._walk(self.tree.root):
            if node.data is not None and node.data.request is request:
                node.set_label(self.request_label(request))

    def _walk(self, node: TreeNode[NodeRef]) -> list[TreeNode[NodeRef]]:
        found = [node]
        for child in node.children:
            found.extend(self._walk(child))
        return found

    def select_request(self, request: Request) -> bool:
        for node in self._walk(self.tree.root):
            if node.data is not None and node.data.request is request:
                parent = node.parent
                while parent is not None:
                    # Expanding an open node (or the hidden root) lays the tree out again.
                    if not parent.is_expanded and parent is not self.tree.root:
                        parent.expand()
                    parent = parent.parent
                # Line numbers exist only after the tree laid out the expanded nodes.
                self.tree.call_after_refresh(self.tree.move_cursor, node)
                return True
        return False

    def first_request_node(self) -> TreeNode[NodeRef] | None:
        for node in self._walk(self.tree.root):
            if node.data is not None and node.data.request is not None:
                return node
        return None

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeRef]) -> None:
        ref = event.node.data
        if ref is not None and ref.request is not None:
            self.post_message(self.Selected(self, ref.collection, ref.request))

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeRef]) -> None:
        ref = event.node.data
        if ref is not None and ref.request is not None:
            self.post_message(self.Selected(self, ref.collection, ref.request))

    def show_filter(self) -> None:
        field = self.query_one("#tree-filter", Input)
        field.add_class("-visible")
        self.screen.set_focus(field)

    @on(Input.Changed, "#tree-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter = event.value
        self.rebuild()

    @on(Input.Submitted, "#tree-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            event.input.remove_class("-visible")
        self.screen.set_focus(self.tree)
