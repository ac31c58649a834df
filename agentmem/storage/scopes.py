"""Exact search of one scope (a user, an agent, a run) held in memory as contiguous blocks.

An agent searches its own user's memories: a few thousand rows out of a million. Scoring
those rows exactly is cheaper than any index query: 2,000 vectors x 384 dims is one
matrix-vector product (~0.2 ms), and BM25 over the same rows is a few array operations. So a
scope-only search (every filter is ``user_id/agent_id/run_id == value``) is answered from a
*block*: the scope's rows read once from LanceDB (one scalar-index query), vectors stored
as float16 in one array, the text as sorted (term, row) postings, the columns a hit returns
as Arrow arrays. Other searches (unscoped, metadata or time filters) go to LanceDB.

Freshness: rows this process appends reach every loaded block they belong to at once
(``added``); deletes and updates drop the blocks (they reload on their next search).
Writes of *other* processes: at most every ``refresh_s`` a search checks the table's latest
version; if a version appeared that this process did not write, every block is dropped.
So another process's committed add is found here within ``refresh_s`` of reaching LanceDB.

Memory: blocks are kept least-recently-used within ``budget_bytes``; a scope larger than
``max_rows`` is not cached (LanceDB answers it). Full-text scores are BM25 (k1 1.2, b 0.75)
with the scope's own document frequencies and lengths, with LanceDB's default analyzer
(simple tokenizer, lower case, ASCII folding, English stop words, Snowball stemming).
"""

from __future__ import annotations

import asyncio
import math
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["ScopeIndex", "scope_key", "tokenize"]

ScopeKey = tuple[tuple[str, str], ...]

HIT_COLUMNS = ["id", "content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at"]
SCOPE_COLUMNS = ("user_id", "agent_id", "run_id")

# The English stop words of LanceDB's default full-text analyzer (tantivy's list).
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their then there "
    "these they this to was will with".split()
)
_TOKEN = re.compile(r"[^\W_]+")
_stem_cache: dict[str, str] = {}
_STEM_CACHE_MAX = 200_000
try:
    import snowballstemmer

    _stemmer: Any = snowballstemmer.stemmer("english")
except ImportError:  # pragma: no cover - a dependency; without it terms are not stemmed
    _stemmer = None


def _stem(word: str) -> str:
    s = _stem_cache.get(word)
    if s is None:
        s = _stemmer.stemWord(word) if _stemmer is not None else word
        if len(_stem_cache) >= _STEM_CACHE_MAX:
            _stem_cache.clear()
        _stem_cache[word] = s
    return s


