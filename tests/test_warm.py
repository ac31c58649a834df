"""Scope blocks loaded ahead (VectorStore.warm): after a bulk ingest and after open, every
user's block is loaded in the background, so no user's first search pays the load.
Storage logic: the stand-in embedder."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from agentmem import AsyncMemory, MemoryConfig


async def _blocks(mem: AsyncMemory) -> dict:
    """The scope blocks' counters, as ``stats()`` reports them."""
    return (await mem.stats())["lance"]["scope_blocks"]


async def _until_loaded(mem: AsyncMemory, blocks: int, timeout: float = 20.0) -> bool:
    for _ in range(int(timeout / 0.05)):
        if (await _blocks(mem))["blocks"] == blocks:
            return True
        await asyncio.sleep(0.05)
    return (await _blocks(mem))["blocks"] == blocks


async def _fill(mem: AsyncMemory, users: int, rows: int) -> None:
    rng = np.random.default_rng(0)
    for u in range(users):
        vecs = rng.standard_normal((rows, 384)).astype(np.float32)
        await mem.add_batch([f"user {u} fact {i} about kites" for i in range(rows)], user_id=f"u{u}", vectors=vecs)


async def test_blocks_are_loaded_ahead_after_a_bulk_ingest_and_after_open(tmp_path: Path) -> None:
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s")
    mem = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    await _fill(mem, users=4, rows=300)  # 1,200 rows appended: a warm-up starts
    assert await _until_loaded(mem, 4)
    assert (await _blocks(mem))["warmed"] == 4
    misses = (await _blocks(mem))["misses"]
    for u in range(4):
        hits = await mem.search(f"user {u} fact 7 about kites", user_id=f"u{u}", mode="fts", limit=1)
        assert hits and hits[0].content == f"user {u} fact 7 about kites"
    assert (await _blocks(mem))["misses"] == misses  # every first search found its block loaded
    await mem.close()

    mem = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    assert await mem.wait_warm() >= 0.0
    assert (await _blocks(mem))["blocks"] == 4  # loaded after open too
    await mem.close()


async def test_close_during_the_warm_up_is_clean(tmp_path: Path) -> None:
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s")
    mem = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    await _fill(mem, users=2, rows=600)
    await mem.close()  # the warm-up is pending or running: cancelled, no error
    mem = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    assert await mem.count() == 1200
    await mem.close()
