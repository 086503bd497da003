"""What a snippet sends, language-neutral: method, URL, headers, body and auth as templates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.core.exporters.code.template import (
    END,
    START,
    Template,
    Var,
    VarFactory,
    is_literal,
    parse,
    text_of,
    variables,
)
from tui.core.smartcar.sdk_calls import NOT_JSON, NotMapped, SdkCall


class NotApplicable(Exception):
    """This target cannot send this request; the message says why, plainly."""


@dataclass(frozen=True)
class RawBody:
    """A JSON or text body: exactly the characters carman sends (UTF-8)."""

    text: Template
    json: bool = False


@dataclass(frozen=True)
class FormBody:
    """application/x-www-form-urlencoded fields, in order (duplicates allowed)."""

    fields: tuple[tuple[Template, Template], ...]


@dataclass(frozen=True)
class MultipartField:
    name: Template
    value: Template  # the text, or the path of the file to upload
    is_file: bool = False


@dataclass(frozen=True)
class MultipartBody:
    fields: tuple[MultipartField, ...]


Body = RawBody | FormBody | MultipartBody | None


@dataclass(frozen=True)
class RawJson:
    """A variable spliced into JSON outside a string: its value is JSON text (a number...)."""

    var: Var


@dataclass
class CodeRequest:
    method: str
    url: Template
    headers: list[tuple[Template, Template]]
    body: Body = None
    # Basic auth from the auth tab: the header is computed where the snippet runs.
    basic_auth: tuple[Template, Template] | None = None
    smartcar: bool = False
    sdk: SdkCall | NotMapped = field(default_factory=lambda: NotMapped("not a Smartcar request"))
    # The JSON body with its variables in place (strings may be Templates, RawJson values),
    # NOT_JSON, or None: what the SDK targets pass as arguments.
    json_body: Any = None
    notes: list[str] = field(default_factory=list)
    # Values written inline at the user's request, and the known secrets that must not appear.
    inlined: frozenset[str] = frozenset()
    known_secrets: frozenset[str] = frozenset()

    @property
    def variables(self) -> list[Var]:
        """Every environment lookup, once, in order of first use."""
        seen: dict[str, Var] = {}
        templates: list[Template] = [self.url]
        for name, value in self.headers:
            templates += [name, value]
        if self.basic_auth is not None:
            templates += list(self.basic_auth)
        body = self.body
        if isinstance(body, RawBody):
            templates.append(body.text)
        elif isinstance(body, FormBody):
            for name, value in body.fields:
                templates += [name, value]
        elif isinstance(body, MultipartBody):
            for item in body.fields:
                templates += [item.name, item.value]
        for template in templates:
            for var in variables(template):
                seen.setdefault(var.env, var)
        return list(seen.values())

    def header(self, name: str) -> Template | None:
        lowered = name.lower()
        for key, value in self.headers:
            if is_literal(key) and text_of(key).lower() == lowered:
                return value
        return None

    def headers_without(self, *names: str) -> list[tuple[Template, Template]]:
        lowered = {n.lower() for n in names}
        return [
            (key, value)
            for key, value in self.headers
            if not (is_literal(key) and text_of(key).lower() in lowered)
        ]


# ---- JSON with holes ---------------------------------------------------------------------------

_HOLE = "\ue003"


def json_with_holes(text: str, make_var: VarFactory) -> Any:
    """Parse a marked JSON body: strings with variables become Templates, a variable standing
    alone outside a string becomes RawJson. NOT_JSON when it does not parse; None when empty."""
    if not text.strip():
        return None
    holes: list[str] = []
    out: list[str] = []
    in_string = escaped = False
    index = 0
    while index < len(text):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            out.append(char)
        elif char == START:
            end = text.index(END, index)
            holes.append(text[index : end + 1])
            out.append(f'"{_HOLE}{len(holes) - 1}{_HOLE}"')
            index = end
        else:
            in_string = char == '"'
            out.append(char)
        index += 1
    try:
        value = json.loads("".join(out))
    except ValueError:
        return NOT_JSON

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if any(START in key for key in node):
                raise ValueError("a variable in a JSON key")
            return {key: walk(item) for key, item in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, str):
            if node.startswith(_HOLE) and node.endswith(_HOLE) and node[1:-1].isdigit():
                parts = parse(holes[int(node[1:-1])], make_var)
                return RawJson(parts[0]) if len(parts) == 1 and isinstance(parts[0], Var) else node
            parts = parse(node, make_var)
            return text_of(parts) if is_literal(parts) else parts
        return node

    try:
        return walk(value)
    except ValueError:
        return NOT_JSON
