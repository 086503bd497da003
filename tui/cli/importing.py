"""``carman import postman | postman-env | curl``: bring requests in from elsewhere.

Nothing is half-imported: a collection is written to a hidden directory next to its place and
renamed into place once complete. Secrets found on the way go to the secrets file, never into
collection or environment files.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from tui.cli.common import EXIT_OK, fail
from tui.core.errors import CarmanError
from tui.core.importers.report import CLIENT_SECRET, VARIABLE, ImportReport
from tui.core.model import Collection


def add_arguments(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    postman = kinds.add_parser(
        "postman",
        help="a Postman collection (v2.0 or v2.1 JSON)",
        description="Import a Postman collection (v2.0 or v2.1). Tokens are never imported; "
        "client secrets go to the secrets file.",
    )
    postman.add_argument("file", metavar="FILE", help="the collection JSON ('-' reads stdin)")
    postman.add_argument(
        "--into", metavar="DIR", help="collection directory (default: your collections dir)"
    )
    postman.add_argument("--force", action="store_true", help="replace an existing collection")
    _secrets_env_argument(postman)

    env = kinds.add_parser(
        "postman-env",
        help="a Postman environment (JSON)",
        description="Import a Postman environment. Secret values go to the secrets file.",
    )
    env.add_argument("file", metavar="FILE", help="the environment JSON ('-' reads stdin)")
    env.add_argument("--name", metavar="NAME", help="name it NAME instead of its own name")
    env.add_argument("--force", action="store_true", help="replace an existing environment")

    curl = kinds.add_parser(
        "curl",
        help="a curl command",
        description="Import a curl command (quote it as one argument, or '-' to read stdin). "
        "Without --into the request is printed as TOML.",
    )
    curl.add_argument("command", metavar="COMMAND", help="the curl command line, quoted")
    curl.add_argument(
        "--into", metavar="COLLECTION", help="add it to this collection (name or directory)"
    )
    curl.add_argument("--name", metavar="NAME", help="the request's name")
    curl.add_argument(
        "--create",
        action="store_true",
        help="with --into: create the collection when no collection has that name",
    )
    _secrets_env_argument(curl)


def _secrets_env_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--secrets-env",
        metavar="ENV",
        help="store secret values found (API keys, passwords) as secret variables of ENV",
    )


def run(args: argparse.Namespace) -> int:
    handlers = {"postman": _postman, "postman-env": _postman_env, "curl": _curl}
    try:
        return handlers[args.kind](args)
    except CarmanError as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"{getattr(exc, 'filename', None) or 'file'}: {exc.strerror or exc}")


def _warnings(report: ImportReport) -> None:
    for warning in report.warnings:
        print(f"carman: warning: {warning}", file=sys.stderr)


def _store_secrets(
    report: ImportReport, secrets_env: str | None, out: TextIO | None = None
) -> None:
    out = out or sys.stdout
    from tui.core.secrets import SecretsStore

    store = SecretsStore()
    for secret in report.secrets:
        if secret.kind == CLIENT_SECRET:
            if not secret.name or "{{" in secret.name:
                print(
                    f"carman: warning: {secret.where or '(collection)'}: client secret not stored "
                    "(its client id is not known until a variable is set); carman login asks "
                    "for it",
                    file=sys.stderr,
                )
                continue
            store.set_client_secret(secret.name, secret.value)
            print(
                f"  client secret for client id {secret.name} stored in the secrets file", file=out
            )
    names = [s.name for s in report.secrets if s.kind == VARIABLE]
    if not names:
        return
    if secrets_env:
        for secret in report.secrets:
            if secret.kind == VARIABLE:
                store.set_variable(secrets_env, secret.name, secret.value)
        print(
            f"  secret variables stored for environment {secrets_env!r}: {', '.join(names)}",
            file=out,
        )
    else:
        print(
            f"carman: warning: secret values not stored: {', '.join(names)} "
            "(pass --secrets-env ENV to keep them as secret variables of ENV)",
            file=sys.stderr,
        )


# ---- postman ------------------------------------------------------------------------------------


def unique_collection_name(wanted: str, *, replacing: Path | None = None) -> str:
    """``wanted``, or "wanted (2)", "(3)"... when a collection already has that name (the
    collection in the directory ``replacing`` does not count)."""
    from tui.core import paths
    from tui.core.collection_io import load_collections
    from tui.core.collection_ops import unique_name
    from tui.core.workspace import builtin_collections

    mine, _ = load_collections(paths.collections_dir())
    builtin, _ = builtin_collections()
    gone = replacing.resolve() if replacing is not None and replacing.exists() else None
    taken = [
        c.name
        for c in mine + builtin
        if gone is None or c.path is None or Path(c.path).resolve() != gone
    ]
    return unique_name(taken, wanted)


def _postman(args: argparse.Namespace) -> int:
    from tui.core import paths
    from tui.core.collection_io import slugify
    from tui.core.importers.postman import import_postman_file

    collection, report = import_postman_file(Path(args.file))
    target = Path(args.into).expanduser() if args.into else None
    wanted = collection.name
    # Collection names stay unique (built-in ones included), so a path such as
    # "Smartcar API/Vehicle/Odometer" always means one request. The collection already in the
    # target directory does not count: it is replaced with --force, else the import refuses.
    in_place = target or paths.collections_dir() / slugify(wanted)
    collection.name = unique_collection_name(wanted, replacing=in_place)
    target = target or paths.collections_dir() / slugify(collection.name)
    from tui.core.importers.store import save_new_collection

    save_new_collection(collection, target, force=args.force)
    renamed = f' (renamed from "{wanted}", which is taken)' if collection.name != wanted else ""
    print(f'Imported "{collection.name}"{renamed} into {target}: {report.summary()}')
    _store_secrets(report, args.secrets_env)
    _warnings(report)
    return EXIT_OK


# ---- postman-env --------------------------------------------------------------------------------


def _postman_env(args: argparse.Namespace) -> int:
    from tui.core import paths
    from tui.core.collection_io import slugify
    from tui.core.environments import save_environment
    from tui.core.importers.postman_env import import_postman_environment_file

    env, report = import_postman_environment_file(Path(args.file), name=args.name or "")
    target = paths.environments_dir() / f"{slugify(env.name)}.toml"
    if target.exists() and not args.force:
        raise CarmanError(f"environment file {target} already exists; use --force to replace it")
    path = save_environment(env)
    secrets = report.secret_variables()
    print(
        f'Imported environment "{env.name}" into {path}: {len(env.variables)} variables'
        + (f", {len(secrets)} secret{'s' * (len(secrets) != 1)}" if secrets else "")
    )
    if secrets:
        from tui.core.secrets import SecretsStore

        store = SecretsStore()
        for name, value in secrets.items():
            store.set_variable(env.name, name, value)
        print(f"  secret values stored in the secrets file: {', '.join(secrets)}")
    _warnings(report)
    return EXIT_OK


# ---- curl ---------------------------------------------------------------------------------------


def _curl(args: argparse.Namespace) -> int:
    from tui.core.importers.curl import import_curl

    command = sys.stdin.read() if args.command == "-" else args.command
    request, report = import_curl(command, name=args.name or "")
    if not args.into:
        import tomli_w

        from tui.core.serialize import request_to_dict

        sys.stdout.write(tomli_w.dumps(request_to_dict(request), multiline_strings=True))
        print(
            f'Printed "{request.name}" as TOML (not saved; use --into COLLECTION to save it): '
            f"{report.summary()}",
            file=sys.stderr,
        )
        _store_secrets(report, args.secrets_env, out=sys.stderr)
        _warnings(report)
        return EXIT_OK
    collection, created = _target_collection(args.into, create=args.create)
    if collection.read_only:
        raise CarmanError(f"collection {collection.name!r} is built in (read-only); pick another")
    taken = {r.name for r in collection.requests}
    base, counter = request.name, 2
    while request.name in taken:
        request.name = f"{base} ({counter})"
        counter += 1
    collection.requests.append(request)
    from tui.core.collection_io import save_request

    path = save_request(collection, request)
    verb = "created collection" if created else "collection"
    print(f'Added "{request.name}" to {verb} "{collection.name}" ({path}): {report.summary()}')
    _store_secrets(report, args.secrets_env)
    _warnings(report)
    return EXIT_OK


def _target_collection(spec: str, *, create: bool) -> tuple[Collection, bool]:
    from tui.cli.exporting import find_collection
    from tui.core import paths
    from tui.core.collection_io import slugify

    found = find_collection(spec)
    if found is not None:
        return found, False
    directory = Path(spec).expanduser()
    if os.sep in spec or spec.startswith("."):
        path = directory
        name = directory.name
    else:
        path, name = paths.collections_dir() / slugify(spec), spec
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise CarmanError(f"{path} exists but is not a collection directory")
    if not create:
        # A typo must not quietly become a new collection.
        raise CarmanError(
            f"No collection named {spec!r}. Check the name (carman lists them in the TUI's "
            f"tree), or add --create to make a new collection {name!r} at {path}"
        )
    return Collection(name=name, path=path), True
