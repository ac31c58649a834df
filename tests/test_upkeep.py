"""Upkeep runs beside the writers, never in front of them; every search mode sees a memory
as soon as its add returns; another process's add is seen within the stated bound.

Storage logic: the stand-in embedder (real LanceDB, real libSQL)."""

from __future__ import annotations

import asyncio
import math
import multiprocessing as mp
import time
from pathlib import Path

import pytest
from parts import catch_stores

from agentmem import AsyncMemory, Memory, MemoryConfig
from agentmem.storage.upkeep import UpkeepPolicy

MODES = ("vector", "fts", "hybrid")
HANG = 60  # a guard against a hang, not a speed check


def _standin():
    from standin import HashEmbedder

    return HashEmbedder()


async def _open(path: Path) -> AsyncMemory:
    return await AsyncMemory.open(MemoryConfig(data_dir=path), embedder=_standin())


@pytest.fixture
def opened(monkeypatch):
    """The stores the Memory under test opens (parts.py): a test of upkeep gets the upkeep
    of the vector store the Memory uses."""
    return catch_stores(monkeypatch)


async def test_no_writer_waits_on_upkeep(tmp_path: Path, opened) -> None:
    mem = await _open(tmp_path / "s")
    vs = opened.vectors[-1]
    await mem.add_batch([f"older fact {i} about trains" for i in range(50)], user_id="u")
    release = asyncio.Event()
    entered = asyncio.Event()
    real_compact = vs.compact

    async def slow_compact() -> None:  # an upkeep round that does not end until released
        entered.set()
        await release.wait()
        await real_compact()

    vs.compact = slow_compact  # type: ignore[method-assign]
    round_task = asyncio.ensure_future(vs.upkeep.run_now())
    await asyncio.wait_for(entered.wait(), HANG)
    assert vs.upkeep.running
    # while the round is stuck: adds (single and batch) and searches in every mode complete
    r = await asyncio.wait_for(mem.add("the violin lesson is on tuesday", user_id="u"), HANG)
    b = await asyncio.wait_for(mem.add_batch([f"new fact {i} about boats" for i in range(30)], user_id="u"), HANG)
    assert r.event == "ADD" and all(x.event == "ADD" for x in b)
    for mode in MODES:
        hits = await asyncio.wait_for(mem.search("violin lesson tuesday", user_id="u", mode=mode, limit=3), HANG)
        assert hits and hits[0].id == r.id, mode
    assert vs.upkeep.running and not round_task.done()
    release.set()
    await asyncio.wait_for(round_task, HANG)
    assert vs.upkeep.rounds >= 1 and not vs.upkeep.running
    await mem.close()


@pytest.mark.parametrize("scoped", [True, False], ids=["user-scoped", "unscoped"])
async def test_found_in_every_mode_as_soon_as_add_returns(tmp_path: Path, scoped: bool) -> None:
    mem = await _open(tmp_path / "s")
    await mem.add_batch([f"indexed note {i} about gardening and tomatoes" for i in range(200)], user_id="u")
    await mem.optimize()  # these rows are in the indexes; what follows is not
    scope = {"user_id": "u"} if scoped else {}
    if scoped:  # the scope's block is loaded before the add: the add must reach it
        await mem.search("gardening", user_id="u", mode="hybrid")
    for i in range(3):
        text = f"the heron named Quillon{i} fishes at dawn"
        r = await mem.add(text, user_id="u")
        for mode in MODES:
            hits = await mem.search(f"heron Quillon{i} dawn", mode=mode, limit=5, **scope)
            assert hits and hits[0].id == r.id, (mode, [h.content for h in hits])
            assert all(math.isfinite(h.score) for h in hits)
        # full-text scores stay sane with part of the table unindexed: the fresh row's
        # BM25 is positive and an indexed row matching the same words scores alike
        fts = await mem.search("gardening tomatoes", mode="fts", limit=5, **scope)
        assert fts and all(h.score > 0 for h in fts)
    stats = (await mem.stats())["lance"]
    assert stats["upkeep"]["errors"] == 0
    await mem.close()


async def test_scope_blocks_follow_deletes_and_updates(tmp_path: Path) -> None:
    mem = await _open(tmp_path / "s")
    a = await mem.add("the kettle is blue", user_id="u")
    b = await mem.add("the teapot is green", user_id="u")
    await mem.search("kettle", user_id="u")  # load the block
    await mem.delete(a.id)
    await mem.update(b.id, "the teapot is orange")
    for mode in MODES:
        hits = await mem.search("kettle teapot blue orange", user_id="u", mode=mode)
        assert [h.id for h in hits] == [b.id], mode
        assert hits[0].content == "the teapot is orange"
    await mem.close()


