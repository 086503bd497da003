"""A second carman process for the concurrency test: what ``carman send --env sandbox`` does,
in a loop, against the sandbox announced in the shared data directory.

    python carman_worker.py TAG COUNT

It opens the workspace exactly as the CLI does (``open_cli_session``: the running sandbox, the
token store, the secrets file), records history through a ``HistoryRecorder``, and sends the
odometer COUNT times as the request "worker TAG". Its token manager treats every token as due,
so each send refreshes first: two workers then rotate the same refresh token side by side,
which only the token store's file lock keeps in order. Prints one status per send, then
"done TAG REFRESHES".
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tui.cli.common import open_cli_session
from tui.core.history import HistoryRecorder
from tui.core.model import Auth, AuthKind, Request
from tui.core.oauth.manager import TokenManager

ODOMETER = "{{api_url}}/v2.0/vehicles/{{vehicle_id}}/odometer"


async def main(tag: str, count: int) -> int:
    workspace = open_cli_session("sandbox").workspace
    # Every token looks due: each send refreshes (a margin longer than a token's life).
    manager = TokenManager(workspace, refresh_margin=10**9)
    workspace.set_token_source(manager)
    errors: list[Exception] = []
    recorder = HistoryRecorder(limits=workspace.config.history, on_error=errors.append)
    workspace.on_exchange(recorder.listener(workspace.secret_values))
    request = Request(name=f"worker {tag}", url=ODOMETER, auth=Auth(kind=AuthKind.OAUTH2))
    failed = 0
    try:
        for _ in range(count):
            exchange, _ = await workspace.send(None, request)
            status = exchange.response.status if exchange.response else exchange.error
            print(f"status {status}", flush=True)
            failed += status != 200
    finally:
        await workspace.aclose()
        recorder.close()
    for error in errors:
        print(f"history error {error}", flush=True)
    print(f"done {tag} {manager.refresh_count}", flush=True)
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], int(sys.argv[2]))))
