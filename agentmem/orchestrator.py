"""The async core behind the facades: embeds, writes both stores, reads, searches, and
times every stage of every call. The facades (memory.py) validate and convert; everything
they do to a store goes through :class:`Orchestrator`.

**Write path** of ``add_batch`` (the phases of the AgentMem plan are switches on it):

1. hash each text within its scope; repeats inside the batch, texts already stored and
   texts another in-flight call is adding all resolve to one id (event ``NOOP``);
2. cut the new memories into chunks of ``chunk_size``; embed chunk n+1 while chunk n
   is written (``pipeline``);
3. write each chunk's vectors (LanceDB) and records + history (libSQL, one transaction),
   at the same time (``concurrent_writes``) or one after the other;
4. if any write fails, undo every chunk of the call in both stores before raising, so a
   call either stored all its new memories or none.

**Write-behind** (the default for a single add, ``write_behind_rows``): the records
transaction also holds the vectors, the add returns when it commits, and the LanceDB
append follows in a group; storage/write_behind.py owns that protocol end to end.

**Embed-behind** (``embed_behind``, on top of write-behind): such an add returns before
its text is embedded; the embedding follows in the background a moment later, batched
with whatever else waits, or with the next search, which embeds the waiting memories
beside its query, so every search finds every add that returned. At most
``EMBED_BEHIND_MAX`` wait; ``flush()``, updates, deletes and close embed them first;
embed_behind.py states the protocol.

**Recovery** on open: the pending vectors a killed process had acknowledged are
appended (``recover``, storage/write_behind.py), embedded first where they never were.

**Consistency** (consistency.py): the records store is the source of truth. ``verify``
compares both stores one id range at a time in bounded memory; ``repair`` re-embeds
missing or stale vectors and removes orphans. Without records (``persist_records=False``)
the vector table is the only copy and every read uses it (vector_reads.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any, Protocol

import numpy as np

from . import consistency
from . import validation as v
from .config import MemoryConfig
from .embed_behind import EmbedBehind
from .errors import ConsistencyError, InvalidInputError, NotFoundError, RecordStoreError
from .fusion import fuse
from .models import (
    AddResult,
    CallTiming,
    CoreBlock,
    HistoryEvent,
    MemoryRecord,
    RepairReport,
    SearchHit,
    VerifyReport,
)
from .storage.base import NewMemory
from .storage.batch import Batch, micros
from .storage.filters import Condition, meta_kv, to_lance
from .storage.lance import VectorStore
from .storage.libsql import RecordStore
from .storage.scopes import scope_of
from .storage.write_behind import WriteBehind
from .timing import StageClock, timed_write
from .vector_reads import VectorReads

__all__ = ["Embedderlike", "Orchestrator", "StageClock"]

log = logging.getLogger(__name__)

TIMINGS_KEPT = 200_000
#: Rows per write of an add_batch with given vectors (one LanceDB append, one transaction).
GIVEN_CHUNK_ROWS = 65_536


class Embedderlike(Protocol):
    dim: int
    model_name: str

    async def embed(self, texts: Sequence[str]) -> np.ndarray: ...
    def stats(self) -> dict[str, Any]: ...
    def clear_cache(self) -> None: ...


def now() -> datetime:
    return datetime.now(timezone.utc)


def row_to_hit(row: dict[str, Any]) -> SearchHit:
    return SearchHit(
        id=row["id"],
        content=row["content"],
        score=float(row["score"]),
        user_id=row["user_id"],
        agent_id=row["agent_id"],
        run_id=row["run_id"],
        memory_type=row["memory_type"],
        metadata=json.loads(row["metadata"]) if row.get("metadata") else {},
        created_at=datetime.fromtimestamp(row["created_at"] / 1_000_000, tz=timezone.utc),
    )


class Orchestrator:
    """Owns the embedder, both stores and the call timings of one Memory."""

    def __init__(self, config: MemoryConfig, embedder: Embedderlike, vectors: VectorStore, records: RecordStore) -> None:
        self.config = config
        self.embedder = embedder
        self.vectors = vectors
        self.records = records
        # where memories are read: the records store, or the vector table when records are off
        self._reads: RecordStore | VectorReads = records if config.persist_records else VectorReads(vectors)
        self.timings: deque[CallTiming] = deque(maxlen=TIMINGS_KEPT)
        # hash -> the future of the in-flight call adding it (hash -> id once done)
        self._pending: dict[str, asyncio.Future[dict[str, str]]] = {}
        # who wrote a pending vector (write-behind): host, process, this Memory
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{os.urandom(6).hex()}"
        self.recovered = 0
        self.write_behind = WriteBehind(records, vectors, owner=self.owner)  # its protocol: write_behind.py
        # memories committed to the records store, not embedded yet: embed_behind.py
        self.embed_behind = EmbedBehind(records, self.write_behind, owner=self.owner, history=config.write_history,
                                        embed=self.embed, embed_query=self.embed_query)

    @contextmanager
    def clock(self, op: str, items: int) -> Iterator[StageClock]:
        clock = StageClock(op, items)
        try:
            yield clock
        finally:
            self.timings.append(clock.finish())

    async def embed(self, texts: Sequence[str], clock: StageClock | None = None) -> np.ndarray:
        """Embed, adding the model's own working time to the call's embed stage (untimed
        without a ``clock``)."""
        if clock is None:
            return await self.embedder.embed(texts)
        timed = getattr(self.embedder, "embed_timed", None)
        if timed is None:  # an embedder that cannot tell: its wall time
            with clock.stage("embed"):
                return await self.embedder.embed(texts)
        vectors, seconds = await timed(texts)
        clock.add("embed", seconds)
        return vectors

    async def embed_query(self, query: str, clock: StageClock) -> np.ndarray:
        """A search query's vector (the embedder's query path: the int8 graph by default)."""
        timed = getattr(self.embedder, "embed_query", None)
        if timed is None:
            return (await self.embed([query], clock))[0]
        vectors, seconds = await timed([query])
        clock.add("embed", seconds)
        return vectors[0]

    # --- add -----------------------------------------------------------------------------

    async def add_batch(
        self,
        items: Sequence[NewMemory],
        vectors: np.ndarray | None = None,
        *,
        op: str = "add_batch",
    ) -> list[AddResult]:
        """Store validated memories (ids and times already set; a Batch or any sequence of
        NewMemory); returns one result per item, in order."""
        with self.clock(op, len(items)) as clock:
            if not len(items):
                return []
            batch = Batch.of(items)
            hashes = batch.hashes
            n = len(hashes)
            dedupe = self.config.dedupe
            # key -> the first index holding it: the hash (repeats inside the batch are one
            # memory), or each index of its own without dedupe. The records store keeps one
            # memory per text and scope whatever ``dedupe`` says (its unique hash index), so
            # with records a repeat inside the batch is one memory too: as separate rows the
            # insert would keep the first and count both as another writer's.
            keys: Sequence[Any] = hashes if dedupe or self.config.persist_records else range(n)
            first = dict(zip(keys, range(n)))
            if len(first) < n:  # repeats: each key's first index, in input order
                first = dict(sorted(dict(zip(reversed(keys), range(n - 1, -1, -1))).items(), key=itemgetter(1)))
            # One future per call (not per memory: a bulk batch made 100k of them): another
            # in-flight call adding one of this call's hashes waits for it and reads its id there.
            call: asyncio.Future[dict[str, str]] = asyncio.get_running_loop().create_future()
            waiting: dict[Any, asyncio.Future[dict[str, str]]] = {}
            pending = self._pending
            if not dedupe:
                owned = list(first)
            elif not pending or pending.keys().isdisjoint(first):
                owned = list(first)
                pending.update(dict.fromkeys(first, call))
            else:
                owned = []
                for key in first:
                    other = pending.get(key)
                    if other is not None:
                        waiting[key] = other
                    else:
                        owned.append(key)
                        pending[key] = call
            ids: dict[Any, str] = {}
            events: dict[Any, str] = {}
            try:
                if dedupe and owned:
                    with clock.stage("records" if self.config.persist_records else "vectors"):
                        if self.config.persist_records:
                            found = await self.records.existing_hashes(owned)
                        else:
                            found = await self.vectors.hashes(owned)
                    for key in found:
                        ids[key], events[key] = found[key][0], "NOOP"
                new_keys = [k for k in owned if k not in ids] if ids else owned
                new_rows = [first[k] for k in new_keys]
                new_items = batch.take(new_rows)
                new_vectors = None if vectors is None else vectors if len(new_items) == n else vectors[new_rows]
                # hash -> id of a memory another process stored first (between this call's check and its write)
                taken: dict[str, str] = {}
                await self._store(new_items, new_vectors, clock, taken)
                for k, mid, h in zip(new_keys, new_items.ids, new_items.hashes):
                    if h in taken:
                        ids[k], events[k] = taken[h], "NOOP"
                    else:
                        ids[k], events[k] = mid, "ADD"
            except BaseException as exc:
                self._release_call(call, owned if dedupe else [], exc=exc)
                raise
            self._release_call(call, owned if dedupe else [], result={h: ids[h] for h in owned} if dedupe else {})
            for key, fut in waiting.items():
                ids[key], events[key] = (await fut)[key], "NOOP"
            return [AddResult(id=ids[k], event=events[k] if first[k] == i else "NOOP", memory=text)
                    for i, (k, text) in enumerate(zip(keys, batch.contents))]

    def _release_call(
        self,
        call: asyncio.Future[dict[str, str]],
        hashes: Sequence[str],
        *,
        result: dict[str, str] | None = None,
        exc: BaseException | None = None,
    ) -> None:
        pending = self._pending
        for h in hashes:
            if pending.get(h) is call:
                del pending[h]
        if exc is not None:
            call.set_exception(exc if isinstance(exc, Exception) else RuntimeError("cancelled"))
            call.exception()  # mark retrieved: nobody may be waiting
        else:
            call.set_result(result or {})

    async def _store(
        self, items: Batch, vectors: np.ndarray | None, clock: StageClock, taken: dict[str, str] | None = None
    ) -> None:
        """Embed and write in chunks, pipelined; all or nothing."""
        if not len(items):
            return
        if vectors is None and self._embed_behind_ok(items):
            await self.embed_behind.commit(items, clock, {} if taken is None else taken)
            return
        # Chunks exist to overlap embedding with writes; given vectors, there is nothing to
        # overlap and bigger writes are cheaper: a LanceDB append costs ~2 ms + ~5 us a row,
        # and a records transaction rewrites the pages of the hash index it touches (random
        # keys: nearly all of them once the store is large) however few rows it holds.
        size = self.config.chunk_size if vectors is None else max(self.config.chunk_size, GIVEN_CHUNK_ROWS)
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        given = None if vectors is None else [vectors[i : i + size] for i in range(0, len(items), size)]

        def embed_chunk(n: int) -> Awaitable[np.ndarray]:
            if given is not None:
                fut: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
                fut.set_result(given[n])
                return fut
            return asyncio.ensure_future(self.embed(chunks[n].contents, clock))

        written: list[str] = []  # ids stored so far, undone if a later chunk fails
        pending = embed_chunk(0)
        try:
            for n, chunk in enumerate(chunks):
                vecs = await pending
                pending = None
                if self.config.pipeline and n + 1 < len(chunks):
                    pending = embed_chunk(n + 1)  # runs in the model's thread while this chunk is written
                await self._write(chunk, vecs, clock, {} if taken is None else taken)
                written.extend(i for i, h in zip(chunk.ids, chunk.hashes) if taken is None or h not in taken)
                if pending is None and n + 1 < len(chunks):
                    pending = embed_chunk(n + 1)
        except BaseException:
            if pending is not None and isinstance(pending, asyncio.Future):
                pending.cancel()
                await asyncio.gather(pending, return_exceptions=True)
            if written:
                await self._undo_insert(written)
            raise

    async def _write(self, chunk: Batch, vecs: np.ndarray, clock: StageClock, taken: dict[str, str]) -> None:
        """Write one chunk to both stores. The records insert skips a memory whose text
        another process stored in the same scope first (``taken`` gets hash -> its id); the
        vector row written for it meanwhile is removed again, so one memory remains."""
        async def vectors() -> None:
            clock.add("vectors", await self.vectors.add(chunk, vecs))

        async def records() -> None:
            await timed_write(self.records.insert(chunk, history=self.config.write_history, taken=taken), clock)

        if not self.config.persist_records:
            await vectors()
            return
        if self._behind_ok(chunk):
            # Write-behind: the records transaction holds the vectors too (pending_vectors),
            # so the add is durable when it commits; the LanceDB append follows in a group.
            await timed_write(
                self.records.insert(chunk, history=self.config.write_history, taken=taken, pending=(vecs, self.owner)),
                clock,
            )
            keep = [i for i, h in enumerate(chunk.hashes) if h not in taken]
            with clock.stage("vectors"):  # queueing the rows (and reaching the scope blocks)
                self.write_behind.append(chunk.take(keep), vecs[keep])
            return
        if self.config.concurrent_writes:
            # vectors() first: the queue turns the chunk into Arrow before its first await,
            # so the records thread then runs beside LanceDB without sharing the GIL with it
            done = await asyncio.gather(vectors(), records(), return_exceptions=True)
            errors = [r for r in done if isinstance(r, BaseException)]
            if errors:
                ok_vectors, ok_records = (not isinstance(done[0], BaseException)), (not isinstance(done[1], BaseException))
                await self._undo_insert(chunk.ids, vectors=ok_vectors, records=ok_records)
                raise errors[0]
        else:
            await vectors()
            try:
                await records()
            except BaseException:
                await self._undo_insert(chunk.ids, records=False)
                raise
        losers = [i for i, h in zip(chunk.ids, chunk.hashes) if h in taken] if taken else []
        if losers:
            with clock.stage("vectors"):
                await self.vectors.delete_ids(losers)

    def _behind_ok(self, chunk: Sequence[NewMemory]) -> bool:
        """Small writes to a local records file go write-behind (``WriteBehind.applies``)."""
        return self.write_behind.applies(chunk, self.config.write_behind_rows)

    def _embed_behind_ok(self, items: Sequence[NewMemory]) -> bool:
        # the memory waits for its embedding in the records store: none without records
        return self.config.embed_behind and self.config.persist_records and self._behind_ok(items)

    async def recover(self) -> int:
        """Append the pending vectors a killed process left (``WriteBehind.recover``). Runs on
        open; returns how many memories it appended."""
        if not self.config.persist_records:
            return 0
        found = await self.write_behind.recover(self.embedder.embed, self.embedder.dim)
        if found is None:
            return 0
        self.recovered = found
        return found

    async def _undo_insert(self, ids: Sequence[str], *, vectors: bool = True, records: bool = True) -> None:
        ids = list(ids)
        try:
            await self.embed_behind.flush()
            if vectors:
                await self.vectors.delete_ids(ids)
            if records and self.config.persist_records:
                await self.records.remove(ids, history_too=True)
        except Exception as exc:
            raise ConsistencyError(
                f"a write failed and undoing {len(ids)} memories failed too ({exc}); run verify() and repair()"
            ) from exc

    # --- search --------------------------------------------------------------------------

    async def search(self, query: str, conds: list[Condition], *, limit: int, mode: str, threshold: float | None) -> list[SearchHit]:
        with self.clock("search", 1) as clock:
            where = to_lance(conds)
            # a scope-only filter (user/agent/run ids) is answered exactly from memory (scopes.py)
            scope = scope_of(conds)
            qv = None
            if self.embed_behind.pending:  # adds that returned are found: embed them now
                qv = await self.embed_behind.embed_waiting(query if mode in ("vector", "hybrid") else None, clock)
            elif mode in ("vector", "hybrid"):
                qv = await self.embed_query(query, clock)
            with clock.stage("vectors"):
                if mode == "vector":
                    rows = await self.vectors.search_vector(qv, where, limit, scope, lazy=True,
                                                            center=self.config.vector_centering)
                elif mode == "fts":
                    rows = await self.vectors.search_fts(query, where, limit, scope, lazy=True,
                                                         turns=self.config.fts_turn_weight)
                else:
                    n = max(limit, self.config.hybrid_candidates)
                    vec_rows, fts_rows = await asyncio.gather(
                        self.vectors.search_vector(qv, where, n, scope, lazy=True, center=self.config.vector_centering),
                        self.vectors.search_fts(query, where, n, scope, lazy=True, turns=self.config.fts_turn_weight),
                    )
                    rows = fuse(vec_rows, fts_rows, config=self.config, limit=limit, query=query,
                                scope_rows=self.vectors.scope_rows(scope))
                if threshold is not None:
                    rows = [r for r in rows if r["score"] >= threshold]
                rows = self.vectors.materialize(rows)
            return [row_to_hit(r) for r in rows]

    # --- single-memory changes -----------------------------------------------------------

    # --- reads (the records store, or the vector table without records: vector_reads.py) ----

    async def get(self, memory_id: str) -> MemoryRecord | None:
        return await self._reads.get(memory_id)

    async def get_many(self, ids: Sequence[str]) -> list[MemoryRecord]:
        """The memories of these ids that exist, in no particular order."""
        return await self._reads.get_many(ids)

    async def list(self, conds: list[Condition], *, limit: int, offset: int) -> list[MemoryRecord]:
        """Memories matching ``conds``, newest first."""
        return await self._reads.list(conds, limit=limit, offset=offset)

    async def page(
        self, conds: list[Condition], *, after: Any, limit: int, newest_first: bool = True
    ) -> tuple[list[MemoryRecord], Any]:
        """One page of a keyset walk and the cursor of the next (None once done): newest
        first, or oldest stored first (``newest_first=False``, export's order)."""
        return await self._reads.page(conds, after=after, limit=limit, newest_first=newest_first)

    async def count(self, conds: list[Condition]) -> int:
        return await self._reads.count(conds)

    async def history(self, memory_id: str) -> list[HistoryEvent]:
        """The memory's events, oldest first; refused without records, where none are kept."""
        if not self.config.persist_records:
            raise RecordStoreError("history is kept in the records store, which this Memory does not write",
                                   setting="persist_records")
        return await self.records.history(memory_id)

    async def vector_rows(self, ids: Sequence[str], columns: Sequence[str]) -> Any:
        """``columns`` (``id`` first) of the vector rows of these ids as an Arrow table, in no
        particular order: an export page's vectors and full-text, one Arrow read."""
        return await self.vectors.rows_of(ids, columns)

    async def optimize(self) -> dict[str, Any]:
        """Compact the vector table, fold new rows into its indexes, build the ANN index when due."""
        return await self.vectors.optimize()

    # --- core blocks (kept in the records store, whether or not it keeps memories) ---------

    async def get_block(self, label: str, scope: str) -> tuple[str, int, str | None] | None:
        """The block's (value, limit, updated_at as stored), or None if never written."""
        return await self.records.get_block(label, scope)

    async def put_block(self, block: CoreBlock, scope: str) -> None:
        await self.records.put_block(block, scope)

    async def list_blocks(self) -> list[tuple[Any, ...]]:
        """Every block ever written: (label, user_id, agent_id, value, limit, updated_at)."""
        return await self.records.list_blocks()

    async def update(self, memory_id: str, content: str | None, metadata: dict[str, Any] | None) -> MemoryRecord:
        await self.embed_behind.flush()
        with self.clock("update", 1) as clock:
            with clock.stage("records" if self.config.persist_records else "vectors"):
                old = await self._reads.get(memory_id)
            if old is None:
                raise NotFoundError(memory_id)
            new_content = old.content if content is None else content
            new = NewMemory(
                id=old.id,
                content=new_content,
                hash=v.content_hash(new_content, old.user_id, old.agent_id, old.run_id),
                user_id=old.user_id, agent_id=old.agent_id, run_id=old.run_id,
                memory_type=old.memory_type,
                metadata=old.metadata if metadata is None else metadata,
                created_at=now(),
            )
            if new.hash != old.hash:
                if self.config.persist_records:
                    clash = await self.records.existing_hashes([new.hash])
                else:
                    clash = await self.vectors.hashes([new.hash])
                if clash and clash[new.hash][0] != old.id:
                    raise InvalidInputError(
                        "content", f"memory {clash[new.hash][0]!r} in the same scope already has this content"
                    )
            vecs = await self.embed([new.content, old.content], clock)
            stored = replace(new, created_at=old.created_at)
            with clock.stage("vectors"):
                await self.vectors.upsert([stored], vecs[:1])
            try:
                if self.config.persist_records:
                    await timed_write(self.records.update(old, new, history=self.config.write_history), clock)
            except BaseException as exc:
                try:
                    await self.vectors.upsert([NewMemory.from_record(old)], vecs[1:])
                except Exception as undo_exc:
                    raise ConsistencyError(f"update failed ({exc}) and so did its undo ({undo_exc})") from exc
                raise
            return MemoryRecord(id=old.id, content=new.content, hash=new.hash, user_id=old.user_id,
                                agent_id=old.agent_id, run_id=old.run_id, memory_type=old.memory_type,
                                metadata=new.metadata, created_at=old.created_at, updated_at=new.created_at)

    async def delete(self, olds: list[MemoryRecord], op: str = "delete") -> int:
        with self.clock(op, len(olds)) as clock:
            if not olds:
                return 0
            await self.embed_behind.flush()
            if not self.config.persist_records:  # the vector table holds the only copy
                with clock.stage("vectors"):
                    await self.vectors.delete_ids([m.id for m in olds])
                return len(olds)
            await timed_write(self.records.delete(olds, history=self.config.write_history, when=now()), clock)
            try:
                with clock.stage("vectors"):
                    await self.vectors.delete_ids([m.id for m in olds])
            except BaseException as exc:
                try:
                    await self.records.restore(olds, drop_event="DELETE" if self.config.write_history else None)
                except Exception as undo_exc:
                    raise ConsistencyError(f"delete failed ({exc}) and so did its undo ({undo_exc})") from exc
                raise
            return len(olds)

    async def delete_where(self, conds: list[Condition]) -> int:
        """Delete the memories matching ``conds`` (every memory when empty) that were
        stored when the call began, ``config.page_size`` at a time.

        Each page is one ``delete``: the records and their DELETE events in one
        transaction, then the vectors. A process killed between the two leaves at most one
        page of vectors whose records are gone: ``verify()`` counts them as orphans and
        ``repair()`` removes them; calling ``delete_all`` again deletes what is left.
        Without records, the ids matching when the call began are deleted from the
        vector table a page at a time.
        """
        if not self.config.persist_records:
            ids = await self._reads.ids(conds)
            total = 0
            for start in range(0, len(ids), self.config.page_size):
                total += await self.delete(await self._reads.get_many(ids[start : start + self.config.page_size]),
                                           op="delete_all")
            return total
        upto = await self.records.max_rowid()
        total = 0
        while True:
            olds = await self.records.first_page(conds, upto_rowid=upto, limit=self.config.page_size)
            if not olds:
                return total
            total += await self.delete(olds, op="delete_all")

    async def undo_adds(self, ids: Sequence[str]) -> None:
        """Take back memories added earlier in a call that then failed (an import's earlier
        pages): both stores and their ADD events, no DELETE events, a page at a time."""
        for start in range(0, len(ids), self.config.page_size):
            await self._undo_insert(ids[start : start + self.config.page_size])

    # --- both stores ---------------------------------------------------------------------

    async def flush(self) -> None:
        """Let every write acknowledged so far reach both stores' readers (written-behind
        vectors included: ``refresh`` flushes them; memories not embedded yet are first)."""
        await self.embed_behind.flush()
        await self.vectors.refresh()

    async def wait_warm(self) -> float:
        """Wait for the warm-up of scope blocks after open (if one runs); its seconds."""
        return await self.vectors.wait_warm()

    def block_stats(self) -> dict[str, Any]:
        """The in-memory scope blocks' counters (no store is read)."""
        return {**self.vectors.scopes.stats(), "foreign_rows": self.vectors.foreign_rows}

    async def stats(self) -> dict[str, Any]:
        """Counts and facts of both stores, the embedder and background upkeep."""
        records, vectors, history, users, types, info, version, needs = await asyncio.gather(
            self._reads.count([]), self.vectors.count(), self._history_count(),
            self._reads.counts_by("user_id"), self._reads.counts_by("memory_type"), self.vectors.info(),
            self.records.schema_version(), self.vectors.needs(),
        )
        return {
            "memories": records,
            "vectors": vectors,
            "history_events": history,
            "users": users,
            "memory_types": types,
            "schema_version": version,
            "lance": info,
            "embedder": self.embedder.stats(),
            "upkeep": self._upkeep_state(info, needs),
            "recovered": self.recovered,
        }

    async def _history_count(self) -> int:
        return await self.records.history_count() if self.config.persist_records else 0

    def _upkeep_state(self, info: dict[str, Any], needs: dict[str, Any]) -> dict[str, Any]:
        """Whether background work has settled: no upkeep round running, no written-behind
        rows queued for LanceDB, no memory waiting to be embedded, no row outside the indexes."""
        round_ = info.get("upkeep", {})
        queued = int(info.get("queued_rows", 0) or 0)
        unembedded = len(self.embed_behind.waiting)
        embedding = self.embed_behind.embedding
        unindexed = int(needs.get("unindexed_rows", 0) or 0)
        running = bool(round_.get("running"))
        return {
            "running": running,
            "queued_rows": queued,
            "unembedded": unembedded,
            "embedding": embedding,
            "unindexed_rows": unindexed,
            "settled": not running and not queued and not unembedded and not embedding and not unindexed,
            "needs": needs,
            "rounds": round_.get("rounds", 0),
            "errors": round_.get("errors", 0),
        }

    async def verify(self) -> VerifyReport:
        """Compare both stores range by range (consistency.py); exact counts, at most
        ``VerifyReport.LISTED`` ids listed per kind, in id order. Without records
        (``persist_records=False``) the records store holds none and the vector table is the
        only copy: ``records`` is 0 and nothing is counted as differing."""
        await self.flush()
        if not self.config.persist_records:
            return VerifyReport(records=0, vectors=await self.vectors.count())
        return await consistency.verify(self.records, self.vectors, self.config.page_size)

    async def repair(self) -> RepairReport:
        """Make the vector store match the records store, one id range at a time: missing
        and stale vectors are embedded again from the records, orphans removed."""
        with self.clock("repair", 0) as clock:
            await self.flush()
            if not self.config.persist_records:  # one copy: nothing to match against
                return RepairReport(reembedded=0, removed_orphans=0, after=await self.verify())
            reembedded, removed = await consistency.repair(
                self.records, self.vectors, page=self.config.page_size, chunk=self.config.chunk_size,
                embed=self.embed, clock=clock,
            )
            return RepairReport(reembedded=reembedded, removed_orphans=removed, after=await self.verify())

    async def reset(self) -> None:
        await self.embed_behind.flush()
        await self.records.reset()
        await self.vectors.reset()
        self.embedder.clear_cache()

    async def close(self) -> None:
        try:
            await self.embed_behind.close()
            await self.vectors.close()
        finally:
            await self.records.close()


def uuid7s(n: int) -> list[str]:
    """``n`` time-ordered UUIDs (version 7): new rows land at the end of the id index.

    Built for the whole batch at once with numpy (per-id byte slicing was a visible share
    of a bulk import)."""
    if n <= 0:
        return []
    ms = np.frombuffer((time.time_ns() // 1_000_000).to_bytes(6, "big"), dtype=np.uint8)
    rnd = np.frombuffer(os.urandom(10 * n), dtype=np.uint8).reshape(n, 10)
    raw = np.empty((n, 16), dtype=np.uint8)
    raw[:, :6] = ms
    raw[:, 6] = 0x70 | (rnd[:, 0] & 0x0F)
    raw[:, 7] = rnd[:, 1]
    raw[:, 8] = 0x80 | (rnd[:, 2] & 0x3F)
    raw[:, 9:] = rnd[:, 3:]
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2] = _HEX[raw >> 4]
    digits[:, 1::2] = _HEX[raw & 0x0F]
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    text[:, _UUID_DIGITS] = digits
    return text.view("S36").ravel().astype("U36").tolist()


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UUID_DIGITS = [i for i in range(36) if i not in (8, 13, 18, 23)]


def uuid7() -> str:
    return uuid7s(1)[0]


def new_memories(
    texts: Sequence[str],
    *,
    user_id: str | None | Sequence[str | None],
    agent_id: str | None | Sequence[str | None],
    run_id: str | None | Sequence[str | None],
    memory_type: str,
    metadata: Sequence[tuple[dict[str, Any], str]],
    contexts: Sequence[str | None] | None = None,
    created_at: datetime | None = None,
) -> Batch:
    """Checked inputs (metadata with its JSON) -> memories with fresh ids, hashes, one timestamp.

    ``user_id``, ``agent_id`` and ``run_id`` are each one id for every text or a list with
    one per text. A memory's context (checked, or None) goes before its text in
    ``index_text``, the full-text side of search; the hash, the vector and ``content`` are
    of the text alone. ``created_at`` (aware UTC; default now, shared by all) is when the
    texts were said: memory i gets it plus i microseconds, so their time order is their
    input order.
    """
    n = len(texts)
    texts = list(texts)
    ts = micros(now() if created_at is None else created_at)
    scopes = [list(x) if isinstance(x, (list, tuple)) else [x] * n for x in (user_id, agent_id, run_id)]
    if not any(isinstance(x, (list, tuple)) for x in (user_id, agent_id, run_id)):
        hashes = v.content_hashes(texts, v.scope_key(user_id, agent_id, run_id))  # type: ignore[arg-type]
    else:
        keys: dict[tuple[str | None, str | None, str | None], str] = {}  # one prefix per distinct scope
        hashes = v.content_hashes(texts, [keys.get(k) or keys.setdefault(k, v.scope_key(*k)) for k in zip(*scopes)])
    kvs: dict[int, list[str]] = {}  # one meta_kv per distinct metadata dict
    mds = [md for md, _ in metadata]
    for md in mds:
        if id(md) not in kvs:
            kvs[id(md)] = meta_kv(md)
    ctxs = contexts if contexts is not None else [None] * n
    return Batch(
        ids=uuid7s(n), contents=texts, hashes=hashes, user_ids=scopes[0], agent_ids=scopes[1], run_ids=scopes[2],
        memory_types=[memory_type] * n,
        created_us=np.full(n, ts, dtype=np.int64) if created_at is None else ts + np.arange(n, dtype=np.int64),
        metadata=mds, metadata_json=[j for _, j in metadata], meta_kv=[kvs[id(md)] for md in mds],
        index_texts=[None if c is None else f"{c}\n{t}" for c, t in zip(ctxs, texts)],
    )
