"""Keys that arrive in a burst are handled one after the other, in the order they were typed.

Over SSH a person's keys often arrive together: ``a`` (add a variable), the name, enter, the
value, enter reach carman in one read — and so does everything typed while carman was busy.
Textual hands each key to the focused widget and goes on to the next at once; the widgets then
work through their keys in their own time. So a key can reach a widget before the key before
it has had its effect: the name lands in the table because the dialog that ``a`` opens has not
focused its field yet, the value lands in the name field because enter has not moved on yet.

So while the widget that would get a key (or one of the widgets above it) is still busy with
earlier keys and what they caused, or the screen on top has just opened and not focused
anything yet, keys are held here and given back one at a time, each once the one before it has
been dealt with. When nothing is pending (normal typing) a key goes through at once.

A key can still reach a screen after a key before it covered or closed that screen; Textual
then drops it, it comes back to the app unhandled, and ``redirect`` gives it to the screen
that is on top now.
"""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen

POLL_S = 0.002
WAIT_FOR_FOCUS_S = 0.5  # a screen with nothing to focus gets its keys after this
WAIT_PER_KEY_S = 0.25  # a widget that never goes idle (a busy timer) does not stall keys
WAIT_FOR_CLOSE_S = 0.5  # a dialog that got Enter and stays open (a field moved on, say)
# A key the dialog did not want after that (it came back unhandled) waits for the dialog to
# close, this long at most: on a loaded machine the palette took 0.5 s to act on its Enter.
MAX_WAIT_FOR_CLOSE_S = 3.0
REMEMBERED = 256  # keys in flight whose screen is remembered (a burst is far shorter)

Deliver = Callable[[events.Key], Awaitable[None]]


