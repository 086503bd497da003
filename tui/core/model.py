"""The data model: collections, folders, requests and environments.

Plain dataclasses with no I/O. The open request in the editor is one of these objects;
widgets edit it, storage reads and writes it (``collection_io``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class BodyKind(StrEnum):
    NONE = "none"
    JSON = "json"
    TEXT = "text"
    FORM = "form"  # application/x-www-form-urlencoded
    MULTIPART = "multipart"


class AuthKind(StrEnum):
    INHERIT = "inherit"
    NONE = "none"
    BEARER = "bearer"
    BASIC = "basic"
    OAUTH2 = "oauth2"
    # Smartcar API Authentication: the application token of the client-credentials grant,
    # fetched, cached and renewed by carman (the environment's ``auth_model`` says from where).
    APP_TOKEN = "app_token"


# How each kind is named to people (the Auth tab, help texts).
AUTH_KIND_LABELS: dict[AuthKind, str] = {
    AuthKind.INHERIT: "inherit",
    AuthKind.NONE: "none",
    AuthKind.BEARER: "bearer",
    AuthKind.BASIC: "basic",
    AuthKind.OAUTH2: "oauth2 (Connect, per-vehicle token)",
    AuthKind.APP_TOKEN: "app token (API Authentication)",
}


class AuthModel(StrEnum):
    """How an environment authenticates Smartcar calls.

    ``connect``: per-vehicle tokens from Smartcar Connect (v2.0's way); requests whose auth is
    ``app_token`` carry the per-vehicle token too (the v3 read endpoints accept it as a legacy
    bearer). ``api``: API Authentication; ``app_token`` requests carry the application token of
    the client-credentials grant, which carman fetches and renews by itself. Connect still
    runs in both (the owner's consent), and ``oauth2`` requests (v2.0) always carry the
    per-vehicle token.
    """

    CONNECT = "connect"
    API = "api"


class CaptureSource(StrEnum):
    BODY = "body"  # a JSONPath into the JSON body
    HEADER = "header"  # a response header name
    STATUS = "status"  # the status code


@dataclass
class KeyValue:
    """One row of params, headers or form fields. Duplicates are allowed; order matters."""

    name: str
    value: str = ""
    enabled: bool = True
    # Multipart only: the value is a path to a file to upload.
    is_file: bool = False


@dataclass
class Body:
    kind: BodyKind = BodyKind.NONE
    text: str = ""  # JSON or text bodies
    form: list[KeyValue] = field(default_factory=list)  # form and multipart bodies
    content_type: str = ""  # overrides the default content type when set


@dataclass
class OAuth2Settings:
    """Authorization-code settings (Smartcar Connect or any OAuth2 provider).

    The client secret is never stored here: it lives in the secrets file, keyed by client id.
    """

    client_id: str = ""
    authorize_url: str = ""
    token_url: str = ""
    redirect_uri: str = "http://localhost:8000/exchange"
    scope: list[str] = field(default_factory=list)  # may carry "required:" prefixes
    mode: str = "test"  # test / simulated / live
    country: str = ""
    make: str = ""
    single_select: bool = False
    approval_prompt: str = "force"  # auto / force
    extra_params: dict[str, str] = field(default_factory=dict)
    # Where the token goes: "header" (Authorization: Bearer) or "query" (access_token=).
    add_token_to: str = "header"
    # Connect's response_type: "code" (a code to exchange for per-vehicle tokens) or "none"
    # (v3: the redirect carries only user_id; nothing is exchanged).
    response_type: str = "code"

    def is_configured(self) -> bool:
        return bool(self.client_id and self.authorize_url and self.token_url)


@dataclass
class AppAuthSettings:
    """The client-credentials grant of Smartcar's API Authentication (one application token
    for every connected vehicle, one hour, no refresh token).

    The client secret is never stored here: it lives in the secrets file, keyed by client id,
    as for Connect. The defaults fit Smartcar: ``POST {{iam_url}}/oauth2/token`` with the
    environment's client id.
    """

    token_url: str = "{{iam_url}}/oauth2/token"
    client_id: str = "{{client_id}}"


@dataclass
class Auth:
    kind: AuthKind = AuthKind.INHERIT
    token: str = ""  # bearer (usually a {{variable}}, never a literal live token on disk)
    username: str = ""  # basic
    password: str = ""  # basic (a {{variable}} is expected; literals are kept as typed)
    oauth2: OAuth2Settings | None = None


@dataclass
class Capture:
    """After a response, set ``variable`` from the body (JSONPath), a header, or the status."""

    variable: str
    source: CaptureSource = CaptureSource.BODY
    path: str = ""  # JSONPath for body, header name for header, unused for status
    enabled: bool = True
    # Keep every match as a JSON list in ``<variable>_all`` (e.g. all vehicle ids).
    keep_all: bool = False


@dataclass
class Request:
    name: str
    method: str = "GET"
    url: str = ""
    params: list[KeyValue] = field(default_factory=list)
    headers: list[KeyValue] = field(default_factory=list)
    body: Body = field(default_factory=Body)
    auth: Auth = field(default_factory=Auth)
    captures: list[Capture] = field(default_factory=list)
    description: str = ""
    # Free metadata: permission, docs (a link), notes (inert imported scripts), ...
    meta: dict[str, Any] = field(default_factory=dict)
    # Not saved: where the request lives and whether it changed since load.
    file_stem: str = field(default="", compare=False, repr=False)
    dirty: bool = field(default=False, compare=False, repr=False)

    def copy(self) -> Request:
        return copy.deepcopy(self)


@dataclass
class Folder:
    name: str
    requests: list[Request] = field(default_factory=list)
    folders: list[Folder] = field(default_factory=list)
    description: str = ""
    auth: Auth | None = None  # folder-level default auth, inherited by its requests
    dir_name: str = field(default="", compare=False, repr=False)

    def walk(self, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Request]]:
        """Every request below this folder with its folder path, depth first, in order."""
        found: list[tuple[tuple[str, ...], Request]] = [
            (prefix, request) for request in self.requests
        ]
        for folder in self.folders:
            found.extend(folder.walk((*prefix, folder.name)))
        return found


@dataclass
class Collection(Folder):
    variables: dict[str, str] = field(default_factory=dict)
    read_only: bool = field(default=False, compare=False)
    # The directory it was loaded from (None for an unsaved, imported collection).
    path: Any = field(default=None, compare=False, repr=False)

    def find(self, path: list[str] | tuple[str, ...]) -> Request | None:
        """Find a request by folder names and request name (not including the collection).

        As ``Workspace.find_request``: when no request is at ``path``, one top-level folder may
        be left out if that makes the path unique (``Vehicle/Odometer`` finds
        ``v2.0 (deprecated)/Vehicle/Odometer`` in the built-in collection)."""
        found = self._find_exact(path)
        if found is not None:
            return found
        hits = [
            hit for folder in self.folders if (hit := self._find_exact((folder.name, *path)))
        ]
        return hits[0] if len(hits) == 1 else None

    def _find_exact(self, path: list[str] | tuple[str, ...]) -> Request | None:
        *folders, name = path
        node: Folder = self
        for folder_name in folders:
            match = next((f for f in node.folders if f.name == folder_name), None)
            if match is None:
                return None
            node = match
        return next((r for r in node.requests if r.name == name), None)

    def auth_chain(self, request: Request) -> list[Auth]:
        """The auths that apply to ``request``, innermost first (request, folders, collection)."""
        chain = self._chain_to(request, self)
        return chain or []

    def _chain_to(self, request: Request, folder: Folder) -> list[Auth] | None:
        if any(r is request for r in folder.requests):
            return [request.auth] + ([folder.auth] if folder.auth else [])
        for sub in folder.folders:
            inner = self._chain_to(request, sub)
            if inner is not None:
                return inner + ([folder.auth] if folder.auth else [])
        return None

    def effective_auth(self, request: Request) -> Auth:
        """Resolve ``inherit`` by walking up folders to the collection. A request that is not
        (or no longer) in the collection, such as one replayed from history, inherits from the
        collection itself."""
        chain = self.auth_chain(request) or [request.auth, *([self.auth] if self.auth else [])]
        for auth in chain:
            if auth.kind != AuthKind.INHERIT:
                return auth
        return Auth(kind=AuthKind.NONE)


@dataclass
class Environment:
    name: str
    variables: dict[str, str] = field(default_factory=dict)
    oauth2: OAuth2Settings | None = None
    description: str = ""
    read_only: bool = field(default=False, compare=False)
    # New environments use API Authentication (Smartcar v3); see AuthModel.
    auth_model: AuthModel = AuthModel.API
    app_auth: AppAuthSettings = field(default_factory=AppAuthSettings)
