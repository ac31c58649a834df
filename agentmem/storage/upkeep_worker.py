"""The upkeep process: LanceDB's compaction, index updates, version cleanup and the ANN
build, run in a child process at a lower CPU priority than the agent's.

A round takes both cores through LanceDB's thread pools for seconds to minutes (it reads
and rewrites the table); in the agent's process it would share the scheduler's weight with
the query embeddings and the single adds. Here it runs at nice 19 (the scheduler's lowest
weight: while the agent's threads are runnable it gets about 1.5 % of a core), with LanceDB's
pools set explicitly (``LANCE_CPU_THREADS``, ``LANCE_IO_THREADS``, read once when LanceDB
starts, so they are set in the environment it starts with): one CPU thread a core, so a
round still finishes as fast as an idle machine allows, and a few IO threads. Commits go to the same table;
the agent's process sees them as its own upkeep (``Versions.upkeep_span``).

Run as a script (``python upkeep_worker.py``, not ``-m``): it imports LanceDB and nothing of
agentmem, so it starts in about a second. It reads one JSON request a line on stdin and
answers each with two lines on stdout: ``{"started": version}`` once the table is open at
its latest version, then ``{"done": version, ...}`` or ``{"error": "..."}``. A round is
LanceDB's ``optimize`` (compaction, cleanup of the versions older than ``retention_s``,
index updates: one call, as each call rewrites every fragment under LanceDB's target size),
then the ANN build when asked. It ends when
stdin closes. Requests carry the table's URI and storage options (never printed).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import timedelta
from typing import Any

# LanceDB's CPU pool, IO threads and the nice increment and IO threads of the upkeep process (see the docstring)
CPU_THREADS = max(1, os.cpu_count() or 1)
IO_THREADS = 4
NICE = 19


def child_env(cpu_threads: int = CPU_THREADS, io_threads: int = IO_THREADS) -> dict[str, str]:
    """The environment the upkeep process starts with: the parent's, LanceDB's pools set."""
    env = dict(os.environ)
    env["LANCE_CPU_THREADS"] = str(cpu_threads)
    env["LANCE_IO_THREADS"] = str(io_threads)
    return env


async def _round(db_cache: dict[str, Any], req: dict[str, Any]) -> dict[str, Any]:
    import lancedb
    from lancedb.index import IvfPq

    uri = req["uri"]
    db = db_cache.get(uri)
    if db is None:
        db = db_cache[uri] = await lancedb.connect_async(uri, storage_options=req.get("storage_options") or None)
    table = await db.open_table(req["table"])
    await table.checkout_latest()
    before = int(await table.version())
    _say({"started": before})
    start = time.perf_counter()
    built = None
    await table.optimize(cleanup_older_than=timedelta(seconds=float(req["retention_s"])))
    ann = req.get("ann")
    if ann:
        indices = await table.list_indices()
        if not any("vector" in i.columns for i in indices):
            await table.create_index("vector", config=IvfPq(
                distance_type="cosine", num_partitions=int(ann["partitions"]), num_sub_vectors=int(ann["sub_vectors"]),
                max_iterations=int(ann["max_iterations"]), sample_rate=int(ann["sample_rate"])))
            built = f"IVF_PQ ({int(ann['partitions'])} partitions)"
    after = int(await table.version())
    table.close()
    return {"done": after, "seconds": round(time.perf_counter() - start, 3), "ann_built": built}


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def _main() -> None:
    loop = asyncio.get_running_loop()
    dbs: dict[str, Any] = {}
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        try:
            req = json.loads(line)
            _say(await _round(dbs, req))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which counts it as a failed round
            _say({"error": f"{type(exc).__name__}: {exc}"[:500]})


def _end_with_parent() -> None:
    """On Linux, end this process when the agent's process ends, even by SIGKILL (stdin
    closing ends it too, but only between rounds): a commit is atomic, so a round cut short
    leaves at most unreferenced files for a later cleanup."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent ended before the call above
        os._exit(0)


def main() -> None:
    _end_with_parent()
    nice = int(os.environ.get("AGENTMEM_UPKEEP_NICE", NICE))
    if nice > 0:
        os.nice(nice)
    asyncio.run(_main())


if __name__ == "__main__":
    main()
