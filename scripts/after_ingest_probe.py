"""Hybrid search right after a bulk ingest, with and without the scope-block warm-up.

    python scripts/after_ingest_probe.py warm|nowarm

A fresh store gets 10k memories (500 users, vectors given), 60 user-scoped hybrid searches
at once (real model), 8 s quiet, then 90k more and 60 searches at once. One line per step:
p50, the median of the first 10, the seconds the 60 took, block misses and drops, upkeep
rounds put off, the load average.
"""
import asyncio, tempfile, os, time, statistics, sys
import numpy as np
import agentmem.storage.lance as L
from agentmem import MemoryConfig
from agentmem.memory import AsyncMemory
from agentmem.bench.scale import Queries
from agentmem.bench.synthetic import generate
if sys.argv[1] == "nowarm":
    L.WARM_AFTER_ROWS = 10**9
async def main():
    mem = await AsyncMemory.open(MemoryConfig(data_dir=tempfile.mkdtemp()))
    core = await mem._ready()
    rng = np.random.default_rng(0)
    qs = Queries(2)
    for size, seed in ((10_000, 1), (90_000, 2)):
        items = generate(size, seed=seed, users=500).items
        by = {}
        for it in items: by.setdefault(it.user_id, []).append(it.text)
        users = list(by)
        for u, texts in by.items():
            v = rng.normal(size=(len(texts), 384)).astype(np.float32); v /= np.linalg.norm(v, axis=1, keepdims=True)
            await mem.add_batch(texts, user_id=u, vectors=v)
        t0 = time.perf_counter(); ws = []
        for i in range(60):
            s = time.perf_counter(); await mem.search(qs.next(), user_id=users[(i*7) % len(users)], mode="hybrid", limit=10); ws.append(time.perf_counter()-s)
        print(sys.argv[1], size, "after ingest: hybrid p50", round(statistics.median(ws)*1000,1), "first 10 med", round(statistics.median(ws[:10])*1000,1), "span", round(time.perf_counter()-t0,1), core.vectors.scopes.stats()["misses"], core.vectors.scopes.stats()["drops"], core.vectors.upkeep.stats().get("deferred"), os.getloadavg()[0])
        if size == 10_000:
            await asyncio.sleep(8)
    await mem.close()
asyncio.run(main())
