"""Background upkeep runs in a child process at a lower CPU priority, and what it commits is
this process's own upkeep: scope blocks stay, stale versions are cleaned. A bulk ingest
builds the blocks of users the store has never seen from the rows it wrote, so no first
search reads them back; rounds wait while a bulk ingest is still appending.

Storage logic: the stand-in embedder (real LanceDB, real libSQL)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import numpy as np
import pytest
from parts import catch_stores

from agentmem import AsyncMemory, MemoryConfig
from agentmem.storage.upkeep import BULK_ROWS, Upkeep, UpkeepPolicy
from agentmem.storage.upkeep_worker import CPU_THREADS

HANG = 120  # a guard against a hang, not a speed check


@pytest.fixture
def opened(monkeypatch):
    return catch_stores(monkeypatch)


async def _open(path: Path, **kw) -> AsyncMemory:
    from standin import HashEmbedder

    return await AsyncMemory.open(MemoryConfig(data_dir=path, **kw), embedder=HashEmbedder())


async def _rounds(up, n: int) -> None:
    for _ in range(HANG * 20):
        if up.rounds >= n and not up.running:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no upkeep round in {HANG} s: {up.stats()}")


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(x.decode(errors="replace").partition("=")[::2] for x in raw if b"=" in x)


async def test_rounds_run_in_a_lower_priority_process_and_its_commits_are_this_stores(tmp_path: Path, opened) -> None:
    mem = await _open(tmp_path / "s", compact_every=4)
    vs = opened.vectors[-1]
    for i in range(6):  # small fragments: a round falls due
        await mem.add_batch([f"note {i} {j} about the harbour" for j in range(5)], user_id="u")
    assert len(await mem.search("harbour", user_id="u", mode="fts", limit=100)) == 30  # the block is loaded
    drops = vs.scopes.stats()["drops"]
    await _rounds(vs.upkeep, 1)
    pid = vs.upkeep_pid
    assert pid is not None and pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)
    assert _environ(pid).get("LANCE_CPU_THREADS") == str(CPU_THREADS)
    info = (await mem.stats())["lance"]
    assert info["upkeep"]["process"] and info["upkeep"]["errors"] == 0
    assert info["fragments"] < 6  # the round's compaction, seen from here
    # its commits read as this store's upkeep: the loaded block was kept, nothing re-read
    stats = vs.scopes.stats()
    assert stats["drops"] == drops and stats["foreign_drops"] == 0
    for mode in ("vector", "fts", "hybrid"):
        assert len(await mem.search("harbour", user_id="u", mode=mode, limit=100)) == 30, mode
    r = await mem.add("the lighthouse keeper collects sea glass", user_id="u")
    await mem.flush()
    hits = await mem.search("lighthouse keeper sea glass", user_id="u", mode="fts", limit=1)
    assert hits and hits[0].id == r.id
    await mem.close()
    assert vs.upkeep_pid is None  # the process ended with the store


async def test_a_round_cleans_the_versions_it_replaced(tmp_path: Path, opened) -> None:
    mem = await _open(tmp_path / "s", compact_every=4)
    vs = opened.vectors[-1]
    vs.retention_s = 0.0  # no other reader: every version but the latest may go
    for i in range(8):
        await mem.add_batch([f"note {i} {j} about kites" for j in range(5)], user_id="u")
    before = (await mem.stats())["lance"]["versions"]
    await _rounds(vs.upkeep, 1)
    after = (await mem.stats())["lance"]["versions"]
    assert before >= 8 and after <= 3
    assert await mem.count() == 40
    assert len(await mem.search("kites", user_id="u", mode="hybrid", limit=100)) == 40
    await mem.close()


async def test_a_bulk_ingest_builds_new_users_blocks_without_a_load(tmp_path: Path, opened) -> None:
    mem = await _open(tmp_path / "s")
    vs = opened.vectors[-1]
    rng = np.random.default_rng(0)
    for u in range(3):
        await mem.add_batch([f"user {u} fact {i} about orchards" for i in range(400)], user_id=f"u{u}",
                            vectors=rng.standard_normal((400, 384)).astype(np.float32))
    # searched at once (the blocks may still be pending) and after every block is built
    for u in range(3):
        hits = await mem.search(f"user {u} fact 17 about orchards", user_id=f"u{u}", mode="fts", limit=1)
        assert hits and hits[0].content == f"user {u} fact 17 about orchards"
        assert len(await mem.search("orchards", user_id=f"u{u}", mode="vector", limit=500)) == 400
    stats = vs.scopes.stats()
    assert stats["misses"] == 0 and stats["built"] == 3 and stats["pending"] == 0
    # a later add reaches the built block
    r = await mem.add("the pear tree needs pruning in march", user_id="u1")
    await mem.flush()
    hits = await mem.search("pear tree pruning march", user_id="u1", mode="hybrid", limit=1)
    assert hits and hits[0].id == r.id
    await mem.close()


async def test_a_delete_ends_building_blocks_from_written_rows(tmp_path: Path, opened) -> None:
    """After a delete the store no longer follows every user's rows: a user first seen
    afterwards is read from LanceDB (a load), and finds its rows."""
    mem = await _open(tmp_path / "s")
    vs = opened.vectors[-1]
    first = await mem.add_batch([f"old fact {i}" for i in range(5)], user_id="a")
    await mem.delete(first[0].id)
    assert not vs.scopes.fresh
    await mem.add_batch([f"user b fact {i} about rivers" for i in range(20)], user_id="b")
    assert len(await mem.search("rivers", user_id="b", mode="fts", limit=50)) == 20
    assert vs.scopes.stats()["misses"] >= 1
    assert len(await mem.search("old fact", user_id="a", mode="fts", limit=50)) == 4
    await mem.close()


def test_rounds_wait_while_a_bulk_ingest_is_appending() -> None:
    class Table:  # the upkeep task is never started: only its bookkeeping is exercised
        retention_s = 30.0

    up = Upkeep(Table(), UpkeepPolicy(bulk_quiet_s=0.3, max_bulk_defer_s=60.0))
    for _ in range(5):  # an agent's single adds: not a bulk ingest
        up.kick(1)
    assert not up.bulk_writing()
    for _ in range(4):  # many small appends in a row add up to one
        up.kick(BULK_ROWS // 4 + 1)
    assert up.bulk_writing()
    time.sleep(0.35)  # the ingest paused
    assert not up.bulk_writing()
    up.kick(BULK_ROWS)
    assert up.bulk_writing() and up.stats()["bulk_waits"] >= 1


def _parent_with_a_round(data_dir: str) -> None:
    import asyncio as aio

    from standin import HashEmbedder

    from agentmem import AsyncMemory as Mem
    from agentmem import MemoryConfig as Cfg

    async def run() -> None:
        mem = await Mem.open(Cfg(data_dir=data_dir, compact_every=2), embedder=HashEmbedder())
        for i in range(4):  # small fragments: a round falls due, and the upkeep process starts
            await mem.add_batch([f"note {i} {j}" for j in range(3)], user_id="u")
        await aio.sleep(3600)

    aio.run(run())


def _upkeep_child_of(pid: int) -> int | None:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"upkeep_worker" in cmd:
            return int(entry.name)
    return None


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_upkeep_process_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    import multiprocessing as mp
    import signal

    parent = mp.get_context("spawn").Process(target=_parent_with_a_round, args=(str(tmp_path / "s"),))
    parent.start()
    child = None
    for _ in range(HANG * 20):
        child = _upkeep_child_of(parent.pid)
        if child is not None:
            break
        time.sleep(0.05)
    assert child is not None, "no upkeep process started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.join(HANG)
    for _ in range(HANG * 20):
        if not _alive(child):
            break
        time.sleep(0.05)
    assert not _alive(child), "the upkeep process outlived its parent"
