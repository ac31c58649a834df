"""Run the optimization phases on one dataset and measure where the time goes.

Each phase x repetition runs on a fresh store in its own folder with a fresh
``AsyncMemory``, so nothing (embedding cache included) carries over. The wall
time covers feeding the memories only (the store is opened before and verified
after); the stage seconds come from the orchestrator's own timers
(``timings()``), and the per-call latencies from each call's wall time.

Reference rows, measured in every repetition on the same texts:

embed-only     the project's embedder alone with its best settings (the ceiling)
plain-embed    fastembed's ``TextEmbedding.embed(batch_size=64)`` on the same model
storage-only   the embed-only vectors through the persisted write path, no model: the
               whole dataset in one ``add_batch`` call with one user id per text
mem0           Mem0's ``Memory.add(infer=False)`` with the same ONNX model (optional)

The infer workload (optional, after the repetitions): LoCoMo conversations added through
``add(messages, infer=True)`` against one OpenAI-compatible LLM server, beside Mem0's
``add(messages, infer=True)`` on the same server and messages (``agentmem.bench.infer_bench``).
"""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from ..config import MemoryConfig
from ..errors import AgentMemError, InvalidInputError
from ..models import STAGES
from .datasets import Dataset, DatasetItem, load_dataset
from .harness import positive_int, run_sync, workspace
from .infer_bench import InferWorkload
from .infer_bench import run_workload as run_infer_workload
from .machine import machine_facts
from .phases import PHASES, PhasePlan, parse_phases, plan_phase
from .results import BenchResult, run_row

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SWEEP_PARAMS", "Progress", "run_benchmark", "run_sweep"]

Progress = Callable[[str, int, int], None]
T = TypeVar("T")

SWEEP_PARAMS = ("embed_batch_size", "batch_concurrency", "pool_size", "chunk_size", "embed_token_budget")


# --------------------------------------------------------------------------- helpers


def group_by_user(items: Sequence[T], size: int) -> list[tuple[Any, list[T]]]:
    """Items grouped by their ``user_id`` (first-seen order, input order inside), cut into
    batches of at most ``size``: ``add_batch`` takes one scope per call."""
    by_user: dict[Any, list[T]] = {}
    for item in items:
        by_user.setdefault(item.user_id, []).append(item)
    out = []
    for user, rows in by_user.items():
        for start in range(0, len(rows), size):
            out.append((user, rows[start : start + size]))
    return out


