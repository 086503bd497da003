"""What every headless command shares: opening the session, printing errors."""

from __future__ import annotations

import argparse
import sys

from tui.core.session import Session, open_session

EXIT_OK = 0
EXIT_HTTP_ERROR = 1
EXIT_BAD_INPUT = 2


def add_env_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", metavar="NAME", help="environment to use (default: sandbox)")


def fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    print(f"carman: {message}", file=sys.stderr)
    return code


def open_cli_session(environment: str | None) -> Session:
    """The session for a headless command (the sandbox started or found when it is the
    environment); raises CarmanError with a clear message. Load problems go to stderr."""
    from tui.sandbox import ensure_sandbox

    session = open_session(environment, sandbox_provider=ensure_sandbox)
    for issue in session.workspace.issues:
        print(f"carman: warning: {issue}", file=sys.stderr)
    return session


def positive_int(text: str) -> int:
    """argparse ``type`` for ids and limits: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


LIST_LIMIT = 50  # rows a list command prints unless told otherwise


def add_list_arguments(parser: argparse.ArgumentParser, rows: str) -> None:
    """``--search`` and ``--limit`` of a list command that prints ``rows``, newest first."""
    parser.add_argument(
        "--search", "-s", metavar="TEXT", default="", help=f"only {rows} matching every word"
    )
    parser.add_argument(
        "--limit",
        "-n",
        type=positive_int,
        default=LIST_LIMIT,
        metavar="N",
        help=f"list at most N {rows}, newest first (default {LIST_LIMIT})",
    )
