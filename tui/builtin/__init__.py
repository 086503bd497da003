"""Files shipped inside carman: the Smartcar collection and the built-in environments."""

from __future__ import annotations

from pathlib import Path

BUILTIN_DIR = Path(__file__).parent
COLLECTIONS_DIR = BUILTIN_DIR / "collections"
ENVIRONMENTS_DIR = BUILTIN_DIR / "environments"
