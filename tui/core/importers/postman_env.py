"""Postman environment (and globals) files -> a carman ``Environment``.

    {"name": "Sandbox", "values": [{"key": "api_url", "value": "...", "enabled": true,
                                    "type": "default" | "secret"}]}

Secret-typed or secret-named values go to ``report.secrets`` (the caller stores them in the
secrets file), never into the environment file. Live tokens are dropped altogether: a stored
``access_token`` would also hide the fresh one carman's login provides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.core.importers.coerce import as_bool, as_dict, as_list, as_text, kind_of
from tui.core.importers.credentials import is_literal, is_template, looks_like_token, looks_secret
from tui.core.importers.jsonfile import load_json, parse_json
from tui.core.importers.report import VARIABLE, ImportFailed, ImportReport
from tui.core.model import Environment

MAX_VALUES = 100_000


def import_postman_environment_file(path: Path, name: str = "") -> tuple[Environment, ImportReport]:
    source = "standard input" if str(path) == "-" else str(path)
    default = "" if source == "standard input" else Path(path).stem
    return import_postman_environment(load_json(Path(path)), source, name or "", default)


def import_postman_environment_text(
    text: str, source: str = "input", name: str = ""
) -> tuple[Environment, ImportReport]:
    return import_postman_environment(parse_json(text, source), source, name)


def _check_shape(data: Any, source: str) -> dict[str, Any]:
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        return data
    if isinstance(data, dict) and "info" in data and "item" in data:
        what = "a Postman collection (import it with: carman import postman FILE)"
    elif isinstance(data, dict) and "values" in data:
        what = f"an object whose 'values' is {kind_of(data['values'])}, not a list"
    elif isinstance(data, dict):
        keys = ", ".join(sorted(str(key) for key in data)[:8]) or "none"
        what = f"a JSON object without 'values' (top-level keys: {keys})"
    elif isinstance(data, list):
        what = "a JSON list"
    else:
        what = f"a JSON value ({kind_of(data)})"
    raise ImportFailed(f"{source}: not a Postman environment: this is {what}")


def import_postman_environment(
    data: Any, source: str = "input", name: str = "", default_name: str = ""
) -> tuple[Environment, ImportReport]:
    """``name`` overrides the file's own name; raise ImportFailed for unusable input."""
    root = _check_shape(data, source)
    report = ImportReport()
    env_name = name.strip() or as_text(root.get("name")).strip() or default_name
    env_name = env_name or ("globals" if root.get("_postman_variable_scope") == "globals" else "")
    if not env_name:
        raise ImportFailed(f"{source}: the environment has no name; give one with --name")
    env = Environment(name=env_name)
    values = as_list(root.get("values"), "", "values")
    if len(values) > MAX_VALUES:
        raise ImportFailed(f"{source}: more than {MAX_VALUES} values: not a real environment")
    for index, entry in enumerate(values):
        item = as_dict(entry, env_name, f"values[{index}]")
        key = as_text(item.get("key"))
        if not key.strip():
            report.warn(env_name, f"values[{index}] has no name; skipped")
            continue
        value = as_text(item.get("value"))
        secret_type = as_text(item.get("type")).strip().lower() == "secret"
        if not as_bool(item.get("enabled"), True):
            report.warn(env_name, f"{key}: disabled in Postman; not imported")
        elif looks_like_token(key) and not is_template(value):
            report.warn(
                env_name,
                f"{key}: "
                + (
                    "live token dropped (carman login gets a fresh one)"
                    if value
                    else "not imported (it would hide the token carman's login provides)"
                ),
            )
        elif (secret_type or looks_secret(key)) and is_literal(value):
            report.add_secret(VARIABLE, key, value, env_name)
            report.warn(env_name, f"{key}: secret value kept out of the environment file")
        else:
            env.variables[key] = value
    report.variables = len(env.variables) + len(report.secret_variables())
    return env, report
