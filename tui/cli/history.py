"""``carman history``: list, search and show past requests, as stored (secrets masked).

carman history [--search TEXT] [--limit N] [--json]    newest first
carman history show ID [--json]
carman history delete ID
carman history clear --yes
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import sys
from dataclasses import dataclass
from typing import Any

from tui.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_list_arguments, fail, positive_int
from tui.core import paths
from tui.core.history.model import (
    HistoryEntry,
    HistoryEntryNotFound,
    HistoryError,
    HistorySummary,
)
from tui.core.history.store import HistoryStore

EXIT_DATABASE = 1
URL_COLUMN = 70  # wider URLs are cut (…); --json and `history show` print them whole


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_list_arguments(parser, "entries")
    parser.add_argument("--json", action="store_true", help="print JSON Lines, one entry a line")
    sub = parser.add_subparsers(dest="history_command", metavar="ACTION")
    show = sub.add_parser("show", help="print one entry: request and response")
    show.add_argument("id", type=positive_int, help="the entry id (first column of the list)")
    # SUPPRESS: "history --json show 3" keeps the flag instead of the subparser's default.
    show.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="as JSON")
    delete = sub.add_parser("delete", help="delete one entry")
    delete.add_argument("id", type=positive_int, help="the entry id")
    clear = sub.add_parser("clear", help="delete every entry")
    clear.add_argument("--yes", action="store_true", help="confirm: delete the whole history")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "history_command", None)
    path = paths.history_db()
    try:
        if not path.exists():
            # Reading must not create a database; there is simply nothing yet.
            return _no_database(action, args)
        with HistoryStore(path) as store:
            if action == "show":
                return _show(store, args.id, as_json=args.json)
            if action == "delete":
                return _delete(store, args.id)
            if action == "clear":
                return _clear(store, confirmed=args.yes)
            return _list(store, args.search, args.limit, as_json=args.json)
    except HistoryEntryNotFound as exc:
        return fail(f"{exc}. `carman history` lists the ids.", EXIT_BAD_INPUT)
    except HistoryError as exc:
        return fail(str(exc), EXIT_DATABASE)
    except BrokenPipeError:
        # `carman history | head`: the reader left; that is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _no_database(action: str | None, args: argparse.Namespace) -> int:
    if action in ("show", "delete"):
        return fail(f"No history entry with id {args.id}: nothing has been recorded yet.")
    if action == "clear":
        print("History is already empty.")
    elif not args.json:
        print("No history yet: requests appear here once they are sent.")
    return EXIT_OK


# ---- list ---------------------------------------------------------------------------------


def _duration(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


def _status(summary: HistorySummary) -> str:
    return str(summary.status) if summary.status is not None else summary.error_kind or "error"


def _summary_json(summary: HistorySummary) -> dict[str, Any]:
    return {
        "id": summary.id,
        "time": summary.time.isoformat(timespec="milliseconds"),
        "method": summary.method,
        "url": summary.url,
        "status": summary.status,
        "reason": summary.reason,
        "error": summary.error_kind or None,
        "duration_ms": round(summary.total_ms, 3),
        "response_size": summary.response_body_size,
        "request_name": summary.request_name,
        "collection": summary.collection,
        "environment": summary.environment,
    }


def _list(store: HistoryStore, search: str, limit: int, *, as_json: bool) -> int:
    rows = store.search(search, limit=limit)
    if as_json:
        for summary in rows:
            print(json.dumps(_summary_json(summary), ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(f"No entries match {search!r}." if search.strip() else "History is empty.")
        return EXIT_OK
    # On a terminal each line fits it. A narrow one first shortens the time, then leaves out
    # the duration and the request name, so the URL keeps at least URL_MIN characters; a URL
    # still too long loses its middle (…), keeping its host and the end of its path. The
    # whole URL: --json, or `carman history show ID`; piped output is never cut.
    on_a_terminal = sys.stdout.isatty() or bool(os.environ.get("COLUMNS"))
    columns = shutil.get_terminal_size((10_000, 24)).columns if on_a_terminal else 10_000
    for layout in LAYOUTS:
        table = _table(rows, layout)
        widths = {name: max(len(row[name]) for row in table) for name in layout.columns}
        # The request name comes last and may be cut with the line: it counts for at most
        # REQUEST_MIN characters.
        needed = {**widths, "URL": 0}
        if "REQUEST" in needed:
            needed["REQUEST"] = min(needed["REQUEST"], REQUEST_MIN)
        url_room = columns - sum(needed.values())
        url_room -= 2 * (len(layout.columns) - 1)
        if url_room >= min(URL_MIN, widths["URL"]) or layout is LAYOUTS[-1]:
            break
    widths["URL"] = max(URL_MIN_CUT, min(widths["URL"], URL_COLUMN, url_room))
    for row in table:
        cells = []
        for name in layout.columns:
            cell = row[name]
            if name == "REQUEST" and name == layout.columns[-1]:
                cells.append(cell)  # the last column: cut with the line, never padded
            elif name in ("ID", "DURATION"):
                cells.append(cell.rjust(widths[name]))
            else:
                cut = _cut_middle(cell, widths[name]) if name == "URL" else cell
                cells.append(cut.ljust(widths[name]))
        print(_cut("  ".join(cells).rstrip(), columns))
    return EXIT_OK


@dataclass(frozen=True)
class _Layout:
    columns: tuple[str, ...]
    time_format: str


# From the widest to the narrowest; the first that leaves the URL room enough is used.
LAYOUTS = (
    _Layout(("ID", "TIME", "METHOD", "STATUS", "DURATION", "URL", "REQUEST"), "%Y-%m-%d %H:%M:%S"),
    _Layout(("ID", "TIME", "METHOD", "STATUS", "DURATION", "URL", "REQUEST"), "%m-%d %H:%M"),
    _Layout(("ID", "TIME", "METHOD", "STATUS", "URL", "REQUEST"), "%m-%d %H:%M"),
    _Layout(("ID", "TIME", "METHOD", "STATUS", "URL"), "%m-%d %H:%M"),
)
URL_MIN = 24  # below this a URL says too little: a narrower layout is tried
REQUEST_MIN = 16
URL_MIN_CUT = 12


def _table(rows: list[HistorySummary], layout: _Layout) -> list[dict[str, str]]:
    table = [{name: name for name in layout.columns}]
    for s in rows:
        table.append(
            {
                "ID": str(s.id),
                "TIME": s.time.strftime(layout.time_format),
                "METHOD": s.method,
                "STATUS": _status(s),
                "DURATION": _duration(s.total_ms),
                "URL": s.url,
                "REQUEST": s.request_name,
            }
        )
    return table


def _cut_middle(text: str, width: int) -> str:
    """``https://host/…/odometer``: the host and the end of the path say the most."""
    if len(text) <= width:
        return text
    head = max(1, (width - 1) * 2 // 5)
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


# ---- show ---------------------------------------------------------------------------------


def _text_of(body: bytes) -> str | None:
    """The body as text, or None when it is binary. A body cut by the cap in the middle of a
    character loses only that character."""
    if b"\x00" in body[:1024]:
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            return body[: exc.start].decode("utf-8")
        return None


def _body_lines(body: bytes, size: int, truncated: bool, cap: int) -> list[str]:
    if not body and not size:
        return []
    text = _text_of(body)
    lines = [f"[binary body: {size} bytes, {len(body)} stored]" if text is None else text]
    if truncated:
        lines.append(f"[body cut at {cap} bytes in history; it was {size} bytes]")
    return lines


def _entry_text(entry: HistoryEntry) -> str:
    where = [f"#{entry.id}", entry.time.strftime("%Y-%m-%d %H:%M:%S %Z")]
    for label, value in (
        ("env", entry.environment),
        ("collection", entry.collection),
        ("request", entry.request_name),
    ):
        if value:
            where.append(f"{label}: {value}")
    lines = ["  ".join(where), ""]
    lines.append(f"> {entry.method} {entry.url}")
    lines += [f"> {name}: {value}" for name, value in entry.request_headers]
    request_body = _body_lines(
        entry.request_body, entry.request_body_size, entry.request_body_truncated, entry.body_cap
    )
    if request_body:
        lines += [">", *request_body]
    lines.append("")
    timing = f"{_duration(entry.total_ms)} (headers after {_duration(entry.headers_ms)})"
    if entry.status is None:
        lines.append(f"! {entry.error_kind or 'error'}: {entry.error_message}  {timing}")
        if entry.error_detail:
            lines.append(f"! {entry.error_detail}")
        return "\n".join(lines)
    version = entry.http_version or "HTTP"
    lines.append(f"< {version} {entry.status} {entry.reason}  {timing}".rstrip())
    lines += [f"< {name}: {value}" for name, value in entry.response_headers]
    response_body = _body_lines(
        entry.response_body,
        entry.response_body_size,
        entry.response_body_truncated,
        entry.body_cap,
    )
    if response_body:
        lines += ["<", *response_body]
    if entry.refreshed_token:
        lines.append("(the token was refreshed and the request sent again)")
    return "\n".join(lines)


def _body_json(prefix: str, body: bytes) -> dict[str, Any]:
    text = _text_of(body)
    if text is None:
        return {f"{prefix}_base64": base64.b64encode(body).decode("ascii")}
    return {prefix: text}


def entry_json(entry: HistoryEntry) -> dict[str, Any]:
    """One entry as a JSON-ready dict (bodies as text, or base64 when binary)."""
    request: dict[str, Any] = {
        "method": entry.method,
        "url": entry.url,
        "headers": [[k, v] for k, v in entry.request_headers],
        **_body_json("body", entry.request_body),
        "body_size": entry.request_body_size,
        "body_truncated": entry.request_body_truncated,
    }
    response: dict[str, Any] | None = None
    if entry.status is not None:
        response = {
            "status": entry.status,
            "reason": entry.reason,
            "http_version": entry.http_version,
            "headers": [[k, v] for k, v in entry.response_headers],
            **_body_json("body", entry.response_body),
            "body_size": entry.response_body_size,
            "body_truncated": entry.response_body_truncated,
        }
    error = None
    if entry.error_kind:
        error = {
            "kind": entry.error_kind,
            "message": entry.error_message,
            "detail": entry.error_detail,
        }
    return {
        "id": entry.id,
        "time": entry.time.isoformat(timespec="milliseconds"),
        "environment": entry.environment,
        "collection": entry.collection,
        "request_name": entry.request_name,
        "request": request,
        "response": response,
        "error": error,
        "timings": {"total_ms": entry.total_ms, "headers_ms": entry.headers_ms},
        "body_cap": entry.body_cap,
        "refreshed_token": entry.refreshed_token,
    }


def _show(store: HistoryStore, entry_id: int, *, as_json: bool) -> int:
    entry = store.get(entry_id)
    if as_json:
        print(json.dumps(entry_json(entry), ensure_ascii=False, indent=2))
    else:
        print(_entry_text(entry))
    return EXIT_OK


# ---- delete, clear ------------------------------------------------------------------------


def _delete(store: HistoryStore, entry_id: int) -> int:
    if not store.delete(entry_id):
        raise HistoryEntryNotFound(entry_id)
    print(f"Deleted history entry {entry_id}.")
    return EXIT_OK


def _clear(store: HistoryStore, *, confirmed: bool) -> int:
    if not confirmed:
        return fail(
            f"`carman history clear` deletes all {store.count()} entries: add --yes to confirm."
        )
    removed = store.clear()
    print(f"Deleted {removed} history entr{'y' if removed == 1 else 'ies'}.")
    return EXIT_OK
