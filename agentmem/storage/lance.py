"""The vector store: one LanceDB table (async API) with the vector, the content and the
filter columns, a full-text index for hybrid search, scalar indexes on the scope columns,
periodic compaction and an ANN index once the table is large enough to need one.

:class:`VectorStore` composes the parts, each with one job: table.py (schema, Arrow rows,
errors, open and migration), commits.py (group commit), versions.py (other writers'
commits), scopes.py with warm.py (in-memory scope blocks, built from the rows written to a
store that was empty at open, else loaded ahead by the warm-up), upkeep.py (when compaction
and index upkeep run) with upkeep_worker.py (the lower-priority process they run in);
write_behind.py owns the write-behind protocol.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import lancedb
import numpy as np
import pyarrow as pa

from ..config import is_uri, redact_secrets, redact_url
from ..errors import VectorStoreError
from . import queries
from .base import NewMemory
from .commits import CommitQueue
from .filters import in_filters
from .scopes import ScopeIndex, ScopeKey
from .table import (
    FTS_COLUMN,
    TABLE,
    connect_options,
    describe,
    fts_config,
    guard,
    has_vector_index,
    ivf_pq,
    list_tables,
    open_guard,
    open_table,
    schema,
    session,
    to_arrow,
    upkeep_facts,
)
from .upkeep import Upkeep, UpkeepPolicy, UpkeepProcess
from .versions import Versions
from .warm import WARM_DELAY_S, Warmer

__all__ = ["FTS_COLUMN", "TABLE", "VectorStore", "fts_config", "schema", "to_arrow"]

log = logging.getLogger(__name__)
T = TypeVar("T")


class VectorStore:
    """The LanceDB side of a Memory."""

    def __init__(
        self,
        db: Any,
        table: Any,
        dim: int,
        *,
        compact_every: int,
        ann_min_rows: int,
        retention_s: float = 30.0,
        upkeep: bool = True,
        lease: Callable[[str, str, float], Awaitable[bool]] | None = None,
        release_lease: Callable[[str, str], Awaitable[None]] | None = None,
        uri: str = "",
        scan_budget_bytes: int = 1 << 30,
        connect_opts: Mapping[str, str] | None = None,
        upkeep_process: bool = True,
    ) -> None:
        self.db = db
        self.uri = uri
        self._connect_opts = dict(connect_opts or {})
        # Background rounds run in a child process at a lower CPU priority (upkeep.py,
        # upkeep_worker.py); ``optimize()`` runs here, for a caller that waits for it.
        self._worker = UpkeepProcess() if upkeep_process and uri else None
        self._view: Any = None  # a second handle, moved to the latest version to read upkeep facts
        self.table = table
        self.dim = dim
        self.compact_every = compact_every
        self.ann_min_rows = ann_min_rows
        self.retention_s = retention_s
        self._maintenance = asyncio.Lock()
        self._closed = False
        self._cleaned_version = 0  # the table version at the last cleanup of old versions
        # The one owner of compaction, index updates, the ANN build and version cleanup;
        # writers only kick it. ``compact_every`` is how many small fragments make a round due.
        self.upkeep = Upkeep(
            self,
            UpkeepPolicy(small_fragments=compact_every, ann_min_rows=ann_min_rows),
            lease=lease,
            lease_name=f"upkeep:{uri or id(self)}",
            release=release_lease,
        )
        if upkeep:
            self.upkeep.start()
        self.scan = scan_budget_bytes > 0
        # Scope-only searches are answered exactly from in-memory blocks (scopes.py), read
        # by the warmer's loader; the version tracker keeps them current with other writers.
        self.scopes = ScopeIndex(lambda key: self._warmer.load_scope(key, self.scopes.max_rows),
                                 budget_bytes=scan_budget_bytes)
        self.versions = Versions(db, lambda: self.table, self.scopes, dim)
        self._warmer = Warmer(lambda: self.table, self.scopes, self.versions.lock, dim, enabled=self.scan)
        self.queue = CommitQueue(dim, self._append, added=self.scopes.added, appended=self._appended)

    # --- what other parts and callers read ------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def behind_rows(self) -> int:
        """Rows appended behind their add (write_behind.py)."""
        return self.queue.behind_rows

    @property
    def foreign_rows(self) -> int:
        """Rows of other processes added to the scope blocks (versions.py)."""
        return self.versions.foreign_rows

    # --- open ------------------------------------------------------------------------------

    @classmethod
    async def probe(cls, uri: str, storage_options: Mapping[str, str] | None = None) -> None:
        """Reach the object store and list its tables without writing anything; a typed
        error naming the setting (vectors_uri / storage_options) if that fails."""
        opts = connect_options(uri, storage_options)
        await open_guard(uri, storage_options, lambda: list_tables(uri, opts))

    @classmethod
    async def open(
        cls,
        path: str | Path,
        dim: int,
        *,
        compact_every: int,
        ann_min_rows: int,
        retention_s: float = 30.0,
        upkeep: bool = True,
        lease: Callable[[str, str, float], Awaitable[bool]] | None = None,
        release_lease: Callable[[str, str], Awaitable[None]] | None = None,
        scan_budget_bytes: int = 1 << 30,
        storage_options: Mapping[str, str] | None = None,
        upkeep_process: bool = True,
    ) -> VectorStore:
        """Open (or create) the table at ``path``: a local folder or an object-store URI
        (``s3://bucket/prefix``, with ``storage_options`` for LanceDB); ``upkeep=False``
        leaves all upkeep to ``optimize()``; ``scan_budget_bytes=0`` sends every search to
        LanceDB (no in-memory scope blocks); ``upkeep_process=False`` runs background rounds
        in this process (else in a child process at a lower CPU priority)."""
        uri = str(path)
        if not is_uri(uri):
            local = Path(uri).expanduser()
            local.mkdir(parents=True, exist_ok=True)
            uri = str(local.resolve())
        opts = connect_options(uri, storage_options)
        db = await open_guard(
            uri, storage_options, lambda: lancedb.connect_async(uri, storage_options=opts, session=session())
        )
        table = await open_guard(uri, storage_options, lambda: open_table(db, dim))
        store = cls(db, table, dim, compact_every=compact_every, ann_min_rows=ann_min_rows,
                    retention_s=retention_s, upkeep=upkeep, lease=lease, release_lease=release_lease, uri=uri,
                    scan_budget_bytes=scan_budget_bytes, connect_opts=opts, upkeep_process=upkeep_process)
        await store.versions.start()
        if store.versions.rows:
            store.warm()
        elif store.scan:
            store.scopes.start_fresh()  # every user's block is built from the rows written here
        return store

    # --- writes --------------------------------------------------------------------------

    async def add(self, items: Sequence[NewMemory], vectors: np.ndarray) -> float:
        """Append rows; returns this caller's share (by rows) of the append's seconds.

        Concurrent calls are merged into one append (group commit, commits.py). A caller
        returns once the append holding its rows has committed; if that append fails, every
        caller in it gets the error and nothing of theirs was written (an append is atomic).
        """
        return await self.queue.add(items, vectors)

    async def flush(self) -> None:
        """Wait until every queued append, written-behind rows included, has committed."""
        await self.queue.flush()

    async def _append(self, data: pa.Table) -> None:
        async with self.versions.lock:  # a version check never sees it half-recorded
            result = await guard("append", lambda: self.table.add(data))
            self.versions.own(result, rows=data.num_rows)

    def _appended(self, rows: int) -> None:
        # Upkeep is not run here: writers only kick the background task (upkeep.py).
        self.upkeep.kick(rows)
        self._warmer.appended(rows)

    async def upsert(self, items: Sequence[NewMemory], vectors: np.ndarray) -> None:
        """Insert or replace rows by id (one atomic merge)."""
        if not items:
            return
        await self.flush()
        data = to_arrow(items, vectors, self.dim)
        # Merged on the latest version: on an older one, another process's replacement of the
        # same row is not seen and the merge leaves that process's row in place of this one.
        await self.versions.check_now()
        self.scopes.drop_all()
        try:
            async with self.versions.lock:
                res = await guard(
                    "merge",
                    lambda: self.table.merge_insert("id").when_matched_update_all().when_not_matched_insert_all().execute(data),
                )
                self.versions.own(
                    res, rows=int(getattr(res, "num_inserted_rows", 0) or 0) - int(getattr(res, "num_deleted_rows", 0) or 0)
                )
        finally:
            self.scopes.drop_all()

    async def delete_ids(self, ids: Sequence[str]) -> None:
        await self.flush()
        self.scopes.drop_all()
        try:
            for where in in_filters("id", ids):
                async with self.versions.lock:
                    res = await guard("delete", lambda w=where: self.table.delete(w))
                    self.versions.own(res, rows=-int(getattr(res, "num_deleted_rows", 0) or 0))
        finally:
            self.scopes.drop_all()

    async def reset(self) -> None:
        await self.flush()
        async with self._maintenance:
            self.scopes.drop_all()
            await guard("drop table", lambda: self.db.drop_table(TABLE))
            self.table = await open_table(self.db, self.dim)
            self._view = None
            self._cleaned_version = 0
            await self.versions.reset()
            if self.scan:
                self.scopes.start_fresh()

    # --- warm-up -------------------------------------------------------------------------

    def warm(self, delay_s: float = WARM_DELAY_S) -> None:
        """Load every user's block in the background (warm.py); a no-op while it runs."""
        self._warmer.warm(delay_s)

    async def wait_warm(self) -> float:
        """Wait for a warm-up in progress (if any) to finish; returns the seconds it took.
        A benchmark calls this after reopening a store, so what it times next is not the
        reopen's loads."""
        return await self._warmer.wait()

    # --- reads ---------------------------------------------------------------------------

    async def search_vector(
        self, vector: np.ndarray, where: str | None, limit: int, scope: ScopeKey | None = None, *, lazy: bool = False,
        center: float = 0.0,
    ) -> list[dict[str, Any]]:
        """Nearest rows by cosine; ``scope`` (the same filter as ``where``, when it is
        scope-only) lets the in-memory block answer exactly. ``lazy``: a block's rows come
        as id, score and a reference; :meth:`materialize` completes them. ``center``: the
        cosine after that share of the scope's mean vector is taken out (``ScopeIndex.vector``;
        a block only: LanceDB's index scores plain cosine)."""
        self.upkeep.touch()
        if scope is not None and self.scan:
            await self.versions.check()
            blk = await self.scopes.block(scope)
            if blk is not None:
                return self.scopes.vector(blk, vector, limit, lazy, center=center)
        await self.flush()

        return await self._read(lambda: queries.nearest(self.table, vector, where, limit))

    async def search_fts(
        self, text: str, where: str | None, limit: int, scope: ScopeKey | None = None, *, lazy: bool = False,
        turns: float = 0.0,
    ) -> list[dict[str, Any]]:
        """BM25 over ``search_text`` as a fraction of what the query's terms could reach
        (``scopes.bm25_reach``), so scores are in [0, 1] on both paths. A scope-only filter
        is answered from its block (each term's IDF the smaller of the scope's and the
        loaded blocks', and ``turns``: evidence from the rows stored just before,
        ``ScopeIndex.fts``); other filters go to LanceDB's index, whose statistics are the
        table's (``turns`` does not apply there).
        ``lazy`` as in :meth:`search_vector`."""
        self.upkeep.touch()
        if scope is not None and self.scan:
            await self.versions.check()
            blk = await self.scopes.block(scope)
            if blk is not None:
                return self.scopes.fts(blk, text, limit, lazy=lazy, turns=turns)
        await self.flush()

        return await self._read(lambda: queries.full_text(self.table, text, where, limit, rows=self.versions.rows))

    def scope_rows(self, scope: ScopeKey | None) -> int | None:
        """How many memories a scope-only search just scored (its block's rows), or None
        (other filters, or a scope too large for a block)."""
        return None if scope is None else self.scopes.rows_of(scope)

    @staticmethod
    def materialize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Whole rows for the lazy rows of a search (see ``ScopeIndex.materialize``)."""
        return ScopeIndex.materialize(rows)

    async def rows(self, ids: Sequence[str], columns: Sequence[str]) -> list[dict[str, Any]]:
        await self.flush()
        return await self._read(lambda: queries.rows(self.table, ids, columns))

    async def refresh(self) -> None:
        """See writes made through other handles (another process, a repair tool), and
        this process's written-behind rows."""
        await self.flush()
        self.scopes.last_check = 0.0
        await self.versions.check()

    def id_hash_batches(self, after: str | None, upto: str | None, batch_rows: int = 8192) -> AsyncIterator[pa.RecordBatch]:
        """(id, hash) of the rows with ``after < id <= upto``, a batch at a time (``queries.id_hash_batches``)."""
        return queries.id_hash_batches(self.table, after, upto, batch_rows)

    async def rows_of(self, ids: Sequence[str], columns: Sequence[str]) -> pa.Table:
        """``columns`` (``id`` first) of these ids as Arrow, in no particular order (absent ids
        are absent): one page of an export, without a Python object per value."""
        return await self._read(lambda: queries.rows_of(self.table, ids, columns, schema(self.dim)))

    async def select(self, where: str | None, columns: Sequence[str]) -> pa.Table:
        """``columns`` of every row matching ``where`` (a ``to_lance`` filter; None: every
        row) as Arrow, in no particular order: the reads of a store kept without records."""
        await self.flush()

        def read() -> Awaitable[pa.Table]:
            q = self.table.query().select(list(columns))
            if where:
                q = q.where(where)
            return guard("read", lambda: q.to_arrow())

        return await self._read(read)

    async def hashes(self, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
        await self.flush()
        return await self._read(lambda: queries.hashes(self.table, hashes))

    async def count(self, where: str | None = None) -> int:
        await self.flush()
        return int(await self._read(lambda: guard("count", lambda: self.table.count_rows(where))))

    # --- upkeep --------------------------------------------------------------------------

    async def compact(self) -> None:
        """Merge small fragments, fold new rows into the indexes, drop versions older than
        ``retention_s`` (their files are what makes the disk grow past the data's size).

        Called by the upkeep task (and ``optimize()``), never by a writer.
        """
        async with self._maintenance:
            await self.versions.own_span(lambda: guard(
                "optimize", lambda: self.table.optimize(cleanup_older_than=timedelta(seconds=self.retention_s))
            ))
            self._cleaned_version = int(await guard("version", lambda: self.table.version()))

    async def optimize(self) -> dict[str, Any]:
        """Compact, update indexes, and build the ANN index if the table has grown enough."""
        await self.flush()
        await self.compact()
        built = await self.maybe_build_ann()
        return {"rows": await self.count(), "ann_index_built": built, **await self.info()}

    async def upkeep_round(self, ann: bool, rows: int) -> None:
        """One background round in the upkeep process: compaction, the cleanup of versions
        older than ``retention_s``, index updates and the ANN build when ``ann`` (this
        process then moves to the round's last version). In this process when there is no
        upkeep process."""
        if self._worker is None:
            await self.compact()
            if ann:
                await self.maybe_build_ann()
            return
        request: dict[str, Any] = {"op": "round", "uri": self.uri, "table": TABLE, "storage_options": self._connect_opts,
                                   "retention_s": self.retention_s, "ann": None}
        if ann:
            config, partitions = ivf_pq(rows, self.dim)
            request["ann"] = {"partitions": partitions, "sub_vectors": config.num_sub_vectors,
                              "max_iterations": config.max_iterations, "sample_rate": config.sample_rate}
        async with self._maintenance:
            await self.versions.check_now()  # the version this process reads is the latest one
            done = await self.versions.upkeep_span(lambda started: self._worker_call(request, started),
                                                   self._latest_version)
            self._cleaned_version = int(done["done"])
            await self.versions.check_now()  # this process reads the round's version from here on

    async def _read(self, call: Callable[[], Awaitable[T]]) -> T:
        """A read of this process's handle. The upkeep process's cleanup may remove the files
        of the version this handle is at (older than ``retention_s``, replaced by the round's
        compaction) before this process has moved past it: such a read is tried once more
        from the latest version."""
        try:
            return await call()
        except VectorStoreError:
            if self._worker is None:
                raise
            await self.versions.check_now()
            return await call()

    async def _worker_call(self, request: dict[str, Any], started: Callable[[int], None]) -> dict[str, Any]:
        assert self._worker is not None
        try:
            return await self._worker.call(request, started)
        except RuntimeError as exc:
            text = redact_secrets(str(exc), self._connect_opts).replace(self.uri, redact_url(self.uri))
            raise VectorStoreError(text) from None

    async def _latest(self) -> Any:
        """A handle at the table's latest version (the upkeep process commits beside this
        process's handle, which moves only on a version check)."""
        if self._view is None:
            self._view = await guard("open table", lambda: self.db.open_table(TABLE))
        view = self._view
        await guard("refresh", lambda: view.checkout_latest())
        return view

    async def _latest_version(self) -> int:
        view = await self._latest()
        return int(await guard("version", lambda: view.version()))

    async def needs(self) -> dict[str, Any]:
        """What the table would gain from upkeep: the facts the upkeep policy decides on."""
        facts = await upkeep_facts(await self._latest() if self._worker is not None else self.table)
        version = facts.pop("version")
        return {**facts, "versions_since_cleanup": max(0, version - self._cleaned_version)}

    async def maybe_build_ann(self) -> str | None:
        """Build an IVF_PQ vector index once the table reaches ``ann_min_rows``.

        Below that, a flat scan is exact and fast enough (LoCoMo's 2,760 rows search in a
        few ms); above it, the index keeps search time from growing with the table. Rows
        appended later are scanned flat until the next compaction folds them in.
        """
        rows = await self.count()
        if rows < self.ann_min_rows or await has_vector_index(self.table):
            return None
        config, partitions = ivf_pq(rows, self.dim)
        async with self._maintenance:
            await self.versions.own_span(lambda: guard("build ANN index", lambda: self.table.create_index("vector", config=config)))
        return f"IVF_PQ ({partitions} partitions)"

    @property
    def upkeep_pid(self) -> int | None:
        """The upkeep process's id while it runs (None: not started yet, or rounds run here)."""
        return None if self._worker is None else self._worker.pid

    async def info(self) -> dict[str, Any]:
        return {
            "upkeep": {**self.upkeep.stats(), "process": self._worker is not None, "process_pid": self.upkeep_pid},
            "scope_blocks": {**self.scopes.stats(), "foreign_rows": self.foreign_rows,
                             "warmed": self._warmer.warmed, "warm_seconds": round(self._warmer.seconds, 2)},
            "appends": self.queue.count,
            "append_seconds": round(self.queue.seconds, 3),
            "append_wait_seconds": round(self.queue.wait_seconds, 3),
            "behind_rows": self.queue.behind_rows,
            "behind_failed": self.queue.behind_failed,
            "queued_rows": self.queue.queued_rows,
            **await describe(await self._latest() if self._worker is not None else self.table),
        }

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._warmer.close()
        await self.scopes.close()
        await self.upkeep.stop()
        if self._worker is not None:
            await self._worker.close()
        await self.queue.close()
        await self.versions.close()
        try:
            self.table.close()
            if self._view is not None:
                self._view.close()
            self.db.close()
        except Exception:  # closing is best effort; LanceDB has flushed every committed write
            log.debug("closing LanceDB raised", exc_info=True)
