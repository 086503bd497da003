"""A screen mixin that skips three full passes Textual makes over a freshly opened screen.

1. A resize to the size the screen is already laid out at. Textual hands a screen every Resize
   its terminal reports, also one to the same size: under tmux (and other terminals that answer
   Textual's start-up queries) one arrives at every start, just after the first frame, and the
   whole main screen was laid out and repainted again (~75 ms of a start, seen in the startup
   timeline). Nothing can move when the size has not changed; a real change is laid out.
2. Restyling every widget when the screen is first shown. Textual restyles a screen's whole tree
   on each ScreenResume (right for a screen coming back from under another one: the theme may
   have changed meanwhile). On the first one the widgets were styled a moment before, when they
   were mounted, with the same stylesheet: a tenth of the main screen's start was spent doing it
   again. It is skipped only when the app's CSS has not changed since the screen was made.
3. Painting while the app is in a batch update. Textual starts an app inside one (on_mount runs
   in it, and it waits there for a screen pushed from on_mount to mount), and discards every
   frame painted meanwhile: the main screen's first paint (~40 ms) was thrown away and redone
   before anything reached the terminal. The paint is asked for again once the batch is over
   (the app's own message loop, which only runs then, asks for it).

These override Textual internals (``_screen_resized``, ``_on_screen_resume``,
``_compositor_refresh``; Textual 8.2): the UI tests and snapshots would show a break.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.geometry import Size
from textual.screen import Screen


class SteadySizeScreen(Screen[None]):
    _laid_out_at: Size | None = None
    _resumed_once = False
    _paint_asked = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._css_count_at_init: int | None
        try:  # the app's CSS generation when this screen was made (its widgets mount after)
            self._css_count_at_init = self.app._css_update_count
        except Exception:  # no running app: never skip
            self._css_count_at_init = None

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Screen's own handler (Textual calls each class's handler along the MRO).
        if not self._resumed_once and self._css_count_at_init == self.app._css_update_count:
            event.refresh_styles = False
        self._resumed_once = True

    def _screen_resized(self, size: Size) -> None:
        if size == self._laid_out_at and self.is_attached:
            return
        super()._screen_resized(size)
        if self.stack_updates and self.is_attached:  # when Textual did lay it out
            self._laid_out_at = size

    def _compositor_refresh(self) -> None:
        if self.app._batch_count:  # what would be painted now is discarded
            if not self._paint_asked:
                self._paint_asked = True
                self.app.call_later(self._paint_after_batch)
            return
        super()._compositor_refresh()

    def _paint_after_batch(self) -> None:
        self._paint_asked = False
        self.refresh()
