"""Grow one store in steps and time the write path and search at each size.

    python experiments/scale_probe.py --sizes 10000,100000 --users 500 [--dir DIR] [--queries 100]

Synthetic texts (a few words from a fixed vocabulary per memory, one batch per user per
step) with random vectors given (``add_batch(..., vectors=...)``, the storage-only path).
At each size: the step's bulk ingest rate; then, right after the ingest (upkeep still
catching up), single ``add`` p50 and sequential rate, and search p50/p95 per mode,
user-scoped, the real model embedding every query (no query text repeated); then the same
searches once upkeep has settled; disk bytes per memory; peak RSS; upkeep seconds. One JSON
line per step on stdout.

    python experiments/scale_probe.py --dir STORE --reuse [--foreign-writer]

``--reuse``: measure an existing store without growing it (build it once with ``--sizes``):
each user's first search (block load), block bytes, then a bulk ingest (``--ingest`` rows
over all users, written into the loaded blocks) and search p50/p95 per mode within seconds
of it; with ``--foreign-writer`` a second process adds batches meanwhile.

    python experiments/scale_probe.py --recall ../shared/data/locomo_dev.json --cache CACHE

``--recall``: recall@10 of the scope blocks' int8 vector search against exact float32
search on real model vectors (LoCoMo turns, one scope per conversation, its questions as
queries; the turns' vectors are embedded once and cached as .npy under ``--cache``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from agentmem import AsyncMemory, MemoryConfig
from agentmem.bench.scale import disk_bytes

WORDS = ["apple", "river", "mountain", "coffee", "garden", "teacher", "guitar", "soccer", "python", "kitchen", "winter", "summer", "doctor", "camera", "museum", "ocean", "village", "bicycle", "library", "piano", "tennis", "forest", "island", "train", "bakery", "chess", "wedding", "holiday", "concert", "painting", "hiking", "running", "swimming", "cooking", "reading", "writing", "travel", "birthday", "project", "meeting", "flight", "hotel", "dinner", "breakfast", "lunch", "market", "festival", "sister", "brother", "mother", "father", "friend", "neighbor", "dog", "cat", "horse", "bird", "flower", "tree", "lake", "beach", "city", "country"]


def texts_for(rng: np.random.Generator, n: int, tag: str) -> list[str]:
    picks = rng.integers(0, len(WORDS), size=(n, 6))
    return [f"{tag} {i} " + " ".join(WORDS[j] for j in row) for i, row in enumerate(picks)]


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))] * 1000 if s else float("nan")


async def searches(mem: AsyncMemory, rng: np.random.Generator, users: int, n: int, step: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for mode in ("vector", "fts", "hybrid"):
        times: list[float] = []
        embeds: list[float] = []
        retrieval: list[float] = []
        for q in range(n):
            words = " ".join(WORDS[j] for j in rng.integers(0, len(WORDS), size=3))
            query = f"what about {words} ({mode} {step} {q})?"  # never repeated: no embedding cache hits
            user = f"user{int(rng.integers(0, users))}"
            t = time.perf_counter()
            await mem.search(query, user_id=user, mode=mode, limit=10)
            times.append(time.perf_counter() - t)
            last = mem._core.timings[-1]  # type: ignore[union-attr]
            embeds.append(last.stages["embed"])
            retrieval.append(last.stages["vectors"])
        out[mode] = {"p50_ms": round(pct(times, 0.5), 2), "p95_ms": round(pct(times, 0.95), 2),
                     "embed_p50_ms": round(pct(embeds, 0.5), 2), "retrieval_p50_ms": round(pct(retrieval, 0.5), 2),
                     "retrieval_p95_ms": round(pct(retrieval, 0.95), 2)}
    return out


async def run(args: argparse.Namespace) -> None:
    root = Path(args.dir or tempfile.mkdtemp(prefix="scale_probe_"))
    if root.exists() and args.fresh:
        shutil.rmtree(root)
    cfg = MemoryConfig(data_dir=root)
    rng = np.random.default_rng(0)
    mem = await AsyncMemory.open(cfg)
    core = await mem._ready()
    dim = core.embedder.dim
    stored = await mem.count()
    sizes = [int(s) for s in args.sizes.split(",")]
    for step, size in enumerate(sizes):
        grow = size - stored
        if grow <= 0:
            continue
        per_user = max(1, grow // args.users)
        t0 = time.perf_counter()
        added = 0
        for u in range(args.users):
            n = per_user if u < args.users - 1 else grow - per_user * (args.users - 1)
            if n <= 0:
                continue
            vecs = rng.standard_normal(size=(n, dim), dtype=np.float32)
            await mem.add_batch(texts_for(rng, n, f"s{step}u{u}"), user_id=f"user{u}", vectors=vecs)
            added += n
        ingest_s = time.perf_counter() - t0
        stored += added
        row: dict[str, object] = {
            "size": stored, "users": args.users, "ingest_rows": added,
            "ingest_per_s": round(added / ingest_s), "ingest_s": round(ingest_s, 2),
        }
        if step == 0:  # each user's first search loads its block (later steps keep them current)
            cold = []
            for u in range(args.users):
                t = time.perf_counter()
                await mem.search(f"first look {u} at " + WORDS[u % len(WORDS)], user_id=f"user{u}", mode="hybrid")
                cold.append(time.perf_counter() - t)
            row["first_search_per_user"] = {"p50_ms": round(pct(cold, 0.5), 2), "p95_ms": round(pct(cold, 0.95), 2)}
            t0 = time.perf_counter()  # "right after the ingest" again: one small ingest
            n = 1000
            await mem.add_batch(texts_for(rng, n, f"s{step}x"), user_id="user0",
                                vectors=rng.standard_normal(size=(n, dim), dtype=np.float32))
            stored += n
        # right after the ingest: upkeep is still catching up in the background
        row["search_after_ingest"] = await searches(mem, rng, args.users, args.queries, step)
        times = []
        t1 = time.perf_counter()
        for i in range(args.adds):
            t = time.perf_counter()
            await mem.add(f"a new memory {step}-{i} about " + " ".join(WORDS[j] for j in rng.integers(0, len(WORDS), 4)),
                          user_id=f"user{int(rng.integers(0, args.users))}")
            times.append(time.perf_counter() - t)
        adds = list(mem._core.timings)[-args.adds:]  # type: ignore[union-attr]
        row["add_stages_p50_ms"] = {k: round(pct([c.stages[k] for c in adds], 0.5), 2) for k in adds[0].stages}
        row["add_p50_ms"] = round(pct(times, 0.5), 2)
        row["add_p95_ms"] = round(pct(times, 0.95), 2)
        row["add_seq_per_s"] = round(args.adds / (time.perf_counter() - t1), 1)
        # settle: wait until upkeep has nothing left to do (or a limit)
        t2 = time.perf_counter()
        while time.perf_counter() - t2 < args.settle_s:
            need = await core.vectors.needs()
            up = core.vectors.upkeep
            if not up.running and need["unindexed_rows"] == 0 and up.policy.reason(need, 0.0, False) is None:
                break
            await asyncio.sleep(1)
        row["settle_s"] = round(time.perf_counter() - t2, 1)
        row["search_settled"] = await searches(mem, rng, args.users, args.queries, step + 100)
        info = await core.vectors.info()
        row["upkeep"] = info["upkeep"]
        row["append_wait_s"] = info["append_wait_seconds"]
        row["scope_blocks"] = info["scope_blocks"]
        row["disk_bytes_per_memory"] = round(disk_bytes(root) / stored)
        row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        row["load_avg"] = os.getloadavg()[0]
        print(json.dumps(row), flush=True)
    await mem.close()


def block_bytes(core) -> dict[str, int]:
    """Bytes the loaded scope blocks hold, by part."""
    out = {"vectors": 0, "columns": 0, "postings": 0, "rows": 0}
    for blk in core.vectors.scopes._blocks.values():
        for seg in blk.segments():
            out["vectors"] += seg.codes.nbytes + seg.scale.nbytes
            out["columns"] += seg.cols.nbytes
            out["postings"] += seg.doc_len.nbytes + seg.terms.nbytes + seg.starts.nbytes + seg.rows.nbytes
            out["rows"] += seg.n
    out["total"] = out["vectors"] + out["columns"] + out["postings"]
    return out


def foreign_writer(data_dir: str, users: int, go, stop, per_batch: int, every_s: float, deleted=None) -> None:
    """Another process adding batches to random users until told to stop; then it
    deletes one memory of its first batch and sets ``deleted``."""
    from agentmem import Memory

    rng = np.random.default_rng()
    run = f"{os.getpid()}-{int(time.time())}"  # texts new to the store (a repeat is a NOOP, not a write)
    with Memory(MemoryConfig(data_dir=data_dir)) as mem:
        dim = mem._run(mem._async._ready()).embedder.dim
        go.set()
        i = 0
        first = None
        while not stop.is_set():
            res = mem.add_batch(texts_for(rng, per_batch, f"foreign{run}-{i}"), user_id=f"user{int(rng.integers(0, users))}",
                          vectors=rng.standard_normal(size=(per_batch, dim), dtype=np.float32))
            first = first or res[0].id
            i += 1
            time.sleep(every_s)
        if deleted is not None:
            if first is not None:
                mem.delete(first)
            deleted.set()


async def mixed_searches(mem: AsyncMemory, rng: np.random.Generator, users: int, n: int, tag: str,
                         since: float) -> dict[str, object]:
    """n searches per mode, the modes interleaved; timings overall and for those that
    started within 5 s of ``since`` (the end of an ingest)."""
    rec: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in ("vector", "fts", "hybrid")}
    for q in range(n):
        for mode in rec:  # noqa: PLC0206 (the loop appends to each list)
            words = " ".join(WORDS[j] for j in rng.integers(0, len(WORDS), size=3))
            user = f"user{int(rng.integers(0, users))}"
            t = time.perf_counter()
            await mem.search(f"what about {words} ({mode} {tag} {q})?", user_id=user, mode=mode, limit=10)
            dt = time.perf_counter() - t
            last = mem._core.timings[-1]  # type: ignore[union-attr]
            rec[mode].append((t - since, dt, last.stages["embed"], last.stages["vectors"]))
    out: dict[str, object] = {}
    for mode, rows in rec.items():
        early = [r for r in rows if r[0] <= 5.0]
        out[mode] = {
            "p50_ms": round(pct([r[1] for r in rows], 0.5), 2), "p95_ms": round(pct([r[1] for r in rows], 0.95), 2),
            "embed_p50_ms": round(pct([r[2] for r in rows], 0.5), 2),
            "retrieval_p50_ms": round(pct([r[3] for r in rows], 0.5), 2),
            "retrieval_p95_ms": round(pct([r[3] for r in rows], 0.95), 2),
            "within_5s": {"n": len(early), "p50_ms": round(pct([r[1] for r in early], 0.5), 2),
                          "p95_ms": round(pct([r[1] for r in early], 0.95), 2)},
        }
    return out


async def reuse(args: argparse.Namespace) -> None:
    import multiprocessing as mp

    root = Path(args.dir)
    rng = np.random.default_rng(int(time.time()))
    mem = await AsyncMemory.open(MemoryConfig(data_dir=root))
    core = await mem._ready()
    dim = core.embedder.dim
    row: dict[str, object] = {"size": await mem.count(), "users": args.users, "load_avg_start": os.getloadavg()[0]}
    cold = []
    t0 = time.perf_counter()
    for u in range(args.users):
        t = time.perf_counter()
        await mem.search(f"first look {u} at " + WORDS[u % len(WORDS)], user_id=f"user{u}", mode="hybrid")
        cold.append(time.perf_counter() - t)
    row["first_search_per_user"] = {"p50_ms": round(pct(cold, 0.5), 2), "p95_ms": round(pct(cold, 0.95), 2),
                                    "all_s": round(time.perf_counter() - t0, 1)}
    row["block_bytes"] = block_bytes(core)
    row["search_warm"] = await mixed_searches(mem, rng, args.users, args.queries, "warm", time.perf_counter() - 60)
    per_user = max(1, args.ingest // args.users)
    t0 = time.perf_counter()
    for u in range(args.users):
        await mem.add_batch(texts_for(rng, per_user, f"r{int(t0)}u{u}"), user_id=f"user{u}",
                            vectors=rng.standard_normal(size=(per_user, dim), dtype=np.float32))
    end = time.perf_counter()
    adds = [c for c in list(mem._core.timings)[-args.users:]]  # type: ignore[union-attr]
    row["ingest"] = {"rows": per_user * args.users, "s": round(end - t0, 2), "per_s": round(per_user * args.users / (end - t0)),
                     "batch_stages_p50_ms": {k: round(pct([c.stages.get(k, 0.0) for c in adds], 0.5), 2) for k in adds[0].stages},
                     "scope_write_s": core.vectors.scopes.write_seconds}
    misses = core.vectors.scopes.misses
    row["search_after_ingest"] = await mixed_searches(mem, rng, args.users, args.queries, "ingest", end)
    row["loads_after_ingest"] = core.vectors.scopes.misses - misses
    if args.foreign_writer:
        ctx = mp.get_context("spawn")
        go, stop, deleted = ctx.Event(), ctx.Event(), ctx.Event()
        proc = ctx.Process(target=foreign_writer, args=(str(root), args.users, go, stop, 20, 0.1, deleted))
        proc.start()
        go.wait(300)
        await asyncio.sleep(2)
        before = dict(core.vectors.scopes.stats(), foreign_rows=core.vectors.foreign_rows)
        row["search_with_foreign_writer"] = await mixed_searches(mem, rng, args.users, args.queries, "foreign",
                                                                 time.perf_counter() - 60)
        stop.set()
        deleted.wait(120)
        mid = dict(core.vectors.scopes.stats(), foreign_rows=core.vectors.foreign_rows)
        row["foreign"] = {k: mid[k] - before[k] for k in ("foreign_rows", "foreign_drops", "misses", "drops")}
        blocks = len(core.vectors.scopes._blocks)
        await asyncio.sleep(core.vectors.scopes.refresh_s)
        t = time.perf_counter()
        await mem.search("after the delete", user_id="user0", mode="fts")  # waits for the check
        row["foreign_delete"] = {"search_ms": round((time.perf_counter() - t) * 1000, 2),
                                 "blocks_dropped": blocks - len(core.vectors.scopes._blocks),
                                 "foreign_drops": core.vectors.scopes.foreign_drops - mid["foreign_drops"]}
        proc.join(120)
    row["scope_blocks"] = core.vectors.scopes.stats()
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    row["load_avg"] = os.getloadavg()[0]
    print(json.dumps(row), flush=True)
    await mem.close()


def recall(args: argparse.Namespace) -> None:
    """Recall@10 of int8 codes (per-vector scale: what the blocks store; per-dimension
    scale: the alternative) against float32 exact search, and the bytes per vector."""
    import pyarrow as pa
    from agentmem.bench.datasets import load_locomo
    from agentmem.embed import get_embedder
    from agentmem.storage.scopes import Block, ScopeIndex, _segment

    ds = load_locomo(args.recall)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    emb = get_embedder(MemoryConfig(data_dir=cache / "recall_cfg"))
    texts = ds.texts
    qtexts = [q.question for q in ds.questions]
    tpath, qpath = cache / "locomo_dev_turns.npy", cache / "locomo_dev_questions.npy"
    if not tpath.exists():
        np.save(tpath, emb.embed_sync(texts))
    if not qpath.exists():
        np.save(qpath, emb.embed_sync(qtexts))
    tv, qv = np.load(tpath), np.load(qpath)
    assert len(tv) == len(texts) and len(qv) == len(qtexts), "stale cache: delete the .npy files"
    users = np.array([it.user_id for it in ds.items])
    found = {"int8_per_vector": 0, "int8_per_dimension": 0, "float16": 0}
    total = 0
    for user in ds.users:
        rows = np.flatnonzero(users == user)
        vecs = tv[rows]
        cols = pa.table({"id": [str(i) for i in range(len(rows))]})
        blk = Block(_segment(cols, vecs, [""] * len(rows)))
        dim_scale = np.abs(vecs).max(axis=0) / 127.0
        per_dim = np.rint(vecs / dim_scale).astype(np.int8).astype(np.float32) * dim_scale
        half = vecs.astype(np.float16).astype(np.float32)
        for qi, q in enumerate(qv):
            if ds.questions[qi].user_id != user:
                continue
            qn = q / np.linalg.norm(q)
            exact = set(np.argsort(-(vecs @ qn), kind="stable")[:10].tolist())
            got = {int(r["id"]) for r in ScopeIndex.vector(blk, q, 10)}
            found["int8_per_vector"] += len(exact & got)
            found["int8_per_dimension"] += len(exact & set(np.argsort(-(per_dim @ qn))[:10].tolist()))
            found["float16"] += len(exact & set(np.argsort(-(half @ qn))[:10].tolist()))
            total += 10
    out = {k: round(v / total, 4) for k, v in found.items()}
    print(json.dumps({"recall_at_10": out, "scopes": len(ds.users), "vectors": len(tv), "queries": total // 10,
                      "bytes_per_vector": {"int8": tv.shape[1] + 4, "float16": 2 * tv.shape[1]},
                      "load_avg": os.getloadavg()[0]}), flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000")
    p.add_argument("--users", type=int, default=500)
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--adds", type=int, default=200)
    p.add_argument("--settle-s", type=float, default=300)
    p.add_argument("--dir", default=None)
    p.add_argument("--fresh", action="store_true", help="delete --dir first")
    p.add_argument("--recall", default=None, help="a LoCoMo JSON file: measure int8 recall@10 (see above)")
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "scale_probe_cache"))
    p.add_argument("--reuse", action="store_true", help="measure the store in --dir without growing it")
    p.add_argument("--ingest", type=int, default=50_000, help="--reuse: rows of the bulk ingest")
    p.add_argument("--foreign-writer", action="store_true", help="--reuse: another process adds meanwhile")
    args = p.parse_args()
    if args.recall:
        recall(args)
        return
    if args.reuse:
        if not args.dir:
            p.error("--reuse needs --dir")
        asyncio.run(reuse(args))
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
