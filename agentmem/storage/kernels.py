"""The search kernels over one scope block: exact cosine over int8 codes (optionally
centered on the scope's mean vector) and BM25 over its postings, both scoring every row of
the block, and the lazy rows a search returns until fusion has picked its hits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from .blocks import Block
from .text import bm25_reach, term_id, tokenize

__all__ = ["LAZY", "fts", "materialize", "take", "vector"]

#: The key of a lazy row's reference to its block row (see :func:`take`).
LAZY = "_block_row"


def take(blk: Block, top: np.ndarray, scores: np.ndarray, lazy: bool = False) -> list[dict[str, Any]]:
    """The rows at ``top`` with their scores. ``lazy``: only ``id`` and ``score``, plus a
    reference (``LAZY``) that :meth:`materialize` turns into the whole row; a hybrid
    search fuses 2 x 50 candidates into 10 hits, and reading every column of the 100
    rows took 0.5 ms per list at 1M rows."""
    # keyed by (block, row) for fusion: no Arrow call per candidate list
    rows = [{"id": (LAZY, id(blk), int(i)), "score": float(scores[i]), LAZY: (blk, int(i))} for i in top]
    return rows if lazy else materialize(rows)

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
    # after the query's embedding (ONNX threads still spinning) those threads contend for
    # the cores. The int8 codes go in as they are (einsum casts them in small buffers): no
    # float copy of the block per search.
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
    return take(blk, top, sims, lazy)

def fts(blk: Block, text: str, limit: int, *, docs: int, df: Mapping[int, int], k1: float = 1.2,
        b: float = 0.75, lazy: bool = False, turns: float = 0.0) -> list[dict[str, Any]]:
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
    terms = sorted({term_id(t) for t in tokenize(text)})
    if n == 0 or not terms:
        return []
    segs = blk.segments()
    doc_len = segs[0].doc_len if len(segs) == 1 else np.concatenate([s.doc_len for s in segs])
    avgdl = float(doc_len.mean()) or 1.0
    docs = max(docs, n)
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
        found = len(rows)
        gdf = max(df.get(t, 0), found)
        idf = min(math.log(1.0 + (n - found + 0.5) / (found + 0.5)),  # within the scope
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
    return take(blk, top, scores, lazy)
