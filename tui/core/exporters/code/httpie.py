"""HTTPie (``http``, 3.x): request items for headers and form fields, ``--raw`` for bodies.

HTTPie splits an item at its first separator (``:`` header, ``=`` field, ``@`` file...) and
reads a backslash before one of ``: ; @ =`` as an escape. So separator characters in a name
are escaped, a value's first character is escaped when it would lengthen the separator
(``:=``, ``==``, ``=@``), and a value holding a backslash before one of them cannot be
written at all: that is said plainly instead.
"""

from __future__ import annotations

from tui.core.exporters.code import lang_shell as sh
from tui.core.exporters.code.model import (
    CodeRequest,
    FormBody,
    MultipartBody,
    NotApplicable,
    RawBody,
)
from tui.core.exporters.code.template import Part, Template, hinted, normalise
from tui.core.exporters.curl import format_command

_SPECIAL = frozenset(":;@=")


def render(code: CodeRequest) -> str:
    options: list[list[str]] = []
    items: list[list[str]] = []
    raw: list[list[str]] = []
    body = code.body
    if isinstance(body, RawBody) and body.text:
        raw.append(["--raw", sh.word(body.text)])
    elif isinstance(body, FormBody):
        options.append(["--form"])
        items += [[sh.word(_item(n, "=", v))] for n, v in body.fields]
    elif isinstance(body, MultipartBody):
        options.append(["--multipart"])
        for item in body.fields:
            separator = "@" if item.is_file else "="
            items.append([sh.word(_item(item.name, separator, item.value))])
    if code.basic_auth is not None:
        user, password = code.basic_auth
        options.append(["--auth", sh.word(normalise([*user, ":", *password]))])
    for name, value in code.headers:
        if value:
            items.append([sh.word(_item(name, ":", value))])
        else:
            items.append([sh.word(_item(name, ";", ()))])  # "Name;" sends an empty header
    first = [
        "http",
        "--ignore-stdin",
        *[w for option in options for w in option],
        code.method,
        sh.word(code.url),
    ]
    command = format_command([first, *items, *raw])
    return "\n".join([*sh.reads_comment(code.variables), command]) + "\n"


def _item(name: Template, separator: str, value: Template) -> Template:
    return normalise([*_escape_key(name), separator, *_escape_value(name, value)])


def _escape_key(name: Template) -> Template:
    out: list[Part] = []
    for part in name:
        if isinstance(part, str):
            # The separator follows the name: a backslash at its end would escape it.
            _check_backslashes(part + ":", hinted(name))
            part = "".join(f"\\{c}" if c in _SPECIAL else c for c in part)
        out.append(part)
    return tuple(out)


def _escape_value(name: Template, value: Template) -> Template:
    out: list[Part] = []
    for index, part in enumerate(value):
        if isinstance(part, str):
            _check_backslashes(part, hinted(name))
            if index == 0 and part[:1] in _SPECIAL:
                part = "\\" + part
        out.append(part)
    return tuple(out)


def _check_backslashes(text: str, where: str) -> None:
    for position, char in enumerate(text[:-1]):
        if char == "\\" and text[position + 1] in _SPECIAL:
            raise NotApplicable(
                f"HTTPie reads '\\{text[position + 1]}' as an escaped "
                f"'{text[position + 1]}', so {where!r} cannot be written as an HTTPie item. "
                "Use the curl target instead."
            )
