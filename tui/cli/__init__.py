"""The ``carman`` command: the TUI by default, headless subcommands otherwise.

Each subcommand lives in its own module with ``add_arguments(parser)`` and ``run(args) -> int``;
modules are imported only when their command runs (or for ``--help``), so startup stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tui import __version__

# name -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "send": ("tui.cli.send", "send a saved request and print the response body"),
    "login": ("tui.cli.login", "log in with OAuth2 (Smartcar Connect) and store the tokens"),
    "token": ("tui.cli.token", "show the state of the stored token"),
    "history": ("tui.cli.history", "list or show past requests"),
    "import": ("tui.cli.importing", "import a Postman collection or environment, or curl"),
    "export": ("tui.cli.exporting", "export a collection to Postman v2.1, or a request as code"),
    "webhooks": ("tui.cli.webhooks", "receive Smartcar webhooks, or list and show stored ones"),
    "sandbox": ("tui.sandbox.cli", "run the offline Smartcar sandbox in the foreground"),
}


def _parser(selected: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carman",
        description="A keyboard-first terminal API client for the Smartcar vehicle API.",
    )
    parser.add_argument("--version", action="version", version=f"carman {__version__}")
    parser.add_argument(
        "--env", dest="tui_env", metavar="NAME", help="environment to start the TUI in"
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="start the offline Smartcar sandbox in-process and use its environment",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        # Only the chosen command's module is imported: plain ``carman`` (the TUI) and
        # ``carman --help`` need none of them (their help lines are above), and importing all
        # seven cost ~0.12 s of the TUI's startup.
        if selected == name:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_module=module)
    return parser


def _selected_command(argv: Sequence[str]) -> str | None:
    return next((arg for arg in argv if arg in SUBCOMMANDS), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    selected = _selected_command(argv)
    parser = _parser(selected)
    args = parser.parse_args(argv)
    if args.command is None:
        from tui.launch import run_tui

        return run_tui(environment=args.tui_env, sandbox=args.sandbox)
    module = args._module
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
