"""Open, close, reopen; closed stores refuse work; the sync facade inside a running loop."""

from __future__ import annotations

import asyncio
import time
import types

import numpy as np
import pytest

import agentmem
from agentmem import AsyncMemory, ClosedError, InvalidInputError, Memory, MemoryConfig


def test_close_and_reopen_keeps_everything(tmp_path):
    cfg = MemoryConfig(data_dir=tmp_path / "s")
    with Memory(cfg) as mem:
        r = mem.add("persisted fact about kites", user_id="u", metadata={"x": 1})
        mem.update(r.id, content="persisted fact about red kites")
        mem.core.replace("human", "Kite flyer", user_id="u")
    with Memory(cfg) as mem:
        assert mem.get(r.id).content == "persisted fact about red kites"
        assert [e.event for e in mem.history(r.id)] == ["ADD", "UPDATE"]
        assert mem.search("kites", user_id="u")[0].id == r.id
        assert mem.core.get("human", user_id="u").value == "Kite flyer"
        assert mem.add("persisted fact about red kites", user_id="u").event == "NOOP"
        assert mem.verify().ok


def test_closed_memory_refuses_work_and_closing_twice_is_harmless(tmp_path):
    mem = Memory(MemoryConfig(data_dir=tmp_path / "s"))
    mem.close()
    mem.close()
    assert mem.closed
    with pytest.raises(ClosedError):
        mem.add("late", user_id="u")
    with pytest.raises(ClosedError):
        mem.search("late")


async def test_async_close(tmp_path):
    amem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s"))
    await amem.add("x marks", user_id="u")
    await amem.close()
    await amem.close()
    with pytest.raises(ClosedError):
        await amem.get_all()


def test_sync_memory_inside_a_running_loop(tmp_path):
    """Jupyter and Streamlit call sync code from inside a running event loop."""

    async def notebook_cell():
        with Memory(MemoryConfig(data_dir=tmp_path / "s")) as mem:
            mem.add("works inside a loop", user_id="u")
            return [h.content for h in mem.search("inside a loop", user_id="u")]

    assert asyncio.run(notebook_cell()) == ["works inside a loop"]


def test_default_data_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Memory() as mem:
        mem.add("default place", user_id="u")
    assert (tmp_path / "data" / "agentmem" / "records.db").exists()
    assert (tmp_path / "data" / "agentmem" / "vectors").is_dir()


def test_stats_and_optimize(mem):
    mem.add_batch([f"fact {i} about rivers" for i in range(20)], user_id="r")
    stats = mem.stats()
    assert stats["memories"] == 20 and stats["vectors"] == 20 and stats["history_events"] == 20
    assert stats["users"] == {"r": 20} and stats["schema_version"] >= 1
    assert stats["embedder"]["dim"] == 384
    assert any(i["type"] == "FTS" for i in stats["lance"]["indices"])
    report = mem.optimize()
    assert report["rows"] == 20 and report["fragments"] >= 1
    assert mem.search("rivers", user_id="r", mode="fts")


def test_upkeep_state_settles_and_hooks(mem):
    vecs = mem.embed(["a fact about rivers", "a fact about hills"])
    assert vecs.shape == (2, 384) and vecs.dtype == np.float32
    mem.add_batch(["a fact about rivers", "a fact about hills"], user_id="r", vectors=vecs)
    mem.add("one more fact", user_id="r")  # embed-behind and write-behind
    assert mem.wait_warm() >= 0.0
    blocks = mem.block_stats()
    assert {"blocks", "hits", "misses", "drops", "foreign_drops", "foreign_rows"} <= set(blocks)
    assert blocks["blocks"] == mem.stats()["lance"]["scope_blocks"]["blocks"]
    mem.flush()
    mem.optimize()
    up = mem.stats()["upkeep"]
    for key in ("running", "queued_rows", "unembedded", "unindexed_rows", "settled", "needs", "rounds", "errors"):
        assert key in up
    assert up["queued_rows"] == 0 and up["unembedded"] == 0
    assert up["needs"]["rows"] == 3
    assert up["settled"] == (not up["running"] and up["unindexed_rows"] == 0)
    with pytest.raises(InvalidInputError, match="texts"):
        mem.embed("not a list")


def test_public_surface_matches_all():
    # submodules appear as attributes once anything imports them (agentmem.stack, agentmem.fusion, ...):
    # they are not the public surface; every other public name must be in __all__
    exported = {
        name for name in dir(agentmem)
        if not name.startswith("_") and not isinstance(getattr(agentmem, name), types.ModuleType)
    }
    assert exported == set(agentmem.__all__) - {"__version__"}
    for name in ("Memory", "AsyncMemory", "MemoryConfig", "AgentMemError", "InvalidInputError", "NotFoundError"):
        assert name in agentmem.__all__


def test_error_tree():
    from agentmem import errors

    assert issubclass(errors.InvalidInputError, ValueError)
    assert issubclass(errors.NotFoundError, LookupError)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.AgentMemError)


def test_ann_index_is_built_once_the_table_is_large_enough(tmp_path):
    import numpy as np

    cfg = MemoryConfig(data_dir=tmp_path / "s", ann_index_min_rows=600, compact_every=2)
    rng = np.random.default_rng(7)
    with Memory(cfg) as mem:
        texts = [f"synthetic memory number {i}" for i in range(700)]
        vecs = rng.normal(size=(700, 384)).astype(np.float32)
        mem.add_batch(texts[:300], user_id="u", vectors=vecs[:300])
        assert not any(i["type"].lower().startswith("ivf") for i in mem.stats()["lance"]["indices"])
        mem.add_batch(texts[300:], user_id="u", vectors=vecs[300:])  # the table now needs an ANN index
        # upkeep runs in the background (writers never wait for it): watch for the index
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if any(i["type"].lower().startswith("ivf") for i in mem.stats()["lance"]["indices"]):
                break
            time.sleep(0.2)
        assert mem.stats()["lance"]["upkeep"]["last_reason"] in ("ann_build", "small_fragments", "idle")
    with Memory(cfg) as mem:
        kinds = {i["type"] for i in mem.stats()["lance"]["indices"]}
        assert any(k.lower().startswith("ivf") for k in kinds), kinds
        # the indexed table still answers
        hits = mem.search("synthetic memory number 5", user_id="u", mode="fts", limit=3)
        assert hits and hits[0].content == "synthetic memory number 5"
        assert mem.verify().ok
    # through the index (re-ranked by exact distance), a stored vector finds its own memory:
    # the vector store opened on its own, as a search by raw vector is no Memory call
    from agentmem.storage.filters import parse_filters, to_lance
    from agentmem.storage.lance import VectorStore

    async def nearest():
        store = await VectorStore.open(cfg.resolved_vectors_uri, 384, compact_every=cfg.compact_every,
                                       ann_min_rows=cfg.ann_index_min_rows, upkeep=False)
        try:
            return await store.search_vector(vecs[123] / np.linalg.norm(vecs[123]),
                                             to_lance(parse_filters(None, user_id="u")), 3)
        finally:
            await store.close()

    rows = asyncio.run(nearest())
    assert rows[0]["content"] == "synthetic memory number 123" and rows[0]["score"] > 0.999
