"""One login: authorize URL -> callback (listener or pasted) -> code exchange -> stored tokens.

Smartcar v3: the redirect also carries ``user_id`` (the owner), which becomes the session
variable ``{{user_id}}`` (the ``sc-user-id`` of v3 requests). With ``response_type=code`` the
code is still exchanged for the per-vehicle tokens v2.0 needs, so one login serves both
generations; with ``response_type=none`` there is no code and nothing to exchange.

The same object drives ``carman login`` and the TUI's login dialog:

    flow = manager.login(settings)        # settings resolved
    show(flow.authorize_url)
    flow.start()                          # the loopback listener (ListenerError: port in use)
    result = await flow.wait()            # or: await flow.complete_with_pasted(text)
    print(result.summary)

Failures raise ``LoginError`` (denied, timeout, exchange refused) whose message is the sentence
to show; a pasted URL that does not belong to this login raises ``InvalidCallback``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from tui.core.errors import CarmanError
from tui.core.model import OAuth2Settings
from tui.core.oauth.authorize import build_authorize_url, new_state
from tui.core.oauth.callback import CallbackResult, clean_text, parse_pasted_redirect
from tui.core.oauth.listener import CallbackListener
from tui.core.oauth.token_client import TokenError, exchange_code
from tui.core.oauth.token_store import StoredToken, format_duration
from tui.core.send import describe_transport_error

if TYPE_CHECKING:
    from tui.core.oauth.manager import TokenManager


class LoginError(CarmanError):
    """The login did not produce a token; the message says why in words."""

    def __init__(self, message: str, callback: CallbackResult | None = None) -> None:
        super().__init__(message)
        self.callback = callback


@dataclass
class LoginResult:
    environment: str
    client_id: str
    # The per-vehicle tokens (None with response_type=none: nothing was exchanged).
    token: StoredToken | None = field(default=None, repr=False)
    vehicle_ids: list[str] = field(default_factory=list)
    # Vehicles the token covers (paging.count of GET /vehicles); None when not checked.
    vehicle_count: int | None = None
    vehicle_error: str | None = None
    user_id: str | None = None  # Smartcar v3: the owner, for sc-user-id

    @property
    def summary(self) -> str:
        where = f" to {self.environment}" if self.environment else ""
        if self.token is not None:
            lifetime = format_duration(self.token.expires_at - self.token.obtained_at)
            text = f"Logged in{where}: the access token is valid for {lifetime}."
        else:
            text = f"Connected{where} (response_type=none: no per-vehicle token)."
        if self.user_id:
            text += f" user_id is now {self.user_id}."
        if self.vehicle_count is not None:
            plural = "vehicle" if self.vehicle_count == 1 else "vehicles"
            text += f" {self.vehicle_count} {plural} authorised."
            if self.vehicle_ids:
                text += f" vehicle_id is now {self.vehicle_ids[0]}."
        elif self.vehicle_error:
            text += f" {self.vehicle_error}"
        return text


class LoginFlow:
    def __init__(
        self,
        manager: TokenManager,
        settings: OAuth2Settings,
        *,
        timeout: float = 300.0,
        state: str | None = None,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.manager = manager
        self.settings = settings
        self.timeout = timeout
        self.state = state or new_state()
        self.authorize_url = build_authorize_url(settings, self.state)
        self.listener: CallbackListener | None = None
        self._on_event = on_event
        self._used = False  # a code is exchanged once; the state is single-use

    @property
    def redirect_uri(self) -> str:
        return self.settings.redirect_uri

    @property
    def port(self) -> int | None:
        return self.listener.port if self.listener else None

    @property
    def events(self) -> list[str]:
        """What the listener refused so far (wrong state, wrong path ...), for the UI."""
        return list(self.listener.events) if self.listener else []

    def start(self) -> CallbackListener:
        """Start the loopback listener. Raises ListenerError with the remedy."""
        if self.listener is None:
            listener = CallbackListener(
                self.settings.redirect_uri, self.state, self.timeout, on_event=self._on_event
            )
            listener.start()
            self.listener = listener
            if listener.requested_port == 0:
                # Tests listen on an ephemeral port: the redirect URI names the real one.
                parts = urlsplit(self.settings.redirect_uri)
                host = parts.hostname or "localhost"
                netloc = f"[{host}]:{listener.port}" if ":" in host else f"{host}:{listener.port}"
                uri = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
                self.settings = dataclasses.replace(self.settings, redirect_uri=uri)
                self.authorize_url = build_authorize_url(self.settings, self.state)
        return self.listener

    def cancel(self) -> None:
        if self.listener is not None:
            self.listener.cancel()

    def stop(self) -> None:
        if self.listener is not None:
            self.listener.stop()

    async def wait(self) -> LoginResult:
        """Wait for the browser's redirect on the listener, then finish the login."""
        listener = self.start()
        return await self._complete(await listener.wait())

    async def complete_with_pasted(self, text: str) -> LoginResult:
        """Finish with the final redirect URL (or the bare code) pasted by the user."""
        result = parse_pasted_redirect(text, self.state)
        if self.settings.response_type == "none" and result.code and not result.user_id:
            # No code exists with response_type=none: a bare value pasted is the user id.
            result = CallbackResult(user_id=result.code)
        if self.listener is not None:
            self.listener.cancel()  # the paste won; the listener is not needed any more
        return await self._complete(result)

    async def complete_with_code(self, code: str) -> LoginResult:
        return await self._complete(CallbackResult(code=code))

    async def _complete(self, result: CallbackResult) -> LoginResult:
        try:
            if not result.ok:
                raise LoginError(result.message, result)
            if result.code is None and self.settings.response_type != "none":
                raise LoginError(
                    "Connect answered without an authorization code, so there is nothing to "
                    "exchange for a token (the redirect carried only a user_id). Log in again.",
                    result,
                )
            if self._used:
                raise LoginError("This login was already completed; start a new one.")
            self._used = True
            login = LoginResult(self.manager.environment, self.settings.client_id)
            if result.code is not None:
                login.token = await self._exchange(result.code)
            if result.user_id:
                login.user_id = result.user_id
                # The session variable every v3 request's sc-user-id header reads.
                self.manager.workspace.set_session({"user_id": result.user_id})
            if login.token is not None:
                await self._count_vehicles(login)
            return login
        finally:
            # Done either way: free the port at once so a new login can listen on it.
            self.stop()

    async def _exchange(self, code: str) -> StoredToken:
        manager = self.manager
        secret = manager.client_secret(self.settings)
        try:
            response = await exchange_code(self.settings, secret, code)
        except TokenError as exc:
            raise LoginError(str(exc)) from None
        return await manager.complete_login(self.settings, response)

    async def _count_vehicles(self, login: LoginResult) -> None:
        """GET {api_url}/v2.0/vehicles with the new token; set vehicle_id to the first one."""
        workspace = self.manager.workspace
        resolved = workspace.variables.resolve("{{api_url}}")
        if resolved.unresolved or not resolved.text.strip():
            return
        url = resolved.text.strip().rstrip("/") + "/v2.0/vehicles"
        assert login.token is not None
        headers = {"Authorization": f"Bearer {login.token.access_token}"}
        import httpx  # ~25 ms of a start: imported when first used, not for the first frame

        try:
            async with self.manager.http_client() as client:
                response = await client.get(url, headers=headers)
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            problem = describe_transport_error(exc, url)
            login.vehicle_error = f"Could not list the vehicles: {problem.message}"
            return
        body: Any = None
        if response.status_code == 200:
            try:
                body = response.json()
            except ValueError:
                body = None
        if not isinstance(body, dict) or not isinstance(body.get("vehicles"), list):
            login.vehicle_error = (
                f"Could not list the vehicles: {url} answered HTTP {response.status_code}."
            )
            return
        ids = [clean_text(v, 80) for v in body["vehicles"] if isinstance(v, str) and v]
        paging = body.get("paging")
        count = paging.get("count") if isinstance(paging, dict) else None
        login.vehicle_ids = ids
        login.vehicle_count = count if isinstance(count, int) else len(ids)
        if ids:
            workspace.set_session({"vehicle_id": ids[0]})
