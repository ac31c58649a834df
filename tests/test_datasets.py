"""Dataset loaders: LoCoMo JSON, CSV, JSONL, the synthetic generator, and malformed files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentmem.bench import Dataset, DatasetItem, load_dataset
from agentmem.bench.datasets import DEFAULT_USER, normalize_text
from agentmem.bench.synthetic import generate
from agentmem.errors import DatasetError, InvalidInputError

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
DEV = SHARED / "locomo_dev.json"


def locomo_sample(sample_id: str = "conv-1") -> dict:
    return {
        "sample_id": sample_id,
        "conversation": {
            "speaker_a": "Ann",
            "speaker_b": "Bo",
            "session_1_date_time": "1:00 pm on 1 May, 2023",
            "session_1": [
                {"speaker": "Ann", "dia_id": "D1:1", "text": "I adopted a cat named Miso."},
                {"speaker": "Bo", "dia_id": "D1:2", "text": "Look at this!", "blip_caption": "a photo of a red kayak"},
            ],
            "session_2_date_time": "9:00 am on 3 May, 2023",
            "session_2": [
                {"speaker": "Ann", "dia_id": "D2:1", "text": "Miso hates the vacuum cleaner."},
                {"speaker": "Bo", "dia_id": "D2:2", "text": "   "},
            ],
        },
        "qa": [
            {"question": "What is Ann's cat called?", "answer": "Miso", "evidence": ["D1:1"], "category": 4},
            {"question": "What did Bo buy?", "answer": "a kayak", "evidence": ["D1:2; D2:1"], "category": 1},
            {"question": "Odd ids", "answer": "x", "evidence": ["D:2:1", "D"], "category": 2},
            {"question": "No evidence", "answer": "x", "evidence": [], "category": 3},
            {"question": "Adversarial", "adversarial_answer": "y", "evidence": ["D2:1"], "category": 5},
        ],
    }


def write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- LoCoMo


def test_locomo_one_memory_per_turn_with_metadata(tmp_path):
    path = write(tmp_path, "lo.json", json.dumps([locomo_sample()]))
    ds = load_dataset(f"locomo:{path}")
    assert ds.kind == "locomo" and ds.name == "lo"
    assert len(ds) == 3  # the blank turn is not a memory
    first = ds.items[0]
    assert first == DatasetItem(
        "Ann: I adopted a cat named Miso.",
        "conv-1",
        {"dia_id": "D1:1", "session": 1, "speaker": "Ann", "session_date": "1:00 pm on 1 May, 2023"},
        "1:00 pm on 1 May, 2023",  # the context: the session date (no turn before it)
    )
    assert ds.items[2].metadata["session"] == 2
    assert ds.items[1].text == "Bo: Look at this! [shares a photo: a photo of a red kayak]"


def test_locomo_context_is_date_and_turns_before_in_the_same_session(tmp_path):
    path = write(tmp_path, "lo.json", json.dumps([locomo_sample()]))
    ds = load_dataset(f"locomo:{path}")  # default: date + 2 turns before
    assert ds.info["context_turns"] == 2 and ds.info["context_date"] is True
    assert ds.items[1].context == "1:00 pm on 1 May, 2023\nAnn: I adopted a cat named Miso."
    # a new session starts a new context: session 1's turns are not in it
    assert ds.items[2].context == "9:00 am on 3 May, 2023"
    assert ds.contexts == [item.context for item in ds.items]
    assert ds.items[1].to_dict()["context"] == ds.items[1].context
    # the stored text is the turn alone whatever the context
    assert ds.items[1].text == "Bo: Look at this! [shares a photo: a photo of a red kayak]"

    turns_only = load_dataset(f"locomo:{path}", context_date=False, context_turns=1)
    assert [i.context for i in turns_only.items] == [None, "Ann: I adopted a cat named Miso.", None]
    plain = load_dataset(f"locomo:{path}", context_turns=0, context_date=False, locomo_text="plain")
    assert plain.contexts is None and "context" not in plain.items[0].to_dict()
    assert [i.text for i in plain.items] == [i.text.split(": ", 1)[1] for i in ds.items]


def test_locomo_context_turns_keep_the_last_n(tmp_path):
    turns = [{"speaker": "A" if i % 2 else "B", "dia_id": f"D1:{i}", "text": f"turn {i}"} for i in range(1, 6)]
    sample = {"sample_id": "c", "conversation": {"session_1": turns}, "qa": []}
    path = write(tmp_path, "lo.json", json.dumps(sample))
    ds = load_dataset(f"locomo:{path}", context_turns=2)
    assert ds.items[4].context == "A: turn 3\nB: turn 4"  # no date in this file: turns only
    assert ds.items[0].context is None
    three = load_dataset(f"locomo:{path}", context_turns=3)
    assert three.items[4].context == "B: turn 2\nA: turn 3\nB: turn 4"


@pytest.mark.parametrize("kwargs, field", [
    ({"context_turns": -1}, "context_turns"),
    ({"context_turns": 11}, "context_turns"),
    ({"context_turns": True}, "context_turns"),
    ({"context_turns": "2"}, "context_turns"),
    ({"context_date": "yes"}, "context_date"),
])
def test_locomo_context_options_are_checked(tmp_path, kwargs, field):
    path = write(tmp_path, "lo.json", json.dumps([locomo_sample()]))
    with pytest.raises(InvalidInputError) as err:
        load_dataset(f"locomo:{path}", **kwargs)
    assert err.value.field == field


def test_locomo_text_options(tmp_path):
    path = write(tmp_path, "lo.json", json.dumps([locomo_sample()]))
    plain = load_dataset(f"locomo:{path}", locomo_text="plain", captions=False)
    assert [i.text for i in plain.items] == [
        "I adopted a cat named Miso.",
        "Look at this!",
        "Miso hates the vacuum cleaner.",
    ]
    assert plain.info["text_format"] == "plain" and plain.info["captions"] is False
    with pytest.raises(InvalidInputError):
        load_dataset(f"locomo:{path}", locomo_text="bubbles")  # type: ignore[arg-type]


def test_locomo_questions_and_evidence_parsing(tmp_path):
    path = write(tmp_path, "lo.json", json.dumps([locomo_sample()]))
    ds = load_dataset(f"locomo:{path}")
    by_text = {q.question: q for q in ds.questions}
    assert set(by_text) == {"What is Ann's cat called?", "What did Bo buy?", "Odd ids", "Adversarial"}
    assert by_text["What did Bo buy?"].evidence == ("D1:2", "D2:1")
    assert by_text["Odd ids"].evidence == ("D2:1",)  # "D:2:1" read, the bare "D" dropped
    assert by_text["Adversarial"].category == 5 and by_text["Adversarial"].answer == "y"
    assert by_text["What is Ann's cat called?"].user_id == "conv-1"
    assert ds.info["questions_without_evidence"] == 1
    assert ds.info["evidence_ids_dropped"] == 1


def test_locomo_limit_drops_questions_outside_it(tmp_path):
    path = write(tmp_path, "lo.json", json.dumps([locomo_sample("a"), locomo_sample("b")]))
    ds = load_dataset(f"locomo:{path}", limit=2)
    assert len(ds) == 2 and {i.user_id for i in ds.items} == {"a"}
    assert [q.question for q in ds.questions] == ["What is Ann's cat called?"]
    assert ds.info["questions_outside_limit"] == 7


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("[{bad json", "bad JSON"),
        ('{"just": "an object"}', "missing key 'sample_id'"),
        ('[{"sample_id": "x"}]', "missing key 'conversation'"),
        ('[{"sample_id": "x", "conversation": {"speaker_a": "A"}}]', "no session_N lists"),
        ('[{"sample_id": "x", "conversation": {"session_1": [{"speaker": "A", "dia_id": "D1:1"}]}}]', "'text'"),
        ('[{"sample_id": "x", "conversation": {"session_1": ["hi"]}}]', "expected an object"),
        ("[]", "expected a JSON list"),
        ("", "empty"),
        (
            '[{"sample_id": "x", "conversation": {"session_1": [{"speaker": "A", "dia_id": "D1:1", "text": "t"}]},'
            ' "qa": [{"question": "q", "category": "hard", "evidence": ["D1:1"]}]}]',
            "category must be an integer",
        ),
    ],
)
def test_locomo_malformed_files_name_the_problem(tmp_path, content, needle):
    path = write(tmp_path, "bad.json", content)
    with pytest.raises(DatasetError) as err:
        load_dataset(f"locomo:{path}")
    assert needle in str(err.value)
    assert str(path) in str(err.value)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(f"locomo:{tmp_path / 'nope.json'}")
    with pytest.raises(DatasetError, match="is a directory"):
        load_dataset(f"jsonl:{tmp_path}")


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/locomo_dev.json not present")
def test_dev_split_counts():
    ds = load_dataset(f"locomo:{DEV}")
    assert len(ds) == 2760
    assert len(ds.users) == 5
    answerable = [q for q in ds.questions if q.category != 5]
    assert len(answerable) == 760  # the README's figure
    assert ds.distinct_count() == 2760
    assert all(item.context for item in ds.items)  # every turn has a date, most turns before them
    assert sum(1 for item in ds.items if item.context.count("\n") == 2) > 2500


# --------------------------------------------------------------------------- CSV / JSONL


def test_jsonl_columns(tmp_path):
    rows = [
        {"body": "Alice likes tea", "who": "alice", "topic": "food", "extra": 1},
        {"body": "", "who": "bob", "topic": "none"},
        {"body": "Bob runs marathons", "who": "bob", "topic": "sport"},
    ]
    path = write(tmp_path, "m.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n\n")
    ds = load_dataset(f"jsonl:{path}", text_column="body", user_column="who", metadata_columns=["topic"])
    assert ds.items == [
        DatasetItem("Alice likes tea", "alice", {"topic": "food"}),
        DatasetItem("Bob runs marathons", "bob", {"topic": "sport"}),
    ]
    assert ds.info["blank_rows_skipped"] == 1
    assert load_dataset(f"jsonl:{path}", text_column="body", limit=1).items == [
        DatasetItem("Alice likes tea", DEFAULT_USER, {})
    ]


@pytest.mark.parametrize(
    ("content", "kwargs", "needle"),
    [
        ('{"text": "ok"}\n{"text": broken}\n', {}, "line 2: bad JSON"),
        ('{"text": "ok"}\n[1, 2]\n', {}, "line 2: expected a JSON object"),
        ('{"text": "ok"}\n{"body": "no text key"}\n', {}, "line 2: missing text column 'text'"),
        ('{"text": "ok"}\n', {"user_column": "user"}, "line 1: missing user column 'user'"),
        ('{"text": "ok"}\n', {"metadata_columns": ["topic"]}, "missing metadata column 'topic'"),
        ("\n\n", {}, "empty"),
        ('{"text": ""}\n', {}, "no rows with text"),
    ],
)
def test_jsonl_malformed(tmp_path, content, kwargs, needle):
    path = write(tmp_path, "bad.jsonl", content)
    with pytest.raises(DatasetError) as err:
        load_dataset(f"jsonl:{path}", **kwargs)
    assert needle in str(err.value)


def test_csv_columns(tmp_path):
    path = write(tmp_path, "m.csv", 'note,user,topic\n"Alice likes tea, hot",alice,food\n,bob,x\nBob swims,bob,sport\n')
    ds = load_dataset(f"csv:{path}", text_column="note", user_column="user", metadata_columns=["topic"])
    assert [i.text for i in ds.items] == ["Alice likes tea, hot", "Bob swims"]
    assert [i.user_id for i in ds.items] == ["alice", "bob"]
    assert ds.items[1].metadata == {"topic": "sport"}
    assert ds.info["blank_rows_skipped"] == 1


@pytest.mark.parametrize(
    ("content", "kwargs", "needle"),
    [
        ("body,user\nhello,a\n", {}, "no text column 'text' in the header"),
        ("text\nhello\n", {"user_column": "who"}, "no user column 'who'"),
        ("text\nhello\n", {"metadata_columns": ["topic"]}, "no metadata column 'topic'"),
        ("text,user\nhello,a,surplus\n", {}, "more cells than header columns"),
        ('text\n"unterminated\n', {}, "bad CSV"),
        ("", {}, "empty"),
        ("text\n", {}, "no rows with text"),
    ],
)
def test_csv_malformed(tmp_path, content, kwargs, needle):
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(DatasetError) as err:
        load_dataset(f"csv:{path}", **kwargs)
    assert needle in str(err.value)


def test_sample_file_in_data_loads():
    ds = load_dataset(
        f"jsonl:{ROOT / 'data' / 'sample_memories.jsonl'}", user_column="user_id", metadata_columns=["kind", "topic"]
    )
    assert len(ds) == 200
    assert ds.distinct_count() == 200
    assert {i.metadata["kind"] for i in ds.items} == {"preference", "event", "fact"}


# --------------------------------------------------------------------------- synthetic and specs


def test_synthetic_is_seeded_and_distinct():
    a = load_dataset("synthetic:300")
    b = load_dataset("synthetic:300")
    c = load_dataset("synthetic:300", seed=1)
    assert a.items == b.items
    assert a.items != c.items
    assert len(a) == 300 and a.distinct_count() == 300
    assert len(a.users) == 6
    assert {i.metadata["kind"] for i in a.items} == {"preference", "event", "fact"}
    assert load_dataset("synthetic:300", limit=10).items == a.items[:10]


def test_synthetic_stays_distinct_when_templates_run_out():
    ds = generate(3000, users=1)
    assert ds.distinct_count() == 3000


def test_dataset_to_dict_and_normalization():
    ds = Dataset("x", "jsonl", [DatasetItem("a  b", "u"), DatasetItem(" a b ", "u"), DatasetItem("a b", "v")])
    assert normalize_text(" a \n b ") == "a b"
    assert ds.distinct_count() == 2
    facts = ds.to_dict()
    assert facts["n"] == 3 and facts["users"] == 2 and facts["distinct"] == 2


@pytest.mark.parametrize(
    "spec", ["nocolon", "parquet:x.parquet", "synthetic:", "synthetic:many", "synthetic:0", "locomo:"]
)
def test_bad_specs(spec):
    with pytest.raises(InvalidInputError) as err:
        load_dataset(spec)
    assert err.value.field == "dataset"


def test_bad_limit():
    with pytest.raises(InvalidInputError) as err:
        load_dataset("synthetic:10", limit=0)
    assert err.value.field == "limit"


def test_distinct_count_matches_the_stores_dedupe():
    from agentmem.bench.datasets import Dataset, DatasetItem

    items = [DatasetItem("Alice likes Tea", "u", {}), DatasetItem("alice  LIKES tea", "u", {}),
             DatasetItem("ｆｕｌｌ width", "u", {}), DatasetItem("full width", "u", {}), DatasetItem("Alice likes Tea", "v", {})]
    ds = Dataset(name="t", kind="jsonl", source="", items=items)
    assert ds.distinct_count() == 3
