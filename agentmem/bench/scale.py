"""``agentmem bench-scale``: grow one store in steps and measure what an agent feels at each size.

At each step (e.g. 10k, 100k, 300k, 1M memories across 500 users) the store grows by one
bulk ingest (``add_batch(..., vectors=...)``: synthetic texts from :mod:`.synthetic`, fill
vectors made by perturbing a pool of real-model embeddings, so they cluster as real ones do),
then, with the real model embedding every query and no query text used twice:

* search p50/p95 per mode (vector, fts, hybrid), user-scoped, right after the ingest (the
  seconds since the ingest ended are recorded) and again once upkeep has settled;
* single ``add`` p50/p95 and the sequential rate;
* how long after ``add`` returns a new memory is found by each mode;
* an agent loop: 8 and 32 concurrent agents, each turn a search then an add;
* disk bytes per memory, peak RSS, upkeep seconds and writer wait (from ``stats()``), and
  ``verify()`` time.

The same steps run on Mem0 2.2.1 on pgvector (see :mod:`.mem0_pg`) at the sizes asked for:
its table is filled in bulk with the same rows, then measured through Mem0's own ``add``
and ``search``. A partial result is written after every step when ``json_out`` is given.

``ann_recall`` measures recall@10 of the search path against exact search on a store of
real-model embeddings (embedded once, cached under the model cache directory).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import resource
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..config import MemoryConfig
from .datasets import DatasetItem
from .harness import run_sync
from .machine import load_average, machine_facts
from .stats import latency, percentile, rounded_mean
from .synthetic import generate

__all__ = ["MODES", "ann_recall", "command_of", "parse_sizes", "planned_steps", "run_scale", "scale_frame", "short_size", "table"]

MODES = ("vector", "fts", "hybrid")
Progress = Callable[[str, int, int], None]
Tick = Callable[[int, int], None]
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")
#: The largest step a run accepts: a step's rows and fill vectors are held in memory
#: (~1.6 KB a memory), so 10M already needs ~16 GB.
MAX_SIZE = 10_000_000


def parse_sizes(text: str) -> list[int]:
    """``"10k,100k,1M"`` -> ``[10000, 100000, 1000000]``; strictly increasing, each in
    1..``MAX_SIZE``."""
    sizes: list[int] = []
    for part in str(text).split(","):
        m = _SIZE.match(part)
        if not m:
            raise ValueError(f"expected sizes like 10k,100k,1M, got {part.strip()!r}")
        mult = {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
        scaled = float(m.group(1)) * mult
        if scaled > MAX_SIZE:
            raise ValueError(f"sizes must be at most {MAX_SIZE:,} (10M), got {part.strip()[:40]!r}")
        value = round(scaled)
        if value < 1:
            raise ValueError(f"sizes must be at least 1, got {part.strip()!r}")
        if sizes and value <= sizes[-1]:
            raise ValueError(f"sizes must increase, got {part.strip()!r} after {sizes[-1]}")
        sizes.append(value)
    return sizes


def _fresh_store(data_dir: Any, prefix: str, name: str) -> tuple[Path, Path]:
    """The run's folder (``data_dir``, or a new temp folder named ``prefix...``) and, inside
    it, the store's folder ``name``, emptied: a run never grows on a store it did not fill."""
    root = Path(data_dir).expanduser() if data_dir is not None else Path(tempfile.mkdtemp(prefix=prefix))
    store = root / name
    if store.exists():
        shutil.rmtree(store)
    return root, store


