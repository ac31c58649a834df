"""How hybrid search merges its two candidate lists (vector and full text) into one.

One entry point, :func:`fuse`, used by ``Orchestrator.search`` and by the retrieval
evaluation (which fuses cached candidate lists with many settings, so the figures in
BENCHMARKS.md come from this very code). Four methods (``MemoryConfig.hybrid_fusion``):

``calibrated`` (the default)
    scores that mean the same for every query and scope, weighted and summed. The vector
    side's evidence is its cosine above ``hybrid_vector_floor``, scaled to [0, 1] (in a
    scope answered from memory, the cosine after the scope's shared direction is taken out:
    ``vector_centering``). The full-text side's is its BM25 as a fraction of the best score
    the query's terms could reach (the store computes it: ``storage.scopes.bm25_reach``),
    each term's IDF the smaller of the scope's and the store's, so a word found in every
    memory of the scope (the user's name) adds about nothing. Full text weighs
    ``(1 - hybrid_vector_weight) * n / (n + hybrid_text_half_rows)`` in a scope of ``n``
    memories and the vector side the rest: among a handful of memories the nearest vector
    is usually the answer and a shared word is chance, while among hundreds of turns the
    vector side's first hit rarely is (measured on the evaluation sets: vector top-1 0.87
    with 4-9 facts a user, 0.21 in LoCoMo conversations of ~550 turns, while full text's
    first hit at a given score is right about as often in both). A candidate with no
    evidence on either side is not returned, so ``threshold`` is on one scale.
    Why not min-max: it scales each list to [0, 1] by its own min and max, so a
    full-text list that only matched a common word still gives its best hit 1.0 and,
    weighted 0.6, it outranks the vector side's right answer (a handful of facts about
    Alice, "what does alice drink?": "Alice runs marathons" first).
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

Rows are dicts with at least ``id`` and ``score`` (higher is better); the fused rows
are the input rows with ``score`` replaced by the fused score, best first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .config import FUSIONS, MemoryConfig

__all__ = ["FUSIONS", "adaptive_weight", "calibrated", "confidence", "fuse", "minmax", "rrf"]

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


def calibrated(vec_rows: Rows, fts_rows: Rows, weight: float, floor: float, limit: int,
               scope_rows: int | None = None, half_rows: int = 60) -> list[dict[str, Any]]:
    """Weighted sum of scores that mean the same for every query (see the module docstring).

    Vector evidence: ``(cosine - floor) / (1 - floor)`` clipped to [0, 1]; full-text evidence:
    the store's score, already a fraction of what the query's terms could reach (clipped to
    [0, 1] here too). Full text weighs ``(1 - weight) * n / (n + half_rows)`` for a scope
    of ``n = scope_rows`` memories (``1 - weight`` when unknown), the vector side the rest.
    A candidate with no evidence on either side is not returned; either list may be empty.
    """
    text = (1.0 - weight) * (1.0 if scope_rows is None else scope_rows / (scope_rows + half_rows))
    fused: dict[str, dict[str, Any]] = {}
    scores: dict[str, float] = {}
    span = 1.0 - floor
    for row in vec_rows:
        ev = min(1.0, max(0.0, (float(row["score"]) - floor) / span))
        scores[row["id"]] = (1.0 - text) * ev
        fused[row["id"]] = row
    for row in fts_rows:
        ev = min(1.0, max(0.0, float(row["score"])))
        scores[row["id"]] = scores.get(row["id"], 0.0) + text * ev
        fused.setdefault(row["id"], row)
    order = sorted((i for i in scores if scores[i] > 0.0), key=lambda i: -scores[i])[:limit]
    return [{**fused[i], "score": scores[i]} for i in order]


def fuse(
    vec_rows: Rows,
    fts_rows: Rows,
    *,
    config: MemoryConfig,
    limit: int,
    query: str | None = None,
    scope_rows: int | None = None,
) -> list[dict[str, Any]]:
    """Merge the vector and full-text candidates (each best first) by ``config.hybrid_fusion``.

    ``scope_rows``: how many memories the search scored (its scope's size), when known;
    ``calibrated`` gives full text less weight in a small scope. ``query`` is accepted for
    fusions that look at the query; the current ones do not.
    """
    del query  # no method reads it yet
    method = config.hybrid_fusion
    if method == "rrf":
        return rrf([vec_rows, fts_rows], config.rrf_k, limit)
    w = config.hybrid_vector_weight
    if method == "calibrated":
        return calibrated(vec_rows, fts_rows, w, config.hybrid_vector_floor, limit, scope_rows,
                          config.hybrid_text_half_rows)
    if method == "adaptive":
        w = adaptive_weight(vec_rows, fts_rows, w)
    return minmax([vec_rows, fts_rows], [w, 1.0 - w], limit)
