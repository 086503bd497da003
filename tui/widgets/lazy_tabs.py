"""Tabs whose panes are built the first time they are shown.

The request editor has six tabs and most of its ~60 widgets sit in the five hidden ones.
Composing, styling and laying those out at start cost about a tenth of a second of the first
frame, for panes a user may never open. A ``LazyTabPane`` holds a builder instead of children;
``LazyTabbedContent`` builds a pane at the moment it becomes the active one, before the frame
that shows it, so a tab switch never shows an empty pane and code that activates a tab can
query the pane's widgets at once (they are registered when ``mount`` returns).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import TabbedContent, TabPane


class LazyTabPane(TabPane):
    """A tab pane whose children come from ``build`` when it is first shown (or asked to)."""

    def __init__(self, title: str, build: Callable[[], Sequence[Widget]], *, id: str) -> None:
        super().__init__(title, id=id)
        self._build = build
        self.built = False
        self._wanted = False

    def compose(self) -> ComposeResult:
        if self._wanted:  # asked for before the pane was mounted: built with it
            self.built = True
            yield from self._build()

    def ensure_built(self) -> None:
        """Mount the pane's children now, once; they can be queried when this returns (unless
        the pane itself is not mounted yet: then they come with it)."""
        if self.built or self._wanted:
            return
        if not self.is_attached:
            self._wanted = True
            return
        self.built = True
        self.mount_all(self._build())


class LazyTabbedContent(TabbedContent):
    """A TabbedContent that builds a ``LazyTabPane`` as it becomes the active tab."""

    def watch_active(self, active: str) -> None:
        # Runs synchronously when ``active`` changes (a key, a click, or code setting it),
        # together with TabbedContent's own watcher that shows the pane.
        if not active:
            return
        pane = self.get_pane(active)
        if isinstance(pane, LazyTabPane):
            pane.ensure_built()
