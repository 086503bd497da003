"""Fuzzing the theme parser: any TOML-ish input gives a theme or clear issues, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.core.theme_files import SECTIONS, TOP_LEVEL, load_theme_file, theme_from_data
from tui.theming import EXACT_CHECKS

PATH = Path("fuzz.toml")

_keys = st.one_of(
    st.sampled_from([*TOP_LEVEL, *SECTIONS, "primary", "GET", "2xx", "key", "resolved", "border"]),
    st.text(min_size=1, max_size=12),
)
_strings = st.one_of(
    st.sampled_from(
        ["#7aa2f7", "bold red", "ansi_red", "not bold", "on", "#12", "blu", "rgb(1,2)", ""]
    ),
    st.text(max_size=20),
)
_scalars = st.one_of(
    _strings, st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False)
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=12,
)
# Sections filled with plausible keys, so the fuzz reaches the colour and style checks.
_section = st.dictionaries(
    st.sampled_from(
        [
            *("primary", "background", "GET", "DELETE", "2xx", "5xx", "key", "punct"),
            *("resolved", "block-cursor-text-style", "border", "link-style"),
        ]
    ),
    st.one_of(_strings, _scalars),
    max_size=5,
)
_themes = st.dictionaries(_keys, st.one_of(_values, _section), max_size=8) | st.fixed_dictionaries(
    {"colours": _section, "methods": _section, "css": _section}
)


def _assert_clear(spec: Any, issues: list[Any], path: Path) -> None:
    assert (spec is None) == bool(issues)
    for issue in issues:
        text = str(issue)
        assert text.startswith(str(path)) and issue.message.strip()
        # Each message names the field: "<field>: <why>".
        assert ": " in issue.message


@settings(max_examples=200, deadline=None)
@given(_themes)
def test_any_parsed_table_gives_a_theme_or_clear_issues(data: dict[str, Any]) -> None:
    spec, issues = theme_from_data(data, PATH, checks=EXACT_CHECKS)
    _assert_clear(spec, issues, PATH)
    if spec is not None:
        assert set(spec.palette.methods) >= {"GET", "DELETE"}


@settings(max_examples=100, deadline=None)
@given(_themes)
def test_the_headless_checks_never_crash_either(data: dict[str, Any]) -> None:
    spec, issues = theme_from_data(data, PATH)
    _assert_clear(spec, issues, PATH)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_themes.map(lambda d: _dump(d)), st.text(max_size=80)))
def test_any_file_gives_a_theme_or_clear_issues(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.toml"
        path.write_text(text, encoding="utf-8")
        spec, issues = load_theme_file(path, checks=EXACT_CHECKS)
        _assert_clear(spec, issues, path)


def _dump(data: dict[str, Any]) -> str:
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError):  # e.g. a list of mixed tables: not writable as TOML
        return ""
