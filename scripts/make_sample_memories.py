"""Regenerate data/sample_memories.jsonl: 200 synthetic memories (seed 0), one JSON object a line.

    python scripts/make_sample_memories.py [N] [OUT]

Load it with ``load_dataset("jsonl:data/sample_memories.jsonl", user_column="user_id",
metadata_columns=["kind", "topic"])``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from agentmem.bench.synthetic import generate


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "data" / "sample_memories.jsonl"
    ds = generate(n, seed=0, users=8)
    with out.open("w", encoding="utf-8") as fh:
        for item in ds.items:
            row = {"text": item.text, "user_id": item.user_id, **{k: v for k, v in item.metadata.items() if k != "seq"}}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {n} memories to {out}")


if __name__ == "__main__":
    main()
