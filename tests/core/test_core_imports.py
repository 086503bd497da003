"""tui/core must stay headless: importing all of it must not pull in textual or rich."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import tui.core


def _core_modules() -> list[str]:
    root = Path(tui.core.__file__).parent
    return sorted(info.name for info in pkgutil.walk_packages([str(root)], prefix="tui.core."))


def test_every_core_module_imports_without_textual_or_rich() -> None:
    modules = _core_modules()
    assert "tui.core.model" in modules and len(modules) > 10
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, f"core imported UI modules:\n{result.stdout}{result.stderr}"
