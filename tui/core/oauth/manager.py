"""TokenManager: the send pipeline's token source, and the login entry point.

It hands out access tokens for (environment, client id), refreshing them shortly before they
expire or when the API refused one (401), with one refresh shared by every concurrent caller
and by other carman processes (the store's file lock). It also feeds ``{{access_token}}``,
``{{bearerToken}}`` and ``{{refresh_token}}`` to the variables store so imported collections
work, and starts logins (``LoginFlow``) for both the CLI and the TUI.

Requests whose auth is ``app_token`` (Smartcar v3) get their token from ``app_token()``: in an
environment with ``auth_model = "api"`` the application token of API Authentication
(``AppTokens``), in one with ``auth_model = "connect"`` the per-vehicle token of the login
(v3's read endpoints accept it as a legacy bearer). ``{{app_token}}`` follows the same rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from tui.core.errors import CarmanError
from tui.core.masking import redact
from tui.core.model import AuthModel, OAuth2Settings
from tui.core.oauth.app_tokens import AppTokens
from tui.core.oauth.http import new_client
from tui.core.oauth.token_client import TokenError, TokenResponse, refresh_tokens
from tui.core.oauth.token_store import APP_TOKENS, StoredToken, TokenStore, format_duration
from tui.core.send import NeedsLogin

if TYPE_CHECKING:
    import httpx

    from tui.core.oauth.flow import LoginFlow
    from tui.core.workspace import Workspace

# Refresh when fewer than this many seconds are left: a request sent now must still carry a
# valid token when it reaches the vehicle API.
REFRESH_MARGIN = 120.0

Clock = Callable[[], float]

__all__ = ["TokenManager", "TokenState", "TokenStatus"]


class TokenStatus(StrEnum):
    NONE = "none"  # never logged in (or logged out)
    VALID = "valid"  # the access token is good for a while
    REFRESHABLE = "refreshable"  # expired or about to, but the refresh token still works
    EXPIRED = "expired"  # expired and no usable refresh token: log in again
    DAMAGED = "damaged"  # the token file cannot be read


@dataclass(frozen=True)
class TokenState:
    status: TokenStatus
    seconds_left: float = 0.0  # of the access token
    expires_at: float | None = None
    refresh_expires_at: float | None = None
    scope: str = ""
    message: str = ""

    @property
    def label(self) -> str:
        """Short text for a status bar: ``valid 1h52m``, ``expired``, ``none``."""
        if self.status == TokenStatus.VALID:
            return f"valid {format_duration(self.seconds_left)}"
        return self.status.value

    @property
    def usable(self) -> bool:
        """A request can be sent without logging in (possibly after a refresh)."""
        return self.status in (TokenStatus.VALID, TokenStatus.REFRESHABLE)


class TokenManager:
    """Implements ``tui.core.send.TokenSource`` on top of the token store."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        store: TokenStore | None = None,
        clock: Clock = time.time,
        refresh_margin: float = REFRESH_MARGIN,
    ) -> None:
        self.workspace = workspace
        self.store = store or TokenStore()
        self.clock = clock
        self.refresh_margin = refresh_margin
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        # Token-endpoint refresh calls made by this manager (tests and the UI's log read it).
        self.refresh_count = 0
        self._listeners: list[Callable[[], None]] = []
        self.app = AppTokens(self)
        for name in ("access_token", "bearerToken"):
            workspace.variables.add_provider(name, self._provide_access_token)
        workspace.variables.add_provider("refresh_token", self._provide_refresh_token)
        workspace.variables.add_provider("app_token", self._provide_app_token)

    # -- announcing changes -----------------------------------------------------------------
    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after any stored token changes (login, refresh, logout, forget);
        returns the function that unsubscribes. Listeners run on the caller's thread."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- keys and settings -----------------------------------------------------------------
    @property
    def environment(self) -> str:
        return self.workspace.environment_name

    def key(self, settings: OAuth2Settings) -> tuple[str, str]:
        return (self.environment, settings.client_id)

    def active_settings(self) -> OAuth2Settings | None:
        """The active environment's OAuth2 settings, resolved (None when not configured)."""
        env = self.workspace.environment
        if env is None or env.oauth2 is None:
            return None
        resolved = self.workspace.resolve_settings(env.oauth2)
        if not resolved.client_id or "{{" in resolved.client_id:
            return None
        return resolved

    def require_settings(self) -> OAuth2Settings:
        """The active environment's resolved OAuth2 settings, or a CarmanError saying why not."""
        env = self.workspace.environment
        if env is None:
            raise CarmanError("No environment is selected: choose one with --env NAME.")
        if env.oauth2 is None:
            raise CarmanError(
                f"Environment {env.name!r} has no [oauth2] settings (client_id, authorize_url, "
                "token_url), so there is nothing to log in to."
            )
        raw = env.oauth2
        missing = self.workspace.variables.unresolved_in(
            [raw.client_id, raw.authorize_url, raw.token_url, raw.redirect_uri, *raw.scope]
        )
        if missing:
            listed = ", ".join(f"{{{{{name}}}}}" for name in missing)
            raise CarmanError(
                f"Environment {env.name!r}: the OAuth2 settings use undefined variables {listed}."
            )
        settings = self.workspace.resolve_settings(raw)
        absent = [
            name
            for name in ("client_id", "authorize_url", "token_url")
            if not getattr(settings, name)
        ]
        if absent:
            raise CarmanError(
                f"Environment {env.name!r}: the OAuth2 settings lack {', '.join(absent)}."
            )
        return settings

    def client_secret(self, settings: OAuth2Settings) -> str:
        secret = self.workspace.secrets.client_secret(settings.client_id)
        if not secret:
            raise CarmanError(
                f"No client secret is stored for client id {settings.client_id!r}. Enter it in "
                "the login dialog (ctrl+o), or run carman login --env "
                f"{self.environment or 'NAME'}, which asks for it."
            )
        return secret

    def _needs_login(self, why: str) -> NeedsLogin:
        env = self.environment or "NAME"
        return NeedsLogin(f"{why} Log in with ctrl+o in carman, or run: carman login --env {env}")

    # -- the TokenSource protocol ----------------------------------------------------------
    async def access_token(self, settings: OAuth2Settings, *, stale: str | None = None) -> str:
        """A valid access token; with ``stale``, that token was refused: refresh it once."""
        key = self.key(settings)
        token = self._stored(key)
        if stale is None and not self._due(token):
            return token.access_token
        async with self._lock(key):
            # Someone may have refreshed while we queued for the lock.
            token = self._stored(key)
            if stale is not None and token.access_token != stale:
                return token.access_token
            if stale is None and not self._due(token):
                return token.access_token
            try:
                return (await self._refresh(key, settings, token, stale=stale)).access_token
            except CarmanError:
                # The token endpoint is unreachable or unhappy (or the lock is stuck), but the
                # token we have is not expired yet: use it for now rather than block the send.
                if stale is None and token.seconds_left(self.clock()) > 0:
                    return token.access_token
                raise

    # -- the token of app_token requests (Smartcar v3) --------------------------------------
    def uses_app_token(self) -> bool:
        """API Authentication in the active environment (else per-vehicle tokens)."""
        env = self.workspace.environment
        return env is None or env.auth_model == AuthModel.API

    async def app_token(self, *, stale: str | None = None) -> str:
        """The token an ``app_token`` request carries; with ``stale``, that one was refused.

        ``auth_model = "api"``: the application token, fetched or renewed as needed.
        ``auth_model = "connect"``: the login's per-vehicle access token, refreshed as needed.
        """
        if self.uses_app_token():
            return await self.app.token(stale=stale)
        return await self.access_token(self.require_settings(), stale=stale)

    async def ensure_fresh(self, settings: OAuth2Settings) -> None:
        """Refresh a due token before a send resolves {{access_token}}; no token: no-op."""
        if self.store.get(*self.key(settings)) is None:
            return
        await self.access_token(settings)

    async def refresh(self, settings: OAuth2Settings) -> StoredToken:
        """Refresh now, whatever the expiry (the UI's "refresh token" action)."""
        key = self.key(settings)
        async with self._lock(key):
            token = self._stored(key)
            return await self._refresh(key, settings, token, stale=token.access_token)

    # -- internals -------------------------------------------------------------------------
    def _lock(self, key: tuple[str, str]) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def _stored(self, key: tuple[str, str]) -> StoredToken:
        token = self.store.get(*key)
        if token is None:
            raise self._needs_login(f"Not logged in to {key[0] or 'this environment'} yet.")
        return token

    def _due(self, token: StoredToken) -> bool:
        return token.seconds_left(self.clock()) < self.refresh_margin

    async def _refresh(
        self,
        key: tuple[str, str],
        settings: OAuth2Settings,
        token: StoredToken,
        *,
        stale: str | None,
    ) -> StoredToken:
        env, client_id = key
        async with self.store.alocked():
            # Another carman process may have refreshed (and rotated the refresh token).
            latest = self.store.get(env, client_id)
            if latest is None:
                raise self._needs_login(f"Logged out of {env or 'this environment'}.")
            if latest.access_token != token.access_token and (
                stale is not None or not self._due(latest)
            ):
                return latest
            now = self.clock()
            if not latest.can_refresh(now):
                why = (
                    "The refresh token has expired (they last 60 days)."
                    if latest.refresh_token
                    else "The token has expired and there is no refresh token."
                )
                raise self._needs_login(why)
            secret = self.client_secret(settings)
            assert latest.refresh_token is not None
            self.refresh_count += 1
            try:
                response = await refresh_tokens(settings, secret, latest.refresh_token)
            except TokenError as exc:
                if exc.needs_login:
                    # A dead refresh token never comes back: forget it so the state says so.
                    self.store.delete(env, client_id)
                    self._changed()
                    raise self._needs_login(f"{exc}") from None
                raise
            fresh = self._store_response(key, response, scope=latest.scope, previous=latest)
            return fresh

    def _store_response(
        self,
        key: tuple[str, str],
        response: TokenResponse,
        *,
        scope: str,
        previous: StoredToken | None = None,
    ) -> StoredToken:
        now = self.clock()
        token = StoredToken.from_response(
            response.access_token,
            # Rotated refresh tokens are saved; a provider that does not rotate keeps the old.
            response.refresh_token or (previous.refresh_token if previous else None),
            response.expires_in or 3600,
            response.scope or scope,
            now,
            response.token_type,
        )
        if previous is not None and response.refresh_token in (None, previous.refresh_token):
            # Not rotated: the old refresh token's lifetime still counts from its issue.
            token.refresh_expires_at = previous.refresh_expires_at
        self.store.put(*key, token)
        self._changed()
        return token

    # -- variables providers ---------------------------------------------------------------
    def _active_token(self) -> StoredToken | None:
        # Providers run inside variable resolution: they must never raise.
        with contextlib.suppress(CarmanError):
            # A request with its own OAuth2 settings (an imported collection) uses its login.
            settings = self.workspace.sending_with() or self.active_settings()
            if settings is not None:
                return self.store.get(*self.key(settings))
        return None

    def _provide_access_token(self) -> str | None:
        token = self._active_token()
        return token.access_token if token else None

    def _provide_refresh_token(self) -> str | None:
        token = self._active_token()
        return token.refresh_token if token else None

    def _provide_app_token(self) -> str | None:
        # What an app_token request would carry now (without fetching: providers never do
        # I/O; a send fetches first). Must never raise.
        with contextlib.suppress(CarmanError):
            if not self.uses_app_token():
                return self._provide_access_token()
            token = self.app.cached()
            if token is not None and token.seconds_left(self.clock()) > 0:
                return token.access_token
        return None

    # -- for the UI ------------------------------------------------------------------------
    def state(self, settings: OAuth2Settings | None = None) -> TokenState:
        settings = settings or self.active_settings()
        if settings is None:
            return TokenState(TokenStatus.NONE, message="This environment has no OAuth2 login.")
        try:
            token = self.store.get(*self.key(settings))
        except CarmanError as exc:
            return TokenState(TokenStatus.DAMAGED, message=str(exc))
        if token is None:
            return TokenState(TokenStatus.NONE, message="Not logged in.")
        now = self.clock()
        left = token.seconds_left(now)
        valid = TokenState(
            TokenStatus.VALID,
            seconds_left=left,
            expires_at=token.expires_at,
            refresh_expires_at=token.refresh_expires_at,
            scope=token.scope,
        )
        if left >= self.refresh_margin:
            return valid
        if token.can_refresh(now):
            return replace(
                valid, status=TokenStatus.REFRESHABLE, message="Refreshed on the next send."
            )
        return replace(valid, status=TokenStatus.EXPIRED, message="Log in again.")

    def app_state(self) -> TokenState:
        """The application token's state. It is never the user's job: NONE and EXPIRED mean
        "carman fetches one on the next send that needs it"."""
        if not self.uses_app_token():
            return TokenState(TokenStatus.NONE, message="This environment uses per-vehicle tokens.")
        try:
            settings = self.app.require_settings()
        except CarmanError as exc:  # a variable the token URL or client id needs is undefined
            return TokenState(TokenStatus.NONE, message=str(exc))
        try:
            token = self.store.get(*self.app.key(settings), kind=APP_TOKENS)
        except CarmanError as exc:
            return TokenState(TokenStatus.DAMAGED, message=str(exc))
        if token is None:
            return TokenState(TokenStatus.NONE, message="Fetched on the next send that needs it.")
        left = token.seconds_left(self.clock())
        valid = TokenState(
            TokenStatus.VALID, seconds_left=left, expires_at=token.expires_at, scope=token.scope
        )
        if left >= self.refresh_margin:
            return valid
        return replace(
            valid, status=TokenStatus.REFRESHABLE, message="Renewed on the next send that needs it."
        )

    def stored(self, settings: OAuth2Settings) -> StoredToken | None:
        return self.store.get(*self.key(settings))

    def logout(self, settings: OAuth2Settings) -> bool:
        """Forget the tokens of this environment and client. True if there were some."""
        removed = self.store.delete(*self.key(settings))
        self._changed()
        return removed

    def forget_all(self) -> None:
        self.store.clear()
        self._changed()

    def secret_values(self) -> set[str]:
        return self.store.secret_values()

    def redact(self, text: str) -> str:
        return redact(text, self.secret_values())

    def login(
        self,
        settings: OAuth2Settings,
        *,
        timeout: float = 300.0,
        state: str | None = None,
        on_event: Callable[[str], None] | None = None,
    ) -> LoginFlow:
        """A login for ``settings`` (resolved): see LoginFlow.

        ``on_event`` hears about refused callbacks while waiting (called from the listener's
        thread: a TUI must hop to its own thread, e.g. with ``call_from_thread``).
        """
        # Imported when a login starts: the login flow, its callback listener and http.server
        # are ~15 ms of a start that the first frame does not need.
        from tui.core.oauth.flow import LoginFlow

        return LoginFlow(self, settings, timeout=timeout, state=state, on_event=on_event)

    async def complete_login(
        self, settings: OAuth2Settings, response: TokenResponse
    ) -> StoredToken:
        """Store the tokens of a finished code exchange."""
        key = self.key(settings)
        async with self._lock(key):
            return self._store_response(key, response, scope=" ".join(settings.scope))

    def http_client(self) -> httpx.AsyncClient:
        """A short-lived client for login-time calls (token endpoint, vehicle list)."""
        return new_client()
