"""The headless loader: shipped themes are complete and valid; mistakes name file and line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tui.core import theme_files as core
from tui.core.theme_files import (
    DEFAULT_THEME,
    JSON_KINDS,
    METHODS,
    NO_COLOR_THEME,
    STATUS_CLASSES,
    TEXTUAL_COLOURS,
    key_lines,
    load_theme_file,
    load_themes,
    shape_colour,
    shape_style,
    theme_from_data,
)
from tui.core.tomlfile import read_toml
from tui.theming import EXACT_CHECKS, load_catalogue

SHIPPED = core.shipped_themes_dir()
MINIMAL = 'name = "mine"\n[colours]\nprimary = "#336699"\n'


def test_the_shipped_directory_is_found_and_holds_the_required_themes() -> None:
    assert SHIPPED is not None and SHIPPED.name == "themes"
    names = {path.stem for path in core.theme_files(SHIPPED)}
    assert {"carman-dark", "carman-light", "carman-high-contrast", "carman-synthwave"} <= names


@pytest.mark.parametrize("path", core.theme_files(SHIPPED), ids=lambda p: p.stem)
def test_every_shipped_theme_is_valid_and_complete(path: Path) -> None:
    spec, issues = load_theme_file(path, source="shipped", checks=EXACT_CHECKS)
    assert issues == [] and spec is not None
    assert spec.name == path.stem
    # Shipped themes spell out every setting rather than leaning on fallbacks.
    data = read_toml(path)
    assert set(TEXTUAL_COLOURS) - {"boost"} <= set(data["colours"])
    assert set(data["methods"]) == set(METHODS)
    assert set(data["status"]) == set(STATUS_CLASSES)
    assert set(data["json"]) == set(JSON_KINDS)
    assert set(data["variables"]) == {"resolved", "unresolved"}
    assert isinstance(data["dark"], bool) and data.get("description")


def test_the_catalogue_lists_the_default_first_and_has_no_issues(xdg: Path) -> None:
    catalogue = load_catalogue()
    assert catalogue.issues == []
    assert next(iter(catalogue.themes)) == DEFAULT_THEME
    assert catalogue.themes["carman-light"].dark is False


def test_the_high_contrast_theme_survives_without_colour(xdg: Path) -> None:
    spec = load_catalogue().themes[NO_COLOR_THEME]
    assert spec.ansi  # the terminal's own 16 colours
    assert all(v.startswith("ansi_") for v in spec.colours.values())
    # No truecolour anywhere, so a 16-colour terminal shows exactly what was meant.
    palette = spec.palette
    every = [*palette.methods.values(), *palette.status.values(), *palette.json.values()]
    assert not any("#" in style for style in [*every, *palette.variables.values()])
    # Meaning carried by attributes as well: errors, destructive methods, unresolved names.
    for style in (palette.status[4], palette.status[5], palette.methods["DELETE"]):
        assert "underline" in style
    assert {"bold", "reverse"} <= set(palette.variables["unresolved"].split())


def test_a_minimal_user_theme_takes_the_rest_from_the_fallbacks(user_theme: Callable) -> None:
    user_theme("mine", MINIMAL)
    light = user_theme("paper", 'dark = false\n[colours]\nprimary = "#336699"\n')
    catalogue = load_themes(checks=EXACT_CHECKS)
    assert catalogue.issues == []
    mine = catalogue.themes["mine"]
    assert mine.source == "user" and mine.palette == core.FALLBACK_DARK
    assert catalogue.themes[light.stem].palette == core.FALLBACK_LIGHT


def test_a_user_theme_replaces_a_shipped_one_of_the_same_name(user_theme: Callable) -> None:
    user_theme("my-dark", 'name = "carman-dark"\n[colours]\nprimary = "#ff0000"\n')
    spec = load_themes(checks=EXACT_CHECKS).themes["carman-dark"]
    assert spec.source == "user" and spec.colours["primary"] == "#ff0000"


def test_two_user_files_with_one_name_keep_the_first(user_theme: Callable) -> None:
    user_theme("a", MINIMAL)
    second = user_theme("b", MINIMAL)
    catalogue = load_themes(checks=EXACT_CHECKS)
    assert catalogue.themes["mine"].path is not None and catalogue.themes["mine"].path.stem == "a"
    assert [str(i) for i in catalogue.issues] == [
        f"{second}:1: name: theme 'mine' is already defined by {second.parent / 'a.toml'}; "
        "this file is skipped"
    ]


BAD_FILES = [
    # (file text, expected line, words the message must contain)
    ('name = "x"\n[colours]\nprimary = "#123456\n', 3, ["invalid TOML"]),
    ('name = "x"\ndark = "yes"\n[colours]\nprimary = "#123456"\n', 2, ["dark", "true or false"]),
    ('[colours]\nprimary = "#123456"\nsurface = "blu"\n', 3, ["colours.surface", "'blue'"]),
    ('[colours]\nprimary = "#123456"\n[methods]\nGET = "bold #12345"\n', 4, ["methods.GET"]),
    ('[colours]\nprimary = "#123456"\n[status]\n6xx = "red"\n', 4, ["status.6xx", "unknown"]),
    ('[colours]\nprimary = "#123456"\n[json]\nkey = 7\n', 4, ["json.key", "a string"]),
    ('[colors]\nprimary = "#123456"\n', 1, ["colors", "'colours'"]),
    ('[colours]\nsecondary = "#123456"\n', 1, ["colours.primary"]),
    ('[colours]\nprimary = "#123456"\n[css]\n"block-cursor-bg" = "red"\n', 4, ["css.block"]),
    (
        '[colours]\nprimary = "#123456"\n[variables]\n"footer-key-foreground" = "red"\n',
        4,
        ["[css]"],
    ),
    ('name = "has space"\n[colours]\nprimary = "#123456"\n', 1, ["name", "letters"]),
    ('[colours]\nprimary = "#123456"\n[css]\n"link-style" = "wavy"\n', 4, ["text style", "wavy"]),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD_FILES)
def test_a_malformed_theme_is_skipped_with_file_line_and_field(
    user_theme: Callable, text: str, line: int, words: list[str]
) -> None:
    path = user_theme("broken", text)
    catalogue = load_themes(checks=EXACT_CHECKS)
    assert "broken" not in catalogue.themes and "x" not in catalogue.themes
    assert DEFAULT_THEME in catalogue.themes  # the shipped ones are unaffected
    assert catalogue.issues, "a problem must be reported"
    message = str(catalogue.issues[0])
    assert message.startswith(f"{path}:{line}: "), message
    for word in words:
        assert word in message, message


def test_every_problem_in_a_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(
        'dark = 1\nextra = true\n[colours]\nprimary = "nope"\n[methods]\nGET = "bold zz"\n'
    )
    spec, issues = load_theme_file(path, checks=EXACT_CHECKS)
    assert spec is None
    assert [issue.line for issue in issues] == [2, 1, 4, 6]


def test_key_lines_understands_sections_quotes_and_dotted_keys() -> None:
    text = 'name = "a"\n\n[colours]\n primary = "#fff"\n\n[status]\n"2xx" = "red"\n[json]\n'
    text += "methods.GET = 'x'\n"
    lines = key_lines(text)
    assert lines["name"] == 1
    assert lines["colours"] == 3 and lines["colours.primary"] == 4
    assert lines["status.2xx"] == 7
    assert lines["json.methods.GET"] == 9


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("#7aa2f7", True),
        ("#abc", True),
        ("ansi_bright_white", True),
        ("ansi_default", True),
        ("rgb(1, 2, 3)", True),
        ("red", True),
        ("ansi_purple", False),
        ("#12345", False),
        ("", False),
        ("two words", False),
    ],
)
def test_the_headless_colour_check(value: str, ok: bool) -> None:
    assert (shape_colour(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("bold #7aa2f7", True),
        ("bold reverse red on #000000", True),
        ("not bold dim", True),
        ("on", False),
        ("not green", False),
        ("bold #12", False),
        ("", False),
    ],
)
def test_the_headless_style_check(value: str, ok: bool) -> None:
    assert (shape_style(value) is None) is ok


def test_ansi_names_are_accepted_in_styles(tmp_path: Path) -> None:
    data = {"colours": {"primary": "ansi_blue"}, "methods": {"GET": "bold ansi_bright_cyan"}}
    spec, issues = theme_from_data(data, tmp_path / "t.toml", checks=EXACT_CHECKS)
    assert issues == [] and spec is not None
    assert spec.palette.methods["GET"] == "bold bright_cyan"  # Rich's name for it


def test_an_installed_wheel_reads_tui_themes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    packaged = tmp_path / "tui"
    (packaged / "themes").mkdir(parents=True)
    monkeypatch.setattr(core.resources, "files", lambda _package: packaged)
    assert core.shipped_themes_dir() == packaged / "themes"


def test_the_fallback_palettes_match_the_shipped_dark_and_light_themes(xdg: Path) -> None:
    catalogue = load_catalogue()
    assert catalogue.themes["carman-dark"].palette == core.FALLBACK_DARK
    assert catalogue.themes["carman-light"].palette == core.FALLBACK_LIGHT


def test_a_file_name_that_is_no_theme_name_says_so(user_theme: Callable) -> None:
    path = user_theme("my theme", MINIMAL.replace('name = "mine"\n', ""))
    catalogue = load_themes(checks=EXACT_CHECKS)
    assert [str(i) for i in catalogue.issues] == [
        f"{path}: name: the file name 'my theme' is not a theme name "
        "(1-64 letters, digits, '-' or '_'); set name = …"
    ]


def test_a_theme_refused_as_a_whole_keeps_the_shipped_one(user_theme: Callable) -> None:
    path = user_theme("dark", 'name = "carman-dark"\n[colours]\nprimary = "#ff0000"\n')

    def refuse_red(spec: core.ThemeSpec) -> str | None:
        return "too red" if spec.colours.get("primary") == "#ff0000" else None

    checks = core.Checks(theme=refuse_red)
    catalogue = load_themes(checks=checks)
    assert catalogue.themes["carman-dark"].source == "shipped"
    assert [str(i) for i in catalogue.issues] == [f"{path}:2: colours: too red"]
