"""Postman Collection Format v2.0 / v2.1 -> a carman ``Collection``, built fully in memory.

Choices:
- ``:name`` path variables are replaced by their value (usually a ``{{variable}}`` already);
  one without a value becomes ``{{name}}``, reported unless the collection defines ``name``.
- Folder and collection auth map to ``Folder.auth`` / ``Collection.auth``; a request without
  auth inherits, ``noauth`` is NONE.
- Collection variables without a value are not imported: carman's collection layer sits above
  the environment, so an empty value would hide the environment's.
- Test scripts become capture rules where they only save response values; the rest of every
  script is kept verbatim in ``request.meta["notes"]`` as
  ``{"kind": "test" | "prerequest", "text": ..., "disabled"?: true}``; a file body is kept as
  ``{"kind": "file-body", "text": <path>}``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tui.core.importers.coerce import (
    as_bool,
    as_dict,
    as_list,
    as_text,
    description_text,
    kind_of,
    toml_safe,
)
from tui.core.importers.credentials import (
    guard_rows,
    guard_url,
    is_literal,
    is_template,
    looks_like_token,
    looks_secret,
)
from tui.core.importers.jsonfile import load_json, parse_json
from tui.core.importers.postman_auth import import_auth
from tui.core.importers.postman_request import RequestParts
from tui.core.importers.report import VARIABLE, ImportFailed, ImportReport
from tui.core.importers.scripts import translate_test_script
from tui.core.model import Collection, Folder, KeyValue, Request

SCHEMA_V21 = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
SUPPORTED_VERSIONS = ("2.0.0", "2.1.0")
CARMAN_META = "_carman_meta"
MAX_DEPTH = 64
MAX_ITEMS = 100_000
_SCHEMA_VERSION = re.compile(r"/v(\d+\.\d+\.\d+)/")
_METHOD = re.compile(r"[A-Z0-9-]*[A-Z0-9][A-Z0-9-]*")


def import_postman_file(path: Path) -> tuple[Collection, ImportReport]:
    source = "standard input" if str(path) == "-" else str(path)
    return import_postman_collection(load_json(Path(path)), source=source)


def import_postman_text(text: str, source: str = "input") -> tuple[Collection, ImportReport]:
    return import_postman_collection(parse_json(text, source), source=source)


def import_postman_collection(data: Any, source: str = "input") -> tuple[Collection, ImportReport]:
    """Build a collection from parsed Postman JSON; raise ImportFailed for anything unusable."""
    report = ImportReport()
    root, bare = _collection_root(data, source, report)
    if not bare:  # a bare collection has no header to check (and was warned about)
        _check_schema(root, source, report)  # v2.0 and v2.1 differ only in ways both paths read
    try:
        collection = _Importer(report).run(root)
    except RecursionError:
        raise ImportFailed(f"{source}: nested too deeply to import") from None
    return collection, report


# ---- recognising the input -------------------------------------------------------------------


def describe_json(data: Any) -> str:
    """What a JSON document looks like, for 'this is not a collection' messages."""
    if isinstance(data, list):
        return "a JSON list"
    if not isinstance(data, dict):
        return f"a JSON value ({kind_of(data)})"
    if "values" in data and ("_postman_variable_scope" in data or "name" in data):
        return "a Postman environment (import it with: carman import postman-env FILE)"
    if "requests" in data and ("order" in data or "folders" in data):
        return "a Postman v1 collection (export it again from Postman as Collection v2.1)"
    if "openapi" in data or "swagger" in data:
        return "an OpenAPI/Swagger document"
    if isinstance(data.get("log"), dict) and "entries" in data["log"]:
        return "a HAR file"
    if data.get("_type") == "export" or "__export_format" in data:
        return "an Insomnia export"
    if "collections" in data and "environments" in data:
        return "a Postman data dump (export the one collection instead)"
    keys = ", ".join(sorted(str(key) for key in data)[:8]) or "none"
    return f"a JSON object without 'info' and 'item' (top-level keys: {keys})"


# The top-level keys of a collection written without its "info" header.
_BARE_KEYS = frozenset({"name", "item", "variable", "auth", "event", "description", "id"})


def _collection_root(
    data: Any, source: str, report: ImportReport
) -> tuple[dict[str, Any], bool]:
    """The collection's root object, and whether it came without an "info" header."""
    if isinstance(data, dict) and isinstance(data.get("collection"), dict) and "info" not in data:
        data = data["collection"]  # the Postman API wraps it: {"collection": {...}}
    if (
        isinstance(data, dict)
        and "info" not in data
        and isinstance(data.get("item"), list)
        and set(data) <= _BARE_KEYS
    ):
        # Written by hand or by tools without the header (Postman's command-line runner reads
        # these): the name comes from the top level, the rest is Collection v2.1.
        report.warn("", "no 'info' block: read as Collection v2.1, named from the top level")
        name = data.get("name") if isinstance(data.get("name"), str) else ""
        return {**data, "info": {"name": name or "Imported collection"}}, True
    if isinstance(data, dict) and "info" in data and "item" in data:
        as_dict(data["info"], "", "info")  # a collection with a broken header: say so
    if not isinstance(data, dict) or not isinstance(data.get("info"), dict):
        raise ImportFailed(f"{source}: not a Postman collection: this is {describe_json(data)}")
    return data, False