def disk_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Queries:
    """Query texts never used before in this run: word windows of fresh synthetic memories."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.seen: set[str] = set()
        self.pool: list[str] = []
        self.round = 0

    def next(self) -> str:
        while True:
            if not self.pool:
                self.round += 1
                self.pool = [it.text for it in generate(500, seed=self.seed * 1000 + self.round, users=50).items]
            words = self.pool.pop().rstrip(".").split()
            k = min(len(words), self.rng.randint(4, 8))
            start = self.rng.randint(0, len(words) - k)
            q = "what about " + " ".join(words[start:start + k]) + "?"
            if q not in self.seen:
                self.seen.add(q)
                return q


class FillVectors:
    """Fill vectors: a pool of real-model embeddings, each draw perturbed and re-normalized."""

    def __init__(self, pool: np.ndarray, seed: int, noise: float = 0.35) -> None:
        self.pool = pool.astype(np.float32)
        self.rng = np.random.default_rng(seed)
        self.noise = noise / np.sqrt(pool.shape[1])

    def take(self, n: int, step: int = 65_536) -> np.ndarray:
        out = self.pool[self.rng.integers(0, len(self.pool), size=n)]
        # perturbed in place a slice at a time (the same draws in the same order): a 1M-row
        # fill holds its vectors once, not four temporary copies of them
        for s in range(0, n, step):
            part = out[s:s + step]
            part += self.rng.standard_normal(part.shape, dtype=np.float32) * self.noise
            part /= np.linalg.norm(part, axis=1, keepdims=True)
        return out


def _user(i: int) -> str:
    return f"user-{i:03d}"


def step_items(step: int, n: int, users: int) -> list[DatasetItem]:
    """``n`` synthetic memories for one step, spread over ``users`` users."""
    return generate(n, seed=1000 + step, users=users).items


# --------------------------------------------------------------------------- agentmem


#: Rows per add_batch call of the bulk fill, every user's rows together (each text with its
#: own user id). Measured filling 150k memories over 500 users on 2 shared cores: 25k-row
#: calls took 26 s of writes, 50k 31 s, 100k 20 s (the machine's load swung the middle
#: figure; fewer, bigger calls write fewer LanceDB fragments and records transactions).
FILL_CALL_ROWS = 100_000


async def _ingest(mem: Any, items: list[DatasetItem], fill: FillVectors, progress: Progress | None, label: str,
                  batch: int = FILL_CALL_ROWS) -> tuple[float, np.ndarray, dict[str, list[int]]]:
    """Fill in calls of ``batch`` rows over many users at once; the seconds the calls took,
    the vectors written and each user's row indexes."""
    by_user: dict[str, list[int]] = defaultdict(list)
    for i, it in enumerate(items):
        by_user[it.user_id].append(i)
    vecs = fill.take(len(items))
    n = len(items)
    done = 0
    if progress:
        progress(label, 0, n)
    t0 = time.perf_counter()
    for s in range(0, n, batch):
        part = items[s:s + batch]
        await mem.add_batch([it.text for it in part], user_id=[it.user_id for it in part],
                            metadata=[dict(it.metadata) for it in part], vectors=vecs[s:s + batch])
        done += len(part)
        if progress:
            progress(label, done, n)
    return time.perf_counter() - t0, vecs, by_user


async def _searches(mem: Any, queries: Queries, users: int, n: int, rng: random.Random,
                    since: float | None = None, window_s: float = 5.0, tick: Tick | None = None) -> dict[str, Any]:
    """``n`` searches per mode, the modes taking turns (each mode sees the same stretch of time).

    With ``since`` (when the ingest ended), each mode also reports the searches that began
    within ``window_s`` of it, as ``within_5s``.
    """
    ms: dict[str, list[float]] = {m: [] for m in MODES}
    early: dict[str, list[float]] = {m: [] for m in MODES}
    returned: dict[str, list[int]] = {m: [] for m in MODES}
    for _ in range(n):
        for mode in MODES:
            q = queries.next()
            t = time.perf_counter()
            hits = await mem.search(q, user_id=_user(rng.randrange(users)), mode=mode, limit=10)
            took = (time.perf_counter() - t) * 1000
            ms[mode].append(took)
            returned[mode].append(len(hits))
            if since is not None and t - since <= window_s:
                early[mode].append(took)
            if tick:
                tick(sum(map(len, ms.values())), n * len(MODES))
    # how many of the 10 asked for came back (a filtered ANN scan can return fewer)
    out: dict[str, Any] = {m: {**latency(ms[m]), "hits_mean": rounded_mean(returned[m])} for m in MODES}
    if since is not None:
        for m in MODES:
            out[m]["within_5s"] = latency(early[m])
    return out


async def _adds(mem: Any, queries: Queries, users: int, n: int, rng: random.Random,
                tick: Tick | None = None, since: float | None = None, window_s: float = 5.0) -> dict[str, Any]:
    """``n`` sequential single adds; the rate counts until every add is embedded and in
    LanceDB (adds return before that). With ``since`` (when the ingest ended), also the
    rate of the adds begun within ``window_s`` of it (``within_5s``: from the first add to
    the end of the last one begun in the window, plus the final flush when every add was)."""
    ms = []
    t0 = time.perf_counter()
    early_end = t0
    early = 0
    for i in range(n):
        text = "Noted: " + queries.next()[11:-1] + f" (add {i})"
        t = time.perf_counter()
        await mem.add(text, user_id=_user(rng.randrange(users)))
        end = time.perf_counter()
        ms.append((end - t) * 1000)
        if since is not None and t - since <= window_s:
            early += 1
            early_end = end
        if tick:
            tick(i + 1, n)
    t = time.perf_counter()
    await mem.flush()
    flush_ms = (time.perf_counter() - t) * 1000
    wall = time.perf_counter() - t0
    out: dict[str, Any] = {**latency(ms), "seq_per_s": round(n / wall, 1) if wall > 0 else None,
                           "flush_ms": round(flush_ms, 1)}
    if since is not None:
        out["started_s"] = round(t0 - since, 2)
        span = (wall if early == n else early_end - t0)
        out["within_5s"] = {"n": early, "seq_per_s": round(early / span, 1) if early and span > 0 else None}
    return out


