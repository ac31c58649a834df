"""Version tracking of other writers: noticing another process's commits to the shared
LanceDB table and keeping this process's scope blocks right.

Every write of this process records the version it committed (:meth:`Versions.own`); an
upkeep call records the span of versions committed while it ran (:meth:`Versions.own_span`:
compaction and index builds keep the rows as they are). A check (:meth:`Versions.check`,
run beside the searches) moves to the table's latest version; any version in between that
is neither this process's write nor its upkeep's is another process's write, and :meth:`Versions.apply`
reads back what it wrote: appended rows join the loaded blocks they belong to, updates and
deletes drop the blocks they touch. When that cannot be told (version metadata cleaned
up before it was seen, or more than ``FOREIGN_READ_MAX`` rows), every block is dropped:
blocks reload on their next search, so the cost is a load, never a wrong answer.

:attr:`Versions.lock` orders a check against this process's writes being recorded and
against block loads, which read the same table handle.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa

from ..errors import VectorStoreError
from .scopes import ScopeIndex
from .table import BLOCK_COLUMNS, TABLE, block_rows, guard, guard_retried

__all__ = ["FOREIGN_READ_MAX", "Versions"]

log = logging.getLogger(__name__)
T = TypeVar("T")
# Rows of other processes read back per version check at most; more drop the scope blocks
# (they reload on their next search, cheaper than adding a bulk import row by row).
FOREIGN_READ_MAX = 50_000


class Versions:
    """The versions of one table handle this process has seen, and which were its own."""

    def __init__(self, db: Any, table: Callable[[], Any], scopes: ScopeIndex, dim: int) -> None:
        self._db = db
        self._table = table  # the store's current handle (a reset opens a new one)
        self._scopes = scopes
        self._dim = dim
        self.lock = asyncio.Lock()
        self.known = -1  # the latest version seen
        self.rows = 0  # the row count as of the last check, plus this process's changes since
        self.foreign_rows = 0  # rows of other processes added to the scope blocks
        # Versions this process committed: any other one seen on a check is another
        # process's write, read into the loaded blocks (apply).
        self._own: set[int] = set()
        self._upkeep: set[int] = set()  # committed while this process's upkeep ran (see own_span)
        self._upkeep_from: int | None = None  # the version before an upkeep call still under way
        self._meta: dict[int, dict[str, Any]] = {}  # version metadata kept from the last check
        self._task: asyncio.Future[None] | None = None
        self._started = 0.0

    async def start(self) -> None:
        """Take the table as it is now as seen (on open)."""
        table = self._table()
        self.known = int(await guard("version", lambda: table.version()))
        self.rows = int(await guard("count", lambda: table.count_rows()))

    async def reset(self) -> None:
        """Forget every version (the table was dropped and created again)."""
        self._own.clear()
        self._upkeep.clear()
        self.known = int(await guard("version", lambda: self._table().version()))
        self.rows = 0

    def own(self, result: Any, rows: int = 0) -> None:
        """Remember the version a write of this process committed (results of add/delete/merge) and
        how it changed the row count."""
        version = getattr(result, "version", None)
        if version is not None:
            self._own.add(int(version))
        self.rows += rows

    async def own_span(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run an upkeep call and remember the versions committed meanwhile: its own, or
        another process's commit landing inside the span (``check_now`` tells them apart
        by what each version wrote)."""
        table = self._table()
        before = int(await guard("version", lambda: table.version()))
        self._upkeep_from = before  # a check meanwhile sees versions the call has committed so far
        try:
            return await call()
        finally:
            self._upkeep_from = None
            after = int(await guard("version", lambda: table.version()))
            self._upkeep.update(range(before + 1, after + 1))

    async def upkeep_span(
        self, call: Callable[[Callable[[int], None]], Awaitable[dict[str, Any]]], latest: Callable[[], Awaitable[int]]
    ) -> dict[str, Any]:
        """As ``own_span``, for a round another process runs for this one (the upkeep
        process): ``call(started)`` reports the version it began from, and its answer's
        ``done`` the version it ended at; a call that failed midway counts every version up
        to ``latest()`` as its own."""
        span: dict[str, int] = {}

        def started(version: int) -> None:
            span["before"] = version
            self._upkeep_from = version  # a check meanwhile sees the round's versions so far

        after: int | None = None
        try:
            out = await call(started)
            after = int(out["done"])
            return out
        finally:
            self._upkeep_from = None
            if "before" in span:
                if after is None:
                    try:
                        after = await latest()
                    except Exception:  # unknown: a check then reads them as another process's
                        log.debug("reading the version after a failed upkeep round failed", exc_info=True)
                if after is not None:
                    self._upkeep.update(range(span["before"] + 1, after + 1))

    async def check(self) -> None:
        """Keep the loaded scope blocks current with other processes' commits without making
        searches wait: a check starts in the background once the last one began
        ``refresh_s``/2 ago, and a search waits only when no check has begun within
        ``refresh_s``. So another process's commit is found within ``refresh_s`` (plus the
        rest of a check under way: placing a foreign delete reads the table's row ids), and
        reading it costs searches nothing while they come often."""
        scopes = self._scopes
        refresh = scopes.refresh_s
        need = time.monotonic() - refresh  # a check begun after this must have finished
        if scopes.last_check >= need + refresh / 2:
            return
        task = self._task
        if task is not None and not task.done() and self._started >= need:
            return  # under way, and recent enough
        while True:
            if task is None or task.done():
                self._started = time.monotonic()
                task = self._task = asyncio.ensure_future(self._run())
                task.add_done_callback(lambda t: t.cancelled() or t.exception())  # logged in _run
            if scopes.last_check >= need:
                return
            await asyncio.shield(task)

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        start = time.monotonic()
        try:
            await self.check_now()
        except Exception:
            log.warning("checking for other processes' commits failed", exc_info=True)
            raise
        self._scopes.last_check = max(self._scopes.last_check, start)

    async def check_now(self) -> None:
        """Move to the latest version and bring the loaded blocks up to it (see the module
        docstring); drops every block when what changed cannot be told."""
        table = self._table()
        async with self.lock:  # never beside a write of this process being recorded, or a load
            await guard("refresh", lambda: table.checkout_latest())
            latest = int(await guard("version", lambda: table.version()))
            if latest == self.known:
                return
            known, self.known = self.known, latest
            # A version this process's writes did not record is another process's write, or a
            # commit of its own upkeep (which keeps the rows as they are, and reads as such below).
            foreign = {v for v in range(known + 1, latest + 1) if v not in self._own}
            upkeep = self._upkeep
            if self._upkeep_from is not None:  # an upkeep call under way: its versions so far
                upkeep = upkeep | set(range(self._upkeep_from + 1, latest + 1))
            upkeep_only = foreign <= upkeep
            self._own = {v for v in self._own if v > latest}
            self._upkeep = {v for v in self._upkeep if v > latest}
            if not self._scopes.loaded():
                self._meta.clear()
                return
            if upkeep_only and int(await guard("count", lambda: table.count_rows())) == self.rows:
                foreign = set()  # this process's upkeep rounds, and no rows came or went beside them
        try:
            kept = await self.apply(known, latest, foreign)
        except VectorStoreError:
            log.warning("reading another process's rows failed; dropping the scope blocks", exc_info=True)
            kept = False
        if not kept:
            log.info("scope blocks dropped: versions %d..%d hold writes this process did not make (%s)",
                     known + 1, latest, sorted(foreign)[:20])
            self._scopes.drop_all()
            self._scopes.foreign_drops += 1

    async def apply(self, known: int, latest: int, foreign: set[int]) -> bool:
        """Bring the loaded blocks up to ``latest`` by reading only what other processes
        wrote since ``known``; False when that cannot be told (the blocks are then dropped).

        Each version's metadata gives the rows it wrote to new fragments (appends, merges)
        and the rows it removed. A plain scan returns rows in fragment-list order; new
        fragments go to the end and compaction keeps the order, so the rows version v wrote
        are the live rows at a known distance from the end of the table (shifted towards
        the end by at most the rows removed in the span: that many more are read, and rows
        a block already holds are kept once). Appended rows are added to the blocks they
        belong to; a merge (an update) drops the blocks of the rows it wrote; a delete drops
        the blocks of the rows it removed (``_deleted_rows``)."""
        table = self._table()
        # (read whenever the version moved with blocks loaded, so the metadata of the
        # version last seen is kept here even once version cleanup has removed it)
        versions = await guard_retried("list versions", lambda: table.list_versions())
        self._meta.update({int(v["version"]): v.get("metadata") or {} for v in versions})
        meta, self._meta = self._meta, {v: m for v, m in self._meta.items() if v >= latest}
        if not foreign:
            return True
        if any(v not in meta for v in range(known, latest + 1)):
            return False  # cleaned up before this process saw it: not known what changed

        def num(v: int, key: str) -> int:
            return int(meta[v].get(key, 0) or 0)

        def same_files(v: int) -> bool:  # as many fragments, files and rows as the version before
            return {k: x for k, x in meta[v].items() if k != "total_files_size"} == {
                k: x for k, x in meta[v - 1].items() if k != "total_files_size"}

        wrote: dict[int, int] = {}
        removed: dict[int, int] = {}
        for v in range(known + 1, latest + 1):
            wrote[v] = max(num(v, "total_data_file_rows") - num(v - 1, "total_data_file_rows"), 0)
            removed[v] = max(wrote[v] - (num(v, "total_rows") - num(v - 1, "total_rows")), 0)
        end = num(latest, "total_rows")
        slack = sum(removed.values())
        reads: list[tuple[int, int, bool]] = []  # (offset, rows, replaces rows)
        after = 0
        deletes = []
        silent = []  # same files and rows as before: an index build, or rows rewritten in place
        for v in range(latest, known, -1):
            if v in foreign and removed[v] and not wrote[v]:
                deletes.append(v)
            elif v in foreign and not removed[v] and not wrote[v] and same_files(v):
                silent.append(v)
            if v in foreign and wrote[v]:
                lo = max(end - after - wrote[v], 0)
                reads.append((lo, min(end, end - after + slack) - lo, bool(removed[v])))
            after += wrote[v]
        self.rows = end
        if sum(n for _, n, _ in reads) + sum(removed[v] for v in deletes) > FOREIGN_READ_MAX:
            return False  # a bulk import or delete: blocks reload on their next search
        for v in deletes:
            self._scopes.drop_scopes_of(await self._deleted_rows(v))
        for v in silent:
            # An update of the only rows of a fragment replaces that fragment with one of the
            # same size: the counts do not move, but the rows' ids do.
            self._scopes.drop_scopes_of(await self._deleted_rows(v, written=True))
        for offset, n, replaces in reversed(reads):
            if n <= 0:
                continue
            tbl = await guard(
                "read new rows", lambda o=offset, k=n: table.query().offset(o).limit(k).select(BLOCK_COLUMNS).to_arrow()
            )
            cols, vecs, texts = block_rows(tbl, self._dim)
            if replaces:
                self._scopes.drop_scopes_of(cols)
                continue
            self.foreign_rows += self._scopes.added(cols, vecs, texts, known=True)
        return True

    async def _deleted_rows(self, version: int, *, written: bool = False) -> pa.Table:
        """The scope columns of the rows a delete-only ``version`` removed: it changed no
        fragment, only marked rows deleted, so its rows are the row ids live before it and
        not after (two scans of row ids only, then one read of those rows). ``written``:
        also the rows whose ids are live after it and not before (rows it rewrote)."""
        before = await guard("open table", lambda: self._db.open_table(TABLE))
        after = await guard("open table", lambda: self._db.open_table(TABLE))
        await guard("checkout", lambda: before.checkout(version - 1))
        await guard("checkout", lambda: after.checkout(version))
        ids = []
        for t in (before, after):
            tbl = await guard("read row ids", lambda t=t: t.query().select([]).with_row_id().to_arrow())
            ids.append(tbl.column("_rowid").to_numpy().astype(np.int64))
        # row ids are unique, which lets setdiff1d skip its general (much slower) uint64 path
        columns = ["id", "user_id", "agent_id", "run_id"]
        parts = [(before, np.setdiff1d(ids[0], ids[1], assume_unique=True))]
        if written:
            parts.append((after, np.setdiff1d(ids[1], ids[0], assume_unique=True)))
        found = [pa.table({c: pa.array([], pa.string()) for c in columns})]
        for handle, rows in parts:
            if not len(rows):
                continue
            where = f"_rowid IN ({', '.join(str(int(r)) for r in rows)})"
            found.append(await guard(
                "read changed rows", lambda h=handle, w=where: h.query().where(w).select(columns).to_arrow()
            ))
        return pa.concat_tables(found, promote_options="permissive")
