"""Retrieval evaluation end to end on a small LoCoMo-format file written here."""

from __future__ import annotations

import json
import math

import pytest

from agentmem.bench import load_dataset
from agentmem.errors import InvalidInputError
from agentmem.eval import evaluate

TURNS = [
    ("Ann", "I adopted a grey cat called Miso last week."),
    ("Bo", "I started learning the cello in January."),
    ("Ann", "My sister Lena moved to Osaka for work."),
    ("Bo", "We went kayaking on the lake on Saturday."),
    ("Ann", "I bake sourdough bread every Sunday morning."),
    ("Bo", "My favourite band is a jazz trio from Oslo."),
]


def locomo_file(tmp_path, *, with_adversarial: bool = True):
    session = [{"speaker": s, "dia_id": f"D1:{i}", "text": t} for i, (s, t) in enumerate(TURNS, start=1)]
    qa = [
        {"question": "What is the name of Ann's cat?", "answer": "Miso", "evidence": ["D1:1"], "category": 4},
        {"question": "Which instrument is Bo learning?", "answer": "cello", "evidence": ["D1:2"], "category": 4},
        {"question": "Where did Lena move?", "answer": "Osaka", "evidence": ["D1:3"], "category": 1},
        {"question": "What does Ann bake, and what band does Bo like?", "answer": "x", "evidence": ["D1:5", "D1:6"],
         "category": 2},
    ]
    if with_adversarial:
        qa.append({"question": "What is Bo's cat called?", "adversarial_answer": "Miso", "evidence": ["D1:1"],
                   "category": 5})
    other = [{"speaker": "Cy", "dia_id": "D1:1", "text": "I adopted a grey cat called Pepper."}]
    data = [
        {"sample_id": "conv-a", "conversation": {"speaker_a": "Ann", "speaker_b": "Bo",
                                                 "session_1_date_time": "1 May 2023", "session_1": session}, "qa": qa},
        {"sample_id": "conv-b", "conversation": {"session_1": other}, "qa": []},
    ]
    path = tmp_path / "mini_locomo.json"
    path.write_text(json.dumps(data))
    return path


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("eval")
    stages = []
    ev = evaluate(
        f"locomo:{locomo_file(tmp)}",
        k=3,
        modes=("vector", "fts", "hybrid"),
        work_dir=tmp / "work",
        progress=lambda stage, done, total: stages.append((stage, done, total)),
    )
    ev.stages_seen = stages  # type: ignore[attr-defined]
    return ev


def test_summary_per_mode(result):
    frame = result.summary_frame()
    assert list(frame["mode"]) == ["vector", "fts", "hybrid"]
    assert list(frame["questions"]) == [4, 4, 4]  # category 5 left out
    for col in ("recall", "mrr", "ndcg", "p50_ms", "p95_ms"):
        assert frame[col].notna().all()
    assert ((frame["recall"] >= 0) & (frame["recall"] <= 1)).all()
    # six turns, k = 3: the single-evidence questions are easy for the model
    vector = result.questions_frame().query("mode == 'vector'")
    assert vector.iloc[0]["retrieved"][0] == "D1:1"
    assert vector.iloc[0]["rank"] == 1


def test_scores_match_the_metrics_of_what_was_retrieved(result):
    from agentmem.eval.metrics import ndcg_at_k, recall_at_k, reciprocal_rank

    q = result.questions_frame()
    assert len(q) == 12
    for _, row in q.iterrows():
        assert len(row["retrieved"]) <= 3
        assert row["recall"] == recall_at_k(row["evidence"], row["retrieved"], 3)
        assert row["rr"] == reciprocal_rank(row["evidence"], row["retrieved"], 3)
        assert row["ndcg"] == pytest.approx(ndcg_at_k(row["evidence"], row["retrieved"], 3))
        assert row["user_id"] == "conv-a"
        assert set(row["retrieved"]) <= {f"D1:{i}" for i in range(1, 7)}  # never conv-b's turn
    summary = result.summary_frame().set_index("mode")
    for mode in ("vector", "fts", "hybrid"):
        rows = q[q["mode"] == mode]
        assert summary.loc[mode, "recall"] == pytest.approx(rows["recall"].mean())
        assert summary.loc[mode, "mrr"] == pytest.approx(rows["rr"].mean())


def test_by_category(result):
    cats = result.by_category_frame()
    assert set(cats["category"]) == {1, 2, 4}
    assert cats.query("mode == 'hybrid' and category == 4")["questions"].item() == 2
    assert set(cats["category_name"]) == {"multi-hop", "temporal", "single-hop"}


