"""Many worker processes on one store: the check (``many_workers``) and the benchmark
(``bench_remote``, ``python -m agentmem bench-remote``).

Workers are separate Python processes (``python -m agentmem.bench.remote worker SPEC``),
each with its own Memory over the same records URL and vectors URI. S3 credentials reach
them through the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), never through
the spec file. They load the model, wait at a start line, then all add at once.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .machine import load_average
from .stats import nearest_percentile

__all__ = ["bench_remote", "many_workers", "shared_text", "worker_texts"]


def shared_text(batch: int, j: int) -> str:
    return f"Shared note {j} of round {batch}: the team meets at {9 + j}:{batch % 60:02d} in room {100 + batch}"


def worker_texts(worker: int, batch: int, size: int, shared: int) -> list[str]:
    """One batch: ``size - shared`` texts of this worker's own and ``shared`` texts every worker adds."""
    own = [f"Worker {worker} remembers item {i} of batch {batch}: a {('red', 'blue', 'green')[i % 3]} "
           f"box number {worker * 100_000 + batch * 100 + i}" for i in range(size - shared)]
    common = [shared_text(batch, j) for j in range(shared)]
    # shared texts at a different place in each worker's batch
    pos = (worker * 7 + batch) % (len(own) + 1)
    return own[:pos] + common + own[pos:]


# --- the worker process ---------------------------------------------------------------


