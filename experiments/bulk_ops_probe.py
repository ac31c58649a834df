"""Whole-store operations on a big store: time and peak RSS of each, one child process per op.

    python experiments/bulk_ops_probe.py --n 100000 [--users 500] [--dir DIR]
                                     [--json out.json] [--ops fill,export_jsonl,...]

Fills one store to ``--n`` memories through ``add_batch(..., vectors=synthetic)`` (one call
per user; kept between runs when it already holds ``--n``), then runs each operation in a
fresh Python process with the real model loaded (what a user's process holds), and records
the wall time, the process's RSS once the Memory is open, and the process's peak RSS
(``ru_maxrss``: the whole process, model included) plus the peak seen while the op ran
(sampled every 20 ms). Ops: fill (``--optimize``: then the ANN build), get_all_first (page 1),
get_all_walk (iter_all, or get_all with offsets where
iter_all does not exist), get_all_deep (one page at offset n-100), export_{jsonl,parquet}
with and without vectors, verify, repair (after deleting ``--damage`` vectors), import_
of the parquet and jsonl exports into fresh stores, delete_all of one user, delete_all of
the whole (imported) store. Writes the figures, the machine's load average and the command
to ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent
OPS = (
    "fill", "get_all_first", "get_all_deep", "get_all_walk", "export_jsonl", "export_jsonl_novec", "export_parquet",
    "export_parquet_novec", "verify", "repair", "import_parquet", "import_jsonl", "delete_all_user",
    "delete_all_store",
)


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


class Sampler:
    """Peak RSS of this process while an op runs (ru_maxrss also counts what came before)."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _texts(user: int, start: int, n: int) -> list[str]:
    words = ("tea", "river", "violin", "garden", "python", "winter", "marathon", "lamp", "harbor", "cedar")
    return [f"user {user} note {start + i}: likes {words[(start + i) % 10]} and {words[(start + i) // 10 % 10]} "
            f"(entry {start + i} of the synthetic fill)" for i in range(n)]


