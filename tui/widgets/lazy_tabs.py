"""Tabs whose panes are built the first time they are shown, under a tab strip of one widget.

The request editor has six tabs and most of its ~60 widgets sit in the five hidden ones.
Composing, styling and laying those out at start cost about a tenth of a second of the first
frame, for panes a user may never open. A ``LazyTabPane`` holds a builder instead of children;
``LazyTabbedContent`` builds a pane at the moment it becomes the active one, before the frame
that shows it, so a tab switch never shows an empty pane and code that activates a tab can
query the pane's widgets at once (they are registered when ``mount`` returns).

The labels and the bar under them are one widget, ``TabStrip``, drawn like Textual's tabs.
Textual's own strip is ten widgets (containers, a widget per label, the bar): the editor's and
the viewer's strips were a third of the first screen's widgets, and two of them cost ~40 ms of
a start in a bare app (measured side by side against one-widget strips), besides their share
of every relayout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.renderables.bar import Bar
from textual.widget import Widget
from textual.widgets import ContentSwitcher, TabPane


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


@dataclass
class _Tab:
    pane_id: str
    title: str
    hidden: bool = False


class TabStrip(Widget, can_focus=True):
    """A row of tab labels and the bar under it; left and right (when focused) or a click
    choose a tab. Says which with ``Chosen``; the owner decides and sets ``active``."""

    DEFAULT_CSS = """
    TabStrip { width: 1fr; height: 2; }
    TabStrip > .tab-strip--tab { color: $foreground 50%; }
    TabStrip > .tab-strip--active { color: $foreground; }
    TabStrip > .tab-strip--bar { color: $block-cursor-background; background: $foreground 10%; }
    TabStrip:focus > .tab-strip--active {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    TabStrip:focus > .tab-strip--bar { background: $foreground 30%; }
    TabStrip:ansi > .tab-strip--tab { text-style: dim; }
    TabStrip:ansi > .tab-strip--active { text-style: not dim bold; }
    TabStrip:ansi > .tab-strip--bar { background: $border-blurred; }
    """
    COMPONENT_CLASSES = {"tab-strip--tab", "tab-strip--active", "tab-strip--bar"}
    BINDINGS = [
        Binding("left", "step(-1)", "Previous tab", show=False),
        Binding("right", "step(1)", "Next tab", show=False),
    ]

    active: reactive[str] = reactive("")

    @dataclass
    class Chosen(Message):
        strip: TabStrip
        pane_id: str

    def __init__(self, tabs: Sequence[tuple[str, str]], *, active: str = "") -> None:
        super().__init__()
        self._tabs = [_Tab(pane_id, title) for pane_id, title in tabs]
        self.set_reactive(TabStrip.active, active)

    def _shown(self) -> list[_Tab]:
        return [tab for tab in self._tabs if not tab.hidden]

    def _spans(self) -> list[tuple[_Tab, int, int]]:
        """Each shown tab with its first and past-the-last cell: `` Title `` (one cell of
        padding either side, as Textual's tabs)."""
        spans, x = [], 0
        for tab in self._shown():
            width = Text(tab.title).cell_len + 2
            spans.append((tab, x, x + width))
            x += width
        return spans

    def set_hidden(self, pane_id: str, hidden: bool) -> None:
        for tab in self._tabs:
            if tab.pane_id == pane_id and tab.hidden != hidden:
                tab.hidden = hidden
                self.refresh()

    def is_hidden(self, pane_id: str) -> bool:
        return any(tab.hidden for tab in self._tabs if tab.pane_id == pane_id)

    def _scroll(self, spans: list[tuple[_Tab, int, int]]) -> int:
        """Cells hidden on the left so that the active tab is whole on a narrow strip."""
        width = self.size.width
        for tab, _start, end in spans:
            if tab.pane_id == self.active and width and end > width:
                return end - width
        return 0

    def render(self) -> RenderableType:
        plain = self.get_component_rich_style("tab-strip--tab")
        current = self.get_component_rich_style("tab-strip--active")
        bar_style = self.get_component_rich_style("tab-strip--bar")
        labels = Text(no_wrap=True, overflow="crop")
        highlight = (0, 0)
        spans = self._spans()
        for tab, start, end in spans:
            is_active = tab.pane_id == self.active
            labels.append(f" {tab.title} ", style=current if is_active else plain)
            if is_active:
                highlight = (start + 1, end - 1)  # under the title, not its padding
        scroll = self._scroll(spans)
        bar = Bar(
            highlight_range=(highlight[0] - scroll, highlight[1] - scroll),
            highlight_style=Style.from_color(bar_style.color),
            background_style=Style.from_color(bar_style.bgcolor),
        )
        visible = labels[scroll:]  # a slice keeps the spans, not no_wrap and overflow
        visible.no_wrap, visible.overflow = True, "crop"
        return Group(visible, bar)

    def watch_active(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.refresh()  # the scroll that keeps the active tab whole depends on the width

    def action_step(self, step: int) -> None:
        shown = [tab.pane_id for tab in self._shown()]
        if not shown:
            return
        index = shown.index(self.active) if self.active in shown else 0
        self.post_message(self.Chosen(self, shown[(index + step) % len(shown)]))

    def on_click(self, event: events.Click) -> None:
        spans = self._spans()
        x = event.x + self._scroll(spans)
        for tab, start, end in spans:
            if start <= x < end:
                self.post_message(self.Chosen(self, tab.pane_id))
                return


class LazyTabbedContent(Widget):
    """Tab panes under a ``TabStrip``; a ``LazyTabPane`` is built as it becomes the active
    one. ``active`` is the shown pane's id; setting it shows that pane at once."""

    DEFAULT_CSS = """
    LazyTabbedContent { height: auto; }
    LazyTabbedContent > TabStrip { dock: top; }
    LazyTabbedContent > ContentSwitcher { height: auto; }
    """

    active: reactive[str] = reactive("", init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._panes: list[TabPane] = []

    def compose_add_child(self, widget: Widget) -> None:
        # ``with LazyTabbedContent(): yield TabPane(...)``: the panes go into the switcher.
        assert isinstance(widget, TabPane) and widget.id, "tabs hold TabPanes with ids"
        self._panes.append(widget)

    def compose(self) -> ComposeResult:
        first = self._panes[0] if self._panes else None
        initial = first.id or "" if first is not None else ""
        if isinstance(first, LazyTabPane):
            first.ensure_built()  # not mounted yet: built with it
        self.set_reactive(LazyTabbedContent.active, initial)
        yield TabStrip([(pane.id or "", str(pane._title)) for pane in self._panes], active=initial)
        with ContentSwitcher(initial=initial or None):
            yield from self._panes

    @property
    def strip(self) -> TabStrip:
        return self.query_one(TabStrip)

    @property
    def active_pane(self) -> TabPane | None:
        return self.get_pane(self.active) if self.active else None

    def get_pane(self, pane_id: str) -> TabPane:
        pane = self.query_one(ContentSwitcher).get_child_by_id(pane_id)
        assert isinstance(pane, TabPane)
        return pane

    def watch_active(self, active: str) -> None:
        # Synchronous with the assignment (a key, a click, or code setting it): the pane is
        # built and shown before the next frame, and its widgets can be queried at once.
        if not active:
            return
        pane = self.get_pane(active)
        if isinstance(pane, LazyTabPane):
            pane.ensure_built()
        self.query_one(ContentSwitcher).current = active
        self.strip.active = active

    def hide_tab(self, pane_id: str) -> None:
        self.strip.set_hidden(pane_id, True)
        if self.active == pane_id:
            shown = self.strip._shown()
            self.active = shown[0].pane_id if shown else ""

    def show_tab(self, pane_id: str) -> None:
        self.strip.set_hidden(pane_id, False)

    def on_tab_strip_chosen(self, event: TabStrip.Chosen) -> None:
        event.stop()
        if event.strip is self.strip:
            self.active = event.pane_id

    def on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        # Code that focuses a widget in a pane not shown shows that pane.
        event.stop()
        if event.tab_pane.id and event.tab_pane.parent is self.query_one(ContentSwitcher):
            self.active = event.tab_pane.id
