"""``carman send PATH``: send a saved request and print the body.

Exit codes: 0 for 2xx, 1 for any other HTTP status, 2 for a transport error or bad input.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from tui.cli.common import EXIT_BAD_INPUT, EXIT_HTTP_ERROR, EXIT_OK, add_env_argument, fail
from tui.core.errors import CarmanError
from tui.core.exchange import Exchange
from tui.core.send import NeedsLogin


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", help="collection/folders/request name, e.g. 'Smartcar API/User/User'"
    )
    add_env_argument(parser)
    parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a session variable for this send (repeatable)",
    )
    parser.add_argument(
        "-i", "--include", action="store_true", help="print the status line and headers first"
    )


def _parse_vars(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CarmanError(f"--var {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def _print_exchange(exchange: Exchange, include: bool) -> None:
    response = exchange.response
    assert response is not None
    out = sys.stdout
    if include:
        out.write(f"{response.http_version} {response.status} {response.reason}\n")
        for name, value in response.headers:
            out.write(f"{name}: {value}\n")
        out.write("\n")
    out.flush()
    sys.stdout.buffer.write(response.body)
    if response.body and not response.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()


async def _send(args: argparse.Namespace) -> int:
    from tui.cli.common import open_cli_session

    session = open_cli_session(args.env)
    workspace = session.workspace
    session.open_history(on_error=lambda exc: print(f"carman: history: {exc}", file=sys.stderr))
    try:
        collection, request = workspace.find_request(args.path)
        for name, value in _parse_vars(args.var).items():
            workspace.variables.set(name, value, layer="session")
        exchange, capture = await workspace.send(collection, request)
    finally:
        await session.aclose()
    if exchange.error is not None:
        return fail(exchange.error.message)
    for problem in capture.problems:
        print(f"carman: capture {problem}", file=sys.stderr)
    _print_exchange(exchange, args.include)
    assert exchange.response is not None
    if exchange.ok:
        return EXIT_OK
    response = exchange.response
    print(f"carman: HTTP {response.status} {response.reason}", file=sys.stderr)
    return EXIT_HTTP_ERROR


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_send(args))
    except NeedsLogin as exc:
        env = args.env or "sandbox"
        return fail(f"{exc} Run: carman login --env {env}")
    except CarmanError as exc:
        return fail(str(exc), EXIT_BAD_INPUT)
