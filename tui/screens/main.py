"""The main screen: collection tree, request editor and response viewer.

It coordinates: widgets post messages, this screen calls the workspace (core) and updates
widgets. Sends run in an exclusive worker so a new send cancels the previous one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from tui.actions import ActionSpec, bindings
from tui.core.collection_io import save_request
from tui.core.errors import CarmanError
from tui.core.exchange import Exchange
from tui.core.model import Collection, Request
from tui.core.prepare import InvalidJsonBody
from tui.core.send import NeedsLogin
from tui.core.smartcar.vehicles import cache_for, current_vehicle, short_id
from tui.flows.save_body import save_body
from tui.flows.tree_actions import TreeActions
from tui.screens.steady_size import SteadySizeScreen
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.key_footer import KeyFooter
from tui.widgets.key_hint import KeyHint
from tui.widgets.request_editor import RequestEditor
from tui.widgets.response_viewer import ResponseViewer
from tui.widgets.status_header import StatusHeader

if TYPE_CHECKING:
    from tui.app import CarmanApp


class MainScreen(SteadySizeScreen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-tall")]
    DEFAULT_CSS = """
    MainScreen #panes { height: 1fr; }
    MainScreen #right { width: 1fr; }
    MainScreen RequestEditor { height: 45%; min-height: 8; }
    /* Small terminals (60x20): the tree gives way so the URL and the tables stay usable. */
    MainScreen.-narrow CollectionTree { width: 18; min-width: 12; }
    MainScreen.-short RequestEditor { height: 60%; }
    /* An error's explanation (up to 12 lines) left one line of body at 60x20: its first lines
       say what matters; the Signals tab and the body say the rest. */
    MainScreen.-short ResponseViewer #explanation { max-height: 4; }
    MainScreen.-maximized ResponseViewer { height: 1fr; }
    """

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        # Bindings come from the action table with the user's [keymap] applied.
        self._bindings = BindingsMap.merge([self._bindings, BindingsMap(bindings(keymap or {}))])
        self.collection: Collection | None = None
        self.request: Request | None = None
        self._editor_height = 45
        # The send in flight, and the request whose response the pane shows.
        self._sending: tuple[Worker[None], Request] | None = None
        self._shown_for: Request | None = None
        self._focus_before_maximize: Widget | None = None
        self._tree_shown_before_maximize = True
        self._header_timer: Timer | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self.pending_prefix: str | None = None  # a prefix key waiting for its second key
        self._sequence_choices: dict[str, ActionSpec] = {}

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status-header")
        with Horizontal(id="panes"):
            yield CollectionTree(id="tree")
            with Vertical(id="right"):
                yield RequestEditor(self.carman.workspace.variables, id="editor")
                yield ResponseViewer(id="response")
        yield KeyHint()
        yield KeyFooter()

    # -- startup ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        workspace = self.carman.workspace
        tree = self.query_one(CollectionTree)
        tree.set_collections(workspace.collections)
        # The header follows the state it shows: nothing refreshes it by hand.
        self._unsubscribe = [
            workspace.variables.subscribe(self._variables_changed),
            self.carman.tokens.subscribe(self.refresh_header),
            cache_for(workspace).subscribe(self.refresh_header),
        ]
        self.refresh_header()
        first = tree.first_request_node()
        if first is not None and first.data is not None and first.data.request is not None:
            self._open(first.data.collection, first.data.request)
            # The cursor goes there after the tree's first layout (line numbers exist then),
            # and before a selection asked for later (keys typed ahead, code run at start).
            tree.select_request(first.data.request)
        self.set_focus(tree.tree)
        for issue in workspace.issues:
            self.notify(str(issue), title="Could not load", severity="error", timeout=15)
        # The history, the sandbox and the HTTP client start once this frame is painted.
        self.call_after_refresh(self.carman.deferred.begin)

    def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    def _variables_changed(self, layer: str, name: str) -> None:
        if not self.is_attached or not self.query(RequestEditor):
            return  # a worker's answer after the screen was taken down
        self.query_one(RequestEditor).refresh_preview()
        if name in ("vehicle_id", "user_id", "*", "unit_system"):
            self.refresh_header()

    def refresh_header(self) -> None:
        """Called by the variables store, the token manager and the vehicle cache when what
        the header shows changes, and by a timer when the token's time left ticks over."""
        if not self.is_attached or not self.query(StatusHeader):
            return  # a worker's answer after the screen was taken down (carman quitting)
        workspace = self.carman.workspace
        environment = workspace.environment_name
        vehicle = current_vehicle(workspace)
        label = ""
        if vehicle is not None:
            label = vehicle.label if vehicle.ok and vehicle.make else short_id(vehicle.id)
            cache = cache_for(workspace)
            if cache.get(environment, vehicle.id) is None and not cache.attempted(
                environment, vehicle.id
            ):
                # Once per id (marked now: refreshes come in bursts); the cache announces
                # the answer.
                cache.mark_attempted(environment, vehicle.id)
                self._fetch_vehicle_label(environment, vehicle.id)
        token, style = self.carman.token_summary()
        app_token, app_style = self._app_token_summary()
        self.query_one(StatusHeader).set_state(
            environment=environment,
            sandbox=self.carman.sandbox is not None,
            sandbox_starting=self.carman.deferred.sandbox_starting,
            vehicle=label,
            user=workspace.variables.get("user_id") or "",
            units=workspace.variables.get("unit_system") or "metric",
            token=token,
            token_style=style,
            app_token=app_token,
            app_token_style=app_style,
        )
        self._tick_header_when_the_label_changes()

    def _app_token_summary(self) -> tuple[str, str]:
        """The application token's state for the header ("" when the environment does not use
        API Authentication or has not fetched one yet: then the header says nothing)."""
        tokens = self.carman.tokens
        try:
            if not tokens.uses_app_token() or tokens.app.settings() is None:
                return ("", "dim")
            state = tokens.app_state()
        except Exception:  # the header must never break the screen
            return ("", "dim")
        if state.status.value == "valid":
            return (state.label, "green")
        if state.status.value == "damaged":
            return ("damaged", "bold red")
        if state.status.value == "none":
            return ("", "dim")  # nothing fetched yet: nothing to say
        # Due or expired: carman fetches a new one by itself when a request needs it.
        return ("renewed on next send", "dim")

    def _tick_header_when_the_label_changes(self) -> None:
        """The token's time left is shown in minutes: wake up when that text changes (or the
        token becomes due for a refresh), not on a poll."""
        if self._header_timer is not None:
            self._header_timer.stop()
            self._header_timer = None
        tokens = self.carman.tokens
        try:
            states = [tokens.state()]
            if tokens.uses_app_token() and tokens.app.settings() is not None:
                states.append(tokens.app_state())
        except Exception:  # the header must never break the screen
            return
        delays = []
        for state in states:
            if state.status.value != "valid":
                continue
            left = state.seconds_left
            until_due = left - tokens.refresh_margin
            delays.append(min(left % 60 or 60, until_due if until_due > 0 else 60) + 0.5)
        if delays:
            self._header_timer = self.set_timer(min(delays), self.refresh_header)

    # -- selection -------------------------------------------------------------------------
    def on_collection_tree_selected(self, event: CollectionTree.Selected) -> None:
        if event.request is not self.request:
            self._open(event.collection, event.request)

    def open_request(self, collection: Collection, request: Request) -> None:
        """Open ``request`` now (the palette, history's save-as): a key typed right after it
        acts on it. The tree's cursor follows after its next layout."""
        if request is not self.request:
            self._open(collection, request)
        self.query_one(CollectionTree).select_request(request)

    def _open(self, collection: Collection, request: Request) -> None:
        self.collection = collection
        self.request = request
        self.carman.workspace.use_collection(collection)
        editor = self.query_one(RequestEditor)
        editor.load(request)
        title = f"{collection.name} › {request.name}"
        if collection.read_only:
            title += " (read-only)"
        editor.border_title = title
        self._show_response_of(request)

    def _show_response_of(self, request: Request) -> None:
        """The response pane keeps what it shows (re-formatting a big body at every tree move
        would be slow) but always says whose response it is, and when that is not the open
        request."""
        viewer = self.query_one(ResponseViewer)
        owner = self._shown_for
        if owner is None or owner is request:
            viewer.name_request(request.name)
        else:
            viewer.name_request(f"{owner.name} · not the open request")

    def action_tree_action(self, name: str) -> None:
        """A tree key (n, N, c, r, d, x, K, J, m, /) on the node under the tree's cursor."""
        TreeActions(self).run(name, self.query_one(CollectionTree).tree.cursor_ref)

    def on_request_editor_changed(self, event: RequestEditor.Changed) -> None:
        self.query_one(CollectionTree).refresh_request(event.request)

    def on_request_editor_curl_pasted(self, event: RequestEditor.CurlPasted) -> None:
        if self.request is None:
            return
        from tui.flows.curl import paste_curl

        paste_curl(self.carman, self.collection, self.request, event.command)

    def reload_request(self) -> None:
        """Show the open request again in the editor and the tree (after a change made for the
        user, such as a pasted curl command)."""
        if self.request is not None:
            self.query_one(RequestEditor).load(self.request)
            self.query_one(CollectionTree).refresh_request(self.request)

    def on_request_editor_send_pressed(self, _: RequestEditor.SendPressed) -> None:
        self.action_send()

    def on_request_editor_login_pressed(self, _: RequestEditor.LoginPressed) -> None:
        self.carman.action_login()

    # -- sending ---------------------------------------------------------------------------
    def action_send(self) -> None:
        if self.request is None:
            self.notify("Select a request in the tree first", severity="warning")
            return
        viewer = self.query_one(ResponseViewer)
        viewer.show_pending(f"{self.request.method} {self.request.name}")
        self._sending = (self._send(self.collection, self.request), self.request)

    def _send_done(self) -> None:
        """The send of this worker is over (not cancelled): no send is in flight any more."""
        if self._sending is not None and self._sending[0] is get_current_worker():
            self._sending = None

    def _refused(self, request: Request, text: Text) -> None:
        if request is self.request:
            viewer = self.query_one(ResponseViewer)
            viewer.name_request(request.name)  # the refusal is this request's
            owner = self._shown_for
            viewer.show_refusal(text, owner.name if owner not in (None, request) else None)
        else:
            self.notify(f"{request.name}: {text.plain}", severity="warning")

    @work(exclusive=True, group="send", description="send the request")
    async def _send(self, collection: Collection | None, request: Request) -> None:
        await self.carman.deferred.ready()  # a send right after the start waits for the sandbox
        try:
            exchange, capture = await self.carman.workspace.send(collection, request)
        except NeedsLogin as exc:
            self._send_done()
            self._refused(request, Text(f"🔒 {exc}  Press ctrl+o to log in.", style="bold yellow"))
            return
        except InvalidJsonBody as exc:
            self._send_done()
            self._refused(request, Text(f"✗ {exc}. Not sent.", style="bold red"))
            if request is self.request:
                self.query_one(RequestEditor).show_json_error(exc.line, exc.column)
            return
        except CarmanError as exc:
            self._send_done()
            self._refused(request, Text(f"✗ {exc}. Not sent.", style="bold red"))
            return
        # (A cancelled send is reported by on_worker_state_changed.)
        self._send_done()
        self._shown_for = request
        self.show_exchange(exchange, request)
        self._show_response_of(self.request or request)
        if request is not self.request:
            # A late answer: shown, named in the border, and said out loud.
            self.notify(f"The response shown is {request.name}'s, sent before you moved on")
        if capture.captured:
            shown = ", ".join(sorted(k for k in capture.captured if not k.endswith("_all")))
            self.notify(f"Captured {shown}", timeout=3)
        for problem in capture.problems:
            self.notify(f"Capture {problem}", severity="warning")

    def show_exchange(self, exchange: Exchange, request: Request | None) -> None:
        viewer = self.query_one(ResponseViewer)
        viewer.show_exchange(exchange)
        explanation = self.carman.explain(exchange, request)
        viewer.show_explanation(explanation)
        # Only the head: decoding a 50 MB body here would hold the UI for ~50 ms.
        response = exchange.response
        body = response.head(2000).decode("utf-8", "replace") if response is not None else ""
        vehicle_id = self.carman.workspace.variables.get("vehicle_id")
        if explanation is not None and '"PERMISSION"' in body and vehicle_id:
            self._explain_with_permissions(exchange, request, vehicle_id)

    @work(exclusive=True, group="permissions")
    async def _explain_with_permissions(
        self, exchange: Exchange, request: Request | None, vehicle_id: str
    ) -> None:
        """Ask Smartcar which permissions the token holds, then say if the missing one is."""
        from tui.core.smartcar.vehicles import granted_permissions
        from tui.widgets.explanation import render_explanation

        granted = await granted_permissions(self.carman.workspace, vehicle_id)
        viewer = self.query_one(ResponseViewer)
        if granted is not None and viewer.exchange is exchange:
            viewer.show_explanation(render_explanation(self.carman, exchange, request, granted))

    @work(exclusive=True, group="vehicle-label")
    async def _fetch_vehicle_label(self, environment: str, vehicle_id: str) -> None:
        from tui.core.smartcar.vehicles import list_vehicles

        workspace = self.carman.workspace
        await self.carman.deferred.ready()  # the sandbox may still be starting
        try:
            await list_vehicles(workspace)  # answers land in the cache
        except Exception:
            # A name for the header is never worth an error (no login yet, no application
            # token in this environment, a dead network): the header keeps the short id, and
            # the next refresh (a login that completed, say) asks again.
            cache_for(workspace).forget_attempt(environment, vehicle_id)

    def action_cancel_send(self) -> None:
        if self._sending is not None:
            self._sending[0].cancel()  # the state change below says so

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Only the send in flight: a send replaced by a newer one is not news.
        sending = self._sending
        if (
            event.state != WorkerState.CANCELLED
            or sending is None
            or sending[0] is not event.worker
        ):
            return
        self._sending = None
        if sending[1] is self.request:
            self.query_one(ResponseViewer).show_message(Text("Cancelled.", style="italic yellow"))

    # -- saving ----------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.request is None or self.collection is None:
            return
        if self.collection.read_only:
            self.notify(
                f"{self.collection.name} is built in and read-only. "
                "Use 'Duplicate the collection' from the command palette to edit a copy.",
                severity="warning",
            )
            return
        try:
            path = save_request(self.collection, self.request)
        except OSError as exc:
            self.notify(f"Could not save: {exc}", severity="error")
            return
        self.query_one(CollectionTree).refresh_request(self.request)
        self.notify(f"Saved {path.name}", timeout=2)

    # -- panes -----------------------------------------------------------------------------
    # Focus moves at once (Screen.set_focus), not after a refresh as Widget.focus() does: the
    # next key of a burst must already reach the newly focused widget.
    def action_focus_url(self) -> None:
        self._restore_from_maximized()
        url = self.query_one(RequestEditor).url_input
        self.set_focus(url)
        url.select_all()  # as a browser's ctrl+l: typing replaces it, even when it had focus

    def action_focus_pane(self, pane: str) -> None:
        if pane == "tree":
            self._restore_from_maximized()
            tree = self.query_one(CollectionTree)
            tree.display = True
            self.set_focus(tree.tree)
        elif pane == "editor":
            self.action_focus_url()
        else:
            self.set_focus(self.query_one(ResponseViewer).body_view)

    def action_toggle_tree(self) -> None:
        # Toggling the widget itself restyles one subtree, not the whole screen.
        tree = self.query_one(CollectionTree)
        if self.has_class("-maximized"):
            self._tree_shown_before_maximize = not self._tree_shown_before_maximize
            return  # it comes back (or not) with the editor
        tree.display = not tree.display

    def action_toggle_maximize(self) -> None:
        if self.has_class("-maximized"):
            self._restore_from_maximized()
            return
        tree, editor = self.query_one(CollectionTree), self.query_one(RequestEditor)
        self._focus_before_maximize = self.focused
        self._tree_shown_before_maximize = bool(tree.display)
        # Inline, like the tree's own toggle (a class would lose to an inline display).
        tree.display = editor.display = False
        self.add_class("-maximized")
        self.set_focus(self.query_one(ResponseViewer).body_view)

    def _restore_from_maximized(self) -> None:
        if not self.has_class("-maximized"):
            return
        self.remove_class("-maximized")
        self.query_one(CollectionTree).display = self._tree_shown_before_maximize
        self.query_one(RequestEditor).display = True
        previous, self._focus_before_maximize = self._focus_before_maximize, None
        if previous is not None and previous.is_attached and previous.display:
            self.set_focus(previous)

    def action_resize_editor(self, step: int) -> None:
        self._editor_height = max(15, min(80, self._editor_height + step * 2))
        self.query_one(RequestEditor).styles.height = f"{self._editor_height}%"

    # -- response actions ------------------------------------------------------------------
    def on_response_viewer_copy_requested(self, event: ResponseViewer.CopyRequested) -> None:
        self.carman.copy_with_toast(event.text, event.what)

    def on_response_viewer_save_requested(self, event: ResponseViewer.SaveRequested) -> None:
        name = (self.request.name if self.request else "response").replace("/", "-")
        save_body(self.app, event, f"{name}.json")

    # -- actions that need the open request -----------------------------------------------
    def action_copy_curl(self) -> None:
        from tui.flows.curl import copy_as_curl

        copy_as_curl(self.carman, self.collection, self.request)

    def action_copy_code(self) -> None:
        from tui.dialogs.code_snippet import open_code_snippet

        open_code_snippet(self.carman, self.collection, self.request)

    def action_pick_signal(self) -> None:
        from tui.dialogs.signal_picker import open_signal_picker

        open_signal_picker(self.carman)

    def action_duplicate_collection(self) -> None:
        from tui.flows.collections import duplicate_collection

        duplicate_collection(self.carman, self.collection)

    # -- two-step keys (ctrl+w t) ----------------------------------------------------------
    # The app hands the key after a prefix straight to ``finish_key_sequence`` (see
    # ``CarmanApp.on_event``), in order, before any later key: a burst can never split them.
    def action_key_prefix(self, prefix: str) -> None:
        from tui.actions import sequences

        self.pending_prefix = prefix
        self._sequence_choices = sequences(prefix, self.carman.workspace.config.keymap)
        self.query_one(KeyHint).show_choices(prefix, self._sequence_choices)

    async def finish_key_sequence(self, key: str, character: str | None) -> None:
        self.pending_prefix = None
        self.query_one(KeyHint).hide()
        spec = self._sequence_choices.get(key)
        if spec is None and character:
            spec = self._sequence_choices.get(character)
        if spec is not None:
            await self.run_action(spec.action)
        elif key != "escape":
            self.app.bell()

    def reload_tree(self, select: Request | None = None) -> None:
        tree = self.query_one(CollectionTree)
        tree.set_collections(self.carman.workspace.collections)
        if select is not None:
            tree.select_request(select)
