"""Postman test scripts <-> carman capture rules.

Scripts are never run. The common "save a value from the response" statements are translated
into ``Capture`` rules; everything else is kept verbatim as an inert note:

    pm.collectionVariables.set("vehicle_id", pm.response.json().vehicles[0]);
    const data = pm.response.json(); pm.environment.set("id", data["vehicles"][0]);
    postman.setEnvironmentVariable("id", JSON.parse(responseBody).id);

The exporter writes captures back in the first form (and, for rules JavaScript cannot express,
as a ``// carman:capture {...}`` comment), so an export re-imports to the same rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tui.core.model import Capture, CaptureSource

Segment = str | int

_SET_CALL = re.compile(
    r"(?:pm\s*\.\s*(?:collectionVariables|environment|globals|variables)\s*\.\s*set"
    r"|postman\s*\.\s*set(?:Environment|Global)Variable)\s*\("
)
_ALIAS = re.compile(r"(?<![\w$.])(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=")
_CARMAN_COMMENT = re.compile(r"^[ \t]*//[ \t]*carman:capture[ \t]+(\{.*\})[ \t]*$", re.M)
_EMPTY_TEST = re.compile(
    r"pm\s*\.\s*test\s*\(\s*(?:\"[^\"\n]*\"|'[^'\n]*')\s*,\s*"
    r"(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*\{\s*\}\s*\)\s*;?"
)
_JS_IDENT = re.compile(r"[A-Za-z_$][\w$]*", re.ASCII)
_PATH_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_CUT = "\ue000"  # marks removed text while cleaning up lines (private-use character)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@dataclass(frozen=True)
class _Value:
    source: CaptureSource
    segments: tuple[Segment, ...] = ()
    header: str = ""


# ---- JSONPath <-> accessor segments ----------------------------------------------------------


def jsonpath_of(segments: tuple[Segment, ...] | list[Segment]) -> str:
    out = "$"
    for segment in segments:
        if isinstance(segment, int):
            out += f"[{segment}]"
        elif _PATH_IDENT.fullmatch(segment):
            out += f".{segment}"
        else:
            out += "['" + segment.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return out


def segments_of(path: str) -> list[Segment] | None:
    """The simple accessors of a JSONPath (names and indices), or None for anything richer."""
    cursor = _Cursor(path.strip())
    if not cursor.take("$"):
        return None
    segments: list[Segment] = []
    while not cursor.done():
        if cursor.take("."):
            name = cursor.match(_PATH_IDENT)
            if name is None:
                return None
            segments.append(name)
        elif cursor.take("["):
            number = cursor.match(re.compile(r"\d+"))
            if number is not None:
                segments.append(int(number))
            else:
                key = cursor.string(quotes="'\"")
                if key is None:
                    return None
                segments.append(key)
            if not cursor.take("]"):
                return None
        else:
            return None
    return segments


def js_accessors(segments: list[Segment]) -> str:
    out = ""
    for segment in segments:
        if isinstance(segment, int):
            out += f"[{segment}]"
        elif _JS_IDENT.fullmatch(segment):
            out += f".{segment}"
        else:
            out += f"[{json.dumps(segment)}]"
    return out


# ---- a tiny cursor over script text ------------------------------------------------------------


class _Cursor:
    def __init__(self, text: str, pos: int = 0) -> None:
        self.text = text
        self.pos = pos

    def done(self) -> bool:
        return self.pos >= len(self.text)

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def take(self, literal: str, *, space: bool = False) -> bool:
        if space:
            self.skip_space()
        if self.text.startswith(literal, self.pos):
            self.pos += len(literal)
            return True
        return False

    def take_words(self, *parts: str) -> bool:
        """Consume e.g. ("pm", ".", "response") allowing spaces between parts."""
        start = self.pos
        for part in parts:
            if not self.take(part, space=True):
                self.pos = start
                return False
            if _JS_IDENT.fullmatch(part) and self._ident_continues():
                self.pos = start
                return False
        return True

    def _ident_continues(self) -> bool:
        return self.pos < len(self.text) and (
            self.text[self.pos].isalnum() or self.text[self.pos] in "_$"
        )

    def match(self, pattern: re.Pattern[str]) -> str | None:
        found = pattern.match(self.text, self.pos)
        if found is None:
            return None
        self.pos = found.end()
        return found.group(0)

    def string(self, quotes: str = "'\"`") -> str | None:
        """A JS string literal (no template substitutions), unescaped."""
        if self.done() or self.text[self.pos] not in quotes:
            return None
        quote = self.text[self.pos]
        index = self.pos + 1
        out: list[str] = []
        while index < len(self.text):
            char = self.text[index]
            if char == quote:
                self.pos = index + 1
                return "".join(out)
            if char == "\n" and quote != "`":
                return None
            if quote == "`" and self.text.startswith("${", index):
                return None
            if char == "\\":
                index += 1
                if index >= len(self.text):
                    return None
                escaped, index = _unescape(self.text, index)
                if escaped is None:
                    return None
                out.append(escaped)
                continue
            out.append(char)
            index += 1
        return None


def _unescape(text: str, index: int) -> tuple[str | None, int]:
    char = text[index]
    if char in _ESCAPES:
        return _ESCAPES[char], index + 1
    if char == "x":
        digits = text[index + 1 : index + 3]
        if len(digits) == 2 and all(c in "0123456789abcdefABCDEF" for c in digits):
            return chr(int(digits, 16)), index + 3
        return None, index
    if char == "u":
        found = re.compile(r"\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4})").match(text, index + 1)
        if found is None:
            return None, index
        code = int(found.group(1) or found.group(2), 16)
        if code > 0x10FFFF:
            return None, index
        return chr(code), found.end()
    if char == "\n":
        return "", index + 1  # a line continuation inside a string
    return char, index + 1


# ---- parsing a value expression --------------------------------------------------------------


def _parse_value(cursor: _Cursor, aliases: dict[str, tuple[Segment, ...]]) -> _Value | None:
    cursor.skip_space()
    for wrapper in (("String",), ("JSON", ".", "stringify")):
        start = cursor.pos
        if cursor.take_words(*wrapper) and cursor.take("(", space=True):
            inner = _parse_value(cursor, aliases)
            if inner is not None and cursor.take(")", space=True):
                return inner
            return None
        cursor.pos = start
    value = _parse_primary(cursor, aliases)
    if value is None:
        return None
    if value.source == CaptureSource.BODY:
        segments = _parse_accessors(cursor)
        if segments is None:
            return None
        value = _Value(CaptureSource.BODY, value.segments + tuple(segments))
    start = cursor.pos
    if not cursor.take_words(".", "toString", "(", ")"):
        cursor.pos = start
    return value


def _parse_primary(cursor: _Cursor, aliases: dict[str, tuple[Segment, ...]]) -> _Value | None:
    start = cursor.pos
    if cursor.take_words("pm", ".", "response", ".", "json", "(", ")"):
        return _Value(CaptureSource.BODY)
    if cursor.take_words("JSON", ".", "parse", "(", "responseBody", ")"):
        return _Value(CaptureSource.BODY)
    if cursor.take_words("pm", ".", "response", ".", "headers", ".", "get", "("):
        cursor.skip_space()
        name = cursor.string()
        if name is not None and cursor.take(")", space=True):
            return _Value(CaptureSource.HEADER, header=name)
        cursor.pos = start
        return None
    if cursor.take_words("pm", ".", "response", ".", "code") or cursor.take_words(
        "responseCode", ".", "code"
    ):
        return _Value(CaptureSource.STATUS)
    cursor.pos = start
    name = cursor.match(_JS_IDENT)
    if name is not None and name in aliases:
        return _Value(CaptureSource.BODY, aliases[name])
    cursor.pos = start
    return None


def _parse_accessors(cursor: _Cursor) -> list[Segment] | None:
    segments: list[Segment] = []
    while True:
        start = cursor.pos
        cursor.skip_space()
        if cursor.take("."):
            cursor.skip_space()
            name = cursor.match(_JS_IDENT)
            if name is None or name == "toString":
                cursor.pos = start
                return segments
            segments.append(name)
        elif cursor.take("["):
            cursor.skip_space()
            number = cursor.match(re.compile(r"\d+"))
            key: Segment | None = int(number) if number is not None else cursor.string()
            if key is None or not cursor.take("]", space=True):
                return None
            segments.append(key)
        else:
            cursor.pos = start
            return segments


# ---- which parts of a script are code (not comments or strings) -------------------------------


def _code_positions(text: str) -> list[bool]:
    """True at each index that is plain code (outside comments and string literals)."""
    code = [True] * len(text)
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if text.startswith("//", index):
            end = text.find("\n", index)
            end = length if end < 0 else end
        elif text.startswith("/*", index):
            end = text.find("*/", index + 2)
            end = length if end < 0 else end + 2
        elif char in "'\"`":
            end = index + 1
            while end < length and text[end] != char:
                if text[end] == "\\":
                    end += 1
                elif text[end] == "\n" and char != "`":
                    break
                end += 1
            end = min(end + 1, length)
        else:
            index += 1
            continue
        for position in range(index, end):
            code[position] = False
        index = end
    return code


# ---- translating a script --------------------------------------------------------------------


def _statement_end(cursor: _Cursor) -> int:
    start = cursor.pos
    cursor.skip_space()
    if not cursor.take(";"):
        cursor.pos = start
    return cursor.pos


def _aliases(
    text: str, code: list[bool]
) -> tuple[dict[str, tuple[Segment, ...]], dict[str, list[tuple[int, int]]]]:
    aliases: dict[str, tuple[Segment, ...]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    ambiguous: set[str] = set()
    for found in _ALIAS.finditer(text):
        if not code[found.start()]:
            continue
        cursor = _Cursor(text, found.end())
        value = _parse_value(cursor, aliases)
        if value is None or value.source != CaptureSource.BODY:
            continue
        name = found.group(1)
        if name in aliases and aliases[name] != value.segments:
            ambiguous.add(name)
        aliases[name] = value.segments
        spans.setdefault(name, []).append((found.start(), _statement_end(cursor)))
    for name in ambiguous:
        aliases.pop(name, None)
        spans.pop(name, None)
    return aliases, spans


def _capture_from_comment(data: Any, disabled: bool) -> Capture | None:
    if not isinstance(data, dict):
        return None
    variable, source, path = data.get("variable"), data.get("source", "body"), data.get("path", "")
    enabled, keep_all = data.get("enabled", True), data.get("keep_all", False)
    if not (isinstance(variable, str) and variable and isinstance(path, str)):
        return None
    if not (isinstance(enabled, bool) and isinstance(keep_all, bool) and isinstance(source, str)):
        return None
    if source not in {member.value for member in CaptureSource}:
        return None
    return Capture(variable, CaptureSource(source), path, enabled and not disabled, keep_all)


def translate_test_script(text: str, *, disabled: bool = False) -> tuple[list[Capture], str]:
    """The capture rules found in ``text`` and what is left of the script ("" if nothing)."""
    if _CUT in text:  # cannot mark cuts safely: keep the script whole
        return [], _trim(text)
    code = _code_positions(text)
    aliases, alias_spans = _aliases(text, code)
    found: list[tuple[int, Capture]] = []
    cuts: list[tuple[int, int]] = []
    for match in _SET_CALL.finditer(text):
        if not code[match.start()]:
            continue
        cursor = _Cursor(text, match.end())
        cursor.skip_space()
        name = cursor.string()
        if not name or not cursor.take(",", space=True):
            continue
        value = _parse_value(cursor, aliases)
        if value is None or not cursor.take(")", space=True):
            continue
        path = {
            CaptureSource.BODY: jsonpath_of(value.segments),
            CaptureSource.HEADER: value.header,
            CaptureSource.STATUS: "",
        }[value.source]
        found.append((match.start(), Capture(name, value.source, path, enabled=not disabled)))
        cuts.append((match.start(), _statement_end(cursor)))
    for match in _CARMAN_COMMENT.finditer(text):
        try:
            data = json.loads(match.group(1))
        except (ValueError, RecursionError):
            continue
        capture = _capture_from_comment(data, disabled)
        if capture is not None:
            found.append((match.start(), capture))
            cuts.append(match.span())
    if not cuts:
        return [], _trim(text)
    # A `const data = pm.response.json();` goes too once nothing else uses `data`.
    every_alias = [span for spans in alias_spans.values() for span in spans]
    rest = _code_only(_cut(text, cuts + every_alias))
    for name, spans in alias_spans.items():
        if not re.search(rf"(?<![\w$.]){re.escape(name)}(?![\w$])", rest):
            cuts.extend(spans)
    remainder = _drop_cut_lines(_cut(text, cuts))
    remainder = _drop_cut_lines(_EMPTY_TEST.sub(_CUT, remainder))
    return [capture for _, capture in sorted(found, key=lambda item: item[0])], _trim(remainder)


def _code_only(text: str) -> str:
    return "".join(c if keep else " " for c, keep in zip(text, _code_positions(text), strict=True))


def _cut(text: str, spans: list[tuple[int, int]]) -> str:
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        if start < position:
            continue  # overlapping spans: the first one wins
        out.append(text[position:start])
        out.append(_CUT)
        position = end
    out.append(text[position:])
    return "".join(out)


def _drop_cut_lines(text: str) -> str:
    """Lines where something was cut and nothing but blanks (or `;`) is left disappear."""
    lines = []
    for line in text.split("\n"):
        if _CUT in line:
            line = line.replace(_CUT, "")
            if not line.strip(" \t\r;"):
                continue
        lines.append(line)
    return "\n".join(lines)


def _trim(text: str) -> str:
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(line.rstrip() for line in lines)


# ---- writing captures as script lines --------------------------------------------------------


def _js_value(capture: Capture) -> str | None:
    if capture.source == CaptureSource.STATUS:
        return None if capture.path else "pm.response.code"
    if capture.source == CaptureSource.HEADER:
        return f"pm.response.headers.get({json.dumps(capture.path)})" if capture.path else None
    segments = segments_of(capture.path)
    if segments is None:
        return None
    return "pm.response.json()" + js_accessors(segments)


def capture_line(capture: Capture) -> str:
    """One line of a Postman test script that re-imports to ``capture`` exactly."""
    if capture.enabled and not capture.keep_all:
        value = _js_value(capture)
        if value is not None:
            return f"pm.collectionVariables.set({json.dumps(capture.variable)}, {value});"
    data: dict[str, Any] = {"variable": capture.variable, "source": capture.source.value}
    if capture.path:
        data["path"] = capture.path
    if not capture.enabled:
        data["enabled"] = False
    if capture.keep_all:
        data["keep_all"] = True
    # JavaScript cannot say it (JSONPath filters, keep_all, disabled): an inert comment can.
    return "// carman:capture " + json.dumps(data, ensure_ascii=False)


def script_for_captures(captures: list[Capture]) -> list[str]:
    return [capture_line(capture) for capture in captures]
