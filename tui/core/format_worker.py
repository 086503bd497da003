"""The format worker: a separate Python process that formats, searches and filters big bodies.

Why a process: a thread that parses and pretty-prints a multi-megabyte body holds Python's GIL,
and every key the user presses then waits for it (measured: 0.2-0.6 s per key on a 6 MB body).
This process has its own GIL. It reads the body from a file, writes its results as files (a
UTF-8 text plus an offsets file, see ``tui.core.body_index``) and answers with a small JSON
line, so the UI process never parses, copies or splits anything big: it maps the files.

Protocol (``python -m tui.core.format_worker``): one JSON object per line on stdin,
``{"id": 1, "op": "format", "args": {...}}``; one line per request on stdout,
``{"id": 1, "ok": true, "result": {...}}`` or ``{"id": 1, "ok": false, "error": "..."}``.
Requests are answered in order. Every file it writes is mode 0600 in the directory it is told.

Headless: imports only the standard library and tui.core modules.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

from tui.core.body_index import OFFSET_TYPECODE
from tui.core.formatting import (
    ContentKind,
    hex_preview,
    human_size,
    looks_binary,
)
from tui.core.masking import SECRET_NAMES, SECRET_WORDS, mask_json_secrets

# Texts are written in blocks of about this many encoder chunks: memory stays flat while a
# 50 MB document is pretty-printed.
_CHUNKS_PER_BLOCK = 20_000
_UTF8 = ("utf-8", "utf8", "ascii", "us-ascii", "")


def _create(path: Path) -> int:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


class _IndexedWriter:
    """Writes a text file (unless ``text`` is None) and its line offsets as blocks arrive."""

    def __init__(self, text: Path | None, offsets: Path) -> None:
        self.text_path, self.offsets_path = text, offsets
        self._text = os.fdopen(_create(text), "wb") if text is not None else None
        self._offsets = array(OFFSET_TYPECODE, [0])
        self._position = 0
        self._line_start = 0
        self.max_width = 0

    def write(self, block: str) -> None:
        self.write_bytes(block.encode("utf-8", errors="surrogateescape"))

    def write_bytes(self, data: bytes) -> None:
        if not data:
            return
        if self._text is not None:
            self._text.write(data)
        parts = data.split(b"\n")
        # Every part but the last ends a line; the last continues in the next block.
        if len(parts) > 1:
            first_end = self._position + len(parts[0]) + 1
            widest = max(
                first_end - 1 - self._line_start,
                max((len(p) for p in parts[1:-1]), default=0),
            )
            self.max_width = max(self.max_width, widest)
            self._offsets.extend(accumulate((len(p) + 1 for p in parts[1:-1]), initial=first_end))
            self._line_start = self._offsets[-1]
        self._position += len(data)

    def close(self, text_path: Path | None = None) -> dict[str, Any]:
        if self._text is not None:
            self._text.close()
        if self._position > self._line_start or self._position == 0:
            self.max_width = max(self.max_width, self._position - self._line_start)
            self._offsets.append(self._position)  # the last line, with no break after it
        with open(_create(self.offsets_path), "wb") as handle:
            self._offsets.tofile(handle)
        return {
            "text": str(text_path or self.text_path),
            "offsets": str(self.offsets_path),
            "lines": len(self._offsets) - 1,
            "max_width": self.max_width,
        }


def _write_blocks(blocks: Iterable[str], text: Path, offsets: Path) -> dict[str, Any]:
    writer = _IndexedWriter(text, offsets)
    try:
        for block in blocks:
            writer.write(block)
    finally:
        result = writer.close()
    return result


def _batched(chunks: Iterator[str]) -> Iterator[str]:
    batch: list[str] = []
    for chunk in chunks:
        batch.append(chunk)
        if len(batch) >= _CHUNKS_PER_BLOCK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def write_pretty_json(value: object, text: Path, offsets: Path) -> dict[str, Any]:
    """``json.dumps(value, indent=2)`` streamed into an indexed file (same text, flat memory)."""
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False)
    return _write_blocks(_batched(encoder.iterencode(value)), text, offsets)


def _read_text(body: Path, charset: str) -> str:
    data = body.read_bytes()
    try:
        return data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def index_text(body: str, charset: str, out: str) -> dict[str, Any]:
    """Index the body's lines as received (the Raw tab, and the body until it is formatted).

    A UTF-8 body is indexed in place; another charset is first written out as UTF-8.
    """
    path, folder = Path(body), Path(out)
    offsets = folder / "raw.idx"
    if charset.lower() in _UTF8:
        # Only the offsets are written: the body file is the text.
        writer = _IndexedWriter(None, offsets)
        with open(path, "rb") as handle:
            while block := handle.read(4 * 1024 * 1024):
                writer.write_bytes(block)
        return writer.close(text_path=path)
    return _write_blocks([_read_text(path, charset)], folder / "raw.txt", offsets)


def _may_hold_secrets(data: bytes) -> bool:
    """False when no secret-named field can be in the document: none of the words occurs at
    all (a cheap scan in C; the masking walk over a big document costs seconds). Escaped
    characters could spell a name in disguise, so any ``\\u`` escape means "maybe"."""
    lowered = data.lower()
    if b"\\u" in lowered:
        return True
    return any(word.encode() in lowered for word in (*SECRET_WORDS, *SECRET_NAMES))


def format_file(body: str, content_type: str, charset: str, out: str) -> dict[str, Any]:
    """Format the body in file ``body``; the formatted text goes to files in ``out``.

    The answer: ``kind``, ``note``, ``hidden`` (secret values masked in the text) and either
    ``pretty`` (the masked text's files) with ``revealed`` (unmasked, when anything was masked),
    or ``lines`` (a short list: the hex preview of a binary body), or ``raw: true`` (show the
    body's own lines: text, HTML, or not valid JSON).
    """
    path, folder = Path(body), Path(out)
    data = path.read_bytes()
    content_type = content_type.lower()
    if not data:
        return {"kind": ContentKind.EMPTY.value, "note": "empty body", "lines": []}
    if looks_binary(data) and "json" not in content_type and not content_type.startswith("text/"):
        return {
            "kind": ContentKind.BINARY.value,
            "note": f"binary, {human_size(len(data))}",
            "lines": hex_preview(data),
        }
    try:
        text = data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    stripped = text[:1024].lstrip()
    if "json" in content_type or stripped[:1] in ("{", "["):
        try:
            value = json.loads(text)
        except ValueError as exc:
            note = ""
            if "json" in content_type:
                note = f"the body claims JSON but is not valid JSON: {exc}"
            return {"kind": ContentKind.TEXT.value, "note": note, "raw": True}
        del text
        hidden: set[str] = set()
        if _may_hold_secrets(data):
            masked, hidden = mask_json_secrets(value)
        del data
        if not hidden:
            pretty = write_pretty_json(value, folder / "pretty.txt", folder / "pretty.idx")
            return {"kind": ContentKind.JSON.value, "note": "", "pretty": pretty, "hidden": []}
        pretty = write_pretty_json(masked, folder / "pretty.txt", folder / "pretty.idx")
        revealed = write_pretty_json(value, folder / "revealed.txt", folder / "revealed.idx")
        return {
            "kind": ContentKind.JSON.value,
            "note": "secret fields masked (v reveals)",
            "pretty": pretty,
            "revealed": revealed,
            "hidden": sorted(hidden),
        }
    if "html" in content_type or stripped[:15].lower().startswith(("<!doctype html", "<html")):
        return {"kind": ContentKind.HTML.value, "note": "HTML shown as source", "raw": True}
    return {"kind": ContentKind.TEXT.value, "note": "", "raw": True}


def search_file(text: str, offsets: str, needle: str, out: str) -> dict[str, Any]:
    """The numbers of the lines of ``text`` that contain ``needle`` (case-insensitive),
    written to ``out`` as an offsets-style array; the answer holds their count."""
    data = Path(text).read_bytes()
    del offsets  # line numbers come from counting breaks, exact for any encoding
    lowered = data.decode("utf-8", errors="replace").lower()
    del data
    wanted = needle.lower()
    found = array(OFFSET_TYPECODE)
    if wanted:
        line, scanned = 0, 0
        position = lowered.find(wanted)
        while position != -1:
            line += lowered.count("\n", scanned, position)
            found.append(line)
            end = lowered.find("\n", position)
            if end == -1:
                break
            line += 1  # the break that ends this line
            scanned = end + 1
            position = lowered.find(wanted, scanned)
    with open(_create(Path(out)), "wb") as handle:
        found.tofile(handle)
    return {"matches": str(out), "count": len(found)}


def wrap_rows(text: str, offsets: str, width: int, out: str) -> dict[str, Any]:
    """The first screen row of each line when wrapped at ``width`` (plus the total at the end)."""
    starts = array(OFFSET_TYPECODE)
    starts.frombytes(Path(offsets).read_bytes())
    width = max(1, width)
    data: bytes | None = None
    rows = array(OFFSET_TYPECODE, [0])
    total = 0
    for start, stop in pairwise(starts):
        rows_here = 1
        if stop - start > width + 1:  # maybe more than one row: count characters, not bytes
            if data is None:
                data = Path(text).read_bytes()
            length = len(data[start:stop].rstrip(b"\r\n").decode("utf-8", errors="replace"))
            rows_here = max(1, -(-length // width))
        total += rows_here
        rows.append(total)
    with open(_create(Path(out)), "wb") as handle:
        rows.tofile(handle)
    return {"rows": str(out), "total": total}


# body file -> (parsed document, the same with secret fields masked); the last body only
_DOCUMENTS: dict[str, tuple[object, object]] = {}


def query_file(
    body: str, charset: str, path: str, reveal: bool, out: str, name: str
) -> dict[str, Any]:
    """Run a JSONPath query over the body; the matches, pretty-printed, go to files in ``out``.

    The document is parsed on the first query and kept for the next keystrokes' queries.
    """
    from tui.core.jsonpath_query import JsonPathError, query

    if body not in _DOCUMENTS:
        _DOCUMENTS.clear()
        data = Path(body).read_bytes()
        try:
            text = data.decode(charset or "utf-8", errors="replace")
        except LookupError:
            text = data.decode("utf-8", errors="replace")
        document = json.loads(text)
        masked = mask_json_secrets(document)[0] if _may_hold_secrets(data) else document
        _DOCUMENTS[body] = (document, masked)
    document, masked = _DOCUMENTS[body]
    try:
        # Masked unless revealed: a filter shows no more than the body does.
        matches = query(path, document if reveal else masked)
    except JsonPathError as exc:
        return {"error": str(exc)}
    shown: object = matches[0] if len(matches) == 1 else matches
    folder = Path(out)
    files = write_pretty_json(shown, folder / f"{name}.txt", folder / f"{name}.idx")
    return {"count": len(matches), "pretty": files}


def forget(body: str) -> dict[str, Any]:
    """Drop the parsed document of ``body`` (its view is gone)."""
    _DOCUMENTS.pop(body, None)
    return {}


OPERATIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "index": index_text,
    "format": format_file,
    "search": search_file,
    "wrap": wrap_rows,
    "query": query_file,
    "forget": forget,
    "ping": lambda: {},
}


_OWNED: set[Path] = set()  # body directories this worker was pointed at


def _note_folders(args: dict[str, Any]) -> None:
    for key in ("out", "body"):
        value = args.get(key)
        if not isinstance(value, str):
            continue
        path = Path(value)
        for folder in (path, path.parent):
            if folder.name.startswith(("carman-body-", "carman-spill-")):
                _OWNED.add(folder)


def clean_up() -> None:
    """carman went away without stopping this worker (killed, or its terminal closed): delete
    the body directories it used, which it can no longer do itself."""
    for folder in _OWNED:
        shutil.rmtree(folder, ignore_errors=True)
    _OWNED.clear()


def serve(lines: Iterable[str], reply: Callable[[str], None]) -> None:
    for line in lines:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            _note_folders(request.get("args") or {})
            result = OPERATIONS[request["op"]](**request.get("args", {}))
            answer = {"id": request_id, "ok": True, "result": result}
        except Exception as exc:  # one bad request must not end the worker
            answer = {"id": request_id, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
        reply(json.dumps(answer))


# The worker yields the CPU to the UI: on a 2-core machine busy with other work, a worker at
# the same priority takes a whole core's share from the process the user is typing into.
NICENESS = 10


def main() -> None:
    with contextlib.suppress(OSError):
        os.nice(NICENESS)

    def reply(text: str) -> None:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    serve(sys.stdin, reply)
    # End of input: carman closed the pipe by dying (a normal stop kills this process first).
    clean_up()


if __name__ == "__main__":
    main()
