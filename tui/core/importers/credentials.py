"""Which imported values are credentials, and how they are kept out of collection files.

A *literal* is a value with no ``{{variable}}`` in it. Literal credentials are never written
into a collection: live tokens are dropped and replaced by a ``{{variable}}``; other secrets
(API keys, passwords) are replaced by a ``{{variable}}`` too and handed to the caller in
``report.secrets``.

``masking.is_secret_name`` is deliberately broad ("token" in the name). Names ending in
``url``, ``uri``, ``name``, ``type``... are settings, not secrets: ``token_url`` holds the
token endpoint and must survive the import.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from tui.core.importers.report import VARIABLE, ImportReport
from tui.core.masking import is_secret_name
from tui.core.model import KeyValue
from tui.core.variables import VARIABLE as TEMPLATE

_SETTING_SUFFIX = re.compile(
    r"(?i)(url|uri|endpoint|host|path|name|type|prefix|header|location|expires?_?in|expiry"
    r"|expiration|ttl|id)$"
)
ACCESS_TOKEN_REF = "{{access_token}}"


def is_template(value: str) -> bool:
    return TEMPLATE.search(value) is not None


def is_literal(value: str) -> bool:
    """A non-empty value with no ``{{variable}}`` in it."""
    return bool(value.strip()) and not is_template(value)


def looks_secret(name: str) -> bool:
    return is_secret_name(name) and not _SETTING_SUFFIX.search(name.strip())


def looks_like_token(name: str) -> bool:
    return looks_secret(name) and "token" in name.lower()


def variable_name_for(label: str) -> str:
    """``X-Api-Key`` -> ``x_api_key``: a readable variable name for a moved secret."""
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_").lower() or "secret"


def guard_row(row: KeyValue, where: str, what: str, report: ImportReport) -> None:
    """Replace a literal credential in a header, query or form row by a ``{{variable}}``."""
    if row.is_file or not is_literal(row.value):
        return
    name = row.name.strip()
    if name.lower() == "authorization":
        scheme, _, credentials = row.value.strip().partition(" ")
        if scheme.lower() == "bearer" and credentials:
            row.value = f"Bearer {ACCESS_TOKEN_REF}"
            report.warn(
                where, f"{what} {name}: literal bearer token dropped; now uses {ACCESS_TOKEN_REF}"
            )
            return
        moved = report.add_secret(VARIABLE, "authorization", row.value, where)
        row.value = f"{{{{{moved}}}}}"
        report.warn(where, f"{what} {name}: literal credentials moved to secret {{{{{moved}}}}}")
    elif looks_like_token(name):
        variable = variable_name_for(name)
        row.value = f"{{{{{variable}}}}}"
        report.warn(where, f"{what} {name}: live token dropped; now uses {{{{{variable}}}}}")
    elif looks_secret(name):
        moved = report.add_secret(VARIABLE, variable_name_for(name), row.value, where)
        row.value = f"{{{{{moved}}}}}"
        report.warn(where, f"{what} {name}: literal secret moved to secret {{{{{moved}}}}}")


def guard_rows(rows: list[KeyValue], where: str, what: str, report: ImportReport) -> None:
    for row in rows:
        guard_row(row, where, what, report)


def guard_url(url: str, where: str, report: ImportReport) -> str:
    """The same for ``name=value`` pairs left in a URL's own query string."""
    base, question, query = url.partition("?")
    if not question:
        return url
    parts = []
    for part in query.split("&"):
        name, equals, value = part.partition("=")
        if equals:
            row = KeyValue(unquote(name), unquote(value))
            guard_row(row, where, "query parameter", report)
            if row.value != unquote(value):
                part = f"{name}={row.value}"
        parts.append(part)
    return f"{base}?{'&'.join(parts)}"
