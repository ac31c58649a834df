"""Which memory text retrieves LoCoMo evidence best? recall@k / MRR / nDCG per mode and variant.

    python experiments/compare_locomo_text.py [PATH] [--k 10] [--json OUT]

Variants: "Speaker: words" vs the words alone, each with and without the caption of a
shared image appended. Each variant indexes the whole file once and searches every
question (category 5 excluded) in every mode. The context (``--context-turns``, default 0
here so the figures are of the memory text alone) is compared by ``agentmem eval --cv 2``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from agentmem.bench import load_dataset
from agentmem.eval import evaluate

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "locomo_dev.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT))
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--modes", default="vector,fts,hybrid")
    parser.add_argument("--variants", default="speaker+captions,plain+captions,speaker,plain")
    parser.add_argument("--context-turns", type=int, default=0, help="turns before each turn in its context (default 0)")
    parser.add_argument("--context-date", action="store_true", help="put the session date in the context")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    rows = []
    for variant in args.variants.split(","):
        text, _, caps = variant.partition("+")
        ds = load_dataset(f"locomo:{args.path}", locomo_text=text, captions=caps == "captions",  # type: ignore[arg-type]
                          context_turns=args.context_turns, context_date=args.context_date)
        start = time.perf_counter()
        ev = evaluate(ds, k=args.k, modes=args.modes)
        took = time.perf_counter() - start
        for row in ev.summary_frame().to_dict("records"):
            rows.append({"variant": variant, **row})
            print(
                f"{variant:18} {row['mode']:7} recall@{args.k}={row['recall']:.3f} mrr={row['mrr']:.3f} "
                f"ndcg={row['ndcg']:.3f} n={row['questions']} p50={row['p50_ms']:.1f}ms",
                flush=True,
            )
        print(f"  ({took:.0f} s, index {ev.index['ops_per_s']:.0f}/s)", flush=True)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
