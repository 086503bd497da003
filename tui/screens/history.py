"""The history screen: every exchange, newest first, filtered as you type.

The filter has the focus: typing filters at once. ↓ or enter moves into the table, where the
letter keys act (and the footer shows them): enter opens an entry (nothing is sent) · r replays
it from its template with today's variables and token · R replays it exactly as it was sent ·
s saves it as a new request · x deletes it · C clears all (confirmed) · / back to the filter.
Database work runs in worker threads; each opens its own connection (SQLite connections are
bound to their thread).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import get_current_worker

from tui.core.errors import CarmanError
from tui.core.exchange import (
    Exchange,
    Response,
    SentRequest,
    Timings,
    TransportError,
    TransportErrorKind,
)
from tui.core.formatting import human_size
from tui.core.history import HistoryEntry, HistoryStore, HistorySummary, replay_of
from tui.core.send import NeedsLogin
from tui.dialogs.basic import ConfirmDialog
from tui.flows.history_save import save_entry_as_request
from tui.widgets.method_style import (
    BADGE_COMPONENTS,
    BadgeCache,
    BadgeStyles,
    badge_css,
    method_badge,
    status_style,
)
from tui.widgets.response_viewer import ResponseViewer

if TYPE_CHECKING:
    from tui.app import CarmanApp

PAGE = 500
REQUEST_WIDTH = 60  # request name and URL; wider ones scroll


def exchange_from_entry(entry: HistoryEntry) -> Exchange:
    """A stored entry as an Exchange value, so the response viewer can show it."""
    sent = SentRequest(entry.method, entry.url, list(entry.request_headers), entry.request_body)
    timings = Timings(entry.started_at, entry.total_ms, entry.headers_ms, entry.body_ms)
    exchange = Exchange(
        request=sent,
        timings=timings,
        environment=entry.environment,
        collection=entry.collection,
        request_name=entry.request_name,
    )
    if entry.status is not None:
        exchange.response = Response(
            entry.status,
            entry.reason,
            entry.http_version,
            list(entry.response_headers),
            entry.response_body,
        )
    else:
        try:
            kind = TransportErrorKind(entry.error_kind)
        except ValueError:
            kind = TransportErrorKind.OTHER
        exchange.error = TransportError(kind, entry.error_message or "failed", entry.error_detail)
    return exchange


def summary_row(summary: HistorySummary, badges: BadgeStyles) -> tuple[Text, ...]:
    status = (
        Text(str(summary.status), style=status_style(summary.status, badges))
        if summary.status is not None
        else Text(summary.error_kind or "error", style="red")
    )
    name = summary.request_name or ""
    where = Text(summary.url)
    if name:
        where = Text.assemble((name, "bold"), "  ", (summary.url, "dim"))
    return (
        Text(str(summary.id), style="dim"),
        Text(summary.time.strftime("%m-%d %H:%M:%S")),
        method_badge(summary.method, badges, 6),
        status,
        Text(f"{summary.total_ms:.0f} ms", justify="right"),
        where,
    )


class HistoryTable(DataTable[Text]):
    """The entries. Its letter keys act only while it has the focus (typing filters)."""

    BINDINGS = [
        # Priority: handled in the order typed (they act only while the table has focus).
        Binding("enter", "screen.open", "Open", priority=True),
        Binding("r", "screen.replay", "Replay (today's variables)", priority=True),
        Binding("R", "screen.replay(True)", "Replay as sent", priority=True),
        Binding("s", "screen.save_as", "Save as request", priority=True),
        Binding("x,delete", "screen.delete", "Delete", priority=True),
        Binding("C", "screen.clear_all", "Clear all", priority=True),
        Binding("slash", "screen.focus_filter", "Filter", priority=True),
    ]


class HistoryScreen(Screen[None]):
    # The rows' method and status colours: the theme's (see method_style).
    COMPONENT_CLASSES = set(BADGE_COMPONENTS)
    DEFAULT_CSS = (
        badge_css("HistoryScreen")
        + """
    HistoryScreen #history-filter { height: 3; }
    HistoryScreen DataTable { height: 1fr; }
    HistoryScreen #history-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    )
    BINDINGS = [
        Binding("escape", "back", "Back", priority=True),
        Binding("down", "focus_table", "Results", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summaries: list[HistorySummary] = []
        self._listed = False  # the first search has filled the list
        self._waiting_for_rows: Callable[[], None] | None = None
        self._badges = BadgeCache(self)  # the styles the rows are drawn with

    def _theme_changed(self, _theme: object) -> None:
        if not self._badges.stale():
            return
        badges = self._badges.styles
        table = self.query_one(DataTable)
        for row, summary in enumerate(self.summaries[: table.row_count]):
            cells = summary_row(summary, badges)
            for column in (2, 3):  # method, status
                table.update_cell_at(Coordinate(row, column), cells[column])

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(
                placeholder="filter: URL, method, status, request name, body text",
                id="history-filter",
            )
            yield HistoryTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # Fixed widths: the columns never jump while rows arrive, and the layout is the same
        # however fast the table is filled.
        columns = (("#", 6), ("Time", 14), ("Method", 6), ("Status", 6), ("Took", 9))
        for label, width in columns:
            table.add_column(label, width=width)
        table.add_column("Request", width=REQUEST_WIDTH)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed, immediate=True)
        self.search("")
        self.set_focus(self.query_one("#history-filter", Input))

    # -- searching (off the UI thread) -----------------------------------------------------
    @on(Input.Changed, "#history-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @on(Input.Submitted, "#history-filter")
    def _filter_submitted(self) -> None:
        self.action_focus_table()

    def action_focus_table(self) -> None:
        self.set_focus(self.query_one(DataTable))

    @work(thread=True, exclusive=True, group="history-search")
    def search(self, text: str) -> None:
        # Wait here, off the UI thread, for sends still being recorded.
        self.carman.flush_history()
        try:
            with HistoryStore(limits=self.carman.workspace.config.history) as store:
                found = store.search(text, limit=PAGE)
                total = store.count()
        except CarmanError as exc:
            self.app.call_from_thread(self._show_status, Text(str(exc), style="red"))
            return
        if get_current_worker().is_cancelled:
            return  # a newer search replaced this one: never show stale rows
        self.app.call_from_thread(self._fill, found, total, text)

    def _fill(self, found: list[HistorySummary], total: int, text: str) -> None:
        try:
            table = self.query_one(DataTable)
        except NoMatches:  # a search that ended while the screen was taken down (a quit)
            return
        self.summaries = found
        self._listed = True
        table.clear()
        badges = self._badges.styles
        for summary in found:
            table.add_row(*summary_row(summary, badges), key=str(summary.id))
        shown = f"{len(found)} of {total} entries" if text else f"{total} entries"
        if len(found) == PAGE:
            shown += f" (newest {PAGE} shown; filter to narrow)"
        self._show_status(Text(shown + "  ·  type to filter · ↓ to the list, then enter, r, s…"))
        waiting, self._waiting_for_rows = self._waiting_for_rows, None
        if waiting is not None:
            waiting()

    def _show_status(self, text: Text) -> None:
        with contextlib.suppress(NoMatches):  # also called from a search ending at a quit
            self.query_one("#history-status", Static).update(text)

    def _current(self) -> HistorySummary | None:
        if not self.summaries:
            return None
        table = self.query_one(DataTable)
        return self.summaries[min(table.cursor_row, len(self.summaries) - 1)]

    def _load(self, entry_id: int) -> HistoryEntry | None:
        try:
            with HistoryStore(limits=self.carman.workspace.config.history) as store:
                return store.get(entry_id)
        except CarmanError as exc:
            self.notify(str(exc), severity="error")
            return None

    # -- actions ---------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#history-filter", Input))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def _once_listed(self, action: Callable[[], None]) -> bool:
        """Keys typed before the first search has filled the list (ctrl+r, down, r in one
        burst over SSH) act once it has: True when ``action`` was kept for then."""
        if self._listed:
            return False
        self._waiting_for_rows = action
        return True

    def action_open(self) -> None:
        if self._once_listed(self.action_open):
            return
        summary = self._current()
        entry = self._load(summary.id) if summary else None
        if entry is not None:
            self.app.push_screen(HistoryEntryScreen(entry))

    def action_replay(self, exactly: bool = False) -> None:
        if self._once_listed(lambda: self.action_replay(exactly)):
            return
        summary = self._current()
        entry = self._load(summary.id) if summary else None
        if entry is not None:
            screen = HistoryEntryScreen(entry)
            self.app.push_screen(screen)
            screen.call_after_refresh(screen.action_replay, exactly)

    def action_save_as(self) -> None:
        if self._once_listed(self.action_save_as):
            return
        summary = self._current()
        entry = self._load(summary.id) if summary else None
        if entry is not None:
            save_entry_as_request(self.carman, entry)

    def action_delete(self) -> None:
        if self._once_listed(self.action_delete):
            return
        summary = self._current()
        if summary is None:
            return
        try:
            with HistoryStore(limits=self.carman.workspace.config.history) as store:
                store.delete(summary.id)
        except CarmanError as exc:
            self.notify(str(exc), severity="error")
        self.search(self.query_one("#history-filter", Input).value)

    def action_clear_all(self) -> None:
        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            try:
                with HistoryStore(limits=self.carman.workspace.config.history) as store:
                    removed = store.clear()
            except CarmanError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(f"Deleted {removed} history entries")
            self.search(self.query_one("#history-filter", Input).value)

        self.app.push_screen(
            ConfirmDialog(
                "Clear history",
                "Delete every history entry? This cannot be undone.",
                yes="Delete all",
            ),
            confirmed,
        )


class HistoryEntryScreen(Screen[None]):
    """One entry: the request as sent and the response as stored. Nothing is sent unless r."""

    COMPONENT_CLASSES = set(BADGE_COMPONENTS)  # the request's method badge
    DEFAULT_CSS = (
        badge_css("HistoryEntryScreen")
        + """
    HistoryEntryScreen #entry-request {
        height: auto; max-height: 40%; padding: 0 1;
        border: round $primary 40%; overflow-y: auto;
    }
    """
    )
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "replay", "Replay (today's variables)"),
        Binding("R", "replay(True)", "Replay as sent"),
        # ctrl+s: a plain "s" belongs to the response viewer (save the body to a file).
        Binding("ctrl+s", "save_as", "Save as request", priority=True),
    ]

    def __init__(self, entry: HistoryEntry) -> None:
        super().__init__()
        self.entry = entry

    @property
    def carman(self) -> CarmanApp:
        return self.app  # type: ignore[return-value]  # Textual: App[object]; carman runs in CarmanApp

    def compose(self) -> ComposeResult:
        yield Static(self._request_text(), id="entry-request")
        yield ResponseViewer(id="entry-response")
        yield Footer()

    def _request_text(self) -> Text:
        entry = self.entry
        text = Text()
        text.append(f"#{entry.id}  {entry.time:%Y-%m-%d %H:%M:%S}", style="dim")
        where = " / ".join(
            p for p in (entry.environment, entry.collection, entry.request_name) if p
        )
        if where:
            text.append(f"   {where}", style="dim")
        text.append("\n")
        text.append_text(method_badge(entry.method, BadgeStyles.of(self), 7))
        text.append(f" {entry.url}\n", style="bold")
        for name, value in entry.request_headers:
            text.append(f"{name}: ", style="cyan")
            text.append(f"{value}\n")
        if entry.request_body:
            body = entry.request_body[:2000].decode("utf-8", errors="replace")
            text.append(f"\n{body}")
            if entry.request_body_truncated or len(entry.request_body) > 2000:
                text.append(f"\n… ({human_size(entry.request_body_size)} in all)", style="dim")
        return text

    def _show_request(self, _theme: object = None) -> None:
        # The method badge takes the theme's colours: drawn again when the theme changes.
        self.query_one("#entry-request", Static).update(self._request_text())

    def on_mount(self) -> None:
        self._show_request()
        self.app.theme_changed_signal.subscribe(self, self._show_request, immediate=True)
        viewer = self.query_one(ResponseViewer)
        viewer.border_title = "Response (as recorded)"
        viewer.show_exchange(exchange_from_entry(self.entry))
        if self.entry.response_body_truncated:
            viewer.set_body_caveat(
                f"cut in history at {human_size(self.entry.body_cap)} of "
                f"{human_size(self.entry.response_body_size)}"
            )
            self.notify(
                f"The stored body was cut at {human_size(self.entry.body_cap)} "
                f"({human_size(self.entry.response_body_size)} received)"
            )

    def action_save_as(self) -> None:
        save_entry_as_request(self.carman, self.entry)

    def action_replay(self, exactly: bool = False) -> None:
        replay = replay_of(self.entry, exactly=exactly)
        viewer = self.query_one(ResponseViewer)
        viewer.show_pending(f"Replaying {self.entry.method} {replay.request.url}")
        self.notify(replay.note, timeout=6)
        self._replay(exactly)

    @work(exclusive=True, group="replay")
    async def _replay(self, exactly: bool) -> None:
        viewer = self.query_one(ResponseViewer)
        replay = replay_of(self.entry, exactly=exactly)
        workspace = self.carman.workspace
        collection = workspace.collection_by_id(replay.collection_id)
        await self.carman.deferred.ready()  # the sandbox starts after carman's first frame
        try:
            exchange, _ = await workspace.send(
                collection, replay.request, recorded_as=replay.recorded_as
            )
        except NeedsLogin as exc:
            viewer.show_message(Text(f"🔒 {exc}  Press ctrl+o to log in.", style="bold yellow"))
            return
        except CarmanError as exc:
            viewer.show_message(Text(f"✗ Not sent. {exc}", style="bold red"))
            return
        how = "from its template" if replay.from_template else "exactly as sent"
        viewer.border_title = f"Response (replayed now, {how})"
        viewer.show_exchange(exchange)
