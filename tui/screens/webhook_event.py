"""One webhook event: who sent what, its signals as a table, a plot of the highlighted signal
over the valid deliveries, and its JSON in the response viewer (search ``/``, JSONPath filter
``f``, copy ``y``, save ``s``). ``c`` captures the highlighted signal into a variable: the rule
is kept under ``[webhooks]`` in config.toml and applies to every valid delivery from then on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from tui.core.exchange import Exchange, Response, SentRequest, Timings
from tui.core.formatting import human_size
from tui.core.history.delivery_model import WebhookEvent
from tui.core.jsonpath_query import JsonPathError, query
from tui.core.model import Capture
from tui.core.tomlfile import TomlFileError
from tui.core.webhooks.captures import capture_from_delivery
from tui.core.webhooks.signals import parse_body, readings, series
from tui.dialogs.basic import Field, FormDialog
from tui.flows.save_body import save_body
from tui.flows.webhooks import WebhookHub
from tui.screens.webhooks import SIGNATURE_STYLE, TrustedBody
from tui.widgets.delivery_signals_table import DeliverySignalsTable
from tui.widgets.method_style import status_style
from tui.widgets.response_viewer import ResponseViewer
from tui.widgets.signal_plot import SignalPlot

if TYPE_CHECKING:
    from tui.app import CarmanApp


def signal_path(code: str) -> str:
    """The capture rule's JSONPath for a VEHICLE_STATE signal's value."""
    return f"$.data.signals[?@.code=='{code}'].body.value"


def exchange_of(event: WebhookEvent) -> Exchange:
    """The event's first delivery as an Exchange: the response viewer shows its headers and
    body as it shows a response's."""
    first = event.first
    sent = SentRequest(first.method, first.target, list(first.headers), first.body)
    response = Response(first.status, "", "HTTP/1.1", list(first.headers), first.body)
    return Exchange(sent, Timings(first.received_at), response=response)


