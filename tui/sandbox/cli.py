"""``carman sandbox``: run the sandbox in the foreground until Ctrl-C.

The command-line entry point wires ``add_arguments`` and ``run``; ``python -m tui.sandbox``
does the same on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from types import FrameType
from typing import TextIO

from tui.core.paths import sandbox_dir
from tui.sandbox import clients, config
from tui.sandbox.admin import is_loopback
from tui.sandbox.running import find_running
from tui.sandbox.runtime import start_sandbox
from tui.sandbox.v3.settings import ENVELOPES, TIMESTAMPS, UNITS, V3Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default=config.DEFAULT_HOST,
        help="address to listen on (default %(default)s: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=config.DEFAULT_PORT,
        help="port to listen on; 0 picks a free one (default %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="N",
        help="make ids, VINs and random values reproducible",
    )
    parser.add_argument(
        "--reset", action="store_true", help="forget every user, vehicle and token stored so far"
    )
    parser.add_argument(
        "--client-id",
        default=None,
        help=f"test application's client id (default {config.DEFAULT_CLIENT_ID})",
    )
    parser.add_argument(
        "--client-secret",
        default=None,
        help=f"test application's client secret (default {config.DEFAULT_CLIENT_SECRET})",
    )
    parser.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        metavar="URI",
        dest="redirect_uris",
        help="also accept this redirect URI for the test client (repeatable; kept in the "
        "sandbox state)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    v3 = parser.add_argument_group(
        "API v3 switches", "where Smartcar's documents disagree, answer the other way"
    )
    v3.add_argument(
        "--v3-envelope",
        choices=ENVELOPES,
        default="wrapped",
        help='single vehicle/signal as {"data": ...} or bare (default %(default)s)',
    )
    v3.add_argument(
        "--v3-timestamps",
        choices=TIMESTAMPS,
        default="epoch_ms",
        help="signal meta times (default %(default)s)",
    )
    v3.add_argument(
        "--v3-units",
        choices=UNITS,
        default="rest",
        help="unit names: REST (kilometers, percentage) or webhook (km, percent)",
    )
    v3.add_argument(
        "--v3-empty-until-subscribed",
        action="store_true",
        help="answer no signals for a vehicle until it is subscribed to a webhook",
    )
    v3.add_argument(
        "--v3-no-legacy-bearer",
        action="store_true",
        help="refuse per-vehicle v2.0 tokens on the v3 read endpoints",
    )


def v3_settings(args: argparse.Namespace) -> V3Settings:
    """The v3 switches the command line asked for."""
    return V3Settings(
        envelope=args.v3_envelope,
        timestamps=args.v3_timestamps,
        units=args.v3_units,
        empty_until_subscribed=args.v3_empty_until_subscribed,
        legacy_bearer=not args.v3_no_legacy_bearer,
    )


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = sys.stderr
    if not 0 <= args.port <= 65535:
        print(f"carman sandbox: --port must be between 0 and 65535, not {args.port}.", file=err)
        return 2
    for uri in getattr(args, "redirect_uris", None) or []:
        problem = clients.check_redirect_uri(uri)
        if problem:
            print(f"carman sandbox: --redirect-uri {uri!r}: {problem}.", file=err)
            return 2
    directory = sandbox_dir()
    running = find_running(directory)
    if running is not None:
        print(
            f"carman sandbox: a sandbox already runs at {running['base_url']} "
            f"(pid {running['pid']}) on {directory}. Use it, or stop it first.",
            file=err,
        )
        return 1
    try:
        sandbox = start_sandbox(
            host=args.host,
            port=args.port,
            seed=args.seed,
            reset=args.reset,
            client_id=args.client_id,
            client_secret=args.client_secret,
            verbose=args.verbose,
            announce=True,
            v3=v3_settings(args),
        )
    except OSError as error:
        reason = error.strerror or str(error)
        print(
            f"carman sandbox: cannot listen on {args.host}:{args.port}: {reason}. "
            f"Try another --port (0 picks a free one).",
            file=err,
        )
        return 1
    if not is_loopback(args.host):
        print(
            f"carman sandbox: warning: listening on {args.host} makes the sandbox reachable "
            f"from other machines (its admin endpoints still answer loopback only).",
            file=err,
        )
    for uri in getattr(args, "redirect_uris", None) or []:
        sandbox.register_redirect_uri(uri)
    seed_note = f"  (seed {args.seed})" if args.seed is not None else ""
    redirect_uris = sandbox.redirect_uris()
    lines = [
        f"carman sandbox — Smartcar test mode, offline — {sandbox.base_url}",
        f"  Connect URL   {sandbox.connect_url}",
        f"  Token URL     {sandbox.token_url}  (v3 application token: {sandbox.app_token_url})",
        f"  API URL       {sandbox.api_url}/v2.0  (v3: {sandbox.api_url}/v3)",
        f"  Client id     {sandbox.client_id}",
        f"  Client secret {sandbox.client_secret}",
        f"  AMT           {sandbox.amt}  (management API and webhook unsubscribe)",
        f"  Redirect URIs {redirect_uris[0] if redirect_uris else '(none)'}",
        *(f"                {uri}" for uri in redirect_uris[1:]),
        f"                add one: curl -X POST {sandbox.base_url}/_sandbox/redirect_uris "
        """-H 'Content-Type: application/json' -d '{"uri": "https://…/callback"}'""",
        f"  State         {sandbox.state_dir}{seed_note}",
        "Log in: `carman login --env sandbox` opens Connect (any email and password work), or",
        "`carman login --env sandbox --approve-as 2-vehicles@smartcar.com` signs in without a",
        "browser and gives an electric and a petrol car. Press Ctrl-C to stop.",
    ]
    print("\n".join(lines), file=out, flush=True)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGTERM ends the sandbox as cleanly as Ctrl-C (running.json removed).
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        if previous is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, previous)
    print("carman sandbox stopped.", file=out, flush=True)
    return 0