def _check_schema(root: dict[str, Any], source: str, report: ImportReport) -> None:
    schema = root["info"].get("schema")
    if schema is None:
        report.warn("", "no schema in the collection's info; read as Collection v2.1")
        return
    if not isinstance(schema, str):
        raise ImportFailed(f"{source}: info.schema: expected a URL, got {kind_of(schema)}")
    match = _SCHEMA_VERSION.search(schema)
    if match is None or "postman" not in schema:
        raise ImportFailed(f"{source}: unknown collection schema {schema!r}")
    if match.group(1) not in SUPPORTED_VERSIONS:
        raise ImportFailed(
            f"{source}: unsupported Postman collection schema v{match.group(1)} "
            "(carman reads v2.0 and v2.1)"
        )


# ---- the importer ----------------------------------------------------------------------------


def _join(path: tuple[str, ...]) -> str:
    return "/".join(path)


class _Importer:
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.seen: set[int] = set()
        self.items = 0
        self.raw_variables: dict[str, str] = {}
        self.collection = Collection(name="Imported collection")

    def run(self, root: dict[str, Any]) -> Collection:
        info = root["info"]
        collection = self.collection
        name = as_text(info.get("name")).strip()
        collection.name = name or "Imported collection"
        collection.description = description_text(info.get("description"))
        self._variables(root.get("variable"))
        result = import_auth(root.get("auth"), "", self.report, self.raw_variables)
        collection.auth = result.auth
        self._folder_events(root.get("event"), ())
        self._items(root.get("item"), collection, (), 0, result.row)
        return collection

    # -- variables ------------------------------------------------------------------------------
    def _variables(self, value: Any) -> None:
        empty: list[str] = []
        for index, entry in enumerate(as_list(value, "", "variable")):
            item = as_dict(entry, "", f"variable[{index}]")
            name = as_text(item.get("key") if item.get("key") is not None else item.get("id"))
            if not name.strip():
                self.report.warn("", f"variable[{index}] has no name; skipped")
                continue
            text = as_text(item.get("value"))
            self.raw_variables[name] = text
            secret_type = as_text(item.get("type")).lower() == "secret"
            if as_bool(item.get("disabled")):
                self.report.warn("", f"variable {name!r} is disabled in Postman; not imported")
            elif looks_like_token(name) and not is_template(text):
                self.report.warn(
                    "",
                    f"variable {name!r}: "
                    + (
                        "live token dropped (log in to get one)"
                        if text
                        else "not imported (it would hide the token carman's login provides)"
                    ),
                )
            elif (secret_type or looks_secret(name)) and is_literal(text):
                self.report.add_secret(VARIABLE, name, text)
                self.report.warn("", f"variable {name!r}: secret value kept out of the collection")
            elif not text:
                empty.append(name)
            else:
                self.collection.variables[name] = text
        self.report.variables = len(self.collection.variables)
        if empty:
            self.report.warn(
                "",
                "variables without a value not imported (carman's collection variables would "
                f"hide the environment's): {', '.join(empty)}",
            )

    # -- the item tree ----------------------------------------------------------------------------
    def _items(
        self,
        value: Any,
        folder: Folder,
        path: tuple[str, ...],
        depth: int,
        inherited_row: tuple[str, KeyValue] | None,
    ) -> None:
        where = _join(path)
        if depth > MAX_DEPTH:
            shown = _join(path[:3]) + "/…"
            raise ImportFailed(f"{shown}: folders nested more than {MAX_DEPTH} levels deep")
        for index, entry in enumerate(as_list(value, where, "item")):
            item = as_dict(entry, where, f"item[{index}]")
            if id(item) in self.seen:
                raise ImportFailed(
                    f"{where or '(collection)'}: item[{index}] appears twice (a cyclic or shared "
                    "structure, not a Postman export)"
                )
            self.seen.add(id(item))
            self.items += 1
            if self.items > MAX_ITEMS:
                raise ImportFailed(f"more than {MAX_ITEMS} items: not a real collection")
            is_folder = item.get("item") is not None or item.get("request") is None
            fallback = "Untitled folder" if is_folder else "Untitled request"
            name = as_text(item.get("name")).strip() or fallback
            item_path = (*path, name)
            if item.get("item") is None and item.get("request") is None:
                self.report.warn(_join(item_path), "neither a request nor a folder; skipped")
                continue
            if is_folder:
                folder.folders.append(self._folder(item, name, item_path, depth, inherited_row))
            else:
                folder.requests.append(self._request(item, name, item_path, inherited_row))

    def _folder(
        self,
        item: dict[str, Any],
        name: str,
        path: tuple[str, ...],
        depth: int,
        inherited_row: tuple[str, KeyValue] | None,
    ) -> Folder:
        where = _join(path)
        folder = Folder(name=name, description=description_text(item.get("description")))
        if item.get("request") is not None:
            self.report.warn(where, "has both sub-items and a request; the request was skipped")
        result = import_auth(item.get("auth"), where, self.report, self.raw_variables)
        if result.auth is not None:
            folder.auth = result.auth
            inherited_row = result.row
        self._folder_events(item.get("event"), path)
        self.report.folders += 1
        self._items(item.get("item"), folder, path, depth + 1, inherited_row)
        return folder

    def _folder_events(self, value: Any, path: tuple[str, ...]) -> None:
        for index, entry in enumerate(as_list(value, _join(path), "event")):
            event = as_dict(entry, _join(path), f"event[{index}]")
            if _script_text(event, _join(path)).strip():
                listen = as_text(event.get("listen"), "script")
                level = "folder" if path else "collection"
                self.report.warn(
                    _join(path), f"{level}-level {listen} script not kept (carman runs no scripts)"
                )

    # -- one request ------------------------------------------------------------------------------
    def _request(
        self,
        item: dict[str, Any],
        name: str,
        path: tuple[str, ...],
        inherited_row: tuple[str, KeyValue] | None,
    ) -> Request:
        where = _join(path)
        raw = item.get("request")
        if isinstance(raw, str):
            self.report.warn(where, "the request is a plain URL: imported as a GET of it")
            data: dict[str, Any] = {"url": raw, "method": "GET"}
        else:
            data = as_dict(raw, where, "request")
        request = Request(name=name)
        method = as_text(data.get("method"), "GET").strip().upper() or "GET"
        if not _METHOD.fullmatch(method):
            self.report.warn(where, f"method {method!r} is not an HTTP method; GET used")
            method = "GET"
        request.method = method
        parts = RequestParts(self.report, self.collection.variables)
        request.url, request.params = parts.url(data.get("url"), where)
        request.headers = parts.headers(data.get("header"), where)
        request.body = parts.body(data.get("body"), request, where)
        result = import_auth(data.get("auth"), where, self.report, self.raw_variables)
        if result.auth is not None:
            request.auth = result.auth
            row = result.row
        else:
            row = inherited_row
        if row is not None:
            target = request.params if row[0] == "query" else request.headers
            target.append(KeyValue(row[1].name, row[1].value))
        request.description = description_text(data.get("description")) or description_text(
            item.get("description")
        )
        guard_rows(request.headers, where, "header", self.report)
        guard_rows(request.params, where, "query parameter", self.report)
        request.url = guard_url(request.url, where, self.report)
        guard_rows(request.body.form, where, "form field", self.report)
        self._events(item.get("event"), request, where)
        # Metadata a carman export carries along (permission, docs...); Postman ignores it.
        extra = toml_safe(as_dict(item.get(CARMAN_META), where, CARMAN_META))
        request.meta.update({k: v for k, v in extra.items() if k != "notes"})
        responses = as_list(item.get("response"), where, "response")
        if responses:
            count = len(responses)
            self.report.warn(
                where, f"{count} saved example response{'s' * (count != 1)} not imported"
            )
        self.report.requests += 1
        self.report.captures += len(request.captures)
        return request

    # -- scripts --------------------------------------------------------------------------------
    def _events(self, value: Any, request: Request, where: str) -> None:
        for index, entry in enumerate(as_list(value, where, "event")):
            event = as_dict(entry, where, f"event[{index}]")
            listen = as_text(event.get("listen")).strip().lower()
            text = _script_text(event, where)
            if not text.strip():
                continue
            disabled = as_bool(event.get("disabled"))
            if listen == "test":
                captures, text = translate_test_script(text, disabled=disabled)
                request.captures.extend(captures)
                if not text:
                    continue
            elif listen != "prerequest":
                self.report.warn(where, f"{listen or 'unnamed'} script not kept")
                continue
            note: dict[str, Any] = {"kind": listen, "text": text}
            if disabled:
                note["disabled"] = True
            request.meta.setdefault("notes", []).append(note)
            label = "pre-request" if listen == "prerequest" else "test"
            self.report.warn(
                where, f"{label} script kept as an inert note (carman runs no scripts)"
            )


def _script_text(event: dict[str, Any], where: str) -> str:
    script = event.get("script")
    if script is None:
        return ""
    if isinstance(script, str):
        return script
    data = as_dict(script, where, "event.script")
    exec_ = data.get("exec")
    if isinstance(exec_, list):
        return "\n".join(as_text(line) for line in exec_)
    text = as_text(exec_)
    if not text and as_text(data.get("src")):
        return f"// script from {as_text(data.get('src'))}"
    return text
