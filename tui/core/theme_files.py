"""Theme files: finding, parsing and validating them, without any UI library.

A theme is a TOML file (the format is documented at the top of ``themes/carman-dark.toml``):
top-level ``name``/``description``/``dark``/``ansi``, Textual's colours in ``[colours]``,
optional Textual CSS variables in ``[css]``, and carman's own styles in ``[methods]``,
``[status]``, ``[json]`` and ``[variables]``.

Shipped themes live in the top-level ``themes/`` directory (inside an installed wheel:
``tui/themes``); user themes in ``<XDG config>/carman/themes/*.toml``. A user theme with the
name of a shipped one replaces it. A file with any problem is skipped as a whole and every
problem becomes a ``LoadIssue`` naming the file, the line and the field.

Colour and style strings are checked here by shape only (core may not import textual or
rich); the interface passes in exact checkers (``textual.color.Color.parse`` and
``rich.style.Style.parse``) so the same messages, with the same file and line, come from here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.errors import LoadIssue
from tui.core.tomlfile import TomlFileError, read_toml

DEFAULT_THEME = "carman-dark"
NO_COLOR_THEME = "carman-high-contrast"

# Textual's theme colours (textual.theme.Theme fields). Only ``primary`` is required: Textual
# derives the rest.
TEXTUAL_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
STATUS_CLASSES = ("2xx", "3xx", "4xx", "5xx")
JSON_KINDS = ("key", "string", "number", "literal", "punct")
VARIABLE_KINDS = ("resolved", "unresolved")

TOP_LEVEL = ("name", "description", "dark", "ansi")
# section -> the keys it allows (None: free-form names, checked by the css checker).
SECTIONS: dict[str, tuple[str, ...] | None] = {
    "colours": TEXTUAL_COLOURS,
    "css": None,
    "methods": METHODS,
    "status": STATUS_CLASSES,
    "json": JSON_KINDS,
    "variables": VARIABLE_KINDS,
}
_SECTION_HINTS = {
    "colors": "colours",
    "theme": "colours",
    "http": "methods",
    "statuses": "status",
    "syntax": "json",
}

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")

# A check returns None when the value is fine, else a short reason.
Check = Callable[[str], str | None]
CssCheck = Callable[[str, str], str | None]


# -- shape checks used when no UI library supplies exact ones --------------------------------
_ANSI_NAMES = [
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "white",
    "bright_black",
    "bright_red",
    "bright_green",
    "bright_yellow",
    "bright_blue",
    "bright_magenta",
    "bright_cyan",
    "bright_white",
    "default",
]
_COLOUR_SHAPE = re.compile(
    r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})"
    r"|(?:rgb|rgba|hsl|hsla)\(\s*[-0-9.%\s,]+\)"
    r"|color\(\d{1,3}\)"
    r"|[a-z][a-z0-9_]*"
)
STYLE_ATTRIBUTES = frozenset(
    [
        "bold",
        "b",
        "dim",
        "d",
        "italic",
        "i",
        "underline",
        "u",
        "underline2",
        "uu",
        "reverse",
        "r",
        "strike",
        "s",
        "blink",
        "blink2",
        "conceal",
        "c",
        "overline",
        "o",
        "frame",
        "encircle",
        "none",
    ]
)


def shape_colour(value: str) -> str | None:
    """Check that ``value`` looks like a colour (exact names are the UI layer's job)."""
    value = value.strip()
    if not value:
        return "empty colour"
    if value.startswith("ansi_") and value[5:] not in _ANSI_NAMES:
        return f"{value!r} is not an ANSI colour name (ansi_red, ansi_bright_white, …)"
    if _COLOUR_SHAPE.fullmatch(value) is None:
        return f"{value!r} is not a colour (#rrggbb, rgb(r,g,b), a name like red or ansi_red)"
    return None


def shape_style(value: str) -> str | None:
    """Check a Rich-like style: attributes, ``not <attribute>``, a colour, ``on <colour>``."""
    words = value.split()
    if not words:
        return "empty style"
    index = 0
    while index < len(words):
        word = words[index].lower()
        if word in ("on", "not"):
            if index + 1 >= len(words):
                return f"{word!r} must be followed by a {'colour' if word == 'on' else 'style'}"
            index += 1
            nxt = words[index].lower()
            problem = shape_colour(nxt) if word == "on" else None
            if word == "not" and nxt not in STYLE_ATTRIBUTES:
                problem = f"{nxt!r} is not a text attribute"
            if problem:
                return problem
        elif word not in STYLE_ATTRIBUTES and (problem := shape_colour(word)):
            return problem
        index += 1
    return None


def shape_css(name: str, value: str) -> str | None:
    if re.fullmatch(r"[a-z][a-z0-9-]*", name) is None:
        return f"{name!r} is not a CSS variable name (lower-case words joined by hyphens)"
    if not value.strip():
        return "empty value"
    return None


def _no_theme_check(spec: ThemeSpec) -> str | None:
    return None


@dataclass(frozen=True)
class Checks:
    """How values are checked. The interface passes exact ones built on Textual and Rich."""

    colour: Check = shape_colour
    style: Check = shape_style
    css: CssCheck = shape_css
    theme: Callable[[ThemeSpec], str | None] = _no_theme_check  # the theme as a whole


def normalise_style(value: str) -> str:
    """Let styles use Textual's ``ansi_red`` names too: Rich calls that colour ``red``."""
    return " ".join(
        word[5:] if word.lower().startswith("ansi_") else word for word in value.split()
    )


# -- the model -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Palette:
    """carman's own styles (Rich style strings, already normalised)."""

    methods: Mapping[str, str]
    status: Mapping[int, str]  # 2..5 -> style
    json: Mapping[str, str]
    variables: Mapping[str, str]


# Used for keys a theme leaves out (and when no shipped theme could be read at all). They
# match carman-dark and carman-light, so a partial user theme still looks deliberate.
FALLBACK_DARK = Palette(
    methods={
        "GET": "#7aa2f7",
        "POST": "#9ece6a",
        "PUT": "#e0af68",
        "PATCH": "#bb9af7",
        "DELETE": "#f7768e",
        "HEAD": "#7dcfff",
        "OPTIONS": "#7dcfff",
    },
    status={2: "#9ece6a", 3: "#7dcfff", 4: "#e0af68", 5: "#f7768e"},
    json={
        "key": "bold #7aa2f7",
        "string": "#9ece6a",
        "number": "#ff9e64",
        "literal": "#bb9af7",
        "punct": "dim",
    },
    variables={"resolved": "bold #9ece6a", "unresolved": "bold reverse #f7768e"},
)
FALLBACK_LIGHT = Palette(
    methods={
        "GET": "#1f5fbf",
        "POST": "#2f7d32",
        "PUT": "#9a5b00",
        "PATCH": "#7847bd",
        "DELETE": "#c4314b",
        "HEAD": "#0b7285",
        "OPTIONS": "#56607a",
    },
    status={2: "#2f7d32", 3: "#0b7285", 4: "#9a5b00", 5: "#c4314b"},
    json={
        "key": "bold #1f5fbf",
        "string": "#2f7d32",
        "number": "#b04a00",
        "literal": "#7847bd",
        "punct": "#6b7089",
    },
    variables={"resolved": "bold #2f7d32", "unresolved": "bold reverse #c4314b"},
)


@dataclass(frozen=True)
class ThemeSpec:
    name: str
    dark: bool = True
    ansi: bool = False
    description: str = ""
    colours: Mapping[str, str] = field(default_factory=dict)  # Textual colour strings
    css: Mapping[str, str] = field(default_factory=dict)  # extra Textual CSS variables
    palette: Palette = FALLBACK_DARK
    path: Path | None = None
    source: str = "shipped"  # or "user"


HEADLESS = Checks()


@dataclass
class ThemeCatalogue:
    """Every valid theme by name (shipped first, default first) and what was wrong."""

    themes: dict[str, ThemeSpec] = field(default_factory=dict)
    issues: list[LoadIssue] = field(default_factory=list)

    def get(self, name: str) -> ThemeSpec | None:
        return self.themes.get(name)


# -- where themes are ------------------------------------------------------------------------
def shipped_themes_dir() -> Path | None:
    """``tui/themes`` inside an installed wheel, else the repository's top-level ``themes/``."""
    try:
        packaged = resources.files("tui") / "themes"
        if isinstance(packaged, Path) and packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - odd importers
        pass
    # Editable installs and a source checkout: themes/ sits next to the tui package.
    source = Path(__file__).resolve().parent.parent.parent / "themes"
    return source if source.is_dir() else None


def theme_files(directory: Path | None) -> list[Path]:
    if directory is None or not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


# -- line numbers for messages ---------------------------------------------------------------
_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.\-"' ]+?)\s*=""")


