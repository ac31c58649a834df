"""The commit queue of a vector store: concurrent appends merged into one LanceDB append
(group commit).

Each LanceDB append writes a fragment and a new table version at a fixed cost; with
several batches in flight, one append for all of them is what keeps the store from being
the bottleneck. An entry is either a caller's (:meth:`CommitQueue.add`: the caller waits
for the append holding its rows, and gets its error if that append fails; an append is
atomic) or written behind (:meth:`CommitQueue.add_behind`: nobody waits; callbacks report
the commit or the failure, see write_behind.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .base import NewMemory
from .batch import Batch
from .table import RESULT_COLUMNS, to_arrow

__all__ = ["CommitQueue", "Entry"]


@dataclass
class Entry:
    """Rows waiting for the next append: a caller's future, or the callbacks of rows
    written behind (``committed(ids)`` once appended, ``failed(exc)`` if the append failed)."""

    items: Batch
    vectors: np.ndarray
    data: pa.Table  # the rows as the append writes them, built when queued
    queued: float
    future: asyncio.Future[float] | None = None
    committed: Callable[[list[str]], Awaitable[None]] | None = None
    failed: Callable[[BaseException], None] | None = None


class CommitQueue:
    """Group commit over ``append`` (one LanceDB append of an Arrow table).

    ``added(cols, vecs, texts)`` gets a caller's rows once appended, before the caller
    returns (a search right after an add finds them; rows written behind reached the scope
    blocks when they were queued). ``appended(rows)`` runs after every committed group.
    """

    def __init__(
        self,
        dim: int,
        append: Callable[[pa.Table], Awaitable[None]],
        *,
        added: Callable[[pa.Table, np.ndarray, list[str]], object],
        appended: Callable[[int], None],
    ) -> None:
        self.dim = dim
        self._append = append
        self._added = added
        self._appended = appended
        self._queue: list[Entry] = []
        self._flusher: asyncio.Future[None] | None = None
        self.count = 0  # appends committed
        self.seconds = 0.0  # spent in them
        self.wait_seconds = 0.0  # time rows waited in the queue
        self.behind_rows = 0  # rows queued behind their add
        self.behind_failed = 0  # entries written behind whose append failed

    @property
    def queued_rows(self) -> int:
        return sum(len(e.items) for e in self._queue)

    def _entry(self, items: Sequence[NewMemory], vectors: np.ndarray, **kw: object) -> Entry:
        # The Arrow rows are built here, when queued, not in the flusher: a caller's records
        # insert starts right after this returns, and its thread then runs beside the LanceDB
        # append instead of handing the GIL back and forth with this conversion.
        batch = Batch.of(items)
        return Entry(batch, vectors, to_arrow(batch, vectors, self.dim), time.perf_counter(), **kw)  # type: ignore[arg-type]

    async def add(self, items: Sequence[NewMemory], vectors: np.ndarray) -> float:
        """Queue rows and wait for the append holding them; returns this caller's share (by
        rows) of the append's seconds."""
        if not items:
            return 0.0
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._queue.append(self._entry(items, vectors, future=fut))
        self._start()
        return await fut

    def add_behind(
        self,
        items: Sequence[NewMemory],
        vectors: np.ndarray,
        committed: Callable[[list[str]], Awaitable[None]],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Queue rows for the next append without waiting for it."""
        self.behind_rows += len(items)
        self._queue.append(self._entry(items, vectors, committed=committed, failed=failed))
        self._start()

    def _start(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self.commit_all())

    async def flush(self) -> None:
        """Wait until every queued entry, written-behind rows included, has committed."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def close(self) -> None:
        """Let the append under way finish (its errors are the callers')."""
        if self._flusher is not None and not self._flusher.done():
            await asyncio.gather(self._flusher, return_exceptions=True)

    async def commit_all(self) -> None:
        """The flusher: append what is queued, a group at a time, until the queue is empty."""
        while self._queue:
            group, self._queue = self._queue, []
            start = time.perf_counter()
            self.wait_seconds += sum(start - e.queued for e in group)
            try:
                rows = sum(len(e.items) for e in group)
                data = group[0].data if len(group) == 1 else pa.concat_tables([e.data for e in group])
                if data.column(0).num_chunks > 64:  # many small adds: one batch for LanceDB
                    data = data.combine_chunks()
                await self._append(data)
                for e in group:
                    if e.committed is None:
                        self._added(e.data.select(RESULT_COLUMNS), e.vectors, e.items.search_texts)
            except BaseException as exc:
                for e in group:
                    if e.future is not None and not e.future.done():
                        e.future.set_exception(exc)
                    if e.failed is not None:
                        self.behind_failed += 1
                        e.failed(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            seconds = time.perf_counter() - start
            self.count += 1
            self.seconds += seconds
            for e in group:
                if e.future is not None and not e.future.done():
                    e.future.set_result(seconds * len(e.items) / rows)
                if e.committed is not None:
                    await e.committed(e.items.ids)
            self._appended(rows)
