"""Where the storage-only path spends its time, piece by piece (BENCHMARKS.md, section 3).

    python experiments/storage_breakdown.py [--dataset locomo:../shared/data/locomo_dev.json] [--reps 5]

Times, for the dataset's memories with random vectors: the Python preparation of a batch
(validation, dedupe hashes, ids, metadata JSON), building the Arrow table, one LanceDB append
of everything, one libSQL transaction of everything (memories + history), and LanceDB's fixed
cost per append (one row). Medians of ``--reps`` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from agentmem.bench import load_dataset
from agentmem.memory import AsyncMemory
from agentmem.storage.lance import VectorStore, to_arrow
from agentmem.storage.libsql import RecordStore


def prepare(ds):  # the same preparation add_batch does, one batch per user
    by_user: dict[str, list] = {}
    for item in ds.items:
        by_user.setdefault(item.user_id, []).append(item)
    bare = AsyncMemory.__new__(AsyncMemory)
    out = []
    for user, rows in by_user.items():
        out += AsyncMemory._prepare(bare, [r.text for r in rows], user_id=user, metadata=[r.metadata for r in rows])
    return out


async def main(spec: str, reps: int) -> None:
    ds = load_dataset(spec)
    n = len(ds.items)
    rng = np.random.default_rng(0)
    times: dict[str, list[float]] = {k: [] for k in ("prepare", "arrow", "lance", "libsql", "lance_one_row")}
    for _ in range(reps):
        root = Path(tempfile.mkdtemp())
        t = time.perf_counter()
        items = prepare(ds)
        times["prepare"].append(time.perf_counter() - t)
        vecs = rng.normal(size=(n, 384)).astype(np.float32)
        t = time.perf_counter()
        to_arrow(items, vecs, 384)
        times["arrow"].append(time.perf_counter() - t)
        vs = await VectorStore.open(root / "v", 384, compact_every=10**6, ann_min_rows=10**9)
        t = time.perf_counter()
        await vs.add(items, vecs)
        times["lance"].append(time.perf_counter() - t)
        one = prepare(type(ds)(name="one", kind=ds.kind, items=ds.items[:1]))
        t = time.perf_counter()
        await vs.add(one, vecs[:1])
        times["lance_one_row"].append(time.perf_counter() - t)
        await vs.close()
        rs = await RecordStore.open("file:" + str(root / "r.db"), pool_size=1, auth_token=None, busy_timeout_ms=1000)
        t = time.perf_counter()
        await rs.insert(items, history=True)
        times["libsql"].append(time.perf_counter() - t)
        await rs.close()
    print(f"{n} memories from {ds.name}, median of {reps} runs")
    for name, label in (
        ("prepare", "Python: validate, hash, ids, metadata JSON"),
        ("arrow", "Python: the Arrow table (incl. in the LanceDB append below)"),
        ("lance", "LanceDB: one append of all rows"),
        ("lance_one_row", "LanceDB: one append of one row"),
        ("libsql", "libSQL: one transaction, memories + history"),
    ):
        ms = statistics.median(times[name]) * 1000
        print(f"  {label:<60} {ms:8.1f} ms  ({ms * 1000 / n:6.2f} us a memory)" if name != "lance_one_row"
              else f"  {label:<60} {ms:8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="locomo:../shared/data/locomo_dev.json")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    try:
        asyncio.run(main(args.dataset, args.reps))
    except Exception as exc:  # noqa: BLE001 (a missing file or bad spec: one line, not a traceback)
        print(f"storage_breakdown: {exc}", file=sys.stderr)
        raise SystemExit(2)
