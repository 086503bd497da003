"""Text with holes: literal pieces and variables that a snippet reads from the environment.

A snippet is built from the same ``PreparedRequest`` carman sends. To know where a variable
went, the request is prepared with a variable store that answers each kept variable with a
*marker* (private-use characters around the name and, for classification only, its current
value); the markers are then parsed back into ``Var`` parts. A ``Var`` is rendered by each
target as its language's environment lookup; its ``hint`` is never written into a snippet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import quote, unquote

START, SEP, END = "\ue000", "\ue001", "\ue002"
_MARKER = re.compile(f"{START}([^{SEP}{END}]*){SEP}([^{END}]*){END}")
# A marker inside a query value was percent-encoded by prepare(): the same three characters,
# encoded. Names and hints are URL-decoded back.
_ENCODED = re.compile(
    f"{re.escape(quote(START))}(.*?){re.escape(quote(SEP))}(.*?){re.escape(quote(END))}"
)


@dataclass(frozen=True)
class Var:
    """A value the snippet reads from the environment variable ``env``."""

    name: str  # the carman variable (or the field a literal secret was found in)
    env: str  # the environment variable's name (see naming.py)
    secret: bool
    # The current value, or "{name}" when unknown or secret: only for recognising a
    # Smartcar path (``/v2.0/vehicles/<id>/odometer``). Never rendered.
    hint: str
    query: bool = False  # a query-string value: percent-encoded at run time, as carman does


Part = str | Var
Template = tuple[Part, ...]
# (name, hint, is a query value) -> the one Var for that name (see build.py)
VarFactory = Callable[[str, str, bool], Var]


def marker(name: str, hint: str) -> str:
    return f"{START}{name}{SEP}{hint}{END}"


def has_markers(text: str) -> bool:
    return START in text or quote(START) in text


def normalise(parts: Iterable[Part]) -> Template:
    """Adjacent literals joined, empty literals dropped."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    return tuple(out)


def literal(text: str) -> Template:
    return normalise([text])


def parse(text: str, make_var: VarFactory, *, encoded: bool = False) -> Template:
    """Split marked ``text`` into literals and variables."""
    pattern = _ENCODED if encoded else _MARKER
    parts: list[Part] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(text[position : match.start()])
        name, hint = match.group(1), match.group(2)
        if encoded:
            name, hint = unquote(name), unquote(hint)
        parts.append(make_var(name, hint, encoded))
        position = match.end()
    parts.append(text[position:])
    return normalise(parts)


def parse_url(url: str, make_var: VarFactory) -> Template:
    """A marked URL: raw markers anywhere, percent-encoded markers in query values."""
    parts: list[Part] = []
    for part in parse(url, make_var):
        if isinstance(part, str) and quote(START) in part:
            parts.extend(parse(part, make_var, encoded=True))
        else:
            parts.append(part)
    return normalise(parts)


def variables(template: Template) -> Iterator[Var]:
    return (part for part in template if isinstance(part, Var))


def is_literal(template: Template) -> TypeGuard[tuple[str, ...]]:
    return all(isinstance(part, str) for part in template)


def text_of(template: Template) -> str:
    """The literal text of a template that has no variables."""
    assert is_literal(template), template
    return "".join(template)


def hinted(template: Template) -> str:
    """The text with each variable's hint: for recognising paths, never for output."""
    return "".join(part if isinstance(part, str) else part.hint for part in template)


def split_lines(template: Template) -> list[Template]:
    """The template cut after each newline (each line keeps its "\\n")."""
    lines: list[list[Part]] = [[]]
    for part in template:
        if isinstance(part, Var):
            lines[-1].append(part)
            continue
        pieces = part.split("\n")
        for index, piece in enumerate(pieces):
            if index < len(pieces) - 1:
                lines[-1].append(piece + "\n")
                lines.append([])
            else:
                lines[-1].append(piece)
    return [normalise(line) for line in lines if normalise(line)]


def slice_hinted(template: Template, start: int, end: int) -> Template | None:
    """The part of ``template`` whose hinted text spans [start, end).

    A variable wholly inside the span stays a variable; a variable cut by the span edges
    becomes the literal cut of its hint, or None when that variable is a secret (a part of a
    secret is never written out) or its hint is unknown.
    """
    out: list[Part] = []
    position = 0
    for part in template:
        text = part if isinstance(part, str) else part.hint
        part_start, part_end = position, position + len(text)
        position = part_end
        low, high = max(start, part_start), min(end, part_end)
        if low >= high:
            continue
        if isinstance(part, str):
            out.append(part[low - part_start : high - part_start])
        elif low == part_start and high == part_end:
            out.append(part)
        elif part.secret or part.hint == "{" + part.name + "}":
            return None
        else:
            out.append(part.hint[low - part_start : high - part_start])
    return normalise(out)