def test_policy_decides_by_what_the_table_needs() -> None:
    p = UpkeepPolicy(small_fragments=8, ann_min_rows=1000)
    base = {"rows": 500, "small_fragments": 1, "unindexed_rows": 0, "has_vector_index": False,
            "versions_since_cleanup": 1, "fragments": 1}
    assert p.reason(base, idle_for=0.0) is None
    assert p.reason({**base, "small_fragments": 9, "unindexed_rows": 300}, idle_for=0.0) == "small_fragments"
    assert p.reason({**base, "rows": 1200}, idle_for=0.0) == "ann_build"
    assert p.reason({**base, "unindexed_rows": 5}, idle_for=60.0) == "idle"
    assert p.reason({**base, "unindexed_rows": 5}, idle_for=60.0, written_since_round=False) is None
    # a large table is not rewritten for a handful of new rows
    big = {**base, "rows": 900_000, "has_vector_index": True, "small_fragments": 20, "unindexed_rows": 2_000}
    assert p.reason(big, idle_for=0.0) is None
    assert p.reason({**big, "unindexed_rows": 100_000}, idle_for=0.0) == "small_fragments"
    assert p.reason({**big, "small_fragments": 300}, idle_for=0.0) == "too_many_fragments"


def test_a_due_round_waits_for_searches_to_pause_but_not_forever() -> None:
    from agentmem.storage.upkeep import Upkeep

    up = Upkeep(object(), UpkeepPolicy(search_quiet_s=30.0, max_defer_s=30.0))
    assert not up.defer()  # no search yet: a due round runs
    up.touch()
    assert up.defer() and up.defer() and up.deferred == 2  # searching: put off
    up.policy.max_defer_s = 0.0
    assert not up.defer()  # put off for max_defer_s already: it runs anyway
    up.policy.search_quiet_s = 0.0
    up.touch()
    assert not up.defer()  # searches paused long enough


async def test_searches_put_off_a_due_round_and_it_runs_once_they_pause(tmp_path: Path, opened) -> None:
    from standin import HashEmbedder

    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s", compact_every=2), embedder=HashEmbedder())
    up = opened.vectors[-1].upkeep
    up.policy.search_quiet_s, up.policy.max_defer_s = 0.5, 120.0
    rounds = up.rounds
    for i in range(6):  # small fragments: a round falls due, between searches
        await mem.search("note", user_id="u", mode="fts")
        await mem.add_batch([f"fragment {i} note {j}" for j in range(3)], user_id="u")
    for _ in range(40):  # searching without pause for 2 s
        await mem.search("note", user_id="u", mode="fts")
        await asyncio.sleep(0.05)
    assert up.rounds == rounds and up.deferred > 0
    for _ in range(200):  # quiet: the round runs
        if up.rounds > rounds:
            break
        await asyncio.sleep(0.05)
    assert up.rounds > rounds
    await mem.close()


def _other_process_adds(data_dir: str, go, done) -> None:
    from standin import HashEmbedder

    with Memory(MemoryConfig(data_dir=data_dir), embedder=HashEmbedder()) as mem:
        go.wait(HANG)
        mem.add("the lighthouse keeper collects sea glass", user_id="u")
        # a single add is written behind: its LanceDB append is the next group commit;
        # the bound tested is the reader's, from that commit on
        mem.flush()
        done.set()


def test_another_process_add_is_found_within_the_refresh_bound(tmp_path: Path, opened) -> None:
    data_dir = str(tmp_path / "shared")
    ctx = mp.get_context("spawn")
    go, done = ctx.Event(), ctx.Event()
    with Memory(MemoryConfig(data_dir=data_dir), embedder=_standin()) as mem:
        mem.add_batch([f"harbour note {i}" for i in range(20)], user_id="u")
        for mode in MODES:  # blocks loaded, versions known
            mem.search("harbour", user_id="u", mode=mode)
        proc = ctx.Process(target=_other_process_adds, args=(data_dir, go, done))
        proc.start()
        go.set()
        assert done.wait(HANG)
        bound = opened.vectors[-1].scopes.refresh_s  # the stated bound once the add has returned
        time.sleep(bound)
        for mode in MODES:
            hits = mem.search("lighthouse keeper sea glass", user_id="u", mode=mode, limit=3)
            assert hits and hits[0].content == "the lighthouse keeper collects sea glass", mode
        proc.join(HANG)
        assert proc.exitcode == 0


async def test_close_gives_the_upkeep_lease_back(tmp_path: Path, opened) -> None:
    """Upkeep of one store runs in one process at a time (a lease in libSQL). Closing a store
    releases it, so the store reopened (here, or by another process) runs its rounds at once
    instead of skipping them until the old holder's lease expires."""
    first = await _open(tmp_path)
    old = opened.vectors[-1].upkeep
    assert await old.take_lease()
    await first.close()
    second = await _open(tmp_path)
    try:
        new = opened.vectors[-1].upkeep
        assert new.holder != old.holder
        assert await new.take_lease()
    finally:
        await second.close()


async def test_single_adds_put_off_a_due_round_like_searches(tmp_path: Path, opened) -> None:
    """An add written behind (an agent's turn) is foreground work: a round falling due
    meanwhile waits, as for a search. A bulk add_batch does not count (upkeep must follow it)."""
    from standin import HashEmbedder

    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s"), embedder=HashEmbedder())
    up = opened.vectors[-1].upkeep
    up.policy.search_quiet_s, up.policy.max_defer_s = 30.0, 30.0
    await mem.add_batch([f"bulk note {i}" for i in range(500)], user_id="u")
    assert not up.defer()
    await mem.add("the lighthouse keeper collects sea glass", user_id="u")
    await mem.flush()
    assert up.defer()
    await mem.close()
