"""JavaScript source pieces: string literals joined with ``+``, never template literals.

A template literal would run ``${...}`` found in a value and needs backticks escaped; plain
double-quoted strings with every special character escaped have no such pitfalls.
"""

from __future__ import annotations

from typing import Any

from tui.core.exporters.code.model import RawJson
from tui.core.exporters.code.template import Template, Var, is_literal, split_lines, text_of

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
    "\u2028": "\\u2028",  # line terminators inside string literals before ES2019
    "\u2029": "\\u2029",
}


def escape(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not char.isprintable():
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{{{code:x}}}")
        else:
            out.append(char)
    return "".join(out)


def string(text: str) -> str:
    return f'"{escape(text)}"'


def lookup(var: Var) -> str:
    return f"encodeURIComponent({var.env})" if var.query else var.env


def _line(template: Template) -> str:
    if not template:
        return '""'
    return " + ".join(string(p) if isinstance(p, str) else lookup(p) for p in template)


def expr(template: Template, indent: str = "") -> str:
    lines = split_lines(template)
    if not lines:
        return '""'
    if len(lines) == 1:
        return _line(lines[0])
    return (" +\n" + indent + "  ").join(_line(line) for line in lines)


def literal_or_expr(template: Template) -> str:
    return string(text_of(template)) if is_literal(template) else expr(template)


def json_value(value: Any, indent: str = "") -> str:
    step = indent + "  "
    if isinstance(value, RawJson):
        return f"JSON.parse({value.var.env})"
    if isinstance(value, tuple):
        return _line(value)
    if isinstance(value, str):
        return string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
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


def environment_lines(variables: list[Var]) -> list[str]:
    return [f"const {var.env} = process.env.{var.env};" for var in variables]


def reads_comment(variables: list[Var]) -> list[str]:
    if not variables:
        return []
    return [f"// Reads from the environment: {', '.join(var.env for var in variables)}"]
