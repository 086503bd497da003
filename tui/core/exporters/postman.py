"""A carman ``Collection`` -> Postman Collection Format v2.1 JSON.

Importing the export gives back the same collection: captures become
``pm.collectionVariables.set(...)`` test scripts (or ``// carman:capture`` comments for rules
JavaScript cannot express), inert notes go back as the scripts they came from, Connect
options (mode, make, ...) travel as OAuth2 ``authRequestParams``. Never written: client
secrets (carman does not keep them in collections) and literal tokens or passwords, which
become ``{{variables}}`` with a warning.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from tui.core.importers.credentials import (
    ACCESS_TOKEN_REF,
    guard_rows,
    guard_url,
    is_literal,
    looks_like_token,
    looks_secret,
)
from tui.core.importers.postman import CARMAN_META, SCHEMA_V21
from tui.core.importers.report import ImportReport
from tui.core.importers.scripts import script_for_captures
from tui.core.importers.urls import build_template_url, postman_escape
from tui.core.model import (
    Auth,
    AuthKind,
    BodyKind,
    Collection,
    Folder,
    KeyValue,
    OAuth2Settings,
    Request,
)

_LANGUAGES = {
    "application/xml": "xml",
    "text/html": "html",
    "application/javascript": "javascript",
}
_DEFAULT_TYPES = {
    BodyKind.JSON: "application/json",
    BodyKind.TEXT: "text/plain; charset=utf-8",
    BodyKind.FORM: "application/x-www-form-urlencoded",
}


def export_postman(collection: Collection) -> tuple[dict[str, Any], ImportReport]:
    """The Postman v2.1 document and a report (counts, and warnings naming each item)."""
    exporter = _Exporter()
    return exporter.run(collection), exporter.report


def export_postman_json(collection: Collection) -> tuple[str, ImportReport]:
    data, report = export_postman(collection)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n", report


class _Exporter:
    def __init__(self) -> None:
        self.report = ImportReport()

    def run(self, collection: Collection) -> dict[str, Any]:
        info: dict[str, Any] = {
            # Stable across exports of the same collection, so re-exports diff cleanly.
            "_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"carman:{collection.name}")),
            "name": collection.name,
            "schema": SCHEMA_V21,
        }
        if collection.description:
            info["description"] = collection.description
        out: dict[str, Any] = {"info": info, "item": self._items(collection, ())}
        auth = self._auth(collection.auth, "")
        if auth is not None:
            out["auth"] = auth
        variables = self._variables(collection.variables)
        if variables:
            out["variable"] = variables
        return out

    def _variables(self, variables: dict[str, str]) -> list[dict[str, Any]]:
        out = []
        for name, value in variables.items():
            if (looks_like_token(name) or looks_secret(name)) and is_literal(value):
                self.report.warn("", f"variable {name!r}: secret value not exported")
                continue
            out.append({"key": name, "value": value, "type": "string"})
        self.report.variables = len(out)
        return out

    def _items(self, folder: Folder, path: tuple[str, ...]) -> list[dict[str, Any]]:
        items = [self._request(request, (*path, request.name)) for request in folder.requests]
        for sub in folder.folders:
            item: dict[str, Any] = {"name": sub.name}
            if sub.description:
                item["description"] = sub.description
            item["item"] = self._items(sub, (*path, sub.name))
            auth = self._auth(sub.auth, "/".join((*path, sub.name)))
            if auth is not None:
                item["auth"] = auth
            self.report.folders += 1
            items.append(item)
        return items

    # -- one request ------------------------------------------------------------------------------
    def _request(self, request: Request, path: tuple[str, ...]) -> dict[str, Any]:
        where = "/".join(path)
        headers = [KeyValue(h.name, h.value, h.enabled) for h in request.headers]
        params = [KeyValue(p.name, p.value, p.enabled) for p in request.params]
        guard_rows(headers, where, "header", self.report)
        guard_rows(params, where, "query parameter", self.report)
        data: dict[str, Any] = {"method": request.method}
        body = self._body(request, headers, where)
        data["header"] = [_row(h) for h in headers]
        data["url"] = _url(guard_url(request.url, where, self.report), params, where, self.report)
        if body is not None:
            data["body"] = body
        auth = self._auth(request.auth, where)
        if auth is not None:
            data["auth"] = auth
        if request.description:
            data["description"] = request.description
        item: dict[str, Any] = {"name": request.name, "request": data}
        events = self._events(request)
        if events:
            item["event"] = events
        meta = {key: value for key, value in request.meta.items() if key != "notes"}
        if meta:
            try:
                json.dumps(meta)
                item[CARMAN_META] = meta  # Postman ignores it; carman's import reads it back
            except (TypeError, ValueError):
                self.report.warn(where, "request metadata not exported (not JSON)")
        self.report.requests += 1
        self.report.captures += len(request.captures)
        return item

    def _body(self, request: Request, headers: list[KeyValue], where: str) -> dict[str, Any] | None:
        body = request.body
        has_type = any(h.name.lower() == "content-type" for h in headers)
        content_type = body.content_type
        out: dict[str, Any]
        if body.kind == BodyKind.JSON:
            out = {"mode": "raw", "raw": body.text, "options": {"raw": {"language": "json"}}}
        elif body.kind == BodyKind.TEXT:
            language = _LANGUAGES.get(content_type, "text")
            if content_type in _LANGUAGES:
                content_type = ""  # the language says it
            out = {"mode": "raw", "raw": body.text, "options": {"raw": {"language": language}}}
        elif body.kind in (BodyKind.FORM, BodyKind.MULTIPART):
            rows = [KeyValue(r.name, r.value, r.enabled, r.is_file) for r in body.form]
            guard_rows(rows, where, "form field", self.report)
            if body.kind == BodyKind.FORM:
                out = {"mode": "urlencoded", "urlencoded": [_row(r) for r in rows]}
            else:
                out = {"mode": "formdata", "formdata": [_form_row(r) for r in rows]}
                content_type = ""  # the boundary is Postman's to choose
        else:
            return self._no_body(request, where)
        if content_type and content_type != _DEFAULT_TYPES.get(body.kind) and not has_type:
            headers.append(KeyValue("Content-Type", content_type))
        return out

    def _no_body(self, request: Request, where: str) -> dict[str, Any] | None:
        body = request.body
        file_note = next(
            (n for n in _notes(request) if n.get("kind") == "file-body"),
            None,
        )
        if file_note is not None:
            return {"mode": "file", "file": {"src": str(file_note.get("text", ""))}}
        # A body that was disabled in Postman: kept, and disabled again.
        if body.form:
            rows = [KeyValue(r.name, r.value, r.enabled, r.is_file) for r in body.form]
            guard_rows(rows, where, "form field", self.report)
            if any(r.is_file for r in rows):
                return {
                    "mode": "formdata",
                    "formdata": [_form_row(r) for r in rows],
                    "disabled": True,
                }
            return {"mode": "urlencoded", "urlencoded": [_row(r) for r in rows], "disabled": True}
        if body.text:
            return {"mode": "raw", "raw": body.text, "disabled": True}
        return None

    def _events(self, request: Request) -> list[dict[str, Any]]:
        notes = [n for n in _notes(request) if n.get("kind") in ("test", "prerequest")]
        capture_lines = script_for_captures(request.captures)
        events = []
        merged = False
        for note in notes:
            lines = str(note.get("text", "")).split("\n")
            disabled = note.get("disabled") is True
            if note["kind"] == "test" and not disabled and not merged and capture_lines:
                lines = capture_lines + lines
                merged = True
            events.append(_event(str(note["kind"]), lines, disabled))
        if capture_lines and not merged:
            events.insert(0, _event("test", capture_lines, False))
        return events

    # -- auth -----------------------------------------------------------------------------------
    def _auth(self, auth: Auth | None, where: str) -> dict[str, Any] | None:
        if auth is None:
            return None
        if auth.oauth2 is not None and auth.kind != AuthKind.OAUTH2:
            self.report.warn(where, f"OAuth2 settings on {auth.kind.value} auth not exported")
        if auth.kind == AuthKind.INHERIT:
            return None
        if auth.kind == AuthKind.NONE:
            return {"type": "noauth"}
        if auth.kind == AuthKind.BEARER:
            token = auth.token
            if is_literal(token):
                token = ACCESS_TOKEN_REF
                self.report.warn(where, f"literal bearer token not exported; {token} instead")
            return {"type": "bearer", "bearer": [_param("token", token)]}
        if auth.kind == AuthKind.BASIC:
            password = auth.password
            if is_literal(password):
                password = "{{password}}"
                self.report.warn(where, f"basic auth password not exported; {password} instead")
            return {
                "type": "basic",
                "basic": [_param("username", auth.username), _param("password", password)],
            }
        if auth.kind == AuthKind.APP_TOKEN:
            # Smartcar's API Authentication is OAuth2's client-credentials grant: Postman can
            # fetch that token itself ("Get New Access Token"), and carman reads it back.
            return {
                "type": "oauth2",
                "oauth2": [
                    _param("grant_type", "client_credentials"),
                    _param("accessTokenUrl", "{{iam_url}}/oauth2/token"),
                    _param("clientId", "{{api_client_id}}"),
                    _param("clientSecret", "{{api_client_secret}}"),
                    _param("client_authentication", "body"),
                    _param("addTokenTo", "header"),
                ],
            }
        return {"type": "oauth2", "oauth2": _oauth2(auth.oauth2)}


def _notes(request: Request) -> list[dict[str, Any]]:
    notes = request.meta.get("notes", [])
    if not isinstance(notes, list):
        return []
    return [n for n in notes if isinstance(n, dict)]


def _event(listen: str, lines: list[str], disabled: bool) -> dict[str, Any]:
    event: dict[str, Any] = {
        "listen": listen,
        "script": {"type": "text/javascript", "exec": lines},
    }
    if disabled:
        event["disabled"] = True
    return event


def _param(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": value, "type": "string"}


def _oauth2(settings: OAuth2Settings | None) -> list[dict[str, Any]]:
    if settings is None:
        return []  # the environment's OAuth2 settings apply
    params = [
        _param("grant_type", "authorization_code"),
        _param("authUrl", settings.authorize_url),
        _param("accessTokenUrl", settings.token_url),
        _param("clientId", settings.client_id),
        _param("scope", " ".join(settings.scope)),
        _param("redirect_uri", settings.redirect_uri),
        _param("addTokenTo", "queryParams" if settings.add_token_to == "query" else "header"),
    ]
    # What carman's login adds to the authorize URL, so Postman's login asks the same.
    extra: list[tuple[str, str]] = [
        (name, getattr(settings, name))
        for name in ("mode", "approval_prompt", "make")
        if getattr(settings, name)
    ]
    if settings.single_select:
        extra.append(("single_select", "true"))
    extras = dict(settings.extra_params)
    flags = " ".join(
        part
        for part in (
            f"country:{settings.country}" if settings.country else "",
            extras.pop("flags", ""),
        )
        if part
    )
    if flags:
        extra.append(("flags", flags))
    extra += list(extras.items())
    if extra:
        params.append(
            {
                "key": "authRequestParams",
                "value": [
                    {"key": k, "value": v, "enabled": True, "send_as": "request_url"}
                    for k, v in extra
                ],
                "type": "any",
            }
        )
    return params


def _row(row: KeyValue) -> dict[str, Any]:
    out: dict[str, Any] = {"key": row.name, "value": row.value, "type": "text"}
    if not row.enabled:
        out["disabled"] = True
    return out


def _form_row(row: KeyValue) -> dict[str, Any]:
    if not row.is_file:
        return _row(row)
    out: dict[str, Any] = {"key": row.name, "type": "file", "src": row.value}
    if not row.enabled:
        out["disabled"] = True
    return out


def _url(url: str, params: list[KeyValue], where: str, report: ImportReport) -> dict[str, Any]:
    enabled = [p for p in params if p.enabled]
    if "?" in url:
        # The URL keeps a query of its own (e.g. "?flag"): write exactly what carman sends;
        # Postman's query list could not say it.
        if len(enabled) < len(params):
            report.warn(where, "disabled query parameters not exported (the URL has a query)")
        return {"raw": build_template_url(url, enabled), **_url_parts(url)}
    raw = url
    if enabled:
        query = "&".join(
            f"{postman_escape(p.name, key=True)}={postman_escape(p.value)}" for p in enabled
        )
        raw += ("&" if "?" in url else "?") + query
    out: dict[str, Any] = {"raw": raw, **_url_parts(url)}
    if params:
        out["query"] = [
            {
                "key": postman_escape(p.name, key=True),
                "value": postman_escape(p.value),
                **({} if p.enabled else {"disabled": True}),
            }
            for p in params
        ]
    return out


def _url_parts(url: str) -> dict[str, Any]:
    """protocol / host / port / path, as Postman shows them (``raw`` stays authoritative)."""
    parts: dict[str, Any] = {}
    rest = url.split("?", 1)[0]
    if "://" in rest:
        parts["protocol"], rest = rest.split("://", 1)
    host, slash, path = rest.partition("/")
    name, colon, port = host.rpartition(":")
    if colon and port.isdigit():
        host = name
        parts["port"] = port
    parts["host"] = host.split(".") if host else []
    parts["path"] = path.split("/") if slash else []
    return parts
