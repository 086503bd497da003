"""Turn a response body into lines for display: pretty JSON, text, or a hex preview.

Pure functions. A small body is formatted here at once; a big one goes to the format worker
process (``tui.core.format_worker``), which makes the same text as files on disk. Nothing here
renders: the body view highlights only the lines on screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from tui.core.masking import mask_json_secrets

HEX_PREVIEW_BYTES = 4096


class ContentKind(StrEnum):
    """What a response body is, for showing it (a request body's kind is model.BodyKind)."""

    EMPTY = "empty"
    JSON = "json"
    TEXT = "text"
    HTML = "html"
    BINARY = "binary"


@dataclass(frozen=True)
class FormattedBody:
    kind: ContentKind
    lines: list[str]
    note: str = ""  # e.g. "not valid JSON: ..." or "binary, 12 KB"
    document: object = None  # the parsed JSON value (JSON bodies only)
    # Secret-named fields (access_token, ...) are masked in ``lines``; these are their values,
    # and ``revealed`` holds the unmasked lines for an explicit reveal.
    hidden: frozenset[str] = frozenset()
    revealed: list[str] | None = None


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.2f} MB"


def looks_binary(body: bytes) -> bool:
    sample = body[:4096]
    if b"\x00" in sample:
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still text.
        return exc.start < len(sample) - 4
    return False


def hex_preview(body: bytes, limit: int = HEX_PREVIEW_BYTES) -> list[str]:
    lines = []
    for offset in range(0, min(len(body), limit), 16):
        chunk = body[offset : offset + 16]
        hexed = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexed:<47}  {text}")
    if len(body) > limit:
        lines.append(f"… {human_size(len(body) - limit)} more")
    return lines


def split_lines(text: str) -> list[str]:
    return text.splitlines() or [""]


def pretty_json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def format_body(body: bytes, content_type: str = "", charset: str = "utf-8") -> FormattedBody:
    if not body:
        return FormattedBody(ContentKind.EMPTY, [], "empty body")
    content_type = content_type.lower()
    if looks_binary(body) and "json" not in content_type and not content_type.startswith("text/"):
        return FormattedBody(
            ContentKind.BINARY, hex_preview(body), f"binary, {human_size(len(body))}"
        )
    try:
        text = body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = body.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if "json" in content_type or stripped[:1] in ("{", "["):
        try:
            value = json.loads(text)
        except ValueError as exc:
            note = ""
            if "json" in content_type:
                note = f"the body claims JSON but is not valid JSON: {exc}"
            return FormattedBody(ContentKind.TEXT, split_lines(text), note)
        masked, hidden = mask_json_secrets(value)
        if not hidden:
            return FormattedBody(ContentKind.JSON, split_lines(pretty_json(value)), document=value)
        return FormattedBody(
            ContentKind.JSON,
            split_lines(pretty_json(masked)),
            "secret fields masked (v reveals)",
            document=value,
            hidden=frozenset(hidden),
            revealed=split_lines(pretty_json(value)),
        )
    if "html" in content_type or stripped[:15].lower().startswith(("<!doctype html", "<html")):
        return FormattedBody(ContentKind.HTML, split_lines(text), "HTML shown as source")
    return FormattedBody(ContentKind.TEXT, split_lines(text))


def quick_lines(body: bytes, charset: str = "utf-8") -> list[str]:
    """The body as received, split into lines: shown at once while formatting runs."""
    if looks_binary(body):
        return hex_preview(body)
    return split_lines(body.decode(charset or "utf-8", errors="replace"))
