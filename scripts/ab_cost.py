"""Ingest rate and hybrid search latency of two versions of agentmem, in one run, interleaved.

    python scripts/ab_cost.py --base <git rev> --dataset ../shared/data/locomo_dev.json --rounds 3 --json out.json

The base revision is checked out into a temporary git worktree; each round runs one child
process per version (order swapped every round) that stores the LoCoMo file with the model
running (``add_batch`` per conversation and chunk, the loader's default contexts) and then
searches every question in hybrid mode with that version's defaults. So both versions see
the same machine state, within minutes of each other; the load average is recorded around
each child. Reported per version: the median over rounds of memories/s and of search p50.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time, tempfile
import numpy as np
from agentmem import Memory, MemoryConfig
from agentmem.bench.datasets import load_locomo
from agentmem.eval.retrieval import ingest

ds = load_locomo(sys.argv[1])
questions = [q for q in ds.questions if q.category != 5]
with tempfile.TemporaryDirectory() as tmp, Memory(MemoryConfig(data_dir=tmp)) as mem:
    mem.search("warm up the model", user_id=ds.users[0])
    index = ingest(mem, ds, chunk=256)
    mem.flush()
    lat = []
    for q in questions:
        t0 = time.perf_counter()
        mem.search(q.question, user_id=q.user_id, limit=10, mode="hybrid")
        lat.append((time.perf_counter() - t0) * 1000.0)
print(json.dumps({"ops_per_s": index["ops_per_s"], "p50_ms": float(np.percentile(lat, 50)),
                  "p95_ms": float(np.percentile(lat, 95)), "searches": len(lat)}))
"""


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def run_child(tree: Path, dataset: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = _load()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(dataset)], env=env, capture_output=True, text=True,
                          cwd=tree, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child in {tree} failed:\n{proc.stderr[-2000:]}")
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "load_before": before, "load_after": _load()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", required=True, help="git revision to compare the working tree against")
    parser.add_argument("--dataset", required=True, help="a LoCoMo-format JSON file")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each running both versions (default 3)")
    parser.add_argument("--json", dest="json_out", help="write the runs and medians here")
    args = parser.parse_args(argv)
    dataset = Path(args.dataset).resolve()
    if not dataset.is_file():
        parser.error(f"--dataset: no such file {dataset}")
    if args.rounds < 1:
        parser.error("--rounds: must be at least 1")
    with tempfile.TemporaryDirectory(prefix="agentmem-ab-") as tmp:
        base_tree = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base_tree), args.base],
                       check=True, capture_output=True)
        try:
            trees = {"base": base_tree, "head": ROOT}
            runs: dict[str, list[dict]] = {"base": [], "head": []}
            for r in range(args.rounds):
                for name in (("base", "head") if r % 2 == 0 else ("head", "base")):
                    out = run_child(trees[name], dataset)
                    runs[name].append(out)
                    print(f"round {r} {name}: {out['ops_per_s']:.1f} memories/s, search p50 {out['p50_ms']:.2f} ms "
                          f"(load {out['load_before']})", flush=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_tree)],
                           check=False, capture_output=True)
    summary = {name: {"ops_per_s": statistics.median(x["ops_per_s"] for x in rs),
                      "p50_ms": statistics.median(x["p50_ms"] for x in rs)} for name, rs in runs.items()}
    ratio = {"ingest": summary["head"]["ops_per_s"] / summary["base"]["ops_per_s"],
             "search_p50": summary["head"]["p50_ms"] / summary["base"]["p50_ms"]}
    print(f"medians: base {summary['base']}, head {summary['head']}; head/base ingest {ratio['ingest']:.3f} x, "
          f"search p50 {ratio['search_p50']:.3f} x")
    if args.json_out:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip()
        Path(args.json_out).write_text(json.dumps({"kind": "ab_cost", "base": args.base, "head": head,
                                                   "dataset": dataset.name, "rounds": args.rounds, "runs": runs,
                                                   "median": summary, "ratio": ratio}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
