"""The TUI's start path leaves out what its first frame does not need: httpx (~25 ms of a
start; imported by the first send, login or the HTTP client's warm-up after the first frame)
the login flow with its callback listener and http.server (~15 ms; imported when a login
starts), and the Smartcar error explainer (imported when an answer is explained)."""

from __future__ import annotations

import subprocess
import sys


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)


LEFT_OUT = (
    "httpx",
    "tui.core.oauth.flow",
    "tui.core.oauth.listener",
    "http.server",
    "tui.core.smartcar.explainer",
)


def test_the_tui_start_path_leaves_out_what_the_first_frame_does_not_need() -> None:
    script = (
        "import sys\n"
        "import tui.cli, tui.launch, tui.app, tui.theming\n"
        "import tui.core.send, tui.core.prepare, tui.core.oauth.manager\n"
        "assert 'tui.screens.main' in sys.modules\n"
        f"left_out = {LEFT_OUT!r}\n"
        "print(sorted(m for m in sys.modules if m in left_out or m.startswith('httpx.')))\n"
    )
    result = _run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"imported at start: {result.stdout}"


def test_what_needs_httpx_imports_it_when_used() -> None:
    # Each of these runs in a process where nothing imported httpx before it. (A login, which
    # imports its flow when it starts, is run by tests/oauth/test_flow.py.)
    script = (
        "from tui.core.send import describe_transport_error\n"
        "error = describe_transport_error(ConnectionRefusedError(111, 'refused'),"
        " 'http://127.0.0.1:9/x')\n"
        "print(error.message)\n"
        "from tui.core.oauth.http import new_client\n"
        "print(type(new_client()).__name__)\n"
    )
    result = _run(script)
    assert result.returncode == 0, result.stderr
    message, client = result.stdout.strip().splitlines()
    assert "127.0.0.1" in message
    assert client == "AsyncClient"
