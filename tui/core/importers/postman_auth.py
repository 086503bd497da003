"""Postman ``auth`` objects (v2.0 and v2.1) -> carman ``Auth``.

Live tokens are dropped, client secrets and other literal credentials are moved to the report's
secrets, and API-key auth (which carman has no kind for) becomes a header or query row on
every request it applies to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.core.importers.coerce import as_bool, as_dict, as_list, as_text, kind_of
from tui.core.importers.credentials import (
    ACCESS_TOKEN_REF,
    is_literal,
    looks_like_token,
    variable_name_for,
)
from tui.core.importers.report import CLIENT_SECRET, VARIABLE, ImportFailed, ImportReport
from tui.core.model import Auth, AuthKind, KeyValue, OAuth2Settings
from tui.core.variables import VARIABLE as TEMPLATE

# authRequestParams that are OAuth2Settings fields of their own (Smartcar Connect options);
# the country travels as ``flags=country:XX``, as carman's login sends it.
CONNECT_PARAMS = ("mode", "make", "single_select", "approval_prompt")
# OAuth2 options carman has no use for; silently ignored.
_IGNORED_OAUTH2 = {
    "useBrowser",
    "client_authentication",
    "challengeAlgorithm",
    "tokenType",
    "addTokenTo",
    "id",
    "expires_in",
    "timestamp",
}
_TOKEN_KEYS = ("accessToken", "refreshToken", "tokenName", "id_token", "code_verifier")


@dataclass
class AuthResult:
    auth: Auth | None  # None: inherit from the parent (Postman's missing auth)
    row: tuple[str, KeyValue] | None = None  # API key: ("header" or "query", row)


def _params(data: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    """v2.1 lists ``[{key, value}]`` and v2.0 objects ``{key: value}`` alike."""
    raw = data.get(kind)
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return {str(key): value for key, value in raw.items()}
    params: dict[str, Any] = {}
    for index, entry in enumerate(as_list(raw, where, f"auth.{kind}")):
        if not isinstance(entry, dict):
            raise ImportFailed(
                f"{where or '(collection)'}: auth.{kind}[{index}]: expected an object, "
                f"got {kind_of(entry)}"
            )
        params[as_text(entry.get("key"))] = entry.get("value")
    return params


def _resolve(value: str, variables: dict[str, str]) -> str:
    """``{{client_id}}`` -> its collection value when that is plain text."""
    match = TEMPLATE.fullmatch(value.strip())
    if match and is_literal(variables.get(match.group(1), "")):
        return variables[match.group(1)]
    return value


def import_auth(
    value: Any, where: str, report: ImportReport, variables: dict[str, str]
) -> AuthResult:
    if value is None:
        return AuthResult(None)
    data = as_dict(value, where, "auth")
    kind = as_text(data.get("type")).strip().lower()
    if kind in ("", "inherit"):
        return AuthResult(None)
    if kind == "noauth":
        return AuthResult(Auth(kind=AuthKind.NONE))
    params = _params(data, kind, where)
    if kind == "bearer":
        token = as_text(params.get("token"))
        if is_literal(token):
            token = ACCESS_TOKEN_REF
            report.warn(where, f"bearer auth: literal token dropped; now uses {ACCESS_TOKEN_REF}")
        return AuthResult(Auth(kind=AuthKind.BEARER, token=token))
    if kind == "basic":
        password = as_text(params.get("password"))
        if is_literal(password):
            moved = report.add_secret(VARIABLE, "password", password, where)
            password = f"{{{{{moved}}}}}"
            report.warn(where, f"basic auth: password moved to secret {password}")
        username = as_text(params.get("username"))
        return AuthResult(Auth(kind=AuthKind.BASIC, username=username, password=password))
    if kind == "apikey":
        return _apikey(params, where, report)
    if kind == "oauth2" and _is_smartcar_app_token(params):
        # Smartcar's API Authentication: carman's app token auth fetches and renews it (from
        # the environment's [app_auth] settings; the client secret stays in the secrets file).
        if as_text(params.get("clientSecret")).strip() and is_literal(
            as_text(params.get("clientSecret"))
        ):
            report.warn(where, "oauth2: client secret not kept (ctrl+o asks for it once)")
        return AuthResult(Auth(kind=AuthKind.APP_TOKEN))
    if kind == "oauth2":
        return AuthResult(
            Auth(kind=AuthKind.OAUTH2, oauth2=_oauth2(params, where, report, variables))
        )
    report.warn(where, f"auth type {kind!r} is not supported; the request sends no auth")
    return AuthResult(Auth(kind=AuthKind.NONE))


def _is_smartcar_app_token(params: dict[str, Any]) -> bool:
    """Smartcar's client-credentials grant (as carman exports it, or at iam.smartcar.com);
    any other provider's stays an OAuth2 auth."""
    if as_text(params.get("grant_type")).strip() != "client_credentials":
        return False
    url = as_text(params.get("accessTokenUrl")).strip()
    return url == "{{iam_url}}/oauth2/token" or "iam.smartcar.com/" in url


def _apikey(params: dict[str, Any], where: str, report: ImportReport) -> AuthResult:
    name = as_text(params.get("key")).strip()
    value = as_text(params.get("value"))
    location = "query" if as_text(params.get("in")).strip().lower() == "query" else "header"
    if not name:
        report.warn(where, "API key auth without a key name: not imported")
        return AuthResult(Auth(kind=AuthKind.NONE))
    if is_literal(value):
        variable = variable_name_for(name)
        if looks_like_token(name):
            report.warn(where, f"API key auth: live token dropped; now uses {{{{{variable}}}}}")
        else:
            variable = report.add_secret(VARIABLE, variable, value, where)
            report.warn(where, f"API key auth: key moved to secret {{{{{variable}}}}}")
        value = f"{{{{{variable}}}}}"
    where_to = "header" if location == "header" else "query parameter"
    report.warn(where, f"API key auth became the {where_to} {name!r} on the requests it covers")
    return AuthResult(Auth(kind=AuthKind.NONE), (location, KeyValue(name, value)))


