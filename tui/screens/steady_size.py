"""A screen mixin that ignores a resize to the size the screen is already laid out at.

Textual hands a screen every Resize its terminal reports, also one to the same size: under tmux
(and other terminals that answer Textual's start-up queries) one arrives at every start, just
after the first frame, and the whole main screen was laid out and repainted again (~75 ms of a
start, measured with the benchmark's startup timeline). Nothing can move when the size has not
changed, so that pass is skipped; a real change of size is laid out as before.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen


class SteadySizeScreen(Screen[None]):
    _laid_out_at: Size | None = None

    def _screen_resized(self, size: Size) -> None:
        if size == self._laid_out_at and self.is_attached:
            return
        super()._screen_resized(size)
        if self.stack_updates and self.is_attached:  # when Textual did lay it out
            self._laid_out_at = size
