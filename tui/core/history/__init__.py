"""Request history: every exchange saved (secrets masked), searchable, replayable.

    store = HistoryStore()                       # paths.history_db(), limits from config
    store.record(exchange, secrets=workspace.secret_values())
    store.search("odometer 404")                 # newest first, as-you-type substrings
    request = replay_request(store.get(entry_id))

In the TUI, record through a ``HistoryRecorder`` so SQLite never runs on the UI thread.
"""

from __future__ import annotations

from tui.core.history.convert import (
    Replay,
    masked_fields,
    replay_of,
    replay_request,
    saved_request,
    to_request,
)
from tui.core.history.model import (
    HistoryEntry,
    HistoryEntryNotFound,
    HistoryError,
    HistorySummary,
)
from tui.core.history.record import entry_from_exchange
from tui.core.history.recorder import HistoryRecorder
from tui.core.history.schema import LATEST_VERSION, fts5_trigram_available
from tui.core.history.store import HistoryStore
from tui.core.history.synthetic import populate

__all__ = [
    "LATEST_VERSION",
    "HistoryEntry",
    "HistoryEntryNotFound",
    "HistoryError",
    "HistoryRecorder",
    "HistoryStore",
    "HistorySummary",
    "Replay",
    "entry_from_exchange",
    "fts5_trigram_available",
    "masked_fields",
    "populate",
    "replay_of",
    "replay_request",
    "saved_request",
    "to_request",
]