async def _freshness(mem: Any, queries: Queries, users: int, probes: int, rng: random.Random,
                     limit_s: float = 10.0, tick: Tick | None = None) -> dict[str, Any]:
    """Seconds from ``add`` returning to the memory being found by each mode (text as query)."""
    out: dict[str, Any] = {}
    for mode in MODES:
        waits: list[float] = []
        missed = 0
        for p in range(probes):
            text = "Fresh fact: " + queries.next()[11:-1]
            user = _user(rng.randrange(users))
            res = await mem.add(text, user_id=user)
            t0 = time.perf_counter()
            found = False
            while time.perf_counter() - t0 < limit_s:
                hits = await mem.search(text, user_id=user, mode=mode, limit=10)
                if any(h.id == res.id for h in hits):
                    found = True
                    break
                await asyncio.sleep(0.01)
            if found:
                waits.append((time.perf_counter() - t0) * 1000)
            else:
                missed += 1
            if tick:
                tick(len(out) * probes + p + 1, len(MODES) * probes)
        out[mode] = {"probes": probes, "found": len(waits), "missed_after_s": limit_s if missed else None,
                     "p50_ms": percentile(waits, 50, digits=2), "max_ms": round(max(waits), 2) if waits else None}
    return out


async def _agent_loop(mem: Any, queries: Queries, users: int, agents: int, turns: int,
                      tick: Tick | None = None) -> dict[str, Any]:
    turn_ms: list[float] = []
    search_ms: list[float] = []
    add_ms: list[float] = []

    async def agent(a: int) -> None:
        user = _user(a % users)
        for t in range(turns):
            q = queries.next()
            t0 = time.perf_counter()
            await mem.search(q, user_id=user, mode="hybrid", limit=10)
            t1 = time.perf_counter()
            await mem.add(f"Agent {a} turn {t}: " + q[11:-1], user_id=user)
            t2 = time.perf_counter()
            search_ms.append((t1 - t0) * 1000)
            add_ms.append((t2 - t1) * 1000)
            turn_ms.append((t2 - t0) * 1000)
            if tick:
                tick(len(turn_ms), agents * turns)

    t0 = time.perf_counter()
    await asyncio.gather(*(agent(a) for a in range(agents)))
    wall = time.perf_counter() - t0
    ops = 2 * agents * turns
    return {"agents": agents, "turns": agents * turns, "ops": ops, "wall_s": round(wall, 2),
            "ops_per_s": round(ops / wall, 1), "turn_p50_ms": percentile(turn_ms, 50, digits=2),
            "turn_p95_ms": percentile(turn_ms, 95, digits=2),
            "search": latency(search_ms), "add": latency(add_ms)}


async def _stats(mem: Any, tries: int = 5) -> dict[str, Any]:
    """``mem.stats()``, tried again when it races background upkeep (a version cleaned meanwhile)."""
    for attempt in range(tries):
        try:
            return await mem.stats()
        except Exception:
            if attempt == tries - 1:
                raise
            await asyncio.sleep(0.5)
    raise AssertionError("unreachable")


async def _settle(mem: Any, limit_s: float, tick: Tick | None = None) -> float:
    """Wait until background upkeep is idle with nothing left to fold in (or ``limit_s``).

    Idle means no upkeep round running, no written-behind rows queued, no row outside the
    indexes and no cleanup of replaced versions still due (the disk is then back to the
    data's size), seen twice a second apart (``stats()["upkeep"]``)."""
    t0 = time.perf_counter()
    quiet = 0
    while time.perf_counter() - t0 < limit_s:
        st = await _stats(mem)
        up = st["upkeep"]
        cleanup = st.get("lance", {}).get("upkeep", {}).get("cleanup_in_s")
        idle = not up["running"] and not up["queued_rows"] and not up["unindexed_rows"] and cleanup is None
        quiet = quiet + 1 if idle else 0
        if quiet >= 2:
            break
        if tick:  # seconds waited of the most it waits
            tick(min(int(time.perf_counter() - t0), int(limit_s)), int(limit_s))
        await asyncio.sleep(1.0)
    if tick:
        tick(int(limit_s), int(limit_s))
    return round(time.perf_counter() - t0, 1)


