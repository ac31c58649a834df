"""A store closed and reopened, then a bulk ingest and searches: what upkeep and the scope
blocks do (the situation bench-scale creates around Mem0's turn).

    python scripts/reopen_probe.py [--singles] [--after-s 60]

A fresh store gets 10k memories (500 users, vectors given; ``--singles``: then 200 single
real-model adds, 20 searches and 32 concurrent adds), is closed and reopened; once the
warm-up is done, 90k more memories come in with no search meanwhile, then hybrid searches
run for ``--after-s`` seconds. Prints the scope blocks' counters after the ingest and after
the searches (``foreign_drops``: blocks dropped as if another process had written), upkeep's
counters (``rounds``, ``skipped_no_lease``), and the table versions of any drop.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time

import numpy as np

from agentmem import MemoryConfig
from agentmem.bench.synthetic import generate
from agentmem.memory import AsyncMemory


async def ingest(mem: AsyncMemory, size: int, seed: int, rng: np.random.Generator) -> None:
    by: dict[str, list[str]] = {}
    for it in generate(size, seed=seed, users=500).items:
        by.setdefault(it.user_id, []).append(it.text)
    for user, texts in by.items():
        v = rng.normal(size=(len(texts), 384)).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        await mem.add_batch(texts, user_id=user, vectors=v)


async def main(singles: bool, after_s: float) -> None:
    cfg = MemoryConfig(data_dir=tempfile.mkdtemp(prefix="reopen_probe_"))
    rng = np.random.default_rng(0)
    mem = await AsyncMemory.open(cfg)
    await ingest(mem, 10_000, 1, rng)
    if singles:
        for i in range(200):
            await mem.add(f"single note {i} about a red kite", user_id=f"user{i % 50}")
        await asyncio.gather(*(mem.search(f"kite {i}", user_id=f"user{i}", mode="hybrid") for i in range(20)))
        await asyncio.gather(*(mem.add(f"agent note {i} about a blue kite", user_id=f"user{i}") for i in range(32)))
    await mem.close()
    mem = await AsyncMemory.open(cfg)
    v = (await mem._ready()).vectors
    check = v._check_foreign_now

    async def traced() -> None:
        known, own, drops = v._known_version, sorted(v._own_versions), v.scopes.foreign_drops
        await check()
        if v.scopes.foreign_drops != drops:
            print(f"drop: versions {known} -> {v._known_version}, own {own}", flush=True)

    v._check_foreign_now = traced  # type: ignore[method-assign]
    print("warm-up s", round(await v.wait_warm(), 1), flush=True)
    start = time.time()
    await ingest(mem, 90_000, 2, rng)
    print("ingest s", round(time.time() - start, 1), "blocks", v.scopes.stats(), flush=True)
    start = time.time()
    while time.time() - start < after_s:
        user = f"user{rng.integers(500)}"
        await mem.search(f"what about horses {rng.integers(10**6)}", user_id=user, mode="hybrid")
        await asyncio.sleep(0.05)
    print("after searches: blocks", v.scopes.stats(), "upkeep", v.upkeep.stats(), flush=True)
    await mem.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--singles", action="store_true")
    ap.add_argument("--after-s", type=float, default=60.0)
    args = ap.parse_args()
    asyncio.run(main(args.singles, args.after_s))