def _oauth2(
    params: dict[str, Any], where: str, report: ImportReport, variables: dict[str, str]
) -> OAuth2Settings | None:
    if not params:
        return None  # "use the environment's OAuth2 settings"
    settings = OAuth2Settings()
    text = {key: as_text(value) for key, value in params.items() if not isinstance(value, list)}
    settings.authorize_url = text.get("authUrl", "")
    settings.token_url = text.get("accessTokenUrl", "")
    settings.client_id = text.get("clientId", "")
    settings.scope = text.get("scope", "").split()
    if text.get("redirect_uri", "").strip():
        settings.redirect_uri = text["redirect_uri"].strip()
    if "oauth.pstmn.io" in settings.redirect_uri or as_bool(params.get("useBrowser")):
        report.warn(
            where,
            "oauth2: Postman's browser callback is used as redirect URI; register a local one "
            "(e.g. http://localhost:8000/exchange) or paste the final URL back when logging in",
        )
    add_to = text.get("addTokenTo", "header")
    settings.add_token_to = "query" if add_to == "queryParams" else "header"
    if add_to not in ("header", "queryParams", ""):
        report.warn(
            where, f"oauth2: addTokenTo {add_to!r} not supported; the token goes in a header"
        )
    _grant(text, where, report)
    # Postman sends no mode unless told: Connect then runs live. Keep it that way.
    settings.mode = ""
    _connect_params(params.get("authRequestParams"), settings, where, report)
    if not settings.mode and "smartcar" in settings.authorize_url.lower():
        report.warn(where, "oauth2: no mode given, so Connect runs live (set mode to 'test')")
    _client_secret(text.get("clientSecret", ""), settings.client_id, where, report, variables)
    dropped = [key for key in _TOKEN_KEYS if text.get(key, "").strip()]
    if dropped:
        report.warn(
            where,
            f"oauth2: {', '.join(dropped)} dropped "
            "(live tokens are never imported; log in instead)",
        )
    if text.get("state", "").strip():
        report.warn(where, "oauth2: state not kept (carman makes a fresh one for every login)")
    prefix = text.get("headerPrefix", "").strip()
    if prefix and prefix.lower() != "bearer":
        report.warn(where, f"oauth2: header prefix {prefix!r} not supported; carman sends Bearer")
    for key in ("tokenRequestParams", "refreshRequestParams"):
        if params.get(key):
            report.warn(where, f"oauth2: {key} not supported")
    known = {
        "authUrl", "accessTokenUrl", "clientId", "clientSecret", "scope", "redirect_uri",
        "grant_type", "authRequestParams", "state", "headerPrefix", "tokenRequestParams",
        "refreshRequestParams", *_IGNORED_OAUTH2, *_TOKEN_KEYS,
    }  # fmt: skip
    unknown = sorted(key for key, value in params.items() if key not in known and value)
    if unknown:
        report.warn(where, f"oauth2 options not supported: {', '.join(unknown)}")
    return settings


def _grant(text: dict[str, str], where: str, report: ImportReport) -> None:
    grant = text.get("grant_type", "authorization_code") or "authorization_code"
    if grant == "authorization_code_with_pkce":
        report.warn(where, "oauth2: PKCE is not supported; carman uses the plain code flow")
    elif grant != "authorization_code":
        report.warn(
            where,
            f"oauth2: grant type {grant!r} not supported; carman logs in with the "
            "authorization-code flow",
        )


def _connect_params(value: Any, settings: OAuth2Settings, where: str, report: ImportReport) -> None:
    """``authRequestParams`` -> Connect options (mode, make, ...) and extra_params."""
    if value is None or value == "":
        return
    if not isinstance(value, list):
        report.warn(where, "oauth2: authRequestParams is not a list; ignored")
        return
    for entry in value:
        if not isinstance(entry, dict):
            continue
        key = as_text(entry.get("key")).strip()
        param = as_text(entry.get("value"))
        if not key:
            continue
        if not as_bool(entry.get("enabled"), True):
            report.warn(where, f"oauth2: disabled auth request parameter {key!r} not imported")
        elif key == "single_select":
            settings.single_select = as_bool(param)
        elif key == "flags":  # Connect's "country:US other:flag" (carman sends country so)
            flags = param.split()
            country = [f for f in flags if f.lower().startswith("country:")]
            if country:
                settings.country = country[-1].split(":", 1)[1]
            rest = " ".join(f for f in flags if f not in country)
            if rest:
                settings.extra_params["flags"] = rest
        elif key in CONNECT_PARAMS:
            setattr(settings, key, param)
        else:
            settings.extra_params[key] = param


def _client_secret(
    secret: str, client_id: str, where: str, report: ImportReport, variables: dict[str, str]
) -> None:
    if not secret.strip():
        return
    secret = _resolve(secret, variables)
    if not is_literal(secret):
        report.warn(
            where,
            f"oauth2: client secret {secret} not kept; carman reads client secrets from its "
            "secrets file (carman login asks for it)",
        )
        return
    owner = _resolve(client_id, variables)
    report.add_secret(CLIENT_SECRET, owner, secret, where)
    report.warn(where, "oauth2: client secret kept out of the collection (for the secrets file)")
