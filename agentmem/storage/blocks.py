"""The data of a scope block: rows as int8 vectors with one scale each, text as postings,
the hit columns as Arrow (a :class:`Segment`), and a :class:`Block` of one main segment and
a small tail that the write filling it folds in. Text is tokenized in :func:`segment` only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .text import _TOKEN, term_id, tokenize

__all__ = ["FOLD_ROWS", "Block", "Segment", "concat", "quantize", "segment", "unique_rows"]

FOLD_ROWS = 256  # a block's tail (rows added since it was built) is folded in at this size


def quantize(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and one float32 scale per vector (max |x| maps to 127).

    Per-vector scales keep a row's codes independent of the rest of the block, so rows
    are appended without requantizing; recall@10 against float32 search on real-model
    vectors is in BENCHMARKS.md (scale)."""
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


def csr(terms: np.ndarray, rows: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(terms, kind="stable")
    terms, rows = terms[order], rows[order]
    uniq, first = np.unique(terms, return_index=True)
    starts = np.append(first, len(terms)).astype(np.int32)
    return uniq, starts, rows.astype(np.uint16 if n <= 0xFFFF else np.int32)


# analyzed word -> its term id, or -1 for a word that is no term (a stop word, too long):
# a block's words repeat across rows, so each is stemmed and hashed once (see term_ids)
_TERM_IDS: dict[str, int] = {}
_TERM_IDS_MAX = 200_000


def _word_id(word: str) -> int:
    terms = tokenize(word)  # the analyzer on one lower-case ASCII word: its term, or none
    tid = term_id(terms[0]) if len(terms) == 1 else -1
    if len(_TERM_IDS) >= _TERM_IDS_MAX:
        _TERM_IDS.clear()
    _TERM_IDS[word] = tid
    return tid


def term_ids(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each text's term ids, concatenated, and how many each text has: ``tokenize`` then
    ``term_id`` per term, with the per-word work done once per distinct word (ASCII text;
    other text goes through ``tokenize`` whole, for its normalization)."""
    ids: list[int] = []
    lens = np.empty(len(texts), dtype=np.int32)
    get = _TERM_IDS.get
    findall = _TOKEN.findall
    for i, text in enumerate(texts):
        text = text or ""
        if text.isascii():
            row = [get(w) for w in findall(text.lower())]
            if None in row:
                row = [_word_id(w) if x is None else x for w, x in zip(findall(text.lower()), row)]
            row = [x for x in row if x >= 0]
        else:
            row = [term_id(t) for t in tokenize(text)]
        lens[i] = len(row)
        ids.extend(row)
    return np.asarray(ids, dtype=np.int64), lens


def segment(cols: pa.Table, vecs: np.ndarray, texts: Sequence[str]) -> Segment:
    """Tokenize and quantize rows into a segment (the only place text is tokenized)."""
    terms, lens = term_ids(texts)
    rows = np.repeat(np.arange(len(texts), dtype=np.int32), lens)
    vecs = np.asarray(vecs, dtype=np.float32)
    codes, scale = quantize(vecs.reshape(len(texts), vecs.shape[-1] if vecs.ndim == 2 else -1))
    uniq, starts, post_rows = csr(terms, rows, len(texts))
    content = cols.column("content").to_pylist() if len(texts) else []
    has_context = np.fromiter((t != c for t, c in zip(texts, content)), dtype=bool, count=len(texts))
    created = cols.column("created_at").to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return Segment(cols=cols, codes=codes, scale=scale, doc_len=lens, terms=uniq, starts=starts, rows=post_rows,
                   has_context=has_context, created=created)


def concat(a: Segment, b: Segment) -> Segment:
    """One segment holding a's rows then b's (no text is tokenized again)."""
    ta, ra = a.occurrences()
    tb, rb = b.occurrences()
    n = a.n + b.n
    uniq, starts, rows = csr(np.concatenate([ta, tb]), np.concatenate([ra, rb + a.n]), n)
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
        self.tail = part if self.tail is None else concat(self.tail, part)
        self._center = None
        if self.tail.n >= FOLD_ROWS:
            self.fold()

    def fold(self) -> None:
        if self.tail is not None:
            self.main, self.tail = concat(self.main, self.tail), None

    def center(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The mean of the rows' vectors, each row's dot with it, and each row's squared norm."""
        if self._center is None:
            segs = self.segments()
            total = sum(np.einsum("ij,i->j", s.codes, s.scale) for s in segs)
            mean = (np.asarray(total, dtype=np.float32) / max(self.rows, 1)).astype(np.float32)
            dots = np.concatenate([np.einsum("ij,j->i", s.codes, mean) * s.scale for s in segs])
            sq = np.concatenate([row_sq(s.codes) * s.scale * s.scale for s in segs])
            self._center = (mean, dots, sq)
        return self._center


def row_sq(codes: np.ndarray) -> np.ndarray:
    """Each int8 row's squared norm (in int32: 384 x 127^2 fits)."""
    wide = codes.astype(np.int32)
    return np.einsum("ij,ij->i", wide, wide).astype(np.float32)


def unique_rows(
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
