"""Environments on disk (one TOML file each) and the session variables of each environment.

    <data>/environments/<name>.toml     name, description, [variables], [oauth2]
    <data>/sessions/<name>.toml         values captured from responses or edited by hand

Session variables whose names look secret (access_token, ...) go to the secrets file instead.
"""

from __future__ import annotations

from pathlib import Path

import tomli_w

from tui.core import paths
from tui.core.atomic import atomic_write_text
from tui.core.collection_io import slugify
from tui.core.errors import LoadIssue
from tui.core.masking import is_secret_name
from tui.core.model import Environment
from tui.core.secrets import SecretsStore
from tui.core.serialize import SchemaError, environment_from_dict, environment_to_dict
from tui.core.tomlfile import TomlFileError, line_of_key, read_toml


def load_environment_file(path: Path) -> Environment:
    """Raise TomlFileError (with file and line) for anything malformed."""
    data = read_toml(path)
    try:
        return environment_from_dict(data, path.stem)
    except SchemaError as exc:
        top = exc.field.split(".")[0].split("[")[0]
        raise TomlFileError(LoadIssue(path, str(exc), line_of_key(path, top))) from exc


def load_environments(directory: Path | None = None) -> tuple[list[Environment], list[LoadIssue]]:
    directory = directory or paths.environments_dir()
    found: list[Environment] = []
    issues: list[LoadIssue] = []
    if not directory.is_dir():
        return found, issues
    for path in sorted(directory.glob("*.toml")):
        try:
            found.append(load_environment_file(path))
        except TomlFileError as exc:
            issues.append(exc.issue)
    return found, issues


def save_environment(env: Environment, directory: Path | None = None) -> Path:
    if env.read_only:
        raise PermissionError(f"environment {env.name} is built in; copy it to edit")
    directory = directory or paths.environments_dir()
    path = directory / f"{slugify(env.name)}.toml"
    atomic_write_text(path, tomli_w.dumps(environment_to_dict(env), multiline_strings=True))
    return path


class SessionStore:
    """Persists the session layer per environment, secrets kept apart."""

    def __init__(self, directory: Path | None = None, secrets: SecretsStore | None = None) -> None:
        self.directory = directory or paths.data_dir() / "sessions"
        self.secrets = secrets or SecretsStore()

    def _path(self, environment: str) -> Path:
        return self.directory / f"{slugify(environment or 'none')}.toml"

    def load(self, environment: str) -> tuple[dict[str, str], list[LoadIssue]]:
        values: dict[str, str] = {}
        issues: list[LoadIssue] = []
        path = self._path(environment)
        if path.exists():
            try:
                data = read_toml(path)
            except TomlFileError as exc:
                issues.append(exc.issue)
                data = {}
            variables = data.get("variables", {})
            if isinstance(variables, dict):
                values.update({str(k): str(v) for k, v in variables.items()})
            else:
                # Why: ``variables = [..]`` used to raise AttributeError and stop carman starting.
                line = line_of_key(path, "variables")
                issues.append(LoadIssue(path, "variables: expected a table", line))
        values.update(self.secrets.variables(f"session:{environment}"))
        return values, issues

    def save(self, environment: str, values: dict[str, str]) -> None:
        plain = {k: v for k, v in values.items() if not is_secret_name(k)}
        secret = {k: v for k, v in values.items() if is_secret_name(k)}
        atomic_write_text(self._path(environment), tomli_w.dumps({"variables": plain}))
        scope = f"session:{environment}"
        stored = self.secrets.variables(scope)
        for name, value in secret.items():
            if stored.get(name) != value:
                self.secrets.set_variable(scope, name, value)
        for name in stored.keys() - secret.keys():
            self.secrets.delete_variable(scope, name)
