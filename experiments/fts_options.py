"""What each LanceDB full-text option does, per LoCoMo question category.

    python experiments/fts_options.py ../shared/data/locomo_dev.json --json out.json

One LanceDB table holds the dev split's search text twice (the turn alone, and the default
representation: session date + two turns before + the turn); each option set gets its own
copy of those columns with its own FTS index (``agentmem.storage.lance.fts_config`` with
one option changed). Every question is searched in its conversation (prefiltered by
user_id, as the store does); recall@k of the full-text side alone, per category, plus the
index build seconds and the query p50. Positions (``with_position``) only matter for
phrase queries ("..."), which searches never send: the ranking is the same, the index is
bigger and slower to build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import lancedb
import pyarrow as pa
from agentmem.bench import load_dataset
from agentmem.eval import CATEGORY_NAMES, recall_at_k
from agentmem.storage.filters import lance_literal
from agentmem.storage.lance import fts_config

OPTIONS = {
    "default (stem, stop words out, ASCII folding)": {},
    "no stemming": {"stem": False},
    "stop words kept": {"remove_stop_words": False},
    "no stemming, stop words kept": {"stem": False, "remove_stop_words": False},
    "no ASCII folding": {"ascii_folding": False},
    "with positions": {"with_position": True},
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a LoCoMo-format JSON file")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", dest="out", help="write the rows as JSON")
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"fts_options: no such file: {args.path}", file=sys.stderr)
        return 2
    ds = load_dataset(f"locomo:{args.path}")  # the default representation
    questions = [q for q in ds.questions if q.category != 5]
    texts = {
        "turn alone": ds.texts,
        "date + 2 turns before + turn (default)": [
            f"{item.context}\n{item.text}" if item.context else item.text for item in ds.items
        ],
    }
    root = Path(tempfile.mkdtemp(prefix="fts-options-"))
    rows = []
    try:
        db = lancedb.connect(str(root))
        data = {"user_id": [item.user_id for item in ds.items], "dia_id": [str(item.metadata["dia_id"]) for item in ds.items]}
        columns = {}
        for t_index, (t_name, values) in enumerate(texts.items()):
            for o_index, o_name in enumerate(OPTIONS):
                column = f"t{t_index}_o{o_index}"
                data[column] = values
                columns[column] = (t_name, o_name)
        table = db.create_table("t", pa.table(data))
        for column, (t_name, o_name) in columns.items():
            base = fts_config()
            options = {name: getattr(base, name) for name in ("with_position", "base_tokenizer", "language", "lower_case",
                                                              "stem", "remove_stop_words", "ascii_folding")}
            options.update(OPTIONS[o_name])
            t0 = time.perf_counter()
            table.create_index(column, config=type(base)(**options))
            build_s = time.perf_counter() - t0
            scores, latency = [], []
            for q in questions:
                t1 = time.perf_counter()
                hits = (table.search(q.question, query_type="fts", fts_columns=column)
                        .where(f"user_id = {lance_literal(q.user_id)}", prefilter=True)
                        .select(["dia_id", "_score"]).limit(args.k).to_list())
                latency.append((time.perf_counter() - t1) * 1000.0)
                scores.append((q.category, recall_at_k(q.evidence, [h["dia_id"] for h in hits], args.k)))
            row = {
                "text": t_name,
                "option": o_name,
                "recall": statistics.fmean(r for _, r in scores),
                "by_category": {str(c): statistics.fmean(r for cat, r in scores if cat == c)
                                for c in sorted({c for c, _ in scores})},
                "build_s": build_s,
                "query_p50_ms": statistics.median(latency),
                "load_avg": round(os.getloadavg()[0], 2),
            }
            rows.append(row)
            cats = " ".join(f"{c} {CATEGORY_NAMES[int(c)][:6]} {v:.3f}" for c, v in row["by_category"].items())
            print(f"{t_name[:24]:<24} {o_name:<46} recall@{args.k} {row['recall']:.3f}  {cats}  "
                  f"build {build_s:.2f} s  p50 {row['query_p50_ms']:.2f} ms", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.out:
        Path(args.out).write_text(json.dumps({"dataset": ds.to_dict(), "k": args.k, "questions": len(questions),
                                              "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
