"""Write-behind: a small add returns once libSQL holds the memory *and its vector*; the
LanceDB append follows. An add that returned survives SIGKILL before that append, and the
next open appends it by itself. Storage logic: the stand-in embedder."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from parts import catch_stores, pending_rows

from agentmem import AsyncMemory, Memory, MemoryConfig


@pytest.fixture
def opened(monkeypatch):
    """The stores the Memory under test opens (parts.py)."""
    return catch_stores(monkeypatch)


CHILD = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[3])
    from standin import HashEmbedder
    from agentmem import Memory, MemoryConfig
    from agentmem.storage.commits import CommitQueue

    if sys.argv[2] in ("stall", "unembedded"):
        async def never(self, *args):  # the LanceDB append never happens: only libSQL has the adds
            return None
        CommitQueue.commit_all = never
        if sys.argv[2] == "unembedded":  # nor the embedding: libSQL has their text only
            from agentmem.embed_behind import EmbedBehind
            EmbedBehind.embed_waiting = never
            EmbedBehind._in_background = never
    mem = Memory(MemoryConfig(data_dir=sys.argv[1]), embedder=HashEmbedder())
    n = 0
    while True:
        r = mem.add(f"kill test memory {n} about the word w{n}x", user_id="k")
        print(json.dumps(r.id), flush=True)  # acknowledged
        n += 1
    """
)

TESTS = str(Path(__file__).parent)


def _run_and_kill(store: Path, how: str, acks: int) -> list[str]:
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store), how, TESTS], stdout=subprocess.PIPE, text=True)
    acked: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while len(acked) < acks and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acked.append(json.loads(line))
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert len(acked) >= acks, "the child did not acknowledge enough adds"
    return acked


@pytest.mark.parametrize("how", ["stall", "unembedded", "run"],
                         ids=["killed-before-any-append", "killed-before-any-embedding", "killed-mid-stream"])
def test_acknowledged_single_adds_survive_sigkill(tmp_path: Path, how: str) -> None:
    from standin import HashEmbedder

    store = tmp_path / "store"
    acked = _run_and_kill(store, how, 40)
    cfg = MemoryConfig(data_dir=store)
    with Memory(cfg, embedder=HashEmbedder()) as mem:
        if how != "run":
            assert mem.stats()["recovered"] >= len(acked)  # the open embedded and appended them by itself
        report = mem.verify()
        assert report.ok, report
        for n, memory_id in enumerate(acked):
            assert mem.get(memory_id) is not None
        for n in (0, len(acked) // 2, len(acked) - 1):  # found through LanceDB (unscoped) and the blocks
            for scope in ({}, {"user_id": "k"}):
                hits = mem.search(f"kill test memory {n} about the word w{n}x", mode="fts", limit=1, **scope)
                assert hits and hits[0].id == acked[n]
    assert asyncio.run(pending_rows(cfg)) == []  # replayed rows are cleared


async def test_pending_vectors_clear_once_appended_and_lance_readers_see_them(tmp_path: Path, opened) -> None:
    from standin import HashEmbedder

    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s", embed_behind=False), embedder=HashEmbedder())
    records = opened.records[-1]
    ids = [(await mem.add(f"note {i} on sailing knots", user_id="u")).id for i in range(10)]
    assert (await mem.stats())["lance"]["behind_rows"] == 10
    # a LanceDB-path search (no scope) flushes first: every acknowledged add is found
    hits = await mem.search("note 7 on sailing knots", mode="fts", limit=1)
    assert hits[0].id == ids[7]
    await mem.flush()
    assert await records.pending_vectors(100) == []
    assert (await mem.verify()).ok
    await mem.close()


async def test_write_behind_off_waits_for_lance(tmp_path: Path, opened) -> None:
    from standin import HashEmbedder

    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s", write_behind_rows=0), embedder=HashEmbedder())
    await mem.add("a plain synchronous add", user_id="u")
    assert (await mem.stats())["lance"]["behind_rows"] == 0 and await opened.records[-1].pending_vectors(10) == []
    await mem.close()


async def test_embed_behind_add_returns_before_embedding_and_every_search_finds_it(tmp_path: Path, opened) -> None:
    """embed_behind: the add commits the memory (an empty pending vector) and returns; the
    next search in any mode embeds it first (with its query) and finds it; the background
    embeds what no search took; flush leaves nothing pending and the stores agree."""
    from standin import HashEmbedder

    emb = HashEmbedder()
    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s"), embedder=emb)
    records = opened.records[-1]
    for mode in ("vector", "fts", "hybrid"):
        text = f"the {mode} probe about harbour cranes"
        before = emb.calls
        r = await mem.add(text, user_id="u")
        assert emb.calls == before  # not embedded by the add
        pending = await records.pending_vectors(10)
        assert [(p[0], p[2]) for p in pending] == [(r.id, b"")]
        for scope in ({"user_id": "u"}, {}):  # the scope block and LanceDB
            hits = await mem.search(text, mode=mode, limit=1, **scope)
            assert hits and hits[0].id == r.id, (mode, scope)
        await mem.flush()
        assert await records.pending_vectors(10) == []
    r = await mem.add("left for the background to embed", user_id="u")
    for _ in range(200):
        up = (await mem.stats())["upkeep"]
        if not up["unembedded"] and not up["embedding"]:
            break
        await asyncio.sleep(0.01)
    assert not up["unembedded"]
    await mem.flush()
    assert await records.pending_vectors(10) == []
    assert (await mem.verify()).ok and await mem.count() == 4
    await mem.close()


async def test_embed_behind_then_update_or_delete_leaves_no_stray_vector(tmp_path: Path) -> None:
    from standin import HashEmbedder

    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s"), embedder=HashEmbedder())
    a = await mem.add("a memory changed before it was embedded", user_id="u")
    b = await mem.add("a memory deleted before it was embedded", user_id="u")
    await mem.update(a.id, content="the changed memory, embedded once")
    await mem.delete(b.id)
    report = await mem.verify()
    assert report.ok and report.records == report.vectors == 1, report
    hits = await mem.search("the changed memory, embedded once", user_id="u", mode="vector", limit=2)
    assert [h.id for h in hits] == [a.id]
    await mem.close()


def test_many_sequential_adds_wait_for_the_embedding_at_the_bound(tmp_path: Path) -> None:
    """However fast adds come, at most EMBED_BEHIND_MAX memories wait to be embedded."""
    from standin import HashEmbedder

    from agentmem.embed_behind import EMBED_BEHIND_MAX

    with Memory(MemoryConfig(data_dir=tmp_path / "s"), embedder=HashEmbedder()) as mem:
        most = 0
        for i in range(3 * EMBED_BEHIND_MAX):
            mem.add(f"rapid add number {i}", user_id="u")
            most = max(most, mem.stats()["upkeep"]["unembedded"])
        assert most < EMBED_BEHIND_MAX
        assert mem.count() == 3 * EMBED_BEHIND_MAX and mem.verify().ok
