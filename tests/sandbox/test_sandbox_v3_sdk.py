"""Conformance: the official Smartcar Python SDK reads the sandbox's v3 with its own methods.

The SDK reads its origins from the environment at import time, hence the subprocess (as in
test_sandbox_sdk.py); the client script ``sdk_v3_client.py`` asserts every step itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tui.core.smartcar import signals
from tui.sandbox import Sandbox

SCRIPT = Path(__file__).with_name("sdk_v3_client.py")
REPO = Path(__file__).resolve().parents[2]


def test_official_sdk_reads_vehicle_and_signals_through_v3(sandbox: Sandbox) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCAR_")}
    env.update(
        SMARTCAR_API_ORIGIN=sandbox.api_url,
        SMARTCAR_AUTH_ORIGIN=sandbox.token_url,  # the Python SDK wants the full token URL
        SMARTCAR_CONNECT_ORIGIN=sandbox.base_url,
        SMARTCAR_VEHICLE_API_V3_ORIGIN=sandbox.base_url,
        SANDBOX_BASE_URL=sandbox.base_url,
        SANDBOX_CLIENT_ID=sandbox.client_id,
        SANDBOX_CLIENT_SECRET=sandbox.client_secret,
        SANDBOX_REDIRECT_URI="http://localhost:8000/exchange",
        EXPECTED_SIGNALS=str(len(signals.SIGNALS)),
        NO_PROXY="*",  # requests must not send loopback traffic to a proxy
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["checked"] == "all" and summary["signals"] == len(signals.SIGNALS)
