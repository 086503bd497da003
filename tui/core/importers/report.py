"""What an import found: counts, warnings naming the item, and secrets kept apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.core.errors import CarmanError


class ImportFailed(CarmanError):
    """The input cannot be imported at all; nothing was written. The message says why."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class ImportWarning:
    """Something that was not imported as it was: ``where`` is ``Folder/Sub/Request``."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where or '(collection)'}: {self.message}"


# ImportedSecret.kind values
CLIENT_SECRET = "client_secret"  # name is the OAuth2 client id it belongs to
VARIABLE = "variable"  # name is the variable that now refers to it: {{name}}


@dataclass(frozen=True)
class ImportedSecret:
    """A secret taken out of the imported data; the caller decides where to keep it.

    Never written into a collection or environment file. Live tokens are not even kept here:
    they are dropped outright.
    """

    kind: str  # CLIENT_SECRET or VARIABLE
    name: str
    value: str
    where: str = ""

    def __repr__(self) -> str:  # never print the value by accident
        return f"ImportedSecret(kind={self.kind!r}, name={self.name!r}, where={self.where!r})"


@dataclass
class ImportReport:
    warnings: list[ImportWarning] = field(default_factory=list)
    secrets: list[ImportedSecret] = field(default_factory=list)
    folders: int = 0
    requests: int = 0
    variables: int = 0
    captures: int = 0

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(ImportWarning(where, message))

    def add_secret(self, kind: str, name: str, value: str, where: str = "") -> str:
        """Keep a secret apart; returns the name it is known by (unique per value)."""
        if kind == VARIABLE:
            name = self._free_variable_name(name, value)
        if not any(s.kind == kind and s.name == name for s in self.secrets):
            self.secrets.append(ImportedSecret(kind, name, value, where))
        return name

    def _free_variable_name(self, name: str, value: str) -> str:
        # The same name with another value gets a suffix so neither value is lost.
        taken = {s.name: s.value for s in self.secrets if s.kind == VARIABLE}
        candidate, counter = name, 2
        while candidate in taken and taken[candidate] != value:
            candidate = f"{name}_{counter}"
            counter += 1
        return candidate

    def secret_variables(self) -> dict[str, str]:
        return {s.name: s.value for s in self.secrets if s.kind == VARIABLE}

    def summary(self) -> str:
        parts = [
            _count(self.folders, "folder"),
            _count(self.requests, "request"),
            _count(self.variables, "variable"),
            _count(self.captures, "capture"),
        ]
        return ", ".join(parts)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
