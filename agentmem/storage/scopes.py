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
our own (lance.py), its deletes and updates drop the blocks they touch. So another
process's committed add is found here within ``refresh_s`` of reaching LanceDB (plus the
rest of a check already under way; checks run beside the searches, lance.py ``_check_foreign``).

Memory: blocks are kept least-recently-used within ``budget_bytes``; a scope larger than
``max_rows`` is not cached (LanceDB answers it). Full-text scores are BM25 (k1 1.2, b 0.75),
each term's IDF the smaller of the scope's and all loaded blocks', as a fraction of what the
query could reach (``fts``), with LanceDB's default analyzer
(simple tokenizer, lower case, ASCII folding, English stop words, Snowball stemming).
"""

from __future__ import annotations

import asyncio
import math
import re
import threading
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
except ImportError:  # pragma: no cover - a dependency; without it terms are not stemmed
    snowballstemmer = None
# A snowball stemmer keeps the word being stemmed in the object: two threads sharing one
# (a block built in a worker thread beside a search) corrupt each other's word and raise
# IndexError. One stemmer per thread.
_stemmers = threading.local()


def _stem(word: str) -> str:
    s = _stem_cache.get(word)
    if s is None:
        if snowballstemmer is None:
            s = word
        else:
            stemmer = getattr(_stemmers, "english", None)
            if stemmer is None:
                stemmer = _stemmers.english = snowballstemmer.stemmer("english")
            s = stemmer.stemWord(word)
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


def bm25_reach(terms: int, docs: int) -> float:
    """The BM25 score a query of ``terms`` distinct terms reaches when each is found once,
    in one row of average length (where ``tf * (k1 + 1) / (tf + k1)`` is 1), in one of
    ``docs`` rows: full-text scores are divided by it."""
    return max(terms, 1) * math.log(1.0 + (max(docs, 1) - 0.5) / 1.5)


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


#: The key of a lazy row's reference to its block row (see ``ScopeIndex._take``).
LAZY = "_block_row"
FOLD_ROWS = 256  # a block's tail (rows added since it was built) is folded in at this size


def quantize(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and one float32 scale per vector (max |x| maps to 127).

    Per-vector scales keep a row's codes independent of the rest of the block, so rows
    are appended without requantizing. Recall@10 against float32 search on the MiniLM
    vectors of LoCoMo dev turns: 0.997 (per-dimension scales 0.995; ``scripts/scale_probe.py
    --recall``)."""
    v = np.asarray(vecs, dtype=np.float32)
    if v.ndim != 2 or len(v) == 0:
        return np.zeros((0, v.shape[-1] if v.ndim == 2 else 0), np.int8), np.zeros(0, np.float32)
    top = np.abs(v).max(axis=1)
    scale = np.where(top > 0, top / 127.0, 1.0).astype(np.float32)
    codes = np.rint(v / scale[:, None]).astype(np.int8)
    return codes, scale


@dataclass
class Segment:
    """Rows scored together: hit columns (Arrow), int8 vectors with per-row scales, and the
    text as postings (sorted unique term ids, their start offsets, the rows of each
    occurrence: a row appears once per occurrence of the term, so counts are tf), and which
    rows were stored with a context (their full text already holds the turns before them)."""

    cols: pa.Table
    codes: np.ndarray
    scale: np.ndarray
    doc_len: np.ndarray
    terms: np.ndarray
    starts: np.ndarray
    rows: np.ndarray
    has_context: np.ndarray
    created: np.ndarray  # created_at (microseconds): rows of one add_batch call share it

    @property
    def n(self) -> int:
        return self.cols.num_rows

    def nbytes(self) -> int:
        return int(self.cols.nbytes + self.codes.nbytes + self.scale.nbytes + self.doc_len.nbytes
                   + self.terms.nbytes + self.starts.nbytes + self.rows.nbytes + self.has_context.nbytes
                   + self.created.nbytes)

    def occurrences(self) -> tuple[np.ndarray, np.ndarray]:
        return np.repeat(self.terms, np.diff(self.starts)), self.rows.astype(np.int32)

    def df(self) -> np.ndarray:
        """Rows holding each term (``terms`` order): a row's occurrences of a term are
        adjacent in ``rows``."""
        if not len(self.terms):
            return np.zeros(0, np.int64)
        which = np.repeat(np.arange(len(self.terms)), np.diff(self.starts))
        new = np.ones(len(self.rows), dtype=np.int64)
        new[1:] = (which[1:] != which[:-1]) | (self.rows[1:] != self.rows[:-1])
        return np.add.reduceat(new, self.starts[:-1].astype(np.int64))

    def postings(self, term: int) -> np.ndarray:
        i = int(np.searchsorted(self.terms, term))
        if i == len(self.terms) or self.terms[i] != term:
            return self.rows[:0]
        return self.rows[self.starts[i]:self.starts[i + 1]]


