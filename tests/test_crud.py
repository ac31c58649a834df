"""get, get_all, count, update, history, delete, delete_all, reset."""

from __future__ import annotations

import pytest

from agentmem import NotFoundError


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
    events = mem.history(r.id)
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
    events = mem.history(r.id)
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
    assert mem.count() == 0 and mem.history(r.id) == []
    assert mem.core.get("persona", agent_id="bot").value == ""
    assert mem.search("gone", mode="hybrid") == []
    assert mem.add("gone soon", user_id="u").event == "ADD"
    assert mem.verify().ok
