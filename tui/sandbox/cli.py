"""``carman sandbox``: run the sandbox in the foreground until Ctrl-C.

The command-line entry point wires ``add_arguments`` and ``run``; ``python -m tui.sandbox``
does the same on its own.

``--webhook URL`` (repeatable) defines a v3 webhook delivering there; ``--webhook-signals``,
``--webhook-triggers``, ``--webhook-every`` and ``--webhook-timeout`` shape every webhook of
the command line. They auto-subscribe (every vehicle connected now or later is subscribed), so
a login is enough to see deliveries. A webhook is found again by its URL on the next start:
its settings are updated and it is verified again, rather than defined twice.
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
from tui.sandbox.runtime import Sandbox, start_sandbox
from tui.sandbox.v3.settings import ENVELOPES, TIMESTAMPS, UNITS, V3Settings
from tui.sandbox.webhooks import definitions
from tui.sandbox.webhooks.settings import DeliverySettings


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
    parser.add_argument(
        "--amt",
        default=None,
        metavar="TOKEN",
        help=f"application management token: v2.0 management API key and the HMAC key of "
        f"webhook signatures (default {config.DEFAULT_AMT})",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    hooks = parser.add_argument_group(
        "API v3 webhooks", "deliveries to your receiver (VERIFY first, signed with the AMT)"
    )
    hooks.add_argument(
        "--webhook",
        action="append",
        default=[],
        metavar="URL",
        dest="webhooks",
        help="define a webhook delivering to URL (repeatable; auto-subscribes every vehicle)",
    )
    hooks.add_argument(
        "--webhook-signals",
        default=None,
        metavar="CODE,CODE",
        help="data signals every delivery carries (default "
        f"{','.join(definitions.DEFAULT_DATA)})",
    )
    hooks.add_argument(
        "--webhook-triggers",
        default=None,
        metavar="CODE,CODE",
        help="signals whose change fires a delivery (default "
        f"{','.join(definitions.DEFAULT_TRIGGERS)}; empty for none)",
    )
    hooks.add_argument(
        "--webhook-every",
        type=int,
        default=None,
        metavar="MINUTES",
        help="also deliver every MINUTES of the sandbox clock",
    )
    hooks.add_argument(
        "--webhook-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long a callback may take to answer (default 15)",
    )
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


def webhook_fields(args: argparse.Namespace) -> dict[str, object]:
    """The definition every ``--webhook`` gets (admin spelling), checked; ValueError naming
    the option at fault."""
    fields: dict[str, object] = {"autoSubscribe": True}
    try:
        for option, name, value in (
            ("--webhook-signals", "data", args.webhook_signals),
            ("--webhook-triggers", "triggers", args.webhook_triggers),
        ):
            if value is not None:
                fields[name] = definitions.check_codes(option, value)
        for url in args.webhooks:
            definitions.check_uri("--webhook", url)
    except definitions.DefinitionError as problem:
        raise ValueError(str(problem)) from None
    minutes = args.webhook_every
    if minutes is not None:
        if not 1 <= minutes <= definitions.MAX_SCHEDULE_MINUTES:
            limit = definitions.MAX_SCHEDULE_MINUTES
            raise ValueError(f"--webhook-every must be between 1 and {limit} minutes.")
        fields["scheduleMinutes"] = minutes
    return fields


def _delivery_settings(args: argparse.Namespace) -> DeliverySettings:
    timeout = args.webhook_timeout
    if timeout is None:
        return DeliverySettings()
    if timeout <= 0:
        raise ValueError("--webhook-timeout must be a positive number of seconds.")
    return DeliverySettings(timeout=timeout, verify_timeout=timeout)


def define_webhooks(sandbox: Sandbox, urls: list[str], fields: dict[str, object]) -> list[str]:
    """Define (or update and verify again) a webhook per URL; their ids."""
    ids = []
    for url in urls:
        existing = sandbox.webhooks.find_by_callback(url)
        if existing is None:
            ids.append(str(sandbox.webhooks.define({**fields, "callbackUri": url})["id"]))
        else:
            sandbox.webhooks.update(existing, fields)
            sandbox.webhooks.verify(existing)
            ids.append(existing)
    return ids


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _webhook_lines(sandbox: Sandbox, ids: list[str]) -> list[str]:
    lines = []
    for number, view in enumerate(sandbox.webhooks.views()):
        label = "  Webhooks      " if number == 0 else "                "
        mark = " (from --webhook)" if view["id"] in ids else ""
        lines.append(f"{label}{view['id']} → {view['callbackUri']}{mark}")
    if lines:
        lines.append(
            f"                VERIFY and deliveries: {sandbox.base_url}/_sandbox/webhooks/<id>"
            "/deliveries"
        )
    return lines


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
    if args.amt is not None and not args.amt.strip():
        print("carman sandbox: --amt must not be empty.", file=err)
        return 2
    try:
        fields = webhook_fields(args)
        delivery = _delivery_settings(args)
    except ValueError as problem:
        print(f"carman sandbox: {problem}", file=err)
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
            amt=args.amt,
            webhook_settings=delivery,
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
    webhook_ids = define_webhooks(sandbox, args.webhooks, fields)
    seed_note = f"  (seed {args.seed})" if args.seed is not None else ""
    redirect_uris = sandbox.redirect_uris()
    lines = [
        f"carman sandbox — Smartcar test mode, offline — {sandbox.base_url}",
        f"  Connect URL   {sandbox.connect_url}",
        f"  Token URL     {sandbox.token_url}  (v3 application token: {sandbox.app_token_url})",
        f"  API URL       {sandbox.api_url}/v2.0  (v3: {sandbox.api_url}/v3)",
        f"  Client id     {sandbox.client_id}",
        f"  Client secret {sandbox.client_secret}",
        f"  AMT           {sandbox.amt}  (v2.0 management API, webhook signatures)",
        f"  Management    {sandbox.api_url}/v3/webhooks, /v3/subscriptions  "
        "(v3 application token)",
        *_webhook_lines(sandbox, webhook_ids),
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
