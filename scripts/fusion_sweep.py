"""How hybrid search should merge its vector and full-text lists: a sweep on LoCoMo-format data.

    python scripts/fusion_sweep.py ../shared/data/locomo_dev.json [--json OUT]

Each setting is a MemoryConfig (``hybrid_fusion``, ``hybrid_vector_weight``, ``rrf_k``,
``hybrid_candidates``) run through ``agentmem.eval.evaluate`` in hybrid mode, so the
figures are those the library gives with that setting. This sweep scores every setting on
the whole split (in-sample); the defaults are now chosen by cross-validation instead
(``agentmem eval --cv 2``, agentmem/eval/cv.py), which also covers these settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agentmem import MemoryConfig
from agentmem.bench import load_dataset
from agentmem.eval import evaluate

SETTINGS = [
    {"hybrid_fusion": "rrf", "rrf_k": 60},
    {"hybrid_fusion": "rrf", "rrf_k": 10},
    {"hybrid_fusion": "rrf", "rrf_k": 3},
    {"hybrid_fusion": "minmax", "hybrid_vector_weight": 0.3},
    {"hybrid_fusion": "minmax", "hybrid_vector_weight": 0.4},
    {"hybrid_fusion": "minmax", "hybrid_vector_weight": 0.5},
    {"hybrid_fusion": "minmax", "hybrid_vector_weight": 0.6},
    {"hybrid_fusion": "minmax", "hybrid_vector_weight": 0.4, "hybrid_candidates": 20},
    {"hybrid_fusion": "minmax", "hybrid_vector_weight": 0.4, "hybrid_candidates": 100},
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a LoCoMo-format JSON file")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", dest="out", help="write the rows as JSON")
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"fusion_sweep: no such file: {args.path}", file=sys.stderr)
        return 2
    ds = load_dataset(f"locomo:{args.path}")
    rows = []
    print(f"{'setting':<52} recall@{args.k}   MRR  nDCG@{args.k}")
    for setting in SETTINGS:
        cfg = MemoryConfig(**setting)
        summary = evaluate(ds, k=args.k, modes=("hybrid",), config=cfg).summary_frame().iloc[0]
        label = ", ".join(f"{k}={v}" for k, v in setting.items())
        rows.append({**setting, "recall": float(summary["recall"]), "mrr": float(summary["mrr"]), "ndcg": float(summary["ndcg"])})
        print(f"{label:<52} {summary['recall']:.3f}  {summary['mrr']:.3f}  {summary['ndcg']:.3f}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps({"dataset": ds.to_dict(), "k": args.k, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
