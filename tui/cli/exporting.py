"""``carman export postman COLLECTION [-o FILE]``: a collection as Postman v2.1 JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli.common import EXIT_OK, fail
from tui.core.errors import CarmanError
from tui.core.model import Collection


def add_arguments(parser: argparse.ArgumentParser) -> None:
    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    postman = formats.add_parser(
        "postman",
        help="a collection as Postman Collection v2.1 JSON (no secrets)",
        description="Export a collection as Postman Collection v2.1 JSON. Client secrets and "
        "literal tokens are never written.",
    )
    postman.add_argument(
        "collection", metavar="COLLECTION", help="a collection's name, or its directory"
    )
    postman.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )


def _load_all() -> list[Collection]:
    from tui.core import paths
    from tui.core.collection_io import load_collections
    from tui.core.workspace import builtin_collections

    mine, _ = load_collections(paths.collections_dir())
    builtin, _ = builtin_collections()
    return mine + builtin


def find_collection(spec: str) -> Collection | None:
    """A collection by directory, name (exact, then ignoring case) or directory name."""
    from tui.core.collection_io import COLLECTION_FILE, load_collection, slugify

    directory = Path(spec).expanduser()
    if directory.is_dir() and (directory / COLLECTION_FILE).exists():
        collection, issues = load_collection(directory)
        for issue in issues:
            print(f"carman: warning: {issue}", file=sys.stderr)
        return collection
    collections = _load_all()
    for matches in (
        lambda c: c.name == spec,
        lambda c: c.name.lower() == spec.lower(),
        lambda c: c.path is not None and Path(c.path).name == slugify(spec),
    ):
        found = [c for c in collections if matches(c)]
        if found:
            return found[0]
    return None


def locate_collection(spec: str) -> Collection:
    found = find_collection(spec)
    if found is None:
        known = ", ".join(sorted(c.name for c in _load_all())) or "none"
        raise CarmanError(f"no collection {spec!r} (a name or a directory; known: {known})")
    return found


def run(args: argparse.Namespace) -> int:
    from tui.core.atomic import atomic_write_text
    from tui.core.exporters.postman import export_postman_json

    try:
        collection = locate_collection(args.collection)
        text, report = export_postman_json(collection)
    except CarmanError as exc:
        return fail(str(exc))
    summary = f'Exported "{collection.name}": {report.summary()}'
    if args.output:
        try:
            atomic_write_text(Path(args.output), text)
        except OSError as exc:
            return fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(f"{summary} -> {args.output}")
    else:
        sys.stdout.write(text)
        print(summary, file=sys.stderr)
    for warning in report.warnings:
        print(f"carman: warning: {warning}", file=sys.stderr)
    return EXIT_OK
