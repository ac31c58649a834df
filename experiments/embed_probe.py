"""Embed-only throughput of agentmem's embedder against fastembed's plain ``embed``.

    python experiments/embed_probe.py                 # 1,000 LoCoMo turns, default variants once (~45 s)
    python experiments/embed_probe.py --only all      # every variant (~70 s)
    python experiments/embed_probe.py --reps 3 --only plain64,ours-16
    python experiments/embed_probe.py --n 300 --json results.jsonl
    python experiments/embed_probe.py --query-latency 300   # one query per call: float vs int8 graph

Texts: the first ``--n`` dialog turns of ../shared/data/locomo_dev.json (every
``conversation["session_N"][i]["text"]``, conversations and sessions in order).
Every variant embeds the same texts with the cache off; reps are interleaved so
machine noise hits all variants alike, and each is reported as its median rate and
as a ratio to ``plain64`` (fastembed ``TextEmbedding.embed(texts, batch_size=64)``
on the unoptimized model) of the same run; ``fe-sorted-*`` run agentmem's batch plan through
fastembed's public ``embed()`` on agentmem's (optimized) model, to price the lower-level call. ``cos_min`` is the lowest cosine between a
variant's vectors and plain64's. ``cpu_ms/text`` is this process's CPU time (all
onnxruntime threads, spinning included): steadier than the rate on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from agentmem.config import MemoryConfig
from agentmem.embed import Embedder, get_embedder, plan_batches

#: The default run (~45 s on 2 quiet cores); ``--only all`` adds the rest.
DEFAULT_VARIANTS = {"plain64", "fe-sorted-16", "ours-inorder-16", "ours-q8", "ours-1", "ours-8", "ours-16", "ours-32",
                    "ours-16-noopt", "ours-16-t1"}

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "locomo_dev.json"


def locomo_turns(path: Path, n: int) -> list[str]:
    conversations = json.loads(path.read_text(encoding="utf-8"))
    texts: list[str] = []
    for item in conversations:
        conv = item["conversation"]
        sessions = sorted(
            (k for k in conv if k.startswith("session_") and k.split("_")[1].isdigit() and k.count("_") == 1),
            key=lambda k: int(k.split("_")[1]),
        )
        for key in sessions:
            texts.extend(turn["text"] for turn in conv[key])
            if len(texts) >= n:
                return texts[:n]
    return texts


@dataclass
class Variant:
    name: str
    what: str
    run: Callable[[list[str]], np.ndarray]
    embedder: Embedder | None = None


def fastembed_plain(emb: Embedder, batch_size: int) -> Callable[[list[str]], np.ndarray]:
    return lambda texts: np.asarray(list(emb.text_embedding.embed(texts, batch_size=batch_size)), dtype=np.float32)


def fastembed_sorted(emb: Embedder, max_batch: int, budget: int) -> Callable[[list[str]], np.ndarray]:
    """Our batch plan, but each batch through fastembed's public embed() (its tokenizer and pooling)."""

    def run(texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), emb.dim), dtype=np.float32)
        for batch in plan_batches(emb.token_counts(texts), max_batch=max_batch, token_budget=budget):
            out[batch] = np.asarray(list(emb.text_embedding.embed([texts[i] for i in batch], batch_size=len(batch))))
        return out

    return run


def padded_ratio(lengths: list[int], max_batch: int, budget: int, length_aware: bool) -> float:
    """Padded tokens per real token of a batch plan."""
    plan = plan_batches(lengths, max_batch=max_batch, token_budget=budget, length_aware=length_aware)
    return sum(len(b) * max(lengths[i] for i in b) for b in plan) / max(sum(lengths), 1)


