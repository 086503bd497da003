"""From a history entry back to a Request: to save it in a collection, or to send it again.

What history masked cannot be restored. Authorization is dropped (the auth settings add a
fresh one); other rows whose value was masked are kept but disabled, so the user sees what to
fill in; ``masked_fields`` names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from tui.core.exchange import RecordedAs
from tui.core.history.model import HistoryEntry
from tui.core.history.template import request_from_template
from tui.core.masking import MASK
from tui.core.model import Auth, AuthKind, Body, BodyKind, KeyValue, Request

# Headers added by the HTTP client or by carman itself, not typed by the user.
AUTOMATIC_HEADERS = frozenset({"host", "content-length", "connection", "accept-encoding"})
AUTOMATIC_VALUES = {("accept", "*/*"), ("user-agent", "carman")}
AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
DEFAULT_CONTENT_TYPES = {
    BodyKind.JSON: "application/json",
    BodyKind.TEXT: "text/plain; charset=utf-8",
    BodyKind.FORM: "application/x-www-form-urlencoded",
}


def _split_url(url: str) -> tuple[str, list[KeyValue]]:
    parts = urlsplit(url)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    params = []
    for piece in parts.query.split("&") if parts.query else []:
        name, _, value = piece.partition("=")
        # unquote, not unquote_plus: carman's own URLs encode spaces as %20, so a "+" is a "+".
        row = KeyValue(unquote(name), unquote(value))
        if row.name == "access_token":
            continue  # OAuth2 in the query: the auth settings add a fresh token
        if MASK in row.value:
            row.enabled = False
        params.append(row)
    return base, params


def _body_of(entry: HistoryEntry) -> Body:
    raw = entry.request_body
    if not raw:
        return Body()
    content_type = entry.header("content-type") or ""
    media = content_type.split(";")[0].strip().lower()
    text = raw.decode("utf-8", "replace")
    if media == "application/json" or media.endswith("+json"):
        kind = BodyKind.JSON
    elif media == "application/x-www-form-urlencoded":
        rows = [KeyValue(k, v) for k, v in parse_qsl(text, keep_blank_values=True)]
        for row in rows:
            row.enabled = MASK not in row.value
        return Body(
            kind=BodyKind.FORM, form=rows, content_type=_custom(BodyKind.FORM, content_type)
        )
    else:
        # Multipart included: the raw text with its boundary resends the same bytes.
        kind = BodyKind.TEXT
    return Body(kind=kind, text=text, content_type=_custom(kind, content_type))


def _custom(kind: BodyKind, content_type: str) -> str:
    """The content type to keep on the body: none when it is the default for ``kind``."""
    return "" if content_type == DEFAULT_CONTENT_TYPES.get(kind) else content_type


def _headers_of(entry: HistoryEntry) -> list[KeyValue]:
    rows = []
    for name, value in entry.request_headers:
        lowered = name.lower()
        if lowered in AUTOMATIC_HEADERS or lowered in AUTH_HEADERS or lowered == "content-type":
            continue
        if (lowered, value) in AUTOMATIC_VALUES:
            continue
        rows.append(KeyValue(name, value, enabled=MASK not in value))
    return rows


def masked_fields(entry: HistoryEntry) -> list[str]:
    """What history masked in the request and a copy therefore cannot carry: header and
    parameter names, and "URL" or "body" for values redacted inside them."""
    names: list[str] = []
    base, params = _split_url(entry.url)
    if MASK in base:
        names.append("URL")
    names += [f"param {p.name}" for p in params if not p.enabled]
    names += [f"header {h.name}" for h in _headers_of(entry) if not h.enabled]
    body = _body_of(entry)
    names += [f"form field {row.name}" for row in body.form if not row.enabled]
    if MASK in body.text:
        names.append("body")
    return names


def to_request(entry: HistoryEntry, name: str | None = None) -> Request:
    """A new Request from what was sent, to save in a collection (auth: inherit)."""
    base, params = _split_url(entry.url)
    body = _body_of(entry)
    when = entry.time.strftime("%Y-%m-%d %H:%M")
    notes = [f"From history #{entry.id} ({when})."]
    masked = masked_fields(entry)
    if masked:
        notes.append(f"Masked in history, fill in again: {', '.join(masked)}.")
    if entry.request_body_truncated:
        notes.append(f"The body was cut at {entry.body_cap} bytes in history.")
    path = urlsplit(base).path or base
    return Request(
        name=name or entry.request_name or f"{entry.method} {path}",
        method=entry.method,
        url=base,
        params=params,
        headers=_headers_of(entry),
        body=body,
        auth=Auth(kind=AuthKind.INHERIT),
        description=" ".join(notes),
    )


@dataclass(frozen=True)
class Replay:
    """How to send a history entry again."""

    request: Request
    collection_id: str  # the collection whose variables apply ("" for none)
    from_template: bool
    note: str  # for the person: what will be sent, in words
    # What the new exchange is recorded as: the entry's own template and ids, so replaying
    # the replay (either way) still knows what the request was.
    recorded_as: RecordedAs | None = None


def _disable_masked(request: Request) -> list[str]:
    """Rows whose value history masked cannot be sent: disabled, and named."""
    names = []
    for label, rows in (
        ("param", request.params),
        ("header", request.headers),
        ("form field", request.body.form),
    ):
        for row in rows:
            if MASK in row.value and row.enabled:
                row.enabled = False
                names.append(f"{label} {row.name}")
    if MASK in request.auth.token or MASK in request.auth.password:
        request.auth = Auth(kind=AuthKind.NONE)
        names.append("the literal credentials of the auth tab")
    return names


def replay_of(entry: HistoryEntry, *, exactly: bool = False) -> Replay:
    """The entry's template with today's variables and token; or, with ``exactly`` (or for an
    entry recorded before templates existed), the request exactly as it was sent."""
    recorded_as = RecordedAs(
        request_from_template(entry.template), entry.collection_id, entry.request_id
    )
    template = None if exactly else request_from_template(entry.template)
    if template is None:
        why = "as asked" if exactly else "it was recorded before carman kept templates"
        note = f"Sent exactly as recorded ({why}): {entry.url}"
        return Replay(replay_request(entry), "", False, note, recorded_as)
    masked = _disable_masked(template)
    note = f"From its template with today's variables and token: {template.url}"
    if masked:
        note += f" (masked in history, left out: {', '.join(masked)})"
    return Replay(template, entry.collection_id, True, note, recorded_as)


def saved_request(entry: HistoryEntry, name: str) -> Request:
    """A new Request to keep in a collection: the template when there is one (so it works
    tomorrow), else what was sent."""
    template = request_from_template(entry.template)
    if template is None:
        return to_request(entry, name)
    when = entry.time.strftime("%Y-%m-%d %H:%M")
    notes = [f"From history #{entry.id} ({when})."]
    masked = _disable_masked(template)
    if masked:
        notes.append(f"Masked in history, fill in again: {', '.join(masked)}.")
    template.name = name
    template.description = " ".join([template.description, *notes]).strip()
    return template


def replay_request(entry: HistoryEntry) -> Request:
    """A Request that sends ``entry`` again through ``Workspace.send(None, request)``.

    A request that carried a bearer token (header or ``access_token`` query) gets OAuth2
    auth, so the environment's login supplies the current token (refreshed if due);
    anything else goes without auth, since the masked credentials cannot be resent.
    """
    request = to_request(entry)
    authorization = (entry.header("authorization") or "").lower()
    query = urlsplit(entry.url).query
    carried_token = authorization.startswith("bearer") or any(
        name == "access_token" for name, _ in parse_qsl(query, keep_blank_values=True)
    )
    request.auth = Auth(kind=AuthKind.OAUTH2 if carried_token else AuthKind.NONE)
    return request
