"""``carman webhooks``: receive Smartcar webhooks headless, and read the stored ones.

carman webhooks listen [--port N] [--host ADDR] [--env NAME] [--json]
    one line (or JSON line) per delivery with its signature state; ctrl+c stops it, prints
    how many arrived and exits 0
carman webhooks list [--search TEXT] [--limit N] [--json]    newest first
carman webhooks show ID [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import sys
from types import FrameType

from tui.cli.common import (
    EXIT_OK,
    add_env_argument,
    add_list_arguments,
    fail,
    open_cli_session,
    positive_int,
)
from tui.core import paths
from tui.core.errors import CarmanError
from tui.core.history.deliveries import DeliveryStore
from tui.core.history.delivery_model import WebhookEventNotFound
from tui.core.history.model import HistoryError
from tui.core.masking import is_secret_name, mask_value
from tui.core.webhooks import (
    Received,
    ReceiverError,
    WebhookReceiver,
    WebhookSettings,
    apply_delivery_captures,
    load_webhook_settings,
    make_receiver,
)
from tui.core.webhooks.describe import event_json, event_text, summary_json, summary_line
from tui.core.webhooks.reach import reach
from tui.core.webhooks.service import is_sandbox
from tui.core.workspace import Workspace

EXIT_DATABASE = 1


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="webhooks_command", metavar="ACTION", required=True)
    listen = sub.add_parser(
        "listen", help="receive deliveries and print one line each (ctrl+c stops)"
    )
    listen.add_argument(
        "--port", type=_port, help="port to listen on (default 8001, or [webhooks] port)"
    )
    listen.add_argument(
        "--host",
        help="address to listen on (default 127.0.0.1; 0.0.0.0 opens it to the network)",
    )
    add_env_argument(listen)
    listen.add_argument("--json", action="store_true", help="print JSON Lines, one a delivery")
    show_list = sub.add_parser("list", help="list stored webhook events, newest first")
    add_list_arguments(show_list, "events")
    show_list.add_argument("--json", action="store_true", help="print JSON Lines")
    show = sub.add_parser("show", help="print one event: its deliveries, signals and body")
    show.add_argument("id", type=positive_int, help="the event id (from the list)")
    show.add_argument("--json", action="store_true", help="as JSON")


def run(args: argparse.Namespace) -> int:
    if args.webhooks_command == "listen":
        return _listen(args)
    try:
        if not paths.history_db().exists():
            if args.webhooks_command == "show":
                return fail(f"No webhook event with id {args.id}: nothing has been received yet.")
            if not args.json:
                print("No webhooks received yet: `carman webhooks listen` receives them.")
            return EXIT_OK
        with DeliveryStore() as store:
            if args.webhooks_command == "show":
                event = store.get(args.id)
                if args.json:
                    print(json.dumps(event_json(event), ensure_ascii=False, indent=2))
                else:
                    print(event_text(event))
                return EXIT_OK
            return _list(store, args.search, args.limit, as_json=args.json)
    except WebhookEventNotFound as exc:
        return fail(f"{exc}. `carman webhooks list` lists the ids.")
    except HistoryError as exc:
        return fail(str(exc), EXIT_DATABASE)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _list(store: DeliveryStore, search: str, limit: int, *, as_json: bool) -> int:
    rows = store.search(search, limit=limit)
    if as_json:
        for summary in rows:
            print(json.dumps(summary_json(summary), ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print(f"No webhook events match {search!r}." if search.strip() else "No webhooks yet.")
        return EXIT_OK
    for summary in rows:
        print(summary_line(summary))
    return EXIT_OK


# ---- listen -------------------------------------------------------------------------------


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _listen(args: argparse.Namespace) -> int:
    try:
        session = open_cli_session(args.env)
    except CarmanError as exc:
        return fail(str(exc))
    workspace = session.workspace
    settings = load_webhook_settings()
    for issue in settings.issues:
        print(f"carman: warning: {issue}", file=sys.stderr)
    arrived: queue.Queue[Received] = queue.Queue()
    errors: queue.Queue[Exception] = queue.Queue()
    receiver = make_receiver(
        workspace,
        settings,
        host=args.host,
        port=args.port,
        on_stored=arrived.put,
        on_error=errors.put,
    )
    try:
        receiver.start()
    except ReceiverError as exc:
        return fail(str(exc))
    # Before the banner: whoever waits for it may stop us with SIGTERM right after.
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    counts = {"received": 0, "valid": 0}
    try:
        _banner(receiver, workspace, settings.public_url)
        while True:
            _drain(arrived, errors, workspace, settings, counts, args.json, timeout=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        receiver.stop()
        # Whatever was answered before the stop is printed too.
        _drain(arrived, errors, workspace, settings, counts, args.json, timeout=0)
    valid = counts["valid"]
    print(
        f"carman: received {counts['received']} request{'s' if counts['received'] != 1 else ''}"
        f" ({valid} with a valid signature) at {receiver.local_url}",
        file=sys.stderr,
    )
    return EXIT_OK


def _banner(receiver: WebhookReceiver, workspace: Workspace, public_url: str) -> None:
    err = sys.stderr
    environment = workspace.environment_name or "(none)"
    print(f"carman: receiving webhooks at {receiver.local_url} (env {environment})", file=err)
    if receiver.exposure_warning:
        print(f"carman: warning: {receiver.exposure_warning}", file=err)
    if not receiver.has_amt:
        print(
            f"carman: warning: no management token (amt) for environment {environment}: "
            "signatures cannot be checked and VERIFY cannot be answered. Put it in the secrets "
            f'file under [variables.{environment}] as amt = "...".',
            file=err,
        )
    how = reach(receiver.local_url, sandbox=is_sandbox(workspace), public_url=public_url)
    for line in how.lines:
        print(f"carman: {line}", file=err)
    print("carman: ctrl+c stops.", file=err)
    err.flush()


def _drain(
    arrived: queue.Queue[Received],
    errors: queue.Queue[Exception],
    workspace: Workspace,
    settings: WebhookSettings,
    counts: dict[str, int],
    as_json: bool,
    timeout: float,
) -> None:
    while True:
        try:
            exc = errors.get_nowait()
        except queue.Empty:
            break
        print(f"carman: webhook history: {exc}", file=sys.stderr)
    try:
        received = arrived.get(timeout=timeout) if timeout else arrived.get_nowait()
    except queue.Empty:
        return
    while True:
        _print_received(received, workspace, settings, counts, as_json)
        try:
            received = arrived.get_nowait()
        except queue.Empty:
            return


def _print_received(
    received: Received,
    workspace: Workspace,
    settings: WebhookSettings,
    counts: dict[str, int],
    as_json: bool,
) -> None:
    counts["received"] += 1
    counts["valid"] += int(received.trusted)
    captured: dict[str, str] = {}
    if received.accepted and not received.retry:  # a retry carries what was captured already
        captured = apply_delivery_captures(workspace, settings, received).captured
    shown = {k: mask_value(v) if is_secret_name(k) else v for k, v in captured.items()}
    record = received.record
    if as_json:
        data = summary_json(received.event) if received.event is not None else {}
        data.update(
            {
                "delivery_id": record.delivery_id,
                "delivery_status": record.status,
                "delivery_signature": record.signature.value,
                "delivery_problem": record.problem,
                "retry": received.retry,
                "stored": received.event is not None,
                "captured": shown,
            }
        )
        print(json.dumps(data, ensure_ascii=False), flush=True)
        return
    if received.event is not None:
        line = summary_line(received.event, retry=received.retry)
        if received.retry and record.problem != received.event.problem and record.problem:
            line += f"  — {record.problem}"
    else:
        line = (
            f"{record.event_type or '(no event)'}  {record.signature.mark} "
            f"{record.signature.value}  {record.status}  (not stored)"
        )
        if record.problem:
            line += f"  — {record.problem}"
    if shown:
        line += "  captured " + ", ".join(f"{k} = {v}" for k, v in shown.items())
    print(line, flush=True)
