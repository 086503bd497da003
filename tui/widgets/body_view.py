"""A read-only view of many lines that renders only what is on screen.

Holds a line source (``tui.core.body_index``: a list in memory, or a file on disk with a line
index); ``render_line`` decodes and highlights a visible line on demand and caches the result,
so scrolling a 4,000,000-line body is as cheap as a 20-line one. Search marks matches and moves
between them; wrapping maps screen rows to (line, offset) pairs.

For a source on disk the view never walks all lines itself (that would hold the UI for
seconds): it asks for the work with a message (``SearchRequested``, ``WrapRequested``); whoever
owns the source runs it in the format worker and hands back the result (``show_matches``,
``set_wrap_rows``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.core.body_index import LineSource, ListLines

Highlighter = Callable[[str], Text]
LONG_LINE = 20_000  # longer lines are shown plain and sliced to the screen


class BodyView(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    BodyView {
        background: $surface;
        height: 1fr;
    }
    BodyView:focus {
        background-tint: $foreground 3%;
    }
    """
    BINDINGS = [
        Binding("up,k", "scroll_up", "Up", show=False),
        Binding("down,j", "scroll_down", "Down", show=False),
        Binding("left,h", "scroll_left", "Left", show=False),
        Binding("right,l", "scroll_right", "Right", show=False),
        Binding("home,g", "scroll_home", "Top", show=False),
        Binding("end,G", "scroll_end", "Bottom", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown,space", "page_down", "Page down", show=False),
        # The response's tools, run by its viewer at once (priority): "/" and the search text
        # typed right after it in one burst land in the search field, in order.
        *(
            Binding(key, f"tool('{name}')", label, show=False, priority=True)
            for key, name, label in (
                ("slash", "search", "Search"),
                ("n", "next", "Next match"),
                ("N", "previous", "Previous match"),
                ("f", "filter", "JSONPath filter"),
                ("w", "wrap", "Wrap"),
                ("y", "copy", "Copy the body"),
                ("s", "save", "Save the body"),
                ("v", "reveal", "Reveal secrets"),
            )
        ),
    ]

    # Set by the response viewer: runs a tool by name ("search", "filter", "copy", ...).
    tools: Callable[[str], None] | None = None

    def action_tool(self, name: str) -> None:
        if self.tools is not None:
            self.tools(name)

    class SearchChanged(Message):
        """The matches of the search, or the current one, changed
        (``ResponseViewer.on_body_view_search_changed``: the count beside the field)."""

        def __init__(self, view: BodyView, matches: int, current: int) -> None:
            super().__init__()
            self.view = view
            self.matches = matches
            self.current = current

        @property
        def control(self) -> BodyView:
            return self.view

    class SearchRequested(Message):
        """Find ``text`` in ``source`` (on disk); answer with ``show_matches``
        (``ResponseViewer.on_body_view_search_requested``: the format worker searches)."""

        def __init__(self, view: BodyView, source: LineSource, text: str) -> None:
            super().__init__()
            self.view = view
            self.source = source
            self.text = text

        @property
        def control(self) -> BodyView:
            return self.view

    class WrapRequested(Message):
        """Lay ``source`` (on disk) out wrapped at ``width``; answer with ``set_wrap_rows``
        (``ResponseViewer.on_body_view_wrap_requested``: the format worker counts rows)."""

        def __init__(self, view: BodyView, source: LineSource, width: int) -> None:
            super().__init__()
            self.view = view
            self.source = source
            self.width = width

        @property
        def control(self) -> BodyView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: LineSource = ListLines([])
        self._highlighter: Highlighter | None = None
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(2048)
        self._max_width = 0
        self.wrap = False
        # Wrapped mode: the first screen row of each line (and, from a worker, the total last).
        self._row_starts: Sequence[int] = []
        self._wrapped_rows = 0
        self._wrap_width = 0  # the width ``_row_starts`` was made for
        self._search = ""
        self._matches: Sequence[int] = []
        self._current_match = -1
        self.search_pending = False

    # -- content ---------------------------------------------------------------------------
    @property
    def lines(self) -> LineSource:
        return self._lines

    def set_lines(
        self, lines: list[str] | LineSource, highlighter: Highlighter | None = None
    ) -> None:
        self._lines = lines if isinstance(lines, LineSource) else ListLines(lines)
        self._highlighter = highlighter
        self._cache.clear()
        self._max_width = self._lines.max_width
        self._matches = []
        self._current_match = -1
        self._row_starts, self._wrap_width = [], 0
        if self._search:
            self.search(self._search)
        self._layout()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

    def restyle(self) -> None:
        """Draw the lines again: the cached ones hold the colours they were drawn with."""
        self._cache.clear()
        self.refresh()

    def on_mount(self) -> None:
        # A theme change gives the view another background (and its owner's highlighter
        # other colours, for which the owner calls ``restyle``).
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.restyle(), immediate=True)

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self._cache.clear()
        self._layout()
        self.refresh()

    def on_resize(self) -> None:
        if self.wrap:
            self._cache.clear()
            self._layout()

    def _width(self) -> int:
        return max(1, self.scrollable_content_region.width or self.size.width or 80)

    @property
    def _wrapped(self) -> bool:
        """Wrapping is on and laid out for this width (a source on disk may still wait)."""
        return self.wrap and self._wrap_width == self._width() and bool(self._row_starts)

    def _layout(self) -> None:
        width = self._width()
        if self.wrap and self._wrap_width != width:
            if self._lines.on_disk:
                # Counting rows walks every line: the owner does it in the format worker.
                self._row_starts, self._wrap_width = [], 0
                self.post_message(self.WrapRequested(self, self._lines, width))
            else:
                starts = []
                row = 0
                for line in self._lines:
                    starts.append(row)
                    row += max(1, -(-len(line) // width))
                self._row_starts, self._wrapped_rows, self._wrap_width = starts, row, width
        if self._wrapped:
            self.virtual_size = Size(width, self._wrapped_rows)
        else:
            self.virtual_size = Size(self._max_width + 1, len(self._lines))

    def set_wrap_rows(
        self, source: LineSource, width: int, row_starts: Sequence[int], total: int
    ) -> None:
        """The wrapped layout of ``source`` at ``width`` (ignored if either has changed)."""
        if source is not self._lines or not self.wrap or width != self._width():
            return
        self._row_starts, self._wrapped_rows, self._wrap_width = row_starts, total, width
        self._cache.clear()
        self._layout()
        self.refresh()

    def _locate(self, row: int) -> tuple[int, int]:
        """Screen row -> (line index, character offset)."""
        if not self._wrapped:
            return row, 0
        index = bisect_right(self._row_starts, row) - 1
        return index, (row - self._row_starts[index]) * self._width()

    def _row_of_line(self, index: int) -> int:
        return self._row_starts[index] if self._wrapped else index

    # -- rendering -------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.size.width
        style = self.rich_style
        if row >= self.virtual_size.height or not self._lines:
            return Strip.blank(width, style)
        index, offset = self._locate(row)
        if index >= len(self._lines):
            return Strip.blank(width, style)
        wrapped = self._wrapped
        if self._lines.length(index) >= LONG_LINE:
            # A minified multi-megabyte body is one line: decode only the visible slice.
            start = offset if wrapped else scroll_x
            key = (index, -1 - start)
            strip = self._cache.get(key)
            if strip is None:
                piece = self._lines.window(index, start, start + width)
                visible = Text(piece, no_wrap=True, end="")
                strip = Strip(list(visible.render(self.app.console)), visible.cell_len)
                self._cache[key] = strip
            return strip.crop_extend(0, width, style)
        key = (index, offset)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_source_line(index, offset)
            self._cache[key] = strip
        if wrapped:
            return strip.crop_extend(0, width, style)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _render_source_line(self, index: int, offset: int) -> Strip:
        line = self._lines[index]
        if self._highlighter is not None and len(line) < LONG_LINE:
            text = self._highlighter(line)
        else:
            text = Text(line, no_wrap=True, end="")
        if self._search and self._is_match(index):
            self._mark(text, line, index)
        if self._wrapped:
            text = text[offset : offset + self._width()]
        # rich_style walks the DOM on each access: once per line, not once per segment.
        base = self.rich_style
        segments = [
            Segment(s.text, (base + s.style) if s.style else base)
            for s in text.render(self.app.console)
            if s.text
        ]
        return Strip(segments, cell_len(text.plain))

    def _mark(self, text: Text, line: str, index: int) -> None:
        current = (
            self._matches[self._current_match]
            if 0 <= self._current_match < len(self._matches)
            else -1
        )
        style = Style(reverse=True, bold=True) if index == current else Style(reverse=True)
        needle = self._search.lower()
        lowered = line.lower()
        start = lowered.find(needle)
        while start != -1 and needle:
            text.stylize(style, start, start + len(needle))
            start = lowered.find(needle, start + len(needle))

    # -- search ----------------------------------------------------------------------------
    def _is_match(self, index: int) -> bool:
        # The matches are sorted line numbers (maybe a file of them): no set to build.
        position = bisect_left(self._matches, index)
        return position < len(self._matches) and self._matches[position] == index

    def search(self, text: str) -> int:
        """Mark every line containing ``text`` (case-insensitive); jump to the first match.

        For a source on disk the matches arrive later (``show_matches``); until then this
        returns 0 and ``search_pending`` is True.
        """
        self._search = text
        needle = text.lower()
        if needle and self._lines.on_disk:
            self.search_pending = True
            self._matches, self._current_match = [], -1
            self._cache.clear()
            self.refresh()
            self.post_message(self.SearchRequested(self, self._lines, text))
            return 0
        self.search_pending = False
        self._matches = (
            [i for i, line in enumerate(self._lines) if needle in line.lower()] if needle else []
        )
        self._current_match = 0 if self._matches else -1
        self._cache.clear()
        self._show_current()
        self.refresh()
        return len(self._matches)

    def show_matches(self, source: LineSource, text: str, matches: Sequence[int]) -> bool:
        """The answer to a ``SearchRequested``; False (and ignored) when it is stale."""
        if source is not self._lines or text != self._search:
            return False
        self.search_pending = False
        self._matches = matches
        self._current_match = 0 if len(matches) else -1
        self._cache.clear()
        self._show_current()
        self.refresh()
        return True

    def next_match(self, step: int = 1) -> None:
        if not self._matches:
            return
        self._current_match = (self._current_match + step) % len(self._matches)
        self._cache.clear()
        self._show_current()
        self.refresh()

    def _show_current(self) -> None:
        self.post_message(self.SearchChanged(self, len(self._matches), self._current_match + 1))
        if 0 <= self._current_match < len(self._matches):
            row = self._row_of_line(self._matches[self._current_match])
            height = max(1, self.size.height)
            self.scroll_to(y=max(0, row - height // 3), animate=False)

    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int:
        return self._current_match + 1

    def visible_text(self) -> str:
        """The lines currently on screen (for tests and copying a view)."""
        _, top = self.scroll_offset
        rows = range(top, min(top + self.size.height, self.virtual_size.height))
        seen: list[str] = []
        last = -1
        for row in rows:
            index, _ = self._locate(row)
            if index < len(self._lines) and index != last:
                last = index
                width = self._width()
                seen.append(
                    self._lines.window(index, 0, width * 4)
                    if self._lines.length(index) >= LONG_LINE
                    else self._lines[index]
                )
        return "\n".join(seen)
