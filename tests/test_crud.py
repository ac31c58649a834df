"""get, get_all, iter_all, count, update, history, delete, delete_all, export, reset.

Every test runs twice: with the records store (the default) and without it
(``persist_records=False``: the vector table is read instead); history is kept only in
the records store and is refused, naming the setting, without it.
"""

from __future__ import annotations

import json

import pytest

from agentmem import Memory, MemoryConfig, NotFoundError, RecordStoreError


@pytest.fixture(params=[True, False], ids=["records", "vectors_only"])
def mem(request, tmp_path):
    with Memory(MemoryConfig(data_dir=tmp_path / "store", persist_records=request.param)) as m:
        yield m


def history(mem, memory_id):
    """The memory's events, or None after checking that a store without records refuses."""
    if mem.config.persist_records:
        return mem.history(memory_id)
    with pytest.raises(RecordStoreError, match="persist_records") as err:
        mem.history(memory_id)
    assert err.value.setting == "persist_records"
    return None


def test_get_missing_is_none(mem):
    assert mem.get("nope") is None


def test_get_all_pages_newest_first(mem):
    ids = [mem.add(f"memory number {i}", user_id="p").id for i in range(7)]
    mem.add("someone else", user_id="q")
    page1 = mem.get_all(user_id="p", limit=3)
    page2 = mem.get_all(user_id="p", limit=3, offset=3)
    page3 = mem.get_all(user_id="p", limit=3, offset=6)
    got = [r.id for r in page1 + page2 + page3]
    assert got == list(reversed(ids))
    assert mem.count(user_id="p") == 7 and mem.count() == 8
    df = mem.get_all(user_id="p").to_pandas()
    assert len(df) == 7 and {"id", "content", "created_at", "metadata"} <= set(df.columns)


def test_get_all_filters(mem):
    mem.add("a fact", user_id="f", metadata={"k": "v"})
    mem.add("an episode", user_id="f", memory_type="episodic")
    assert [r.content for r in mem.get_all(user_id="f", filters={"k": "v"})] == ["a fact"]
    assert [r.content for r in mem.get_all(filters={"memory_type": "episodic"})] == ["an episode"]
    assert mem.count(filters={"memory_type": "semantic"}) == 1


def test_update_reembeds_and_writes_history(mem):
    r = mem.add("Alice likes green tea", user_id="alice", metadata={"v": 1})
    rec = mem.update(r.id, content="Alice now prefers black coffee", metadata={"v": 2})
    assert rec.content == "Alice now prefers black coffee" and rec.metadata == {"v": 2}
    assert rec.updated_at >= rec.created_at
    stored = mem.get(r.id)
    assert stored.content == rec.content and stored.metadata == {"v": 2}
    hit = mem.search("coffee", user_id="alice", mode="vector")[0]
    assert hit.id == r.id and hit.content == rec.content and hit.metadata == {"v": 2}
    assert mem.search("black coffee", user_id="alice", mode="fts")[0].id == r.id
    events = history(mem, r.id)
    if events is not None:
        assert [e.event for e in events] == ["ADD", "UPDATE"]
        assert events[1].old_content == "Alice likes green tea"
        assert events[1].new_content == "Alice now prefers black coffee"
        assert events[1].old_metadata == {"v": 1} and events[1].new_metadata == {"v": 2}
        assert events[0].created_at <= events[1].created_at
    assert mem.verify().ok


def test_update_metadata_only_keeps_content(mem):
    r = mem.add("stable content", user_id="u", metadata={"a": 1})
    mem.update(r.id, metadata={"a": 2})
    assert mem.get(r.id).content == "stable content" and mem.get(r.id).metadata == {"a": 2}


def test_update_to_text_of_another_memory_is_refused(mem):
    from agentmem import InvalidInputError

    a = mem.add("first text", user_id="u")
    b = mem.add("second text", user_id="u")
    with pytest.raises(InvalidInputError, match="content"):
        mem.update(b.id, content="FIRST text")
    assert mem.get(b.id).content == "second text" and mem.get(a.id).content == "first text"


