"""How hybrid search merges its two candidate lists (vector and full text) into one.

One entry point, :func:`fuse`, used by ``Orchestrator.search`` and by the retrieval
evaluation (which fuses cached candidate lists with many settings, so the figures in
BENCHMARKS.md come from this very code). Three methods (``MemoryConfig.hybrid_fusion``):

``minmax``
    each list's scores scaled to [0, 1] by its own min and max, then weighted
    (``hybrid_vector_weight`` for the vector side, the rest for full text) and summed.
``rrf``
    reciprocal-rank fusion: the sum over lists of ``1 / (rrf_k + rank)``; scores ignored.
``adaptive``
    min-max, with the weights moved towards the side that is more confident on this
    query. A side's confidence is how far its best score stands above its next best
    (``(top1 - mean(top 10)) / (top1 - last)``, in [0, 1]); the vector weight becomes
    ``w*cv / (w*cv + (1-w)*cf)`` with ``cv``, ``cf`` the square roots of those confidences.
    A full-text list whose best hit barely beats the rest (common words only) then
    counts less, and the other way round.

Rows are dicts with at least ``id`` and ``score`` (higher is better); the fused rows
are the input rows with ``score`` replaced by the fused score, best first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .config import FUSIONS, MemoryConfig

__all__ = ["FUSIONS", "fuse", "rrf", "minmax", "confidence", "adaptive_weight"]

Rows = Sequence[dict[str, Any]]

#: Hits of each list looked at by ``confidence`` (the head it compares the best against).
CONFIDENCE_HEAD = 10


def rrf(lists: Sequence[Rows], k: int, limit: int) -> list[dict[str, Any]]:
    """Reciprocal-rank fusion: score = sum over lists of 1 / (k + rank)."""
    fused: dict[str, dict[str, Any]] = {}
    scores: dict[str, float] = {}
    for rows in lists:
        for rank, row in enumerate(rows, start=1):
            scores[row["id"]] = scores.get(row["id"], 0.0) + 1.0 / (k + rank)
            fused.setdefault(row["id"], row)
    order = sorted(scores, key=lambda i: -scores[i])[:limit]
    return [{**fused[i], "score": scores[i]} for i in order]


def minmax(lists: Sequence[Rows], weights: Sequence[float], limit: int) -> list[dict[str, Any]]:
    """Score fusion: each list's scores scaled to [0, 1] by its own min and max, then weighted and summed.

    Unlike RRF it keeps how far apart the scores are, which matters when one side is
    confident (a rare name in full text) and the other is not.
    """
    fused: dict[str, dict[str, Any]] = {}
    scores: dict[str, float] = {}
    for rows, weight in zip(lists, weights):
        if not rows:
            continue
        values = [r["score"] for r in rows]
        lo, hi = min(values), max(values)
        for row in rows:
            scaled = (row["score"] - lo) / (hi - lo) if hi > lo else 1.0
            scores[row["id"]] = scores.get(row["id"], 0.0) + weight * scaled
            fused.setdefault(row["id"], row)
    order = sorted(scores, key=lambda i: -scores[i])[:limit]
    return [{**fused[i], "score": scores[i]} for i in order]


def confidence(rows: Rows, head: int = CONFIDENCE_HEAD) -> float:
    """How far the best score stands out: (top1 - mean of the top ``head``) / (top1 - last), in [0, 1].

    0 for fewer than two rows or all scores equal (nothing stands out).
    """
    if len(rows) < 2:
        return 0.0
    values = [float(r["score"]) for r in rows]
    top, last = values[0], min(values)
    if top <= last:
        return 0.0
    first = values[:head]
    return max(0.0, min(1.0, (top - sum(first) / len(first)) / (top - last)))


def adaptive_weight(vec_rows: Rows, fts_rows: Rows, weight: float) -> float:
    """The vector side's weight for one query (see the module docstring)."""
    if not fts_rows:
        return 1.0
    if not vec_rows:
        return 0.0
    cv, cf = math.sqrt(confidence(vec_rows)), math.sqrt(confidence(fts_rows))
    den = weight * cv + (1.0 - weight) * cf
    return weight if den <= 0.0 else weight * cv / den


def fuse(
    vec_rows: Rows,
    fts_rows: Rows,
    *,
    config: MemoryConfig,
    limit: int,
    query: str | None = None,
) -> list[dict[str, Any]]:
    """Merge the vector and full-text candidates (each best first) by ``config.hybrid_fusion``.

    ``query`` is accepted for fusions that look at the query; the current ones do not.
    """
    del query  # no method reads it yet
    method = config.hybrid_fusion
    if method == "rrf":
        return rrf([vec_rows, fts_rows], config.rrf_k, limit)
    w = config.hybrid_vector_weight
    if method == "adaptive":
        w = adaptive_weight(vec_rows, fts_rows, w)
    return minmax([vec_rows, fts_rows], [w, 1.0 - w], limit)
