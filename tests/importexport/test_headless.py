"""The importers and exporters are core: they never import textual or rich."""

from __future__ import annotations

import subprocess
import sys


def test_core_import_export_modules_stay_headless() -> None:
    modules = [
        "tui.core.importers.postman",
        "tui.core.importers.postman_env",
        "tui.core.importers.curl",
        "tui.core.exporters.postman",
        "tui.core.exporters.curl",
    ]
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in modules)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