def test_to_dict_and_index(result):
    data = json.loads(json.dumps(result.to_dict(include_questions=True)))
    assert data["k"] == 3 and data["categories"] == [1, 2, 4]
    assert data["index"]["memories"] == 7
    assert data["skipped"]["other_categories"] == 1
    assert len(data["questions"]) == 12
    assert {s["mode"] for s in data["summary"]} == {"vector", "fts", "hybrid"}
    assert "questions" not in result.to_dict()


def test_progress_covers_index_and_modes(result):
    done = {stage for stage, d, t in result.stages_seen if d == t}
    assert done == {"index", "vector", "fts", "hybrid"}


def test_categories_option_includes_adversarial(tmp_path):
    ds = load_dataset(f"locomo:{locomo_file(tmp_path)}")
    ev = evaluate(ds, k=2, modes="vector", categories=[5], work_dir=tmp_path / "w")
    frame = ev.summary_frame()
    assert list(frame["questions"]) == [1]
    assert not math.isnan(frame["recall"].item())


def test_bad_arguments(tmp_path):
    with pytest.raises(InvalidInputError) as err:
        evaluate("synthetic:10")
    assert err.value.field == "dataset"
    path = locomo_file(tmp_path)
    with pytest.raises(InvalidInputError) as err:
        evaluate(f"locomo:{path}", modes="vector,semantic")
    assert err.value.field == "modes"
    with pytest.raises(InvalidInputError) as err:
        evaluate(f"locomo:{path}", k=0)
    assert err.value.field == "k"
    with pytest.raises(InvalidInputError) as err:
        evaluate(f"locomo:{path}", categories=[9])
    assert err.value.field == "categories"


# --------------------------------------------------------------------------- cross-validation

CV_CONVS = {
    "conv-a": [("Ann", "Did you go to the pottery class?"), ("Bo", "Yes, last Tuesday!"),
               ("Ann", "I adopted a grey cat called Miso."), ("Bo", "I started learning the cello.")],
    "conv-b": [("Cy", "What woke you up at night?"), ("Di", "The neighbour's dog barked."),
               ("Cy", "My sister moved to Osaka."), ("Di", "We went kayaking on Saturday.")],
}
CV_QA = {
    "conv-a": [("When did Bo go to the pottery class?", ["D1:2"], 2), ("What is Ann's cat called?", ["D1:3"], 4)],
    "conv-b": [("What woke Cy up at night?", ["D1:2"], 4), ("Where did Cy's sister move?", ["D1:3"], 1)],
}


def cv_file(tmp_path):
    data = []
    for sid, turns in CV_CONVS.items():
        session = [{"speaker": s, "dia_id": f"D1:{i}", "text": t} for i, (s, t) in enumerate(turns, start=1)]
        qa = [{"question": q, "answer": "x", "evidence": ev, "category": c} for q, ev, c in CV_QA[sid]]
        data.append({"sample_id": sid, "conversation": {"session_1_date_time": "2 June 2023", "session_1": session},
                     "qa": qa})
    path = tmp_path / "cv_locomo.json"
    path.write_text(json.dumps(data))
    return path


CV_FACTS = {"name": "cv_facts", "users": [
    {"user_id": "f1", "name": "Alice", "facts": [
        {"id": "f1:1", "text": "Alice likes green tea"}, {"id": "f1:2", "text": "Alice runs marathons"},
        {"id": "f1:3", "text": "Alice's cat is called Miso"}],
     "questions": [{"question": "What does Alice drink?", "evidence": ["f1:1"], "category": 1},
                   {"question": "Which sport does Alice do?", "evidence": ["f1:2"], "category": 1}]},
    {"user_id": "f2", "name": None, "facts": [
        {"id": "f2:1", "text": "I am allergic to peanuts"}, {"id": "f2:2", "text": "My sister lives in Lyon"},
        {"id": "f2:3", "text": "I work night shifts at a hospital"}],
     "questions": [{"question": "Which food must I avoid?", "evidence": ["f2:1"], "category": 2},
                   {"question": "Where is my sister based?", "evidence": ["f2:2"], "category": 2}]},
]}


def facts_file(tmp_path):
    path = tmp_path / "cv_facts.json"
    path.write_text(json.dumps(CV_FACTS))
    return path


@pytest.fixture(scope="module")
def cv_result(tmp_path_factory):
    from agentmem.eval.cv import MESSAGES, PLAIN, Fusion, cross_validate

    tmp = tmp_path_factory.mktemp("cv")
    grid = ([0.0, 0.5], [0.0, 0.8], [Fusion("calibrated", 0.3, 60, 50, 0.0), Fusion("minmax", 0.4, 60, 50),
                                     Fusion("rrf", 0.4, 10, 50)])
    specs = [f"locomo:{cv_file(tmp)}", f"facts:{facts_file(tmp)}"]
    return tmp, cross_validate(specs, folds=2, k=1, grid=grid, paths=(PLAIN, MESSAGES), cost=False,
                               work_dir=tmp / "w")


