"""SQL building blocks shared by the libSQL modules: chunking, placeholders, multi-row inserts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["ROWS_PER_STATEMENT", "Stmt", "chunked", "in_list", "multi_insert"]

Stmt = tuple[str, Sequence[Any]]
# SQLite allows 32,766 bound values per statement; 400 rows x 10 columns stays well below.
ROWS_PER_STATEMENT = 400


def chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_list(values: Sequence[Any]) -> str:
    """``(?, ?, ...)`` with one placeholder per value."""
    return "(" + ", ".join("?" * len(values)) + ")"


def multi_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, verb: str = "INSERT") -> list[Stmt]:
    """``INSERT INTO table (cols) VALUES (?,..),(?,..)`` statements covering every row.

    ``table`` and ``columns`` come from this package's own constants, never from users.
    """
    row_sql = "(" + ", ".join("?" * len(columns)) + ")"
    stmts: list[Stmt] = []
    for chunk in chunked(rows, ROWS_PER_STATEMENT):
        sql = f"{verb} INTO {table} ({', '.join(columns)}) VALUES " + ", ".join([row_sql] * len(chunk))
        stmts.append((sql, [value for row in chunk for value in row]))
    return stmts
