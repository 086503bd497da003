"""Keys that arrive in a burst reach what they were meant for, in the order they were typed.

Over SSH a person's keys often arrive together: ``a`` (add a variable) and the name typed right
after it reach carman in one read. Textual hands each key to the focused widget and goes on to
the next at once, so two things can go wrong, and both are mended here:

- the keys after ``a`` reach the table before ``a`` has opened its dialog; the table's screen is
  no longer on top when it gets them, so Textual drops them. They come back to the app
  unhandled, and ``redirect`` gives them to the screen that is on top now;
- the dialog focuses its first field a moment after it opens; until then keys would go to the
  dialog itself, where they are lost. ``take`` holds them, in order, until the screen on top has
  a focused widget (or, for a screen with nothing to focus, a short while has passed).
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App
from textual.screen import Screen

HOLD_AT_MOST_S = 0.5  # a screen with nothing to focus gets its keys after this
REMEMBERED = 256  # keys in flight whose screen is remembered (a burst is far shorter)

Deliver = Callable[[events.Key], Awaitable[None]]


class KeyOrder:
    def __init__(self, app: App[object], deliver: Deliver) -> None:
        self.app = app
        self.deliver = deliver  # handles a key as if it had just arrived
        self._held: list[events.Key] = []
        self._since = 0.0
        self._meant_for: OrderedDict[int, Screen[object]] = OrderedDict()
        # Screens that have had a focused widget (or waited long enough): a screen that simply
        # has nothing focused now (its focused pane was hidden) gets its keys at once.
        self._settled: weakref.WeakSet[Screen[object]] = weakref.WeakSet()

    # -- a screen that has no focus yet ------------------------------------------------------
    def take(self, event: events.Key) -> bool:
        """Hold ``event`` while the screen on top has no focus yet, or while keys are held;
        True when it was held (the caller must not handle it now)."""
        if self._held:
            self._held.append(event)
            return True
        if not self.app.screen_stack or self._ready(self.app.screen):
            self._remember(event)
            return False
        self._held.append(event)
        self._since = time.monotonic()
        self.app.call_after_refresh(self._release)
        return True

    def _ready(self, screen: Screen[object]) -> bool:
        if screen.focused is not None:
            self._settled.add(screen)
        return screen in self._settled

    async def _release(self) -> None:
        screen = self.app.screen if self.app.screen_stack else None
        waited = time.monotonic() - self._since >= HOLD_AT_MOST_S
        if screen is not None and not self._ready(screen) and not waited:
            self.app.call_after_refresh(self._release)
            return
        if screen is not None:
            self._settled.add(screen)
        # Given back from the app's own task: no key typed later can overtake these.
        held, self._held = self._held, []
        for event in held:
            await self.deliver(events.Key(event.key, event.character))

    # -- a screen covered before its keys were handled ----------------------------------------
    def _remember(self, event: events.Key) -> None:
        self._meant_for[id(event)] = self.app.screen
        while len(self._meant_for) > REMEMBERED:
            self._meant_for.popitem(last=False)

    async def redirect(self, event: events.Key) -> bool:
        """``event`` came back to the app unhandled. When the screen it was meant for is no
        longer on top (a key before it opened a dialog, or closed one), it goes to the screen
        on top now; True when it did."""
        meant_for = self._meant_for.pop(id(event), None)
        if meant_for is None or not self.app.screen_stack or meant_for is self.app.screen:
            return False
        await self.deliver(events.Key(event.key, event.character))
        return True