def test_cv_chooses_on_the_other_fold_and_scores_on_this_one(cv_result):
    _, res = cv_result
    assert [u["unit"] for u in res.units] == ["cv_locomo / add_batch", "cv_locomo / add(messages)",
                                              "cv_facts / add_batch"]
    assert [u["objective"] for u in res.units] == ["recall", "recall", "top1"]
    for f, fold in enumerate(res.folds):
        other = 1 - f
        # the chosen setting is a best one on the other fold (first in grid order on ties)...
        best = max(s["per_fold"][other] for s in res.settings)
        assert fold["train_score"]["chosen"] == pytest.approx(best)
        first_best = next(s for s in res.settings if s["per_fold"][other] == pytest.approx(best))
        assert fold["chosen"]["label"] == first_best["label"]
        # ...and is scored on this fold's users of every unit only
        for unit in res.units:
            row = fold["units"][unit["unit"]]
            assert row["chosen"]["questions"] == 2
            assert set(row) == {"chosen", "default", "previous_default", "vector_only", "default_vector"}
            assert 0.0 <= row["default"]["session_hit5"] <= 1.0
    for unit in res.units:
        assert res.overall[unit["unit"]]["chosen"]["questions"] == 4
    assert res.overall["cv_facts / add_batch"]["previous_default"]["setting"]["method"] == "minmax"
    frame = res.folds_frame()
    assert len(frame) == 2 * 3 * 5
    assert set(frame["kind"]) == {"chosen", "default", "previous_default", "vector_only", "default_vector"}
    assert len(res.frame()) == 3 * 5
    assert "top-1" in res.table() and "vector search alone" in res.table()
    json.dumps(res.to_dict())


@pytest.mark.parametrize("unit, messages", [("cv_locomo / add_batch", False), ("cv_locomo / add(messages)", True)])
def test_cv_figures_are_what_search_returns(cv_result, unit, messages):
    """The CV fuses cached candidate lists; the default's figures must equal a real
    evaluate() of the default configuration (hybrid search through Memory), both ways in."""
    tmp, res = cv_result
    ds = load_dataset(f"locomo:{cv_file(tmp)}", context_turns=0, context_date=False)
    ev = evaluate(ds, k=1, modes="hybrid", messages=messages)
    default = res.overall[unit]["default"]
    assert ev.summary_frame()["recall"].item() == pytest.approx(default["recall"])
    assert ev.summary_frame()["mrr"].item() == pytest.approx(default["mrr"])


def test_cv_vector_only_is_vector_search(cv_result):
    tmp, res = cv_result
    ev = evaluate(f"facts:{facts_file(tmp)}", k=1, modes="vector")
    assert ev.summary_frame()["top1"].item() == pytest.approx(res.overall["cv_facts / add_batch"]["vector_only"]["top1"])


def test_cv_needs_two_folds_and_enough_conversations(tmp_path):
    from agentmem.eval.cv import cross_validate, split_users

    assert split_users(["a", "b", "c", "d", "e"], 2) == [["a", "b", "c"], ["d", "e"]]
    with pytest.raises(InvalidInputError) as err:
        split_users(["a"], 2)
    assert err.value.field == "cv"
    with pytest.raises(InvalidInputError) as err:
        cross_validate(cv_file(tmp_path), folds=1, cost=False)
    assert err.value.field == "cv"
    with pytest.raises(InvalidInputError) as err:
        cross_validate([], cost=False)
    assert err.value.field == "dataset"


def test_messages_ingest_builds_the_contexts(tmp_path):
    """Through add(messages) each turn's full text holds the session date and the turns
    before it, built by the store (no context in the data set)."""
    from agentmem import Memory, MemoryConfig
    from agentmem.eval.retrieval import ingest

    ds = load_dataset(f"locomo:{cv_file(tmp_path)}", context_turns=0, context_date=False)
    assert ds.contexts is None
    with Memory(MemoryConfig(data_dir=tmp_path / "s")) as mem:
        out = ingest(mem, ds, chunk=256, messages=True)
        assert out["memories"] == len(ds.items)
        hits = mem.search("pottery class", user_id="conv-a", mode="fts", limit=10)
        reply = next(h for h in hits if h.content == "Bo: Yes, last Tuesday!")
        assert reply.metadata["dia_id"] == "D1:2" and reply.metadata["name"] == "Bo"
        assert reply.created_at.year == 2023 and reply.created_at.month == 6


def test_session_hit_in_eval_rows(result):
    from agentmem.eval.metrics import session_hit

    q = result.questions_frame()
    for _, row in q.iterrows():
        assert row["session_hit5"] == session_hit(row["evidence"], row["retrieved"], 5)
    assert "session_hit5" in result.summary_frame().columns
