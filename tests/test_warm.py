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
    await _fill(mem, users=4, rows=300)  # 1,200 rows appended to an empty store: built from them
    assert await _until_loaded(mem, 4)
    assert (await _blocks(mem))["built"] == 4 and (await _blocks(mem))["warmed"] == 0
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


async def test_a_bulk_ingest_into_a_store_with_rows_is_warmed_ahead(tmp_path: Path) -> None:
    """A store that had rows when opened does not know every user's rows: the users a bulk
    ingest brings are loaded by the warm-up, before their first search."""
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s")
    mem = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    await mem.add_batch(["an older fact about kites"], user_id="u0")
    await mem.close()
    mem = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    await mem.wait_warm()
    await _fill(mem, users=4, rows=300)
    assert await _until_loaded(mem, 4)
    blocks = await _blocks(mem)
    assert blocks["built"] == 0 and blocks["warmed"] >= 3
    misses = blocks["misses"]
    for u in range(4):
        hits = await mem.search(f"user {u} fact 7 about kites", user_id=f"u{u}", mode="fts", limit=1)
        assert hits and hits[0].content == f"user {u} fact 7 about kites"
    assert (await _blocks(mem))["misses"] == misses
    assert len(await mem.search("kites", user_id="u0", mode="fts", limit=400)) == 301
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
