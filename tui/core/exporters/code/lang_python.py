"""Python source pieces: string literals, f-strings with environment lookups, JSON values."""

from __future__ import annotations

from typing import Any

from tui.core.exporters.code.model import RawJson
from tui.core.exporters.code.template import Template, Var, is_literal, split_lines, text_of

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(text: str, *, fstring: bool = False) -> str:
    """The inside of a double-quoted Python string (an f-string's literal part if asked)."""
    out: list[str] = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif fstring and char in "{}":
            out.append(char * 2)
        elif not char.isprintable():
            out.append(_code_point(ord(char)))
        else:
            out.append(char)
    return "".join(out)


def _code_point(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def string(text: str) -> str:
    return f'"{escape(text)}"'


def lookup(var: Var) -> str:
    """The expression of one variable inside an f-string's braces."""
    return f"quote({var.env}, safe='')" if var.query else var.env


def _line(template: Template) -> str:
    if is_literal(template):
        return string(text_of(template))
    if len(template) == 1 and isinstance(template[0], Var) and not template[0].query:
        return template[0].env
    inner = "".join(
        escape(part, fstring=True) if isinstance(part, str) else "{" + lookup(part) + "}"
        for part in template
    )
    return f'f"{inner}"'


def expr(template: Template, indent: str = "") -> str:
    """A Python expression for ``template``; several lines become implicit concatenation."""
    lines = split_lines(template)
    if not lines:
        return '""'
    if len(lines) == 1:
        return _line(lines[0])
    inner = "\n".join(f"{indent}    {_line(line)}" for line in lines)
    return f"(\n{inner}\n{indent})"


def json_value(value: Any, indent: str = "") -> str:
    """A JSON value (with holes) as a Python literal."""
    step = indent + "    "
    if isinstance(value, RawJson):
        return f"json.loads({value.var.env})"
    if isinstance(value, tuple):
        return _line(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        if not value:
            return "[]"
        items = ",\n".join(f"{step}{json_value(item, step)}" for item in value)
        return f"[\n{items},\n{indent}]"
    if not value:
        return "{}"
    items = ",\n".join(f"{step}{string(k)}: {json_value(v, step)}" for k, v in value.items())
    return f"{{\n{items},\n{indent}}}"


def uses_json_loads(value: Any) -> bool:
    if isinstance(value, RawJson):
        return True
    if isinstance(value, list):
        return any(uses_json_loads(item) for item in value)
    if isinstance(value, dict):
        return any(uses_json_loads(item) for item in value.values())
    return False


def environment_lines(variables: list[Var]) -> list[str]:
    return [f'{var.env} = os.environ["{var.env}"]' for var in variables]


def reads_comment(variables: list[Var]) -> list[str]:
    if not variables:
        return []
    names = ", ".join(var.env for var in variables)
    return [f"# Reads from the environment: {names}"]
