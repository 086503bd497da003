"""URL pieces shared by the importers and exporters.

carman keeps query parameters *decoded* in ``Request.params`` and encodes them when sending
(``prepare.build_url``). Postman keeps them as typed; curl as sent.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from tui.core.model import KeyValue
from tui.core.prepare import build_url
from tui.core.variables import VARIABLE

_PERCENT_HEX = re.compile(r"%(?=[0-9A-Fa-f]{2})")


def split_fragment(url: str) -> tuple[str, str]:
    """``(url without #fragment, fragment)``: fragments are never sent to a server."""
    base, hash_mark, fragment = url.partition("#")
    return base, fragment if hash_mark else ""


def parse_query(query: str) -> list[KeyValue]:
    """``a=1&b=%20`` -> rows with decoded names and values (``+`` stays a plus)."""
    rows = []
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        rows.append(KeyValue(unquote(name), unquote(value)))
    return rows


def split_query(url: str) -> tuple[str, list[KeyValue]]:
    """Move the query of ``url`` into rows when sending them rebuilds the very same URL.

    Otherwise (``?flag`` without ``=``, unusual encodings) the query stays in the URL, so
    what is sent never changes.
    """
    base, question, query = url.partition("?")
    if not question or not query:
        return url, []
    rows = parse_query(query)
    if rows and build_template_url(base, rows) == url:
        return base, rows
    return url, []


def build_template_url(base: str, rows: list[KeyValue]) -> str:
    """``prepare.build_url`` for rows that may hold ``{{variables}}`` (left unencoded)."""
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(match.group(0))
        return f"carmanvariable{len(held) - 1}x"

    pairs = [(VARIABLE.sub(hold, row.name), VARIABLE.sub(hold, row.value)) for row in rows]
    url = build_url(base, pairs)
    for index in reversed(range(len(held))):
        url = url.replace(f"carmanvariable{index}x", held[index])
    return url


def postman_escape(text: str, *, key: bool = False) -> str:
    """Escape what Postman would misread in a query value: ``%XX``, ``&``, ``#`` (``=`` in keys).

    ``unquote`` on import gives back exactly ``text``.
    """
    text = _PERCENT_HEX.sub("%25", text).replace("&", "%26").replace("#", "%23")
    return text.replace("=", "%3D") if key else text