class WebhookEventScreen(Screen[None]):
    """One event: who and what, its signals, a plot of the highlighted one, its JSON."""

    DEFAULT_CSS = """
    WebhookEventScreen #event-head { height: auto; max-height: 6; padding: 0 1; overflow-y: auto; }
    WebhookEventScreen DeliverySignalsTable { max-height: 9; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("c", "capture", "Capture this signal"),
    ]

    def __init__(self, hub: WebhookHub, event: WebhookEvent, bodies: list[TrustedBody]) -> None:
        super().__init__()
        self.hub = hub
        self.event = event
        self.bodies = bodies
        self.document = parse_body(event.first.body)

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="event-head")
        yield DeliverySignalsTable(id="event-signals")
        yield SignalPlot(id="event-plot")
        yield ResponseViewer(id="event-body")
        yield Footer()

    def _head(self) -> Text:
        summary = self.event.summary
        text = Text()
        text.append(f"#{summary.id}  {summary.time:%Y-%m-%d %H:%M:%S}  ", style="dim")
        text.append(summary.kind, style="bold")
        text.append("  ")
        text.append(
            f"{summary.signature.mark} {summary.signature.value}",
            style=SIGNATURE_STYLE[summary.signature],
        )
        if summary.vehicle:
            text.append(f"  {summary.vehicle}")
        if summary.user_id:
            text.append(f"  user {summary.user_id}", style="dim")
        text.append("\n")
        ids = self.event.delivery_ids
        deliveries = f"{summary.deliveries} deliver{'y' if summary.deliveries == 1 else 'ies'}"
        if summary.retries:
            deliveries += f" (retried {summary.retries}×, same eventId {summary.event_id})"
        text.append(deliveries, style="yellow" if summary.retries else "dim")
        if ids:
            text.append(f": {', '.join(ids)}", style="dim")
        if summary.webhook_name or summary.webhook_id:
            webhook = f"\nwebhook {summary.webhook_name} {summary.webhook_id}".rstrip()
            text.append(webhook, style="dim")
        for delivery in self.event.deliveries:
            if delivery.problem:
                text.append(f"\n{delivery.time:%H:%M:%S} → {delivery.status}: ", style="red")
                text.append(delivery.problem)
        if not summary.trusted:
            text.append(
                "\nNot trusted: shown as received, never used for captures.", style="bold red"
            )
        return text

    def _show_answer(self) -> None:
        viewer = self.query_one(ResponseViewer)
        first = self.event.first
        status = Text()
        status.append(
            f" answered {first.status} ",
            style=status_style(first.status, viewer.badges) + Style(reverse=True),
        )
        status.append(f"  {first.method} {first.target}", style="bold")
        status.append(f"  {human_size(first.body_size)}", style="dim")
        status.append(f"  from {first.remote or '?'}", style="dim")
        viewer.show_message(status)

    def on_mount(self) -> None:
        table = self.query_one(DeliverySignalsTable)
        rows = readings(self.document)
        table.show(rows)
        viewer = self.query_one(ResponseViewer)
        first = self.event.first
        viewer.border_title = "Delivery (as received)"
        viewer.show_exchange(exchange_of(self.event))
        self._show_answer()
        # The answer's pill takes the theme's status colours: drawn again on a theme change
        # (after the viewer's own restyle, which runs first: it subscribed first).
        self.app.theme_changed_signal.subscribe(self, lambda _: self._show_answer())
        if first.body_truncated:
            viewer.set_body_caveat(f"cut in history; it was {human_size(first.body_size)}")
        if rows:
            self.set_focus(table)
            self.plot_current()
        else:
            table.display = False
            self.query_one(SignalPlot).display = False
            self.set_focus(viewer.body_view)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if isinstance(event.data_table, DeliverySignalsTable):
            self.plot_current()

    def plot_current(self) -> None:
        reading = self.query_one(DeliverySignalsTable).current
        plot = self.query_one(SignalPlot)
        vehicle = self.event.summary.vehicle_id
        if reading is None or reading.number is None:
            plot.plot("", [], "highlight a numeric signal to plot it")
            return
        mine = [(at, doc) for at, doc, v in self.bodies if v == vehicle]
        plot.plot(reading.code, series(mine, reading.code), "over the valid deliveries")

    # -- captures --------------------------------------------------------------------------
    def action_capture(self) -> None:
        reading = self.query_one(DeliverySignalsTable).current
        code = reading.code if reading is not None else ""
        variable = code.split("-")[-1] if code else ""
        fields = [
            Field("variable", "Variable", variable, placeholder="battery"),
            Field("path", "JSONPath into the delivery", signal_path(code) if code else "$."),
        ]

        def check(values: dict[str, str]) -> str | None:
            if not values["variable"].strip():
                return "Name the variable"
            try:
                query(values["path"], self.document if self.document is not None else {})
            except JsonPathError as exc:
                return str(exc)
            return None

        self.app.push_screen(
            FormDialog(
                "Capture from webhooks",
                fields,
                "Every delivery with a valid signature sets this variable (kept in config.toml "
                "under [webhooks]).",
                validate=check,
            ),
            self._captured,
        )

    def _captured(self, values: dict[str, str] | None) -> None:
        if not values:
            return
        rule = Capture(variable=values["variable"].strip(), path=values["path"].strip())
        try:
            self.hub.add_capture(rule)
        except (TomlFileError, OSError) as exc:
            self.notify(f"Not saved: {exc}", severity="error")
            return
        first = self.event.first
        result = capture_from_delivery(
            [rule],
            first.body,
            self.event.summary.signature,
            first.headers,
            first.received_at,
            first.status,
        )
        if result.captured:
            self.carman.workspace.set_session(result.captured)
            value = result.captured[rule.variable]
            self.notify(f"{rule.variable} = {value} (and from every valid delivery from now on)")
        elif not self.event.summary.trusted:
            self.notify("Rule saved; nothing captured: this delivery is not trusted", timeout=5)
        else:
            problems = "; ".join(result.problems) or "nothing matched"
            self.notify(f"Rule saved; {problems}", severity="warning", timeout=6)

    # -- the body viewer's requests --------------------------------------------------------
    def on_response_viewer_copy_requested(self, event: ResponseViewer.CopyRequested) -> None:
        self.carman.copy_with_toast(event.text, "the delivery body")

    def on_response_viewer_save_requested(self, event: ResponseViewer.SaveRequested) -> None:
        save_body(self.app, event, f"webhook-{self.event.summary.id}.json")
