"""The Webhooks screen: Smartcar's deliveries as they arrive, newest first.

Opening it starts the receiver (``tui.core.webhooks``) if it is not running; it keeps running
when the screen is closed, until carman quits. Each line: time, event type, vehicle, user,
signature (✓ valid, ✗ invalid, - unsigned, ? unchecked), retries, carman's answer and what
was wrong. enter opens an event: its signals as a table, its JSON in the response viewer
(search, JSONPath filter), a plot of the highlighted signal, and ``c`` to capture a signal
into a variable. The bottom line plots a numeric signal over the validly signed deliveries
(``p`` picks the next one). ``ctrl+y`` (or ``y``) copies the callback URL (OSC 52); ``h``
shows or hides how Smartcar can reach this receiver.

The receiver's writer thread posts ``WebhookNews`` to the app (never waiting for it); the app
hands it to ``WebhookHub.news`` (``tui.flows.webhooks``), which applies capture rules and
tells this screen.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import get_current_worker

from tui.core.errors import CarmanError
from tui.core.history.deliveries import DeliveryStore
from tui.core.history.delivery_model import Signature, WebhookEventSummary
from tui.core.webhooks import Received
from tui.core.webhooks.signals import MAX_SERIES, numeric_codes, parse_body, series
from tui.flows.webhooks import WebhookHub, hub_of
from tui.widgets.method_style import (
    BADGE_COMPONENTS,
    BadgeCache,
    BadgeStyles,
    badge_css,
    status_style,
)
from tui.widgets.signal_plot import SignalPlot

if TYPE_CHECKING:
    from tui.app import CarmanApp

PAGE = 500
REFRESH_DELAY = 0.15  # arrivals in a burst refresh the list once
SIGNATURE_STYLE = {
    Signature.VALID: "bold green",
    Signature.INVALID: "bold red",
    Signature.UNSIGNED: "yellow",
    Signature.UNCHECKED: "yellow",
}
# (received_at, parsed body, vehicle id) of a delivery with a valid signature.
TrustedBody = tuple[float, object, str]


def vehicle_of(document: object) -> str:
    data = document.get("data") if isinstance(document, dict) else None
    vehicle = data.get("vehicle") if isinstance(data, dict) else None
    found = vehicle.get("id") if isinstance(vehicle, dict) else None
    return found if isinstance(found, str) else ""


def open_webhooks(app: CarmanApp) -> None:
    """The Webhooks screen, with the receiver started if needed."""
    hub = hub_of(app)
    if not hub.ensure_running():
        app.notify(hub.error, severity="error", timeout=10)
    for issue in hub.settings.issues:
        app.notify(str(issue), severity="warning", timeout=8)
    hub.settings.issues.clear()
    for screen in app.screen_stack:
        if isinstance(screen, WebhooksScreen):
            return  # already open (below a dialog, or on top)
    app.push_screen(WebhooksScreen(hub))


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_row(summary: WebhookEventSummary, badges: BadgeStyles) -> tuple[Text, ...]:
    signature = summary.signature
    retries = Text(str(summary.retries) if summary.retries else "", style="yellow")
    problem = Text(summary.problem, style="red" if summary.status >= 400 else "dim")
    kind_style = "bold" if summary.event_type else "italic dim"
    return (
        Text(summary.time.strftime("%H:%M:%S")),
        Text(_short(summary.kind, 13), style=kind_style),
        Text(_short(summary.vehicle, 18)),
        Text(_short(summary.user_id, 8), style="dim"),
        Text(signature.mark, style=SIGNATURE_STYLE[signature]),
        retries,
        Text(str(summary.status), style=status_style(summary.status, badges)),
        problem,
    )


STATUS_COLUMN = 6  # "Ans": the receiver's answer


class WebhookTable(DataTable[Text]):
    """The events. Letter keys act only while it has the focus (typing filters)."""

    BINDINGS = [
        Binding("y", "screen.copy_callback", "Copy callback URL"),
        Binding("p", "screen.next_plot", "Plot next signal"),
        Binding("h", "screen.toggle_reach", "How Smartcar reaches it"),
        Binding("slash", "screen.focus_filter", "Filter"),
    ]


class WebhooksScreen(Screen[None]):
    # The answer column's status colours: the theme's (see method_style).
    COMPONENT_CLASSES = set(BADGE_COMPONENTS)
    DEFAULT_CSS = (
        badge_css("WebhooksScreen")
        + """
    WebhooksScreen #wh-where { height: auto; padding: 0 1; background: $primary 30%; }
    WebhooksScreen #wh-warnings { height: auto; padding: 0 1; color: $warning; display: none; }
    WebhooksScreen #wh-warnings.-visible { display: block; }
    WebhooksScreen #wh-reach {
        height: auto; max-height: 9; padding: 0 1; overflow-y: auto;
        border: round $primary 40%; color: $text-muted;
    }
    WebhooksScreen #wh-reach.-hidden { display: none; }
    WebhooksScreen #wh-filter { height: 3; }
    WebhooksScreen DataTable { height: 1fr; }
    WebhooksScreen #wh-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    )
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+y", "copy_callback", "Copy callback URL", priority=True),
        Binding("down", "focus_table", "Events", show=False),
    ]

    def __init__(self, hub: WebhookHub) -> None:
        super().__init__()
        self.hub = hub
        self.summaries: list[WebhookEventSummary] = []
        self.bodies: list[TrustedBody] = []
        self.plot_code = ""
        self._refresh_timer: Timer | None = None
        self._reach_decided = False
        self._counts = Text("")
        self._badges = BadgeCache(self)  # the styles the rows are drawn with

    def _theme_changed(self, _theme: object) -> None:
        if not self._badges.stale():
            return
        badges = self._badges.styles
        table = self.query_one(DataTable)
        for row, summary in enumerate(self.summaries[: table.row_count]):
            table.update_cell_at(
                Coordinate(row, STATUS_COLUMN), summary_row(summary, badges)[STATUS_COLUMN]
            )

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="wh-where")
            yield Static("", id="wh-warnings")
            yield Static("", id="wh-reach")
            yield Input(
                placeholder="filter: event type, vehicle, user, signal, status, body text",
                id="wh-filter",
            )
            yield WebhookTable(id="wh-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="wh-status")
            yield SignalPlot(id="wh-plot")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Narrow enough that the problem column still shows at 80 columns.
        columns = (
            ("Time", 8),
            ("Event", 13),
            ("Vehicle", 18),
            ("User", 8),
            ("Sig", 3),
            ("Ret", 3),
            ("Ans", 3),
        )
        for label, width in columns:
            table.add_column(label, width=width)
        table.add_column("Problem")
        self.app.theme_changed_signal.subscribe(self, self._theme_changed, immediate=True)
        self.show_where()
        self.search("")
        self.load_bodies()
        self.hub.arrived.subscribe(self, self.delivery_arrived, immediate=True)
        self.hub.environment_changed.subscribe(self, self._environment_changed, immediate=True)
        self.set_focus(table)

    def _environment_changed(self, _: None) -> None:
        self.show_where()

    # -- where it listens ------------------------------------------------------------------
    def show_where(self) -> None:
        hub, workspace = self.hub, self.carman.workspace
        receiver = hub.receiver
        where = Text()
        if hub.running and receiver is not None:
            where.append("● ", style="bold green")
            where.append("Listening at ")
            where.append(receiver.local_url, style="bold")
        else:
            where.append("○ Not listening", style="bold red")
            if hub.error:
                where.append(f": {hub.error}", style="red")
        where.append(f"   env {workspace.environment_name or '(none)'}", style="dim")
        self.query_one("#wh-where", Static).update(where)
        warnings: list[str] = []
        if receiver is not None and receiver.exposure_warning:
            warnings.append(f"⚠ {receiver.exposure_warning}")
        if receiver is not None and not receiver.has_amt:
            env = workspace.environment_name or "(none)"
            warnings.append(
                f"⚠ No management token (amt) for environment {env}: signatures cannot be "
                f'checked and VERIFY is not answered. Put amt = "..." under [variables.{env}] '
                "in the secrets file (or add it in the variables screen, ctrl+e)."
            )
        box = self.query_one("#wh-warnings", Static)
        box.update("\n".join(warnings))
        box.set_class(bool(warnings), "-visible")
        how = hub.reach()
        text = Text()
        if how is not None:
            text.append("Callback URL: ", style="bold")
            text.append(how.callback_url, style="bold cyan")
            text.append("   (ctrl+y copies it · h hides this)\n", style="dim")
            text.append("\n".join(how.lines))
        self.query_one("#wh-reach", Static).update(text)

    def action_toggle_reach(self) -> None:
        self._reach_decided = True
        self.query_one("#wh-reach").toggle_class("-hidden")

    def action_copy_callback(self) -> None:
        how = self.hub.reach()
        if how is None:
            self.notify("The receiver is not listening, so there is no callback URL", timeout=4)
            return
        self.carman.copy_with_toast(how.callback_url, "the callback URL")

    # -- the list (searched off the UI thread) ---------------------------------------------
    @on(Input.Changed, "#wh-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#wh-filter")
    def _filter_submitted(self) -> None:
        self.action_focus_table()

    def action_focus_table(self) -> None:
        self.set_focus(self.query_one(DataTable))

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#wh-filter", Input))

    @work(thread=True, exclusive=True, group="webhook-search")
    def search(self, text: str) -> None:
        try:
            with DeliveryStore() as store:
                found = store.search(text, limit=PAGE)
                total = store.count()
        except CarmanError as exc:
            self.app.call_from_thread(self._show_status, Text(str(exc), style="red"))
            return
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._fill, found, total, text)

    def _fill(self, found: list[WebhookEventSummary], total: int, text: str) -> None:
        try:
            table = self.query_one(DataTable)
        except NoMatches:  # a search that ended while the screen was taken down (a quit)
            return
        current, was_at = self._current(), table.cursor_row
        self.summaries = found
        table.clear()
        badges = self._badges.styles
        for summary in found:
            table.add_row(*summary_row(summary, badges), key=str(summary.id))
        if current is not None and was_at > 0:
            # Moved down to an event: the cursor stays on it while new ones arrive above it.
            # At the top it stays at the top, on the newest.
            row = next((i for i, s in enumerate(found) if s.id == current.id), None)
            if row is not None:
                table.move_cursor(row=row, animate=False)
        shown = f"{len(found)} of {total} events" if text.strip() else f"{total} events"
        if not total:
            shown = "No deliveries yet"
        if not self._reach_decided:
            # How to reach the receiver matters most before anything has arrived.
            self._reach_decided = True
            self.query_one("#wh-reach").set_class(total > 0, "-hidden")
        keys = "enter opens · / filter · p plots · y copies URL · h how to reach"
        self._counts = Text(f"{shown}  ·  {keys}")
        self._show_highlighted()

    def _show_status(self, text: Text) -> None:
        with contextlib.suppress(NoMatches):  # also called from a search ending at a quit
            self.query_one("#wh-status", Static).update(text)

    def _show_highlighted(self) -> None:
        """The highlighted event's problem in full (the column is narrow), else the counts."""
        summary = self._current()
        if summary is None or not summary.problem:
            self._show_status(self._counts)
            return
        line = Text(f"#{summary.id} → {summary.status}: ", style="bold")
        line.append(summary.problem, style="red" if summary.status >= 400 else "")
        self._show_status(line)

    @on(DataTable.RowHighlighted, "#wh-table")
    def _row_highlighted(self) -> None:
        self._show_highlighted()

    def _current(self) -> WebhookEventSummary | None:
        if not self.summaries:
            return None
        table = self.query_one(DataTable)
        return self.summaries[min(max(table.cursor_row, 0), len(self.summaries) - 1)]

    # -- arrivals --------------------------------------------------------------------------
    def delivery_arrived(self, received: Received) -> None:
        if received.accepted and not received.retry:
            document = parse_body(received.record.body)
            if document is not None:
                self.bodies.append((received.record.received_at, document, vehicle_of(document)))
                del self.bodies[:-MAX_SERIES]
                self.replot()
        if self._refresh_timer is None:
            self._refresh_timer = self.set_timer(REFRESH_DELAY, self._refresh_after_arrivals)

    def _refresh_after_arrivals(self) -> None:
        self._refresh_timer = None
        self.search(self.query_one("#wh-filter", Input).value)

    @work(thread=True, exclusive=True, group="webhook-bodies")
    def load_bodies(self) -> None:
        try:
            with DeliveryStore() as store:
                stored = store.trusted_bodies(MAX_SERIES)
        except CarmanError:
            return  # the list says what is wrong with the database
        parsed = [(at, parse_body(body)) for at, body in stored]
        bodies = [(at, doc, vehicle_of(doc)) for at, doc in parsed if doc is not None]
        self.app.call_from_thread(self._loaded_bodies, bodies)

    def _loaded_bodies(self, bodies: list[TrustedBody]) -> None:
        # Deliveries that arrived while loading and are not in what was loaded come after.
        newest = bodies[-1][0] if bodies else float("-inf")
        self.bodies = [*bodies, *(b for b in self.bodies if b[0] > newest)]
        del self.bodies[:-MAX_SERIES]
        self.replot()

    def _plot_vehicle(self) -> str:
        return self.bodies[-1][2] if self.bodies else ""

    def replot(self) -> None:
        vehicle = self._plot_vehicle()
        mine = [(at, doc) for at, doc, v in self.bodies if v == vehicle]
        codes = numeric_codes(doc for _, doc in mine)
        if self.plot_code not in codes:
            self.plot_code = codes[0] if codes else ""
        points = series(mine, self.plot_code) if self.plot_code else []
        hint = f"vehicle {_short(vehicle, 12)}" if vehicle else ""
        if len(codes) > 1:
            hint += ("  ·  " if hint else "") + "p: next signal"
        self.query_one(SignalPlot).plot(self.plot_code, points, hint)

    def action_next_plot(self) -> None:
        vehicle = self._plot_vehicle()
        codes = numeric_codes(doc for _, doc, v in self.bodies if v == vehicle)
        if len(codes) < 2:
            self.notify("No other numeric signal to plot", timeout=2)
            return
        index = codes.index(self.plot_code) if self.plot_code in codes else -1
        self.plot_code = codes[(index + 1) % len(codes)]
        self.replot()

    # -- opening one -----------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected, "#wh-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        summary = self._current()
        if summary is None:
            return
        try:
            with DeliveryStore() as store:
                event = store.get(summary.id)
        except CarmanError as exc:
            self.notify(str(exc), severity="error")
            return
        from tui.screens.webhook_event import WebhookEventScreen

        self.app.push_screen(WebhookEventScreen(self.hub, event, list(self.bodies)))