async def _block_counts(mem: Any) -> dict[str, int]:
    """The scope-block counters from memory (``block_stats()`` reads no store): they are taken
    right before timed searches, which must start as the ingest ends."""
    st = await mem.block_stats()
    if not st:
        return {}
    return {k: st[k] for k in ("blocks", "hits", "misses", "built", "drops", "foreign_drops") if k in st}


def _lance_facts(stats: dict[str, Any]) -> dict[str, Any]:
    lance = stats.get("lance", {})
    up = lance.get("upkeep", {})
    return {"upkeep_rounds": up.get("rounds"), "upkeep_s": up.get("seconds"), "upkeep_errors": up.get("errors"),
            "writer_wait_s": lance.get("append_wait_seconds"), "append_s": lance.get("append_seconds"),
            "versions": lance.get("versions"), "fragments": lance.get("fragments"),
            "indices": [i.get("type") for i in lance.get("indices", [])]}


# --------------------------------------------------------------------------- the run


def planned_steps(sizes: Sequence[int], *, agents: Sequence[int] = (8, 32), repeat: int = 1,
                  mem0_sizes: Sequence[int] = ()) -> list[str]:
    """The names ``run_scale`` reports progress under, in the order it reaches them: per size
    the ingest, each measurement of the module docstring, the wait for upkeep, ``verify``;
    ``mem0 fill`` after each size when Mem0 runs beside (``mem0_sizes`` not empty)."""
    names: list[str] = []
    for size in sizes:
        s = short_size(size)
        again = [f" ({r + 1} of {repeat})" if repeat > 1 else "" for r in range(repeat)]
        names += [f"ingest {s}", *(f"single adds {s}{a}" for a in again), f"searches right after ingest {s}",
                  f"freshness probes {s}", *(f"{n} agents {s}" for n in agents), f"waiting for upkeep {s}",
                  *(f"searches settled {s}{a}" for a in again), *(f"single adds settled {s}{a}" for a in again),
                  *(f"{n} agents settled {s}" for n in agents), f"verify {s}"]
        if mem0_sizes:
            names.append("mem0 fill")
    return names


def run_scale(
    sizes: Sequence[int],
    *,
    users: int = 500,
    queries: int = 100,
    adds: int = 200,
    repeat: int = 1,
    agents: Sequence[int] = (8, 32),
    agent_turns: int = 8,
    probes: int = 5,
    settle_s: float = 600.0,
    include_mem0: bool = True,
    mem0_sizes: Sequence[int] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    keep: bool = False,
    progress: Progress | None = None,
    on_step: Callable[[dict[str, Any]], None] | None = None,
    seed: int = 0,
) -> dict[str, Any]:
    """Grow one store through ``sizes`` and measure each step (see the module docstring).

    ``progress(step, done, total)`` is called as each measurement goes, under the names
    ``planned_steps`` lists."""
    return run_sync(_run(list(sizes), users=users, queries=queries, adds=adds, repeat=repeat, agents=list(agents),
                         agent_turns=agent_turns, probes=probes, settle_s=settle_s, include_mem0=include_mem0,
                         mem0_sizes=list(mem0_sizes) if mem0_sizes is not None else None, data_dir=data_dir,
                         keep=keep, progress=progress, on_step=on_step, seed=seed))


