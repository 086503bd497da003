"""JSONPath queries (RFC 9535, via python-jsonpath) with errors a person can read."""

from __future__ import annotations

from typing import Any

from tui.core.errors import CarmanError


class JsonPathError(CarmanError):
    pass


def query(path: str, document: Any) -> list[Any]:
    """All matches of ``path`` in ``document``; a bad path raises JsonPathError."""
    import jsonpath  # imported on first use: keeps startup fast

    text = path.strip()
    if not text:
        raise JsonPathError("empty JSONPath")
    if not text.startswith("$"):
        # Accept Postman-style paths like "vehicles[0]" or ".vehicles" as shorthand.
        text = "$" + (text if text.startswith((".", "[")) else "." + text)
    try:
        return list(jsonpath.findall(text, document))
    except jsonpath.JSONPathError as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise JsonPathError(f"invalid JSONPath {path!r}: {first_line}") from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise JsonPathError(f"invalid JSONPath {path!r}: {exc}") from None
