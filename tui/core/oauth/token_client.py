"""The token endpoint: exchange an authorization code, refresh a token, or get an
application token with the client-credentials grant.

For the code and the refresh token, client authentication is HTTP Basic
(client_id:client_secret) with a form body, exactly as the Smartcar SDK sends it
(smartcar-api.md section 2.3). The client-credentials grant of Smartcar's API Authentication
sends the credentials in the form body instead (smartcar-v3.md §2.2: no Basic header is
documented for it). OAuth errors become ``TokenError`` with the provider's words; credentials
never appear in a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.core.errors import CarmanError
from tui.core.masking import redact
from tui.core.model import OAuth2Settings
from tui.core.oauth.http import new_client
from tui.core.send import describe_transport_error

if TYPE_CHECKING:
    import httpx

TOKEN_TIMEOUT = 30.0
# Errors meaning the refresh token (or code) is dead: only a new login helps.
_DEAD_GRANT = ("invalid_grant", "expired_token", "invalid_token")


@dataclass(frozen=True)
class TokenResponse:
    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str | None
    scope: str | None = None

    def __repr__(self) -> str:  # never show the tokens themselves
        return f"TokenResponse(token_type={self.token_type!r}, expires_in={self.expires_in})"


class TokenError(CarmanError):
    """The token endpoint said no (or could not be reached)."""

    def __init__(
        self,
        message: str,
        *,
        error: str,
        description: str = "",
        status: int | None = None,
        needs_login: bool = False,
    ) -> None:
        super().__init__(message)
        self.error = error
        self.description = description
        self.status = status
        self.needs_login = needs_login


def _form(grant: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in grant.items() if v}


async def exchange_code(
    settings: OAuth2Settings,
    client_secret: str,
    code: str,
    *,
    client: httpx.AsyncClient | None = None,
) -> TokenResponse:
    """Trade the authorization code for tokens (redirect_uri must match the authorize URL)."""
    form = _form(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": settings.redirect_uri,
        }
    )
    return await _post(settings, client_secret, form, hide=(code,), client=client)


async def refresh_tokens(
    settings: OAuth2Settings,
    client_secret: str,
    refresh_token: str,
    *,
    client: httpx.AsyncClient | None = None,
) -> TokenResponse:
    """A new access token (and, with Smartcar, a new refresh token: they rotate)."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return await _post(settings, client_secret, form, hide=(refresh_token,), client=client)


async def client_credentials(
    token_url: str,
    client_id: str,
    client_secret: str,
    *,
    client: httpx.AsyncClient | None = None,
) -> TokenResponse:
    """An application token (Smartcar API Authentication): one hour, no refresh token."""
    settings = OAuth2Settings(client_id=client_id, token_url=token_url)
    form = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
    }
    return await _post(settings, client_secret, form, hide=(), client=client, basic=False)


async def _post(
    settings: OAuth2Settings,
    client_secret: str,
    form: dict[str, str],
    *,
    hide: tuple[str, ...],
    client: httpx.AsyncClient | None,
    basic: bool = True,
) -> TokenResponse:
    import httpx  # ~25 ms of a start: imported when first used, not for the first frame

    secrets = (*hide, client_secret)
    grant = form["grant_type"]
    owned = client is None
    http = client or new_client(TOKEN_TIMEOUT)
    try:
        basic_auth = httpx.BasicAuth(settings.client_id, client_secret) if basic else None
        response = await http.post(
            settings.token_url,
            data=form,
            auth=basic_auth,  # type: ignore[arg-type]  # httpx takes None (no auth); hints omit it
            headers={"Accept": "application/json"},
        )
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        problem = describe_transport_error(exc, settings.token_url)
        raise TokenError(
            f"Could not reach the token endpoint {settings.token_url}: "
            f"{redact(problem.message, secrets)}",
            error="network",
        ) from None
    finally:
        if owned:
            await http.aclose()
    return _parse(response, grant, settings, secrets)


def _parse(
    response: httpx.Response, grant: str, settings: OAuth2Settings, secrets: tuple[str, ...]
) -> TokenResponse:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if response.status_code != 200 or not isinstance(body, dict) or "error" in body:
        raise _error(response.status_code, body, grant, settings, secrets)
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        raise TokenError(
            f"The token endpoint {settings.token_url} answered without an access_token.",
            error="invalid_response",
            status=response.status_code,
        )
    refresh = body.get("refresh_token")
    try:
        expires_in = int(body.get("expires_in") or 0)
    except (TypeError, ValueError):
        expires_in = 0
    scope = body.get("scope")
    return TokenResponse(
        access_token=access,
        token_type=str(body.get("token_type") or "Bearer"),
        expires_in=max(expires_in, 0),
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        scope=scope if isinstance(scope, str) else None,
    )


def _error(
    status: int, body: Any, grant: str, settings: OAuth2Settings, secrets: tuple[str, ...]
) -> TokenError:
    if not isinstance(body, dict):
        return TokenError(
            f"The token endpoint {settings.token_url} answered HTTP {status} without a JSON "
            "body. Check token_url.",
            error="invalid_response",
            status=status,
        )
    # Imported here: the callback parser (and ``secrets``) is not needed until a login or a
    # refused token request, and the first screen imports this module.
    from tui.core.oauth.callback import clean_text

    error = clean_text(str(body.get("error") or f"http_{status}"), 60)
    # Smartcar echoes the refresh token or code in the description: mask it.
    description = redact(clean_text(str(body.get("error_description") or "")), secrets)
    is_refresh = grant == "refresh_token"
    needs_login = error in _DEAD_GRANT or (
        is_refresh and error == "invalid_request" and "refresh" in description.lower()
    )
    if error == "invalid_client" or status == 401:
        message = (
            f"The token endpoint refused the client credentials ({error}): check the client id "
            f"{settings.client_id!r} and its client secret."
        )
    elif needs_login:
        message = (
            "The refresh token was refused: log in again."
            if is_refresh
            else "The authorization code was refused: log in again."
        )
    elif grant == "authorization_code":
        message = "The authorization code could not be exchanged for a token."
    elif grant == "client_credentials":
        message = "The application token (client credentials) could not be had."
    else:
        message = "The token could not be refreshed."
    detail = f" The server said: {error}" + (f" - {description}" if description else "")
    return TokenError(
        message + detail,
        error=error,
        description=description,
        status=status,
        needs_login=needs_login,
    )
