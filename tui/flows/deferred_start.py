"""What carman starts after its first frame is on screen: the history, the sandbox, the HTTP
client.

None of them is needed to draw the first screen, and together they took about a third of a
start (the sandbox's import and server start, the history package and its database, httpx's
transport and TLS context). So the main screen asks for them once it has painted (``begin``,
which ``start``s them a moment later).
Whatever needs them waits instead of failing: a send, a vehicle lookup and the login dialog
(``ready`` / ``then``); a send pressed before the sandbox is up waits for it.

The sandbox is started on a thread (its server start and imports take ~0.1-0.2 s) and attached
on the UI thread: attaching changes variables, and their subscribers update widgets. The same
happens when the sandbox environment is chosen later (``start_sandbox_if_pending``).

A real run (``CarmanApp.manage_gc``) also hands Python's garbage collector its settings here:
what exists at this point is frozen out of full collections, which then run while no key
comes (``tui.flows.idle_gc``).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

if TYPE_CHECKING:
    from tui.app import CarmanApp
    from tui.core.session import SandboxHandle

# After the first frame is painted, this long for it to reach the terminal before starting.
AFTER_FRAME_S = 0.1
# The HTTP client's warm-up (imports, TLS context: ~0.1 s of CPU) waits this long after the
# first frame, so it does not compete with the first keys.
WARM_UP_DELAY_S = 1.0


class DeferredStart:
    def __init__(self, app: CarmanApp) -> None:
        self.app = app
        self.begun = False
        self._scheduled = False
        self._sandbox_up: asyncio.Event | None = None  # made on the app's loop
        self._waiting: list[Callable[[], object]] = []
        self._sandbox_start_failed = False
        self._starting = False  # a sandbox start is running on a thread

    @property
    def sandbox_starting(self) -> bool:
        """The sandbox environment's sandbox is due or being started (the header says so)."""
        return self.app.session.sandbox_pending and not self._sandbox_start_failed

    def begin(self) -> None:
        """The first frame is painted: start the deferred services a moment later, once the
        frame is written out (Textual writes it from a thread that needs the GIL: work started
        at once held the frame back by ~0.1 s)."""
        if not self._scheduled:
            self._scheduled = True
            self.app.set_timer(AFTER_FRAME_S, self.start)

    def start(self) -> None:
        """Start what was deferred (once; again is a no-op)."""
        if self.begun:
            return
        self.begun = True
        if self.app.manage_gc:
            # Everything alive now (Textual, carman's modules, the first screen) lives as long
            # as the process: kept out of the cyclic collector's full passes, each of which
            # traversed it and held the UI thread ~40 ms, now ~20 ms (the worst key delays
            # while a big body is formatted were such pauses); and those passes wait for a
            # moment without keys (``IdleCollector``). The price is bounded: an object frozen
            # now and dropped later inside a reference cycle (a first-screen tree node after a
            # reload) is never collected; nothing made after this point is frozen.
            gc.freeze()
            from tui.flows.idle_gc import IdleCollector

            self.app.idle_gc = IdleCollector()
            self.app.idle_gc.start(self.app)
        self._sandbox_up = asyncio.Event()
        self.app.attach_history()
        if self.app.session.sandbox_pending:
            self._run_sandbox_start()
        else:
            self._sandbox_ready()
        self.app.set_timer(WARM_UP_DELAY_S, self._warm_up)

    def start_sandbox_if_pending(self) -> None:
        """The sandbox environment was chosen after start-up and its sandbox is not running:
        start it on a thread, as at start-up; sends and lookups wait for it (``ready``)."""
        if not self.begun:
            return  # ``start`` will, once the first frame is out
        if not self.app.session.sandbox_pending or self._starting:
            self._refresh_header()
            return
        assert self._sandbox_up is not None
        self._sandbox_up.clear()
        self._sandbox_start_failed = False
        self._run_sandbox_start()
        self._refresh_header()  # "starting sandbox"

    def _run_sandbox_start(self) -> None:
        self._starting = True
        self.app.run_worker(
            self._start_sandbox,
            thread=True,
            group="sandbox",
            description="start the sandbox",
            exit_on_error=False,
        )

    async def ready(self) -> None:
        """Return once sends can go out: the history records and the sandbox (if it is the
        environment) answers. A send pressed before they were started starts them."""
        self.start()
        assert self._sandbox_up is not None
        await self._sandbox_up.wait()

    def then(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` now if nothing is being started, else once it is."""
        self.start()
        if self._sandbox_up is not None and self._sandbox_up.is_set():
            callback()
        else:
            self._waiting.append(callback)

    # -- the sandbox -----------------------------------------------------------------------
    def _start_sandbox(self) -> None:
        """On a worker thread: start (or find) the sandbox; attach it on the UI thread."""
        provider = self.app.session.sandbox_provider
        try:
            assert provider is not None
            handle = provider()
        except Exception as exc:  # said on screen; sends then fail with their own message
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._on_sandbox_failed, exc)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._attach, handle)

    def _attach(self, handle: SandboxHandle) -> None:
        self._starting = False
        session = self.app.session
        if session.sandbox is None and session.sandbox_pending:
            session.sandbox = handle
            session.attach_sandbox()  # points the environment at it
        else:  # another environment was chosen meanwhile, or one was attached: not needed
            handle.stop()
        self._sandbox_ready()

    def _on_sandbox_failed(self, exc: Exception) -> None:
        self._starting = False
        self._sandbox_start_failed = True
        self.app.notify(f"The sandbox did not start: {exc}", severity="error", timeout=15)
        self._sandbox_ready()

    def _sandbox_ready(self) -> None:
        if self._sandbox_up is not None:
            self._sandbox_up.set()
        self._refresh_header()
        self.app.serve_sandbox_webhooks()  # the sandbox's webhook aimed at carman's receiver
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

    def _refresh_header(self) -> None:
        screen = self.app.main_screen
        if screen is not None:
            screen.refresh_header()

    # -- the HTTP client -------------------------------------------------------------------
    def _warm_up(self) -> None:
        self.app.run_worker(
            self.app.workspace.pipeline.warm_up,
            thread=True,
            group="warm-up",
            description="prepare the HTTP client",
            exit_on_error=False,
        )
