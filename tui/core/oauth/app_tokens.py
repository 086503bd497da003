"""The application token of Smartcar's API Authentication, fetched and renewed by carman.

One token per (environment, client id), from the client-credentials grant (``POST
{{iam_url}}/oauth2/token``, smartcar-v3.md §2): it lasts an hour and has no refresh token, so
"renewing" means asking again with the same credentials. carman asks when a request needs the
token and none is cached, when the cached one has less than the margin left, and once after the
API refused it (a 401). The user is never asked to do anything, unless the credentials
themselves are wrong or the client secret is unknown (then the message says what to fix).

Tokens are cached in the token store (the same 0600 file as the per-vehicle tokens, in its own
``app_tokens`` section, never with the client secret), under the store's cross-process lock, so
a TUI and a ``carman send`` in another pane share one token.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from tui.core.errors import CarmanError
from tui.core.model import AppAuthSettings, AuthModel
from tui.core.oauth.token_client import TokenError, client_credentials
from tui.core.oauth.token_store import APP_TOKENS, StoredToken
from tui.core.send import NeedsLogin

if TYPE_CHECKING:
    from tui.core.oauth.manager import TokenManager

Key = tuple[str, str]


class AppTokens:
    """The active environment's application token (a part of ``TokenManager``)."""

    def __init__(self, manager: TokenManager) -> None:
        self.manager = manager
        self._locks: dict[Key, asyncio.Lock] = {}
        # Client-credentials calls made (tests and the UI's log read it).
        self.fetch_count = 0

    # -- settings --------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """Does the active environment use API Authentication?"""
        env = self.manager.workspace.environment
        return env is not None and env.auth_model == AuthModel.API

    def settings(self) -> AppAuthSettings | None:
        """The active environment's settings, resolved; None when it does not use API
        Authentication or a variable is still undefined."""
        try:
            return self.require_settings()
        except CarmanError:
            return None

    def require_settings(self) -> AppAuthSettings:
        workspace = self.manager.workspace
        env = workspace.environment
        if env is None:
            raise CarmanError("No environment is selected: choose one with --env NAME.")
        if env.auth_model != AuthModel.API:
            raise CarmanError(
                f'Environment {env.name!r} uses auth_model = "{env.auth_model.value}" '
                "(per-vehicle tokens): it has no application token."
            )
        raw = env.app_auth
        missing = workspace.variables.unresolved_in([raw.token_url, raw.client_id])
        if missing:
            listed = ", ".join(f"{{{{{name}}}}}" for name in missing)
            raise CarmanError(
                f"Environment {env.name!r}: the application token needs {listed} "
                "(the [app_auth] token_url and client_id use them)."
            )
        resolved = AppAuthSettings(
            token_url=workspace.variables.resolve(raw.token_url).text.strip(),
            client_id=workspace.variables.resolve(raw.client_id).text.strip(),
        )
        absent = [name for name, value in dataclasses.asdict(resolved).items() if not value]
        if absent:
            raise CarmanError(
                f"Environment {env.name!r}: the application token's {', '.join(absent)} is empty."
            )
        return resolved

    def key(self, settings: AppAuthSettings) -> Key:
        return (self.manager.environment, settings.client_id)

    # -- the token -------------------------------------------------------------------------
    def cached(self, settings: AppAuthSettings | None = None) -> StoredToken | None:
        settings = settings or self.settings()
        if settings is None:
            return None
        return self.manager.store.get(*self.key(settings), kind=APP_TOKENS)

    def _due(self, token: StoredToken | None) -> bool:
        if token is None:
            return True
        return token.seconds_left(self.manager.clock()) < self.manager.refresh_margin

    async def token(self, *, stale: str | None = None) -> str:
        """A valid application token; with ``stale``, that one was refused: get another."""
        settings = self.require_settings()
        key = self.key(settings)
        current = self.manager.store.get(*key, kind=APP_TOKENS)
        if stale is None and not self._due(current):
            assert current is not None
            return current.access_token
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock, self.manager.store.alocked():
            # Another send (or another carman process) may have fetched one meanwhile.
            latest = self.manager.store.get(*key, kind=APP_TOKENS)
            if latest is not None and not self._due(latest) and latest.access_token != stale:
                return latest.access_token
            try:
                return (await self._fetch(key, settings)).access_token
            except CarmanError:
                # The token endpoint is unreachable or unhappy, but the token we have is not
                # expired yet (only due): use it for now rather than block the send.
                alive = self.manager.store.get(*key, kind=APP_TOKENS)
                if (
                    stale is None
                    and alive is not None
                    and alive.seconds_left(self.manager.clock()) > 0
                ):
                    return alive.access_token
                raise

    async def _fetch(self, key: Key, settings: AppAuthSettings) -> StoredToken:
        manager = self.manager
        secret = manager.workspace.secrets.client_secret(settings.client_id)
        if not secret:
            raise NeedsLogin(
                f"No client secret is stored for client id {settings.client_id!r}, so carman "
                "cannot get the application token. The login dialog (ctrl+o) asks for it, or "
                f"run: carman login --env {manager.environment or 'NAME'}"
            )
        self.fetch_count += 1
        try:
            response = await client_credentials(settings.token_url, settings.client_id, secret)
        except TokenError as exc:
            if exc.error == "invalid_client" or exc.status == 401:
                # Whatever we cached is of no use with credentials that are refused.
                manager.store.delete(*key, kind=APP_TOKENS)
                manager._changed()
            raise CarmanError(f"Application token: {exc}") from None
        now = manager.clock()
        token = StoredToken.from_response(
            response.access_token,
            None,  # the client-credentials grant has no refresh token
            response.expires_in or 3600,
            response.scope or "",
            now,
            response.token_type,
        )
        manager.store.put(*key, token, kind=APP_TOKENS)
        manager._changed()
        return token

    def forget(self) -> bool:
        """Drop the cached application token of the active environment."""
        settings = self.settings()
        if settings is None:
            return False
        removed = self.manager.store.delete(*self.key(settings), kind=APP_TOKENS)
        self.manager._changed()
        return removed
