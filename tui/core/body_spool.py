"""One shown body's temporary files: the body as received and what the format worker made.

A private directory (0700) per body, every file in it 0600: a response body may hold personal
data (a vehicle's location) or secrets. The directory is removed when the body is no longer
shown (a new response, leaving the screen, quitting). If carman is killed, the format worker
deletes the directories it was given when it sees carman gone, and the next carman to start
deletes any left over from carman processes that no longer run (the names carry the pid:
``carman-body-<pid>-*`` and ``carman-spill-<pid>-*`` in the system's temporary directory).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import BinaryIO

BODY_NAME = "body"
PREFIXES = ("carman-body-", "carman-spill-")
_swept = False


def _private_dir(prefix: str) -> Path:
    """A new 0700 directory named after this process, so a later carman can tell whether its
    owner is still alive (a killed carman cannot clean up after itself)."""
    global _swept
    if not _swept:
        _swept = True
        sweep_orphans()
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def sweep_orphans(folder: Path | None = None) -> list[Path]:
    """Delete body directories left behind by carman processes that no longer run."""
    removed = []
    root = folder or Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for path in root.iterdir():
            prefix = next((p for p in PREFIXES if path.name.startswith(p)), None)
            if prefix is None:
                continue
            pid = path.name[len(prefix) :].split("-", 1)[0]
            if pid.isdigit() and not _alive(int(pid)) and path.stat().st_uid == os.getuid():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


class BodySpool:
    def __init__(self) -> None:
        self.folder = _private_dir("carman-body-")  # mode 0700
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


def _discard(folder: str, fd: list[int]) -> None:
    """The finaliser of a SpilledBody: close its read handle, delete its directory."""
    if fd:
        with contextlib.suppress(OSError):
            os.close(fd.pop())
    shutil.rmtree(folder, ignore_errors=True)


class SpilledBody:
    """A response body kept in a temporary file instead of in memory: the send pipeline
    writes a body here once it outgrows ``[response] max_in_memory_bytes``.

    The file is 0600, in its own 0700 directory. ``remove()`` deletes it as soon as it is no
    longer shown (the viewer calls it for a new response and when it goes away); whoever still
    holds this object (the history writer, finishing its entry) keeps reading through the open
    handle. Dropping the last reference, or exiting, deletes it too.
    """

    def __init__(self) -> None:
        self.folder = _private_dir("carman-spill-")
        self.path = self.folder / BODY_NAME
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._handle: BinaryIO | None = os.fdopen(fd, "wb")
        self.size = 0
        self._read_fd: list[int] = []  # a list, so the finaliser sees it without seeing self
        self._finalizer = weakref.finalize(self, _discard, str(self.folder), self._read_fd)

    def write(self, chunk: bytes) -> None:
        assert self._handle is not None, "the body is complete"
        self._handle.write(chunk)
        self.size += len(chunk)

    def finish(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._read_fd.append(os.open(self.path, os.O_RDONLY))

    def read(self) -> bytes:
        """The whole body (into memory: for code that needs all of it, e.g. a capture)."""
        return self.head(self.size)

    def head(self, size: int) -> bytes:
        if not self._read_fd:
            return b""
        fd = self._read_fd[0]
        parts = []
        offset = 0
        while offset < min(size, self.size):
            chunk = os.pread(fd, min(size, self.size) - offset, offset)
            if not chunk:
                break
            parts.append(chunk)
            offset += len(chunk)
        return b"".join(parts)

    def remove(self) -> None:
        """Delete the file now (readers holding this object can still read it)."""
        self.finish()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def removed(self) -> bool:
        return not self.folder.exists()
