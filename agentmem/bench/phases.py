"""The optimization phases of agentmem's original design, each as a MemoryConfig and a way to feed it.

======  =====================================================================================
p0      ``add`` one memory at a time: embed, vectors, records, history, one after the other
p1      ``add_batch`` of B: one model call per batch, vectors only (the design's starting point)
p2a     p1 + libSQL records in one transaction, written concurrently with the vectors
p2b     p2a with several batches in flight (``AsyncMemory.add_many``, bounded by asyncio-pool)
p2c     p2b with a pool of libSQL connections
p3      ``MemoryConfig()`` defaults: length-aware token-budget batching, embedding overlapped
        with the previous chunk's writes, embedding cache, optimized model; large batches
======  =====================================================================================

p0-p2c switch off everything beyond that design (length-aware batching, pipelining, cache,
model optimization) so each row adds exactly one idea to the one before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..config import MemoryConfig
from ..errors import InvalidInputError
from .harness import parse_choices, positive_int

__all__ = ["PHASES", "PHASE_DESCRIPTIONS", "PhasePlan", "parse_phases", "plan_phase"]

PHASES: tuple[str, ...] = ("p0", "p1", "p2a", "p2b", "p2c", "p3")

PHASE_DESCRIPTIONS = {
    "p0": "add() one at a time, sequential",
    "p1": "add_batch, one model call per batch, vectors only",
    "p2a": "p1 + libSQL records, written concurrently with vectors",
    "p2b": "p2a + batches in flight (add_many, asyncio-pool)",
    "p2c": "p2b + pool of libSQL connections",
    "p3": "defaults: length-aware, pipelined, cached, optimized model",
}

Feed = Literal["single", "batch", "many"]

# Only the original design's ideas: everything added to agentmem since is off for p0-p2c.
_PLAN_ONLY: dict[str, Any] = {
    "length_aware": False,
    "pipeline": False,
    "embed_cache": False,
    "optimize_model": False,
    "int8_queries": False,
    "write_behind_rows": 0,
    "embed_behind": False,
}


@dataclass(frozen=True, slots=True)
class PhasePlan:
    """How one phase runs: the config changes, how memories are fed, and in what batches."""

    name: str
    description: str
    feed: Feed
    batch_size: int
    concurrency: int
    overrides: dict[str, Any] = field(default_factory=dict)

    def config(self, base: MemoryConfig, data_dir: str | Path) -> MemoryConfig:
        """The phase's MemoryConfig: ``base`` with the phase's fields and a fresh data_dir."""
        return base.replace(**self.overrides, data_dir=str(data_dir))

    def to_dict(self, base: MemoryConfig | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "phase": self.name,
            "description": self.description,
            "feed": self.feed,
            "batch_size": self.batch_size,
            "concurrency": self.concurrency,
            "overrides": dict(self.overrides),
        }
        if base is not None:
            cfg = self.config(base, "<work-dir>").to_dict()
            cfg.pop("data_dir", None)
            out["config"] = cfg
        return out


def plan_phase(
    name: str,
    *,
    batch_size: int = 64,
    concurrency: int = 4,
    pool_size: int = 4,
    large_batch: int = 1024,
    base: MemoryConfig | None = None,
    extra: dict[str, Any] | None = None,
) -> PhasePlan:
    """The plan of one phase. ``extra`` config fields are applied last (for sweeps)."""
    positive_int("batch_size", batch_size)
    positive_int("concurrency", concurrency)
    positive_int("pool_size", pool_size)
    positive_int("large_batch", large_batch)
    base = base or MemoryConfig()
    # One model call per batch of B: no token-budget split, chunk at least B.
    one_call = {
        "embed_batch_size": batch_size,
        "embed_token_budget": max(base.embed_token_budget, batch_size * 512),
        "chunk_size": max(base.chunk_size, batch_size),
    }
    if name == "p0":
        ov = {**_PLAN_ONLY, "concurrent_writes": False, "pool_size": 1, "batch_concurrency": 1}
        plan = PhasePlan(name, PHASE_DESCRIPTIONS[name], "single", 1, 1, ov)
    elif name == "p1":
        ov = {**_PLAN_ONLY, **one_call, "persist_records": False, "concurrent_writes": False}
        ov.update(pool_size=1, batch_concurrency=1)
        plan = PhasePlan(name, PHASE_DESCRIPTIONS[name], "batch", batch_size, 1, ov)
    elif name == "p2a":
        ov = {**_PLAN_ONLY, **one_call, "persist_records": True, "concurrent_writes": True}
        ov.update(pool_size=1, batch_concurrency=1)
        plan = PhasePlan(name, PHASE_DESCRIPTIONS[name], "batch", batch_size, 1, ov)
    elif name in ("p2b", "p2c"):
        ov = {**_PLAN_ONLY, **one_call, "persist_records": True, "concurrent_writes": True}
        ov.update(pool_size=1 if name == "p2b" else pool_size, batch_concurrency=concurrency)
        plan = PhasePlan(name, PHASE_DESCRIPTIONS[name], "many", batch_size, concurrency, ov)
    elif name == "p3":
        plan = PhasePlan(name, PHASE_DESCRIPTIONS[name], "many", large_batch, base.batch_concurrency, {})
    else:
        raise InvalidInputError("phases", f"unknown phase {name!r}; choose from {', '.join(PHASES)}")
    if extra:
        overrides = {**plan.overrides, **extra}
        conc = extra.get("batch_concurrency", plan.concurrency) if plan.feed == "many" else plan.concurrency
        bs = plan.batch_size
        if "embed_batch_size" in extra and plan.feed != "single" and name != "p3":
            bs = extra["embed_batch_size"]
            overrides["chunk_size"] = max(overrides.get("chunk_size", base.chunk_size), bs)
            overrides["embed_token_budget"] = max(overrides.get("embed_token_budget", 0), bs * 512)
        plan = PhasePlan(plan.name, plan.description, plan.feed, bs, conc, overrides)
    return plan


def parse_phases(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """``"p0,p3"`` or a list -> validated phase names in the given order (None: all)."""
    if value is None:
        return list(PHASES)
    return parse_choices(value, PHASES, field="phases", noun="phase")
