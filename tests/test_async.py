"""AsyncMemory: the same methods as coroutines, concurrency, add_many (phase 2B)."""

from __future__ import annotations

import asyncio

import pytest

from agentmem import AsyncMemory, InvalidInputError, MemoryConfig


async def test_async_methods_mirror_sync(amem):
    r = await amem.add("Dana collects stamps", user_id="dana", metadata={"k": 1})
    rs = await amem.add_batch(["Dana bakes bread", "Dana collects stamps"], user_id="dana")
    assert [x.event for x in rs] == ["ADD", "NOOP"]
    assert (await amem.search("hobby stamps", user_id="dana"))[0].id == r.id
    assert (await amem.get(r.id)).metadata == {"k": 1}
    assert len(await amem.get_all(user_id="dana")) == 2
    await amem.update(r.id, content="Dana collects rare stamps")
    assert [e.event for e in await amem.history(r.id)] == ["ADD", "UPDATE"]
    await amem.delete(rs[0].id)
    assert await amem.count(user_id="dana") == 1
    assert (await amem.verify()).ok
    assert (await amem.stats())["memories"] == 1


async def test_eight_concurrent_add_batch_tasks(tmp_path):
    async with AsyncMemory(MemoryConfig(data_dir=tmp_path / "s", pool_size=4)) as amem:
        shared = [f"shared fact {i}" for i in range(10)]  # every task adds these too

        async def task(n: int):
            own = [f"task {n} private fact {i}" for i in range(15)]
            return await amem.add_batch(own + shared, user_id="team")

        results = await asyncio.gather(*(task(n) for n in range(8)))
        shared_ids = {tuple(r.id for r in res[15:]) for res in results}
        assert len(shared_ids) == 1  # every task got the same ids for the shared texts
        adds = sum(r.event == "ADD" for res in results for r in res)
        assert adds == 8 * 15 + 10
        assert await amem.count(user_id="team") == 130
        report = await amem.verify()
        assert report.ok and report.records == report.vectors == 130
        for res in results:
            for r in res:
                assert (await amem.get(r.id)).content == r.memory or r.event == "NOOP"


async def test_add_many_bounded_concurrency(tmp_path):
    async with AsyncMemory(MemoryConfig(data_dir=tmp_path / "s", pool_size=2)) as amem:
        batches = [[f"batch {b} item {i}" for i in range(5)] for b in range(6)]
        batches.append({"texts": ["dict batch one", "dict batch two"], "user_id": "other", "metadata": [{"a": 1}, None]})
        out = await amem.add_many(batches, concurrency=3, user_id="u")
        assert [len(r) for r in out] == [5] * 6 + [2]
        assert await amem.count(user_id="u") == 30 and await amem.count(user_id="other") == 2
        assert (await amem.get(out[-1][0].id)).metadata == {"a": 1}
        with pytest.raises(InvalidInputError, match=r"batches\[1\]"):
            await amem.add_many([["fine"], {"text": ["typo key"]}])
        with pytest.raises(InvalidInputError, match=r"content\[0\]"):
            await amem.add_many([["fine too"], ["  "]])
        assert await amem.count() == 32  # the rejected calls wrote nothing


def test_sync_add_many(mem):
    out = mem.add_many([["sync batch a1", "sync batch a2"], {"texts": ["sync batch b1"], "user_id": "b"}], user_id="a")
    assert [[r.event for r in batch] for batch in out] == [["ADD", "ADD"], ["ADD"]]
    assert mem.count(user_id="a") == 2 and mem.count(user_id="b") == 1
