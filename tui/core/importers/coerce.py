"""Reading untrusted JSON values: structure is checked, scalars are made into text.

Wrong structure (a list where an object belongs) raises ImportFailed naming the item and the
field; scalars of another type (numbers, true/false, null) are accepted as text, as Postman
itself does.
"""

from __future__ import annotations

import json
import math
from typing import Any

from tui.core.importers.report import ImportFailed


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _where(where: str, field: str) -> str:
    return f"{where or '(collection)'}: {field}"


def as_dict(value: Any, where: str, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ImportFailed(f"{_where(where, field)}: expected an object, got {kind_of(value)}")
    return value


def as_list(value: Any, where: str, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportFailed(f"{_where(where, field)}: expected a list, got {kind_of(value)}")
    return value


def clean(text: str) -> str:
    """Text that can be written as UTF-8 (lone surrogates from JSON escapes are replaced)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
    return text


def as_text(value: Any, default: str = "") -> str:
    """Any JSON value as text: strings as they are, numbers and booleans as JSON spells them."""
    if value is None:
        return default
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        try:
            return str(value)
        except ValueError:  # an integer too long to print
            return default
    try:
        return clean(json.dumps(value, ensure_ascii=False))
    except (ValueError, TypeError, RecursionError):
        return default


def as_bool(value: Any, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    if isinstance(value, (int, float)):
        return value != 0
    return default


def description_text(value: Any) -> str:
    """Postman descriptions are a string or ``{content, type, version}``."""
    if isinstance(value, dict):
        return as_text(value.get("content"))
    if isinstance(value, list):
        return ""
    return as_text(value)


_TOML_INT = range(-(2**63), 2**63)


def toml_safe(value: Any, depth: int = 0) -> Any:
    """``value`` as something TOML can store (no nulls, 64-bit integers), or None to drop it."""
    if depth > 32 or value is None:
        return None
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # nan != nan breaks comparisons
    if isinstance(value, int):
        return value if value in _TOML_INT else str(value)
    if isinstance(value, list):
        items = [toml_safe(item, depth + 1) for item in value]
        return [item for item in items if item is not None]
    if isinstance(value, dict):
        pairs = {clean(str(k)): toml_safe(v, depth + 1) for k, v in value.items()}
        return {k: v for k, v in pairs.items() if v is not None}
    return None
