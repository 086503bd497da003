"""Putting an imported collection in place: all of it, or nothing.

It is written to a hidden directory next to its target (``load_collections`` skips hidden
directories), loaded back as a check, then renamed into place.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from tui.core.errors import CarmanError
from tui.core.model import Collection


def save_new_collection(collection: Collection, target: Path, *, force: bool = False) -> Path:
    """Write ``collection`` to a hidden sibling directory, then rename it into place."""
    from tui.core.collection_io import load_collection, save_collection

    if target.exists() and not target.is_dir():
        raise CarmanError(f"{target} exists and is not a directory")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise CarmanError(f"{target} already exists; use --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.import-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    try:
        save_collection(collection, temporary)
        _, issues = load_collection(temporary)
        if issues:  # never leave a collection behind that does not load
            raise CarmanError("the imported collection does not load back: " + str(issues[0]))
        _swap_into_place(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    collection.path = target
    return target


def _swap_into_place(temporary: Path, target: Path) -> None:
    if not target.exists():
        os.replace(temporary, target)
        return
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    os.replace(target, old)
    try:
        os.replace(temporary, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
