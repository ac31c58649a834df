"""Sequential single adds on an existing store: open it, then twice 300 adds over
500 users (``agentmem.bench.scale._adds``: p50/p95 per add, and the rate counted until
``flush()``, every add embedded and in LanceDB). One JSON line on stdout.

    python experiments/add_probe.py STORE            # right after open (warm-up running)
    python experiments/add_probe.py STORE --warm     # once every user's block is loaded
    python experiments/add_probe.py STORE --seed 7    # the query-text seed (default: the time)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time

from agentmem import MemoryConfig
from agentmem.bench.scale import Queries, _adds
from agentmem.memory import AsyncMemory


async def main(path: str, warm: bool, seed: int) -> None:
    t = time.perf_counter()
    mem = await AsyncMemory.open(MemoryConfig(data_dir=path))
    out = {"open_s": round(time.perf_counter() - t, 1), "rows": await mem.count(), "seed": seed}
    if warm:
        out["warm_s"] = round(await (await mem._ready()).vectors.wait_warm(), 1)
    out["load_start"] = os.getloadavg()
    # texts must be new to the store, or the adds are NOOPs (same text, same user): a fresh
    # seed per run (the store keeps what earlier runs added)
    queries = Queries(seed)
    out["adds"] = [await _adds(mem, queries, 500, 300, random.Random(r)) for r in range(2)]
    out["load_end"] = os.getloadavg()
    print(json.dumps(out))
    await mem.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", help="an existing store's data_dir")
    ap.add_argument("--warm", action="store_true", help="wait for the warm-up before the adds")
    ap.add_argument("--seed", type=int, default=int(time.time()), help="query-text seed (default: the time)")
    args = ap.parse_args()
    if not os.path.isdir(args.store):
        ap.error(f"{args.store!r} is not an existing store")
    asyncio.run(main(args.store, args.warm, args.seed))
