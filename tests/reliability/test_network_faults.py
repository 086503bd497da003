"""Network faults through the real UI and the real send pipeline.

Each test drives ``CarmanApp`` with Pilot (as tests/ui does), presses ctrl+j, and checks four
things: the UI keeps handling keys while the fault lasts (F1 opens the help and Esc closes it
while the send is still in flight: the fault lasts until the test releases it, so no timing
threshold is involved), the response pane says in words what happened, the history records the
exchange (transport errors with their kind), and sending the same request again works.

Faults come from the sandbox's fault injection (``sandbox.faults.inject``) and its rate limiter,
and from plain loopback sockets (``FaultServer`` in conftest.py). The table of what the user sees
for each fault is in tests/reliability/README.md. Core-level checks of the same transport errors
live in tests/core/test_send.py; the sandbox's own fault tests in
tests/sandbox/test_sandbox_reliability.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Input
from textual.worker import WorkerState

from tests.reliability.conftest import (
    FaultServer,
    builtin_request,
    sandbox_login,
    sandbox_workspace,
)
from tests.ui.helpers import make_workspace, wait_for
from tui.app import CarmanApp
from tui.core.history import HistoryStore, HistorySummary
from tui.core.model import Request
from tui.core.session import open_session
from tui.dialogs.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.collection_tree import CollectionTree
from tui.widgets.response_viewer import ResponseViewer

SIZE = (80, 24)


# ---- driving the app ---------------------------------------------------------------------------


def viewer_of(app: CarmanApp) -> ResponseViewer:
    main = app.main_screen
    assert main is not None
    return main.query_one(ResponseViewer)


def status_text(app: CarmanApp) -> str:
    return str(viewer_of(app).query_one("#status-line").render())


def explanation_text(app: CarmanApp) -> str:
    return str(viewer_of(app).query_one("#explanation").render())


def body_note(app: CarmanApp) -> str:
    return str(viewer_of(app).query_one("#body-note").render())


def send_in_flight(app: CarmanApp) -> bool:
    main = app.main_screen
    assert main is not None
    return any(
        w.group == "send" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        for w in main.workers
    )


async def select(pilot, app: CarmanApp, request: Request) -> None:  # type: ignore[no-untyped-def]
    main = app.main_screen
    assert main is not None
    main.query_one(CollectionTree).select_request(request)
    await wait_for(pilot, lambda: main.request is request)


async def press_send(pilot, app: CarmanApp) -> object:  # type: ignore[no-untyped-def]
    """Press ctrl+j; return the exchange shown before (to wait for the next one)."""
    before = viewer_of(app).exchange
    await pilot.press("ctrl+j")
    return before


async def wait_exchange(pilot, app: CarmanApp, before: object) -> None:  # type: ignore[no-untyped-def]
    viewer = viewer_of(app)
    await wait_for(pilot, lambda: viewer.exchange is not before and not send_in_flight(app), 30)


async def keys_work_while_sending(pilot, app: CarmanApp) -> None:  # type: ignore[no-untyped-def]
    """F1 opens the help and Esc closes it, while the send is still waiting on the network."""
    assert send_in_flight(app)
    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))
    # Both keys were handled before the answer came: the fault is still holding the send.
    assert send_in_flight(app)
    assert "⏳" in status_text(app)


def flush_history(app: CarmanApp) -> None:
    # app.flush_history() gives up after 2 s; a loaded CI machine may need longer.
    assert app.history is not None and app.history.flush(timeout=30)


def history(limit: int = 10) -> list[HistorySummary]:
    with HistoryStore() as store:
        return store.search("", limit=limit)


# ---- plain loopback sockets --------------------------------------------------------------------


@dataclass(frozen=True)
class SocketCase:
    mode: str
    kind: str  # TransportErrorKind value recorded in history
    words: str  # what the status line must say
    detail: str  # and the underlying reason, in the status line or the note under it ("|": or)
    held: bool  # the fault lasts until released (keys are pressed during it)


SOCKET_CASES = [
    SocketCase(
        "refused",
        "connection_refused",
        "Connection refused by 127.0.0.1: nothing is listening there",
        "All connection attempts failed",
        False,
    ),
    SocketCase(
        "dns",
        "dns",
        "Could not find the host carman-fault.invalid: DNS lookup failed",
        # The resolver's words vary (no DNS server at all on some CI machines).
        "Name or service not known|name resolution|No address associated|nodename nor servname",
        False,
    ),
    SocketCase(
        "timeout",
        "timeout",
        "Timed out waiting for an answer from 127.0.0.1",
        "ReadTimeout",
        True,
    ),
    SocketCase(
        "truncate",
        "read",
        "broke before the whole response arrived",
        "received 100 bytes, expected 1000",
        True,
    ),
    SocketCase(
        "reset",
        "read",
        "broke before the whole response arrived",
        "Connection reset by peer",
        True,
    ),
]


async def test_socket_faults_in_the_ui(xdg: Path, http_server: str, fault_server) -> None:  # type: ignore[no-untyped-def]
    # One app for every case: starting the app costs more than a fault does.
    servers: dict[str, FaultServer] = {}
    targets: list[Request] = []
    for case in SOCKET_CASES:
        if case.mode == "dns":
            url = "http://carman-fault.invalid/odometer"
        else:
            servers[case.mode] = fault_server("stall" if case.mode == "timeout" else case.mode)
            url = f"{servers[case.mode].url}/odometer"
        targets.append(Request(name=f"Faulty {case.mode}", url=url))
    workspace = make_workspace(http_server, extra=targets)
    app = CarmanApp(open_session(workspace=workspace))
    async with app.run_test(size=SIZE) as pilot:
        for case in SOCKET_CASES:
            name = f"Faulty {case.mode}"
            request = next(r for c in workspace.collections for _, r in c.walk() if r.name == name)
            await _socket_case(pilot, app, case, request, servers.get(case.mode), http_server)


async def _socket_case(
    pilot,  # type: ignore[no-untyped-def]
    app: CarmanApp,
    case: SocketCase,
    request: Request,
    server: FaultServer | None,
    good_url: str,
) -> None:
    await select(pilot, app, request)
    # The pipeline reads its timeout at each send. For the timeout case: small, but far longer
    # than the two key presses checked while it runs.
    app.workspace.pipeline.timeout = 5.0 if case.mode == "timeout" else 30.0
    before = await press_send(pilot, app)
    if case.held:
        assert server is not None
        await wait_for(pilot, server.arrived.is_set)
        await keys_work_while_sending(pilot, app)
        if case.mode != "timeout":
            server.release()  # the timeout ends on its own; the others end now
    await wait_exchange(pilot, app, before)
    shown = status_text(app)
    assert case.words in shown, (case.mode, shown)
    details = case.detail.split("|")
    assert any(d in shown + body_note(app) for d in details), (case.mode, shown, body_note(app))
    exchange = viewer_of(app).exchange
    assert exchange is not None and exchange.error is not None, case.mode
    assert exchange.error.kind.value == case.kind, (case.mode, exchange.error)
    if server is not None:
        server.release()

    if not case.held:
        # Over in an instant: the keys are checked right after it instead.
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

    # Sending again works: the server came up, or the user fixed the host name.
    if case.mode == "refused":
        assert server is not None
        server.heal()
    if case.mode == "dns":
        await pilot.press("ctrl+l")
        app.screen.query_one("#url", Input).value = f"{good_url}/odometer"
        await pilot.pause()
    before = await press_send(pilot, app)
    await wait_exchange(pilot, app, before)
    assert "200 OK" in status_text(app), (case.mode, status_text(app))

    flush_history(app)
    recorded = history(limit=2)
    assert recorded[0].status == 200 and recorded[0].error_kind == "", case.mode
    assert recorded[1].status is None and recorded[1].error_kind == case.kind, case.mode
    assert recorded[1].request_name == request.name
    with HistoryStore() as store:
        entry = store.get(recorded[1].id)
    assert case.words in entry.error_message
    assert any(d in entry.error_detail for d in details), (case.mode, entry.error_detail)


# ---- the sandbox's injected faults -------------------------------------------------------------


@dataclass(frozen=True)
class SandboxCase:
    kind: str
    status: str  # in the status line
    words: tuple[str, ...]  # in the status line, the explanation or the body note
    error_kind: str = ""  # recorded in history for transport errors
    status_code: int | None = None  # recorded in history for answers


SANDBOX_CASES = [
    SandboxCase("slow", "200 OK", (), status_code=200),
    SandboxCase(
        "drop",
        "✗",
        ("broke before the whole response arrived", "peer closed connection"),
        error_kind="read",
    ),
    SandboxCase(
        "status500",
        "500 Internal Server Error",
        ("SERVER/INTERNAL", "exponential backoff"),
        status_code=500,
    ),
    SandboxCase(
        "status502",
        "502 Bad Gateway",
        ("UPSTREAM/NO_RESPONSE", "the brand's servers failed", "exponential backoff"),
        status_code=502,
    ),
    SandboxCase(
        "not_json",
        "200 OK",
        ("the body claims JSON but is not valid JSON",),
        status_code=200,
    ),
    SandboxCase("empty", "200 OK", ("0 B", "empty body"), status_code=200),
    SandboxCase("gzip", "200 OK", ("distance",), status_code=200),
]


class _GatedTime:
    """Stands in for ``time`` in the sandbox's server: a ``slow`` fault waits for the test."""

    def __init__(self) -> None:
        self.gate = threading.Event()

    def sleep(self, seconds: float) -> None:
        self.gate.wait(seconds)