async def _run(sizes: list[int], *, users: int, queries: int, adds: int, repeat: int, agents: list[int],
               agent_turns: int, probes: int, settle_s: float, include_mem0: bool, mem0_sizes: list[int] | None,
               data_dir: Any, keep: bool, progress: Progress | None, on_step: Any, seed: int) -> dict[str, Any]:
    from ..memory import AsyncMemory

    owned = data_dir is None
    root, store = _fresh_store(data_dir, "agentmem_scale_", "agentmem")
    config = MemoryConfig(data_dir=store)
    result: dict[str, Any] = {
        "kind": "scale",
        "machine": machine_facts(model=config.model),
        "settings": {"sizes": sizes, "users": users, "queries_per_mode": queries, "adds": adds, "repeat": repeat,
                     "agents": agents, "agent_turns": agent_turns, "freshness_probes": probes, "settle_s": settle_s,
                     "seed": seed},
        "workload": (f"synthetic memories (agentmem.bench.synthetic), one add_batch per {FILL_CALL_ROWS:,} rows over every "
                     "user (a user id per text) with "
                     "fill vectors = real-model embeddings of 1024 synthetic texts, perturbed and re-normalized; "
                     "queries: unseen word windows of fresh synthetic memories, embedded by the real model"),
        "steps": [],
        "mem0": None,
        "notes": [],
    }
    peer = None
    if include_mem0:
        from . import mem0_pg

        reason = mem0_pg.unavailable_reason()
        want = [s for s in (mem0_sizes if mem0_sizes is not None else sizes) if s in sizes]
        if reason is None and want:
            try:
                peer = mem0_pg.PgPeer(root / "mem0_pg", config)
                result["mem0"] = {"describe": peer.describe(), "sizes": want, "steps": []}
            except Exception as exc:  # noqa: BLE001 - the peer is skipped with its reason, never the run
                result["mem0"] = {"skipped": f"{type(exc).__name__}: {exc}"}
                peer = None
        else:
            result["mem0"] = {"skipped": reason or "no --mem0-sizes among --sizes"}
    else:
        result["mem0"] = {"skipped": "not asked for (--no-mem0)"}
    mem = await AsyncMemory.open(config)
    try:
        pool_texts = [it.text for it in generate(1024, seed=seed + 7, users=64).items]
        fill = FillVectors(await mem.embed(pool_texts), seed)
        qs = Queries(seed + 11)
        rng = random.Random(seed)
        stored = 0

        def tick(name: str) -> Tick | None:
            return (lambda done, total: progress(name, done, total)) if progress else None

        for step, size in enumerate(sizes):
            s = short_size(size)
            again = [f" ({r + 1} of {repeat})" if repeat > 1 else "" for r in range(repeat)]
            items = step_items(step, size - stored, users)
            secs, vecs, _ = await _ingest(mem, items, fill, progress, f"ingest {short_size(size)}")
            count = await mem.count()
            added = count - stored
            ingest_end = time.perf_counter()
            row: dict[str, Any] = {"size": size, "stored": count, "offered": len(items), "added": added,
                                   "ingest_s": round(secs, 2), "ingest_per_s": round(len(items) / secs) if secs else None}
            # the disk as the ingest left it, before upkeep has caught up
            row["disk_bytes_after_ingest"] = disk_bytes(store)
            row["disk_bytes_per_memory_after_ingest"] = round(row["disk_bytes_after_ingest"] / max(1, count))
            # within seconds of the ingest, upkeep still catching up in the background: the
            # single adds first (their ``within_5s`` is the rate of those begun within 5 s),
            # then the searches (theirs the searches begun within 5 s)
            blocks_before = await _block_counts(mem)
            row["add"] = [await _adds(mem, qs, users, adds, rng, tick=tick(f"single adds {s}{a}"), since=ingest_end)
                          for a in again]
            row["search_after_ingest_started_s"] = round(time.perf_counter() - ingest_end, 2)
            row["search_after_ingest"] = await _searches(mem, qs, users, queries, rng, since=ingest_end,
                                                         tick=tick(f"searches right after ingest {s}"))
            row["search_after_ingest_ended_s"] = round(time.perf_counter() - ingest_end, 2)
            # what the scope blocks did meanwhile: loads (misses), blocks built from the
            # ingest's rows, drops, drops for other writers
            row["blocks_during_searches"] = {k: v - blocks_before.get(k, 0) for k, v in (await _block_counts(mem)).items()}
            row["freshness"] = await _freshness(mem, qs, users, probes, rng, tick=tick(f"freshness probes {s}"))
            row["agent_loop"] = [await _agent_loop(mem, qs, users, a, agent_turns, tick=tick(f"{a} agents {s}"))
                                 for a in agents]
            row["settle_s"] = await _settle(mem, settle_s, tick=tick(f"waiting for upkeep {s}"))
            row["search_settled"] = [await _searches(mem, qs, users, queries, rng, tick=tick(f"searches settled {s}{a}"))
                                     for a in again]
            # adds and the agent loop again on the settled store: Mem0 is measured on an idle
            # server after its index build, so these are the like-for-like figures
            row["add_settled"] = [await _adds(mem, qs, users, adds, rng, tick=tick(f"single adds settled {s}{a}"))
                                  for a in again]
            row["agent_loop_settled"] = [await _agent_loop(mem, qs, users, a, agent_turns,
                                                           tick=tick(f"{a} agents settled {s}")) for a in agents]
            if progress:
                progress(f"verify {s}", 0, 1)
            t = time.perf_counter()
            rep = await mem.verify()
            row["verify_s"] = round(time.perf_counter() - t, 2)
            if progress:
                progress(f"verify {s}", 1, 1)
            row["verify_ok"] = bool(getattr(rep, "ok", True))
            stats = await _stats(mem)
            row.update(_lance_facts(stats))
            final = int(stats.get("memories") or count)
            row["memories_after_step"] = final
            row["disk_bytes"] = disk_bytes(store)
            row["disk_bytes_per_memory"] = round(row["disk_bytes"] / max(1, final))
            row["peak_rss_mb"] = peak_rss_mb()
            row["load_avg"] = load_average()
            stored = final
            result["steps"].append(row)
            if on_step is not None:
                on_step(result)
            if peer is not None:
                await mem.close()  # the peer runs alone: no agentmem store competes for the CPU
                try:
                    peer_row = peer.grow_and_measure(items, vecs, size, measure=size in result["mem0"]["sizes"],
                                                     queries=qs, users=users, n_queries=queries, adds=adds,
                                                     agents=agents, agent_turns=agent_turns, probes=probes,
                                                     progress=progress, rng=rng)
                    if peer_row is not None:
                        result["mem0"]["steps"].append(peer_row)
                except Exception as exc:  # noqa: BLE001 - keep agentmem's figures, record why the peer stopped
                    result["mem0"]["error"] = f"at {size}: {type(exc).__name__}: {exc}"
                    peer.close()
                    peer = None
                mem = await AsyncMemory.open(config)
                # the reopened store loads every user's block ahead (warm-up); the next step's
                # "within seconds of the ingest" searches should time that ingest, not this
                # reopen, so its warm-up is waited for and reported on its own
                row["reopen_warm_s"] = round(await mem.wait_warm(), 2)
            del items, vecs
            if on_step is not None:
                on_step(result)
    finally:
        await mem.close()
        if peer is not None:
            peer.close()
        if owned and not keep:
            shutil.rmtree(root, ignore_errors=True)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def short_size(n: int) -> str:
    """A store size as the CLI takes it: 10k, 1.5M, 999."""
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1000 and n % 100 == 0:
        return f"{n / 1000:g}k"
    return str(n)


