"""JavaScript ``fetch`` (Node 18+, as an ES module for top-level await)."""

from __future__ import annotations

from tui.core.exporters.code import lang_js as js
from tui.core.exporters.code.model import CodeRequest, FormBody, MultipartBody, RawBody


def render(code: CodeRequest) -> str:
    variables = code.variables
    before: list[str] = []
    imports: list[str] = []
    options = [f"method: {js.string(code.method)}"]
    headers = [f"[{js.expr(n)}, {js.expr(v)}]" for n, v in code.headers]
    if code.basic_auth is not None:
        user, password = code.basic_auth
        credentials = f'{js.expr(user)} + ":" + {js.expr(password)}'
        headers.append(
            f'["Authorization", "Basic " + Buffer.from({credentials}).toString("base64")]'
        )
    if headers:
        # Pairs, not an object: order and repeated names stay as carman sends them.
        options.append("headers: [\n" + "".join(f"    {h},\n" for h in headers) + "  ]")
    body = code.body
    if isinstance(body, RawBody):
        before.append(f"const body = {js.expr(body.text)};")
        options.append("body")
    elif isinstance(body, FormBody):
        pairs = "".join(f"  [{js.expr(n)}, {js.expr(v)}],\n" for n, v in body.fields)
        before.append(f"const body = new URLSearchParams([\n{pairs}]);")
        options.append("body")
    elif isinstance(body, MultipartBody):
        before.append("const body = new FormData();")
        for item in body.fields:
            if item.is_file:
                imports = [
                    'import { readFile } from "node:fs/promises";',
                    'import { basename } from "node:path";',
                ]
                path = js.expr(item.value)
                before.append(
                    f"body.append({js.expr(item.name)}, "
                    f"new Blob([await readFile({path})]), basename({path}));"
                )
            else:
                before.append(f"body.append({js.expr(item.name)}, {js.expr(item.value)});")
        options.append("body")
    options.append('redirect: "manual"')  # carman does not follow redirects either
    lines = ["// Node 18+; save as request.mjs (top-level await)"]
    lines += js.reads_comment(variables)
    if imports:
        lines += ["", *imports]
    if variables:
        lines += ["", *js.environment_lines(variables)]
    if before:
        lines += ["", *before]
    lines += ["", f"const response = await fetch({js.expr(code.url, '  ')}, {{"]
    lines += [f"  {option}," for option in options]
    lines += ["});", "console.log(response.status);", "console.log(await response.text());"]
    return "\n".join(lines) + "\n"
