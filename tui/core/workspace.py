"""The services one carman session works with, shared by the TUI and the CLI.

Collections (the user's and the built-in ones), environments, the variables store, the secrets
and session stores, the send pipeline and, once set, a token source for OAuth2. The TUI and every
headless command go through these same methods.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from tui.core import paths
from tui.core.captures import CaptureResult, apply_captures
from tui.core.collection_io import load_collection, load_collections
from tui.core.config import Config, load_config
from tui.core.environments import SessionStore, load_environment_file, load_environments
from tui.core.errors import CarmanError, LoadIssue
from tui.core.exchange import Exchange, RecordedAs
from tui.core.model import AuthKind, Collection, Environment, OAuth2Settings, Request
from tui.core.prepare import PreparedRequest, prepare
from tui.core.secrets import SecretsStore
from tui.core.send import SendPipeline, TokenSource
from tui.core.tomlfile import TomlFileError
from tui.core.variables import LAYERS, VariableStore

SANDBOX_ENVIRONMENT = "sandbox"
APP_TOKEN_VARIABLE = "{{app_token}}"
SMARTCAR_ENVIRONMENTS = ("test", "simulated", "live")
# The OAuth2 settings of the request being prepared or sent, per asyncio task, so that
# {{access_token}} in an imported collection resolves against that collection's own login.
_SENDING_WITH: ContextVar[OAuth2Settings | None] = ContextVar("carman_oauth", default=None)
ExchangeListener = Callable[[Exchange], None]


class RequestNotFound(CarmanError):
    pass


def builtin_collections() -> tuple[list[Collection], list[LoadIssue]]:
    from tui.builtin import COLLECTIONS_DIR

    found: list[Collection] = []
    issues: list[LoadIssue] = []
    if COLLECTIONS_DIR.is_dir():
        for directory in sorted(p for p in COLLECTIONS_DIR.iterdir() if p.is_dir()):
            if directory.name.startswith(("_", ".")):
                continue
            collection, problems = load_collection(directory, read_only=True)
            found.append(collection)
            issues.extend(problems)
    return found, issues


def builtin_environments() -> tuple[list[Environment], list[LoadIssue]]:
    from tui.builtin import ENVIRONMENTS_DIR

    found: list[Environment] = []
    issues: list[LoadIssue] = []
    for path in sorted(ENVIRONMENTS_DIR.glob("*.toml")):
        try:
            env = load_environment_file(path)
        except TomlFileError as exc:
            issues.append(exc.issue)
            continue
        env.read_only = True
        found.append(env)
    return found, issues


class Workspace:
    def __init__(self, config: Config | None = None) -> None:
        self.config = config or load_config()
        self.collections: list[Collection] = []
        self.environments: dict[str, Environment] = {}
        self.environment: Environment | None = None
        self.issues: list[LoadIssue] = list(self.config.issues)
        self.variables = VariableStore()
        self.secrets = SecretsStore()
        self.sessions = SessionStore(secrets=self.secrets)
        self.pipeline = SendPipeline(
            timeout=self.config.timeout,
            max_in_memory_bytes=self.config.response.max_in_memory_bytes,
        )
        self._exchange_listeners: list[ExchangeListener] = []
        self._collection_for_vars: Collection | None = None
        # {{client_secret}} resolves from the secrets file, keyed by the current client id;
        # {{api_client_secret}} likewise by the API Authentication client id (api_client_id).
        self.variables.add_provider("client_secret", self._client_secret)
        self.variables.add_provider("api_client_secret", self._api_client_secret)

    def _client_secret(self) -> str | None:
        try:
            return self.secrets.client_secret(self.variables.get("client_id") or "")
        except CarmanError:
            return None  # a damaged secrets file is reported where it is read for real

    def _api_client_secret(self) -> str | None:
        client_id = self.variables.resolve("{{api_client_id}}")
        if client_id.unresolved:
            return self._client_secret()
        try:
            return self.secrets.client_secret(client_id.text.strip())
        except CarmanError:
            return None

    # -- loading ---------------------------------------------------------------------------
    def load(self, environment: str | None = None) -> Workspace:
        user, issues = load_collections(paths.collections_dir())
        builtin, builtin_issues = builtin_collections()
        self.collections = user + builtin
        self.issues += issues + builtin_issues
        envs, env_issues = builtin_environments()
        mine, my_issues = load_environments()
        self.issues += env_issues + my_issues
        # A user's environment of the same name replaces the built-in one.
        self.environments = {env.name: env for env in envs + mine}
        self.select_environment(environment or self.default_environment_name())
        return self

    def default_environment_name(self) -> str:
        """config.toml's choice; else the first environment with the user's own client id;
        else the sandbox, so a newcomer can log in and explore at once."""
        wanted = self.config.default_environment
        if wanted and wanted in self.environments:
            return wanted
        mine = [e for e in self.environments.values() if not e.read_only]
        builtin = [self.environments[n] for n in SMARTCAR_ENVIRONMENTS if n in self.environments]
        for env in mine + builtin:
            if env.name != SANDBOX_ENVIRONMENT and self._has_own_client_id(env):
                return env.name
        return SANDBOX_ENVIRONMENT if SANDBOX_ENVIRONMENT in self.environments else ""

    def _has_own_client_id(self, env: Environment) -> bool:
        if env.oauth2 is None:
            return False
        if env.variables.get("client_id") or "{{" not in env.oauth2.client_id:
            return bool(env.variables.get("client_id") or env.oauth2.client_id)
        session, _ = self.sessions.load(env.name)
        return bool(session.get("client_id"))

    @property
    def environment_name(self) -> str:
        return self.environment.name if self.environment else ""

    def select_environment(self, name: str) -> None:
        if name and name not in self.environments:
            known = ", ".join(sorted(self.environments)) or "none"
            raise CarmanError(f"Unknown environment {name!r} (known: {known})")
        self.environment = self.environments.get(name) if name else None
        env_vars = dict(self.environment.variables) if self.environment else {}
        env_vars.update(self.secrets.variables(self.environment_name))
        if "unit_system" not in env_vars:
            env_vars["unit_system"] = self.config.unit_system
        self.variables.set_layer("environment", env_vars, source=self.environment_name)
        session, issues = self.sessions.load(self.environment_name)
        self.issues += issues
        self.variables.set_layer("session", session, source="session")

    def use_collection(self, collection: Collection | None) -> None:
        """Make ``collection``'s variables the collection layer (the one being worked in)."""
        if collection is self._collection_for_vars:
            return
        self._collection_for_vars = collection
        values = dict(collection.variables) if collection else {}
        self.variables.set_layer("collection", values, source=collection.name if collection else "")

    def set_environment_variable(self, name: str, value: str) -> None:
        """Runtime change to the active environment (e.g. the sandbox's real port)."""
        if self.environment is not None:
            self.environment.variables[name] = value
        self.variables.set(name, value, layer="environment")

    # -- session variables -----------------------------------------------------------------
    def set_session(self, values: dict[str, str]) -> None:
        for name, value in values.items():
            self.variables.set(name, value, layer="session")
        self.sessions.save(self.environment_name, self.variables.layer("session"))

    def delete_session(self, name: str) -> None:
        self.variables.delete(name, layer="session")
        self.sessions.save(self.environment_name, self.variables.layer("session"))

    # -- finding requests ------------------------------------------------------------------
    def find_request(self, path: str) -> tuple[Collection, Request]:
        """``Collection/Folder/.../Request name``; names are matched exactly, then ignoring case.
        A slash inside a name is written ``\\/`` (``My API/a\\/b`` is the request "a/b").

        A path may leave out one top-level folder when that makes it unique, so paths written
        before the built-in collection moved v2.0 into its own folder keep working:
        ``Smartcar API/Vehicle/Odometer`` is ``Smartcar API/v2.0 (deprecated)/Vehicle/Odometer``
        (the v3 Vehicle folder has no Odometer). A path that names a request exactly always
        wins."""
        parts = split_request_path(path)
        if len(parts) < 2:
            raise RequestNotFound(
                f"Request path {path!r} needs a collection and a request name, "
                "e.g. 'Smartcar API/Vehicle/Odometer'"
            )
        for exact in (True, False):
            for collection in self._named(parts[0], exact):
                found = _walk_find(collection, parts[1:], exact)
                if found is not None:
                    return collection, found
        for exact in (True, False):
            for collection in self._named(parts[0], exact):
                hits = [
                    found
                    for folder in collection.folders
                    if (found := _walk_find(collection, [folder.name, *parts[1:]], exact))
                ]
                if len(hits) == 1:
                    return collection, hits[0]
        raise RequestNotFound(f"No request at {path!r}")

    def _named(self, name: str, exact: bool) -> list[Collection]:
        """The collection called ``name``; two of them make every path ambiguous: refused."""
        named = [c for c in self.collections if _same(c.name, name, exact)]
        if len(named) > 1:
            where = ", ".join(str(c.path or "built in") for c in named)
            raise RequestNotFound(
                f"{len(named)} collections are named {name!r} ({where}): rename one"
            )
        return named

    def collection_by_id(self, collection_id: str) -> Collection | None:
        """The collection loaded from the directory named ``collection_id``."""
        if not collection_id:
            return None
        return next(
            (c for c in self.collections if c.path is not None and c.path.name == collection_id),
            None,
        )

    # -- sending ---------------------------------------------------------------------------
    def oauth_settings(
        self, collection: Collection | None, request: Request
    ) -> OAuth2Settings | None:
        """The OAuth2 settings that apply: the request's or folder's own, else the environment's."""
        auth = collection.effective_auth(request) if collection else request.auth
        if auth.kind != AuthKind.OAUTH2 and not self._references_token(request, auth.token):
            return None
        if auth.oauth2 is None and collection is not None:
            # A bearer {{access_token}} under a folder or collection that has OAuth2 settings.
            for outer in collection.auth_chain(request):
                if outer.oauth2 is not None and outer.oauth2.is_configured():
                    return outer.oauth2
        if auth.oauth2 is not None and auth.oauth2.is_configured():
            return auth.oauth2
        if self.environment is not None and self.environment.oauth2 is not None:
            return self.environment.oauth2
        return auth.oauth2

    async def _ensure_app_token(self, request: Request) -> None:
        """A request that names {{app_token}} itself (a bearer, a header) gets a valid one:
        the provider only reads the cache. ``app_token`` auth needs nothing here: the pipeline
        adds (and renews) that token as it sends."""
        if APP_TOKEN_VARIABLE not in self._request_text(request, request.auth.token):
            return
        source = self.pipeline.token_source
        defined = any("app_token" in self.variables.layer(layer) for layer in LAYERS)
        if source is not None and not defined:  # a value set by hand is the user's choice
            await source.app_token()

    @staticmethod
    def _request_text(request: Request, token: str = "") -> str:
        return " ".join(
            [request.url, token, request.auth.token, *(h.value for h in request.headers)]
        )

    @staticmethod
    def _references_token(request: Request, token: str = "") -> bool:
        text = " ".join(
            [request.url, token, request.auth.token, *(h.value for h in request.headers)]
        )
        return "{{access_token}}" in text or "{{bearerToken}}" in text

    def resolve_settings(self, settings: OAuth2Settings) -> OAuth2Settings:
        """A copy of ``settings`` with every {{variable}} resolved."""
        resolved = dataclasses.replace(settings)
        for name in ("client_id", "authorize_url", "token_url", "redirect_uri", "mode", "make"):
            setattr(resolved, name, self.variables.resolve(getattr(settings, name)).text)
        resolved.scope = [self.variables.resolve(s).text for s in settings.scope]
        resolved.extra_params = {
            k: self.variables.resolve(v).text for k, v in settings.extra_params.items()
        }
        return resolved

    def prepare(self, collection: Collection | None, request: Request) -> PreparedRequest:
        self.use_collection(collection)
        auth = collection.effective_auth(request) if collection else request.auth
        return prepare(request, self.variables, auth)

    @staticmethod
    def sending_with() -> OAuth2Settings | None:
        """The resolved OAuth2 settings of the send in progress in this task, if any."""
        return _SENDING_WITH.get()

    def set_token_source(self, source: TokenSource) -> None:
        self.pipeline.token_source = source

    async def send(
        self,
        collection: Collection | None,
        request: Request,
        *,
        recorded_as: RecordedAs | None = None,
    ) -> tuple[Exchange, CaptureResult]:
        """Prepare, send, capture and announce one request. Raises CarmanError before sending.

        ``recorded_as`` (a history replay): the template and ids the exchange keeps instead of
        ``request``'s own, so a replay of a replay still knows what the request was."""
        settings = self.oauth_settings(collection, request)
        resolved = self.resolve_settings(settings) if settings is not None else None
        if resolved is not None and self.pipeline.token_source is not None:
            # Refresh a due token first so {{access_token}} in imported collections is fresh.
            await self.pipeline.token_source.ensure_fresh(resolved)
        await self._ensure_app_token(request)
        context = _SENDING_WITH.set(resolved)
        try:
            prepared = self.prepare(collection, request)
        finally:
            _SENDING_WITH.reset(context)
        exchange = await self.pipeline.send(prepared, oauth2=resolved)
        exchange.environment = self.environment_name
        exchange.collection = collection.name if collection else ""
        exchange.request_name = request.name
        # Imported here: the history package is not needed for a first frame (see session).
        from tui.core.history.template import template_of

        if recorded_as is None:
            exchange.template = template_of(request, prepared.auth)
            exchange.collection_id, exchange.request_id = request_ids(collection, request)
        else:
            exchange.template = recorded_as.template
            exchange.collection_id = recorded_as.collection_id
            exchange.request_id = recorded_as.request_id
        result = apply_captures(request.captures, exchange)
        if result.captured:
            self.set_session(result.captured)
        for listener in list(self._exchange_listeners):
            listener(exchange)
        return exchange, result

    def on_exchange(self, listener: ExchangeListener) -> None:
        """Called with every exchange (the history recorder listens here)."""
        self._exchange_listeners.append(listener)

    def secret_values(self) -> set[str]:
        values = self.variables.secret_values()
        source = self.pipeline.token_source
        if source is not None:
            with contextlib.suppress(CarmanError, OSError):
                values |= set(source.secret_values())
        with contextlib.suppress(CarmanError):
            values |= self.secrets.all_values()
        return values

    async def aclose(self) -> None:
        await self.pipeline.aclose()


