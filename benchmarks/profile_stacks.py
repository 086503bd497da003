"""Summarise py-spy's collapsed stacks (``py-spy record -f raw``) by where the time goes.

``python -m benchmarks.profile_stacks FILE.txt [FILE.txt ...] [--thread NAME] [--top N]``
prints each category's share of the samples (all files together), then the modules whose
import (own code, not their imports) took the most samples. Used for PROFILES.md.

A sample goes to the first category (in ``CATEGORIES`` order) that one of its frames matches,
so "import" wins over everything an import runs, and styling over the layout that asks for it.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterable

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

OTHER_THREADS = "other threads"
# (category, substrings of "function (file)" any of which puts a sample there)
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (OTHER_THREADS, ("Thread._bootstrap (",)),
    ("import", ("_find_and_load", "<module> (")),
    ("GC", ("(garbage collection)",)),
    ("format worker pipe", ("format_client",)),
    ("body view: page parsing", ("paged_body", "body_index", "body_spool")),
    ("CSS: parsing stylesheets", ("css/tokeniz", "css/parse.py", "_parse_rules")),
    ("CSS: styling widgets", ("Stylesheet.apply", "Stylesheet.update", "_update_styles")),
    ("compose/mount (widget code)", ("_compose", "compose (", "mount_all", "_register")),
    (
        "paint (render lines, compositor)",
        ("render_update", "_render_chops", "render_line", "render_lines", "_render_", "Strip"),
    ),
    ("layout (arrange, reflow)", ("arrange", "_refresh_layout", "reflow", "_layout")),
    ("write frame to terminal", ("App._display", "_begin_update", "_end_update")),
    ("key handling", ("on_key", "_on_key", "dispatch_key", "check_bindings", "run_action")),
)


def parse(line: str) -> tuple[list[str], int] | None:
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not stack or not count.isdigit():
        return None
    return stack.split(";"), int(count)


def category(frames: list[str]) -> str:
    joined = ";".join(frames)
    for name, needles in CATEGORIES:
        if any(needle in joined for needle in needles if needle != "<module> ("):
            return name
        if name == "import" and any(f.startswith("<module> (") for f in frames[1:]):
            return name
    return "other (event loop, messages, Textual internals)"


def own_import(frames: list[str]) -> str | None:
    """The innermost module being executed by an import (the harness's own is skipped)."""
    modules = [f for f in frames[1:] if f.startswith("<module> (")]
    if not modules:
        return None
    match = FRAME.match(modules[-1])
    return match.group("file") if match else modules[-1]


def summarise(lines: Iterable[str], thread: str | None = None) -> tuple[Counter[str], Counter[str]]:
    categories: Counter[str] = Counter()
    imports: Counter[str] = Counter()
    for line in lines:
        parsed = parse(line)
        if parsed is None:
            continue
        frames, count = parsed
        if thread is not None and thread not in frames[0]:
            continue
        categories[category(frames)] += count
        module = own_import(frames)
        if module is not None:
            imports[module] += count
    return categories, imports


def main(argv: list[str]) -> int:
    top = 15
    thread = None
    files = []
    args = iter(argv)
    for arg in args:
        if arg == "--top":
            top = int(next(args))
        elif arg == "--thread":
            thread = next(args)
        else:
            files.append(arg)
    lines: list[str] = []
    for path in files:
        with open(path) as handle:
            lines += handle.readlines()
    categories, imports = summarise(lines, thread)
    threads = categories.pop(OTHER_THREADS, 0)
    total = sum(categories.values()) or 1
    print(
        f"main thread: {total} samples in {len(files)} file(s) ({total / len(files):.0f} per"
        f" file; other threads, mostly waiting: {threads / len(files):.0f} per file)"
    )
    for name, count in categories.most_common():
        print(f"  {count / total:6.1%}  {count / len(files):6.0f}  {name}")
    print("modules by own import samples:")
    for module, count in imports.most_common(top):
        print(f"  {count / total:6.1%}  {count / len(files):6.0f}  {module}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
