"""Workbench Retrieval page under AppTest: the LoCoMo-format evaluation on a tiny hand-made file."""

from __future__ import annotations

import json

import pytest

from agentmem import Memory, MemoryConfig
from apptest_support import SHARED, metrics, open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

PAGE = "pages/retrieval.py"
TIMEOUT = 300  # seconds for a script run: a button click runs a real evaluation

# Two short conversations in the LoCoMo layout (written for this test).
SAMPLES = [
    {
        "sample_id": "conv-a",
        "conversation": {
            "speaker_a": "Mira",
            "speaker_b": "Tom",
            "session_1_date_time": "1:00 pm on 3 May, 2023",
            "session_1": [
                {"speaker": "Mira", "dia_id": "D1:1", "text": "I adopted a grey cat called Pixel last week."},
                {"speaker": "Tom", "dia_id": "D1:2", "text": "Nice! I started learning the trumpet."},
                {"speaker": "Mira", "dia_id": "D1:3", "text": "My sister lives in Montreal now."},
            ],
        },
        "qa": [
            {"question": "What is the name of Mira's cat?", "answer": "Pixel", "evidence": ["D1:1"], "category": 4},
            {"question": "Which instrument is Tom learning?", "answer": "trumpet", "evidence": ["D1:2"], "category": 1},
        ],
    },
    {
        "sample_id": "conv-b",
        "conversation": {
            "speaker_a": "Ana",
            "speaker_b": "Lee",
            "session_1_date_time": "9:00 am on 1 June, 2023",
            "session_1": [
                {"speaker": "Ana", "dia_id": "D1:1", "text": "I ran my first marathon in Berlin."},
                {"speaker": "Lee", "dia_id": "D1:2", "text": "I am allergic to shellfish."},
            ],
        },
        "qa": [
            {"question": "Where did Ana run a marathon?", "answer": "Berlin", "evidence": ["D1:1"], "category": 4},
            {"question": "What is Lee allergic to?", "answer": "shellfish", "evidence": ["D1:2"], "category": 2},
        ],
    },
]


@pytest.fixture
def env(store_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("AGENTMEM_LOCOMO", raising=False)
    return tmp_path


def test_renders(env):
    at = open_page(PAGE, timeout=TIMEOUT)
    assert at.title[0].value == "Retrieval" and not at.error


def test_evaluation_of_an_uploaded_file(env):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.radio(key="eval_source").set_value("Upload a LoCoMo JSON").run()
    at.file_uploader(key="eval_upload").set_value(("tiny.json", json.dumps(SAMPLES).encode(), "application/json"))
    at.number_input(key="eval_k").set_value(2)
    at.button(key="eval_run").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    summary = table(at, "recall", "p50_ms")
    assert list(summary["mode"]) == ["vector", "fts", "hybrid"]
    assert (summary["questions"] == 4).all()
    # two or three turns per conversation and k=2: the vector search finds these easy ones
    assert summary.set_index("mode").loc["vector", "recall"] >= 0.75
    by_cat = table(at, "category", "mode")
    assert set(by_cat["category"]) == {1, 2, 4}
    assert "vector: recall@2" in metrics(at)


def test_a_second_session_sees_no_evaluation_of_the_first(env):
    a = open_page(PAGE, timeout=TIMEOUT)
    a.radio(key="eval_source").set_value("Upload a LoCoMo JSON").run()
    a.file_uploader(key="eval_upload").set_value(("tiny.json", json.dumps(SAMPLES).encode(), "application/json"))
    a.number_input(key="eval_k").set_value(2)
    a.multiselect(key="eval_modes").set_value(["fts"])
    a.button(key="eval_run").click().run()
    assert not a.error and "fts: recall@2" in metrics(a), [shown(e) for e in a.error]
    b = open_page(PAGE, timeout=TIMEOUT)
    assert not b.error and not any(label.endswith("recall@2") for label in metrics(b))
    assert not b.progress and not b.button(key="eval_run").disabled
    # a new action of the first session clears its figures, even when it goes no further than an error
    a.multiselect(key="eval_modes").set_value([])
    a.button(key="eval_run").click().run()
    assert len(a.error) == 1 and "modes" in shown(a.error[0]) and "fts: recall@2" not in metrics(a)


def test_the_words_are_plain_and_explained(env):
    at = open_page(PAGE, timeout=TIMEOUT)
    words = next(e for e in at.expander if e.label == "What the words mean")
    text = " ".join(m.value for m in words.markdown)
    for term in ("recall@k", "session hit@5", "question category", "minmax", "candidates", "fold"):
        assert f"**{term}**" in text
    # the categories as the data numbers them
    assert "1 multi-hop" in text and "4 single-hop" in text


def test_no_file_and_a_file_without_questions_are_messages(env):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.radio(key="eval_source").set_value("Path on this machine").run()
    at.button(key="eval_run").click().run()
    assert not at.exception
    assert any("choose a LoCoMo-format file" in shown(e) for e in at.error)
    no_qa = [dict(SAMPLES[0], qa=[])]
    path = env / "no_qa.json"
    path.write_text(json.dumps(no_qa))
    at.text_input(key="eval_path").set_value(str(path))
    at.button(key="eval_run").click().run()
    assert not at.exception
    assert any("no questions" in shown(e) for e in at.error), [shown(e) for e in at.error]


@pytest.mark.skipif(not SHARED.is_file(), reason="LoCoMo dev split not in ../shared/data")
def test_the_dev_split_is_offered_first(env):
    at = open_page(PAGE, timeout=TIMEOUT)
    assert at.radio(key="eval_source").value == "LoCoMo dev"


def test_renders_on_a_populated_store(env, store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add("Alice drinks green tea", user_id="alice")
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.error, [shown(e) for e in at.error]


def test_cross_validation_folds_of_an_uploaded_file(env):
    """Two conversations, two folds: each fold's setting is chosen on the other conversation."""
    at = open_page(PAGE, timeout=TIMEOUT)
    at.radio(key="eval_source").set_value("Upload a LoCoMo JSON").run()
    at.file_uploader(key="eval_upload").set_value(("tiny.json", json.dumps(SAMPLES).encode(), "application/json"))
    at.number_input(key="eval_k").set_value(2)
    at.button(key="cv_run").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    folds = table(at, "fold", "kind", "train_score")
    # 2 folds x (plain add_batch, add_batch with contexts, add(messages)) x 5 row kinds
    assert len(folds) == 30 and set(folds["fold"]) == {0, 1}
    assert set(folds["kind"]) == {"chosen on the other folds", "defaults", "previous defaults", "vector search alone",
                                  "vector alone, default centering"}
    assert set(folds["path"]) == {"add_batch", "add_batch + contexts", "add(messages)"}
    assert (folds["questions"] == 2).all()
    pooled = table(at, "dataset", "path", "kind", "top1")
    assert len(pooled) == 15
    assert any("this run" in shown(c) for c in at.caption)


def test_the_saved_cross_validation_run_is_shown(env):
    from apptest_support import APP

    saved = APP.parent.parent / "benchmarks" / "retrieval_cv_dev.json"
    if not saved.is_file():
        pytest.skip("no saved cross-validation run in benchmarks/")
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.exception and not at.error
    folds = table(at, "fold", "kind", "train_score")
    data = json.loads(saved.read_text())
    assert len(folds) == 5 * len(data["folds"]) * len(data["units"])
    pooled = table(at, "dataset", "path", "kind", "top1")
    default = pooled[pooled["kind"] == "defaults"]["recall"].round(3).tolist()
    assert default == [round(data["overall"][u["unit"]]["default"]["recall"], 3) for u in data["units"]]