async def test_sandbox_faults_in_the_ui(
    xdg: Path, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import tui.sandbox.server as sandbox_server

    workspace = sandbox_workspace(sandbox)
    await sandbox_login(workspace, sandbox)
    vehicle_id = workspace.variables.get("vehicle_id")
    assert vehicle_id
    odometer = builtin_request(workspace, "Vehicle", "Odometer")
    gated = _GatedTime()
    monkeypatch.setattr(sandbox_server, "time", gated)
    app = CarmanApp(open_session(workspace=workspace, sandbox_provider=lambda: sandbox))
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, odometer)
        for case in SANDBOX_CASES:
            await _sandbox_case(pilot, app, sandbox, case, vehicle_id, gated)
        await _rate_limit_case(pilot, app, sandbox)


async def _sandbox_case(
    pilot,  # type: ignore[no-untyped-def]
    app: CarmanApp,
    sandbox,  # type: ignore[no-untyped-def]
    case: SandboxCase,
    vehicle_id: str,
    gated: _GatedTime,
) -> None:
    # Only the odometer suffers: the header's vehicle lookups go to other paths.
    sandbox.faults.inject(case.kind, path=f"/v2.0/vehicles/{vehicle_id}/odometer", delay=60)
    before = await press_send(pilot, app)
    if case.kind == "slow":
        await keys_work_while_sending(pilot, app)
        gated.gate.set()
    await wait_exchange(pilot, app, before)
    if case.kind == "gzip":  # the body is formatted in a worker thread
        await wait_for(pilot, lambda: any("distance" in line for line in body_lines(app)))
    shown = "\n".join([status_text(app), explanation_text(app), body_note(app)])
    shown += "\n" + "\n".join(body_lines(app))
    assert case.status in status_text(app), (case.kind, shown)
    for words in case.words:
        assert words in shown, (case.kind, words, shown)

    before = await press_send(pilot, app)  # the fault was for one request only
    await wait_exchange(pilot, app, before)
    assert "200 OK" in status_text(app), (case.kind, status_text(app))
    await wait_for(pilot, lambda: any("distance" in line for line in body_lines(app)))

    flush_history(app)
    recorded = [h for h in history() if h.request_name == "Odometer"]
    assert recorded[0].status == 200, case.kind
    assert recorded[1].status == case.status_code, case.kind
    assert recorded[1].error_kind == case.error_kind, case.kind