def _notify(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def _batch_kwargs(user: str, rows: list[DatasetItem], vectors: np.ndarray | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "texts": [r.text for r in rows],
        "user_id": user,
        "metadata": [dict(r.metadata) for r in rows],
    }
    if vectors is not None:
        kwargs["vectors"] = vectors
    return kwargs


def _timing_rows(timings: list[Any]) -> list[Any]:
    """The calls whose stages count: add/add_batch; add_many only when it is all there is."""
    leaf = [t for t in timings if t.op != "add_many"]
    return leaf if leaf else list(timings)


def _measure_row(
    phase: str,
    rep: int,
    n: int,
    expected: int,
    wall: float,
    timings: list[Any],
    report: Any,
    stored: int,
) -> dict[str, Any]:
    calls = _timing_rows(timings)
    # Busy seconds per stage, summed over calls; "other" is the phase's wall time they do
    # not cover. (Summing each call's own "other" would count a wait for the shared model
    # thread once per batch in flight.)
    busy = [s for s in STAGES if s != "other"]
    stages = {s: sum(float(t.stages.get(s, 0.0)) for t in calls) for s in busy}
    stages["other"] = max(0.0, wall - sum(stages.values()))
    walls_ms = [t.wall * 1000.0 for t in calls]
    records = int(report.records)
    vectors = int(report.vectors)
    ok = vectors == expected and stored == expected
    row: dict[str, Any] = {
        **run_row(phase, rep, n, expected, wall, walls_ms, stages),
        "stored": stored,
        "stored_records": records,
        "stored_vectors": vectors,
        "stored_ok": ok,
    }
    return row


# --------------------------------------------------------------------------- phases


async def _feed_phase(
    plan: PhasePlan,
    cfg: MemoryConfig,
    items: Sequence[DatasetItem],
    expected: int,
    rep: int,
    progress: Progress | None,
    *,
    label: str | None = None,
    vectors: np.ndarray | None = None,
    one_call: bool = False,
) -> dict[str, Any]:
    """Feed ``items`` as the plan says (one add each, batches per user, add_many), or with
    ``one_call`` all of them in one ``add_batch`` with per-text user ids (``vectors`` in
    the items' order)."""
    from .. import AsyncMemory

    name = label or plan.name
    n = len(items)
    amem = await AsyncMemory.open(cfg)
    try:
        amem.reset_timings()
        _notify(progress, name, 0, n)
        done = 0
        cpu0 = time.process_time()
        start = time.perf_counter()
        if one_call:
            await amem.add_batch([it.text for it in items], user_id=[it.user_id for it in items],
                                 metadata=[dict(it.metadata) for it in items], vectors=vectors)
            _notify(progress, name, n, n)
        elif plan.feed == "single":
            step = max(1, n // 100)
            for item in items:
                await amem.add(item.text, user_id=item.user_id, metadata=dict(item.metadata))
                done += 1
                if done % step == 0 and done < n:
                    _notify(progress, name, done, n)
            _notify(progress, name, n, n)
        else:
            groups = group_by_user(items, plan.batch_size)
            offsets = _offsets(items, groups) if vectors is not None else None
            batches = [
                _batch_kwargs(user, rows, None if offsets is None else vectors[offsets[i]])  # type: ignore[index]
                for i, (user, rows) in enumerate(groups)
            ]
            if plan.feed == "batch":
                for kwargs in batches:
                    await amem.add_batch(**kwargs)
                    done += len(kwargs["texts"])
                    _notify(progress, name, done, n)
            else:
                # one add_many call for everything (no barriers); progress is read from the
                # timings of the add_batch calls finished so far
                watcher = asyncio.ensure_future(_watch(amem, name, n, progress)) if progress else None
                try:
                    await amem.add_many(batches, concurrency=plan.concurrency)
                finally:
                    if watcher is not None:
                        watcher.cancel()
                        await asyncio.gather(watcher, return_exceptions=True)
                _notify(progress, name, n, n)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu0
        timings = list(amem.timings())
        report = await amem.verify()
        stored = await amem.count()  # what the store holds, whether or not it keeps records
    finally:
        await amem.close()
    row = _measure_row(name, rep, n, expected, wall, timings, report, stored)
    row["cpu_s"] = cpu
    return row


async def _watch(amem: Any, name: str, n: int, progress: Progress, every: float = 0.25) -> None:
    last = -1
    while True:
        await asyncio.sleep(every)
        done = sum(t.items for t in amem.timings() if t.op == "add_batch")
        if done != last and done < n:
            progress(name, done, n)
            last = done


def _offsets(items: Sequence[DatasetItem], groups: list[tuple[str, list[DatasetItem]]]) -> list[np.ndarray]:
    """Index arrays mapping each group's rows back to positions in ``items``."""
    position = {id(item): i for i, item in enumerate(items)}
    return [np.fromiter((position[id(r)] for r in rows), dtype=np.int64) for _, rows in groups]


def _embed_only(
    base: MemoryConfig, groups: list[tuple[str, list[DatasetItem]]], n: int, rep: int, progress: Progress | None
) -> tuple[dict[str, Any], list[np.ndarray]]:
    """The project's embedder alone, best settings, cache off, in p3's batches."""
    from ..embed import get_embedder

    emb = get_embedder(base.replace(embed_cache=False))
    _notify(progress, "embed-only", 0, n)
    out: list[np.ndarray] = []
    walls: list[float] = []
    done = 0
    cpu0 = time.process_time()
    start = time.perf_counter()
    for _, rows in groups:
        t0 = time.perf_counter()
        out.append(emb.embed_sync([r.text for r in rows]))
        walls.append((time.perf_counter() - t0) * 1000.0)
        done += len(rows)
        _notify(progress, "embed-only", done, n)
    wall = time.perf_counter() - start
    row = _ref_row("embed-only", rep, n, wall, walls)
    row["embed_s"] = wall
    row["cpu_s"] = time.process_time() - cpu0
    return row, out


def _plain_embed(base: MemoryConfig, texts: list[str], rep: int, progress: Progress | None) -> dict[str, Any]:
    """fastembed's own ``embed(batch_size=64)`` on the same model object."""
    from ..embed import get_embedder

    model = _fastembed_model(get_embedder(base.replace(embed_cache=False, optimize_model=False)))
    n = len(texts)
    _notify(progress, "plain-embed", 0, n)
    cpu0 = time.process_time()
    start = time.perf_counter()
    count = sum(1 for _ in model.embed(texts, batch_size=64))
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    _notify(progress, "plain-embed", n, n)
    row = _ref_row("plain-embed", rep, n, wall, [])
    row["embed_s"] = wall
    row["cpu_s"] = cpu
    row["stored"] = count
    return row


def _fastembed_model(emb: Any) -> Any:
    """The fastembed TextEmbedding behind an agentmem Embedder."""
    for attr in ("text_embedding", "fastembed_model", "model", "_model", "_text_embedding"):
        obj = getattr(emb, attr, None)
        if obj is not None and hasattr(obj, "embed") and hasattr(obj, "model_name"):
            return obj
    raise InvalidInputError("plain-embed", "the embedder exposes no fastembed TextEmbedding")


def _ref_row(phase: str, rep: int, n: int, wall: float, walls_ms: list[float]) -> dict[str, Any]:
    return {**run_row(phase, rep, n, n, wall, walls_ms, dict.fromkeys(STAGES, 0.0)), "stored": None, "stored_ok": True}


def _warm_up(base: MemoryConfig, plans: list[PhasePlan], texts: list[str]) -> None:
    """Load every model variant the phases use (and build the optimized one) before timing."""
    from ..embed import get_embedder

    sample = texts[:16] or ["warm up"]
    seen = set()
    for plan in plans:
        cfg = plan.config(base, "unused")
        key = (cfg.model, cfg.optimize_model, cfg.int8_queries, cfg.embed_threads)
        if key in seen:
            continue
        seen.add(key)
        get_embedder(cfg.replace(embed_cache=False)).embed_sync(sample)
    get_embedder(base.replace(embed_cache=False)).embed_sync(sample)


# --------------------------------------------------------------------------- public


def _as_dataset(ds: Dataset | str) -> Dataset:
    if isinstance(ds, Dataset):
        return ds
    if isinstance(ds, str):
        return load_dataset(ds)
    raise InvalidInputError("dataset", f"expected a Dataset or a spec string, got {type(ds).__name__}")


def run_benchmark(
    ds: Dataset | str,
    *,
    phases: Sequence[str] | str = PHASES,
    repeat: int = 1,
    batch_size: int = 64,
    concurrency: int = 4,
    pool_size: int = 4,
    large_batch: int = 1024,
    progress: Progress | None = None,
    work_dir: str | Path | None = None,
    include_mem0: bool = True,
    include_references: bool = True,
    base_config: MemoryConfig | None = None,
    infer: InferWorkload | None = None,
) -> BenchResult:
    """Run ``phases`` ``repeat`` times on fresh stores, plus the reference rows.

    ``batch_size`` is B of p1-p2c, ``concurrency`` the batches in flight in p2b/p2c,
    ``pool_size`` the libSQL pool of p2c, ``large_batch`` the add_batch size of p3 and
    the embedding batches of the embed-only row (storage-only writes its vectors in one
    add_batch call over every user, with p3's configuration). ``base_config`` supplies every field a phase
    does not set (``data_dir`` is always a fresh folder). ``progress(phase, done, total)``
    is called as work completes. Each repetition runs embed-only and plain-embed first,
    then the phases (their order rotated by one per repetition), storage-only, Mem0.
    ``infer`` adds the infer workload after the last repetition (``add(messages,
    infer=True)`` beside Mem0's on the same LLM server; ``BenchResult.infer``), its Mem0
    row only when ``include_mem0``.
    """
    dataset = _as_dataset(ds)
    names = parse_phases(list(phases) if not isinstance(phases, str) else phases)
    for name, value in (
        ("repeat", repeat),
        ("batch_size", batch_size),
        ("concurrency", concurrency),
        ("pool_size", pool_size),
        ("large_batch", large_batch),
    ):
        positive_int(name, value)
    if len(dataset) == 0:
        raise InvalidInputError("dataset", "has no items")
    base = base_config or MemoryConfig()
    if not isinstance(base, MemoryConfig):
        raise InvalidInputError("base_config", "must be a MemoryConfig or None")
    knobs = {"batch_size": batch_size, "concurrency": concurrency, "pool_size": pool_size, "large_batch": large_batch}
    plans = [plan_phase(name, base=base, **knobs) for name in names]
    items = list(dataset.items)
    texts = [i.text for i in items]
    n = len(items)
    expected = dataset.distinct_count()
    ref_plan = plan_phase("p3", base=base, **knobs)
    ref_groups = group_by_user(items, ref_plan.batch_size)

    result = BenchResult(
        run_id=uuid.uuid4().hex[:12],
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        dataset=dataset.to_dict(),
        machine=machine_facts(model=base.model),
        params={
            **knobs,
            "repeat": repeat,
            "phases": names,
            "include_mem0": include_mem0,
            "include_references": include_references,
            "infer": infer is not None,
            "wall_covers": "feeding the memories; store open/verify/close excluded",
        },
        phases=names,
        plans={p.name: p.to_dict(base) for p in plans},
    )
    _warm_up(base, plans, texts)
    mem0_peer = None
    if include_mem0:
        from . import mem0_peer as mem0_peer_module

        reason = mem0_peer_module.unavailable_reason()
        if reason is None:
            mem0_peer = mem0_peer_module
        else:
            result.mem0 = {"skipped": reason}
            result.notes.append(f"mem0 row skipped: {reason}")

    with workspace(work_dir) as root:
        for rep in range(repeat):
            vectors: np.ndarray | None = None
            if include_references:
                row, parts = _embed_only(base, ref_groups, n, rep, progress)
                result.rows.append(row)
                order = np.concatenate(_offsets(items, ref_groups))
                vectors = np.empty((n, parts[0].shape[1]), dtype=np.float32)
                vectors[order] = np.concatenate(parts)
                try:
                    result.rows.append(_plain_embed(base, texts, rep, progress))
                except InvalidInputError as exc:
                    result.notes.append(f"plain-embed skipped: {exc}")
            # rotate the order each repetition so a machine getting busier (or quieter)
            # over the run does not always hit the same phase
            shift = rep % len(plans)
            for plan in plans[shift:] + plans[:shift]:
                cfg = plan.config(base, root / f"{plan.name}-r{rep}")
                try:
                    result.rows.append(run_sync(_feed_phase(plan, cfg, items, expected, rep, progress)))
                except AgentMemError as exc:  # one broken phase must not lose the others' figures
                    result.failures[f"{plan.name}#{rep}"] = f"{type(exc).__name__}: {exc}"
                    result.notes.append(f"{plan.name} (rep {rep}) failed: {type(exc).__name__}: {exc}")
                shutil.rmtree(root / f"{plan.name}-r{rep}", ignore_errors=True)
            if include_references and vectors is not None:
                cfg = ref_plan.config(base, root / f"storage-r{rep}")
                row = run_sync(
                    _feed_phase(ref_plan, cfg, items, expected, rep, progress, label="storage-only", vectors=vectors,
                                one_call=True)
                )
                result.rows.append(row)
                shutil.rmtree(root / f"storage-r{rep}", ignore_errors=True)
            if mem0_peer is not None:
                try:
                    result.rows.append(mem0_peer.run_add(items, root / f"mem0-r{rep}", base, rep, progress, expected))
                    if result.mem0 is None:
                        result.mem0 = mem0_peer.describe(base)
                except Exception as exc:  # noqa: BLE001 - the peer is optional; say why it failed
                    reason = f"{type(exc).__name__}: {exc}"
                    result.mem0 = {"skipped": reason}
                    result.notes.append(f"mem0 row failed: {reason}")
                    mem0_peer = None
                shutil.rmtree(root / f"mem0-r{rep}", ignore_errors=True)
        if infer is not None:
            if not include_mem0:
                infer = replace(infer, mem0=False)
            _notify(progress, "infer", 0, 1)
            result.infer = run_infer_workload(infer, root / "infer")
            _notify(progress, "infer", 1, 1)
            result.notes += [f"infer: {note}" for note in result.infer["notes"]]
    return result


def run_sweep(
    ds: Dataset | str,
    *,
    param: str,
    values: Sequence[int],
    phase: str = "p3",
    progress: Progress | None = None,
    work_dir: str | Path | None = None,
    base_config: MemoryConfig | None = None,
    batch_size: int = 64,
    concurrency: int = 4,
    large_batch: int = 1024,
) -> pd.DataFrame:
    """ops/s of one phase as one MemoryConfig field varies (one fresh store per value).

    ``param`` is one of ``SWEEP_PARAMS``; for ``batch_concurrency`` the batches in
    flight follow the value, for ``embed_batch_size`` in p1-p2c the batch size too.
    """
    import pandas as pd

    if param not in SWEEP_PARAMS:
        raise InvalidInputError("param", f"must be one of {', '.join(SWEEP_PARAMS)}, got {param!r}")
    values = list(values)
    if not values:
        raise InvalidInputError("values", "give at least one value")
    for v in values:
        positive_int("values", v)
    (phase,) = parse_phases([phase])
    dataset = _as_dataset(ds)
    base = base_config or MemoryConfig()
    items = list(dataset.items)
    expected = dataset.distinct_count()
    rows = []
    with workspace(work_dir) as root:
        first = True
        for value in values:
            plan = plan_phase(
                phase,
                base=base,
                batch_size=batch_size,
                concurrency=concurrency,
                large_batch=large_batch,
                extra={param: value},
            )
            if first:
                _warm_up(base, [plan], [i.text for i in items])
                first = False
            cfg = plan.config(base, root / f"{param}-{value}")
            label = f"{phase} {param}={value}"
            row = run_sync(_feed_phase(plan, cfg, items, expected, 0, progress, label=label))
            row.update(param=param, value=value, phase=phase)
            rows.append(row)
            shutil.rmtree(root / f"{param}-{value}", ignore_errors=True)
    frame = pd.DataFrame(rows)
    lead = ["param", "value", "phase", "n", "ops_per_s", "wall_s", *(f"{s}_s" for s in STAGES), "p50_ms", "p95_ms"]
    return frame[lead + [c for c in frame.columns if c not in lead]]
