"""The stage timer of every orchestrator call (``Memory.timings()`` holds what it measures)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager

from .models import STAGES, CallTiming

__all__ = ["StageClock", "timed_write"]


class StageClock:
    """The one timer of a call: seconds per stage, and the wall time around them."""

    def __init__(self, op: str, items: int) -> None:
        self.op = op
        self.items = items
        self.start = time.perf_counter()
        self.stages = dict.fromkeys(STAGES[:-1], 0.0)
        self.llm_tokens: tuple[int, int] | None = None  # set by add(infer=True)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    def finish(self) -> CallTiming:
        wall = time.perf_counter() - self.start
        stages = dict(self.stages)
        stages["other"] = max(0.0, wall - sum(stages.values()))
        return CallTiming(op=self.op, items=self.items, wall=wall, stages=stages, llm_tokens=self.llm_tokens)


async def timed_write(write: Awaitable[dict[str, float]], clock: StageClock) -> None:
    """Run a records write and add its time inside the transaction to records and history."""
    stages = await write
    clock.add("records", stages.get("records", 0.0))
    clock.add("history", stages.get("history", 0.0))
