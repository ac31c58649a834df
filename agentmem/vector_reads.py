"""The reads of a store kept without records (``persist_records=False``): the vector table
holds every memory's text, scope, type, metadata and creation time, so ``get``, ``get_all``,
``iter_all``, ``count``, ``delete`` and ``export`` read it there, with the records store's
read signatures.

Order is the records store's: newest first by ``created_at``; memories of one call (one
timestamp) by id, where the records store keeps their insertion order. The vector table
keeps no update time, so a memory's ``updated_at`` reads as its ``created_at``.

Without an index on ``created_at`` a page reads the matching rows' ids and times, then the
whole rows of the page only: fine at the sizes the records-off benchmark phase writes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .models import MemoryRecord
from .storage.filters import Condition, lance_literal, to_lance
from .storage.lance import VectorStore

__all__ = ["VectorReads"]

RECORD_COLUMNS = ["id", "content", "hash", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at"]
#: a cursor of a walk: (created_at in microseconds, id) of the last memory returned
Cursor = tuple[int, str]


def _record(row: dict[str, Any]) -> MemoryRecord:
    created = datetime.fromtimestamp(row["created_at"] / 1_000_000, tz=UTC)
    return MemoryRecord(
        id=row["id"], content=row["content"], hash=row["hash"], user_id=row["user_id"], agent_id=row["agent_id"],
        run_id=row["run_id"], memory_type=row["memory_type"], metadata=json.loads(row["metadata"] or "{}"),
        created_at=created, updated_at=created,
    )


def _and(*parts: str | None) -> str | None:
    kept = [f"({p})" for p in parts if p]
    return " AND ".join(kept) if kept else None


class VectorReads:
    """The records store's reads, answered from the vector table."""

    def __init__(self, vectors: VectorStore) -> None:
        self.vectors = vectors

    async def get(self, memory_id: str) -> MemoryRecord | None:
        rows = await self.vectors.rows([memory_id], RECORD_COLUMNS)
        return _record(rows[0]) if rows else None

    async def get_many(self, ids: Sequence[str]) -> list[MemoryRecord]:
        return [_record(r) for r in await self.vectors.rows(ids, RECORD_COLUMNS)]

    async def count(self, conds: list[Condition]) -> int:
        return await self.vectors.count(to_lance(conds))

    async def counts_by(self, column: str) -> dict[str, int]:
        if column not in ("user_id", "agent_id", "run_id", "memory_type"):
            raise ValueError(column)
        tbl = await self.vectors.select(None, [column])
        counts = pc.value_counts(tbl.column(column).combine_chunks()).to_pylist()
        ordered = sorted(counts, key=lambda c: -c["counts"])
        return {("" if c["values"] is None else c["values"]): int(c["counts"]) for c in ordered}

    async def ids(self, conds: list[Condition]) -> list[str]:
        return (await self.vectors.select(to_lance(conds), ["id"])).column("id").to_pylist()

    async def list(self, conds: list[Condition], *, limit: int, offset: int) -> list[MemoryRecord]:
        keys = await self._keys(to_lance(conds), newest_first=True)
        return await self._rows(keys.column("id").slice(offset, limit).to_pylist())

    async def page(
        self, conds: list[Condition], *, after: Cursor | None, limit: int, newest_first: bool = True
    ) -> tuple[list[MemoryRecord], Cursor | None]:
        """One page of a walk and the cursor of the next (None once done): keyset on
        (created_at, id), so a memory present for the whole walk comes exactly once."""
        where = to_lance(conds)
        if after is not None:
            micros, last = after
            op = "<" if newest_first else ">"
            where = _and(where, f"created_at {op} {int(micros)} OR (created_at = {int(micros)} "
                                f"AND id {op} {lance_literal(last)})")
        keys = (await self._keys(where, newest_first=newest_first)).slice(0, limit)
        page = await self._rows(keys.column("id").to_pylist())
        if keys.num_rows < limit:
            return page, None
        return page, (int(keys.column("created_at")[-1].as_py()), keys.column("id")[-1].as_py())

    async def _keys(self, where: str | None, *, newest_first: bool) -> pa.Table:
        """(id, created_at) of the matching rows in walk order."""
        tbl = await self.vectors.select(where, ["id", "created_at"])
        order = "descending" if newest_first else "ascending"
        return tbl.take(pc.sort_indices(tbl, sort_keys=[("created_at", order), ("id", order)]))

    async def _rows(self, ids: list[str]) -> list[MemoryRecord]:
        """The whole records of ``ids``, in that order (an id deleted meanwhile is left out)."""
        if not ids:
            return []
        found = {r["id"]: r for r in await self.vectors.rows(ids, RECORD_COLUMNS)}
        return [_record(found[i]) for i in ids if i in found]