def _csr(terms: np.ndarray, rows: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(terms, kind="stable")
    terms, rows = terms[order], rows[order]
    uniq, first = np.unique(terms, return_index=True)
    starts = np.append(first, len(terms)).astype(np.int32)
    return uniq, starts, rows.astype(np.uint16 if n <= 0xFFFF else np.int32)


def _segment(cols: pa.Table, vecs: np.ndarray, texts: Sequence[str]) -> Segment:
    """Tokenize and quantize rows into a segment (the only place text is tokenized)."""
    terms: list[int] = []
    rows: list[int] = []
    lens = np.empty(len(texts), dtype=np.int32)
    for i, text in enumerate(texts):
        toks = tokenize(text or "")
        lens[i] = len(toks)
        terms.extend(_term_id(t) for t in toks)
        rows.extend([i] * len(toks))
    vecs = np.asarray(vecs, dtype=np.float32)
    codes, scale = quantize(vecs.reshape(len(texts), vecs.shape[-1] if vecs.ndim == 2 else -1))
    uniq, starts, post_rows = _csr(np.asarray(terms, dtype=np.int64), np.asarray(rows, dtype=np.int32), len(texts))
    content = cols.column("content").to_pylist() if len(texts) else []
    has_context = np.fromiter((t != c for t, c in zip(texts, content)), dtype=bool, count=len(texts))
    created = cols.column("created_at").to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return Segment(cols=cols, codes=codes, scale=scale, doc_len=lens, terms=uniq, starts=starts, rows=post_rows,
                   has_context=has_context, created=created)


def _concat(a: Segment, b: Segment) -> Segment:
    """One segment holding a's rows then b's (no text is tokenized again)."""
    ta, ra = a.occurrences()
    tb, rb = b.occurrences()
    n = a.n + b.n
    uniq, starts, rows = _csr(np.concatenate([ta, tb]), np.concatenate([ra, rb + a.n]), n)
    return Segment(
        cols=pa.concat_tables([a.cols, b.cols]).combine_chunks(),
        codes=np.concatenate([a.codes, b.codes]), scale=np.concatenate([a.scale, b.scale]),
        doc_len=np.concatenate([a.doc_len, b.doc_len]), terms=uniq, starts=starts, rows=rows,
        has_context=np.concatenate([a.has_context, b.has_context]),
        created=np.concatenate([a.created, b.created]),
    )


@dataclass
class Block:
    """One scope's rows: the main segment, and a small tail of rows added since (both
    searched; the tail is folded into the main segment by the write that fills it)."""

    main: Segment
    tail: Segment | None = None
    # the scope's mean vector, each row's dot with it and each row's squared norm (see
    # ``ScopeIndex.vector``); computed by the first search that centers, dropped by writes
    _center: tuple[np.ndarray, np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    @property
    def rows(self) -> int:
        return self.main.n + (self.tail.n if self.tail is not None else 0)

    def segments(self) -> list[Segment]:
        return [self.main] if self.tail is None else [self.main, self.tail]

    def ids(self) -> pa.ChunkedArray:
        return pa.chunked_array([s.cols.column("id").combine_chunks() for s in self.segments()])

    def nbytes(self) -> int:
        return sum(s.nbytes() for s in self.segments())

    def append(self, part: Segment) -> None:
        """Add rows (already tokenized and quantized): to the tail, folded in once it holds
        ``FOLD_ROWS``; so no search ever tokenizes or merges."""
        if part.n == 0:
            return
        self.tail = part if self.tail is None else _concat(self.tail, part)
        self._center = None
        if self.tail.n >= FOLD_ROWS:
            self.fold()

    def fold(self) -> None:
        if self.tail is not None:
            self.main, self.tail = _concat(self.main, self.tail), None

    def center(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The mean of the rows' vectors, each row's dot with it, and each row's squared norm."""
        if self._center is None:
            segs = self.segments()
            total = sum(np.einsum("ij,i->j", s.codes, s.scale) for s in segs)
            mean = (np.asarray(total, dtype=np.float32) / max(self.rows, 1)).astype(np.float32)
            dots = np.concatenate([np.einsum("ij,j->i", s.codes, mean) * s.scale for s in segs])
            sq = np.concatenate([_row_sq(s.codes) * s.scale * s.scale for s in segs])
            self._center = (mean, dots, sq)
        return self._center


def _row_sq(codes: np.ndarray) -> np.ndarray:
    """Each int8 row's squared norm (in int32: 384 x 127^2 fits)."""
    wide = codes.astype(np.int32)
    return np.einsum("ij,ij->i", wide, wide).astype(np.float32)


def _unique_rows(
    cols: pa.Table, vecs: np.ndarray, texts: list[str], known: pa.ChunkedArray | pa.Array | None
) -> tuple[pa.Table, np.ndarray, list[str]]:
    """The rows whose id is neither in ``known`` nor earlier among these rows."""
    ids = cols.column("id")
    keep = np.ones(cols.num_rows, dtype=bool)
    if known is not None and len(known):
        value_set = known.combine_chunks() if isinstance(known, pa.ChunkedArray) else known
        keep &= ~pc.is_in(ids, value_set=value_set).to_numpy(zero_copy_only=False)
    seen: set[str] = set()
    for i, mid in enumerate(ids.to_pylist()):
        if mid in seen:
            keep[i] = False
        seen.add(mid)
    if keep.all():
        return cols, vecs, texts
    idx = np.flatnonzero(keep)
    return cols.take(pa.array(idx)), np.asarray(vecs)[idx], [texts[i] for i in idx]


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
        if not self._blocks and not self._loading:
            return 0
        start = time.perf_counter()
        added = 0
        vecs = np.asarray(vecs)
        for key, idx in self._keys_of(cols).items():
            sel = np.asarray(idx)
            part = (cols.take(pa.array(sel)), vecs[sel], [texts[i] for i in idx])
            if key in self._loading:
                self._during_load.setdefault(key, []).append(part)
                continue
            blk = self._blocks[key]
            if known:
                part = _unique_rows(*part, known=blk.ids())
            if not part[0].num_rows:
                continue
            before = blk.nbytes()
            seg = _segment(*part)
            self._count(seg, 1)
            blk.append(seg)
            self._bytes += blk.nbytes() - before
            added += part[0].num_rows
        self._evict()
        self.write_seconds += time.perf_counter() - start
        return added

    def drop_scopes_of(self, cols: pa.Table) -> int:
        """Drop the loaded blocks that rows with these scope columns belong to (rows
        another process deleted or replaced); returns how many were dropped."""
        keys = [k for k in self._keys_of(cols) if k in self._blocks]
        for key in keys:
            self._forget(self._blocks.pop(key))
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
        """Whether any block is loaded or loading (else there is nothing to keep current)."""
        return bool(self._blocks or self._loading)

    def loaded_key(self, key: ScopeKey) -> bool:
        """Whether this scope's block is loaded or loading (or known to be too big)."""
        return key in self._blocks or key in self._loading or key in self._too_big

    def drop_all(self) -> None:
        """Forget every block (a delete, an update, a reset, another process's write)."""
        self._blocks.clear()
        self._df.clear()
        self._docs = 0
        self._too_big.clear()
        self._during_load.clear()
        self._bytes = 0
        self.generation += 1
        self.drops += 1

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
        self.misses += 1
        fut = asyncio.get_running_loop().create_future()
        self._loading[key] = fut
        gen = self.generation
        start = time.perf_counter()
        # rows announced but not yet in LanceDB: taken before the read (one that commits
        # during the read may then come twice: each id is kept once)
        behind = self._behind_for(key)
        try:
            loaded = await self._load(key)
            blk = None
            if loaded is None:
                self._too_big.add(key)
            else:
                extra = [*behind, *self._during_load.pop(key, [])]
                cols, vecs, texts = loaded
                if extra:
                    more = _unique_rows(
                        pa.concat_tables([t for t, _, _ in extra]).combine_chunks(),
                        np.vstack([np.asarray(v, dtype=np.float32) for _, v, _ in extra]),
                        [x for _, _, ts in extra for x in ts], known=cols.column("id"),
                    )
                    cols = pa.concat_tables([cols, more[0]]).combine_chunks()
                    vecs = np.vstack([np.asarray(vecs, dtype=np.float32), more[1]])
                    texts = [*texts, *more[2]]
                # tokenizing a block's texts takes ~20 ms per 3k rows: in a worker thread, so
                # searches of loaded blocks go on meanwhile (the GIL is shared every 5 ms)
                blk = Block(await asyncio.to_thread(_segment, cols, vecs, texts))
                for part in self._during_load.pop(key, []):  # rows written while it was built
                    part = _unique_rows(*part, known=blk.ids())
                    if part[0].num_rows:
                        blk.append(_segment(*part))
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
            self._forget(self._blocks.popitem(last=False)[1])

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
    def _take(blk: Block, top: np.ndarray, scores: np.ndarray, lazy: bool = False) -> list[dict[str, Any]]:
        """The rows at ``top`` with their scores. ``lazy``: only ``id`` and ``score``, plus a
        reference (``LAZY``) that :meth:`materialize` turns into the whole row; a hybrid
        search fuses 2 x 50 candidates into 10 hits, and reading every column of the 100
        rows took 0.5 ms per list at 1M rows."""
        # keyed by (block, row) for fusion: no Arrow call per candidate list
        rows = [{"id": (LAZY, id(blk), int(i)), "score": float(scores[i]), LAZY: (blk, int(i))} for i in top]
        return rows if lazy else ScopeIndex.materialize(rows)

    @staticmethod
    def materialize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Whole rows for rows that ``lazy`` searches returned (others are kept as they are),
        in the same order, each keeping its (fused) score. A memory that came twice (its
        block was reloaded between the two candidate lists) is kept once, at its best."""
        out: list[dict[str, Any] | None] = list(rows)
        wanted: dict[tuple[int, int], list[int]] = {}  # (block, segment) -> positions
        blocks: dict[int, Block] = {}
        for pos, row in enumerate(rows):
            ref = row.get(LAZY)
            if ref is not None:
                blk, i = ref
                blocks[id(blk)] = blk
                wanted.setdefault((id(blk), 0 if i < blk.main.n else 1), []).append(pos)
        for (key, which), positions in wanted.items():
            blk = blocks[key]
            seg = blk.segments()[which]
            base = 0 if which == 0 else blk.main.n
            full = seg.cols.take(pa.array([rows[p][LAZY][1] - base for p in positions])).to_pylist()
            for p, row in zip(positions, full):
                row["score"] = rows[p]["score"]
                out[p] = row
        seen: set[str] = set()
        kept = []
        for row in out:
            if row is not None and row["id"] not in seen:
                seen.add(row["id"])
                kept.append(row)
        return kept

    @staticmethod
    def vector(blk: Block, query: np.ndarray, limit: int, lazy: bool = False,
               center: float = 0.0) -> list[dict[str, Any]]:
        """Top rows by dot product with the normalized query (int8 codes x per-row scale).

        ``center`` (0 to 1): the cosine is taken after ``center`` times the scope's mean
        vector is taken from the query and from every row. What all memories of a scope
        share (the user's name in every fact, the speakers of a conversation) then stops
        pulling every row towards every query naming it, and what tells them apart counts
        (``BENCHMARKS.md``, retrieval). Not with fewer than 3 rows (the order of 2 rows
        does not change)."""
        n = blk.rows
        if n == 0:
            return []
        q = np.asarray(query, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        # einsum, not matmul: OpenBLAS threads a matrix-vector product this small, and right
        # after the query's embedding (ONNX threads still spinning) that took 6.6 ms p50
        # instead of 0.3-0.6 ms here (/tmp probe on 2 cores, load 4). The int8 codes go in
        # as they are (einsum casts them in small buffers): no 4 MB float copy per search,
        # 0.56 instead of 0.77 ms for 2,900 rows with cold caches
        sims = np.concatenate([np.einsum("ij,j->i", s.codes, q) * s.scale for s in blk.segments()])
        if center > 0.0 and n >= 3:
            mean, dots, sq = blk.center()
            a = float(center)
            mq = float(mean @ q)
            mm = float(mean @ mean)
            num = sims - a * dots - a * mq + a * a * mm
            row_norm = np.sqrt(np.maximum(sq - 2.0 * a * dots + a * a * mm, 1e-12))
            q_norm = math.sqrt(max(1.0 - 2.0 * a * mq + a * a * mm, 1e-12))
            sims = num / (row_norm * q_norm)
        k = min(limit, n)
        top = np.argpartition(-sims, k - 1)[:k] if k < n else np.arange(n)
        top = top[np.argsort(-sims[top], kind="stable")]
        return ScopeIndex._take(blk, top, sims, lazy)

    def fts(self, blk: Block, text: str, limit: int, k1: float = 1.2, b: float = 0.75,
            lazy: bool = False, turns: float = 0.0) -> list[dict[str, Any]]:
        """BM25 over the block's rows, as a fraction of the best score the query's terms could reach.

        A term's IDF is the smaller of its IDF within the scope and across every loaded
        block: a term found in every memory of the scope (the user's name) adds about
        nothing, and neither does one found in many memories of the store however few of
        this scope hold it ("my", the "s" of "Kwame's": in a handful of facts, a match on
        them is chance). Lengths are the scope's own. The score is divided by
        :func:`bm25_reach` (every query term found once, in a row of average length, in one
        row of the scope), so it means the same for every query and scope: a query whose
        only match is a common word scores near 0, not 1. Rows scoring 0 are not returned.

        ``turns`` (0 to 1): a row stored without a context also gets evidence from the row
        stored just before it by the same call (one ``add_batch`` of a conversation in order:
        the turn before is often what the question matches) at weight ``turns``, and from the
        one before that at ``turns**2``, combined as independent evidence (``1 - (1 - s)(1 -
        turns * s_prev)...``) so the score stays in [0, 1]. Rows of one call share their
        ``created_at``; memories added one call each stand alone. A row stored with a
        context already holds the turns before it and gets none.
        """
        n = blk.rows
        terms = sorted({_term_id(t) for t in tokenize(text)})
        if n == 0 or not terms:
            return []
        segs = blk.segments()
        doc_len = segs[0].doc_len if len(segs) == 1 else np.concatenate([s.doc_len for s in segs])
        avgdl = float(doc_len.mean()) or 1.0
        docs = max(self._docs, n)
        norm = k1 * (1.0 - b + b * doc_len / avgdl)
        scores = np.zeros(n, dtype=np.float64)
        for t in terms:
            hits = [segs[0].postings(t).astype(np.int64)]
            if len(segs) > 1:
                hits.append(segs[1].postings(t).astype(np.int64) + segs[0].n)
            occ = np.concatenate(hits) if len(hits) > 1 else hits[0]
            if not len(occ):
                continue
            rows, tf = np.unique(occ, return_counts=True)
            df = len(rows)
            gdf = max(self._df.get(t, 0), df)
            idf = min(math.log(1.0 + (n - df + 0.5) / (df + 0.5)),  # within the scope
                      math.log(1.0 + (docs - gdf + 0.5) / (gdf + 0.5)))  # across the loaded blocks
            scores[rows] += idf * tf * (k1 + 1.0) / (tf + norm[rows])
        scores = np.minimum(scores / bm25_reach(len(terms), n), 1.0)
        if turns > 0.0 and n > 1:
            one = len(segs) == 1
            bare = ~(segs[0].has_context if one else np.concatenate([s.has_context for s in segs]))
            created = segs[0].created if one else np.concatenate([s.created for s in segs])
            miss = 1.0 - scores
            miss[1:] *= 1.0 - turns * scores[:-1] * (bare[1:] & (created[1:] == created[:-1]))
            miss[2:] *= 1.0 - turns * turns * scores[:-2] * (bare[2:] & (created[2:] == created[:-2]))
            scores = 1.0 - miss
        found = np.flatnonzero(scores > 0.0)
        if not len(found):
            return []
        k = min(limit, len(found))
        top = found[np.argpartition(-scores[found], k - 1)[:k]] if k < len(found) else found
        top = top[np.argsort(-scores[top], kind="stable")]
        return ScopeIndex._take(blk, top, scores, lazy)

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
            "load_seconds": round(self.load_seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
        }