def fill(mem: Any, n: int, users: int) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    per = -(-n // users)
    done = 0
    start = time.perf_counter()
    for u in range(users):
        k = min(per, n - done)
        if k <= 0:
            break
        vecs = rng.standard_normal((k, 384), dtype=np.float32)
        mem.add_batch(_texts(u, 0, k), user_id=f"user-{u}", vectors=vecs)
        done += k
    ingest = time.perf_counter() - start
    out = {"items": done, "ingest_s": ingest, "rate_per_s": done / ingest}
    if ARGS.optimize:
        t = time.perf_counter()
        mem.optimize()
        out["optimize_s"] = time.perf_counter() - t
    return out


def child(op: str, store: Path, work: Path, n: int, damage: int) -> dict[str, Any]:
    from agentmem import Memory, MemoryConfig

    out: dict[str, Any] = {"op": op}
    cfg_dir = store
    if op in ("import_parquet", "import_jsonl", "delete_all_store"):
        cfg_dir = work / "imported"
        if op != "delete_all_store":
            shutil.rmtree(cfg_dir, ignore_errors=True)
    if op == "fill":
        shutil.rmtree(store, ignore_errors=True)
    with Memory(MemoryConfig(data_dir=cfg_dir)) as mem:
        if ARGS.no_upkeep:  # the op alone: stop LanceDB's background upkeep first
            mem._run(mem._async._core.vectors.upkeep.stop())
            out["upkeep_stopped"] = True
        out["rss_open_mb"] = _rss_mb()
        with Sampler() as s:
            t = time.perf_counter()
            if op == "fill":
                out.update(fill(mem, n, ARGS.users))
            elif op == "get_all_first":
                out["items"] = len(mem.get_all(limit=100))
            elif op == "get_all_deep":
                page = mem.get_all(limit=100, offset=max(0, mem.count() - 100))
                out["items"] = len(page)
            elif op == "get_all_walk":
                seen = 0
                if hasattr(mem, "iter_all"):
                    out["api"] = "iter_all"
                    for _ in mem.iter_all():
                        seen += 1
                else:  # the public paging of the day: limit/offset (quadratic: capped at 20k rows)
                    out["api"] = "get_all(offset)"
                    while seen < min(n, 20_000):
                        page = mem.get_all(limit=1000, offset=seen)
                        if not page:
                            break
                        seen += len(page)
                out["items"] = seen
            elif op.startswith("export_"):
                kind = "jsonl" if "jsonl" in op else "parquet"
                path = work / f"dump{'' if 'novec' not in op else '_novec'}.{kind}"
                out["items"] = mem.export(path, include_vectors="novec" not in op)
                out["file_mb"] = path.stat().st_size / 2**20
            elif op == "verify":
                r = mem.verify()
                out["items"] = r.records
                out["ok"] = r.ok
            elif op == "repair":
                out["damaged"] = _damage(store, damage)
                t = time.perf_counter()
                r = mem.repair()
                out["reembedded"], out["ok_after"] = r.reembedded, r.after.ok
            elif op.startswith("import_"):
                kind = op.split("_", 1)[1]
                out["items"] = mem.import_(work / f"dump.{kind}")
            elif op == "delete_all_user":
                out["items"] = mem.delete_all(user_id="user-1")
            elif op == "delete_all_store":
                import inspect

                if "everything" in inspect.signature(mem.delete_all).parameters:
                    out["items"] = mem.delete_all(everything=True)
                else:  # the API of the day: one scope at a time
                    out["api"] = "delete_all(user_id) per user"
                    out["items"] = sum(mem.delete_all(user_id=u) for u in list(mem.stats()["users"]))
                out["ok_after"] = mem.verify().ok
            out["wall_s"] = time.perf_counter() - t
            # LanceDB upkeep runs in the background of every Memory: say how much ran beside the op
            upkeep = mem.stats()["lance"].get("upkeep", {})
            out["upkeep_rounds"], out["upkeep_s"] = upkeep.get("rounds"), upkeep.get("seconds")
        out["op_peak_rss_mb"] = s.peak
    out["process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if "items" in out and out["wall_s"] > 0:
        out["rate_per_s"] = out.get("rate_per_s") or out["items"] / out["wall_s"]
    return out


def _damage(store: Path, k: int) -> int:
    """Delete k vectors behind the Memory's back (a lost write), spread over the table."""
    import lancedb

    table = lancedb.connect(store / "vectors").open_table("memories")
    ids = table.search().select(["id"]).limit(k * 50).to_arrow().column("id").to_pylist()[::50][:k]
    for i in range(0, len(ids), 500):
        table.delete("id IN (" + ", ".join(f"'{x}'" for x in ids[i : i + 500]) + ")")
    return len(ids)


def run_child(op: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", op, "--n", str(ARGS.n), "--users", str(ARGS.users),
           "--dir", str(ARGS.dir), "--damage", str(ARGS.damage)] + (["--optimize"] if ARGS.optimize else []) + (["--no-upkeep"] if ARGS.no_upkeep else [])
    print(f"[{time.strftime('%H:%M:%S')}] {op} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        return {"op": op, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"}
    row = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"    {json.dumps(row)}", file=sys.stderr, flush=True)
    return row


LABELS = {
    "fill": "fill: `add_batch(..., vectors=)`, one call per user",
    "get_all_first": "`get_all(limit=100)` (first page)",
    "get_all_deep": "`get_all(limit=100, offset=count-100)` (last page)",
    "get_all_walk": "`iter_all()`: every memory, newest first",
    "export_jsonl": "`export(.jsonl)` with vectors",
    "export_jsonl_novec": "`export(.jsonl, include_vectors=False)`",
    "export_parquet": "`export(.parquet)` with vectors",
    "export_parquet_novec": "`export(.parquet, include_vectors=False)`",
    "verify": "`verify()`",
    "repair": "`repair()` after deleting {damaged} vectors",
    "import_parquet": "`import_(.parquet)` into a new store, vectors given",
    "import_jsonl": "`import_(.jsonl)` into a new store, vectors given",
    "delete_all_user": "`delete_all(user_id=...)` ({items} memories)",
    "delete_all_store": "`delete_all(everything=True)` (the imported store)",
}


def render(path: str) -> str:
    """The BENCHMARKS.md table of one run's JSON."""
    run = json.loads(Path(path).read_text())
    out = [
        (f"{run['n']:,} memories, {run['users']} users; `{run['command']}`; {run['machine']}, {run['when']}, "
        f"load average {run['load_average_start'][0]:.1f} at the start, {run['load_average_end'][0]:.1f} at the end."),
        "",
        "| operation | seconds | memories/s | peak RSS of the process (MB) | RSS once open (MB) | LanceDB upkeep beside it |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in run["ops"]:
        label = LABELS.get(r["op"], r["op"]).format(damaged=r.get("damaged"), items=r.get("items"))
        if r.get("api") == "get_all(offset)":
            label = f"`get_all(limit=1000, offset=...)` pages: the first {r['items']:,} memories"
        elif r.get("api") == "delete_all(user_id) per user":
            label = "`delete_all(user_id=...)` for every user (the imported store)"
        if "error" in r:
            out.append(f"| {label} | failed: {r['error']} | | | | |")
            continue
        rate = f"{r['rate_per_s']:,.0f}" if r.get("rate_per_s") and r["op"] not in ("get_all_first", "get_all_deep") else ""
        upkeep = "" if r.get("upkeep_rounds") is None else f"{r['upkeep_rounds']} rounds, {r['upkeep_s']:.1f} s"
        upkeep = "stopped" if r.get("upkeep_stopped") else upkeep
        out.append(f"| {label} | {r['wall_s']:.2f} | {rate} | {r['process_peak_rss_mb']:,.0f} | {r['rss_open_mb']:,.0f} | {upkeep} |")
    return "\n".join(out)


def main() -> None:
    base = Path(ARGS.dir)
    store = base / "store"
    ops = ARGS.ops.split(",") if ARGS.ops else list(OPS)
    if "fill" in ops and not ARGS.refill and (store / "records.db").exists():
        import sqlite3

        have = sqlite3.connect(store / "records.db").execute("SELECT COUNT(*) FROM memories").fetchone()[0]
        if have == ARGS.n:
            ops.remove("fill")
            print(f"reusing the filled store ({have} memories)", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    for op in ops:
        rows.append(run_child(op))
        write(rows)  # after every op: a long run that is cut short keeps what it measured
    shutil.rmtree(base / "work" / "imported", ignore_errors=True)
    print(json.dumps(write(rows), indent=2))


def write(rows: list[dict[str, Any]]) -> dict[str, Any]:
    result = {
        "command": " ".join(["python", "experiments/bulk_ops_probe.py", *sys.argv[1:]]),
        "n": ARGS.n,
        "users": ARGS.users,
        "machine": f"{os.cpu_count()} cores",
        "load_average_end": list(os.getloadavg()),
        "load_average_start": LOAD_START,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "ops": rows,
    }
    if ARGS.json:
        Path(ARGS.json).parent.mkdir(parents=True, exist_ok=True)
        Path(ARGS.json).write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--users", type=int, default=500)
    p.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "agentmem-bulk-probe"))
    p.add_argument("--json", default=None)
    p.add_argument("--ops", default=None, help=f"comma-separated subset of {','.join(OPS)}")
    p.add_argument("--damage", type=int, default=1000, help="vectors deleted before repair")
    p.add_argument("--refill", action="store_true")
    p.add_argument("--optimize", action="store_true", help="run optimize() after the fill (the ANN build)")
    p.add_argument("--no-upkeep", action="store_true", help="stop LanceDB's background upkeep in each op's process")
    p.add_argument("--child", default=None)
    p.add_argument("--render", default=None, help="print the BENCHMARKS.md table of a run's JSON and exit")
    ARGS = p.parse_args()
    LOAD_START = list(os.getloadavg())
    if ARGS.render:
        print(render(ARGS.render))
    elif ARGS.child:
        base = Path(ARGS.dir)
        (base / "work").mkdir(parents=True, exist_ok=True)
        print(json.dumps(child(ARGS.child, base / "store", base / "work", ARGS.n, ARGS.damage)))
    else:
        main()
