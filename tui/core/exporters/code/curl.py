"""curl: the layout and method rules of carman's copy-as-curl, with environment lookups.

Words come from ``lang_shell``; the option order, the method rule (no ``-X`` where curl's own
choice is right), empty headers (``Name;``) and ``--form-string`` for values curl would read
as files are those of ``tui.core.exporters.curl``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tui.core.exporters.code import lang_shell as sh
from tui.core.exporters.code.model import CodeRequest, FormBody, MultipartBody, RawBody
from tui.core.exporters.code.template import Template, is_literal, normalise, text_of
from tui.core.exporters.curl import _method_words, format_command


def render(code: CodeRequest) -> str:
    body_lines: list[list[str]] = []
    body = code.body
    if isinstance(body, RawBody) and body.text:
        body_lines.append(["--data-raw", sh.word(body.text)])
    elif isinstance(body, FormBody):
        if all(is_literal(n) and is_literal(v) for n, v in body.fields):
            # The exact bytes carman sends.
            encoded = urlencode([(text_of(n), text_of(v)) for n, v in body.fields])
            body_lines.append(["--data-raw", sh.word((encoded,))])
        else:
            body_lines += [
                ["--data-urlencode", sh.word(normalise([*n, "=", *v]))] for n, v in body.fields
            ]
    elif isinstance(body, MultipartBody):
        for item in body.fields:
            if item.is_file:
                body_lines.append(["-F", sh.word(normalise([*item.name, "=@", *item.value]))])
            else:
                body_lines.append(
                    [_form_option(item.value), sh.word(normalise([*item.name, "=", *item.value]))]
                )
    first = ["curl", *_method_words(code.method, bool(body_lines)), sh.word(code.url)]
    lines = [first]
    lines += [_header(name, value) for name, value in code.headers]
    if code.basic_auth is not None:
        user, password = code.basic_auth
        lines.append(["-u", sh.word(normalise([*user, ":", *password]))])
    command = format_command(lines + body_lines)
    comment = sh.reads_comment(code.variables)
    return "\n".join([*comment, command]) + "\n"


def _form_option(value: Template) -> str:
    # -F reads @file, <file and ;type= in values; --form-string takes them literally.
    if not is_literal(value):
        return "--form-string"
    text = text_of(value)
    return "--form-string" if text.startswith(("@", "<")) or ";" in text else "-F"


def _header(name: Template, value: Template) -> list[str]:
    # "Name:" with nothing after it makes curl drop the header; "Name;" sends it empty.
    if not value:
        return ["-H", sh.word(normalise([*name, ";"]))]
    return ["-H", sh.word(normalise([*name, ": ", *value]))]
