"""add / add_batch: results, order, metadata forms, dedupe, scopes, long content."""

from __future__ import annotations

import numpy as np
import pytest

from agentmem import AddResult, InvalidInputError


def test_add_returns_id_event_and_memory(mem):
    r = mem.add("Alice likes green tea", user_id="alice", metadata={"topic": "food"}, memory_type="semantic")
    assert isinstance(r, AddResult)
    assert r.event == "ADD" and r.memory == "Alice likes green tea"
    rec = mem.get(r.id)
    assert rec.content == "Alice likes green tea"
    assert rec.user_id == "alice" and rec.agent_id is None and rec.run_id is None
    assert rec.metadata == {"topic": "food"} and rec.memory_type == "semantic"
    assert rec.created_at.tzinfo is not None


def test_same_text_same_scope_is_noop(mem):
    first = mem.add("Alice likes green tea", user_id="alice")
    again = mem.add("  alice LIKES   green tea ", user_id="alice")
    assert again.event == "NOOP" and again.id == first.id
    assert mem.count(user_id="alice") == 1
    assert [e.event for e in mem.history(first.id)] == ["ADD"]


def test_same_text_other_scope_is_a_new_memory(mem):
    a = mem.add("likes green tea", user_id="alice")
    b = mem.add("likes green tea", user_id="bob")
    c = mem.add("likes green tea", user_id="alice", agent_id="helper")
    d = mem.add("likes green tea", user_id="alice", run_id="run-1")
    assert len({a.id, b.id, c.id, d.id}) == 4
    assert all(r.event == "ADD" for r in (a, b, c, d))


def test_add_batch_keeps_input_order_and_dedupes_inside_the_batch(mem):
    texts = ["Bob drinks coffee", "Bob plays chess", "bob drinks coffee", "Bob runs marathons"]
    rs = mem.add_batch(texts, user_id="bob")
    assert [r.memory for r in rs] == texts
    assert [r.event for r in rs] == ["ADD", "ADD", "NOOP", "ADD"]
    assert rs[0].id == rs[2].id
    assert mem.count(user_id="bob") == 3
    assert mem.verify().ok


def test_add_batch_against_stored_memories(mem):
    mem.add("Carol paints", user_id="carol")
    rs = mem.add_batch(["Carol paints", "Carol sings"], user_id="carol")
    assert [r.event for r in rs] == ["NOOP", "ADD"]


@pytest.mark.parametrize("metadata", [None, {"src": "chat"}, [{"i": 0}, None, {"i": 2}]])
def test_add_batch_metadata_forms(mem, metadata):
    rs = mem.add_batch(["one fact", "two facts", "three facts"], user_id="m", metadata=metadata)
    got = [mem.get(r.id).metadata for r in rs]
    if metadata is None:
        assert got == [{}, {}, {}]
    elif isinstance(metadata, dict):
        assert got == [metadata] * 3
    else:
        assert got == [{"i": 0}, {}, {"i": 2}]


def test_metadata_is_copied_not_aliased(mem):
    md = {"tags": ["a"]}
    r = mem.add("aliasing check", user_id="u", metadata=md)
    md["tags"].append("b")
    assert mem.get(r.id).metadata == {"tags": ["a"]}


def test_empty_batch_is_fine(mem):
    assert mem.add_batch([], user_id="u") == []
    assert mem.count() == 0


def test_long_content_is_stored_whole_and_found(mem):
    long_text = "The lighthouse keeper logged the storm. " * 400  # far past 256 tokens
    r = mem.add(long_text, user_id="u")
    assert mem.get(r.id).content == long_text
    hits = mem.search("lighthouse keeper storm log", user_id="u", mode="vector")
    assert hits[0].id == r.id


def test_precomputed_vectors_skip_the_model(mem):
    vecs = np.random.default_rng(0).normal(size=(3, 384)).astype(np.float32)
    rs = mem.add_batch(["v one", "v two", "v three"], user_id="v", vectors=vecs)
    assert all(r.event == "ADD" for r in rs)
    # the stored vector is the given one (normalized): searching with its own text is irrelevant,
    # but the stores agree and the rows are there
    assert mem.verify().ok and mem.count(user_id="v") == 3
    with pytest.raises(InvalidInputError, match="vectors"):
        mem.add_batch(["a", "b"], user_id="v", vectors=vecs)


def test_every_call_is_timed_per_stage(mem):
    mem.reset_timings()
    mem.add("timed memory", user_id="t")
    mem.add_batch(["timed a", "timed b"], user_id="t")
    ops = [t.op for t in mem.timings()]
    assert ops == ["add", "add_batch"]
    t = mem.timings()[1]
    assert t.items == 2 and t.wall > 0
    assert set(t.stages) == {"embed", "vectors", "records", "history", "other"}
    assert t.stages["embed"] > 0 and t.stages["vectors"] > 0 and t.stages["records"] > 0
