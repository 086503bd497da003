"""The TUI's start path does not import httpx (~25 ms of a start): it is imported when first
used, by the first send, login or the HTTP client's warm-up after the first frame."""

from __future__ import annotations

import subprocess
import sys


def _run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)


def test_the_tui_start_path_imports_no_httpx() -> None:
    script = (
        "import sys\n"
        "import tui.cli, tui.launch, tui.app, tui.theming\n"
        "import tui.core.send, tui.core.prepare, tui.core.oauth.manager\n"
        "assert 'tui.screens.main' in sys.modules\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'httpx'))\n"
    )
    result = _run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"httpx imported at start: {result.stdout}"


def test_what_needs_httpx_imports_it_when_used() -> None:
    # Each of these runs in a process where nothing imported httpx before it.
    script = (
        "from tui.core.send import SendPipeline, describe_transport_error\n"
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
