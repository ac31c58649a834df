"""Retrieval evaluation on LoCoMo-format data (recall@k, MRR, nDCG@k per search mode).

    from agentmem.eval import evaluate
    ev = evaluate("locomo:../shared/data/locomo_dev.json", k=10)
    print(ev.summary_frame())
"""

from .metrics import (
    first_hit_rank,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    session_hit,
)
from .retrieval import (
    CATEGORY_NAMES,
    DEFAULT_EXCLUDED_CATEGORIES,
    EvalResult,
    evaluate,
    parse_modes,
)

__all__ = [
    "CATEGORY_NAMES",
    "DEFAULT_EXCLUDED_CATEGORIES",
    "EvalResult",
    "evaluate",
    "first_hit_rank",
    "ndcg_at_k",
    "parse_modes",
    "recall_at_k",
    "reciprocal_rank",
    "session_hit",
]