def build_variants(base: MemoryConfig, only: set[str] | None) -> list[Variant]:
    def ours(name: str, what: str, **changes: object) -> Variant:
        emb = get_embedder(base.replace(embed_cache=False, **changes))
        return Variant(name, what, emb.embed_sync, emb)

    def query_path(name: str, what: str) -> Variant:
        emb = get_embedder(base.replace(embed_cache=False))
        return Variant(name, what, lambda texts: asyncio.run(emb.embed_query(texts))[0], emb)

    plain = get_embedder(base.replace(embed_cache=False, optimize_model=False))
    default = get_embedder(base.replace(embed_cache=False))
    specs: list[tuple[str, Callable[[], Variant]]] = [
        ("plain64", lambda: Variant("plain64", "fastembed embed(batch_size=64), input order", fastembed_plain(plain, 64))),
        ("fe-sorted-8", lambda: Variant("fe-sorted-8", "agentmem's plan 8 / 2048, each batch via fastembed embed()", fastembed_sorted(default, 8, 2048))),
        ("fe-sorted-16", lambda: Variant("fe-sorted-16", "agentmem's plan 16 / 2048, each batch via fastembed embed()", fastembed_sorted(default, 16, 2048))),
        ("ours-inorder-16", lambda: ours("ours-inorder-16", "ours, input order, 16", embed_batch_size=16, length_aware=False)),
        ("ours-q8", lambda: query_path("ours-q8", "ours, the query path: int8 graph, one text per call")),
        ("ours-1", lambda: ours("ours-1", "ours, float graph, one text per call", embed_batch_size=1)),
        ("ours-8", lambda: ours("ours-8", "ours, sorted, 8 / 2048", embed_batch_size=8, embed_token_budget=2048)),
        ("ours-16", lambda: ours("ours-16", "ours, sorted, 16 / 2048", embed_batch_size=16, embed_token_budget=2048)),
        ("ours-16-b512", lambda: ours("ours-16-b512", "ours, sorted, 16 / 512", embed_batch_size=16, embed_token_budget=512)),
        ("ours-16-b1024", lambda: ours("ours-16-b1024", "ours, sorted, 16 / 1024", embed_batch_size=16, embed_token_budget=1024)),
        ("ours-32-b2048", lambda: ours("ours-32-b2048", "ours, sorted, 32 / 2048", embed_batch_size=32, embed_token_budget=2048)),
        ("ours-32", lambda: ours("ours-32", "ours, sorted, 32 / 4096", embed_batch_size=32, embed_token_budget=4096)),
        ("ours-64", lambda: ours("ours-64", "ours, sorted, 64 / 8192", embed_batch_size=64, embed_token_budget=8192)),
        ("ours-16-noopt", lambda: ours("ours-16-noopt", "ours, 16 / 2048, optimize_model=False", embed_batch_size=16, optimize_model=False)),
        ("ours-16-t1", lambda: ours("ours-16-t1", "ours, 16 / 2048, 1 thread", embed_batch_size=16, embed_threads=1)),
        ("ours-16-t2", lambda: ours("ours-16-t2", "ours, 16 / 2048, 2 threads", embed_batch_size=16, embed_threads=2)),
    ]
    wanted = DEFAULT_VARIANTS if only is None else only
    if "all" in wanted:
        wanted = {name for name, _ in specs}
    unknown = wanted - {name for name, _ in specs}
    if unknown:
        raise SystemExit(f"unknown variants: {', '.join(sorted(unknown))}; known: {', '.join(n for n, _ in specs)}")
    return [make() for name, make in specs if name in wanted or name == "plain64"]


