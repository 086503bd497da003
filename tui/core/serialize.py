"""Model objects to plain TOML-ready dicts and back.

Defaults are omitted so files diff cleanly. ``from_*`` functions raise ``SchemaError``
naming the field that was wrong; callers add the file and line.
"""

from __future__ import annotations

from typing import Any, TypeVar, overload

from tui.core.model import (
    HTTP_METHODS,
    AppAuthSettings,
    Auth,
    AuthKind,
    AuthModel,
    Body,
    BodyKind,
    Capture,
    CaptureSource,
    Environment,
    KeyValue,
    OAuth2Settings,
    Request,
)


class SchemaError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


# ---- writing ---------------------------------------------------------------------------


def key_values_to_list(rows: list[KeyValue]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item: dict[str, Any] = {"name": row.name, "value": row.value}
        if not row.enabled:
            item["enabled"] = False
        if row.is_file:
            item["file"] = True
        out.append(item)
    return out


def oauth2_to_dict(settings: OAuth2Settings) -> dict[str, Any]:
    defaults = OAuth2Settings()
    out: dict[str, Any] = {}
    for name in settings.__dataclass_fields__:
        value = getattr(settings, name)
        if value != getattr(defaults, name):
            out[name] = value
    return out


def auth_to_dict(auth: Auth) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": auth.kind.value}
    if auth.kind == AuthKind.BEARER:
        out["token"] = auth.token
    elif auth.kind == AuthKind.BASIC:
        out["username"] = auth.username
        out["password"] = auth.password
    if auth.oauth2 is not None:
        out["oauth2"] = oauth2_to_dict(auth.oauth2)
    return out


def request_to_dict(request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {"name": request.name, "method": request.method, "url": request.url}
    if request.description:
        out["description"] = request.description
    if request.params:
        out["params"] = key_values_to_list(request.params)
    if request.headers:
        out["headers"] = key_values_to_list(request.headers)
    body = request.body
    if body.kind != BodyKind.NONE or body.text or body.form:
        body_out: dict[str, Any] = {"kind": body.kind.value}
        if body.text:
            body_out["text"] = body.text
        if body.form:
            body_out["form"] = key_values_to_list(body.form)
        if body.content_type:
            body_out["content_type"] = body.content_type
        out["body"] = body_out
    if request.auth.kind != AuthKind.INHERIT or request.auth.oauth2 is not None:
        out["auth"] = auth_to_dict(request.auth)
    if request.captures:
        out["captures"] = [capture_to_dict(c) for c in request.captures]
    if request.meta:
        out["meta"] = dict(request.meta)
    return out


def capture_to_dict(capture: Capture) -> dict[str, Any]:
    out: dict[str, Any] = {"variable": capture.variable, "source": capture.source.value}
    if capture.path:
        out["path"] = capture.path
    if not capture.enabled:
        out["enabled"] = False
    if capture.keep_all:
        out["keep_all"] = True
    return out


def environment_to_dict(env: Environment) -> dict[str, Any]:
    out: dict[str, Any] = {"name": env.name}
    if env.description:
        out["description"] = env.description
    # Always written: it decides which token the v3 requests carry.
    out["auth_model"] = env.auth_model.value
    out["variables"] = dict(env.variables)
    if env.oauth2 is not None:
        out["oauth2"] = oauth2_to_dict(env.oauth2)
    app_auth = app_auth_to_dict(env.app_auth)
    if app_auth:
        out["app_auth"] = app_auth
    return out


def app_auth_to_dict(settings: AppAuthSettings) -> dict[str, Any]:
    defaults = AppAuthSettings()
    return {
        name: getattr(settings, name)
        for name in settings.__dataclass_fields__
        if getattr(settings, name) != getattr(defaults, name)
    }


# ---- reading ---------------------------------------------------------------------------


_T = TypeVar("_T")


@overload
def _expect(value: Any, kind: type[_T], field: str) -> _T: ...
@overload
def _expect(value: Any, kind: tuple[type, ...], field: str) -> Any: ...
def _expect(value: Any, kind: type | tuple[type, ...], field: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise SchemaError(field, f"expected {_plain(names)}, got {_plain(type(value).__name__)}")
    return value


def _plain(name: str) -> str:
    return {"str": "a string", "bool": "true/false", "list": "a list", "dict": "a table"}.get(
        name, name
    )


def _str(data: dict[str, Any], key: str, field: str, default: str = "") -> str:
    return _expect(data.get(key, default), str, f"{field}.{key}" if field else key)


def key_values_from_list(data: Any, field: str) -> list[KeyValue]:
    rows = []
    for index, item in enumerate(_expect(data, list, field)):
        where = f"{field}[{index}]"
        _expect(item, dict, where)
        value = item.get("value", "")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        rows.append(
            KeyValue(
                name=_expect(item.get("name", ""), str, f"{where}.name"),
                value=_expect(value, str, f"{where}.value"),
                enabled=_expect(item.get("enabled", True), bool, f"{where}.enabled"),
                is_file=_expect(item.get("file", False), bool, f"{where}.file"),
            )
        )
    return rows


def _enum(enum_type: Any, value: Any, field: str) -> Any:
    _expect(value, str, field)
    try:
        return enum_type(value.lower())
    except ValueError:
        allowed = ", ".join(member.value for member in enum_type)
        raise SchemaError(field, f"unknown value {value!r} (one of: {allowed})") from None


def oauth2_from_dict(data: Any, field: str) -> OAuth2Settings:
    _expect(data, dict, field)
    settings = OAuth2Settings()
    for key, value in data.items():
        if key not in settings.__dataclass_fields__:
            raise SchemaError(f"{field}.{key}", "unknown setting")
        current = getattr(settings, key)
        if isinstance(current, list):
            _expect(value, list, f"{field}.{key}")
            value = [_expect(v, str, f"{field}.{key}") for v in value]
        elif isinstance(current, dict):
            _expect(value, dict, f"{field}.{key}")
            value = {str(k): str(v) for k, v in value.items()}
        else:
            value = _expect(value, type(current), f"{field}.{key}")
        setattr(settings, key, value)
    if settings.response_type not in ("code", "none"):
        raise SchemaError(f"{field}.response_type", "expected \"code\" or \"none\"")
    return settings


def auth_from_dict(data: Any, field: str = "auth") -> Auth:
    _expect(data, dict, field)
    auth = Auth(kind=_enum(AuthKind, data.get("kind", "inherit"), f"{field}.kind"))
    auth.token = _str(data, "token", field)
    auth.username = _str(data, "username", field)
    auth.password = _str(data, "password", field)
    if "oauth2" in data:
        auth.oauth2 = oauth2_from_dict(data["oauth2"], f"{field}.oauth2")
    return auth


def capture_from_dict(data: Any, field: str) -> Capture:
    _expect(data, dict, field)
    variable = _str(data, "variable", field)
    if not variable:
        raise SchemaError(f"{field}.variable", "missing")
    return Capture(
        variable=variable,
        source=_enum(CaptureSource, data.get("source", "body"), f"{field}.source"),
        path=_str(data, "path", field),
        enabled=_expect(data.get("enabled", True), bool, f"{field}.enabled"),
        keep_all=_expect(data.get("keep_all", False), bool, f"{field}.keep_all"),
    )


def request_from_dict(data: dict[str, Any]) -> Request:
    name = _str(data, "name", "")
    if not name.strip():
        raise SchemaError("name", "missing")
    method = _str(data, "method", "", "GET").upper()
    if not method or not method.replace("-", "").isalnum():
        raise SchemaError("method", f"not an HTTP method: {method!r}")
    request = Request(name=name, method=method, url=_str(data, "url", ""))
    request.description = _str(data, "description", "")
    if "params" in data:
        request.params = key_values_from_list(data["params"], "params")
    if "headers" in data:
        request.headers = key_values_from_list(data["headers"], "headers")
    if "body" in data:
        body_data = _expect(data["body"], dict, "body")
        request.body = Body(
            kind=_enum(BodyKind, body_data.get("kind", "none"), "body.kind"),
            text=_str(body_data, "text", "body"),
            form=key_values_from_list(body_data.get("form", []), "body.form"),
            content_type=_str(body_data, "content_type", "body"),
        )
    if "auth" in data:
        request.auth = auth_from_dict(data["auth"])
    if "captures" in data:
        request.captures = [
            capture_from_dict(item, f"captures[{index}]")
            for index, item in enumerate(_expect(data["captures"], list, "captures"))
        ]
    if "meta" in data:
        request.meta = dict(_expect(data["meta"], dict, "meta"))
    return request


def environment_from_dict(data: dict[str, Any], default_name: str) -> Environment:
    env = Environment(name=_str(data, "name", "", default_name) or default_name)
    env.description = _str(data, "description", "")
    variables = _expect(data.get("variables", {}), dict, "variables")
    env.variables = {}
    for key, value in variables.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        env.variables[str(key)] = _expect(value, str, f"variables.{key}")
    if "oauth2" in data:
        env.oauth2 = oauth2_from_dict(data["oauth2"], "oauth2")
    # Files written before auth models existed have no key: they get the default (api).
    if "auth_model" in data:
        env.auth_model = _enum(AuthModel, data["auth_model"], "auth_model")
    if "app_auth" in data:
        env.app_auth = app_auth_from_dict(data["app_auth"], "app_auth")
    return env


def app_auth_from_dict(data: Any, field: str) -> AppAuthSettings:
    _expect(data, dict, field)
    settings = AppAuthSettings()
    for key, value in data.items():
        if key not in settings.__dataclass_fields__:
            raise SchemaError(f"{field}.{key}", "unknown setting (token_url, client_id)")
        setattr(settings, key, _expect(value, str, f"{field}.{key}"))
    return settings


__all__ = ["HTTP_METHODS", "SchemaError"]
