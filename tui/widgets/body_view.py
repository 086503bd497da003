"""A read-only view of many lines that renders only what is on screen.

Holds a list of strings; ``render_line`` highlights a visible line on demand and caches the
result, so scrolling a 200,000-line body is as cheap as a 20-line one. Search marks matches and
moves between them; wrapping maps screen rows to (line, offset) pairs.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

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
    ]

    class SearchChanged(Message):
        def __init__(self, matches: int, current: int) -> None:
            super().__init__()
            self.matches = matches
            self.current = current

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[str] = []
        self._highlighter: Highlighter | None = None
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(2048)
        self._max_width = 0
        self.wrap = False
        self._row_starts: list[int] = []  # wrapped mode: first screen row of each line
        self._search = ""
        self._matches: list[int] = []
        self._current_match = -1

    # -- content ---------------------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        return self._lines

    def set_lines(self, lines: list[str], highlighter: Highlighter | None = None) -> None:
        self._lines = lines
        self._highlighter = highlighter
        self._cache.clear()
        # The widest line sets the horizontal scroll; a sample keeps this cheap for huge bodies.
        sample = lines if len(lines) <= 20_000 else lines[:10_000] + lines[-10_000:]
        self._max_width = max((len(line) for line in sample), default=0)
        self._matches = []
        self._current_match = -1
        if self._search:
            self.search(self._search)
        self._layout()
        self.scroll_to(0, 0, animate=False)
        self.refresh()

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

    def _layout(self) -> None:
        if not self.wrap:
            self._row_starts = []
            self.virtual_size = Size(self._max_width + 1, len(self._lines))
            return
        width = self._width()
        starts = []
        row = 0
        for line in self._lines:
            starts.append(row)
            row += max(1, -(-len(line) // width))
        self._row_starts = starts
        self.virtual_size = Size(width, row)

    def _locate(self, row: int) -> tuple[int, int]:
        """Screen row -> (line index, character offset)."""
        if not self.wrap:
            return row, 0
        index = bisect_right(self._row_starts, row) - 1
        return index, (row - self._row_starts[index]) * self._width()

    def _row_of_line(self, index: int) -> int:
        return self._row_starts[index] if self.wrap and self._row_starts else index

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
        line = self._lines[index]
        if not self.wrap and len(line) >= LONG_LINE:
            # A minified multi-megabyte body is one line: render only the visible slice.
            key = (index, -1 - scroll_x)
            strip = self._cache.get(key)
            if strip is None:
                visible = Text(line[scroll_x : scroll_x + width], no_wrap=True, end="")
                strip = Strip(list(visible.render(self.app.console)), visible.cell_len)
                self._cache[key] = strip
            return strip.crop_extend(0, width, style)
        key = (index, offset)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_source_line(index, offset)
            self._cache[key] = strip
        if self.wrap:
            return strip.crop_extend(0, width, style)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _render_source_line(self, index: int, offset: int) -> Strip:
        line = self._lines[index]
        if self._highlighter is not None and len(line) < LONG_LINE:
            text = self._highlighter(line)
        else:
            text = Text(line, no_wrap=True, end="")
        if self._search and index in self._match_set:
            self._mark(text, line, index)
        if self.wrap:
            text = text[offset : offset + self._width()]
        segments = list(text.render(self.app.console))
        segments = [
            Segment(s.text, (self.rich_style + s.style) if s.style else self.rich_style)
            for s in segments
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
    @property
    def _match_set(self) -> set[int]:
        cached = getattr(self, "_match_set_cache", None)
        if cached is None or cached[0] is not self._matches:
            cached = (self._matches, set(self._matches))
            self._match_set_cache = cached
        return cached[1]

    def search(self, text: str) -> int:
        """Mark every line containing ``text`` (case-insensitive); jump to the first match."""
        self._search = text
        needle = text.lower()
        self._matches = (
            [i for i, line in enumerate(self._lines) if needle in line.lower()] if needle else []
        )
        self._current_match = 0 if self._matches else -1
        self._cache.clear()
        self._show_current()
        self.refresh()
        return len(self._matches)

    def next_match(self, step: int = 1) -> None:
        if not self._matches:
            return
        self._current_match = (self._current_match + step) % len(self._matches)
        self._cache.clear()
        self._show_current()
        self.refresh()

    def _show_current(self) -> None:
        self.post_message(self.SearchChanged(len(self._matches), self._current_match + 1))
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
        for row in rows:
            index, _ = self._locate(row)
            if index < len(self._lines) and (not seen or seen[-1] is not self._lines[index]):
                seen.append(self._lines[index])
        return "\n".join(seen)