# --------------------------------------------------------------------------- ANN recall


def ann_recall(n: int = 100_000, *, queries: int = 200, k: int = 10, users: int = 1, cache_dir: Any = None,
               data_dir: Any = None, progress: Progress | None = None, seed: int = 0) -> dict[str, Any]:
    """Recall@k of the vector search path against exact search, on ``n`` real-model embeddings."""
    return run_sync(_ann_recall(n, queries=queries, k=k, users=users, cache_dir=cache_dir, data_dir=data_dir,
                                progress=progress, seed=seed))


async def _ann_recall(n: int, *, queries: int, k: int, users: int, cache_dir: Any, data_dir: Any,
                      progress: Progress | None, seed: int) -> dict[str, Any]:
    from ..memory import AsyncMemory

    owned = data_dir is None
    root, store = _fresh_store(data_dir, "agentmem_ann_", "ann_store")
    config = MemoryConfig(data_dir=store, **({"model_cache_dir": cache_dir} if cache_dir else {}))
    items = generate(n, seed=seed + 99, users=users).items
    texts = [it.text for it in items]
    cache = config.cache_path / "bench_vectors" / f"synthetic_{n}_{seed + 99}_{users}.npy"
    mem = await AsyncMemory.open(config)
    try:
        t0 = time.perf_counter()
        if cache.exists():
            vecs = np.load(cache)
            embed_s = None
        else:
            parts = []
            step = 2048
            for s in range(0, n, step):
                parts.append(await mem.embed(texts[s:s + step]))
                if progress:
                    progress("embed", min(n, s + step), n)
            vecs = np.vstack(parts).astype(np.float32)
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, vecs)
            embed_s = round(time.perf_counter() - t0, 1)
        by_user: dict[str, list[int]] = defaultdict(list)
        for i, it in enumerate(items):
            by_user[it.user_id].append(i)
        ids = [""] * n
        for user, idx in by_user.items():
            for s in range(0, len(idx), 20000):
                part = idx[s:s + 20000]
                res = await mem.add_batch([texts[i] for i in part], user_id=user, vectors=vecs[part])
                for i, r in zip(part, res):
                    ids[i] = r.id
                if progress:
                    progress("ingest", sum(1 for x in ids if x), n)
        settle = await _settle(mem, 900)
        await mem.optimize()
        qs = Queries(seed + 5)
        qtexts = [qs.next() for _ in range(queries)]
        qv = await mem.embed(qtexts)
        pos = {v: i for i, v in enumerate(ids)}
        recalls = []
        unscoped = []
        rng = random.Random(seed)
        user_list = list(by_user)
        for j, q in enumerate(qtexts):
            user = rng.choice(user_list)
            idx = np.asarray(by_user[user])
            sims = vecs[idx] @ qv[j]
            exact = set(idx[np.argsort(-sims)[:k]].tolist())
            hits = await mem.search(q, user_id=user, mode="vector", limit=k)
            recalls.append(len(exact & {pos.get(h.id, -1) for h in hits}) / k)
            # the whole store, no scope: the ANN index answers
            every = set(np.argsort(-(vecs @ qv[j]))[:k].tolist())
            hits = await mem.search(q, mode="vector", limit=k)
            unscoped.append(len(every & {pos.get(h.id, -1) for h in hits}) / k)
        indices = [i.get("type") for i in (await _stats(mem)).get("lance", {}).get("indices", [])]
    finally:
        await mem.close()
        if owned:
            shutil.rmtree(root, ignore_errors=True)
    return {"kind": "ann_recall", "n": n, "users": users, "k": k, "queries": queries,
            "recall_at_k": round(float(np.mean(recalls)), 4), "recall_min": round(float(np.min(recalls)), 2),
            "recall_at_k_unscoped": round(float(np.mean(unscoped)), 4),
            "recall_min_unscoped": round(float(np.min(unscoped)), 2),
            "embed_s": embed_s, "vectors_cached": str(cache), "settle_s": settle, "indices": indices,
            "vectors": "real model (the store's own embedder), synthetic texts", "machine": machine_facts(model=config.model)}


