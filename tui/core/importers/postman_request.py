"""One Postman request's URL, headers and body -> carman's ``Request`` fields.

- ``url`` may be a string or an object; without ``raw`` it is rebuilt from protocol, host,
  port and path. The ``query`` list, when present, is authoritative (values are decoded).
- ``:name`` path variables are replaced by their value; one without a value becomes
  ``{{name}}`` (reported unless the collection defines ``name``).
- Bodies: raw (json language or a JSON content type -> JSON, else TEXT), urlencoded -> FORM,
  formdata -> MULTIPART (file rows -> ``is_file``), graphql -> a JSON body, file -> a note.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any
from urllib.parse import unquote

from tui.core.importers.coerce import as_bool, as_dict, as_list, as_text
from tui.core.importers.report import ImportReport
from tui.core.importers.urls import split_fragment, split_query
from tui.core.model import Body, BodyKind, KeyValue, Request

_PATH_VARIABLE = re.compile(r"/:([\w-]+)(?=[/?#.;]|$)")
_RAW_LANGUAGE_TYPES = {
    "xml": "application/xml",
    "html": "text/html",
    "javascript": "application/javascript",
}


class RequestParts:
    """Reads the parts of one request; warnings go to ``report`` under the item's path."""

    def __init__(self, report: ImportReport, variables: dict[str, str]) -> None:
        self.report = report
        self.variables = variables  # the collection's: a path variable may be one of them

    # -- URL ----------------------------------------------------------------------------------
    def url(self, value: Any, where: str) -> tuple[str, list[KeyValue]]:
        if value is None:
            return "", []
        if isinstance(value, str):
            data: dict[str, Any] = {"raw": value}
        else:
            data = as_dict(value, where, "request.url")
        raw = as_text(data.get("raw"))
        if not raw.strip():
            raw = _rebuild_url(data)
        raw, fragment = split_fragment(raw.strip())
        if fragment:
            self.report.warn(where, f"URL fragment #{fragment} dropped (it is never sent)")
        if data.get("query") is not None:
            base, params = raw.partition("?")[0], self._query_rows(data.get("query"), where)
        else:
            base, params = split_query(raw)
        base = self._path_variables(base, data.get("variable"), where)
        return base, params

    def _query_rows(self, value: Any, where: str) -> list[KeyValue]:
        rows = []
        for index, entry in enumerate(as_list(value, where, "url.query")):
            item = as_dict(entry, where, f"url.query[{index}]")
            key = item.get("key")
            if key is None and item.get("value") is None:
                continue
            rows.append(
                KeyValue(
                    unquote(as_text(key)),
                    unquote(as_text(item.get("value"))),
                    enabled=not as_bool(item.get("disabled")),
                )
            )
        return rows

    def _path_variables(self, url: str, value: Any, where: str) -> str:
        values: dict[str, str] = {}
        for index, entry in enumerate(as_list(value, where, "url.variable")):
            item = as_dict(entry, where, f"url.variable[{index}]")
            key = as_text(item.get("key") if item.get("key") is not None else item.get("id"))
            if key:
                values[key] = as_text(item.get("value"))
        unresolved: list[str] = []

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if values.get(name):
                return "/" + _in_path(values[name])
            if name not in self.variables and name not in unresolved:
                unresolved.append(name)
            return "/{{" + name + "}}"

        url = _PATH_VARIABLE.sub(substitute, url)
        if unresolved:
            listed = ", ".join(f"{{{{{name}}}}}" for name in unresolved)
            self.report.warn(where, f"path variables without a value became {listed}; set them")
        return url

    # -- headers --------------------------------------------------------------------------------
    def headers(self, value: Any, where: str) -> list[KeyValue]:
        if isinstance(value, str):
            value = [line for line in value.splitlines() if line.strip()]
        rows = []
        for index, entry in enumerate(as_list(value, where, "request.header")):
            if isinstance(entry, str):
                name, _, text = entry.partition(":")
                rows.append(KeyValue(name.strip(), text.strip()))
                continue
            item = as_dict(entry, where, f"request.header[{index}]")
            rows.append(
                KeyValue(
                    as_text(item.get("key")),
                    as_text(item.get("value")),
                    enabled=not as_bool(item.get("disabled")),
                )
            )
        return rows

    # -- body -----------------------------------------------------------------------------------
    def body(self, value: Any, request: Request, where: str) -> Body:
        if value is None:
            return Body()
        data = as_dict(value, where, "request.body")
        mode = as_text(data.get("mode")).strip()
        body = Body()
        if mode == "raw":
            body.text = as_text(data.get("raw"))
            options = data.get("options")
            raw_options = options.get("raw") if isinstance(options, dict) else None
            language = (
                as_text(raw_options.get("language")).lower()
                if isinstance(raw_options, dict)
                else ""
            )
            content_type = _header_value(request.headers, "content-type").lower()
            is_json = language == "json" or (not language and "json" in content_type)
            body.kind = BodyKind.JSON if is_json else BodyKind.TEXT
            if language in _RAW_LANGUAGE_TYPES and not content_type:
                body.content_type = _RAW_LANGUAGE_TYPES[language]
        elif mode == "urlencoded":
            body.kind = BodyKind.FORM
            body.form = self._form_rows(data.get("urlencoded"), where, "urlencoded")
        elif mode == "formdata":
            body.kind = BodyKind.MULTIPART
            body.form = self._form_rows(data.get("formdata"), where, "formdata")
        elif mode == "graphql":
            body.kind = BodyKind.JSON
            body.text = _graphql_json(as_dict(data.get("graphql"), where, "body.graphql"))
            self.report.warn(where, "GraphQL body became a JSON body {query, variables}")
        elif mode == "file":
            source = as_text(as_dict(data.get("file"), where, "body.file").get("src"))
            request.meta.setdefault("notes", []).append({"kind": "file-body", "text": source})
            self.report.warn(
                where, f"file body ({source or 'no file chosen'}) not supported; kept as a note"
            )
        elif mode:
            self.report.warn(where, f"body mode {mode!r} not supported; no body imported")
        if as_bool(data.get("disabled")) and body.kind != BodyKind.NONE:
            self.report.warn(where, "the body is disabled in Postman; imported without a body kind")
            body.kind = BodyKind.NONE
        return body

    def _form_rows(self, value: Any, where: str, field: str) -> list[KeyValue]:
        rows = []
        for index, entry in enumerate(as_list(value, where, f"body.{field}")):
            item = as_dict(entry, where, f"body.{field}[{index}]")
            name = as_text(item.get("key"))
            enabled = not as_bool(item.get("disabled"))
            if as_text(item.get("contentType")):
                self.report.warn(where, f"form field {name!r}: its content type is not kept")
            if as_text(item.get("type")) != "file":
                rows.append(KeyValue(name, as_text(item.get("value")), enabled))
                continue
            sources = item.get("src")
            files = (
                [as_text(s) for s in sources] if isinstance(sources, list) else [as_text(sources)]
            )
            files = [f for f in files if f] or [""]
            if files == [""]:
                self.report.warn(where, f"form field {name!r}: no file chosen in Postman")
            for path in files:
                rows.append(KeyValue(name, path, enabled, is_file=True))
        return rows


