"""The secrets file: client secrets and secret variables, never in a collection.

A TOML file, mode 0600, in the 0700 private directory:

    [client_secrets]
    "<client id>" = "<client secret>"

    [variables.<environment>]
    amt = "..."
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from tui.core import paths
from tui.core.atomic import atomic_write_text
from tui.core.errors import CarmanError

SECRET_MODE = 0o600


class SecretsStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.secrets_file()

    def _read(self) -> dict[str, Any]:
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CarmanError(f"{self.path}: the secrets file is damaged ({exc})") from exc
        # Why: a hand-edited ``client_secrets = "..."`` used to raise AttributeError deep in
        # every reader; a wrong shape is damage like a syntax error, reported the same way.
        tables = [data.get("client_secrets", {}), data.get("variables", {})]
        tables += list(tables[1].values()) if isinstance(tables[1], dict) else []
        if not all(isinstance(table, dict) for table in tables):
            raise CarmanError(
                f"{self.path}: the secrets file is damaged ([client_secrets] and "
                "[variables.<environment>] must be tables)"
            )
        return data

    def _write(self, data: dict[str, Any]) -> None:
        if self.path == paths.secrets_file():
            paths.ensure_private_dir()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, tomli_w.dumps(data), mode=SECRET_MODE)
        os.chmod(self.path, SECRET_MODE)

    # -- client secrets --------------------------------------------------------------------
    def client_secret(self, client_id: str) -> str | None:
        value = self._read().get("client_secrets", {}).get(client_id)
        return value if isinstance(value, str) else None

    def set_client_secret(self, client_id: str, secret: str) -> None:
        data = self._read()
        data.setdefault("client_secrets", {})[client_id] = secret
        self._write(data)

    def forget_client_secret(self, client_id: str) -> None:
        data = self._read()
        if data.get("client_secrets", {}).pop(client_id, None) is not None:
            self._write(data)

    # -- secret variables ------------------------------------------------------------------
    def variables(self, environment: str) -> dict[str, str]:
        found = self._read().get("variables", {}).get(environment, {})
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    def set_variable(self, environment: str, name: str, value: str) -> None:
        data = self._read()
        data.setdefault("variables", {}).setdefault(environment, {})[name] = value
        self._write(data)

    def delete_variable(self, environment: str, name: str) -> None:
        data = self._read()
        if data.get("variables", {}).get(environment, {}).pop(name, None) is not None:
            self._write(data)

    def all_values(self) -> set[str]:
        """Every secret value, for scanners and redaction."""
        data = self._read()
        values = {v for v in data.get("client_secrets", {}).values() if isinstance(v, str)}
        for env in data.get("variables", {}).values():
            if isinstance(env, dict):
                values |= {v for v in env.values() if isinstance(v, str)}
        return values
