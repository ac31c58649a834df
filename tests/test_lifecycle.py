"""Open, close, reopen; closed stores refuse work; the sync facade inside a running loop."""

from __future__ import annotations

import asyncio

import pytest

import agentmem
from agentmem import AsyncMemory, ClosedError, Memory, MemoryConfig


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


def test_public_surface_matches_all():
    exported = {name for name in dir(agentmem) if not name.startswith("_")} - {
        "config", "core", "errors", "memory", "models", "orchestrator", "storage", "embed", "bench", "eval", "cli"
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
