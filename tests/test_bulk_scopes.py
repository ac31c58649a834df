"""add_batch over many scopes at once: user_id / agent_id / run_id given one per text.

Storage logic (dedupe, history, validation, reads per scope) with the stand-in embedder;
one test checks that the real model's results match a per-scope feed."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from agentmem import AsyncMemory, InvalidInputError, MemoryConfig

TEXTS = ["likes green tea", "plays chess", "likes green tea", "runs marathons", "Likes  GREEN tea", "plays chess"]
USERS = ["alice", "alice", "bob", "bob", "alice", None]


def test_results_follow_input_order_and_dedupe_within_each_scope(standin_mem):
    res = standin_mem.add_batch(TEXTS, user_id=USERS)
    assert [r.memory for r in res] == TEXTS
    assert [r.event for r in res] == ["ADD", "ADD", "ADD", "ADD", "NOOP", "ADD"]
    # the repeat inside alice's scope is alice's first copy; the same text for bob is its own memory
    assert res[4].id == res[0].id
    assert len({res[0].id, res[2].id}) == 2 and len({res[1].id, res[5].id}) == 2
    for r, user in zip(res, USERS):
        assert standin_mem.get(r.id).user_id == user


def test_get_all_and_count_per_user_after_one_call(standin_mem):
    users = [f"u{i % 7}" for i in range(70)]
    texts = [f"fact {i} of {u}" for i, u in enumerate(users)]
    standin_mem.add_batch(texts, user_id=users, metadata={"source": "bulk"})
    for k in range(7):
        rows = standin_mem.get_all(user_id=f"u{k}", limit=100)
        assert {r.content for r in rows} == {t for t, u in zip(texts, users) if u == f"u{k}"}
        assert all(r.metadata == {"source": "bulk"} for r in rows)
        assert standin_mem.count(user_id=f"u{k}") == 10
    hits = standin_mem.search("fact 3", user_id="u3", limit=20)
    assert hits and all(h.user_id == "u3" for h in hits)


def test_one_add_event_per_new_memory(standin_mem):
    res = standin_mem.add_batch(TEXTS, user_id=USERS)
    for r in res:
        assert [e.event for e in standin_mem.history(r.id)] == ["ADD"]
    assert standin_mem.stats()["history_events"] == len({r.id for r in res}) == 5


def test_readding_across_calls_is_noop_with_the_stored_ids(standin_mem):
    first = standin_mem.add_batch(TEXTS, user_id=USERS)
    single = standin_mem.add("likes green tea", user_id="bob")
    assert single.event == "NOOP" and single.id == first[2].id
    again = standin_mem.add_batch(["plays chess", "new for carol", "plays chess"], user_id=["alice", "carol", None])
    assert [r.event for r in again] == ["NOOP", "ADD", "NOOP"]
    assert again[0].id == first[1].id and again[2].id == first[5].id
    assert standin_mem.count() == 6


def test_agent_and_run_lists_mix_with_one_user(standin_mem):
    res = standin_mem.add_batch(["note", "note", "note", "note"], user_id="alice",
                                agent_id=["a1", "a2", None, "a1"], run_id=[None, None, "r1", None])
    assert [r.event for r in res] == ["ADD", "ADD", "ADD", "NOOP"]
    assert res[3].id == res[0].id
    stored = [standin_mem.get(r.id) for r in res[:3]]
    assert [(m.user_id, m.agent_id, m.run_id) for m in stored] == [("alice", "a1", None), ("alice", "a2", None),
                                                                    ("alice", None, "r1")]
    assert standin_mem.count(user_id="alice", agent_id="a1") == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"user_id": ["a", "b"]}, "user_id"),  # length differs from the texts
        ({"user_id": ["a", "b", ""]}, "user_id[2]"),
        ({"user_id": ["a", 7, "c"]}, "user_id[1]"),
        ({"agent_id": [None, "x" * 600, None]}, "agent_id[1]"),
        ({"run_id": ["r", "r", "bad\x00id"]}, "run_id[2]"),
        ({"user_id": ["a", ["nested"], "c"]}, "user_id[1]"),
        ({"user_id": 5}, "user_id"),
        ({"user_id": ["a", "b", "c"], "metadata": [{}, {}, "x"]}, "metadata[2]"),
    ],
)
def test_one_bad_scope_rejects_the_batch_naming_its_index(standin_mem, kwargs, field):
    standin_mem.add("kept", user_id="a")
    with pytest.raises(InvalidInputError) as err:
        standin_mem.add_batch(["one", "two", "three"], **kwargs)
    assert err.value.field == field
    assert standin_mem.count() == 1  # nothing of the batch was written
    assert standin_mem.stats()["history_events"] == 1


def test_given_vectors_follow_their_texts(tmp_path):
    from standin import HashEmbedder

    async def go() -> None:
        emb = HashEmbedder()
        async with AsyncMemory(MemoryConfig(data_dir=tmp_path / "s"), embedder=emb) as m:
            texts = [f"memory {i} about topic {i % 3}" for i in range(40)]
            users = [f"user-{i % 4}" for i in range(40)]
            vecs = await emb.embed(texts)
            res = await m.add_batch(texts, user_id=users, vectors=vecs)
            assert emb.texts == len(texts)  # the embed above only: none by add_batch
            hits = await m.search(texts[13], user_id="user-1", mode="vector", limit=1)
            assert hits[0].id == res[13].id

    asyncio.run(go())


def test_concurrent_calls_over_shared_scopes_store_each_text_once(tmp_path):
    from standin import HashEmbedder

    async def go() -> None:
        async with AsyncMemory(MemoryConfig(data_dir=tmp_path / "s"), embedder=HashEmbedder()) as m:
            texts = [f"shared fact {i}" for i in range(300)]
            users = [f"u{i % 5}" for i in range(300)]
            a, b = await asyncio.gather(m.add_batch(texts, user_id=users), m.add_batch(texts[::-1], user_id=users[::-1]))
            assert [r.id for r in a] == [r.id for r in b][::-1]
            assert sorted(r.event for r in a + b).count("ADD") == 300
            assert await m.count() == 300
            assert (await m.verify()).ok

    asyncio.run(go())


def test_persist_records_off_takes_per_item_scopes(tmp_path):
    from standin import HashEmbedder

    from agentmem import Memory

    with Memory(MemoryConfig(data_dir=tmp_path / "s", persist_records=False), embedder=HashEmbedder()) as m:
        res = m.add_batch(TEXTS, user_id=USERS)
        assert [r.event for r in res] == ["ADD", "ADD", "ADD", "ADD", "NOOP", "ADD"]
        assert m.count(user_id="alice") == 2 and m.count(user_id="bob") == 2
        again = m.add_batch(["plays chess"], user_id=["alice"])
        assert again[0].event == "NOOP" and again[0].id == res[1].id


def test_real_model_one_call_matches_one_call_per_user(tmp_path):
    from agentmem import Memory

    texts = ["Alice moved to Lisbon", "Bob adopted a cat", "Alice learns Portuguese", "Bob adopted a cat"]
    users = ["alice", "bob", "alice", "carol"]
    with Memory(MemoryConfig(data_dir=tmp_path / "one")) as one, Memory(MemoryConfig(data_dir=tmp_path / "per")) as per:
        bulk = one.add_batch(texts, user_id=users)
        for user in ("alice", "bob", "carol"):
            per.add_batch([t for t, u in zip(texts, users) if u == user], user_id=user)
        for user in ("alice", "bob", "carol"):
            assert {r.content for r in one.get_all(user_id=user)} == {r.content for r in per.get_all(user_id=user)}
        q = "where does Alice live"
        a = [h.content for h in one.search(q, user_id="alice", limit=2)]
        b = [h.content for h in per.search(q, user_id="alice", limit=2)]
        assert a == b
        vec = one.embed(["Bob adopted a cat"])
        assert np.allclose(vec, per.embed(["Bob adopted a cat"]))
        assert len({r.id for r in bulk}) == 4


def test_self_containing_metadata_is_refused_naming_its_index(standin_mem):
    loop: dict = {"k": 1}
    loop["self"] = loop
    with pytest.raises(InvalidInputError) as err:
        standin_mem.add_batch(["one", "two"], user_id=["a", "b"], metadata=[{}, loop])
    assert err.value.field == "metadata[1]"
    assert standin_mem.count() == 0


@pytest.mark.parametrize("rows", [3, 2000])  # a small write-behind add and a bulk one
def test_repeats_without_dedupe_are_one_memory_with_its_vector(tmp_path, rows):
    """The records store holds one memory per text and scope (its unique hash index) even
    with ``dedupe=False``: a text repeated inside one batch is stored once, with its vector,
    and the repeat reads as NOOP of the first copy."""
    from standin import HashEmbedder

    from agentmem import Memory

    texts = [f"note {i}" for i in range(rows - 1)] + ["note 0"]
    with Memory(MemoryConfig(data_dir=tmp_path / "d", dedupe=False), embedder=HashEmbedder()) as m:
        res = m.add_batch(texts, user_id="alice")
        assert res[0].event == "ADD" and res[-1].event == "NOOP" and res[-1].id == res[0].id
        m.flush()
        assert m.count(user_id="alice") == rows - 1
        report = m.verify()
        assert report.ok, report
        assert [h.id for h in m.search("note 0", user_id="alice", mode="vector", limit=1)] == [res[0].id]
        assert [e.event for e in m.history(res[0].id)] == ["ADD"]
