"""Importers: Postman collections and environments, curl commands.

Each importer builds model objects fully in memory and returns them with an ``ImportReport``
(counts, warnings naming the item, secrets kept apart). Anything it cannot read raises
``ImportFailed`` with a message that says what was wrong and where. Submodules are imported
on first use so that startup stays fast.
"""

from __future__ import annotations

from tui.core.importers.report import ImportedSecret, ImportFailed, ImportReport, ImportWarning

__all__ = ["ImportFailed", "ImportReport", "ImportWarning", "ImportedSecret"]
