"""Calibrated fusion and the full-text scale it stands on: degenerate lists, words every
memory shares, the README's example and the workbench's demo ranked with the real model."""

from __future__ import annotations

import math
import threading

import pytest

from agentmem import Memory, MemoryConfig
from agentmem.errors import InvalidInputError
from agentmem.fusion import calibrated, fuse
from agentmem.storage.scopes import bm25_reach, tokenize


def ids(rows):
    return [r["id"] for r in rows]


@pytest.mark.parametrize("fts_scores", [(0.05, 0.05, 0.05), (0.052, 0.050, 0.049)])
def test_equal_full_text_scores_leave_the_order_to_the_vector_side(fts_scores):
    vec = [{"id": "tea", "score": 0.62}, {"id": "run", "score": 0.31}, {"id": "cat", "score": 0.22}]
    fts = [{"id": i, "score": s} for i, s in zip(("cat", "run", "tea"), fts_scores)]
    assert ids(calibrated(vec, fts, 0.5, 0.0, 10)) == ["tea", "run", "cat"]
    assert ids(fuse(vec, fts, config=MemoryConfig(), limit=10)) == ["tea", "run", "cat"]


def test_min_max_stretches_a_flat_full_text_list():
    # why calibrated is the default: scaled by its own min and max, a near-flat list's best
    # hit gets 1.0 and outranks the vector side's clear answer
    vec = [{"id": "tea", "score": 0.62}, {"id": "run", "score": 0.31}, {"id": "cat", "score": 0.22}]
    fts = [{"id": "cat", "score": 0.052}, {"id": "run", "score": 0.050}, {"id": "tea", "score": 0.049}]
    mm = fuse(vec, fts, config=MemoryConfig(hybrid_fusion="minmax", hybrid_vector_weight=0.4), limit=10)
    assert ids(mm)[0] == "cat"


def test_one_side_empty_keeps_the_other_sides_order_and_scale():
    vec = [{"id": "a", "score": 0.8}, {"id": "b", "score": 0.4}]
    assert ids(calibrated(vec, [], 0.4, 0.0, 10)) == ["a", "b"]
    assert [r["score"] for r in calibrated(vec, [], 0.4, 0.0, 10)] == pytest.approx([0.32, 0.16])
    fts = [{"id": "c", "score": 0.9}, {"id": "d", "score": 0.1}]
    assert ids(calibrated([], fts, 0.4, 0.0, 10)) == ["c", "d"]
    assert [r["score"] for r in calibrated([], fts, 0.4, 0.0, 10)] == pytest.approx([0.54, 0.06])
    assert calibrated([], [], 0.4, 0.0, 10) == []


def test_a_single_hit_scores_its_evidence_not_one():
    (hit,) = calibrated([{"id": "a", "score": 0.3}], [], 0.5, 0.2, 10)
    assert hit["score"] == pytest.approx(0.5 * (0.3 - 0.2) / 0.8)
    (both,) = calibrated([{"id": "a", "score": 0.3}], [{"id": "a", "score": 0.5}], 0.5, 0.2, 10)
    assert both["score"] == pytest.approx(0.0625 + 0.25)


def test_no_evidence_on_either_side_is_not_a_match():
    vec = [{"id": "near", "score": 0.45}, {"id": "far", "score": 0.15}, {"id": "opposite", "score": -0.1}]
    fused = calibrated(vec, [{"id": "word", "score": 0.2}], 0.5, 0.2, 10)
    assert ids(fused) == ["near", "word"]
    assert all(0.0 < r["score"] <= 1.0 for r in fused)