class KeyOrder:
    def __init__(self, app: App[Any], deliver: Deliver) -> None:
        self.app = app
        self.deliver = deliver  # handles a key as if it had just arrived
        self._held: list[events.Key] = []
        self._meant_for: OrderedDict[int, Screen[object]] = OrderedDict()
        # Screens that have had a focused widget (or waited long enough): a screen that simply
        # has nothing focused now (its focused pane was hidden) gets its keys at once.
        self._settled: weakref.WeakSet[Screen[object]] = weakref.WeakSet()
        self._giving_back = False  # a held key on its way: it must not be held again
        self._release_scheduled = False
        self._waiting: tuple[float, Screen[object] | None] | None = None  # since, and on what
        self._closing: tuple[Screen[object], float] | None = None  # a dialog that got Enter
        self._closing_enter: int | None = None  # the id of that Enter
        self._bounced = False  # a later key it did not want waits until it has closed
        # Keys handed to a widget and not yet dealt with by it (id -> when), and the widgets
        # whose "message handled" signal is watched.
        self._in_flight: dict[int, float] = {}
        self._watched: weakref.WeakSet[MessagePump] = weakref.WeakSet()

    # -- keys in flight ------------------------------------------------------------------------
    def sent(self, event: events.Key, target: MessagePump) -> None:
        """Textual handed ``event`` to ``target``; it is in flight until ``target`` is done."""
        self._in_flight[id(event)] = time.monotonic()
        if target not in self._watched and target.is_running:
            target.message_signal.subscribe(self.app, self._handled, immediate=True)
            self._watched.add(target)

    def handled_enter(
        self, screen: Screen[object], focused_before: object, event: events.Key
    ) -> None:
        """Enter went to ``screen``. In a dialog's list or field Enter usually chooses, and the
        dialog closes after a step or two of its own (the palette even waits a moment to show
        the choice): while it is still up, the next keys wait, as they are meant for the
        screen below. (When Enter visibly did something already — moved to the next field,
        closed the dialog — nothing waits.)"""
        still_up = bool(self.app.screen_stack) and self.app.screen is screen
        if isinstance(screen, ModalScreen) and still_up and screen.focused is focused_before:
            self._closing = (screen, time.monotonic())
            self._closing_enter, self._bounced = id(event), False

    def _handled(self, message: Message) -> None:
        if isinstance(message, events.Key):
            self._in_flight.pop(id(message), None)

    def _keys_in_flight(self) -> bool:
        # A key whose widget went away is never reported done: forget it after a while.
        stale = time.monotonic() - WAIT_PER_KEY_S
        for key, since in list(self._in_flight.items()):
            if since < stale:
                del self._in_flight[key]
        return bool(self._in_flight)

    # -- holding -------------------------------------------------------------------------------
    def take(self, event: events.Key) -> bool:
        """Hold ``event`` while keys are held already, the screen on top has not focused
        anything yet, or the widgets that would get it are still busy; True when it was held
        (the caller must not handle it now)."""
        if self._giving_back or (not self._held and self._free()):
            self._remember(event)
            return False
        self._held.append(event)
        self._schedule_release()
        return True

    def _free(self) -> bool:
        if not self.app.screen_stack:
            return True
        screen = self.app.screen
        if self._closing is not None:
            closing, since = self._closing
            waited = time.monotonic() - since
            if closing is screen and waited < MAX_WAIT_FOR_CLOSE_S:
                if waited < WAIT_FOR_CLOSE_S or self._bounced:
                    return False
            else:
                self._closing, self._closing_enter, self._bounced = None, None, False
        if screen.focused is not None:
            self._settled.add(screen)
        if screen not in self._settled:
            return False  # just opened: its field is about to be focused
        return not self._keys_in_flight() and not _busy(screen.focused or screen)

    def _schedule_release(self, delay: float = 0.0) -> None:
        if not self._release_scheduled:
            self._release_scheduled = True
            if delay:
                self.app.set_timer(delay, self._release)
            else:
                self.app.call_later(self._release)

    async def _release(self) -> None:
        """Give the held keys back one at a time, each once the way is free (or it has waited
        long enough). It runs from the app's queue and, while it waits, returns to it (polling
        again a moment later): what screens and widgets queue on the app meanwhile (a dialog's
        dismiss, the palette's chosen command) runs first, and later keys are held behind."""
        self._release_scheduled = False
        while self._held:
            screen = self.app.screen if self.app.screen_stack else None
            if self._waiting is None:
                self._waiting = (time.monotonic(), screen)
            started, seen = self._waiting
            limit = WAIT_PER_KEY_S if seen in self._settled else WAIT_FOR_FOCUS_S
            if self._closing is not None:
                limit = max(limit, MAX_WAIT_FOR_CLOSE_S if self._bounced else WAIT_FOR_CLOSE_S)
            if not self._free() and time.monotonic() - started < limit:
                self._schedule_release(POLL_S)
                return
            self._waiting = None
            if screen is not seen:
                # A screen closed or opened while this waited: what it queued on the app goes
                # first (this runs again behind it).
                self._schedule_release()
                return
            if screen is not None:
                self._settled.add(screen)
            event = self._held.pop(0)
            self._giving_back = True
            try:
                await self.deliver(events.Key(event.key, event.character))
            finally:
                self._giving_back = False

    # -- a screen covered before its keys were handled ----------------------------------------
    def _remember(self, event: events.Key) -> None:
        if self.app.screen_stack:
            self._meant_for[id(event)] = self.app.screen
        while len(self._meant_for) > REMEMBERED:
            self._meant_for.popitem(last=False)

    async def redirect(self, event: events.Key) -> bool:
        """``event`` came back to the app unhandled. When the screen it was meant for is no
        longer on top (a key before it opened a dialog, or closed one), it goes to the screen
        on top now; True when it did."""
        meant_for = self._meant_for.pop(id(event), None)
        if self._bounce(event, meant_for):
            return True
        if meant_for is None or not self.app.screen_stack or meant_for is self.app.screen:
            return False
        key = events.Key(event.key, event.character)
        if not self.take(key):
            await self.deliver(key)
        return True

    def _bounce(self, event: events.Key, meant_for: Screen[object] | None) -> bool:
        """A key typed after the Enter that is closing a dialog, that the dialog (still up,
        busy with that Enter) did not want: hold it until the dialog has closed, so it
        reaches the screen below as the person meant. True when it was held."""
        closing = self._closing
        if closing is None or id(event) == self._closing_enter or not self.app.screen_stack:
            return False
        screen, since = closing
        if meant_for is not screen or self.app.screen is not screen:
            return False
        if time.monotonic() - since >= MAX_WAIT_FOR_CLOSE_S:
            return False
        self._bounced = True
        self._held.insert(0, events.Key(event.key, event.character))
        self._schedule_release()
        return True


def _busy(node: DOMNode) -> bool:
    """``node`` or a node above it, up to its screen, still has a key or what a key caused (a
    submitted field, a selected option: widget messages) waiting. Timers, repaints and other
    events come and go all the time and say nothing about the keys."""
    current: DOMNode | None = node
    while current is not None:
        # asyncio.Queue keeps its items in a deque; peeking is the only way to see them.
        waiting = getattr(current._message_queue, "_queue", ())
        if any(_after_a_key(message) for message in waiting):
            return True
        if isinstance(current, Screen):
            return False
        current = current.parent
    return False


def _after_a_key(message: object) -> bool:
    return isinstance(message, events.Key) or (
        isinstance(message, Message) and not isinstance(message, events.Event)
    )
