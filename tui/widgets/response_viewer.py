"""The response viewer: status line, explanation of errors, and Body / Headers / Raw / Timing,
plus a Signals tab (a table) when the body is a Smartcar v3 signals answer.

The body's way to the screen (formatting, paging from disk, search and filter of big bodies in
the format worker process) is ``paged_body.BodyPipeline``; the body view renders only visible
lines. Keys in the body: / search · n N next/previous · f JSONPath filter · w wrap · y copy ·
s save.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static, TabPane

from tui.core.body_index import LineSource
from tui.core.exchange import Exchange, Response
from tui.core.formatting import ContentKind, human_size, pretty_json
from tui.core.jsonpath_query import JsonPathError, query
from tui.core.masking import mask_json_secrets, redact
from tui.widgets.body_view import BodyView
from tui.widgets.json_highlight import JSON_COMPONENTS, JsonColours, highlight_json_line, json_css
from tui.widgets.lazy_tabs import LazyTabbedContent, LazyTabPane
from tui.widgets.method_style import (
    BADGE_COMPONENTS,
    BadgeCache,
    BadgeStyles,
    badge_css,
    status_style,
)
from tui.widgets.paged_body import BodyPipeline, ShownBody, copy_text

# Bodies up to this size are read for the Signals tab (a signals answer is a few tens of KB).
SIGNALS_MAX_BYTES = 2_000_000


class ResponseViewer(Vertical, can_focus=False):
    # The status pill's and the JSON body's colours: the theme's $status-* and $json-*.
    COMPONENT_CLASSES = {*BADGE_COMPONENTS, *JSON_COMPONENTS.values()}
    DEFAULT_CSS = (
        badge_css("ResponseViewer")
        + json_css("ResponseViewer")
        + """
    ResponseViewer {
        height: 1fr;
        border: round $primary 40%;
        border-title-color: $text-muted;
    }
    ResponseViewer:focus-within { border: round $primary; }
    /* Wraps rather than cuts: the part that matters is written first and always shows. */
    ResponseViewer #status-line { height: auto; max-height: 4; padding: 0 1; }
    ResponseViewer #explanation {
        height: auto; max-height: 12; padding: 0 1; display: none;
        border-left: thick $warning; background: $warning 10%;
    }
    ResponseViewer #explanation.-visible { display: block; }
    ResponseViewer #body-tools { height: 1; display: none; }
    ResponseViewer #body-tools.-visible { display: block; }
    ResponseViewer #body-tools Input { border: none; height: 1; width: 1fr; padding: 0 1; }
    ResponseViewer #search-info { width: auto; padding: 0 1; color: $text-muted; }
    ResponseViewer #body-note { height: auto; color: $text-muted; padding: 0 1; }
    ResponseViewer LazyTabbedContent { height: 1fr; }
    ResponseViewer TabPane { padding: 0; }
    ResponseViewer #timing { padding: 0 1; }
    """
    )

    class CopyRequested(Message):
        """Copy ``text`` to the clipboard, said as ``what`` (the screen that shows the viewer:
        ``MainScreen`` / ``WebhookEventScreen.on_response_viewer_copy_requested``)."""

        def __init__(self, viewer: ResponseViewer, text: str, what: str) -> None:
            super().__init__()
            self.viewer = viewer
            self.text = text
            self.what = what

        @property
        def control(self) -> ResponseViewer:
            return self.viewer

    class SaveRequested(Message):
        """Save the body to a file (the screen that shows the viewer:
        ``MainScreen`` / ``WebhookEventScreen.on_response_viewer_save_requested``)."""

        def __init__(self, viewer: ResponseViewer, response: Response) -> None:
            super().__init__()
            self.viewer = viewer
            self.response = response

        @property
        def control(self) -> ResponseViewer:
            return self.viewer

        @property
        def body(self) -> bytes:
            return self.response.body

        def write_to(self, path: Path) -> int:
            """Write the whole body, byte for byte (a spilled one is copied from its file)."""
            spilled = self.response.spilled
            if spilled is not None:
                shutil.copyfile(spilled.path, path)
            else:
                path.write_bytes(self.response.body)
            return self.response.size

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Response"
        self.exchange: Exchange | None = None
        self._tool = ""  # "search" or "filter"
        self._body = BodyPipeline(self)
        self.revealed = False
        # Said under the body whatever the formatter's note is (e.g. "cut in history").
        self._caveat = ""
        self._note = Text()
        self._tool_widgets: tuple[Horizontal, Input, Static] | None = None
        # The styles the status line and the body's cached lines were drawn with, and the
        # exchange whose status line is on show (redrawn when a theme change alters them).
        self._badges = BadgeCache(self)
        self._json: JsonColours | None = None
        self._status_of: Exchange | None = None

    @property
    def _formatted(self) -> ShownBody | None:
        """The formatted body of ``exchange``; None until it is formatted."""
        return self._body.shown

    @property
    def _document(self) -> object:
        """The parsed JSON of the body on show (for the JSONPath filter), or None."""
        return self._formatted.document if self._formatted is not None else None

    @property
    def _pretty_lines(self) -> LineSource | list[str]:
        """The formatted lines on show: masked, or revealed after ``v``."""
        formatted = self._formatted
        if formatted is None:
            return []
        if self.revealed and formatted.revealed is not None:
            return formatted.revealed
        return formatted.lines

    def compose(self) -> ComposeResult:
        yield Static(
            Text("No response yet. Select a request and press ctrl+j.", style="dim"),
            id="status-line",
        )
        yield Static("", id="explanation")
        # The Headers, Raw and Timing tabs' widgets and the search/filter line are built with
        # the first response (or when a tab or the line is first opened): none of them is
        # needed for carman's first frame.
        with LazyTabbedContent(id="response-tabs"):
            with TabPane("Body", id="tab-body"):
                yield Static("", id="body-note")
                yield BodyView(id="body")
            yield LazyTabPane("Headers", self._build_headers, id="tab-headers")
            yield LazyTabPane("Raw", self._build_raw, id="tab-raw")
            yield LazyTabPane("Timing", lambda: [Static("", id="timing")], id="tab-timing")
            yield LazyTabPane("Signals", self._build_signals, id="tab-signals")

    def on_mount(self) -> None:
        self.body_view.tools = self.run_tool  # the body's keys (/ n N f w y s v) run here
        self.app.theme_changed_signal.subscribe(self, self._theme_changed, immediate=True)
        self.query_one(LazyTabbedContent).hide_tab("tab-signals")  # shown for v3 signals

    @staticmethod
    def _build_signals() -> list[Widget]:
        from tui.widgets.signals_table import SignalsTable

        return [SignalsTable(id="signals-table")]

    def _build_raw(self) -> list[Widget]:
        view = BodyView(id="raw")
        view.tools = self.run_tool
        return [view]

    @staticmethod
    def _build_headers() -> list[Widget]:
        table: DataTable[object] = DataTable(
            id="headers-table", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("Header", "Value")
        return [table]

    def run_tool(self, name: str) -> None:
        tools = {
            "search": self.action_start_search,
            "next": lambda: self.action_next_match(1),
            "previous": lambda: self.action_next_match(-1),
            "filter": self.action_start_filter,
            "wrap": self.action_toggle_wrap,
            "copy": self.action_copy_body,
            "save": self.action_save_body,
            "reveal": self.action_toggle_reveal,
        }
        tools[name]()

    def _build_tabs(self) -> None:
        for pane in self.query(LazyTabPane):
            if pane.id != "tab-signals":  # built by the first signals answer, if one comes
                pane.ensure_built()
        self._tools()

    def _tools(self) -> tuple[Horizontal, Input, Static]:
        """The search / filter line above the body (its box, field and info), made when it is
        first needed. Kept by reference: the box's children mount a moment after it."""
        if self._tool_widgets is None:
            field, info = Input(id="body-tool-input"), Static("", id="search-info")
            tools = Horizontal(field, info, id="body-tools")
            self.query_one("#tab-body", TabPane).mount(tools, before="#body-note")
            self._tool_widgets = (tools, field, info)
        return self._tool_widgets

    def on_unmount(self) -> None:
        self._body.close()  # the body's temporary files go with the view

    @property
    def body_view(self) -> BodyView:
        return self.query_one("#body", BodyView)

    # -- showing ---------------------------------------------------------------------------
    # -- looks ----------------------------------------------------------------------------
    @property
    def badges(self) -> BadgeStyles:
        return self._badges.styles

    def _highlighter(self, line: str) -> Text:
        if self._json is None:
            self._json = JsonColours.of(self)
        return highlight_json_line(line, self._json)

    def _theme_changed(self, _theme: object) -> None:
        if self._badges.stale() and self._status_of is not None:
            self._show_status(self._status_of)
        if self._json is not None and JsonColours.of(self) != self._json:
            self._json = None
            for view in self.query(BodyView):
                view.restyle()

    def show_message(self, text: Text | str) -> None:
        """A line in place of the status (sending…, refused before sending, …)."""
        self._status_of = None
        self.query_one("#status-line", Static).update(text)

    def show_pending(self, label: str) -> None:
        self.show_message(Text(f"⏳ {label} … (esc cancels)", style="italic"))

    def show_refusal(self, text: Text, body_of: str | None = None) -> None:
        """A send refused before it left (unresolved variable, bad JSON, no login): the
        previous response's explanation goes, and its body is marked as the previous one
        (``body_of``: the request it belongs to, when that is not the refused one)."""
        self.show_message(text)
        self.show_explanation(None)
        if self.exchange is not None:
            whose = f"{body_of}'s last response" if body_of else "the previous response"
            self.query_one("#body-note", Static).update(
                Text(f"↓ {whose} (this send was not made)", style="dim italic")
            )

    def name_request(self, name: str) -> None:
        """Say whose response this is, in the border: "Response · Odometer"."""
        self.border_title = f"Response · {name}" if name else "Response"

    def show_explanation(self, text: Text | None) -> None:
        widget = self.query_one("#explanation", Static)
        widget.set_class(text is not None, "-visible")
        widget.update(text or "")

    def show_exchange(self, exchange: Exchange) -> None:
        self._build_tabs()  # the first response builds the rest of the viewer
        self.exchange = exchange
        self._caveat = ""
        self.show_explanation(None)
        # A toggle or filter never reaches the previous body.
        self._body.reset(exchange.response)
        self.revealed = False
        self._clear_tool()
        if exchange.error is not None:
            status = Text("✗ ", style="bold red")
            status.append(exchange.error.message, style="red")
            status.append(f"   {exchange.timings.total_ms:.0f} ms", style="dim")
            self.show_message(status)
            self._set_note(Text(exchange.error.detail, style="dim"))
            self.body_view.set_lines([])
            self.query_one("#raw", BodyView).set_lines([])
            self._fill_headers([])
            self._fill_timing(exchange)
            self._show_signals(None)
            return
        response = exchange.response
        assert response is not None
        self._show_status(exchange)
        self._fill_headers(response.headers)
        self._fill_timing(exchange)
        self._show_signals(response)
        # A small body comes back formatted; a big one shows as received (its first part)
        # until the format worker is done.
        first_lines, formatted = self._body.show(response)
        self.query_one("#raw", BodyView).set_lines(first_lines)
        if formatted is not None:
            self.show_formatted(formatted)
            return
        self.body_view.set_lines(first_lines)
        self._set_note(Text(f"formatting {human_size(response.size)} …", style="dim"))

    def _show_status(self, exchange: Exchange) -> None:
        response = exchange.response
        assert response is not None
        status = Text()
        status.append(
            f" {response.status} {response.reason} ",
            style=status_style(response.status, self.badges) + Style(reverse=True),
        )
        status.append(f"  {exchange.timings.total_ms:.0f} ms", style="bold")
        status.append(f"  {human_size(response.size)}", style="bold")
        status.append(f"  {response.http_version}", style="dim")
        if exchange.refreshed_token:
            status.append("  token refreshed", style="italic dim")
        self.show_message(status)
        self._status_of = exchange

    def _show_signals(self, response: Response | None) -> None:
        """The Signals tab: shown with a table for a v3 signals answer, hidden otherwise."""
        import time

        from tui.core.smartcar.signal_rows import signal_rows

        rows = None
        if (
            response is not None
            and response.spilled is None
            and response.size <= SIGNALS_MAX_BYTES
            and b'"signal"' in response.head(4000)
        ):
            try:
                rows = signal_rows(response.json(), time.time())
            except ValueError:
                rows = None
        tabs = self.query_one(LazyTabbedContent)
        if rows is None:
            if tabs.active == "tab-signals":
                tabs.active = "tab-body"
            tabs.hide_tab("tab-signals")
            return
        from tui.widgets.signals_table import SignalsTable

        self.query_one("#tab-signals", LazyTabPane).ensure_built()
        self.query_one(SignalsTable).show_rows(rows)
        tabs.show_tab("tab-signals")

    def _set_note(self, note: Text | str) -> None:
        self._note = text = Text(note, style="dim") if isinstance(note, str) else note
        if self._caveat:
            caveat = Text(self._caveat, style="bold yellow")
            text = Text.assemble(caveat, "  " if text else "", text)
        self.query_one("#body-note", Static).update(text)

    def set_body_caveat(self, caveat: str) -> None:
        """A remark about the body on show that stays while it is shown (history: "cut")."""
        self._caveat = caveat
        self._set_note(self._note)

    # -- what the body pipeline hands over -------------------------------------------------
    def show_formatted(self, formatted: ShownBody) -> None:
        self.revealed = False
        highlighter = self._highlighter if formatted.kind == ContentKind.JSON else None
        self.body_view.set_lines(formatted.lines, highlighter)
        note = formatted.note
        self._set_note(Text(note, style="dim") if note else "")
        raw = self.query_one("#raw", BodyView)
        if formatted.hidden and not raw.lines.on_disk:
            # The raw bytes hold the same secrets: mask them there too.
            raw.set_lines([redact(line, formatted.hidden) for line in raw.lines])

    def show_raw_lines(self, lines: LineSource) -> None:
        """The whole body as received (indexed on disk): the Raw tab, and the body tab until
        the formatted body is ready."""
        self.query_one("#raw", BodyView).set_lines(lines)
        if self._formatted is None and self._tool != "filter":
            self.body_view.set_lines(lines)

    def show_body_problem(self, message: str) -> None:
        self._set_note(Text(message, style="red"))

    def show_matches(self, source: LineSource, text: str, matches: Sequence[int]) -> None:
        if self.body_view.show_matches(source, text, matches):
            self._search_info(self.body_view.match_count, self.body_view.current_match)

    def show_filter_result(
        self, path: str, lines: LineSource | None, count: int, error: str
    ) -> None:
        _, field, info = self._tools()
        if self._tool != "filter" or field.value != path:
            return  # the user typed on (or closed the filter) meanwhile
        if lines is None:
            info.update(Text(error.split(":")[-1].strip()[:40], style="red"))
            return
        self.body_view.set_lines(lines, self._highlighter)
        info.update(f"{count} match{'es' if count != 1 else ''}")

    def on_body_view_search_requested(self, event: BodyView.SearchRequested) -> None:
        event.stop()
        self._body.search(event.source, event.text)

    def on_body_view_wrap_requested(self, event: BodyView.WrapRequested) -> None:
        event.stop()
        self._body.wrap(event.source, event.width)

    def action_toggle_reveal(self) -> None:
        formatted = self._formatted
        if formatted is None or formatted.revealed is None:
            self.notify("Nothing is masked in this body", timeout=2)
            return
        self.revealed = not self.revealed
        self.body_view.set_lines(self._pretty_lines, self._highlighter)
        state = "revealed (v masks again)" if self.revealed else "masked (v reveals)"
        self._set_note(Text(f"secret fields {state}", style="dim"))

    def _fill_headers(self, headers: list[tuple[str, str]]) -> None:
        table = self.query_one("#headers-table", DataTable)
        table.clear()
        for name, value in headers:
            table.add_row(Text(name, style="bold"), value)

    def _fill_timing(self, exchange: Exchange) -> None:
        timings = exchange.timings
        text = Text()
        rows = [
            ("Time to headers", f"{timings.headers_ms:.1f} ms"),
            ("Reading the body", f"{timings.body_ms:.1f} ms"),
            ("Total", f"{timings.total_ms:.1f} ms"),
            ("Request body", human_size(exchange.request_size)),
            ("Response body", human_size(exchange.response_size)),
            ("URL", exchange.request.url),
        ]
        for label, value in rows:
            text.append(f"{label:<18}", style="dim")
            text.append(f"{value}\n")
        self.query_one("#timing", Static).update(text)

    # -- search and filter -----------------------------------------------------------------
    def action_start_search(self) -> None:
        self._open_tool("search", "search text (enter: next, esc: close)")

    def action_start_filter(self) -> None:
        if self._formatted is None or not self._formatted.filterable:
            self.notify("JSONPath filter needs a JSON body", severity="warning")
            return
        self._open_tool("filter", "JSONPath, e.g. $.vehicles[0] (esc: clear)")

    def _open_tool(self, tool: str, placeholder: str) -> None:
        self._tool = tool
        self.query_one(LazyTabbedContent).active = "tab-body"
        tools, field, _ = self._tools()
        tools.add_class("-visible")
        field.placeholder = placeholder
        field.value = ""
        self.screen.set_focus(field)

    def _clear_tool(self) -> None:
        self._tool = ""
        if self._tool_widgets is not None:  # none before the first response
            tools, _, info = self._tool_widgets
            tools.remove_class("-visible")
            info.update("")
        self.body_view.search("")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "body-tool-input":
            return
        event.stop()
        if self._tool == "search":
            count = self.body_view.search(event.value)
            if self.body_view.search_pending:
                self._tools()[2].update(Text("searching …", style="dim"))
            else:
                self._search_info(count, self.body_view.current_match)
        elif self._tool == "filter":
            self.apply_filter(event.value)

    def apply_filter(self, path: str) -> None:
        info = self._tools()[2]
        if not path.strip():
            self.body_view.set_lines(self._pretty_lines, self._highlighter)
            info.update("")
            return
        if self._document is None:
            # A big body: the worker runs the query (parsing the body on the first one).
            info.update(Text("filtering …", style="dim"))
            self._body.query(path, self.revealed)
            return
        document = self._document
        if not self.revealed:
            document, _ = mask_json_secrets(document)  # a filter shows no more than the body
        try:
            matches = query(path, document)
        except JsonPathError as exc:
            info.update(Text(str(exc).split(":")[-1].strip()[:40], style="red"))
            return
        shown = matches[0] if len(matches) == 1 else matches
        self.body_view.set_lines(pretty_json(shown).splitlines(), self._highlighter)
        info.update(f"{len(matches)} match{'es' if len(matches) != 1 else ''}")

    def _search_info(self, count: int, current: int) -> None:
        self._tools()[2].update(f"{current}/{count}" if count else "0/0")

    def on_body_view_search_changed(self, event: BodyView.SearchChanged) -> None:
        if self._tool == "search":
            self._search_info(event.matches, event.current)

    @on(Input.Submitted, "#body-tool-input")
    def _tool_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._tool == "search":
            self.body_view.next_match(1)
        self.screen.set_focus(self.body_view)

    def on_key(self, event: events.Key) -> None:
        focused = self.app.focused
        if event.key == "escape" and focused is not None and focused.id == "body-tool-input":
            event.stop()
            if self._tool == "filter":
                self.apply_filter("")
            self._clear_tool()
            self.screen.set_focus(self.body_view)

    def action_next_match(self, step: int) -> None:
        self.body_view.next_match(step)

    def action_toggle_wrap(self) -> None:
        view = self.body_view
        view.set_wrap(not view.wrap)
        self.notify(f"Wrap {'on' if view.wrap else 'off'}", timeout=1.5)

    def shown_text(self) -> str | None:
        """The text on show, or None when it is too big to copy."""
        return copy_text(self.body_view.lines)

    def action_copy_body(self) -> None:
        if self.exchange is None or self.exchange.response is None:
            self.notify("Nothing to copy yet", severity="warning")
            return
        text = self.shown_text()
        if text is None:
            self.notify("Too big to copy through the terminal; s saves it to a file", timeout=4)
            return
        filtered = self._tool == "filter"
        self.post_message(
            self.CopyRequested(self, text, "filtered result" if filtered else "response body")
        )

    def action_save_body(self) -> None:
        if self.exchange is None or self.exchange.response is None:
            self.notify("Nothing to save yet", severity="warning")
            return
        self.post_message(self.SaveRequested(self, self.exchange.response))

    def show_json(self, value: object) -> None:
        """Used by tests and the history screen to show a stored JSON document."""
        self.body_view.set_lines(json.dumps(value, indent=2).splitlines(), self._highlighter)
