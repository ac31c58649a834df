"""Exact search of one scope (a user, an agent, a run) held in memory as contiguous blocks.

An agent searches its own user's memories: a few thousand rows out of a million. Scoring
those rows exactly is cheaper than any index query: 2,000 vectors x 384 dims is one
matrix-vector product (~0.2 ms), and BM25 over the same rows is a few array operations. So a
scope-only search (every filter is ``user_id/agent_id/run_id == value``) is answered from a
*block*: the scope's rows read once from LanceDB (one scalar-index query), vectors stored
as int8 codes with one scale per row, the text as postings (term -> rows), the columns a
hit returns as Arrow arrays. Other searches (unscoped, metadata or time filters) go to LanceDB.

Freshness: rows this process writes are tokenized and quantized by the write itself and
reach every loaded block they belong to before it returns (``added``/``announce``), into a
small tail that the write filling it folds into the block: a search never tokenizes or
merges. Deletes and updates of this process drop the blocks (they reload on their next
search). Writes of *other* processes: at most every ``refresh_s`` a search checks the
table's latest version; the rows another process appended are read back and added like
this process's own (versions.py), its deletes and updates drop the blocks they touch. So
another process's committed add is found here within ``refresh_s`` of reaching LanceDB
(plus the rest of a check already under way; checks run beside the searches,
``Versions.check``).

Memory: blocks are kept least-recently-used within ``budget_bytes``; a scope larger than
``max_rows`` is not cached (LanceDB answers it). Full-text scores are BM25 (k1 1.2, b 0.75),
each term's IDF the smaller of the scope's and all loaded blocks', as a fraction of what the
query could reach (``fts``), with LanceDB's default analyzer (text.py).

Parts: text.py (terms, BM25 reach), blocks.py (segments and blocks), kernels.py (the
scoring), this module (which blocks are loaded, and keeping them current).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import kernels
from .blocks import FOLD_ROWS, Block, Segment, quantize, segment, unique_rows
from .filters import SCOPE_COLUMNS
from .kernels import LAZY
from .text import bm25_reach, term_id, tokenize

__all__ = ["FOLD_ROWS", "LAZY", "ScopeIndex", "ScopeKey", "bm25_reach", "quantize", "scope_of", "tokenize"]

ScopeKey = tuple[tuple[str, str], ...]
log = logging.getLogger(__name__)
# seconds without new rows before pending blocks are built (a bulk ingest writes first)
BUILD_QUIET_S = 0.2


def scope_of(conds: Sequence[Any]) -> ScopeKey | None:
    """The scope a search is limited to, when every condition is ``<scope column> == value``."""
    if not conds:
        return None
    key = []
    for c in conds:
        if c.kind != "column" or c.op != "eq" or c.key not in SCOPE_COLUMNS or len(c.values) != 1:
            return None
        if not isinstance(c.values[0], str):
            return None
        key.append((c.key, c.values[0]))
    return tuple(sorted(set(key)))


class ScopeIndex:
    """The blocks of one VectorStore (see the module docstring)."""

    def __init__(
        self,
        load: Callable[[ScopeKey], Awaitable[tuple[pa.Table, np.ndarray, list[str]] | None]],
        *,
        budget_bytes: int = 1 << 30,
        max_rows: int = 50_000,
        refresh_s: float = 0.5,
    ) -> None:
        self._load = load
        self.budget_bytes = budget_bytes
        self.max_rows = max_rows
        self.refresh_s = refresh_s
        self._blocks: OrderedDict[ScopeKey, Block] = OrderedDict()
        self._too_big: set[ScopeKey] = set()
        self._loading: dict[ScopeKey, asyncio.Future[Block | None]] = {}
        # rows appended while a block was loading: applied to it when the load finishes
        self._during_load: dict[ScopeKey, list[tuple[pa.Table, np.ndarray, list[str]]]] = {}
        self._bytes = 0
        # rows announced before their LanceDB commit (write-behind): token -> part
        self._behind: dict[int, tuple[pa.Table, np.ndarray, list[str]]] = {}
        self._next_token = 0
        self.generation = 0  # bumped by every drop: a load begun before it is not kept
        self.last_check = 0.0
        self.hits = 0
        self.misses = 0
        self.drops = 0
        self.foreign_drops = 0  # drops because another process wrote
        self.load_seconds = 0.0
        self.write_seconds = 0.0  # spent by writes tokenizing and folding rows into blocks
        # document frequencies over every loaded block (see ``fts``)
        self._df: dict[int, int] = {}
        self._docs = 0
        # ``fresh``: every user with rows in the table has a block, a pending build, or is
        # in ``_unknown`` (its rows must be read from LanceDB). True for a table that was
        # empty when opened; then rows written to a user never seen are kept here and built
        # into its block from memory (``_pending``), so no search waits for a LanceDB read
        # of rows this process has just written. Any change that cannot be followed row by
        # row (a delete, an update, another process's bulk write) ends it (``drop_all``).
        self.fresh = False
        self._unknown: set[ScopeKey] = set()
        self._pending: dict[ScopeKey, list[tuple[pa.Table, np.ndarray, list[str]]]] = {}
        self._pending_rows: dict[ScopeKey, int] = {}
        self._builder: asyncio.Task[None] | None = None
        self.built = 0  # blocks built from rows written here (no LanceDB read)
        self._kept_at = 0.0

    # --- keeping blocks current ------------------------------------------------------------

    def _keys_of(self, cols: pa.Table) -> dict[ScopeKey, list[int]]:
        """Row indexes per loaded (or loading) scope the rows belong to. A row can only
        belong to the scopes made of its own ids (at most 7 keys): the cost is per distinct
        (user, agent, run), not per loaded block."""
        by_ids: dict[tuple[Any, ...], list[int]] = {}
        for i, values in enumerate(zip(*(cols.column(c).to_pylist() for c in SCOPE_COLUMNS))):
            by_ids.setdefault(values, []).append(i)
        rows_of: dict[ScopeKey, list[int]] = {}
        for values, idx in by_ids.items():
            pairs = [(c, v) for c, v in zip(SCOPE_COLUMNS, values) if v is not None]
            for mask in range(1, 1 << len(pairs)):
                key = tuple(sorted(pairs[j] for j in range(len(pairs)) if mask >> j & 1))
                if key in self._blocks or key in self._loading:
                    rows_of.setdefault(key, []).extend(idx)
        return rows_of

    def added(self, cols: pa.Table, vecs: np.ndarray, texts: Sequence[str], *, known: bool = False) -> int:
        """Rows just committed: tokenized and added to every loaded block they belong to,
        here, by the write (a search never tokenizes or merges). ``known=True``: rows that
        a block may already hold (another process's, read back), kept once per id.
        Returns how many (block, row) pairs were added."""
        if not self._blocks and not self._loading and not self.fresh and not self._pending:
            return 0
        start = time.perf_counter()
        added = 0
        vecs = np.asarray(vecs)
        if self.fresh or self._pending:
            added += self._keep_fresh(cols, vecs, texts)
        if not self._blocks and not self._loading:
            self.write_seconds += time.perf_counter() - start
            return added
        for key, idx in self._keys_of(cols).items():
            sel = np.asarray(idx)
            part = (cols.take(pa.array(sel)), vecs[sel], [texts[i] for i in idx])
            if key in self._loading:
                self._during_load.setdefault(key, []).append(part)
                continue
            blk = self._blocks[key]
            if known:
                part = unique_rows(*part, known=blk.ids())
            if not part[0].num_rows:
                continue
            before = blk.nbytes()
            seg = segment(*part)
            self._count(seg, 1)
            blk.append(seg)
            self._bytes += blk.nbytes() - before
            added += part[0].num_rows
        self._evict()
        self.write_seconds += time.perf_counter() - start
        return added

    def _keep_fresh(self, cols: pa.Table, vecs: np.ndarray, texts: Sequence[str]) -> int:
        """Rows of users whose block is still to be built (``fresh``): kept, grouped by
        user in one vectorized pass, for ``_build`` to turn into blocks off the write path."""
        users = cols.column("user_id").combine_chunks()
        if users.null_count == len(users):
            return 0
        codes = pc.dictionary_encode(users)
        idx = codes.indices.to_numpy(zero_copy_only=False)
        names = codes.dictionary.to_pylist()
        valid = np.flatnonzero(~np.asarray(users.is_null().to_numpy(zero_copy_only=False)))
        order = valid[np.argsort(idx[valid], kind="stable")]
        bounds = [0, *(np.flatnonzero(np.diff(idx[order])) + 1).tolist(), len(order)]
        # one gather for every user, then each user's rows are slices of it (no copy)
        by_user = cols.take(pa.array(order))
        vecs_by_user = vecs[order]
        texts_by_user = [texts[i] for i in order.tolist()]
        kept = 0
        for lo, hi in itertools.pairwise(bounds):
            if hi <= lo:
                continue
            key: ScopeKey = (("user_id", names[int(idx[order[lo]])]),)
            if key in self._blocks or key in self._loading:
                continue  # the loaded-block path below takes these rows
            if key not in self._pending:
                if not self.fresh or key in self._unknown or key in self._too_big:
                    continue
                self._pending[key] = []
                self._pending_rows[key] = 0
            self._pending[key].append((by_user.slice(lo, hi - lo), vecs_by_user[lo:hi], texts_by_user[lo:hi]))
            self._pending_rows[key] += hi - lo
            kept += hi - lo
        self._kept_at = time.monotonic()
        if self._pending and (self._builder is None or self._builder.done()):
            try:
                self._builder = asyncio.get_running_loop().create_task(self._build(), name="agentmem-block-build")
            except RuntimeError:  # no loop: the first search builds it
                pass
        return kept

    async def _build(self) -> None:
        """Build the pending blocks, one at a time, in a worker thread (see ``block``).
        A bulk ingest still writing goes first: building waits for ``BUILD_QUIET_S``
        without new rows (a search of a pending scope builds that one block at once)."""
        try:
            while self._pending:
                wait = self._kept_at + BUILD_QUIET_S - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                await self.block(next(iter(self._pending)))
                await asyncio.sleep(0)  # searches and writes go first
        except Exception:  # a cache: a block not built here is read on its first search
            log.warning("building scope blocks from written rows failed", exc_info=True)

    def _take_pending(self, key: ScopeKey) -> tuple[pa.Table, np.ndarray, list[str]] | None:
        parts = self._pending.pop(key, None)
        rows = self._pending_rows.pop(key, 0)
        if parts is None:
            return None
        if rows > self.max_rows:
            self._unknown.add(key)
            return None
        if len(parts) == 1:
            return parts[0]
        return (pa.concat_tables([c for c, _, _ in parts]).combine_chunks(),
                np.vstack([np.asarray(v, dtype=np.float32) for _, v, _ in parts]), [t for _, _, ts in parts for t in ts])

    def drop_scopes_of(self, cols: pa.Table) -> int:
        """Drop the loaded blocks that rows with these scope columns belong to (rows
        another process deleted or replaced); returns how many were dropped."""
        keys = [k for k in self._keys_of(cols) if k in self._blocks]
        for key in keys:
            self._forget(self._blocks.pop(key))
            self._unknown.add(key)
        if self._pending:
            for values in set(cols.column("user_id").to_pylist()):
                key = (("user_id", values),)
                if self._pending.pop(key, None) is not None:
                    self._pending_rows.pop(key, None)
                    self._unknown.add(key)
        if keys or self._loading:
            self.generation += 1  # a load in flight may have read the old rows
        self.drops += bool(keys)
        return len(keys)

    def announce(self, cols: pa.Table, vecs: np.ndarray, texts: Sequence[str]) -> int:
        """Rows committed to the records store whose LanceDB append is still queued: loaded
        blocks get them now, blocks loaded before the append commits get them too."""
        self.added(cols, vecs, texts)
        self._next_token += 1
        self._behind[self._next_token] = (cols, np.asarray(vecs, dtype=np.float16), list(texts))
        return self._next_token

    def settled(self, token: int) -> None:
        """The announced rows are in LanceDB now (a block read from here on has them)."""
        self._behind.pop(token, None)

    def _behind_for(self, key: ScopeKey) -> list[tuple[pa.Table, np.ndarray, list[str]]]:
        out = []
        for cols, vecs, texts in list(self._behind.values()):
            mask = np.ones(cols.num_rows, dtype=bool)
            for col, value in key:
                mask &= np.array([x == value for x in cols.column(col).to_pylist()], dtype=bool)
            if mask.any():
                idx = np.flatnonzero(mask)
                out.append((cols.take(pa.array(idx)), vecs[idx], [texts[i] for i in idx]))
        return out

    def loaded(self) -> bool:
        """Whether any block is loaded, loading or pending, or new users' blocks are built
        from their rows (``fresh``): else there is nothing to keep current."""
        return bool(self._blocks or self._loading or self._pending or self.fresh)

    def loaded_key(self, key: ScopeKey) -> bool:
        """Whether this scope's block is loaded, loading or pending (or known to be too big)."""
        return key in self._blocks or key in self._loading or key in self._pending or key in self._too_big

    def pending(self) -> int:
        """Blocks waiting to be built from rows written here."""
        return len(self._pending)

    async def built_all(self) -> None:
        """Wait until every pending block is built."""
        while self._pending:
            if self._builder is None or self._builder.done():
                self._builder = asyncio.get_running_loop().create_task(self._build(), name="agentmem-block-build")
            await asyncio.shield(self._builder)

    def drop_all(self) -> None:
        """Forget every block (a delete, an update, a reset, another process's write)."""
        self._blocks.clear()
        self._df.clear()
        self._docs = 0
        self._too_big.clear()
        self._during_load.clear()
        self._pending.clear()
        self._pending_rows.clear()
        self._unknown.clear()
        self.fresh = False
        self._bytes = 0
        self.generation += 1
        self.drops += 1

    async def close(self) -> None:
        """Stop building pending blocks (the store is closing)."""
        task, self._builder = self._builder, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def start_fresh(self) -> None:
        """The table is empty: every user's block is built from the rows written here."""
        self.drop_all()
        self.fresh = True

    # --- search ------------------------------------------------------------------------------

    def rows_of(self, key: ScopeKey) -> int | None:
        """Rows of the scope's block when it is loaded (no load), else None."""
        blk = self._blocks.get(key)
        return None if blk is None else blk.rows

    async def block(self, key: ScopeKey) -> Block | None:
        """The scope's block (loaded on first use), or None when the scope is too large."""
        if key in self._too_big:
            return None
        blk = self._blocks.get(key)
        if blk is not None:
            self.hits += 1
            self._blocks.move_to_end(key)
            return blk
        fut = self._loading.get(key)
        if fut is not None:
            return await asyncio.shield(fut)
        mine = self._take_pending(key) if key in self._pending else None
        if mine is None:
            self.misses += 1
        else:
            self.built += 1
        fut = asyncio.get_running_loop().create_future()
        self._loading[key] = fut
        gen = self.generation
        start = time.perf_counter()
        # rows announced but not yet in LanceDB: taken before the read (one that commits
        # during the read may then come twice: each id is kept once)
        behind = self._behind_for(key)
        try:
            loaded = mine if mine is not None else await self._load(key)
            blk = None
            if loaded is None:
                self._too_big.add(key)
            else:
                extra = [*behind, *self._during_load.pop(key, [])]
                cols, vecs, texts = loaded
                if extra:
                    more = unique_rows(
                        pa.concat_tables([t for t, _, _ in extra]).combine_chunks(),
                        np.vstack([np.asarray(v, dtype=np.float32) for _, v, _ in extra]),
                        [x for _, _, ts in extra for x in ts], known=cols.column("id"),
                    )
                    cols = pa.concat_tables([cols, more[0]]).combine_chunks()
                    vecs = np.vstack([np.asarray(vecs, dtype=np.float32), more[1]])
                    texts = [*texts, *more[2]]
                # tokenizing a block's texts takes ~20 ms per 3k rows: in a worker thread, so
                # searches of loaded blocks go on meanwhile (the GIL is shared every 5 ms)
                blk = Block(await asyncio.to_thread(segment, cols, vecs, texts))
                for part in self._during_load.pop(key, []):  # rows written while it was built
                    part = unique_rows(*part, known=blk.ids())
                    if part[0].num_rows:
                        blk.append(segment(*part))
                if gen == self.generation:  # not dropped while loading
                    self._blocks[key] = blk
                    self._bytes += blk.nbytes()
                    for seg in blk.segments():
                        self._count(seg, 1)
                    self._evict()
            fut.set_result(blk)
            return blk
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()
            raise
        finally:
            self._loading.pop(key, None)
            self._during_load.pop(key, None)
            self.load_seconds += time.perf_counter() - start

    def _evict(self) -> None:
        while self._bytes > self.budget_bytes and len(self._blocks) > 1:
            key, blk = self._blocks.popitem(last=False)
            self._forget(blk)
            self._unknown.add(key)

    def _forget(self, blk: Block) -> None:
        self._bytes -= blk.nbytes()
        for seg in blk.segments():
            self._count(seg, -1)

    def _count(self, seg: Segment, sign: int) -> None:
        """Keep the document frequencies of all loaded blocks (see ``fts``)."""
        self._docs += sign * seg.n
        df = self._df
        for t, d in zip(seg.terms.tolist(), seg.df().tolist()):
            v = df.get(t, 0) + sign * d
            if v > 0:
                df[t] = v
            else:
                df.pop(t, None)

    @staticmethod
    def materialize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Whole rows for rows that ``lazy`` searches returned (``kernels.materialize``)."""
        return kernels.materialize(rows)

    @staticmethod
    def vector(blk: Block, query: np.ndarray, limit: int, lazy: bool = False,
               center: float = 0.0) -> list[dict[str, Any]]:
        """Top rows of the block by cosine with the query (``kernels.vector``)."""
        return kernels.vector(blk, query, limit, lazy, center=center)

    def fts(self, blk: Block, text: str, limit: int, k1: float = 1.2, b: float = 0.75,
            lazy: bool = False, turns: float = 0.0) -> list[dict[str, Any]]:
        """BM25 over the block's rows, each term's IDF the smaller of the scope's and every
        loaded block's (``kernels.fts``)."""
        return kernels.fts(blk, text, limit, docs=self._docs, df=self._df, k1=k1, b=b, lazy=lazy, turns=turns)

    @property
    def loaded_scopes(self) -> frozenset[ScopeKey]:
        """The scopes whose blocks are loaded now (not those loading)."""
        return frozenset(self._blocks)

    @property
    def docs(self) -> int:
        """Rows of every loaded block (the document count of the full-text statistics)."""
        return self._docs

    def document_frequency(self, term: str) -> int:
        """Loaded rows holding ``term`` (an analyzed term, as ``tokenize`` makes it)."""
        return self._df.get(term_id(term), 0)

    def used_bytes(self) -> int:
        """Bytes the loaded blocks take (kept as they change: no walk over the blocks)."""
        return self._bytes

    def stats(self) -> dict[str, Any]:
        return {
            "blocks": len(self._blocks),
            "rows": sum(b.rows for b in self._blocks.values()),
            "bytes": self._bytes,
            "budget_bytes": self.budget_bytes,
            "hits": self.hits,
            "misses": self.misses,
            "drops": self.drops,
            "foreign_drops": self.foreign_drops,
            "built": self.built,
            "pending": len(self._pending),
            "load_seconds": round(self.load_seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
        }
