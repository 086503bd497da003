"""The response body's way to the screen, at any size: the body part of the response viewer.

- Up to ``INLINE_LIMIT`` bytes: formatted at once, on the UI thread (a few milliseconds).
- Bigger: the first ``HEAD_BYTES`` are shown as received at once; the body is written to a
  private temporary file (``BodySpool``) and the format worker process (``FormatClient``)
  indexes its lines, then pretty-prints it into another indexed file. The body view maps those
  files and decodes only the lines on screen. Search, the JSONPath filter and the wrapped layout
  of such a body run in the worker too; nothing in this process ever walks all of its lines,
  so keys are handled while a 50 MB body is formatted.

Everything here runs on the UI thread except the worker's work (another process) and writing
the body to its file (a thread; the write releases the GIL). Results are applied only if they
are still wanted: each new body bumps ``generation``.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tui.core.body_index import IndexedLines, LineSource, ListLines, Offsets, RedactedLines
from tui.core.body_spool import BodySpool
from tui.core.exchange import Response
from tui.core.format_client import FormatClient, FormatWorkerError
from tui.core.formatting import (
    ContentKind,
    FormattedBody,
    format_body,
    looks_binary,
    quick_lines,
)

if TYPE_CHECKING:
    from tui.widgets.response_viewer import ResponseViewer

_Opened = TypeVar("_Opened", bound=LineSource | Offsets)  # files closed with the pipeline

# Bodies up to this size are formatted on the UI thread: json.loads and pretty-printing 64 KB
# take ~3 ms, less than the trip to the worker.
INLINE_LIMIT = 64 * 1024
# A bigger body shows this much of itself, as received, the moment it arrives.
HEAD_BYTES = 64 * 1024
# Copying puts the text on the clipboard through the terminal (OSC 52): past this, saving to a
# file is the way.
COPY_LIMIT = 16 * 1024 * 1024
# Search and filter wait this long for the next keystroke before asking the worker.
DEBOUNCE_S = 0.12


@dataclass
class ShownBody:
    """The formatted body on show: masked lines, and the unmasked ones for ``v``."""

    kind: ContentKind
    lines: LineSource
    note: str = ""
    hidden: frozenset[str] = frozenset()
    revealed: LineSource | None = None
    document: object = None  # the parsed JSON of a small body (a big one is queried remotely)
    on_disk: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_formatted(cls, formatted: FormattedBody) -> ShownBody:
        return cls(
            formatted.kind,
            ListLines(formatted.lines),
            formatted.note,
            formatted.hidden,
            ListLines(formatted.revealed) if formatted.revealed is not None else None,
            formatted.document,
        )

    @property
    def filterable(self) -> bool:
        return self.kind == ContentKind.JSON and (self.document is not None or self.on_disk)


def _indexed(files: dict[str, Any]) -> IndexedLines:
    return IndexedLines(
        Path(files["text"]), Path(files["offsets"]), max_width=int(files.get("max_width", 0))
    )


class BodyPipeline:
    def __init__(self, viewer: ResponseViewer) -> None:
        self.viewer = viewer
        self._client: FormatClient | None = None
        self.spool: BodySpool | None = None
        self._opened: list[LineSource | Offsets] = []
        self.shown: ShownBody | None = None
        self.generation = 0
        self.response: Response | None = None

    @property
    def client(self) -> FormatClient:
        if self._client is None:
            self._client = FormatClient()  # the worker process starts on the first request
        return self._client

    # -- lifetime --------------------------------------------------------------------------
    def reset(self, next_response: Response | None = None) -> None:
        """Forget the body on show: stop work on it, unmap and delete its files."""
        self.generation += 1
        self.shown = None
        previous, self.response = self.response, None
        if previous is not None and previous is not next_response and previous.spilled:
            previous.spilled.remove()  # no longer shown: its file goes now
        if self._client is not None and self._client.busy:
            self._client.cancel_pending()  # a 50 MB format nobody waits for any more
        for opened in self._opened:
            opened.close()
        self._opened = []
        if self.spool is not None:
            self.spool.remove()
            self.spool = None

    def close(self) -> None:
        self.reset()
        if self._client is not None:
            self._client.close()
            self._client = None

    def _track(self, opened: _Opened) -> _Opened:
        self._opened.append(opened)
        return opened

    # -- showing ---------------------------------------------------------------------------
    def show(self, response: Response) -> tuple[list[str], ShownBody | None]:
        """Start showing ``response``'s body. Returns the lines to show at once (as received)
        and, for a small body, the formatted body; a big one follows from the worker."""
        self.reset(response)
        self.response = response
        if response.spilled is None and response.size <= INLINE_LIMIT:
            body = response.body
            formatted = format_body(body, response.content_type, response.charset)
            self.shown = ShownBody.from_formatted(formatted)
            return quick_lines(body, response.charset), self.shown
        head = quick_lines(response.head(HEAD_BYTES), response.charset)
        self.spool = BodySpool()
        generation = self.generation
        self.viewer.run_worker(
            self._load(generation, response, self.spool),
            group="format",
            exclusive=True,
            description="format the response body",
        )
        return head, None

    def _stale(self, generation: int) -> bool:
        return generation != self.generation

    async def _ask(self, op: str, **args: Any) -> dict[str, Any]:
        return await asyncio.wrap_future(self.client.request(op, **args))

    async def _load(self, generation: int, response: Response, spool: BodySpool) -> None:
        if response.spilled is not None:
            # Kept on disk by the send pipeline already: the worker reads that file.
            body_file = str(response.spilled.path)
        else:
            try:
                await asyncio.to_thread(spool.write_body, response.body)
            except OSError as exc:
                if not self._stale(generation):
                    self.viewer.show_body_problem(
                        f"could not write the body to a temporary file: {exc}"
                    )
                return
            body_file = str(spool.body_path)
        if self._stale(generation):
            return
        charset = response.charset
        content_type = response.content_type
        # A binary body's raw view stays its hex preview: its bytes are no lines of text.
        binary = (
            looks_binary(response.head(4096))
            and "json" not in content_type
            and not content_type.startswith("text/")
        )
        raw: LineSource | None = None
        try:
            if not binary:
                raw_files = await self._ask(
                    "index", body=body_file, charset=charset, out=str(spool.folder)
                )
                if self._stale(generation):
                    return
                raw = self._track(_indexed(raw_files))
                self.viewer.show_raw_lines(raw)
            result = await self._ask(
                "format",
                body=body_file,
                content_type=response.content_type,
                charset=charset,
                out=str(spool.folder),
            )
        except FormatWorkerError as exc:
            if not self._stale(generation):
                self.viewer.show_body_problem(f"could not format the body: {exc}")
            return
        if self._stale(generation):
            return
        kind = ContentKind(result["kind"])
        hidden = frozenset(result.get("hidden") or ())
        if "pretty" in result:
            lines: LineSource = self._track(_indexed(result["pretty"]))
            revealed = self._track(_indexed(result["revealed"])) if result.get("revealed") else None
        elif "lines" in result or raw is None:
            lines, revealed = ListLines(list(result.get("lines") or [])), None
        else:
            lines, revealed = raw, None
        self.shown = ShownBody(kind, lines, result.get("note", ""), hidden, revealed, on_disk=True)
        if hidden and raw is not None:
            self.viewer.show_raw_lines(RedactedLines(raw, hidden))
        self.viewer.show_formatted(self.shown)

    # -- work on a body on disk ------------------------------------------------------------
    def search(self, source: LineSource, text: str) -> None:
        self.viewer.run_worker(
            self._search(self.generation, source, text), group="search", exclusive=True
        )

    async def _search(self, generation: int, source: LineSource, text: str) -> None:
        await asyncio.sleep(DEBOUNCE_S)  # the next keystroke cancels this one
        files = _files_of(source)
        if files is None or self.spool is None or self._stale(generation):
            return
        out = self.spool.path(self.spool.new_name("search"))
        try:
            result = await self._ask(
                "search", text=files[0], offsets=files[1], needle=text, out=str(out)
            )
        except FormatWorkerError as exc:
            self.viewer.notify(f"Search failed: {exc}", severity="error")
            return
        if self._stale(generation):
            return
        matches = self._track(Offsets(Path(result["matches"])))
        self.viewer.show_matches(source, text, matches)

    def wrap(self, source: LineSource, width: int) -> None:
        self.viewer.run_worker(
            self._wrap(self.generation, source, width), group="wrap", exclusive=True
        )

    async def _wrap(self, generation: int, source: LineSource, width: int) -> None:
        files = _files_of(source)
        if files is None or self.spool is None:
            return
        out = self.spool.path(self.spool.new_name("wrap"))
        with contextlib.suppress(FormatWorkerError):
            result = await self._ask(
                "wrap", text=files[0], offsets=files[1], width=width, out=str(out)
            )
            if self._stale(generation):
                return
            rows = self._track(Offsets(Path(result["rows"])))
            self.viewer.body_view.set_wrap_rows(source, width, rows, int(result["total"]))

    def query(self, path: str, reveal: bool) -> None:
        """Run a JSONPath filter over a body on disk; the viewer shows the result."""
        self.viewer.run_worker(
            self._query(self.generation, path, reveal), group="filter", exclusive=True
        )

    async def _query(self, generation: int, path: str, reveal: bool) -> None:
        await asyncio.sleep(DEBOUNCE_S)
        spool, response = self.spool, self.response
        if spool is None or response is None or self._stale(generation):
            return
        try:
            result = await self._ask(
                "query",
                body=str(response.spilled.path if response.spilled else spool.body_path),
                charset=response.charset,
                path=path,
                reveal=reveal,
                out=str(spool.folder),
                name=spool.new_name("filter"),
            )
        except FormatWorkerError as exc:
            result = {"error": str(exc)}
        if self._stale(generation):
            return
        if "error" in result:
            self.viewer.show_filter_result(path, None, 0, result["error"])
            return
        lines = self._track(_indexed(result["pretty"]))
        self.viewer.show_filter_result(path, lines, int(result["count"]), "")


def _files_of(source: LineSource) -> tuple[str, str] | None:
    """The text and offsets files behind a source on disk (None for one in memory)."""
    inner = source._source if isinstance(source, RedactedLines) else source  # wraps IndexedLines
    if isinstance(inner, IndexedLines):
        return str(inner.text_path), str(inner.offsets_path)
    return None


def copy_text(lines: LineSource) -> str | None:
    """The text to copy, or None when it is too big for the clipboard."""
    if isinstance(lines, IndexedLines):
        if lines.text_path.stat().st_size > COPY_LIMIT:
            return None
        return lines.text().rstrip("\n")
    if len(lines) > 1_000_000:
        return None
    return "\n".join(lines)
