"""SIGKILL mid-ingest on a big store: nothing acknowledged is lost.

A child process opens the store and keeps writing: bulk ``add_batch`` calls (vectors
given, like a fill) alternating with single ``add`` calls of the real model (the agent's
path: write-behind, embed-behind); it prints every acknowledged id. After ``--seconds``
the parent SIGKILLs it, opens the store itself (recovery runs on open), and checks that
every acknowledged id is stored, that the single adds are found by full-text search in
their user's scope, and that ``verify()`` is clean.

    python experiments/kill_probe.py --store COPY --copy-from STORE/agentmem --seconds 30

``--copy-from`` copies a prepared store first (the probe writes into its store).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from agentmem import Memory, MemoryConfig

CHILD = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from agentmem import Memory, MemoryConfig
    store, batch, users = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = np.random.default_rng(7)
    with Memory(MemoryConfig(data_dir=store)) as mem:
        print(json.dumps({"ready": True}), flush=True)
        round_ = 0
        while True:
            vecs = rng.standard_normal((batch, 384)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            user = f"user-{int(rng.integers(users)):04d}"
            texts = [f"kill probe bulk {round_}-{i} for {user}" for i in range(batch)]
            res = mem.add_batch(texts, user_id=user, vectors=vecs)
            print(json.dumps({"bulk": [r.id for r in res]}), flush=True)
            for j in range(20):
                u = f"user-{int(rng.integers(users)):04d}"
                text = f"kill probe single {round_}-{j}: the ferry to Vlieland leaves at {j} past nine"
                r = mem.add(text, user_id=u)
                print(json.dumps({"single": [r.id, text, u]}), flush=True)
            round_ += 1
    """
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--copy-from")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args()
    store = Path(args.store)
    if args.copy_from:
        if store.exists():
            shutil.rmtree(store)
        shutil.copytree(args.copy_from, store)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store), str(args.batch), str(args.users)],
                             stdout=subprocess.PIPE, text=True)
    bulk: list[str] = []
    singles: list[tuple[str, str, str]] = []
    started = None
    try:
        for line in child.stdout:  # type: ignore[union-attr]
            msg = json.loads(line)
            if "ready" in msg:
                started = time.monotonic()
            bulk += msg.get("bulk", [])
            if "single" in msg:
                singles.append(tuple(msg["single"]))  # type: ignore[arg-type]
            if started is not None and time.monotonic() - started > args.seconds:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    t0 = time.perf_counter()
    with Memory(MemoryConfig(data_dir=store)) as mem:
        open_s = time.perf_counter() - t0
        core = mem._run(mem._async._ready())
        missing = [i for i in bulk + [s[0] for s in singles] if mem.get(i) is None]
        unfound = [i for i, text, user in singles
                   if not any(h.id == i for h in mem.search(text, user_id=user, mode="fts", limit=3))]
        t1 = time.perf_counter()
        report = mem.verify()
        verify_s = time.perf_counter() - t1
        out = {"acknowledged_bulk": len(bulk), "acknowledged_single": len(singles), "missing": len(missing),
               "singles_not_found": len(unfound), "recovered_on_open": core.recovered, "open_s": round(open_s, 1),
               "verify_ok": report.ok, "verify_s": round(verify_s, 1), "records": report.records,
               "vectors": report.vectors, "load_avg": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps(out, indent=1))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(out, indent=1))
    return 0 if not missing and not unfound and report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