def test_full_text_weighs_less_in_a_small_scope():
    vec = [{"id": "near", "score": 0.60}, {"id": "word", "score": 0.50}]
    fts = [{"id": "word", "score": 0.30}]
    # among 6 memories a shared word is chance: the nearest vector stays first...
    assert ids(calibrated(vec, fts, 0.1, 0.0, 10, scope_rows=6, half_rows=60)) == ["near", "word"]
    # ...among 600 turns the word decides
    assert ids(calibrated(vec, fts, 0.1, 0.0, 10, scope_rows=600, half_rows=60)) == ["word", "near"]
    # unknown scope size: full text at its whole weight
    assert ids(calibrated(vec, fts, 0.1, 0.0, 10)) == ["word", "near"]


def test_fused_rows_keep_their_fields_and_the_limit():
    vec = [{"id": str(i), "score": 0.9 - i / 20, "content": f"m{i}"} for i in range(10)]
    fused = calibrated(vec, [], 0.5, 0.0, 3)
    assert ids(fused) == ["0", "1", "2"] and fused[0]["content"] == "m0"


def test_reach_grows_with_terms_and_scope():
    assert bm25_reach(2, 100) == pytest.approx(2 * bm25_reach(1, 100))
    assert bm25_reach(1, 1000) > bm25_reach(1, 10) > 0
    assert bm25_reach(1, 3) == pytest.approx(math.log(1 + 2.5 / 1.5))


@pytest.mark.parametrize("field,value", [("hybrid_vector_floor", 1.5), ("hybrid_vector_floor", "0.2"),
                                         ("fts_turn_weight", -0.1), ("fts_turn_weight", True),
                                         ("vector_centering", 1.5), ("hybrid_text_half_rows", 0),
                                         ("hybrid_fusion", "mean")])
def test_fusion_settings_are_checked(field, value):
    with pytest.raises(InvalidInputError) as err:
        MemoryConfig(**{field: value})
    assert err.value.field == field


def test_tokenize_is_safe_from_two_threads():
    # the stemmer keeps its word in the object; a shared one raised IndexError mid-stem
    words = [f"caresses{i} running{i}s happily{i}" for i in range(20_000)]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for w in words[offset::2]:
                tokenize(w)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# --- with the real model and stores ------------------------------------------------------


def test_a_word_in_every_memory_of_the_scope_adds_about_nothing(tmp_path):
    with Memory(MemoryConfig(data_dir=tmp_path / "s")) as mem:
        mem.add_batch(["Alice likes green tea", "Alice runs marathons", "Alice's cat is called Miso",
                       "Alice is allergic to peanuts"], user_id="alice")
        common = mem.search("alice", user_id="alice", mode="fts")
        rare = mem.search("marathons", user_id="alice", mode="fts")
        assert rare[0].content == "Alice runs marathons"
        assert max(h.score for h in common) < 0.2 < rare[0].score <= 1.0


def test_the_readme_example_ranks_the_drink_first(tmp_path):
    with Memory(MemoryConfig(data_dir=tmp_path / "s")) as mem:
        mem.add("Alice likes green tea", user_id="alice", metadata={"topic": "food"})
        mem.add_batch(["Alice runs marathons", "Alice's cat is called Miso"], user_id="alice")
        hits = mem.search("what does alice drink?", user_id="alice", limit=5)
        assert hits[0].content == "Alice likes green tea"
        assert hits[0].score > hits[1].score


def test_the_workbench_demo_ranks_right(tmp_path):
    facts = {"alice": ["Alice likes green tea", "Alice is allergic to peanuts", "Alice runs marathons"],
             "bob": ["Bob moved to Lisbon in May", "Bob plays the cello"]}
    with Memory(MemoryConfig(data_dir=tmp_path / "s")) as mem:
        for user, texts in facts.items():
            mem.add_batch(texts, user_id=user)
        assert mem.search("what does alice drink?", user_id="alice")[0].content == "Alice likes green tea"
        assert mem.search("who is allergic to peanuts?", user_id="alice")[0].content == "Alice is allergic to peanuts"
        assert mem.search("which instrument does bob play?", user_id="bob")[0].content == "Bob plays the cello"
        assert mem.search("where does bob live now?", user_id="bob")[0].content == "Bob moved to Lisbon in May"
