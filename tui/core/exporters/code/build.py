"""One saved request -> a ``CodeRequest``, from the same ``prepare()`` that carman's send uses.

Variables the snippet keeps are prepared as markers (see template.py) and parsed back into
``Var`` parts, so method, URL encoding, headers, content type and body are carman's own.
What the send pipeline adds at send time is added here the same way: the OAuth2 token
(``Authorization: Bearer`` or ``?access_token=``). Basic auth stays credentials, not a header,
because the header is their base64 and each language computes it.

Secrets are never written inline unless named in ``inline_secrets``: secret-named variables
(``masking.is_secret_name``), variables whose value is a known secret (tokens, client secret),
variables used in a secret-named header, parameter or form field or in the auth tab's token or
password, and literal values typed into such fields, which become environment lookups named
after the field. ``generate`` then checks the finished text for any known secret value.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from tui.core.errors import CarmanError, UnresolvedVariables
from tui.core.exporters.code.model import (
    CodeRequest,
    FormBody,
    MultipartBody,
    MultipartField,
    RawBody,
    json_with_holes,
)
from tui.core.exporters.code.naming import EnvNames
from tui.core.exporters.code.template import (
    END,
    SEP,
    START,
    Part,
    Template,
    Var,
    hinted,
    is_literal,
    marker,
    normalise,
    parse,
    parse_url,
    text_of,
)
from tui.core.masking import is_secret_name
from tui.core.model import Auth, AuthKind, BodyKind, Collection, KeyValue, Request
from tui.core.prepare import PreparedRequest, prepare
from tui.core.smartcar import sdk_calls
from tui.core.variables import VariableStore, variable_names

if TYPE_CHECKING:
    from tui.core.workspace import Workspace

PSEUDO = "carman.literal."  # a literal secret, stood in for by a variable of this name
SMARTCAR_ENVIRONMENTS = ("sandbox", "test", "simulated", "live")
_STAND_IN_ORIGIN = "http://carman.invalid/"


@dataclass(frozen=True)
class CodeOptions:
    resolve: bool = False  # write variables' current values instead of environment lookups
    # Secrets to write inline anyway, by variable name (or by field name for a literal).
    inline_secrets: frozenset[str] = frozenset()


class _MarkingStore(VariableStore):
    """Answers kept variables with markers and everything else as the real store does."""

    def __init__(
        self,
        real: VariableStore,
        keep: Callable[[str], bool],
        hint: Callable[[str], str],
        literals: dict[str, tuple[str, str]],
        inline: Callable[[str], bool],
    ) -> None:
        super().__init__()
        self.real = real
        self.keep = keep
        self.hint = hint
        self.literals = literals
        self.inline = inline
        self.inlined: set[str] = set()  # values written inline at the user's request
        self.inlined_names: set[str] = set()

    def get(self, name: str) -> str | None:
        if name in self.literals:
            field, value = self.literals[name]
            if self.inline(field):
                self.inlined.add(value)
                self.inlined_names.add(field)
                return value
            return marker(name, "{" + field + "}")
        if name.startswith("$") or not self.keep(name):
            real = self.real.get(name)
            if real is not None and self.inline(name):
                self.inlined.add(real)
                self.inlined_names.add(name)
            return real
        return marker(name, self.hint(name))


def build_code_request(
    workspace: Workspace,
    collection: Collection | None,
    request: Request,
    options: CodeOptions = CodeOptions(),
) -> CodeRequest:
    """Raises CarmanError (unresolved variables, invalid JSON, a missing file...)."""
    workspace.use_collection(collection)
    real = workspace.variables
    auth = copy.deepcopy(collection.effective_auth(request) if collection else request.auth)
    known = {value for value in workspace.secret_values() if len(value) >= 4}
    # Check the request as the send would (invalid JSON, a missing file...); variables the
    # snippet reads from the environment need no value here.
    with contextlib.suppress(UnresolvedVariables):
        prepare(request, real, auth)

    work = request.copy()
    literals: dict[str, tuple[str, str]] = {}
    secret_vars: set[str] = set()
    _stand_in_for_literal_secrets(work, auth, literals, secret_vars)
    inline_names = set(options.inline_secrets)
    inline_folded = {name.casefold() for name in inline_names}

    def is_secret(name: str) -> bool:
        if is_secret_name(name) or name in secret_vars:
            return True
        value = real.get(name)
        return value is not None and value in known

    def inline(name: str) -> bool:
        return name in inline_names or name.casefold() in inline_folded

    def keep(name: str) -> bool:
        secret = is_secret(name)
        if secret and inline(name):
            return False
        return secret or not options.resolve

    def hint(name: str) -> str:
        unknown = "{" + name + "}"
        if is_secret(name):
            return unknown
        value = real.get(name)
        if value is None:
            return unknown
        resolved = real.resolve(value)
        text = resolved.text
        if resolved.unresolved or any(c in text for c in (START, SEP, END)):
            return unknown
        return text

    store = _MarkingStore(real, keep, hint, literals, inline)
    marking = _for_marking(work)
    # A URL that starts with a kept variable ({{api_url}}/...) is no URL to prepare(): put a
    # stand-in origin in front and take it off again. A variable whose value has no scheme
    # is a bare host, which prepare() gives "http://" as the send does.
    first = store.resolve(marking.url).text.lstrip()
    stand_in = ""
    if first.startswith(START):
        value_hint = first[first.index(SEP) + 1 : first.index(END)]
        if "://" in value_hint or value_hint.startswith("{"):
            stand_in = _STAND_IN_ORIGIN
            marking.url = stand_in + marking.url.lstrip()
        else:
            marking.url = "http://" + marking.url.lstrip()
    marked = prepare(marking, store, auth)
    marked.url = marked.url[len(stand_in) :]
    _add_pipeline_auth(workspace, collection, request, marked, store)
    url = marked.url

    def factory(env_names: EnvNames) -> Callable[[str, str, bool], Var]:
        made: dict[tuple[str, bool], Var] = {}

        def make(name: str, hint_text: str, query: bool) -> Var:
            key = (name, query)
            if key not in made:
                shown = literals[name][0] if name in literals else name
                secret = name in literals or is_secret(name)
                made[key] = Var(shown, env_names(shown), secret, hint_text, query)
            return made[key]

        return make

    # The names of environment variables depend on whether this is a Smartcar request, which
    # is known from the URL: parse once to recognise it, then for real.
    probe = parse_url(url, factory(EnvNames(smartcar=False)))
    probe_call = _match(marked.method, probe, None, marked.headers)
    host = urlsplit(hinted(probe)).hostname or ""
    smartcar = (
        isinstance(probe_call, sdk_calls.SdkCall)
        or host == "smartcar.com"
        or host.endswith(".smartcar.com")
        or workspace.environment_name in SMARTCAR_ENVIRONMENTS
    )
    make = factory(EnvNames(smartcar=smartcar))
    code = CodeRequest(
        method=marked.method,
        url=parse_url(url, make),
        headers=[(parse(name, make), parse(value, make)) for name, value in marked.headers],
        smartcar=smartcar,
    )
    if auth.kind == AuthKind.BASIC and not _has_header(work.headers, "authorization"):
        # prepare() added the base64 header last; the snippet computes it from credentials.
        code.headers = [h for h in code.headers if not _named(h[0], "authorization")]
        code.basic_auth = (
            parse(store.resolve(auth.username).text, make),
            parse(store.resolve(auth.password).text, make),
        )
    _add_body(code, work, marked.body, store, make)
    code.sdk = _match(code.method, code.url, code.json_body, marked.headers)
    unused = sorted(
        n for n in inline_names if n not in store.inlined_names and n.casefold() not in {
            m.casefold() for m in store.inlined_names
        }
    )  # fmt: skip
    if unused:
        code.notes.append(
            "Not a secret of this request (nothing was written inline for it): "
            + ", ".join(unused)
        )
    code.inlined = frozenset(store.inlined)
    code.known_secrets = frozenset(known - store.inlined)
    return code


# ---- steps ---------------------------------------------------------------------------------------


def _named(template: Template, name: str) -> bool:
    return is_literal(template) and text_of(template).lower() == name


def _has_header(rows: list[KeyValue], name: str) -> bool:
    return any(row.enabled and row.name.strip().lower() == name for row in rows)


def _stand_in_for_literal_secrets(
    request: Request, auth: Auth, literals: dict[str, tuple[str, str]], secret_vars: set[str]
) -> None:
    """Replace literal values of secret-named fields by stand-in variables; note the
    variables used in such fields as secrets."""

    def stand_in(field: str, value: str) -> str:
        name = f"{PSEUDO}{len(literals) + 1}"
        literals[name] = (field, value)
        return "{{" + name + "}}"

    def hide(field: str, value: str) -> str:
        secret_vars.update(variable_names(value))
        if not value.strip() or "{{" in value:
            return value
        if field.strip().lower() == "authorization":
            scheme, space, credentials = value.partition(" ")
            if space and credentials.strip():
                return f"{scheme} {stand_in(field.strip(), credentials)}"
        return stand_in(field.strip(), value)

    rows = [*request.params, *request.headers]
    if request.body.kind in (BodyKind.FORM, BodyKind.MULTIPART):
        rows += [row for row in request.body.form if not row.is_file]
    for row in rows:
        if row.enabled and row.name and is_secret_name(row.name):
            row.value = hide(row.name, row.value)
    base, question, query = request.url.partition("?")
    if question:
        pieces = []
        for piece in query.split("&"):
            name, equals, value = piece.partition("=")
            if equals and is_secret_name(unquote(name)):
                piece = f"{name}={hide(unquote(name), value)}"
            pieces.append(piece)
        request.url = f"{base}?{'&'.join(pieces)}"
    if auth.kind == AuthKind.BEARER and auth.token:
        auth.token = hide("token", auth.token)
    elif auth.kind == AuthKind.BASIC:
        auth.password = hide("password", auth.password)


def _for_marking(request: Request) -> Request:
    """The request to prepare with markers: a JSON body as text of the same type (a marker
    where a number goes is not JSON), and no multipart body (its files are read by the
    snippet, not now)."""
    work = request.copy()
    if work.body.kind == BodyKind.JSON:
        work.body.kind = BodyKind.TEXT
        work.body.content_type = work.body.content_type or "application/json"
    elif work.body.kind == BodyKind.MULTIPART:
        work.body.kind = BodyKind.NONE
    return work


def _add_pipeline_auth(
    workspace: Workspace,
    collection: Collection | None,
    request: Request,
    marked: PreparedRequest,
    store: _MarkingStore,
) -> None:
    """What the send pipeline adds for OAuth2: the bearer token, in a header or the query."""
    if marked.header("authorization") is not None:
        return
    if marked.auth.kind == AuthKind.APP_TOKEN:
        # Smartcar v3: the token carman's pipeline adds is {{app_token}} (the application
        # token, or the per-vehicle token in an environment with auth_model = "connect").
        app = store.resolve("{{app_token}}")
        if app.unresolved:
            raise CarmanError(
                "No application token to write into the snippet yet: send a v3 request first "
                "(carman fetches the token)"
            )
        marked.headers.append(("Authorization", f"Bearer {app.text}"))
        return
    if marked.auth.kind != AuthKind.OAUTH2:
        return
    resolved = store.resolve("{{access_token}}")
    if resolved.unresolved:
        raise CarmanError(
            "No access token to write into the snippet: log in first (ctrl+o, or carman login)"
        )
    settings = workspace.oauth_settings(collection, request)
    if settings is not None and settings.add_token_to == "query":
        separator = "&" if "?" in marked.url else "?"
        marked.url = f"{marked.url}{separator}access_token={resolved.text}"
    else:
        marked.headers.append(("Authorization", f"Bearer {resolved.text}"))


def _add_body(
    code: CodeRequest,
    request: Request,
    body: bytes,
    store: _MarkingStore,
    make: Callable[[str, str, bool], Var],
) -> None:
    def template(text: str) -> Template:
        return parse(store.resolve(text).text, make)

    kind = request.body.kind
    if kind in (BodyKind.JSON, BodyKind.TEXT):
        text = body.decode("utf-8")
        code.body = RawBody(parse(text, make), json=kind == BodyKind.JSON)
        if kind == BodyKind.JSON:
            code.json_body = json_with_holes(text, make)
        else:
            code.json_body = sdk_calls.NOT_JSON
    elif kind == BodyKind.FORM:
        # From the encoded body carman sends: its field order (httpx groups repeated names).
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True)
        code.body = FormBody(tuple((parse(n, make), parse(v, make)) for n, v in pairs))
        code.json_body = sdk_calls.NOT_JSON
    elif kind == BodyKind.MULTIPART:
        rows = [row for row in request.body.form if row.enabled and row.name]
        code.body = MultipartBody(
            tuple(
                MultipartField(
                    template(row.name), _path(template(row.value), row.is_file), row.is_file
                )
                for row in rows
            )
        )
        code.json_body = sdk_calls.NOT_JSON


def _path(value: Template, is_file: bool) -> Template:
    if is_file and is_literal(value) and text_of(value).startswith("~"):
        from pathlib import Path

        return (str(Path(text_of(value)).expanduser()),)
    return value


# ---- the SDK call ----------------------------------------------------------------------------


def split_query(url: Template) -> tuple[Template, Template]:
    """(URL before "?", the query after it)."""
    for index, part in enumerate(url):
        if isinstance(part, str) and "?" in part:
            before, _, after = part.partition("?")
            return normalise([*url[:index], before]), normalise([after, *url[index + 1 :]])
    return url, ()


def query_pairs(query: Template) -> list[tuple[str, Template]]:
    """The query as (name, value) with literal text URL-decoded (names must be literal)."""
    pairs: list[tuple[str, Template]] = []
    current: list[list[Part]] = [[]]
    for part in query:
        if isinstance(part, Var):
            current[-1].append(part)
            continue
        pieces = part.split("&")
        for index, piece in enumerate(pieces):
            if index:
                current.append([])
            current[-1].append(piece)
    for item in current:
        template = normalise(item)
        if not template:
            continue
        first = template[0]
        if not isinstance(first, str) or "=" not in first:
            name_part = hinted(template)
            pairs.append((unquote(name_part), ()))
            continue
        name, _, rest = first.partition("=")
        value = normalise([rest, *template[1:]])
        decoded = tuple(unquote(p) if isinstance(p, str) else p for p in value)
        pairs.append((unquote(name), normalise(decoded)))
    return pairs


def _match(
    method: str, url: Template, json_body: object, headers: list[tuple[str, str]]
) -> sdk_calls.SdkCall | sdk_calls.NotMapped:
    base, query = split_query(url)
    pairs = [(name, hinted(value)) for name, value in query_pairs(query)]
    names = [name for name, _ in headers]
    return sdk_calls.match(method, hinted(base), pairs, json_body, names)
