"""Ranking metrics against examples computed by hand."""

from __future__ import annotations

import math

import pytest

from agentmem.errors import InvalidInputError
from agentmem.eval.metrics import first_hit_rank, mean, ndcg_at_k, recall_at_k, reciprocal_rank


def test_recall_counts_evidence_in_top_k_only():
    evidence = ["D1:3", "D2:7"]
    retrieved = ["D1:1", "D1:3", "D5:5", "D2:7"]
    assert recall_at_k(evidence, retrieved, 2) == 0.5  # D2:7 sits at rank 4
    assert recall_at_k(evidence, retrieved, 4) == 1.0
    assert recall_at_k(evidence, ["D9:9"], 10) == 0.0


def test_recall_counts_a_repeated_hit_once():
    assert recall_at_k(["a", "b"], ["a", "a", "a"], 3) == 0.5


def test_reciprocal_rank_is_one_over_first_hit():
    assert reciprocal_rank(["x"], ["a", "b", "x"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "a"], ["a", "b", "x"]) == 1.0
    assert reciprocal_rank(["x"], ["a", "b"]) == 0.0
    assert reciprocal_rank(["x"], ["a", "b", "x"], k=2) == 0.0
    assert first_hit_rank(["x"], ["a", "x"]) == 2
    assert first_hit_rank(["x"], ["a"]) is None


def test_ndcg_single_evidence_at_rank_two():
    # DCG = 1/log2(3); ideal DCG = 1/log2(2) = 1
    assert ndcg_at_k(["b"], ["a", "b", "c"], 3) == pytest.approx(1 / math.log2(3))


def test_ndcg_two_evidence_at_ranks_one_and_three():
    # DCG = 1 + 1/log2(4) = 1.5 ; ideal = 1 + 1/log2(3)
    expected = 1.5 / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["a", "c"], ["a", "b", "c", "d"], 4) == pytest.approx(expected)
    assert expected == pytest.approx(0.9197, abs=1e-4)


def test_ndcg_ideal_is_capped_at_k():
    # three evidence ids, k = 2, both top slots hit -> perfect
    assert ndcg_at_k(["a", "b", "c"], ["b", "a"], 2) == pytest.approx(1.0)
    assert ndcg_at_k(["a"], ["b", "c"], 2) == 0.0


def test_ndcg_perfect_and_duplicate_ranks():
    assert ndcg_at_k(["a", "b"], ["a", "b", "c"], 3) == pytest.approx(1.0)
    # a repeated id gains once: DCG = 1 (rank 1) ; ideal for 2 ids = 1 + 1/log2(3)
    assert ndcg_at_k(["a", "b"], ["a", "a"], 2) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_bad_arguments_are_named():
    with pytest.raises(InvalidInputError) as err:
        recall_at_k([], ["a"], 3)
    assert err.value.field == "evidence"
    with pytest.raises(InvalidInputError) as err:
        ndcg_at_k(["a"], ["a"], 0)
    assert err.value.field == "k"


def test_mean_of_nothing_is_nan():
    assert math.isnan(mean([]))
    assert mean([1.0, 0.0, 0.5]) == 0.5


def test_session_hit_counts_any_result_from_an_evidence_session():
    from agentmem.eval.metrics import session_hit, session_of

    assert session_of("D12:3") == "12" and session_of("x") is None and session_of("Dx:1") is None
    # evidence in session 2: a different turn of session 2 among the first 5 sessions is a hit
    assert session_hit(["D2:7"], ["D1:1", "D2:1"], 5) == 1.0
    # sessions are counted once each: five turns of session 1 leave room for session 2
    assert session_hit(["D2:7"], ["D1:1", "D3:7", "D1:2", "D1:3", "D1:4", "D2:7"], 5) == 1.0
    assert session_hit(["D2:7"], ["D1:1", "D3:7", "D4:2", "D5:3", "D6:4", "D2:7"], 5) == 0.0  # 6th session
    with pytest.raises(InvalidInputError):
        session_hit(["D2:7"], ["D1:1"], 0)
    assert session_hit(["D2:7", "D4:1"], ["D4:9"], 5) == 1.0
    assert session_hit(["D2:7"], [], 5) == 0.0
    with pytest.raises(InvalidInputError):
        session_hit([], ["D1:1"], 5)
