"""Warm-up of the scope blocks: every user's block loaded in the background after open
and after bulk appends, so a user's first search finds its block ready instead of paying
the load (one scalar-index query of that user's rows), and the loader a block reads its
rows with."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .filters import lance_literal
from .scopes import ScopeIndex, ScopeKey
from .table import BLOCK_COLUMNS, block_rows, guard

__all__ = ["WARM_AFTER_ROWS", "WARM_DELAY_S", "Warmer"]

log = logging.getLogger(__name__)
# seconds after open (or a bulk append) before the blocks of every user start loading
WARM_DELAY_S = 1.0
# rows appended since the last warm-up that start another one (a bulk ingest)
WARM_AFTER_ROWS = 1000


class Warmer:
    """Loads scope blocks ahead of their first search, and reads a block's rows."""

    def __init__(
        self, table: Callable[[], Any], scopes: ScopeIndex, lock: asyncio.Lock, dim: int, *, enabled: bool
    ) -> None:
        self._table = table  # the store's current handle (a reset opens a new one)
        self.scopes = scopes
        self._lock = lock  # Versions.lock: a load never runs beside a checkout of the same handle
        self._dim = dim
        self.enabled = enabled
        self.closed = False
        self._task: asyncio.Future[None] | None = None
        self.warmed = 0  # blocks loaded ahead of their first search
        self.seconds = 0.0  # how long the last warm-up took, from its start (delay included)
        self._unwarmed_rows = 0  # rows appended since the last warm-up started

    def warm(self, delay_s: float = WARM_DELAY_S) -> None:
        """Load every user's block in the background; a no-op while a warm-up runs."""
        if self.enabled and not self.closed and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._warm(delay_s))

    def appended(self, rows: int) -> None:
        """Rows were appended: a bulk ingest brings users no search has loaded yet."""
        self._unwarmed_rows += rows
        if self._unwarmed_rows >= WARM_AFTER_ROWS:
            self.warm()

    async def wait(self) -> float:
        """Wait for a warm-up in progress (if any) to finish; returns the seconds it took."""
        if self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
        return self.seconds

    async def close(self) -> None:
        self.closed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _warm(self, delay_s: float) -> None:
        """Load the blocks of the users no search has loaded yet, largest first, one at a
        time, while they fit in 90 % of the budget. A search never waits for it beyond one
        load in flight."""
        scopes = self.scopes
        began = time.perf_counter()
        try:
            await asyncio.sleep(delay_s)
            room = 0.9 * scopes.budget_bytes
            while True:
                self._unwarmed_rows = 0
                users = await guard("read users", lambda: self._table().query().select(["user_id"]).to_arrow())
                counts = pc.value_counts(users.column("user_id").combine_chunks()).to_pylist()
                order = sorted((c["counts"], c["values"]) for c in counts if c["values"] is not None)
                for n, user in reversed(order):
                    if self.closed or scopes.used_bytes() > room:
                        return
                    key: ScopeKey = (("user_id", user),)
                    if n > scopes.max_rows or scopes.loaded_key(key):
                        continue
                    await scopes.block(key)
                    self.warmed += 1
                    await asyncio.sleep(0)  # searches and writes go first
                if not self._unwarmed_rows:  # else users may have come meanwhile: look again
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # a cache: a failed warm-up only means loads on first search
            log.warning("loading scope blocks ahead failed", exc_info=True)
        finally:
            self.seconds = time.perf_counter() - began

    async def load_scope(self, key: ScopeKey, cap: int) -> tuple[pa.Table, np.ndarray, list[str]] | None:
        """One scope's rows for its in-memory block; None when it has more than ``cap``."""
        where = " AND ".join(f"{col} = {lance_literal(value)}" for col, value in key)
        table = self._table()
        async with self._lock:  # never beside a checkout_latest of the same handle
            tbl = await guard(
                "read scope",
                lambda: table.query().where(where).select(BLOCK_COLUMNS).limit(cap + 1).to_arrow(),
            )
        if tbl.num_rows > cap:
            return None
        return block_rows(tbl, self._dim)
