"""Sequential single adds on an existing store (issue 8): open it, then twice 300 adds over
500 users (``agentmem.bench.scale._adds``: p50/p95 per add, and the rate counted until
``flush()``, every add embedded and in LanceDB). One JSON line on stdout.

    python scripts/add_probe.py /work/runs/scale1m
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time

from agentmem import MemoryConfig
from agentmem.bench.scale import Queries, _adds
from agentmem.memory import AsyncMemory


async def main(path: str) -> None:
    t = time.perf_counter()
    mem = await AsyncMemory.open(MemoryConfig(data_dir=path))
    out = {"open_s": round(time.perf_counter() - t, 1), "rows": await mem.count(), "load_start": os.getloadavg()}
    queries = Queries(11)
    out["adds"] = [await _adds(mem, queries, 500, 300, random.Random(r)) for r in range(2)]
    out["load_end"] = os.getloadavg()
    print(json.dumps(out))
    await mem.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