# --------------------------------------------------------------------------- text table


def _after_ingest_cells(r: dict[str, Any]) -> str:
    """The figures of the agent's path right after the step's ingest: sequential adds begun
    within 5 s against the settled rate, hybrid searches begun within 5 s, the disk the
    ingest left ('-' where a run lacks them)."""
    early = (r["add"][0].get("within_5s") or {}).get("seq_per_s")
    settled = (r.get("add_settled") or [{}])[0].get("seq_per_s")
    hyb = r["search_after_ingest"]["hybrid"].get("within_5s") or {}
    lat = f"{hyb['p50_ms']}/{hyb['p95_ms']}" if hyb.get("n") else "-"
    return (f"{early if early is not None else '-':>10}{settled if settled is not None else '-':>8}{lat:>16}"
            f"{r.get('disk_bytes_per_memory_after_ingest', '-'):>13}")


def table(result: dict[str, Any]) -> str:
    """A plain text table of a run: one line per step, agentmem then Mem0."""
    head = (f"{'system':<10}{'size':>9}{'ingest/s':>10}{'add p50':>9}{'add/s':>8}{'vec p50':>9}{'fts p50':>9}"
            f"{'hyb p50':>9}{'hyb p95':>9}{'hyb@ingest':>11}{'agents32/s':>11}{'B/mem':>7}{'RSS MB':>8}"
            f"{'add/s<=5s':>10}{'settled':>8}{'hyb<=5s p50/p95':>16}{'B/mem@ingest':>13}")
    lines = [head]
    for r in result.get("steps", []):
        s = r["search_settled"][0]
        a = r["add"][0]
        loop = {x["agents"]: x for x in r["agent_loop"]}
        lines.append(f"{'agentmem':<10}{r['stored']:>9}{r['ingest_per_s'] or 0:>10}{a['p50_ms']:>9}{a['seq_per_s']:>8}"
                     f"{s['vector']['p50_ms']:>9}{s['fts']['p50_ms']:>9}{s['hybrid']['p50_ms']:>9}{s['hybrid']['p95_ms']:>9}"
                     f"{r['search_after_ingest']['hybrid']['p50_ms']:>11}{loop.get(32, {}).get('ops_per_s', '-'):>11}"
                     f"{r['disk_bytes_per_memory']:>7}{r['peak_rss_mb']:>8}{_after_ingest_cells(r)}")
    peer = result.get("mem0") or {}
    for r in peer.get("steps", []):
        loop = {x["agents"]: x for x in r.get("agent_loop", [])}
        s = r.get("search", {})
        lines.append(f"{'mem0-pg':<10}{r['stored']:>9}{r.get('fill_per_s') or 0:>10}{r['add']['p50_ms']:>9}"
                     f"{r['add']['seq_per_s']:>8}{'-':>9}{'-':>9}{s.get('p50_ms', '-'):>9}{s.get('p95_ms', '-'):>9}"
                     f"{'-':>11}{loop.get(32, {}).get('ops_per_s', '-'):>11}{r.get('disk_bytes_per_memory', '-'):>7}{'-':>8}")
    if peer.get("skipped"):
        lines.append(f"mem0-pg skipped: {peer['skipped']}")
    if peer.get("error"):
        lines.append(f"mem0-pg stopped: {peer['error']}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- frames


def scale_frame(result: dict[str, Any]) -> Any:
    """One row per (system, size) of a ``bench-scale`` result: the figures the charts and tables use.

    Mem0's single search (vector + keyword + entity boosts) fills its ``hybrid_*`` columns.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for r in result.get("steps", []):
        settled = r["search_settled"][0]
        after = r["search_after_ingest"]
        add = r["add"][0]
        row: dict[str, Any] = {"system": "agentmem", "size": r["stored"], "ingest_per_s": r.get("ingest_per_s"),
                               "add_p50_ms": add["p50_ms"], "add_p95_ms": add["p95_ms"], "add_per_s": add["seq_per_s"],
                               "add_per_s_within_5s": (add.get("within_5s") or {}).get("seq_per_s"),
                               "disk_bytes_per_memory_after_ingest": r.get("disk_bytes_per_memory_after_ingest")}
        for mode in MODES:
            row[f"{mode}_p50_ms"] = settled[mode]["p50_ms"]
            row[f"{mode}_p95_ms"] = settled[mode]["p95_ms"]
            row[f"{mode}_p50_ms_after_ingest"] = after[mode]["p50_ms"]
            row[f"{mode}_p95_ms_after_ingest"] = after[mode]["p95_ms"]
            early = after[mode].get("within_5s") or {}
            row[f"{mode}_p50_ms_within_5s"] = early.get("p50_ms")
            row[f"{mode}_p95_ms_within_5s"] = early.get("p95_ms")
            row[f"{mode}_fresh_ms"] = r["freshness"][mode]["max_ms"]
        for loop in r["agent_loop"]:
            row[f"agents{loop['agents']}_ops_per_s"] = loop["ops_per_s"]
            row[f"agents{loop['agents']}_turn_p95_ms"] = loop["turn_p95_ms"]
        if r.get("add_settled"):  # runs before the settled adds and loops existed lack these
            row["add_per_s_settled"] = r["add_settled"][0]["seq_per_s"]
            for loop in r.get("agent_loop_settled", []):
                row[f"agents{loop['agents']}_ops_per_s_settled"] = loop["ops_per_s"]
                row[f"agents{loop['agents']}_turn_p95_ms_settled"] = loop["turn_p95_ms"]
        row.update({"disk_bytes_per_memory": r["disk_bytes_per_memory"], "peak_rss_mb": r["peak_rss_mb"],
                    "upkeep_s": r.get("upkeep_s"), "writer_wait_s": r.get("writer_wait_s"),
                    "settle_s": r.get("settle_s"), "verify_s": r.get("verify_s")})
        rows.append(row)
    for r in (result.get("mem0") or {}).get("steps", []):
        row = {"system": "mem0-pgvector", "size": r["stored"], "ingest_per_s": r.get("fill_per_s"),
               "add_p50_ms": r["add"]["p50_ms"], "add_p95_ms": r["add"]["p95_ms"], "add_per_s": r["add"]["seq_per_s"],
               "hybrid_p50_ms": r["search"]["p50_ms"], "hybrid_p95_ms": r["search"]["p95_ms"],
               "hybrid_fresh_ms": r.get("freshness", {}).get("p50_ms"),
               "disk_bytes_per_memory": r.get("disk_bytes_per_memory")}
        for loop in r.get("agent_loop", []):
            row[f"agents{loop['agents']}_ops_per_s"] = loop["ops_per_s"]
            row[f"agents{loop['agents']}_turn_p95_ms"] = loop["turn_p95_ms"]
        rows.append(row)
    return pd.DataFrame(rows)


def command_of(result: dict[str, Any]) -> str:
    """The ``python -m agentmem bench-scale`` command that makes a run with ``result``'s settings."""
    s = result.get("settings", {})
    argv = ["python", "-m", "agentmem", "bench-scale", "--sizes", ",".join(short_size(x) for x in s.get("sizes", [])),
            "--users", str(s.get("users")), "--queries", str(s.get("queries_per_mode")), "--adds", str(s.get("adds")),
            "--repeat", str(s.get("repeat")), "--agents", ",".join(map(str, s.get("agents", []))),
            "--agent-turns", str(s.get("agent_turns")), "--probes", str(s.get("freshness_probes")),
            "--settle-s", str(int(s.get("settle_s", 0)))]
    peer = result.get("mem0") or {}
    if peer.get("skipped") == "not asked for (--no-mem0)":
        argv.append("--no-mem0")
    elif peer.get("sizes") and peer["sizes"] != s.get("sizes"):
        argv += ["--mem0-sizes", ",".join(short_size(x) for x in peer["sizes"])]
    if s.get("seed"):
        argv += ["--seed", str(s["seed"])]
    return " ".join(argv)
