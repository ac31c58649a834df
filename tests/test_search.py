"""search: the three modes with the real model, filters, threshold, limits, scopes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

FACTS = [
    ("Alice likes green tea in the morning", {"topic": "food", "confidence": 0.9}),
    ("Alice is training for the Berlin marathon", {"topic": "sport", "confidence": 0.7}),
    ("Alice's cat is called Miso", {"topic": "pets", "confidence": 1}),
    ("Alice works as a nurse at the city hospital", {"topic": "work", "confidence": 0.8}),
]


@pytest.fixture
def filled(mem):
    mem.add_batch([t for t, _ in FACTS], user_id="alice", metadata=[m for _, m in FACTS])
    mem.add("Bob likes green tea too", user_id="bob", metadata={"topic": "food"})
    mem.add("Alice prefers espresso at work", user_id="alice", memory_type="episodic", metadata={"topic": "food"})
    return mem


@pytest.mark.parametrize("mode", ["vector", "fts", "hybrid"])
def test_each_mode_finds_the_right_memory(filled, mode):
    hits = filled.search("what is the name of alice's cat", user_id="alice", mode=mode)
    assert hits and hits[0].content == "Alice's cat is called Miso"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_vector_scores_are_cosine_similarities(filled):
    hits = filled.search("Alice likes green tea in the morning", user_id="alice", mode="vector")
    # the stored text itself, its vector from the float graph, the query's from the int8 one
    assert hits[0].content == "Alice likes green tea in the morning"
    assert hits[0].score == pytest.approx(1.0, abs=0.03)


def test_float_queries_score_a_stored_text_at_one(config):
    from agentmem import Memory

    with Memory(config.replace(int8_queries=False)) as m:
        m.add("Alice likes green tea in the morning", user_id="alice")
        hits = m.search("Alice likes green tea in the morning", user_id="alice", mode="vector")
        assert hits[0].score == pytest.approx(1.0, abs=1e-3)
    assert all(-1.0 <= h.score <= 1.0 + 1e-6 for h in hits)


def test_default_mode_is_the_configured_one(filled):
    assert filled.config.search_mode == "hybrid"
    assert [h.id for h in filled.search("marathon", user_id="alice")] == [
        h.id for h in filled.search("marathon", user_id="alice", mode="hybrid")
    ]


def test_user_scope_isolates(filled):
    hits = filled.search("green tea", user_id="bob", limit=10)
    assert [h.user_id for h in hits] == ["bob"]
    everyone = filled.search("green tea", limit=10)
    assert {h.user_id for h in everyone} == {"alice", "bob"}


def test_metadata_and_type_filters(filled):
    hits = filled.search("drink", user_id="alice", filters={"topic": "food"}, mode="vector")
    assert {h.content for h in hits} == {"Alice likes green tea in the morning", "Alice prefers espresso at work"}
    hits = filled.search("drink", user_id="alice", filters={"topic": "food", "memory_type": "episodic"})
    assert [h.content for h in hits] == ["Alice prefers espresso at work"]
    hits = filled.search("anything", user_id="alice", filters={"topic": {"in": ["pets", "work"]}}, mode="vector")
    assert {h.metadata["topic"] for h in hits} == {"pets", "work"}
    hits = filled.search("anything", filters={"confidence": 1}, mode="vector")
    assert [h.content for h in hits] == ["Alice's cat is called Miso"]


def test_created_at_range_filter(filled):
    now = datetime.now(timezone.utc)
    assert filled.search("tea", filters={"created_at": {"gte": now - timedelta(hours=1)}}, mode="vector")
    assert filled.search("tea", filters={"created_at": {"gt": (now + timedelta(hours=1)).isoformat()}}, mode="vector") == []


def test_threshold_and_limit(filled):
    hits = filled.search("green tea", user_id="alice", mode="vector", limit=2)
    assert len(hits) == 2
    high = filled.search("green tea", user_id="alice", mode="vector", threshold=0.5)
    assert high and all(h.score >= 0.5 for h in high)
    assert filled.search("green tea", user_id="alice", mode="vector", threshold=0.9999) == []


def test_hits_to_pandas(filled):
    df = filled.search("tea", user_id="alice").to_pandas()
    assert {"id", "content", "score", "user_id", "metadata"} <= set(df.columns)
    assert len(df) > 0


def test_search_on_empty_store(mem):
    for mode in ("vector", "fts", "hybrid"):
        assert mem.search("anything at all", mode=mode) == []


def test_fusion_functions_on_hand_made_lists():
    from agentmem.fusion import minmax, rrf

    vec = [{"id": "a", "score": 0.9}, {"id": "b", "score": 0.5}, {"id": "c", "score": 0.1}]
    fts = [{"id": "c", "score": 12.0}, {"id": "d", "score": 2.0}]
    # minmax, vector weight 0.4: a=.4, b=.2, c=0+.6, d=0
    fused = minmax([vec, fts], [0.4, 0.6], 10)
    assert [r["id"] for r in fused] == ["c", "a", "b", "d"]
    assert [round(r["score"], 6) for r in fused] == [0.6, 0.4, 0.2, 0.0]
    assert [r["id"] for r in minmax([vec, fts], [0.4, 0.6], 2)] == ["c", "a"]
    # rrf k=1: a=1/2, b=1/3, c=1/4+1/2, d=1/3
    fused = rrf([vec, fts], 1, 10)
    assert fused[0]["id"] == "c" and fused[0]["score"] == pytest.approx(0.75)
    assert fused[1]["id"] == "a" and fused[1]["score"] == pytest.approx(0.5)
    assert minmax([[], []], [0.5, 0.5], 5) == []


def test_rrf_fusion_is_selectable(tmp_path):
    from agentmem import Memory, MemoryConfig

    with Memory(MemoryConfig(data_dir=tmp_path / "s", hybrid_fusion="rrf")) as mem:
        mem.add_batch(FACTS_TEXT, user_id="alice")
        hit = mem.search("name of alice's cat", user_id="alice")[0]
        assert hit.content == "Alice's cat is called Miso" and hit.score <= 2 / 61


FACTS_TEXT = [t for t, _ in FACTS]
