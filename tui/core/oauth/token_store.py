"""Tokens on disk, keyed by (environment name, client id).

One JSON file, mode 0600, in the 0700 private directory (``paths.tokens_file()``):

    {"version": 1,
     "tokens": {"<environment>": {"<client id>": {"access_token": ..., "refresh_token": ...,
                                                  "expires_at": ..., "refresh_expires_at": ...,
                                                  "scope": ..., "obtained_at": ...}}},
     "app_tokens": {"<environment>": {"<client id>": {"access_token": ..., "expires_at": ...,
                                                      "obtained_at": ...}}}}

``tokens`` are the per-vehicle tokens of a Connect login; ``app_tokens`` the application tokens
of API Authentication (client credentials: no refresh token, never a client secret). An older
carman that knows only ``tokens`` keeps ``app_tokens`` when it rewrites the file.

Two carman processes may share the data directory (a TUI and a ``carman send`` in another
pane): every read-modify-write happens under an ``fcntl.flock`` on a lock file beside it and
re-reads the file first, and writes are atomic renames, so readers never see half a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from tui.core import paths
from tui.core.atomic import atomic_write_text
from tui.core.errors import CarmanError

TOKEN_FILE_MODE = 0o600
FORMAT_VERSION = 1
# Smartcar refresh tokens live 60 days; the server does not say so, SDKs assume it.
REFRESH_LIFETIME = 60 * 24 * 3600
LOCK_WAIT = 60.0  # seconds to wait for another carman process holding the token lock
# The two sections of the file.
TOKENS = "tokens"
APP_TOKENS = "app_tokens"

Data = dict[str, Any]


class TokenStoreError(CarmanError):
    """The token file cannot be read or written; the message says which and what to do."""


@dataclass
class StoredToken:
    access_token: str
    refresh_token: str | None
    expires_at: float  # epoch seconds (carman's clock)
    refresh_expires_at: float | None
    scope: str = ""
    obtained_at: float = 0.0
    token_type: str = "Bearer"

    def seconds_left(self, now: float) -> float:
        return self.expires_at - now

    def can_refresh(self, now: float) -> bool:
        return bool(self.refresh_token) and (
            self.refresh_expires_at is None or self.refresh_expires_at > now
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> StoredToken | None:
        """None when the entry is unusable (a hand-edited or older file)."""
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            return None
        known = {f.name for f in fields(cls)}
        try:
            token = cls(**{k: v for k, v in data.items() if k in known})
            token.expires_at = float(token.expires_at)
            if token.refresh_expires_at is not None:
                token.refresh_expires_at = float(token.refresh_expires_at)
            token.obtained_at = float(token.obtained_at or 0)
        except (TypeError, ValueError):
            return None
        if token.refresh_token is not None and not isinstance(token.refresh_token, str):
            return None
        return token

    @classmethod
    def from_response(
        cls,
        access_token: str,
        refresh_token: str | None,
        expires_in: int,
        scope: str,
        now: float,
        token_type: str = "Bearer",
    ) -> StoredToken:
        return cls(
            access_token=access_token,
            refresh_token=refresh_token,
            expires_at=now + expires_in,
            refresh_expires_at=now + REFRESH_LIFETIME if refresh_token else None,
            scope=scope,
            obtained_at=now,
            token_type=token_type,
        )

    def __repr__(self) -> str:  # never print the tokens
        return f"StoredToken(expires_at={self.expires_at}, scope={self.scope!r})"


class TokenStore:
    def __init__(self, path: Path | None = None) -> None:
        self._explicit_path = path
        self._fd: int | None = None
        self._depth = 0
        # (mtime_ns, size, inode) -> parsed data: providers read the token on every resolve.
        self._cache: tuple[tuple[int, int, int], Data] | None = None

    @property
    def path(self) -> Path:
        # Resolved on use so a changed XDG_DATA_HOME (tests) is seen at once.
        return self._explicit_path or paths.tokens_file()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # -- reading ---------------------------------------------------------------------------
    def _read(self) -> Data:
        path = self.path
        try:
            stat = path.stat()
        except FileNotFoundError:
            return _empty()
        except OSError as exc:
            raise TokenStoreError(f"{path}: cannot read the token file ({exc.strerror}).") from exc
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return _empty()
        except (OSError, UnicodeDecodeError) as exc:
            raise self._damaged(str(exc)) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._damaged(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("tokens", {}), dict):
            raise self._damaged("not a carman token file")
        data.setdefault("tokens", {})
        self._cache = (key, data)
        return data

    def _damaged(self, why: str) -> TokenStoreError:
        return TokenStoreError(
            f"{self.path}: the token file is damaged ({why}). Delete it and log in again "
            "(ctrl+o in carman, or carman login --env NAME)."
        )

    def get(self, environment: str, client_id: str, *, kind: str = TOKENS) -> StoredToken | None:
        """The stored token; ``kind=APP_TOKENS`` for the application token."""
        section = self._read().get(kind, {})
        entry = section.get(environment, {}) if isinstance(section, dict) else {}
        return StoredToken.from_dict(entry.get(client_id)) if isinstance(entry, dict) else None

    def keys(self, *, kind: str = TOKENS) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        section = self._read().get(kind, {})
        for environment, clients in (section.items() if isinstance(section, dict) else ()):
            if isinstance(clients, dict):
                found += [(environment, client_id) for client_id in clients]
        return found

    def secret_values(self) -> set[str]:
        """Every stored token (per-vehicle and application), for redaction."""
        values: set[str] = set()
        with contextlib.suppress(CarmanError):
            for kind in (TOKENS, APP_TOKENS):
                for environment, client_id in self.keys(kind=kind):
                    token = self.get(environment, client_id, kind=kind)
                    if token is not None:
                        values.add(token.access_token)
                        if token.refresh_token:
                            values.add(token.refresh_token)
        return values

    # -- writing (always under the lock) ---------------------------------------------------
    def put(
        self, environment: str, client_id: str, token: StoredToken, *, kind: str = TOKENS
    ) -> None:
        def change(data: Data) -> None:
            section = data.get(kind)
            if not isinstance(section, dict):
                section = data[kind] = {}
            section.setdefault(environment, {})[client_id] = token.to_dict()

        self.update(change, replace_damaged=True)

    def delete(self, environment: str, client_id: str, *, kind: str = TOKENS) -> bool:
        removed = False

        def change(data: Data) -> None:
            nonlocal removed
            section = data.get(kind)
            if not isinstance(section, dict):
                return
            clients = section.get(environment)
            if isinstance(clients, dict) and clients.pop(client_id, None) is not None:
                removed = True
                if not clients:
                    del section[environment]

        self.update(change)
        return removed

    def clear(self) -> None:
        """Forget every token, per-vehicle and application (also repairs a damaged file)."""

        def change(data: Data) -> None:
            data["tokens"].clear()
            data.pop(APP_TOKENS, None)

        self.update(change, replace_damaged=True)

    def update(self, change: Callable[[Data], None], *, replace_damaged: bool = False) -> None:
        """Lock, re-read, apply ``change``, write atomically."""
        with self.locked():
            try:
                data = json.loads(json.dumps(self._read()))  # a private copy to change
            except TokenStoreError:
                if not replace_damaged:
                    raise
                # A new login replaces what nobody can read any more.
                data = _empty()
            change(data)
            self._write(data)

    def _write(self, data: Data) -> None:
        if self._explicit_path is None:
            paths.ensure_private_dir()
        else:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data["version"] = FORMAT_VERSION
        text = json.dumps(data, indent=1, sort_keys=True) + "\n"
        try:
            atomic_write_text(self.path, text, mode=TOKEN_FILE_MODE)
            os.chmod(self.path, TOKEN_FILE_MODE)
        except OSError as exc:
            raise TokenStoreError(
                f"{self.path}: cannot write the token file ({exc.strerror or exc})."
            ) from exc
        self._cache = None

    # -- locking ---------------------------------------------------------------------------
    def _open_lock(self) -> int:
        if self._explicit_path is None:
            paths.ensure_private_dir()
        else:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return os.open(self.lock_path, os.O_RDWR | os.O_CREAT, TOKEN_FILE_MODE)

    def _try_acquire(self, blocking: bool) -> bool:
        if self._depth:
            # Already held by this store (e.g. a refresh writing its result): nest.
            self._depth += 1
            return True
        fd = self._open_lock()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._depth = 1
        return True

    def _release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process token lock (blocking)."""
        self._try_acquire(blocking=True)
        try:
            yield
        finally:
            self._release()

    @contextlib.asynccontextmanager
    async def alocked(self, wait: float = LOCK_WAIT) -> AsyncIterator[None]:
        """Hold the lock across awaits (a refresh): polls, so cancelling never leaks it."""
        deadline = time.monotonic() + wait
        delay = 0.005
        while not self._try_acquire(blocking=False):
            if time.monotonic() > deadline:
                raise TokenStoreError(
                    f"{self.lock_path}: another carman process has held the token lock for "
                    f"{wait:g} seconds; try again."
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)
        try:
            yield
        finally:
            self._release()


def format_duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h"
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s" if minutes < 10 else f"{minutes}m"
    return f"{secs}s"


def _empty() -> Data:
    return {"version": FORMAT_VERSION, "tokens": {}}
