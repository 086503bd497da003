"""One shown body's temporary files: the body as received and what the format worker made.

A private directory (0700) per body, every file in it 0600: a response body may hold personal
data (a vehicle's location) or secrets. The directory is removed when the body is no longer
shown (a new response, leaving the screen, quitting); a crash leaves it in the system's
temporary directory, named ``carman-body-*``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

BODY_NAME = "body"


class BodySpool:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="carman-body-"))  # mode 0700
        self.body_path = self.folder / BODY_NAME
        self.size = 0
        self._names = 0

    def write_body(self, body: bytes) -> Path:
        """Write the body (0600). Run it off the UI thread: the write itself releases the GIL."""
        fd = os.open(self.body_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        self.size = len(body)
        return self.body_path

    def new_name(self, prefix: str) -> str:
        """A file name not used before in this spool (search results, filter results...)."""
        self._names += 1
        return f"{prefix}-{self._names}"

    def path(self, name: str) -> Path:
        return self.folder / name

    def copy_body_to(self, target: Path) -> int:
        """Write the whole body, byte for byte, to ``target``; returns its size."""
        shutil.copyfile(self.body_path, target)
        return self.size

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            shutil.rmtree(self.folder)

    @property
    def removed(self) -> bool:
        return not self.folder.exists()