def _worker(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    from agentmem import Memory, MemoryConfig

    cfg = MemoryConfig(**spec["config"])
    w = spec["worker"]
    out: dict[str, Any] = {"worker": w, "adds": [], "errors": [], "add_s": [], "search_s": [], "search_lance_s": [],
                           "stages": []}
    mem = Memory(cfg)
    try:
        mem.count()  # open both stores and load the model before the start line
        mem.search("warm up", user_id=f"w{w}", limit=1)
        Path(spec["ready"]).write_text("ready")
        deadline = time.monotonic() + 300
        while not Path(spec["go"]).exists():
            if time.monotonic() > deadline:
                raise TimeoutError("no start signal")
            time.sleep(0.01)
        mem.reset_timings()
        user = spec.get("user") or f"w{w}"
        for b in range(spec["batches"]):
            texts = worker_texts(w, b, spec["size"], spec["shared"])
            t0 = time.perf_counter()
            try:
                res = mem.add_batch(texts, user_id=user)
            except Exception as exc:  # noqa: BLE001 - counted, not hidden: the check requires 0
                out["errors"].append(f"add_batch {b}: {type(exc).__name__}: {exc}"[:500])
                continue
            out["add_s"].append(time.perf_counter() - t0)
            out["adds"].extend([t, r.id, r.event] for t, r in zip(texts, res))
        for q in range(spec.get("searches", 0)):
            query = worker_texts(w, q % max(1, spec["batches"]), spec["size"], spec["shared"])[q % spec["size"]]
            t0 = time.perf_counter()
            try:
                mem.search(query, user_id=user, limit=10)
                out["search_s"].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                mem.search(query, limit=10)  # unscoped: LanceDB's own indexes on the store
                out["search_lance_s"].append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001 - counted like the add errors
                out["errors"].append(f"search {q}: {type(exc).__name__}: {exc}"[:500])
        out["stages"] = [t.to_dict() for t in mem.timings()]
        lance = mem.stats()["lance"]
        out["lance"] = {k: lance.get(k) for k in ("appends", "append_seconds", "append_wait_seconds")}
    except Exception as exc:  # noqa: BLE001 - the parent reads every failure from the output file
        out["errors"].append(f"worker: {type(exc).__name__}: {exc}"[:500])
    finally:
        try:
            mem.close()
        except Exception as exc:  # noqa: BLE001 - reported like the others
            out["errors"].append(f"close: {type(exc).__name__}: {exc}"[:500])
        Path(spec["out"]).write_text(json.dumps(out))
    return 0


def _run_workers(config: dict[str, Any], workdir: Path, *, workers: int, batches: int, size: int, shared: int,
                 searches: int = 0, env: dict[str, str] | None = None, same_user: bool = True,
                 timeout: float = 600) -> tuple[list[dict[str, Any]], float]:
    """Start the workers, release them together once all are ready; their outputs and the wall seconds."""
    workdir.mkdir(parents=True, exist_ok=True)
    go = workdir / "go"
    go.unlink(missing_ok=True)
    procs, outs, readies = [], [], []
    for w in range(workers):
        spec = {"config": config, "worker": w, "batches": batches, "size": size, "shared": shared,
                "searches": searches, "ready": str(workdir / f"ready{w}"), "go": str(go),
                "out": str(workdir / f"out{w}.json"), "user": "shared-user" if same_user else None}
        Path(spec["ready"]).unlink(missing_ok=True)
        Path(spec["out"]).unlink(missing_ok=True)
        path = workdir / f"spec{w}.json"
        path.write_text(json.dumps(spec))
        with open(workdir / f"err{w}.log", "w") as err:  # the worker keeps its own copy of the handle
            procs.append(subprocess.Popen([sys.executable, "-m", "agentmem.bench.remote", "worker", str(path)],
                                          env={**os.environ, **(env or {})}, stderr=err))
        outs.append(Path(spec["out"]))
        readies.append(Path(spec["ready"]))
    deadline = time.monotonic() + timeout
    while not all(r.exists() for r in readies):
        if any(p.poll() is not None for p in procs) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    t0 = time.perf_counter()
    go.write_text("go")
    for p in procs:
        try:
            p.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    wall = time.perf_counter() - t0
    results = []
    for w, (p, out) in enumerate(zip(procs, outs)):
        if out.exists():
            results.append(json.loads(out.read_text()))
        else:
            err = (workdir / f"err{w}.log").read_text()[-1500:]
            results.append({"worker": w, "adds": [], "errors": [f"exit {p.returncode}: {err}"]})
    return results, wall


def _worker_config(config: Any, *, keyless: bool) -> dict[str, Any]:
    """The config as a worker's spec: with ``keyless`` the S3 keys are left to the environment."""
    out = config.to_dict()
    out["records_url"], out["vectors_uri"] = config.records_url, config.vectors_uri
    opts = dict(config.storage_options) if config.storage_options else None
    if keyless and opts:
        opts = {k: v for k, v in opts.items() if k not in ("aws_access_key_id", "aws_secret_access_key")}
    out["storage_options"] = opts
    return out


def many_workers(config: Any, workdir: str | os.PathLike[str], *, workers: int = 4, batches: int = 25,
                 size: int = 20, shared: int = 2, env: dict[str, str] | None = None) -> dict[str, Any]:
    """``workers`` processes each add ``batches`` batches of ``size`` texts (``shared`` of each
    batch added by every worker) to one store, all at once; then a fresh Memory (this
    process) checks: every acknowledged id is readable with its text, each shared text has
    one id with one ADD (NOOP for the others), the counts add up, verify() is clean.
    With ``env`` (the S3 credentials) the workers get them from the environment, not the spec."""
    from agentmem import Memory

    cfg_dict = _worker_config(config, keyless=env is not None)
    results, wall = _run_workers(cfg_dict, Path(workdir), workers=workers, batches=batches, size=size,
                                 shared=shared, env=env)
    errors = [e for r in results for e in r["errors"]]
    acked = [(t, i, ev) for r in results for t, i, ev in r["adds"]]
    shared_texts = {shared_text(b, j) for b in range(batches) for j in range(shared)}
    by_text: dict[str, set[str]] = {}
    adds_of: dict[str, int] = {}
    for t, i, ev in acked:
        by_text.setdefault(t, set()).add(i)
        adds_of[t] = adds_of.get(t, 0) + (ev == "ADD")
    with Memory(config) as mem:
        ids = sorted({i for _, i, _ in acked})
        stored = {m.id: m.content for m in mem.iter_all()}  # page by page from the records server
        found = {i: stored[i] for i in ids if i in stored}
        content_ok = all(found.get(i) == t for t, i, _ in acked)
        report = mem.verify()
        count = mem.count()
    expected = workers * batches * (size - shared) + batches * shared
    check = {
        "acknowledged": len(acked),
        "unique_ids": len(ids),
        "readable": len(found),
        "content_matches": content_ok,
        "shared_texts": len(shared_texts),
        "shared_one_id": all(len(by_text.get(t, ())) == 1 for t in shared_texts),
        "shared_one_add": all(adds_of.get(t, 0) == 1 for t in shared_texts),
        "count": count,
        "expected_count": expected,
        "verify_ok": report.ok,
        "errors": errors,
        "wall_s": round(wall, 3),
    }
    check["ok"] = (not errors and len(acked) == workers * batches * size and len(found) == len(ids) and content_ok
                   and check["shared_one_id"] and check["shared_one_add"] and count == expected == len(ids)
                   and report.ok)
    return check


def _summary(results: list[dict[str, Any]], wall: float) -> dict[str, Any]:
    adds = [x for r in results for x in r.get("add_s", [])]
    searches = [x for r in results for x in r.get("search_s", [])]
    lance_searches = [x for r in results for x in r.get("search_lance_s", [])]
    memories = sum(len(r.get("adds", [])) for r in results)
    stages: dict[str, list[float]] = {}
    for r in results:
        for t in r.get("stages", []):
            if t["op"] in ("add_batch", "add"):
                for k, v in t.items():
                    if k not in ("op", "items") and isinstance(v, (int, float)):
                        stages.setdefault(k, []).append(v)
    appends = sum((r.get("lance") or {}).get("appends") or 0 for r in results)
    append_s = sum((r.get("lance") or {}).get("append_seconds") or 0.0 for r in results)
    ms = lambda xs, q: round(nearest_percentile(xs, q) * 1000, 1)
    return {
        "memories": memories,
        "errors": [e for r in results for e in r.get("errors", [])],
        "add_wall_s": round(wall, 3),
        "adds_per_s": round(memories / wall, 1) if wall else None,
        "add_batch_p50_ms": ms(adds, 50), "add_batch_p95_ms": ms(adds, 95),
        "search_p50_ms": ms(searches, 50), "search_p95_ms": ms(searches, 95),
        "search_lance_p50_ms": ms(lance_searches, 50), "search_lance_p95_ms": ms(lance_searches, 95),
        "searches": len(searches),
        # mean seconds per add_batch call in each stage (stages overlap; see CallTiming)
        "stages_ms": {k: round(statistics.fmean(v) * 1000, 1) for k, v in sorted(stages.items())},
        "lance_appends": appends,
        "lance_append_ms": round(append_s / appends * 1000, 1) if appends else None,
    }


def _lance_versions(config: Any) -> int | None:
    """How many versions the vector table has (each append commits one)."""
    import asyncio

    import lancedb

    from ..storage.lance import TABLE

    async def q() -> int:
        db = await lancedb.connect_async(config.resolved_vectors_uri, storage_options=dict(config.storage_options or {}))
        return len(await (await db.open_table(TABLE)).list_versions())

    try:
        return asyncio.run(q())
    except Exception:  # noqa: BLE001 - a count the table cannot give is reported as unknown
        return None


def bench_remote(workdir: str | os.PathLike[str], *, workers: list[int], batches: int = 10, size: int = 20,
                 searches: int = 20, backends: tuple[str, ...] = ("embedded", "remote"),
                 progress: Any = None) -> dict[str, Any]:
    """add_batch and search latency/throughput with 1..N worker processes, each on a fresh
    store: ``embedded`` (data_dir on this disk: libSQL file + LanceDB folder) and ``remote``
    (sqld + SeaweedFS S3 on 127.0.0.1). Each worker adds ``batches`` batches of ``size``
    texts of its own user, then runs ``searches`` scoped and as many unscoped searches."""
    from agentmem import MemoryConfig

    from ..stack import start, start_sqld, stop_server
    from .machine import machine_facts

    root = Path(workdir)
    root.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    stack = start(root / "stack") if "remote" in backends else None
    try:
        for backend in backends:
            for n in workers:
                name = f"{backend}-{n}"
                if progress:
                    progress(name)
                pid = None
                if backend == "remote":
                    assert stack is not None
                    pid, port = start_sqld(root / f"sqld-{name}")
                    cfg = MemoryConfig(data_dir=root / f"local-{name}", records_url=f"http://127.0.0.1:{port}",
                                       vectors_uri=stack.vectors_uri(name), storage_options=stack.storage_options())
                    env = stack.env()
                else:
                    cfg, env = MemoryConfig(data_dir=root / f"store-{name}"), None
                try:
                    spec = _worker_config(cfg, keyless=env is not None)
                    results, wall = _run_workers(spec, root / f"work-{name}", workers=n, batches=batches, size=size,
                                                 shared=0, searches=searches, env=env, same_user=False)
                    row = {"backend": backend, "workers": n, **_summary(results, wall),
                           "lance_versions": _lance_versions(cfg), "load_avg": load_average()}
                finally:
                    if pid is not None:
                        stop_server(pid)
                rows.append(row)
    finally:
        if stack is not None:
            stack.stop()
    return {"kind": "bench-remote", "batches": batches, "size": size, "searches": searches,
            "machine": machine_facts(), "rows": rows}


def table(result: dict[str, Any]) -> str:
    """The result as a markdown table."""
    head = ("| store | workers | memories/s | add_batch p50 / p95 ms | scoped search p50 / p95 ms | "
            "unscoped search p50 / p95 ms | per add_batch: embed / vectors / records ms | Lance append ms | errors |")
    lines = [head, "|" + "---|" * 9]
    for r in result["rows"]:
        st = r["stages_ms"]
        lines.append(
            f"| {r['backend']} | {r['workers']} | {r['adds_per_s']} | {r['add_batch_p50_ms']} / {r['add_batch_p95_ms']} | "
            f"{r['search_p50_ms']} / {r['search_p95_ms']} | {r['search_lance_p50_ms']} / {r['search_lance_p95_ms']} | "
            f"{st.get('embed', 0)} / {st.get('vectors', 0)} / {st.get('records', 0)} | {r['lance_append_ms']} | "
            f"{len(r['errors'])} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "worker":
        return _worker(argv[1])
    sys.stderr.write("usage: python -m agentmem.bench.remote worker SPEC\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
