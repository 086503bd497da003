"""Go source pieces: interpreted string literals, raw strings where they are safe."""

from __future__ import annotations

from tui.core.exporters.code.template import Template, Var, split_lines

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KEYWORDS = frozenset(
    [
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ]
)
# Predeclared names, the packages a snippet imports, and the snippet's own locals.
_TAKEN = _KEYWORDS | frozenset(
    [
        "any",
        "bool",
        "byte",
        "string",
        "int",
        "error",
        "len",
        "cap",
        "append",
        "new",
        "make",
        "nil",
        "true",
        "false",
        "print",
        "println",
        "bytes",
        "base64",
        "fmt",
        "io",
        "mime",
        "multipart",
        "http",
        "os",
        "path",
        "filepath",
        "strings",
        "url",
        "req",
        "resp",
        "err",
        "body",
        "data",
        "form",
        "writer",
        "part",
        "file",
        "client",
        "main",
    ]
)


def escape(text: str) -> str:
    out: list[str] = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif not char.isprintable():
            code = ord(char)
            # \xNN is a byte in Go: only below 0x80 is it the same as the character.
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


def string(text: str) -> str:
    return f'"{escape(text)}"'


def raw_string_ok(text: str) -> bool:
    """A raw string cannot hold a backquote and silently drops carriage returns."""
    return "`" not in text and "\r" not in text


def ident(var: Var) -> str:
    words = [w for w in var.env.lower().split("_") if w]
    name = (words[0] if words else "value") + "".join(w.capitalize() for w in words[1:])
    if not name[0].isalpha():
        name = "v" + name
    return name + "Value" if name in _TAKEN else name


def lookup(var: Var) -> str:
    return f"url.QueryEscape({ident(var)})" if var.query else ident(var)


def _line(template: Template) -> str:
    if not template:
        return '""'
    return " + ".join(string(p) if isinstance(p, str) else lookup(p) for p in template)


def expr(template: Template, indent: str = "\t") -> str:
    lines = split_lines(template)
    if not lines:
        return '""'
    literal_text = "".join(p for p in template if isinstance(p, str))
    if len(lines) > 1 and all(isinstance(p, str) for p in template) and raw_string_ok(literal_text):
        return f"`{literal_text}`"
    if len(lines) == 1:
        return _line(lines[0])
    return (" +\n" + indent + "\t").join(_line(line) for line in lines)


def uses_query_escape(templates: list[Template]) -> bool:
    return any(isinstance(p, Var) and p.query for t in templates for p in t)


def environment_lines(variables: list[Var]) -> list[str]:
    return [f'\t{ident(var)} := os.Getenv("{var.env}")' for var in variables]
