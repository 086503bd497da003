"""What a recorded request *was*: its template, kept beside what was sent.

A URL as sent holds today's host and port; the template holds ``{{api_url}}/v{{api_version}}/…``
and the auth kind, so a replay or a "save as request" tomorrow uses tomorrow's variables and
token. Templates are stored as JSON (the collection file format's fields) with every literal
secret masked: a ``{{variable}}`` stays (it is a name, not a value), a literal token, password
or secret-named value becomes the mask, and known secret values are redacted anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from tui.core.history.redaction import is_secret_field, is_secret_param
from tui.core.masking import MASK, redact
from tui.core.model import Auth, KeyValue, Request
from tui.core.serialize import SchemaError, request_from_dict, request_to_dict
from tui.core.variables import VARIABLE

CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})


AUTH_SCHEMES = frozenset({"", "bearer", "basic", "token"})


def _only_variables(value: str) -> bool:
    """Nothing but ``{{name}}`` references, maybe after a scheme word (``Bearer {{token}}``)."""
    return VARIABLE.search(value) is not None and (
        VARIABLE.sub("", value).strip().lower() in AUTH_SCHEMES
    )


def _masked(value: str, secret: bool) -> str:
    if not value or _only_variables(value):
        return value
    return MASK if secret else value


def _rows(rows: list[KeyValue], is_secret: Callable[[str], bool]) -> list[KeyValue]:
    return [
        KeyValue(row.name, _masked(row.value, is_secret(row.name)), row.enabled, row.is_file)
        for row in rows
    ]


def _header_is_secret(name: str) -> bool:
    return name.strip().lower() in CREDENTIAL_HEADERS or is_secret_field(name)


def template_of(request: Request, auth: Auth) -> Request:
    """A copy of ``request`` as it was sent: ``auth`` (the effective one, inherit resolved),
    literal secrets masked, no captures (a replay never changes variables)."""
    copy = request.copy()
    copy.auth = Auth(
        kind=auth.kind,
        token=_masked(auth.token, True),
        username=auth.username,
        password=_masked(auth.password, True),
        oauth2=auth.oauth2,
    )
    copy.params = _rows(copy.params, is_secret_param)
    copy.headers = _rows(copy.headers, _header_is_secret)
    copy.body.form = _rows(copy.body.form, is_secret_param)
    copy.captures = []
    copy.meta = {}
    copy.dirty = False
    return copy


def template_json(template: Request, secrets: Iterable[str] = ()) -> str:
    """The stored form; known secret values are redacted wherever they appear."""
    text = json.dumps(request_to_dict(template), ensure_ascii=False, separators=(",", ":"))
    known = [value for value in secrets if value and len(value) >= 4]
    return redact(text, known) if known else text


def request_from_template(text: str) -> Request | None:
    """The template back as a Request, or None when there is none (an entry recorded before
    templates existed) or it cannot be read."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return request_from_dict(data) if isinstance(data, dict) else None
    except (ValueError, SchemaError):
        return None
