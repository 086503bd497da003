"""The OAuth core and its commands stay headless: no textual, no rich."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = [
    "tui.core.oauth.authorize",
    "tui.core.oauth.callback",
    "tui.core.oauth.flow",
    "tui.core.oauth.http",
    "tui.core.oauth.listener",
    "tui.core.oauth.manager",
    "tui.core.oauth.sandbox_approve",
    "tui.core.oauth.token_client",
    "tui.core.oauth.token_store",
    "tui.cli.login",
    "tui.cli.token",
]


def test_no_textual_or_rich_is_imported() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