def _unquote(part: str) -> str:
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
        return part[1:-1]
    return part


def key_lines(text: str) -> dict[str, int]:
    """Map ``section.key`` (and ``section`` for headers) to the first line that defines it.

    Best effort: good enough to point a user at the line; tomllib already checked syntax.
    """
    found: dict[str, int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            section = ".".join(_unquote(p) for p in header.group(1).split("."))
            found.setdefault(section, number)
            continue
        key = _KEY.match(line)
        if key:
            dotted = ".".join(_unquote(p) for p in key.group(1).split("."))
            found.setdefault(f"{section}.{dotted}" if section else dotted, number)
    return found


# -- parsing ---------------------------------------------------------------------------------
def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Collector:
    def __init__(self, path: Path, lines: Mapping[str, int]) -> None:
        self.path = path
        self.lines = lines
        self.issues: list[LoadIssue] = []

    def add(self, where: str, message: str) -> None:
        line = self.lines.get(where)
        if line is None and "." in where:
            line = self.lines.get(where.rsplit(".", 1)[0])
        self.issues.append(LoadIssue(self.path, f"{where}: {message}", line))


def _type_name(value: object) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def theme_from_data(
    data: Mapping[str, Any],
    path: Path,
    *,
    lines: Mapping[str, int] | None = None,
    source: str = "user",
    checks: Checks = HEADLESS,
) -> tuple[ThemeSpec | None, list[LoadIssue]]:
    """Validate one parsed theme. Returns the theme (None if anything is wrong) and issues."""
    out = _Collector(path, lines or {})
    if not isinstance(data, Mapping):
        out.add("theme", "expected a TOML table")
        return None, out.issues

    for key in data:
        if key not in TOP_LEVEL and key not in SECTIONS:
            hint = _SECTION_HINTS.get(str(key), "")
            hint = (
                f"; did you mean {hint!r}?" if hint else _suggest(str(key), [*TOP_LEVEL, *SECTIONS])
            )
            out.add(str(key), f"unknown setting{hint}")

    name = data.get("name", path.stem)
    if not isinstance(name, str):
        out.add("name", f"expected a string, got {_type_name(name)}")
        name = path.stem
    elif _NAME.fullmatch(name) is None:
        rule = "1-64 letters, digits, '-' or '_'"
        if "name" in data:
            out.add("name", f"{name!r} must be {rule}")
        else:  # the name came from the file name
            out.add("name", f"the file name {name!r} is not a theme name ({rule}); set name = …")

    def boolean(key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            out.add(key, f"expected true or false, got {_type_name(value)}")
            return default
        return value

    dark = boolean("dark", True)
    ansi = boolean("ansi", False)
    description = data.get("description", "")
    if not isinstance(description, str):
        out.add("description", f"expected a string, got {_type_name(description)}")
        description = ""

    def section(name: str) -> dict[str, str]:
        """The string values of one section; every other shape becomes an issue."""
        table = data.get(name, {})
        if not isinstance(table, Mapping):
            out.add(name, f"expected a table ([{name}]), got {_type_name(table)}")
            return {}
        allowed = SECTIONS[name]
        values: dict[str, str] = {}
        for key, value in table.items():
            where = f"{name}.{key}"
            if allowed is not None and key not in allowed:
                hint = ""
                if name == "variables" and "-" in str(key):
                    hint = "; Textual CSS variables go in [css]"
                out.add(where, f"unknown key{hint or _suggest(str(key), allowed)}")
                continue
            if not isinstance(value, str):
                out.add(where, f"expected a string, got {_type_name(value)}")
                continue
            values[str(key)] = value
        return values

    colours = section("colours")
    for key, value in colours.items():
        if problem := checks.colour(value):
            out.add(f"colours.{key}", problem)
    if "primary" not in colours and isinstance(data.get("colours", {}), Mapping):
        out.add("colours", "a theme needs at least colours.primary")

    css = section("css")
    for key, value in css.items():
        if problem := checks.css(key, value):
            out.add(f"css.{key}", problem)

    base = FALLBACK_DARK if dark else FALLBACK_LIGHT

    def styles(name: str) -> dict[str, str]:
        values = {key: normalise_style(value) for key, value in section(name).items()}
        for key, value in values.items():
            if problem := checks.style(value):
                out.add(f"{name}.{key}", problem)
        return values

    methods = {**base.methods, **styles("methods")}
    status = dict(base.status)
    status.update({int(key[0]): value for key, value in styles("status").items()})
    json = {**base.json, **styles("json")}
    variables = {**base.variables, **styles("variables")}

    if out.issues:
        return None, out.issues
    spec = ThemeSpec(
        name=name,
        dark=dark,
        ansi=ansi,
        description=description,
        colours=colours,
        css=css,
        palette=Palette(methods=methods, status=status, json=json, variables=variables),
        path=path,
        source=source,
    )
    if problem := checks.theme(spec):
        out.add("colours", problem)
        return None, out.issues
    return spec, []


def load_theme_file(
    path: Path,
    *,
    source: str = "user",
    checks: Checks = HEADLESS,
) -> tuple[ThemeSpec | None, list[LoadIssue]]:
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        return None, [exc.issue]
    try:
        lines = key_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):  # pragma: no cover - read_toml read it a moment ago
        lines = {}
    return theme_from_data(
        data,
        path,
        lines=lines,
        source=source,
        checks=checks,
    )


def load_themes(
    *,
    shipped_dir: Path | None = None,
    user_dir: Path | None = None,
    checks: Checks = HEADLESS,
) -> ThemeCatalogue:
    """Every valid shipped and user theme; problems are collected, never raised."""
    shipped_dir = shipped_dir if shipped_dir is not None else shipped_themes_dir()
    user_dir = user_dir if user_dir is not None else paths.user_themes_dir()
    catalogue = ThemeCatalogue()
    shipped: dict[str, ThemeSpec] = {}
    for path in theme_files(shipped_dir):
        spec, issues = load_theme_file(path, source="shipped", checks=checks)
        catalogue.issues.extend(issues)
        if spec is not None:
            shipped[spec.name] = spec
    # The default first, then the rest by name: the order the picker shows.
    for name in sorted(shipped, key=lambda n: (n != DEFAULT_THEME, n)):
        catalogue.themes[name] = shipped[name]
    seen_user: dict[str, Path] = {}
    for path in theme_files(user_dir):
        spec, issues = load_theme_file(path, source="user", checks=checks)
        catalogue.issues.extend(issues)
        if spec is None:
            continue
        if spec.name in seen_user:
            catalogue.issues.append(
                LoadIssue(
                    path,
                    f"name: theme {spec.name!r} is already defined by {seen_user[spec.name]}; "
                    "this file is skipped",
                    key_lines(path.read_text(encoding="utf-8")).get("name"),
                )
            )
            continue
        seen_user[spec.name] = path
        catalogue.themes[spec.name] = spec  # a user theme may replace a shipped one
    return catalogue
