"""Per-line JSON highlighting: a small tokenizer for one pretty-printed line.

Only lines on screen are highlighted (and cached by the body view), so a 6 MB body costs no
more than a small one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

_TOKEN = re.compile(
    r'(?P<key>"(?:[^"\\]|\\.)*"(?=\s*:))'
    r'|(?P<string>"(?:[^"\\]|\\.)*"?)'
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<literal>\btrue\b|\bfalse\b|\bnull\b)"
    r"|(?P<punct>[{}\[\],:])"
)


@dataclass(frozen=True)
class JsonColours:
    key: Style
    string: Style
    number: Style
    literal: Style
    punct: Style

    @classmethod
    def default(cls) -> JsonColours:
        return cls(
            key=Style.parse("bold #7aa2f7"),
            string=Style.parse("#9ece6a"),
            number=Style.parse("#ff9e64"),
            literal=Style.parse("#bb9af7"),
            punct=Style.parse("dim"),
        )


def highlight_json_line(line: str, colours: JsonColours) -> Text:
    text = Text(line, no_wrap=True, end="")
    for match in _TOKEN.finditer(line):
        kind = match.lastgroup
        if kind is not None:
            text.stylize(getattr(colours, kind), match.start(), match.end())
    return text
