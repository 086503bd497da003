"""Everything the sandbox remembers, kept as JSON in its state directory.

Clients, users, vehicles, grants, codes, tokens, v3 connections, webhooks and their
subscriptions survive a restart, so a token issued before a restart stays valid. One lock
guards the whole state; every change is written atomically before the lock is released.
Connect sessions (the pages between authorize and redirect), call counters and the webhook
delivery log live in memory only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tui.core.atomic import atomic_write_text
from tui.sandbox import config

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
_SECTIONS = (
    "clients",
    "users",
    "user_index",
    "vehicles",
    "grants",
    "codes",
    "access_tokens",
    "refresh_tokens",
    "approvals",
    "webhooks",  # v2.0 subscriptions: vehicle id → the WEBHOOK_IDS it is subscribed to
    "app_tokens",  # v3 application tokens (client credentials)
    "connections",  # v3 connections: one per (application, user, vehicle) approved
    "external_ids",  # v3: the external_id an application gave a user at Connect
    "webhook_definitions",  # v3 webhooks (tui.sandbox.webhooks.definitions)
    "webhook_subscriptions",  # v3 subscriptions of vehicles to them
)

Data = dict[str, dict[str, Any]]


def empty_data() -> Data:
    return {name: {} for name in _SECTIONS}


class State:
    def __init__(self, directory: Path, *, reset: bool = False) -> None:
        self.directory = Path(directory)
        self.path = self.directory / config.STATE_FILE
        self.lock = threading.RLock()
        self.data: Data = empty_data() if reset else self._load()
        self.sessions: dict[str, dict[str, Any]] = {}  # Connect sessions, in memory only
        self.directory.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.directory, 0o700)
        self.save()

    def _load(self) -> Data:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return empty_data()
        except OSError as error:
            log.warning("carman sandbox: cannot read %s (%s); starting afresh", self.path, error)
            return empty_data()
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict) or raw.get("version") != SCHEMA_VERSION:
                raise ValueError("unknown layout")
            data = empty_data()
            for name in _SECTIONS:
                section = raw.get(name, {})
                if not isinstance(section, dict):
                    raise ValueError(f"section {name!r} is not an object")
                data[name] = section
            return data
        except ValueError as error:
            # Keep the unreadable file for inspection rather than overwrite it silently.
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            with contextlib.suppress(OSError):
                self.path.replace(aside)
            log.warning(
                "carman sandbox: %s is unreadable (%s); moved to %s, starting afresh",
                self.path,
                error,
                aside.name,
            )
            return empty_data()

    def save(self) -> None:
        with self.lock:
            document = {"version": SCHEMA_VERSION, **self.data}
            atomic_write_text(self.path, json.dumps(document, indent=1, sort_keys=True), mode=0o600)

    @contextlib.contextmanager
    def changing(self) -> Iterator[Data]:
        """Hold the lock, let the caller change the data, then write it (even on error)."""
        with self.lock:
            try:
                yield self.data
            finally:
                self.save()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Data]:
        with self.lock:
            yield self.data

    def prune(self, now: float) -> None:
        """Forget codes, tokens and sessions that can never be used again (caller holds lock)."""
        data = self.data
        for code, record in list(data["codes"].items()):
            if record["expires_at"] <= now:
                del data["codes"][code]
        for token, record in list(data["access_tokens"].items()):
            if record["expires_at"] <= now:
                del data["access_tokens"][token]
        for token, record in list(data["refresh_tokens"].items()):
            rotated = record.get("rotated_at")
            if record["expires_at"] <= now or (
                rotated is not None and rotated + config.REFRESH_GRACE <= now
            ):
                del data["refresh_tokens"][token]
        for session_id, session in list(self.sessions.items()):
            if session["expires_at"] <= now:
                del self.sessions[session_id]
