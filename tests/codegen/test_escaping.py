"""Every language's string escaping, proven by the language itself: any text (quotes,
newlines, unicode, $, backticks, backslashes, braces) read back by Python, bash, Node, Go and
HTTPie's item parser is the text that went in, with environment lookups in their places."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.core.exporters.code import httpie, lang_go, lang_js, lang_python, lang_shell
from tui.core.exporters.code.template import Template, Var, normalise

# Any text a TOML file or an input can hold: no NUL (no shell word or C string carries it)
# and no lone surrogates (not valid UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
NAMES = ["VEHICLE_ID", "SMARTCAR_ACCESS_TOKEN", "NOTE"]
PART = st.one_of(
    TEXT,
    st.builds(
        lambda env, q: Var(env.lower(), env, False, "", q), st.sampled_from(NAMES), st.booleans()
    ),
)
TEMPLATES = st.lists(PART, max_size=6).map(normalise)
VALUES = {"VEHICLE_ID": "v-1 & x", "SMARTCAR_ACCESS_TOKEN": "t$`\\'\"ok", "NOTE": "ü\n🚗 {}"}
EDGE_CASES = [
    "",
    "'",
    '"',
    "\\",
    "$HOME",
    "${X}",
    "`id`",
    "{x}",
    "a\nb\r\n\tc",
    "\u2028",
    "🚗",
    "\x7f\x01",
]


def expected(template: Template, encode=quote) -> str:  # type: ignore[no-untyped-def]
    return "".join(
        p if isinstance(p, str) else (encode(VALUES[p.env], safe="") if p.query else VALUES[p.env])
        for p in template
    )


@given(TEXT)
def test_python_string_literals(text: str) -> None:
    assert ast.literal_eval(lang_python.string(text)) == text


@given(TEMPLATES)
def test_python_expressions_with_lookups(template: Template) -> None:
    source = lang_python.expr(template)
    assert eval(source, {"quote": quote, **VALUES}) == expected(template)


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not on PATH")
@settings(max_examples=40, deadline=None)
@given(st.lists(TEMPLATES, min_size=1, max_size=8))
def test_shell_words(templates: list[Template]) -> None:
    # Query values go into a shell URL as they are (the snippet says so): no encoding.
    plain = [
        tuple(Var(p.name, p.env, p.secret, p.hint) if isinstance(p, Var) else p for p in t)
        for t in templates
    ]
    words = " ".join(lang_shell.word(t) for t in plain)
    done = subprocess.run(
        ["bash", "-c", f"printf '%s\\0' {words}"],
        env={**os.environ, **VALUES},
        capture_output=True,
        check=True,
    )
    got = done.stdout.decode("utf-8").split("\0")[:-1]
    assert got == [expected(t) for t in plain]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
@settings(max_examples=25, deadline=None)
@given(st.lists(TEMPLATES, min_size=1, max_size=8))
def test_javascript_expressions(templates: list[Template]) -> None:
    templates = [*templates, *[(text,) for text in EDGE_CASES]]
    values = "\n".join(f"const {k} = {json.dumps(v)};" for k, v in VALUES.items())
    items = ",\n".join(lang_js.expr(t) for t in templates)
    script = f"{values}\nprocess.stdout.write(JSON.stringify([\n{items}\n]));\n"
    done = subprocess.run(["node", "-e", script], capture_output=True, check=True)
    # encodeURIComponent keeps ! ' ( ) * ~ as they are: the same value in a query string.
    js_quote = lambda value, safe="": quote(value, safe="!'()*~")  # noqa: E731
    assert json.loads(done.stdout) == [expected(t, js_quote) for t in templates]


@pytest.mark.skipif(
    shutil.which("go") is None, reason="go is not on PATH (Go snippets need a Go toolchain)"
)
@settings(max_examples=4, deadline=None)
@given(templates=st.lists(TEMPLATES, min_size=1, max_size=10))
def test_go_expressions(
    templates: list[Template], tmp_path_factory: pytest.TempPathFactory
) -> None:
    templates = [*templates, *[(text,) for text in EDGE_CASES], ("a\nb`c\n",), ("x\ny\n",)]
    folder = tmp_path_factory.mktemp("go")
    declared = "\n".join(
        f"\t{lang_go.ident(Var('', k, False, ''))} := {lang_go.string(v)}"
        for k, v in VALUES.items()
    )
    used = "\n".join(f"\t_ = {lang_go.ident(Var('', k, False, ''))}" for k in VALUES)
    items = ",\n".join(f"\t\t{lang_go.expr(t, chr(9) * 2)}" for t in templates)
    source = (
        'package main\n\nimport (\n\t"encoding/json"\n\t"net/url"\n\t"os"\n)\n\n'
        f"func main() {{\n{declared}\n{used}\n\t_ = url.QueryEscape\n"
        f"\tout := []string{{\n{items},\n\t}}\n\tjson.NewEncoder(os.Stdout).Encode(out)\n}}\n"
    )
    (folder / "main.go").write_text(source, encoding="utf-8")
    env = {**os.environ, "GOCACHE": str(folder / "cache")}
    done = subprocess.run(["go", "run", "main.go"], cwd=folder, env=env, capture_output=True)
    assert done.returncode == 0, done.stderr.decode() + source
    # Go's url.QueryEscape writes a space as "+": the same value in a query string.
    go_quote = lambda value, safe="": quote(value, safe=safe).replace("%20", "+")  # noqa: E731
    assert json.loads(done.stdout) == [expected(t, go_quote) for t in templates]


def _escapes_a_separator(text: str) -> bool:
    return any(text[i] == "\\" and text[i + 1] in ":;@=" for i in range(len(text) - 1))


@given(TEXT.filter(lambda s: not _escapes_a_separator(s + ":")), TEXT)
def test_httpie_items_parse_back(name: str, value: str) -> None:
    from httpie.cli.argtypes import KeyValueArgType
    from httpie.cli.constants import SEPARATOR_GROUP_ALL_ITEMS

    name = name.lstrip("-") or "n"  # an item starting with "-" would be an option
    value = (
        value
        if not any(value[i] == "\\" and value[i + 1] in ":;@=" for i in range(len(value) - 1))
        else "v"
    )
    item = httpie._item((name,), ":", (value,) if value else ())
    parsed = KeyValueArgType(*SEPARATOR_GROUP_ALL_ITEMS)(item[0] if item else "")
    assert (parsed.key, parsed.sep, parsed.value) == (name, ":", value)


def test_httpie_refuses_what_it_cannot_write() -> None:
    from tui.core.exporters.code.model import NotApplicable

    with pytest.raises(NotApplicable, match="HTTPie reads"):
        httpie._item(("X-Path",), ":", ("C:\\:x",))
    with pytest.raises(NotApplicable, match="HTTPie reads"):
        httpie._item(("name\\",), "=", ("x",))
