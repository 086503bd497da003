"""The search of the history database, for exchanges and for webhook events alike.

Every word must match. A word of three characters or more is looked up in the table's search
index (FTS5 trigrams, or a LIKE over its text table where SQLite has no FTS5); a shorter word
cannot use trigrams and is matched against a few summary columns instead. ``%``, ``_`` and
``\\`` in a word are literal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MIN_INDEXED_TERM = 3  # trigrams: shorter words match the summary columns only


@dataclass(frozen=True)
class SearchTables:
    """Where one kind of record lives: its table (aliased ``e``), its FTS5 and LIKE search
    tables (rowid / id = ``e.id``), and the columns a short word is matched against."""

    table: str
    fts_table: str
    like_table: str
    short_columns: tuple[str, ...]


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def fts_phrase(term: str) -> str:
    # A quoted string is a phrase of trigrams: a case-insensitive substring match.
    return '"' + term.replace('"', '""') + '"'


def search_query(
    text: str,
    tables: SearchTables,
    columns: str,
    backend: str,
    *,
    where: Sequence[str] = (),
    limit: int = 100,
    offset: int = 0,
) -> tuple[str, list[Any]]:
    """The SELECT of ``columns`` for the records matching every word of ``text`` (and the
    ``where`` conditions), newest first, and its parameters."""
    # Why: a NUL ends an FTS5 query string ("unterminated string"); it is never a word.
    terms = text.replace("\x00", " ").split()
    long = [t for t in terms if len(t) >= MIN_INDEXED_TERM]
    short = [t for t in terms if len(t) < MIN_INDEXED_TERM]
    conditions: list[str] = []
    params: list[Any] = []
    for term in short:
        alternatives = " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in tables.short_columns)
        conditions.append(f"({alternatives})")
        params += [like_pattern(term)] * len(tables.short_columns)
    conditions += where
    if long and backend == "fts5":
        # CROSS JOIN keeps the index outermost: it yields rowids newest first and the LIMIT
        # stops it early, even when a word matches every record.
        fts = tables.fts_table
        sql = (
            f"SELECT {columns} FROM {fts} f CROSS JOIN {tables.table} e"
            f" ON e.id = f.rowid WHERE {fts} MATCH ?"
            + "".join(f" AND {c}" for c in conditions)
            + " ORDER BY f.rowid DESC LIMIT ? OFFSET ?"
        )
        params = [" AND ".join(fts_phrase(t) for t in long), *params]
    else:
        source = f"{tables.table} e"
        if long:
            conditions += ["s.text LIKE ? ESCAPE '\\'" for _ in long]
            params += [like_pattern(t) for t in long]
            source += f" JOIN {tables.like_table} s ON s.id = e.id"
        condition = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        sql = f"SELECT {columns} FROM {source}{condition} ORDER BY e.id DESC LIMIT ? OFFSET ?"
    return sql, [*params, max(0, limit), max(0, offset)]