def body_lines(app: CarmanApp) -> list[str]:
    return list(viewer_of(app).body_view.lines)


async def _rate_limit_case(pilot, app: CarmanApp, sandbox) -> None:  # type: ignore[no-untyped-def]
    """429 RATE_LIMIT with Retry-After: the explanation says when to retry, and then it works."""
    sandbox.set_rate_limit(True, per_minute=1)
    # The first call may be the header's own vehicle lookup: send until throttled.
    for _ in range(3):
        before = await press_send(pilot, app)
        await wait_exchange(pilot, app, before)
        if "429" in status_text(app):
            break
    assert "429" in status_text(app), status_text(app)
    explained = explanation_text(app)
    assert "RATE_LIMIT/VEHICLE — too many requests" in explained, explained
    assert "Retry in " in explained and "as the Retry-After header says" in explained
    exchange = viewer_of(app).exchange
    assert exchange is not None and exchange.response is not None
    retry_after = int(exchange.response.header("Retry-After") or "0")
    assert retry_after > 0

    await pilot.press("f1")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    await pilot.press("escape")
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen))

    # Wait as told (on the sandbox's clock), then the same send goes through.
    sandbox.clock.advance(retry_after + 1)
    before = await press_send(pilot, app)
    await wait_exchange(pilot, app, before)
    assert "200 OK" in status_text(app), status_text(app)

    flush_history(app)
    statuses = [h.status for h in history() if h.request_name == "Odometer"]
    assert statuses[0] == 200 and 429 in statuses
