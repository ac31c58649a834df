"""Many worker processes on one store: N processes x B batches of S texts, K of
every S shared by all workers, through one sqld + one S3 bucket (both started here on
127.0.0.1); after each run a fresh process checks every acknowledged id, one id per
shared text, the counts and verify(). Repeats --runs times (fresh database and prefix each).

    python experiments/many_workers.py --runs 20 --workers 4 --batches 25 --size 20 --shared 2
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from agentmem import MemoryConfig
from agentmem.bench.remote import many_workers
from agentmem.stack import start, start_sqld, stop_server


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--batches", type=int, default=25)
    ap.add_argument("--size", type=int, default=20)
    ap.add_argument("--shared", type=int, default=2)
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on kill too
    root = Path(tempfile.mkdtemp(prefix="many_workers_"))
    stack = start(root / "stack")
    passed, runs = 0, []
    try:
        for run in range(args.runs):
            pid, port = start_sqld(root / f"sqld{run}")
            try:
                cfg = MemoryConfig(data_dir=root / f"local{run}", records_url=f"http://127.0.0.1:{port}",
                                   vectors_uri=stack.vectors_uri(f"run{run}"),
                                   storage_options=stack.storage_options())
                t0 = time.perf_counter()
                check = many_workers(cfg, root / f"work{run}", workers=args.workers, batches=args.batches,
                                     size=args.size, shared=args.shared, env=stack.env())
                check["run_s"] = round(time.perf_counter() - t0, 2)
            finally:
                stop_server(pid)
            passed += check["ok"]
            runs.append(check)
            print(f"run {run + 1:2d}: {'ok  ' if check['ok'] else 'FAIL'} acknowledged={check['acknowledged']} "
                  f"ids={check['unique_ids']} readable={check['readable']} count={check['count']}/{check['expected_count']} "
                  f"shared one id={check['shared_one_id']} one ADD={check['shared_one_add']} verify={check['verify_ok']} "
                  f"errors={len(check['errors'])} adds wall={check['wall_s']}s", flush=True)
            for e in check["errors"][:3]:
                print("   ", e)
    finally:
        stack.stop()
    print(f"{passed} runs in {args.runs} passed; load average {os.getloadavg()}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"args": vars(args), "passed": passed, "runs": runs}, indent=1))
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