def split_request_path(path: str) -> list[str]:
    """``Coll/Folder/a\\/b`` -> ["Coll", "Folder", "a/b"]: "/" separates, "\\/" is a slash
    inside a name and "\\\\" a backslash."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(path.strip())
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following in ("/", "\\") else char + following)
        elif char == "/":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part]


def _same(name: str, wanted: str, exact: bool) -> bool:
    return name == wanted if exact else name.lower() == wanted.lower()


def _walk_find(collection: Collection, names: list[str], exact: bool) -> Request | None:
    for folders, request in collection.walk():
        found = [*folders, request.name]
        if len(found) == len(names) and all(
            _same(a, b, exact) for a, b in zip(found, names, strict=True)
        ):
            return request
    return None


def request_ids(collection: Collection | None, request: Request) -> tuple[str, str]:
    """The collection's directory name and the request's file path inside it (no suffix)."""
    if collection is None or collection.path is None:
        return "", ""
    from tui.core.collection_io import request_path

    root = Path(collection.path)
    found = request_path(collection, request)
    if found is None:
        return root.name, ""
    return root.name, found.relative_to(root).with_suffix("").as_posix()


def user_collection_dir(name: str) -> Path:
    from tui.core.collection_io import slugify

    return paths.collections_dir() / slugify(name)
