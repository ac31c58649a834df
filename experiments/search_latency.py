"""Search latency on an existing store once it is warm and quiet: per mode, p50/p95 of the
call and the median of each timed stage (embed, vectors, other).

    python experiments/search_latency.py --dir STORE [--n 300] [--users 500] [--json out.json]
    python experiments/search_latency.py --dir ... --profile      # cProfile of the hybrid calls

Opens the store with the default configuration, waits for the warm-up (every user's block
loaded) and for upkeep to be idle, then runs ``--n`` user-scoped searches per mode, users
``user0..user{N-1}`` drawn at random, each query an unseen word window (``bench.scale.Queries``),
the real model embedding every one. ``experiments/scale_probe.py --reuse`` measures the same store
right after open and right after a bulk ingest; this is the steady state between those.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import pstats
import random
import statistics
import time

from agentmem import MemoryConfig
from agentmem.bench.scale import Queries, _settle, peak_rss_mb
from agentmem.memory import AsyncMemory


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(1000 * xs[min(len(xs) - 1, int(q * len(xs)))], 2)


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    if args.n < 1 or args.users < 1:
        ap.error("--n and --users must be at least 1")
    if not os.path.isdir(args.dir):
        ap.error(f"--dir {args.dir!r} is not an existing store (this script measures one, it does not make one)")
    mem = await AsyncMemory.open(MemoryConfig(data_dir=args.dir))
    core = await mem._ready()
    began = time.perf_counter()
    await core.vectors.wait_warm()
    warm_s = time.perf_counter() - began
    settle_s = await _settle(mem, 600)  # upkeep idle: the steady state
    qs, rng = Queries(args.seed + 90), random.Random(args.seed)
    users = [f"user{i}" for i in range(args.users)]
    for _ in range(20):  # first calls (the query model's load)
        await mem.search(qs.next(), user_id=rng.choice(users), mode="hybrid")
    out = {"store": args.dir, "memories": await mem.count(), "warm_up_s": round(warm_s, 1), "settle_s": settle_s,
           "load_avg_start": round(os.getloadavg()[0], 2), "modes": {}}
    prof = cProfile.Profile() if args.profile else None
    for mode in ("vector", "fts", "hybrid"):
        walls = []
        if prof is not None and mode == "hybrid":
            prof.enable()
        for _ in range(args.n):
            q, u = qs.next(), rng.choice(users)
            start = time.perf_counter()
            await mem.search(q, user_id=u, mode=mode)
            walls.append(time.perf_counter() - start)
        if prof is not None and mode == "hybrid":
            prof.disable()
        calls = [t for t in core.timings if t.op == "search"][-args.n:]
        out["modes"][mode] = {
            "p50_ms": pct(walls, 0.5), "p95_ms": pct(walls, 0.95),
            **{f"{s}_p50_ms": round(1000 * statistics.median(t.stages.get(s, 0.0) for t in calls), 2)
               for s in ("embed", "vectors", "other")},
        }
    out["load_avg_end"] = round(os.getloadavg()[0], 2)
    out["peak_rss_mb"] = peak_rss_mb()
    await mem.close()
    print(json.dumps(out))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:  # noqa: ASYNC230 (once, at the end)
            json.dump(out, fh, indent=1)
    if prof is not None:
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    asyncio.run(main())
