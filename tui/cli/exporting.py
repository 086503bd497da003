"""``carman export postman COLLECTION [-o FILE]``: a collection as Postman v2.1 JSON.

``carman export code PATH --lang TARGET [--resolve] [--inline-secret NAME] [-o FILE]``: one
request as working code (see ``tui.core.exporters.code``). Exit codes: 0 written, 2 bad input
(no such request, a target that cannot send it, unresolved variables, no token to inline).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tui.cli.common import EXIT_OK, add_env_argument, fail
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
    _add_code_arguments(formats)


def _add_code_arguments(formats: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from tui.core.exporters.code.registry import TARGETS

    listed = "; ".join(f"{t.id} ({t.label})" for t in TARGETS)
    code = formats.add_parser(
        "code",
        help="one request as working code (curl, HTTPie, Python, JavaScript, Go, Smartcar SDKs)",
        description="Print a saved request as working code. Variables are read from the "
        "environment (vehicle_id -> VEHICLE_ID, access_token -> SMARTCAR_ACCESS_TOKEN, ...) "
        "unless --resolve writes their current values; secrets always stay environment "
        f"lookups unless named with --inline-secret. Targets: {listed}.",
    )
    code.add_argument(
        "path",
        metavar="PATH",
        help="collection/folders/request, e.g. 'Smartcar API/Vehicle/Odometer'",
    )
    code.add_argument(
        "--lang",
        required=True,
        choices=[t.id for t in TARGETS],
        metavar="TARGET",
        help="one of: " + ", ".join(t.id for t in TARGETS),
    )
    add_env_argument(code)
    code.add_argument(
        "--resolve",
        action="store_true",
        help="write variables' current values instead of environment lookups (not secrets)",
    )
    code.add_argument(
        "--inline-secret",
        action="append",
        default=[],
        metavar="NAME",
        help="write this secret's value inline after all (repeatable; e.g. access_token)",
    )
    code.add_argument(
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
    if args.format == "code":
        return _run_code(args)
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


# ---- code ----------------------------------------------------------------------------------------


async def _snippet(args: argparse.Namespace) -> tuple[str, list[str]]:
    from tui.cli.common import open_cli_session
    from tui.core.exporters.code import CodeOptions, build_code_request, generate

    session = open_cli_session(args.env)
    workspace = session.workspace
    try:
        collection, request = workspace.find_request(args.path)
        inline = frozenset(args.inline_secret)
        settings = workspace.oauth_settings(collection, request)
        if "access_token" in inline and settings is not None:
            # Refresh a due token first, as a send would, so an inlined token is a valid one.
            await session.tokens.ensure_fresh(workspace.resolve_settings(settings))
        if "app_token" in inline:
            # Likewise the application token of Smartcar v3 (fetched if there is none yet).
            await session.tokens.app_token()
        options = CodeOptions(resolve=args.resolve, inline_secrets=inline)
        code = build_code_request(workspace, collection, request, options)
        snippet = generate(code, args.lang)
    finally:
        await session.aclose()
    return snippet.text, list(snippet.notes)


def _run_code(args: argparse.Namespace) -> int:
    import asyncio

    from tui.core.atomic import atomic_write_text
    from tui.core.exporters.code import NotApplicable

    try:
        text, notes = asyncio.run(_snippet(args))
    except (CarmanError, NotApplicable) as exc:
        return fail(str(exc))
    if args.output:
        try:
            # A snippet with a secret written inline is as private as the secrets file.
            mode = 0o600 if args.inline_secret else None
            atomic_write_text(Path(args.output), text, mode=mode)
        except OSError as exc:
            return fail(f"cannot write {args.output}: {exc.strerror or exc}")
        print(f"Wrote {args.path} as {args.lang} -> {args.output}")
    else:
        sys.stdout.write(text)
    for note in notes:
        print(f"carman: note: {note}", file=sys.stderr)
    return EXIT_OK
