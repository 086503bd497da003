"""Error values that name what was wrong and where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LoadIssue:
    """A file that could not be (fully) loaded: the path, the line when known, and why."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class CarmanError(Exception):
    """A problem to show the user as it is: the message already says what and where."""


class UnresolvedVariables(CarmanError):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        listed = ", ".join(f"{{{{{name}}}}}" for name in names)
        super().__init__(f"Unresolved variable{'s' if len(names) > 1 else ''}: {listed}")
