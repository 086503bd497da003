"""Python + httpx and Python + requests: one renderer, two libraries' spellings."""

from __future__ import annotations

from typing import Literal

from tui.core.exporters.code import lang_python as py
from tui.core.exporters.code.model import CodeRequest, FormBody, MultipartBody, RawBody
from tui.core.exporters.code.template import Template, Var, hinted, is_literal, text_of

Library = Literal["httpx", "requests"]


def render(code: CodeRequest, library: Library) -> str:
    variables = code.variables
    call: list[str] = [py.string(code.method), py.expr(code.url, "    ")]
    before: list[str] = []
    needs_urlencode = False
    if code.headers:
        call.append(_headers(code.headers, library))
    body = code.body
    if isinstance(body, RawBody):
        before.append(f"body = {py.expr(body.text)}")
        call.append("content=body" if library == "httpx" else 'data=body.encode("utf-8")')
    elif isinstance(body, FormBody):
        names = [name for name, _ in body.fields]
        unique = all(is_literal(n) for n in names) and len({hinted(n) for n in names}) == len(names)
        pairs = _pairs(body.fields, "    ")
        if library == "requests":
            call.append(f"data={pairs}")
        elif unique:
            call.append(f"data={_dict(body.fields, '    ')}")
        else:
            needs_urlencode = True  # httpx takes a dict: repeated names go in as text
            call.append(f"content=urlencode({pairs})")
    elif isinstance(body, MultipartBody):
        texts = [(f.name, f.value) for f in body.fields if not f.is_file]
        files = [(f.name, f.value) for f in body.fields if f.is_file]
        if texts and library == "requests":
            call.append(f"data={_pairs(texts, '    ')}")
        elif texts:
            call.append(f"data={_grouped(texts, '    ')}")  # httpx: a dict, lists for repeats
        if files:
            opened = [f'({py.expr(name)}, open({py.expr(path)}, "rb"))' for name, path in files]
            call.append("files=[\n" + "".join(f"        {o},\n" for o in opened) + "    ]")
    if code.basic_auth is not None:
        user, password = code.basic_auth
        call.append(f"auth=({py.expr(user)}, {py.expr(password)})")
    if library == "requests":
        call.append("allow_redirects=False")  # carman does not follow redirects either
    header: list[str] = []
    if variables:
        header.append("import os")
    if any(var.query for var in variables):
        header.append("from urllib.parse import quote")
    if needs_urlencode:
        header.append("from urllib.parse import urlencode")
    lines = [*header, *([""] if header else []), f"import {library}", ""]
    if variables:
        lines += [*py.reads_comment(variables), *py.environment_lines(variables), ""]
    if before:
        lines += [*before, ""]
    lines.append(f"response = {library}.request(")
    lines += [f"    {argument}," for argument in call]
    lines += [")", "print(response.status_code)", "print(response.text)"]
    return "\n".join(lines) + "\n"


def _headers(headers: list[tuple[Template, Template]], library: Library) -> str:
    if library == "httpx":
        # A list keeps order and repeated names, as carman sends them.
        rows = "".join(f"        ({py.expr(n)}, {py.expr(v)}),\n" for n, v in headers)
        return f"headers=[\n{rows}    ]"
    # requests takes a dict: repeated names are joined with ", " (the same meaning in HTTP).
    merged: dict[str, tuple[Template, list[Template]]] = {}
    for name, value in headers:
        key = hinted(name).lower()
        merged.setdefault(key, (name, []))[1].append(value)
    rows = ""
    for name, values in merged.values():
        joined: list[str | Var] = []
        for index, value in enumerate(values):
            if index:
                joined.append(", ")
            joined.extend(value)
        rows += f"        {py.expr(name)}: {py.expr(tuple(joined))},\n"
    return f"headers={{\n{rows}    }}"


def _pairs(
    fields: list[tuple[Template, Template]] | tuple[tuple[Template, Template], ...], indent: str
) -> str:
    rows = "".join(f"{indent}    ({py.expr(n)}, {py.expr(v)}),\n" for n, v in fields)
    return f"[\n{rows}{indent}]"


def _dict(fields: tuple[tuple[Template, Template], ...], indent: str) -> str:
    rows = "".join(f"{indent}    {py.string(text_of(n))}: {py.expr(v)},\n" for n, v in fields)
    return f"{{\n{rows}{indent}}}"


def _grouped(fields: list[tuple[Template, Template]], indent: str) -> str:
    groups: dict[str, tuple[Template, list[Template]]] = {}
    for name, value in fields:
        groups.setdefault(hinted(name), (name, []))[1].append(value)
    rows = ""
    for name, values in groups.values():
        shown = (
            py.expr(values[0])
            if len(values) == 1
            else "[" + ", ".join(py.expr(v) for v in values) + "]"
        )
        rows += f"{indent}    {py.expr(name)}: {shown},\n"
    return f"{{\n{rows}{indent}}}"
