"""Why full text weighs by scope size: how often each side's first hit is right, per data set.

    python experiments/fusion_diagnostics.py --dataset locomo:../shared/data/locomo_dev.json \\
        --dataset facts:tests/data/facts_dev.json --dataset locomo:tests/data/chats_dev.json --json out.json

Each data set is stored through plain ``add_batch`` with the defaults, and every answerable
question is searched in its scope by vector alone and by full text alone (the lists hybrid
search fuses). Reported per data set: the scopes' mean size; how often the first vector hit
answers the question (plain cosine and with the defaults' centering); how often the first
full-text hit does, binned by its score (a fraction of what the query's words could reach),
with the vector side's rate on the same questions beside it; and how many questions only one
side answers first (what any fusion of the two could gain at best).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
from pathlib import Path

from agentmem import Memory, MemoryConfig
from agentmem.bench import load_dataset
from agentmem.eval.retrieval import DEFAULT_EXCLUDED_CATEGORIES, ingest

BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.01)


def first_hits(spec: str, config: MemoryConfig) -> dict:
    ds = load_dataset(spec, context_turns=0, context_date=False)
    questions = [q for q in ds.questions if q.category not in DEFAULT_EXCLUDED_CATEGORIES]
    with tempfile.TemporaryDirectory() as tmp, Memory(config.replace(data_dir=tmp)) as mem:
        ingest(mem, ds, chunk=256)
        sizes = {u: mem.count(user_id=u) for u in ds.users}
        rows = []
        for q in questions:
            top = {}
            for mode in ("vector", "fts"):
                hits = mem.search(q.question, user_id=q.user_id, limit=1, mode=mode)
                top[mode] = (hits[0].metadata.get("dia_id") in q.evidence, hits[0].score) if hits else (False, None)
            rows.append(top)
    return {"name": ds.name, "questions": len(questions), "scope_mean": statistics.mean(sizes.values()), "rows": rows}


def summarize(plain: dict, centered: dict) -> dict:
    bins = []
    for lo, hi in itertools.pairwise(BINS):
        sel = [(c["fts"][0], c["vector"][0]) for c in centered["rows"]
               if c["fts"][1] is not None and lo <= c["fts"][1] < hi]
        bins.append({"from": lo, "to": min(hi, 1.0), "questions": len(sel),
                     "fts_right": sum(f for f, _ in sel) / len(sel) if sel else None,
                     "vector_right": sum(v for _, v in sel) / len(sel) if sel else None})
    rows = centered["rows"]
    return {
        "dataset": centered["name"], "questions": centered["questions"], "scope_mean": round(centered["scope_mean"], 1),
        "vector_top1_plain": sum(r["vector"][0] for r in plain["rows"]) / len(plain["rows"]),
        "vector_top1_centered": sum(r["vector"][0] for r in rows) / len(rows),
        "fts_top1": sum(r["fts"][0] for r in rows) / len(rows),
        "only_vector_right": sum(r["vector"][0] and not r["fts"][0] for r in rows),
        "only_fts_right": sum(r["fts"][0] and not r["vector"][0] for r in rows),
        "either_right": sum(r["vector"][0] or r["fts"][0] for r in rows) / len(rows),
        "fts_bins": bins,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", action="append", required=True, help="locomo:PATH or facts:PATH (repeat)")
    parser.add_argument("--json", dest="json_out", help="write the figures here")
    args = parser.parse_args(argv)
    base = MemoryConfig()
    out = []
    for spec in args.dataset:
        s = summarize(first_hits(spec, base.replace(vector_centering=0.0)), first_hits(spec, base))
        out.append(s)
        print(f"{s['dataset']}: {s['questions']} questions, {s['scope_mean']} memories a scope; first hit right: "
              f"vector {s['vector_top1_plain']:.3f} (centered {s['vector_top1_centered']:.3f}), full text "
              f"{s['fts_top1']:.3f}; either {s['either_right']:.3f}; only vector {s['only_vector_right']}, only full "
              f"text {s['only_fts_right']}")
        for b in s["fts_bins"]:
            if b["questions"]:
                print(f"  full-text score {b['from']:.2f}-{b['to']:.2f}: {b['questions']} questions, full text right "
                      f"{b['fts_right']:.2f}, vector right {b['vector_right']:.2f}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"kind": "fusion_diagnostics", "config": base.to_dict() | {
            "data_dir": None}, "datasets": out}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
