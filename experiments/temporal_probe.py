"""Session dates at query time: does preferring turns from the month a question names help
the temporal category (LoCoMo category 2)? Measured on its own, nothing tuned.

    python experiments/temporal_probe.py ../shared/data/locomo_dev.json --json out.json

Each question is searched with the default configuration (hybrid, the default context) for
its top 100; when the question names a month (and maybe a year: "in June", "on May 3, 2023",
"in July 2022"), the hits whose ``session_date`` metadata falls in that month (and year) are
moved ahead of the others, each group keeping its order. recall@k before and after, per
category and per fold (the folds of ``agentmem eval --cv 2``). The rule has no parameter to
tune, so both folds are held-out figures.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path

from agentmem import Memory, MemoryConfig
from agentmem.bench import load_dataset
from agentmem.eval import recall_at_k
from agentmem.eval.cv import split_users
from agentmem.eval.retrieval import ingest

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b(?:\s+\d{1,2}(?!\d)(?:st|nd|rd|th)?)?(?:,?\s+(\d{4}))?", re.IGNORECASE)
_SESSION = re.compile(r"(\d{1,2})\s+(" + "|".join(MONTHS) + r"),?\s+(\d{4})", re.IGNORECASE)


def asked_month(question: str) -> tuple[int, int | None] | None:
    """(month, year or None) named in a question, e.g. 'in June' -> (6, None); None if none.
    'May' only counts with a day or year after it ('may' is also a verb)."""
    for m in _MONTH.finditer(question):
        word = m.group(1).lower()
        if word == "may" and m.group(0).strip().lower() == "may":
            continue
        return MONTHS.index(word) + 1, int(m.group(2)) if m.group(2) else None
    return None


def session_month(date: str | None) -> tuple[int, int] | None:
    m = _SESSION.search(date or "")
    return (MONTHS.index(m.group(2).lower()) + 1, int(m.group(3))) if m else None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="a LoCoMo-format JSON file")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--json", dest="out")
    args = parser.parse_args(argv)
    if not Path(args.path).is_file():
        print(f"temporal_probe: no such file: {args.path}", file=sys.stderr)
        return 2
    ds = load_dataset(f"locomo:{args.path}")
    questions = [q for q in ds.questions if q.category != 5]
    groups = split_users(ds.users, 2)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, Memory(MemoryConfig(data_dir=tmp)) as mem:
        ingest(mem, ds, chunk=512)
        for q in questions:
            hits = mem.search(q.question, user_id=q.user_id, limit=100)
            ids = [str(h.metadata.get("dia_id")) for h in hits]
            asked = asked_month(q.question)
            reranked = ids
            if asked is not None:
                def match(h: object) -> bool:
                    got = session_month(h.metadata.get("session_date"))  # type: ignore[attr-defined]
                    return got is not None and got[0] == asked[0] and (asked[1] is None or got[1] == asked[1])  # noqa: B023 (called inside the loop)

                first = [str(h.metadata.get("dia_id")) for h in hits if match(h)]
                reranked = first + [i for i in ids if i not in set(first)]
            rows.append({"category": q.category, "user_id": q.user_id, "dated": asked is not None,
                         "before": recall_at_k(q.evidence, ids, args.k), "after": recall_at_k(q.evidence, reranked, args.k)})

    def mean(sel: list[dict], key: str) -> float:
        return statistics.fmean(r[key] for r in sel) if sel else float("nan")

    out: dict = {"k": args.k, "questions": len(rows), "dated_questions": sum(r["dated"] for r in rows), "rows": []}
    for label, sel in [("all", rows), *[(f"category {c}", [r for r in rows if r["category"] == c]) for c in (1, 2, 3, 4)],
                       ("category 2, dated questions", [r for r in rows if r["category"] == 2 and r["dated"]]),
                       *[(f"fold {i}", [r for r in rows if r["user_id"] in set(g)]) for i, g in enumerate(groups)]]:
        row = {"subset": label, "questions": len(sel), "before": mean(sel, "before"), "after": mean(sel, "after")}
        out["rows"].append(row)
        print(f"{label:<30} {len(sel):>4}  recall@{args.k} {row['before']:.3f} -> {row['after']:.3f}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