def tokenize(text: str) -> list[str]:
    """Terms of a text as LanceDB's default analyzer makes them (see the module docstring)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    out = []
    for w in _TOKEN.findall(text.lower()):
        if len(w) <= 40 and w not in STOP_WORDS:
            out.append(_stem(w))
    return out


def _term_id(term: str) -> int:
    return hash(term) & 0x7FFF_FFFF_FFFF_FFFF


def scope_key(conds: Sequence[Any]) -> ScopeKey | None:
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


def _matches(key: ScopeKey, row: dict[str, Any]) -> bool:
    return all(row.get(col) == value for col, value in key)


@dataclass
class Block:
    """One scope's rows: hit columns (Arrow), float16 vectors, BM25 postings."""

    cols: pa.Table
    vecs: np.ndarray
    doc_len: np.ndarray
    post_terms: np.ndarray  # sorted term ids, one entry per (term, row) occurrence
    post_rows: np.ndarray
    pending: list[tuple[pa.Table, np.ndarray, list[str]]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.cols.num_rows + sum(t.num_rows for t, _, _ in self.pending)

    def nbytes(self) -> int:
        return int(self.cols.nbytes + self.vecs.nbytes + self.doc_len.nbytes + self.post_terms.nbytes + self.post_rows.nbytes)


def _postings(texts: Sequence[str], offset: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    terms: list[int] = []
    rows: list[int] = []
    lens = np.empty(len(texts), dtype=np.int32)
    for i, text in enumerate(texts):
        toks = tokenize(text or "")
        lens[i] = len(toks)
        terms.extend(_term_id(t) for t in toks)
        rows.extend([i + offset] * len(toks))
    return lens, np.asarray(terms, dtype=np.int64), np.asarray(rows, dtype=np.int32)


def _build(cols: pa.Table, vecs: np.ndarray, texts: Sequence[str]) -> Block:
    lens, terms, rows = _postings(texts)
    order = np.argsort(terms, kind="stable")
    return Block(cols=cols, vecs=vecs, doc_len=lens, post_terms=terms[order], post_rows=rows[order])


def _merge(block: Block) -> Block:
    """Fold rows added since the block was read into its arrays (each id once: a row
    announced before its LanceDB commit may also be in what the block read)."""
    if not block.pending:
        return block
    base = block.cols.num_rows
    part = pa.concat_tables([t for t, _, _ in block.pending]).combine_chunks()
    part_vecs = np.vstack([v for _, v, _ in block.pending])
    part_texts = [x for _, _, ts in block.pending for x in ts]
    ids = part.column("id")
    fresh = ~pc.is_in(ids, value_set=block.cols.column("id")).to_numpy(zero_copy_only=False)
    seen: set[str] = set()
    for i, mid in enumerate(ids.to_pylist()):  # and once within the new rows
        if mid in seen:
            fresh[i] = False
        seen.add(mid)
    if not fresh.all():
        idx = np.flatnonzero(fresh)
        part, part_vecs, part_texts = part.take(pa.array(idx)), part_vecs[idx], [part_texts[i] for i in idx]
    if part.num_rows == 0:
        return Block(cols=block.cols, vecs=block.vecs, doc_len=block.doc_len,
                     post_terms=block.post_terms, post_rows=block.post_rows)
    tables = [block.cols, part]
    vecs = np.vstack([block.vecs, part_vecs])
    texts = part_texts
    lens, terms, rows = _postings(texts, offset=base)
    all_terms = np.concatenate([block.post_terms, terms])
    all_rows = np.concatenate([block.post_rows, rows])
    order = np.argsort(all_terms, kind="stable")
    return Block(
        cols=pa.concat_tables(tables).combine_chunks(), vecs=vecs,
        doc_len=np.concatenate([block.doc_len, lens]), post_terms=all_terms[order], post_rows=all_rows[order],
    )


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

    # --- keeping blocks current ------------------------------------------------------------

    def added(self, cols: pa.Table, vecs: np.ndarray, texts: Sequence[str]) -> None:
        """Rows this process just committed: add them to every loaded block they belong to.

        A row can only belong to the scopes made of its own ids (at most 7 keys), so the
        cost is per row, not per loaded block."""
        if not self._blocks and not self._loading:
            return
        scope_cols = [cols.column(c).to_pylist() for c in SCOPE_COLUMNS]
        rows_of: dict[ScopeKey, list[int]] = {}
        for i, values in enumerate(zip(*scope_cols)):
            pairs = [(c, v) for c, v in zip(SCOPE_COLUMNS, values) if v is not None]
            for mask in range(1, 1 << len(pairs)):
                key = tuple(sorted(pairs[j] for j in range(len(pairs)) if mask >> j & 1))
                if key in self._blocks or key in self._loading:
                    rows_of.setdefault(key, []).append(i)
        for key, idx in rows_of.items():
            sel = np.asarray(idx)
            part = (cols.take(pa.array(sel)), np.asarray(vecs)[sel].astype(np.float16), [texts[i] for i in idx])
            if key in self._loading:
                self._during_load.setdefault(key, []).append(part)
            else:
                self._blocks[key].pending.append(part)

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

    def drop_all(self) -> None:
        """Forget every block (a delete, an update, a reset, another process's write)."""
        self._blocks.clear()
        self._too_big.clear()
        self._during_load.clear()
        self._bytes = 0
        self.generation += 1
        self.drops += 1

    # --- search ------------------------------------------------------------------------------

    async def block(self, key: ScopeKey) -> Block | None:
        """The scope's block (loaded on first use), or None when the scope is too large."""
        if key in self._too_big:
            return None
        blk = self._blocks.get(key)
        if blk is not None:
            self.hits += 1
            self._blocks.move_to_end(key)
            if blk.pending:
                merged = _merge(blk)
                self._bytes += merged.nbytes() - blk.nbytes()
                self._blocks[key] = blk = merged
            return blk
        fut = self._loading.get(key)
        if fut is not None:
            return await asyncio.shield(fut)
        self.misses += 1
        fut = asyncio.get_running_loop().create_future()
        self._loading[key] = fut
        gen = self.generation
        start = time.perf_counter()
        # rows announced but not yet in LanceDB: taken before the read (one that commits
        # during the read may then come twice; the merge keeps each id once)
        behind = self._behind_for(key)
        try:
            loaded = await self._load(key)
            blk = None
            if loaded is None:
                self._too_big.add(key)
            else:
                cols, vecs, texts = loaded
                blk = _build(cols, vecs, texts)
                blk.pending.extend(behind)
                blk.pending.extend(self._during_load.pop(key, []))
                if blk.pending:
                    blk = _merge(blk)
                if gen == self.generation:  # not dropped while loading
                    self._blocks[key] = blk
                    self._bytes += blk.nbytes()
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
            _, old = self._blocks.popitem(last=False)
            self._bytes -= old.nbytes()

    @staticmethod
    def vector(blk: Block, query: np.ndarray, limit: int) -> list[dict[str, Any]]:
        n = blk.cols.num_rows
        if n == 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        sims = blk.vecs.astype(np.float32, copy=False) @ q
        k = min(limit, n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(-sims[top], kind="stable")]
        rows = blk.cols.take(pa.array(top)).to_pylist()
        for r, i in zip(rows, top):
            r["score"] = float(sims[i])
        return rows

    @staticmethod
    def fts(blk: Block, text: str, limit: int, k1: float = 1.2, b: float = 0.75) -> list[dict[str, Any]]:
        n = blk.cols.num_rows
        terms = sorted({_term_id(t) for t in tokenize(text)})
        if n == 0 or not terms:
            return []
        avgdl = float(blk.doc_len.mean()) or 1.0
        norm = k1 * (1.0 - b + b * blk.doc_len / avgdl)
        scores = np.zeros(n, dtype=np.float64)
        for t in terms:
            lo, hi = np.searchsorted(blk.post_terms, [t, t + 1])
            if lo == hi:
                continue
            rows, tf = np.unique(blk.post_rows[lo:hi], return_counts=True)
            df = len(rows)
            idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
            scores[rows] += idf * tf * (k1 + 1.0) / (tf + norm[rows])
        found = np.flatnonzero(scores)
        if not len(found):
            return []
        k = min(limit, len(found))
        top = found[np.argpartition(-scores[found], k - 1)[:k]] if k < len(found) else found
        top = top[np.argsort(-scores[top], kind="stable")]
        rows_out = blk.cols.take(pa.array(top)).to_pylist()
        for r, i in zip(rows_out, top):
            r["score"] = float(scores[i])
        return rows_out

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
            "load_seconds": round(self.load_seconds, 3),
        }
