"""Go with net/http (standard library only)."""

from __future__ import annotations

from tui.core.exporters.code import lang_go as go
from tui.core.exporters.code.model import CodeRequest, FormBody, MultipartBody, RawBody
from tui.core.exporters.code.template import Template


def render(code: CodeRequest) -> str:
    variables = code.variables
    imports = {"fmt", "io", "net/http", "os"} if variables else {"fmt", "io", "net/http"}
    templates: list[Template] = [code.url]
    setup: list[str] = []
    reader = "nil"
    body = code.body
    if isinstance(body, RawBody):
        imports.add("strings")
        setup.append(f"\tbody := strings.NewReader({go.expr(body.text)})")
        reader = "body"
    elif isinstance(body, FormBody):
        imports |= {"net/url", "strings"}
        setup.append("\tform := url.Values{}")
        for name, value in body.fields:
            templates += [name, value]
            setup.append(f"\tform.Add({go.expr(name)}, {go.expr(value)})")
        setup.append("\tbody := strings.NewReader(form.Encode())")
        reader = "body"
    elif isinstance(body, MultipartBody):
        imports |= {"bytes", "mime/multipart"}
        setup += ["\tbody := &bytes.Buffer{}", "\twriter := multipart.NewWriter(body)"]
        for item in body.fields:
            templates += [item.name, item.value]
            if item.is_file:
                imports.add("path/filepath")
                path = go.expr(item.value)
                setup += [
                    f"\tfile, err := os.ReadFile({path})",
                    "\tif err != nil {",
                    "\t\tpanic(err)",
                    "\t}",
                    f"\tpart, err := writer.CreateFormFile({go.expr(item.name)}, "
                    f"filepath.Base({path}))",
                    "\tif err != nil {",
                    "\t\tpanic(err)",
                    "\t}",
                    "\tpart.Write(file)",
                ]
                setup = _fresh_declarations(setup)
                imports.add("os")
            else:
                setup.append(f"\twriter.WriteField({go.expr(item.name)}, {go.expr(item.value)})")
        setup.append("\twriter.Close()")
        reader = "body"
    headers = [f"\treq.Header.Add({go.expr(n)}, {go.expr(v)})" for n, v in code.headers]
    if isinstance(body, MultipartBody):
        headers.append('\treq.Header.Set("Content-Type", writer.FormDataContentType())')
    for name, value in code.headers:
        templates += [name, value]
    if code.basic_auth is not None:
        user, password = code.basic_auth
        templates += [user, password]
        headers.append(f"\treq.SetBasicAuth({go.expr(user)}, {go.expr(password)})")
    if go.uses_query_escape(templates):
        imports.add("net/url")
    lines = ["package main", "", "import ("]
    lines += [f'\t"{name}"' for name in sorted(imports)]
    lines += [")", ""]
    if variables:
        lines.append(f"// Reads from the environment: {', '.join(v.env for v in variables)}")
    lines.append("func main() {")
    lines += go.environment_lines(variables)
    lines += setup
    lines += [
        f"\treq, err := http.NewRequest({go.string(code.method)}, {go.expr(code.url)}, {reader})",
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        *headers,
        "\t// Like carman, do not follow redirects.",
        "\tclient := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {",
        "\t\treturn http.ErrUseLastResponse",
        "\t}}",
        "\tresp, err := client.Do(req)",
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        "\tdefer resp.Body.Close()",
        "\tdata, err := io.ReadAll(resp.Body)",
        "\tif err != nil {",
        "\t\tpanic(err)",
        "\t}",
        "\tfmt.Println(resp.StatusCode)",
        "\tfmt.Println(string(data))",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _fresh_declarations(setup: list[str]) -> list[str]:
    """A second file field re-declares nothing: ``file, err :=`` becomes ``=``."""
    seen: set[str] = set()
    out: list[str] = []
    for line in setup:
        for name in ("file", "part"):
            prefix = f"\t{name}, err := "
            if line.startswith(prefix):
                if name in seen:
                    line = f"\t{name}, err = " + line[len(prefix) :]
                seen.add(name)
        out.append(line)
    return out

