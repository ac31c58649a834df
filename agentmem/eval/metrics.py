"""Ranking metrics over evidence ids: recall@k, reciprocal rank, nDCG@k (binary gains).

Pure functions of ``evidence`` (the ids that answer a question) and ``retrieved``
(ids in rank order, best first). A retrieved id counts once, at its first rank.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from ..bench.stats import mean
from ..errors import InvalidInputError

__all__ = ["SESSION_HIT_K", "first_hit_rank", "mean", "mean_scores", "ndcg_at_k", "question_scores", "recall_at_k",
           "reciprocal_rank", "session_hit", "session_of"]

#: Session hit@k is scored at this k (the figure no-LLM peers publish, e.g. engram-search).
SESSION_HIT_K = 5


def _prepare(evidence: Iterable[str], retrieved: Sequence[str], k: int | None) -> tuple[set[str], list[str]]:
    gold = set(evidence)
    if not gold:
        raise InvalidInputError("evidence", "must name at least one id")
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 1):
        raise InvalidInputError("k", f"must be a positive integer, got {k!r}")
    ranked = list(dict.fromkeys(retrieved))  # first occurrence keeps its rank
    if k is not None:
        ranked = list(dict.fromkeys(list(retrieved)[:k]))
    return gold, ranked


def recall_at_k(evidence: Iterable[str], retrieved: Sequence[str], k: int) -> float:
    """Share of the evidence found in the top ``k``."""
    gold, ranked = _prepare(evidence, retrieved, k)
    return len(gold.intersection(ranked)) / len(gold)


def first_hit_rank(evidence: Iterable[str], retrieved: Sequence[str], k: int | None = None) -> int | None:
    """1-based rank of the first evidence id in the top ``k`` (all if None), or None."""
    gold, _ = _prepare(evidence, retrieved, k)
    top = list(retrieved) if k is None else list(retrieved)[:k]
    for rank, rid in enumerate(top, start=1):
        if rid in gold:
            return rank
    return None


def reciprocal_rank(evidence: Iterable[str], retrieved: Sequence[str], k: int | None = None) -> float:
    """1 / rank of the first evidence hit in the top ``k``; 0.0 when there is none."""
    rank = first_hit_rank(evidence, retrieved, k)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(evidence: Iterable[str], retrieved: Sequence[str], k: int) -> float:
    """nDCG@k with gain 1 for an evidence id: DCG / the DCG of a perfect ranking."""
    gold, _ = _prepare(evidence, retrieved, k)
    seen: set[str] = set()
    dcg = 0.0
    for i, rid in enumerate(list(retrieved)[:k]):
        if rid in gold and rid not in seen:
            dcg += 1.0 / math.log2(i + 2)
        seen.add(rid)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal


def session_of(dia_id: str) -> str | None:
    """The session of a LoCoMo turn id: ``"D3:12"`` -> ``"3"``; None if it is not one."""
    head, sep, _ = str(dia_id).partition(":")
    if not sep or not head.startswith("D") or not head[1:].isdigit():
        return None
    return head[1:]


def session_hit(evidence: Iterable[str], retrieved: Sequence[str], k: int) -> float:
    """Session-level hit@k: 1.0 if a session holding an evidence turn is among the first
    ``k`` distinct sessions of the results (in order of their first hit), else 0.0. The
    looser figure no-LLM peers publish (engram-search); recall@k asks for the turns
    themselves. ``retrieved`` should run long enough to reach ``k`` sessions."""
    evidence, ranked = _prepare(evidence, retrieved, None)
    _prepare(evidence, [], k)  # k checked too
    gold = {session_of(e) for e in evidence} - {None}
    seen: list[str | None] = []
    for r in ranked:
        s = session_of(r)
        if s not in seen:
            seen.append(s)
            if len(seen) == k:
                break
    return 1.0 if gold & set(seen) else 0.0


def question_scores(evidence: Iterable[str], retrieved: Sequence[str], k: int) -> dict[str, Any]:
    """One question's scores: ``recall``, the first hit's ``rank``, ``rr`` (1 / rank), ``top1``
    and ``ndcg`` over the first ``k`` of ``retrieved``; ``session_hit5`` (session hit at
    ``SESSION_HIT_K``) over all of it."""
    gold = list(evidence)
    top = list(retrieved)[:k]
    rank = first_hit_rank(gold, top, k)
    return {
        "recall": recall_at_k(gold, top, k),
        "rank": rank,
        "rr": 0.0 if rank is None else 1.0 / rank,
        "top1": 1.0 if rank == 1 else 0.0,
        "ndcg": ndcg_at_k(gold, top, k),
        "session_hit5": session_hit(gold, retrieved, SESSION_HIT_K),
    }


def mean_scores(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Means over rows of :func:`question_scores`: ``recall``, ``mrr``, ``top1``, ``ndcg``."""
    return {
        "recall": mean(r["recall"] for r in rows),
        "mrr": mean(r["rr"] for r in rows),
        "top1": mean(r["top1"] for r in rows),
        "ndcg": mean(r["ndcg"] for r in rows),
    }
