"""Consistency of the two stores: the records store is the source of truth.

:func:`compare` lays both stores side by side one id range at a time, in bounded memory;
:func:`verify` counts what differs (vectors missing, orphaned or stale) and
:func:`repair` re-embeds missing and stale vectors from their records and removes
orphans. The orchestrator flushes every acknowledged write before either runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .models import VerifyReport
from .storage.base import NewMemory
from .storage.lance import VectorStore
from .storage.libsql import RecordStore
from .timing import StageClock

__all__ = ["RangeDiff", "compare", "repair", "verify"]


@dataclass(slots=True)
class RangeDiff:
    """How the two stores differ on one id range (see :func:`compare`)."""

    records: int
    vectors: int
    missing: list[str]
    orphans: list[str]
    stale: list[str]


async def compare(records: RecordStore, vectors: VectorStore, page: int) -> AsyncIterator[RangeDiff]:
    """Both stores side by side, one id range at a time, in bounded memory.

    The records store gives up to ``page`` (id, hash) pairs in id order; the vector store
    streams its rows of the same id range (after the previous page's last id, up to this
    page's last id; the last range is open), so every vector row falls in exactly one
    range. Neither store is read whole: memory stays flat at 1M memories.
    """
    after: str | None = None
    while True:
        rec_page = await records.id_hash_page(after, page)
        upto = rec_page[-1][0] if len(rec_page) == page else None
        rec = dict(rec_page)
        found: set[str] = set()
        orphans: set[str] = set()
        stale: set[str] = set()
        async for batch in vectors.id_hash_batches(after, upto):
            for i, h in zip(batch.column("id").to_pylist(), batch.column("hash").to_pylist()):
                want = rec.get(i)
                if want is None:
                    orphans.add(i)
                elif i in found or h != want:  # another text's vector, or the id stored twice
                    stale.add(i)
                found.add(i)
        yield RangeDiff(
            records=len(rec), vectors=len(found),
            missing=[i for i, _ in rec_page if i not in found], orphans=sorted(orphans), stale=sorted(stale),
        )
        if upto is None:
            return
        after = upto


async def verify(records: RecordStore, vectors: VectorStore, page: int) -> VerifyReport:
    """Exact counts of what differs, at most ``VerifyReport.LISTED`` ids listed per kind,
    in id order."""
    cap = VerifyReport.LISTED
    n_records = n_vectors = 0
    counts = {"missing": 0, "orphans": 0, "stale": 0}
    listed: dict[str, list[str]] = {k: [] for k in counts}
    async for diff in compare(records, vectors, page):
        n_records += diff.records
        n_vectors += diff.vectors
        for kind in counts:
            ids = getattr(diff, kind)
            counts[kind] += len(ids)
            listed[kind].extend(ids[: max(0, cap - len(listed[kind]))])
    return VerifyReport(
        records=n_records, vectors=n_vectors,
        missing_vectors=listed["missing"], orphan_vectors=listed["orphans"], stale_vectors=listed["stale"],
        **counts,
    )


async def repair(
    records: RecordStore,
    vectors: VectorStore,
    *,
    page: int,
    chunk: int,
    embed: Callable[[Sequence[str], StageClock], Awaitable[np.ndarray]],
    clock: StageClock,
) -> tuple[int, int]:
    """Make the vector store match the records store, one id range at a time; returns
    (memories re-embedded, orphans removed)."""
    reembedded = removed = 0
    async for diff in compare(records, vectors, page):
        if diff.stale:  # drop every copy first: an id stored twice comes back once
            with clock.stage("vectors"):
                await vectors.delete_ids(diff.stale)
        redo = diff.missing + diff.stale
        for start in range(0, len(redo), chunk):
            items = [NewMemory.from_record(r) for r in await records.get_many(redo[start : start + chunk])]
            vecs = await embed([m.content for m in items], clock)
            with clock.stage("vectors"):
                await vectors.upsert(items, vecs)
            reembedded += len(items)
        if diff.orphans:
            with clock.stage("vectors"):
                await vectors.delete_ids(diff.orphans)
            removed += len(diff.orphans)
    return reembedded, removed