def _header_value(rows: list[KeyValue], name: str) -> str:
    return next((r.value for r in rows if r.enabled and r.name.strip().lower() == name), "")


def _graphql_json(data: dict[str, Any]) -> str:
    query = as_text(data.get("query"))
    variables = as_text(data.get("variables")).strip() or "{}"
    # {{templates}} in the variables make them invalid JSON: kept as typed, valid once resolved.
    with contextlib.suppress(ValueError, RecursionError):
        variables = json.dumps(json.loads(variables), indent=2)
    indented = variables.replace("\n", "\n  ")
    return f'{{\n  "query": {json.dumps(query)},\n  "variables": {indented}\n}}'


def _segment(value: Any) -> str:
    # v2.1 path segments may be {"type": "string", "value": "..."}.
    if isinstance(value, dict):
        return as_text(value.get("value"))
    return as_text(value)


def _in_path(text: str) -> str:
    # A segment (or a path variable's value) stays in the path: a "#" or "?" in it would start
    # the fragment or the query of the URL carman sends and exports, so it is percent-encoded.
    return text.replace("#", "%23").replace("?", "%3F")


def _path_segment(value: Any) -> str:
    return _in_path(_segment(value))


def _rebuild_url(data: dict[str, Any]) -> str:
    """protocol://host:port/path from the pieces, for URL objects without ``raw``."""
    host_value, path_value = data.get("host"), data.get("path")
    host = (
        ".".join(_segment(part) for part in host_value)
        if isinstance(host_value, list)
        else as_text(host_value)
    )
    path = (
        "/".join(_path_segment(part) for part in path_value)
        if isinstance(path_value, list)
        else as_text(path_value).lstrip("/")
    )
    protocol = as_text(data.get("protocol")).strip().rstrip(":/")
    port = as_text(data.get("port")).strip()
    url = f"{protocol}://{host}" if protocol else host
    if port:
        url += f":{port}"
    if path:
        url += f"/{path}"
    return url
