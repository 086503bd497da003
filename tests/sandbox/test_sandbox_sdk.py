"""Conformance: the official Smartcar Python SDK against the sandbox, in a subprocess.

The SDK reads its origins from the environment at import time, hence the subprocess. The
client script (``sdk_conformance_client.py``) asserts every step itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tui.sandbox import WEBHOOK_IDS, Sandbox

SCRIPT = Path(__file__).with_name("sdk_conformance_client.py")
REPO = Path(__file__).resolve().parents[2]


def test_official_sdk_full_flow(sandbox: Sandbox) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCAR_")}
    env.update(
        SMARTCAR_API_ORIGIN=sandbox.api_url,
        SMARTCAR_AUTH_ORIGIN=sandbox.token_url,  # the Python SDK wants the full token URL
        SMARTCAR_CONNECT_ORIGIN=sandbox.base_url,
        SMARTCAR_MANAGEMENT_API_ORIGIN=sandbox.base_url,
        SMARTCAR_VEHICLE_API_V3_ORIGIN=sandbox.base_url,
        SANDBOX_BASE_URL=sandbox.base_url,
        SANDBOX_CLIENT_ID=sandbox.client_id,
        SANDBOX_CLIENT_SECRET=sandbox.client_secret,
        SANDBOX_REDIRECT_URI="http://localhost:8000/exchange",
        SANDBOX_AMT=sandbox.amt,
        SANDBOX_WEBHOOK_ID=next(iter(WEBHOOK_IDS)),
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
    assert summary["checked"] == "all"
    assert summary["make"] == "CHEVROLET" and summary["vin"].startswith("0SC")
