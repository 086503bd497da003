"""Lines of a text for display: a plain list, or a file on disk with an index of line offsets.

A multi-megabyte body has millions of lines. Held as a ``list[str]`` it costs hundreds of MB
and, worse, building that list is one long C call that holds Python's GIL while keys wait.
``IndexedLines`` instead maps the text file and its offsets file (written by the format worker
process, ``tui.core.format_worker``) into memory: opening it costs nothing, and a line is decoded
only when it is shown, as log viewers do. Both kinds look like a read-only sequence of ``str``.

The offsets file is an array of unsigned 64-bit integers (native byte order, written and read on
the same machine): the byte offset where each line starts, plus one final entry, the end.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final, overload

OFFSET_TYPECODE: Final = "Q"  # array / memoryview format of the offsets file
OFFSET_SIZE = 8


class LineSource(Sequence[str]):
    """A read-only sequence of lines with the extras a viewer needs for huge texts."""

    #: the widest line (in characters, or bytes for a file: near enough for a scroll bar)
    max_width: int = 0
    #: True when the lines live on disk (search, filter and wrap run in the format worker)
    on_disk: bool = False

    def length(self, index: int) -> int:
        return len(self[index])

    def window(self, index: int, start: int, stop: int) -> str:
        """Part of one line, without decoding the rest (a minified body is one huge line)."""
        return self[index][start:stop]

    def close(self) -> None:
        """Let go of any mapped files (the files themselves belong to their owner)."""


class ListLines(LineSource):
    """Lines held in memory (small bodies, a filter result, a hex preview)."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        # The widest line sets the horizontal scroll; a sample keeps this cheap for huge lists.
        sample = lines if len(lines) <= 20_000 else lines[:10_000] + lines[-10_000:]
        self.max_width = max((len(line) for line in sample), default=0)

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._lines[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ListLines):
            return self._lines == other._lines
        if isinstance(other, list):
            return self._lines == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # unhashable, like the list it compares equal to


def _map(path: Path) -> mmap.mmap | None:
    """A read-only map of ``path``; None for an empty file (mmap refuses those)."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            return None
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


class IndexedLines(LineSource):
    """The lines of a UTF-8 text file, found through its offsets file; decoded on demand."""

    on_disk = True

    def __init__(self, text: Path, offsets: Path, *, max_width: int = 0) -> None:
        self.text_path = text
        self.offsets_path = offsets
        self._text = _map(text)
        self._offsets_map = _map(offsets)
        self._offsets: memoryview[int] | None = (
            memoryview(self._offsets_map).cast(OFFSET_TYPECODE)
            if self._offsets_map is not None
            else None
        )
        self._count = max(0, len(self._offsets) - 1) if self._offsets is not None else 0
        self.max_width = max_width

    def __len__(self) -> int:
        return self._count

    def _span(self, index: int) -> tuple[int, int]:
        assert self._offsets is not None
        start, stop = self._offsets[index], self._offsets[index + 1]
        # The stored span ends after the line break: leave it (and a \r before it) out.
        if stop > start and self._text is not None and self._text[stop - 1] == 10:
            stop -= 1
            if stop > start and self._text[stop - 1] == 13:
                stop -= 1
        return start, stop

    def _decode(self, start: int, stop: int) -> str:
        if self._text is None or stop <= start:
            return ""
        return self._text[start:stop].decode("utf-8", errors="replace")

    def _line(self, index: int) -> str:
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self._decode(*self._span(index))

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._line(i) for i in range(*index.indices(self._count))]
        return self._line(index)

    def __iter__(self) -> Iterator[str]:
        for index in range(self._count):
            yield self._line(index)

    def length(self, index: int) -> int:
        start, stop = self._span(index)
        return stop - start

    def window(self, index: int, start: int, stop: int) -> str:
        # Byte offsets stand in for characters: exact for ASCII, near enough elsewhere (a
        # character cut at the edge shows as a replacement mark).
        line_start, line_stop = self._span(index)
        return self._decode(min(line_start + start, line_stop), min(line_start + stop, line_stop))

    def text(self) -> str:
        """The whole text (for copying); decoded in one go, so only for modest sizes."""
        return self._decode(0, len(self._text)) if self._text is not None else ""

    def close(self) -> None:
        if self._offsets is not None:
            self._offsets.release()
            self._offsets = None
        for mapped in (self._offsets_map, self._text):
            if mapped is not None:
                mapped.close()
        self._offsets_map = self._text = None
        self._count = 0


class Offsets(Sequence[int]):
    """A read-only array of integers in a file (match line numbers, wrapped row starts)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map = _map(path)
        self._view = memoryview(self._map).cast(OFFSET_TYPECODE) if self._map else None

    def __len__(self) -> int:
        return len(self._view) if self._view is not None else 0

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if self._view is None:
            if isinstance(index, slice):
                return []
            raise IndexError(index)
        if isinstance(index, slice):
            return self._view[index].tolist()
        return int(self._view[index])

    def close(self) -> None:
        if self._view is not None:
            self._view.release()
            self._view = None
        if self._map is not None:
            self._map.close()
            self._map = None


class RedactedLines(LineSource):
    """Another source's lines with known secret values masked (the Raw tab of a body whose
    secret-named fields are masked in the formatted view)."""

    def __init__(self, source: LineSource, secrets: frozenset[str]) -> None:
        from tui.core.masking import redact

        self._source = source
        self._secrets = secrets
        self._redact = redact
        self.max_width = source.max_width
        self.on_disk = source.on_disk

    def __len__(self) -> int:
        return len(self._source)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._redact(line, self._secrets) for line in self._source[index]]
        return self._redact(self._source[index], self._secrets)

    def __iter__(self) -> Iterator[str]:
        for line in self._source:
            yield self._redact(line, self._secrets)

    def length(self, index: int) -> int:
        return self._source.length(index)

    def window(self, index: int, start: int, stop: int) -> str:
        # A secret cut by the window's edge could show in part: widen, mask, then cut.
        margin = max((len(s) for s in self._secrets), default=0)
        wide = self._source.window(index, max(0, start - margin), stop + margin)
        masked = self._redact(wide, self._secrets)
        offset = start - max(0, start - margin)
        return masked[offset : offset + (stop - start)]