def test_delete_keeps_history(mem):
    r = mem.add("short lived", user_id="u")
    mem.delete(r.id)
    assert mem.get(r.id) is None
    assert mem.search("short lived", user_id="u", mode="vector") == []
    events = history(mem, r.id)
    if events is not None:
        assert [e.event for e in events] == ["ADD", "DELETE"]
        assert events[1].old_content == "short lived" and events[1].is_deleted
    with pytest.raises(NotFoundError):
        mem.delete(r.id)
    assert mem.verify().ok


def test_delete_all_of_one_scope(mem):
    mem.add_batch(["a1", "a2", "a3"], user_id="a")
    keep = mem.add("b1", user_id="b")
    mem.add("a-run", user_id="c", run_id="r1")
    assert mem.delete_all(user_id="a") == 3
    assert mem.delete_all(run_id="r1") == 1
    assert mem.count() == 1 and mem.get(keep.id) is not None
    assert [h.user_id for h in mem.search("a1", mode="vector")] == ["b"]
    assert mem.verify().ok


def test_reset_empties_everything(mem):
    r = mem.add("gone soon", user_id="u")
    mem.core.replace("persona", "I am helpful", agent_id="bot")
    mem.reset()
    assert mem.count() == 0 and history(mem, r.id) in ([], None)
    assert mem.core.get("persona", agent_id="bot").value == ""
    assert mem.search("gone", mode="hybrid") == []
    assert mem.add("gone soon", user_id="u").event == "ADD"
    assert mem.verify().ok


def test_get_many_ways_and_stats(mem):
    a = mem.add("the lighthouse keeper paints boats", user_id="k", metadata={"room": "attic"})
    mem.add_batch(["boats need paint", "paint dries slowly"], user_id="k", memory_type="episodic")
    got = mem.get(a.id)
    assert got.content == "the lighthouse keeper paints boats" and got.metadata == {"room": "attic"}
    assert got.user_id == "k" and got.memory_type == "semantic" and got.updated_at >= got.created_at
    assert mem.count(user_id="k") == 3 and mem.count(filters={"room": "attic"}) == 1
    assert {r.content for r in mem.get_all(user_id="k", filters={"memory_type": "episodic"})} == {
        "boats need paint", "paint dries slowly"}
    assert mem.search("lighthouse keeper", user_id="k")[0].id == a.id
    stats = mem.stats()
    assert stats["memories"] == stats["vectors"] == 3
    assert stats["users"] == {"k": 3} and stats["memory_types"] == {"episodic": 2, "semantic": 1}


def test_iter_all_walks_every_memory_once(mem):
    ids = {r.id for r in mem.add_batch([f"walk item {i}" for i in range(25)], user_id="w")}
    ids |= {mem.add(f"single walk item {i}", user_id="w").id for i in range(3)}
    mem.add("not in the walk", user_id="other")
    walked = [r.id for r in mem.iter_all(user_id="w", page_size=4)]
    assert len(walked) == len(set(walked)) == 28 and set(walked) == ids
    assert walked == [r.id for r in mem.get_all(user_id="w", limit=100)]  # get_all's order
    assert len(list(mem.iter_all(page_size=7))) == 29


def test_export_holds_every_memory(mem, tmp_path):
    rows = mem.add_batch([f"export item {i}" for i in range(12)], user_id="e", metadata={"n": 1})
    mem.delete(rows[0].id)
    path = tmp_path / "out.jsonl"
    assert mem.export(path) == 11
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert {x["id"] for x in lines} == {r.id for r in rows[1:]}
    assert all(len(x["vector"]) == 384 and x["metadata"] == {"n": 1} for x in lines)
    mem.reset()
    assert mem.import_(path) == 11 and mem.count(user_id="e") == 11