def query_latency(n: int) -> int:
    """Single-query latency as a search pays it: ``embed_query`` with ``int8_queries`` off and
    on, interleaved, cache off; queries are unseen word windows (``bench.scale.Queries``)."""
    from agentmem.bench.scale import Queries

    emb = {
        "float": get_embedder(MemoryConfig(embed_cache=False, int8_queries=False)),
        "int8": get_embedder(MemoryConfig(embed_cache=False)),
    }
    qs = Queries(7)
    walls: dict[str, list[float]] = {k: [] for k in emb}
    tokens = []

    async def run() -> None:
        for e in emb.values():
            for _ in range(20):
                await e.embed_query([qs.next()])
        for _ in range(n):
            q = qs.next()
            tokens.append(emb["float"].token_counts([q])[0])
            for name, e in emb.items():
                start = time.perf_counter()
                await e.embed_query([q])
                walls[name].append(time.perf_counter() - start)

    asyncio.run(run())
    print(f"{n} queries, tokens mean {np.mean(tokens):.1f}; cpus {os.cpu_count()}, load {os.getloadavg()[0]:.2f}")
    for name, w in walls.items():
        print(f"{name:<6} p50 {1000 * statistics.median(w):.2f} ms  p95 {1000 * sorted(w)[int(0.95 * len(w))]:.2f} ms")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="dialog turns to embed (default 1000)")
    parser.add_argument("--reps", type=int, default=1, help="interleaved repetitions (default 1)")
    parser.add_argument("--only", default=None, help="comma-separated variant names, or 'all' (plain64 always runs)")
    parser.add_argument("--data", type=Path, default=DATA, help="locomo_dev.json")
    parser.add_argument("--json", type=Path, default=None, help="append one JSON line per variant here")
    parser.add_argument("--query-latency", type=int, default=0, metavar="N",
                        help="instead: p50 ms of N single queries, float graph against the int8 query path")
    args = parser.parse_args(argv)
    if args.query_latency:
        return query_latency(args.query_latency)
    if not args.data.is_file():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    texts = locomo_turns(args.data, args.n)
    base = MemoryConfig()
    variants = build_variants(base, set(args.only.split(",")) if args.only else None)
    for v in variants:  # load, build the optimized model, warm onnxruntime up
        v.run(texts[:32])
    counter = variants[-1].embedder or get_embedder(base)
    lengths = counter.token_counts(texts)
    print(
        f"{len(texts)} LoCoMo turns, tokens mean {np.mean(lengths):.1f} max {max(lengths)}; "
        f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.2f}; reps {args.reps}"
    )
    rates: dict[str, list[float]] = {v.name: [] for v in variants}
    cpu: dict[str, list[float]] = {v.name: [] for v in variants}
    vectors: dict[str, np.ndarray] = {}
    padding: dict[str, float] = {
        "plain64": padded_ratio(lengths, 64, 10**9, False),
        "fe-sorted-8": padded_ratio(lengths, 8, 2048, True),
        "fe-sorted-16": padded_ratio(lengths, 16, 2048, True),
    }
    for _ in range(args.reps):
        for v in variants:
            if v.embedder is not None:
                v.embedder.reset_stats()
            start, cpu_start = time.perf_counter(), time.process_time()
            vectors[v.name] = v.run(texts)
            rates[v.name].append(len(texts) / (time.perf_counter() - start))
            cpu[v.name].append(time.process_time() - cpu_start)
            if v.embedder is not None:
                s = v.embedder.stats()
                padding[v.name] = s["padded_tokens"] / max(s["tokens"], 1)
    base_rate = statistics.median(rates["plain64"])
    ref = vectors["plain64"]
    print(f"{'variant':17s} {'texts/s':>8s} {'x plain64':>9s} {'cpu_ms/text':>11s} {'pad':>5s} {'cos_min':>8s}  runs / what")
    rows = []
    for v in variants:
        rate = statistics.median(rates[v.name])
        cpu_ms = statistics.median(cpu[v.name]) * 1000 / len(texts)
        cos = float((vectors[v.name] * ref).sum(axis=1).min())
        pad = padding.get(v.name)
        runs = "/".join(f"{r:.0f}" for r in rates[v.name])
        pad_s = f"{pad:5.2f}" if pad is not None else "    -"
        print(f"{v.name:17s} {rate:8.1f} {rate / base_rate:9.2f} {cpu_ms:11.2f} {pad_s} {cos:8.5f}  {runs}  {v.what}")
        rows.append({"variant": v.name, "texts_per_s": rate, "x_plain64": rate / base_rate, "cpu_ms_per_text": cpu_ms,
                     "padding": pad, "cos_min": cos, "runs": rates[v.name], "n": len(texts), "what": v.what})
    if args.json is not None:
        with args.json.open("a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **row}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
