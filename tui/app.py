"""The Textual app: wires the services and opens the main screen.

Kept small on purpose: screens coordinate, widgets render, core does the work. App-level
actions only open screens or dialogs that live in their own modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.core.session import SandboxHandle, Session
from tui.core.workspace import SANDBOX_ENVIRONMENT
from tui.flows.deferred_start import DeferredStart
from tui.key_order import KeyOrder
from tui.palette import ActionCommands, EnvironmentCommands, RequestCommands
from tui.screens.main import MainScreen

if TYPE_CHECKING:  # types only: what the first frame does not need is imported when used
    from rich.text import Text

    from tui.core.exchange import Exchange
    from tui.core.history import HistoryRecorder
    from tui.core.model import Collection, Request
    from tui.core.oauth.flow import LoginFlow
    from tui.core.oauth.manager import TokenManager
    from tui.core.workspace import Workspace
    from tui.flows.idle_gc import IdleCollector
    from tui.flows.webhooks import WebhookHub, WebhookNews


class CarmanApp(App[None]):
    TITLE = "carman"
    COMMANDS = {ActionCommands, RequestCommands, EnvironmentCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="quit"),
    ]
    CSS = """
    Screen { background: $background; }
    /* Over a dialog, notifications go to the top and stay one line tall: they never cover
       the field being typed in (a dialog's fields sit in its middle and lower part). */
    ModalScreen ToastRack { dock: top; align: right top; margin-bottom: 0; }
    ModalScreen Toast { padding: 0 1; margin-top: 0; }
    """

    def __init__(self, session: Session, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.workspace: Workspace = session.workspace
        self.tokens: TokenManager = session.tokens
        self.active_logins: set[LoginFlow] = set()  # login flows whose listener is up
        self.key_order = KeyOrder(self, self.on_event)
        self.webhook_hub: WebhookHub | None = None  # the webhook receiver, once opened
        # The history, the sandbox and the HTTP client start after the first frame.
        self.deferred = DeferredStart(self)
        # ``gc.freeze()`` and full collections while no key comes, after the first frame
        # (DeferredStart): for the process of a real run only. In a test process a freeze would
        # keep earlier tests' apps from ever being collected.
        self.manage_gc = False
        self.idle_gc: IdleCollector | None = None

    @property
    def sandbox(self) -> SandboxHandle | None:
        return self.session.sandbox

    @property
    def history(self) -> HistoryRecorder | None:
        return self.session.history

    # -- lifecycle -------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        # The main screen is the base screen rather than pushed from on_mount: Textual runs
        # on_mount inside a start-up batch that discards every frame and waits there for a
        # pushed screen to mount, so the first frame was painted, thrown away, laid out and
        # painted again (~60 ms of a start). The themes come first so the screen is styled
        # once, in its theme.
        self._install_themes()
        # The main screen applies [keymap] to the action table itself (two-step keys included).
        return MainScreen(self.workspace.config.keymap)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        # carman's widgets style badges, JSON and {{variables}} with theme variables: a theme
        # without them (one of Textual's own) gets carman-dark's or carman-light's.
        from tui.theming import default_theme_variables

        return default_theme_variables(self.current_theme.dark)

    def on_mount(self) -> None:
        # Textual's keymap covers the app's own bindings (quit).
        self.set_keymap({k: v for k, v in self.workspace.config.keymap.items() if k == "quit"})

    async def _ready(self) -> None:
        # Textual's hook before the app handles its first event: wait until the main screen
        # (and the widgets it composes) has mounted, as a pushed screen was waited for. Keys
        # typed ahead reach a focused tree, and code run at start finds the screen's widgets.
        # (Textual 8.2 internals: _ready and the screen's _mounted_event; AwaitMount would
        # also ask for another layout of the whole screen.)
        await super()._ready()
        await self.screen._mounted_event.wait()

    async def on_event(self, event: events.Event) -> None:
        # Keys arrive here one at a time and in order: the place to keep bursts in order.
        if isinstance(event, events.Key) and not event.is_forwarded and self.screen_stack:
            if self.idle_gc is not None:
                self.idle_gc.key_pressed()
            if self.key_order.take(event):
                return  # a screen just opened has no focus yet: it gets the key once it does
            screen = self.screen
            if isinstance(screen, MainScreen) and screen.pending_prefix is not None:
                # The key after a prefix (ctrl+w) belongs to the prefix, whatever has focus.
                event.stop()
                await screen.finish_key_sequence(event.key, event.character)
                return
            focused_before = screen.focused
            await super().on_event(event)
            if event.is_forwarded:  # handed to the focused widget (no priority key took it)
                self.key_order.sent(event, self.focused or self.screen)
            if event.key == "enter":
                self.key_order.handled_enter(screen, focused_before, event)
            return
        await super().on_event(event)

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls App._on_key after this one, unless the default is prevented.
        if await self.key_order.redirect(event):
            event.prevent_default()  # meant for a screen that a key before it covered or closed

    def on_unmount(self) -> None:
        # A login still waiting must free its port whenever and however the app ends.
        for flow in list(self.active_logins):
            flow.cancel()
            flow.stop()
        self.active_logins.clear()
        if self.webhook_hub is not None:
            self.webhook_hub.stop()

    def _install_themes(self) -> None:
        from tui.theming import install_themes

        install_themes(self)

    def attach_history(self) -> None:
        """Record every exchange from now on (idempotent; ``DeferredStart`` calls it)."""

        def failed(exc: Exception) -> None:  # runs on the writer thread
            self.call_from_thread(self.notify, f"History: {exc}", severity="error", timeout=10)

        try:
            self.session.open_history(on_error=failed)
        except Exception as exc:  # a broken history must never stop the app
            self.notify(f"History is off: {exc}", severity="error", timeout=10)

    def flush_history(self) -> None:
        """Wait (briefly) until recorded exchanges are written, before the history is read."""
        if self.history is not None:
            self.history.flush(timeout=2)

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def action_quit(self) -> None:
        dirty = [
            request.name
            for collection in self.workspace.collections
            for _, request in collection.walk()
            if request.dirty
        ]
        if not dirty:
            await self._close_and_exit()
            return
        from tui.dialogs.basic import ConfirmDialog

        names = ", ".join(dirty[:5]) + (" …" if len(dirty) > 5 else "")

        async def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                await self._close_and_exit()

        self.push_screen(
            ConfirmDialog("Unsaved changes", f"Quit without saving {names}?", yes="Quit"),
            answered,
        )

    async def _close_and_exit(self) -> None:
        await self.session.aclose()
        self.exit()

    # -- shared helpers for screens --------------------------------------------------------
    def token_summary(self) -> tuple[str, str]:
        try:
            state = self.tokens.state()
        except Exception:  # the header must never break the screen
            return ("unknown", "dim")
        styles = {
            "valid": "bold green",
            "refreshable": "yellow",
            "expired": "bold red",
            "damaged": "bold red",
        }
        label = state.label if state.status.value != "none" else "none (ctrl+o logs in)"
        return (label, styles.get(state.status.value, "dim"))

    def explain(self, exchange: Exchange, request: Request | None) -> Text | None:
        from tui.widgets.explanation import render_explanation

        return render_explanation(self, exchange, request)

    def copy_with_toast(self, text: str, what: str) -> None:
        # OSC 52: works over SSH and in tmux with set-clipboard on.
        self.copy_to_clipboard(text)
        self.notify(f"Copied {what} to the clipboard ({len(text)} characters, via OSC 52)")

    def open_request(self, collection: Collection, request: Request) -> None:
        screen = self.main_screen
        if screen is not None:
            screen.open_request(collection, request)

    def switch_environment(self, name: str) -> None:
        try:
            # A sandbox not running yet starts on a thread (~0.1-0.2 s), never on this one.
            self.session.select_environment(name, start_sandbox=False)
        except Exception as exc:  # an unknown name: say so, stay
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Environment: {name}")
        self.deferred.start_sandbox_if_pending()
        if self.webhook_hub is not None:
            self.webhook_hub.follow_environment()  # check deliveries with this env's token
        self.serve_sandbox_webhooks()

    def serve_sandbox_webhooks(self) -> None:
        """The sandbox delivers webhooks to carman with no setup (``WebhookHub.serve_sandbox``)."""
        if self.sandbox is not None and self.workspace.environment_name == SANDBOX_ENVIRONMENT:
            from tui.flows.webhooks import hub_of

            hub_of(self).serve_sandbox()

    # -- actions ---------------------------------------------------------------------------
    def action_show_help(self) -> None:
        from tui.dialogs.help import HelpScreen

        self.push_screen(HelpScreen(self.workspace.config.keymap))

    def action_pick_environment(self) -> None:
        from tui.dialogs.basic import ChoiceDialog

        names = sorted(self.workspace.environments)
        options = [(name, name) for name in names]

        def chosen(name: str | None) -> None:
            if name:
                self.switch_environment(name)

        self.push_screen(
            ChoiceDialog(
                "Environment", options, self.workspace.environment_name, mark_current=True
            ),
            chosen,
        )

    def action_toggle_units(self) -> None:
        current = self.workspace.variables.get("unit_system") or "metric"
        new = "imperial" if current == "metric" else "metric"
        self.workspace.set_session({"unit_system": new})
        self.notify(f"Units: {new} (SC-Unit-System)")

    def action_login(self) -> None:
        from tui.dialogs.login import open_login

        self.deferred.then(lambda: open_login(self))  # the sandbox's client, once it is up

    def action_logout(self) -> None:
        from tui.dialogs.login import logout

        logout(self)

    def action_forget_tokens(self) -> None:
        from tui.dialogs.login import forget_tokens

        forget_tokens(self)

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    def action_webhooks(self) -> None:
        from tui.screens.webhooks import open_webhooks

        open_webhooks(self)

    def on_webhook_news(self, message: WebhookNews) -> None:
        # Posted by the receiver's writer thread; the hub captures and updates the screen.
        if self.webhook_hub is not None:
            self.webhook_hub.news(message)

    def action_variables(self) -> None:
        from tui.screens.variables import VariablesScreen

        self.push_screen(VariablesScreen())

    def action_pick_vehicle(self) -> None:
        from tui.dialogs.vehicle_picker import open_vehicle_picker

        self.deferred.then(lambda: open_vehicle_picker(self))  # lists from the sandbox

    def action_pick_theme(self) -> None:
        from tui.dialogs.theme_picker import open_theme_picker

        open_theme_picker(self)

    def action_new_collection(self) -> None:
        from tui.flows.collections import create_collection

        create_collection(self)

    def action_import_curl(self) -> None:
        from tui.flows.curl import import_curl

        import_curl(self)
