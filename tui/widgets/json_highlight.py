"""Per-line JSON highlighting: a small tokenizer for one pretty-printed line.

Only lines on screen are highlighted (and cached by the body view), so a 6 MB body costs no
more than a small one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui.widgets.method_style import component_css, read_component

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
    def of(cls, widget: Widget) -> JsonColours:
        """As ``widget``'s CSS gives them (the theme's ``$json-*``): it lists
        ``JSON_COMPONENTS`` among its component classes and ``json_css`` in its CSS."""
        return cls(**{kind: read_component(widget, c) for kind, c in JSON_COMPONENTS.items()})

    @classmethod
    def from_styles(cls, styles: Mapping[str, str]) -> JsonColours:
        """From a theme's palette (Rich style strings by kind)."""
        return cls(**{kind: Style.parse(style) for kind, style in styles.items()})


JSON_COMPONENTS: Mapping[str, str] = {
    kind: f"json--{kind}" for kind in ("key", "string", "number", "literal", "punct")
}


def json_css(selector: str) -> str:
    return "".join(component_css(selector, c) for c in JSON_COMPONENTS.values())


def highlight_json_line(line: str, colours: JsonColours) -> Text:
    text = Text(line, no_wrap=True, end="")
    for match in _TOKEN.finditer(line):
        kind = match.lastgroup
        if kind is not None:
            text.stylize(getattr(colours, kind), match.start(), match.end())
    return text
