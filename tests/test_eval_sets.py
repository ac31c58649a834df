"""The facts loader and the committed evaluation sets in tests/data (facts and chats, dev and held-out)."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import statistics
import sys
from pathlib import Path

import pytest
import snowballstemmer

from agentmem.bench.datasets import DATASET_KINDS, Dataset, DatasetItem, Question, load_dataset, load_facts, load_locomo
from agentmem.errors import DatasetError, InvalidInputError

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SCRIPT = ROOT / "scripts" / "make_eval_sets.py"
SPLITS = ("dev", "holdout")
FILES = [f"{kind}_{split}.json" for kind in ("facts", "chats") for split in SPLITS]


def write(tmp_path: Path, obj: object, name: str = "facts.json") -> Path:
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return path


def small_facts() -> dict:
    return {
        "name": "tiny",
        "users": [
            {
                "user_id": "u01",
                "name": "Alice Moreno",
                "facts": [
                    {"id": "u01:f1", "text": "Alice drinks green tea."},
                    {"id": "u01:f2", "text": "Alice is allergic to peanuts."},
                    {"id": "u01:f3", "text": "Alice's brother is allergic to cats."},
                ],
                "questions": [
                    {"question": "What does Alice drink?", "evidence": ["u01:f1"], "category": 1},
                    {"question": "Which food must Alice avoid?", "evidence": ["u01:f2"], "category": 4},
                    {"question": "What are the two allergies?", "evidence": ["u01:f2", "u01:f3"], "category": 4},
                ],
            },
            {
                "user_id": "u02",
                "name": None,
                "facts": [{"id": "u02:f1", "text": "  I work night shifts.  "}],
                "questions": [{"question": "When do I work?", "evidence": ["u02:f1"], "category": 2}],
            },
        ],
    }


def load_script():
    spec = importlib.util.spec_from_file_location("make_eval_sets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


# --------------------------------------------------------------------------- the loader


def test_facts_is_a_dataset_kind():
    assert "facts" in DATASET_KINDS


def test_load_facts_one_item_per_fact_and_questions_per_user(tmp_path):
    path = write(tmp_path, small_facts())
    ds = load_dataset(f"facts:{path}")
    assert isinstance(ds, Dataset) and ds.kind == "facts" and ds.name == "tiny" and ds.source == str(path)
    assert ds.items[0] == DatasetItem("Alice drinks green tea.", "u01", {"dia_id": "u01:f1"}, None)
    assert ds.items[3] == DatasetItem("I work night shifts.", "u02", {"dia_id": "u02:f1"})  # stripped
    assert ds.users == ["u01", "u02"] and len(ds) == 4
    assert ds.questions[0] == Question("What does Alice drink?", "", 1, ("u01:f1",), "u01")
    assert ds.questions[2].evidence == ("u01:f2", "u01:f3")
    assert ds.questions[3].user_id == "u02"
    assert ds.info == {"questions_per_category": {1: 1, 2: 1, 4: 2}}
    assert ds.contexts is None
    assert ds.to_dict()["users"] == 2


def test_load_facts_name_defaults_to_the_file_stem_and_questions_are_optional(tmp_path):
    data = small_facts()
    del data["name"]
    del data["users"][1]["questions"]
    ds = load_facts(write(tmp_path, data, "my_set.json"))
    assert ds.name == "my_set" and len(ds.questions) == 3


def test_load_facts_limit_keeps_a_prefix_and_counts_cut_questions(tmp_path):
    path = write(tmp_path, small_facts())
    ds = load_facts(path, limit=2)
    assert [item.metadata["dia_id"] for item in ds.items] == ["u01:f1", "u01:f2"]
    assert [q.question for q in ds.questions] == ["What does Alice drink?", "Which food must Alice avoid?"]
    assert ds.info["limit"] == 2 and ds.info["questions_outside_limit"] == 2
    assert ds.info["questions_per_category"] == {1: 1, 4: 1}
    assert load_dataset(f"facts:{path}", limit=99).info == load_facts(path).info  # no cut, nothing counted


@pytest.mark.parametrize("limit", [0, -1, 1.5, True])
def test_load_facts_rejects_a_bad_limit(tmp_path, limit):
    with pytest.raises(InvalidInputError, match="limit"):
        load_facts(write(tmp_path, small_facts()), limit=limit)


def _mutate(change):
    data = small_facts()
    change(data)
    return data


BAD_FILES = [
    ("[1, 2]", "expected a JSON object with a 'users' list"),
    ('{"users": [', "bad JSON at line 1"),
    ({"name": "x"}, "missing key 'users'"),
    ({"users": []}, "'users' must be a non-empty list"),
    ({"users": [{"user_id": "u01", "facts": []}]}, "no facts"),
    (_mutate(lambda d: d["users"].__setitem__(1, "u02")), r"users\[1\]: expected an object"),
    (_mutate(lambda d: d["users"][1].pop("user_id")), r"users\[1\]: missing key 'user_id'"),
    (_mutate(lambda d: d["users"][0].pop("facts")), r"users\[0\]: missing key 'facts'"),
    (_mutate(lambda d: d["users"][1].__setitem__("user_id", "u01")), r"users\[1\]\.user_id: duplicate user id 'u01'"),
    (_mutate(lambda d: d["users"][0]["facts"][1].pop("text")), r"users\[0\]\.facts\[1\]: missing key 'text'"),
    (_mutate(lambda d: d["users"][0]["facts"][2].pop("id")), r"users\[0\]\.facts\[2\]: missing key 'id'"),
    (_mutate(lambda d: d["users"][0]["facts"][1].__setitem__("text", "   ")), r"users\[0\]\.facts\[1\]\.text: empty"),
    (_mutate(lambda d: d["users"][0]["facts"][1].__setitem__("text", 3)),
     r"users\[0\]\.facts\[1\]\.text: must be a string"),
    (_mutate(lambda d: d["users"][0]["facts"][2].__setitem__("id", "u01:f1")),
     r"users\[0\]\.facts\[2\]\.id: duplicate fact id 'u01:f1'"),
    (_mutate(lambda d: d["users"][0].__setitem__("questions", {})), r"users\[0\]\.questions: must be a list"),
    (_mutate(lambda d: d["users"][0]["questions"][1].pop("evidence")),
     r"users\[0\]\.questions\[1\]: missing key 'evidence'"),
    (_mutate(lambda d: d["users"][0]["questions"][0].__setitem__("category", "1")),
     r"users\[0\]\.questions\[0\]\.category: must be an integer"),
    (_mutate(lambda d: d["users"][0]["questions"][0].__setitem__("evidence", [])),
     r"users\[0\]\.questions\[0\]\.evidence: must be a non-empty list"),
    # evidence must be one of this user's facts, not another user's
    (_mutate(lambda d: d["users"][1]["questions"][0].__setitem__("evidence", ["u01:f1"])),
     r"users\[1\]\.questions\[0\]\.evidence\[0\]: 'u01:f1' is not one of user 'u02'"),
    (_mutate(lambda d: d["users"][0]["questions"][2].__setitem__("evidence", ["u01:f2", "u01:f9"])),
     r"users\[0\]\.questions\[2\]\.evidence\[1\]: 'u01:f9'"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_load_facts_errors_name_the_file_and_the_position(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(DatasetError, match=message) as info:
        load_facts(path)
    assert str(info.value).startswith(f"{path}: ")


def test_load_facts_missing_and_empty_files(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(f"facts:{tmp_path / 'absent.json'}")
    with pytest.raises(DatasetError, match="file is empty"):
        load_facts(write(tmp_path, "  \n"))


def test_load_facts_checks_the_whole_file_whatever_the_limit(tmp_path):
    path = write(tmp_path, _mutate(lambda d: d["users"][1]["facts"][0].pop("text")))
    with pytest.raises(DatasetError, match=r"users\[1\]\.facts\[0\]: missing key 'text'"):
        load_facts(path, limit=1)


# --------------------------------------------------------------------------- committed facts files


_STEM = snowballstemmer.stemmer("english")
_STOP = set("""a an the and or but if of at by for with about between into through during before after to from
up down in out on off over under again then once here there when where why how all any both each few more most
other some such no nor not only own same so than too very can will just should now i me my we our you your he him
his she her it its they them their what which who whom this that these those am is are was were be been being have
has had having do does did doing would could must might may also user person usually every""".split())
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me|mine|we|we've|we're|our|us)\b", re.IGNORECASE)
_ASKS_THE_USER = re.compile(r"\b(i|my|me|mine|am i|we|our|us|user|user's)\b", re.IGNORECASE)


def content_words(text: str, drop: set[str] = frozenset()) -> set[str]:
    """Stemmed words that carry content (no stop words, no words in ``drop``)."""
    words = (w.split("'")[0] for w in re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower()))
    return {_STEM.stemWord(w) for w in words if len(w) > 1 and w not in _STOP and w not in drop}


@pytest.fixture(scope="module", params=SPLITS)
def facts_split(request) -> tuple[dict, Dataset]:
    path = DATA / f"facts_{request.param}.json"
    return json.loads(path.read_text(encoding="utf-8")), load_facts(path)


def test_facts_split_sizes(facts_split):
    raw, ds = facts_split
    assert len(raw["users"]) >= 30
    assert all(4 <= len(u["facts"]) <= 9 for u in raw["users"])
    assert len(ds.questions) >= 150 and len(ds.questions) == sum(len(u["questions"]) for u in raw["users"])
    per_category = ds.info["questions_per_category"]
    assert set(per_category) == {1, 2, 3, 4} and per_category[4] >= 25
    assert all(n >= 25 for n in per_category.values())
    assert all(1 <= len(q.evidence) <= 2 for q in ds.questions)
    assert sum(len(q.evidence) == 2 for q in ds.questions) <= len(ds.questions) // 10  # occasionally two
    assert all(item.metadata["dia_id"].startswith(item.user_id + ":") for item in ds.items)


def test_facts_categories_match_how_facts_and_questions_are_written(facts_split):
    raw, _ = facts_split
    for user in raw["users"]:
        first = user["name"].split()[0] if user["name"] else None
        facts = {f["id"]: f["text"] for f in user["facts"]}
        categories = {q["category"] for q in user["questions"]}
        if first and categories <= {1, 4} and 1 in categories:  # an all-named user: the name is everywhere
            assert all(first in text for text in facts.values()), user["user_id"]
        for q in user["questions"]:
            evidence = [facts[e] for e in q["evidence"]]
            where = f"{user['user_id']}: {q['question']}"
            if q["category"] == 1:
                assert first and first in q["question"] and all(first in t for t in evidence), where
            elif q["category"] == 2:
                assert all(_FIRST_PERSON.search(t) for t in evidence) and _ASKS_THE_USER.search(q["question"]), where
            elif q["category"] == 3:
                assert not any(_FIRST_PERSON.search(t) for t in evidence), where
                assert not _ASKS_THE_USER.search(q["question"]), where
                assert not first or not any(first in t for t in [q["question"], *evidence]), where


def test_facts_near_duplicates_share_a_word_with_the_answer(facts_split):
    """Category 4: another fact of the same user shares a content word with the answer."""
    raw, _ = facts_split
    for user in raw["users"]:
        name = set((user["name"] or "").lower().replace("'", " ").split())
        facts = {f["id"]: f["text"] for f in user["facts"]}
        for q in user["questions"]:
            if q["category"] != 4:
                continue
            answer = set().union(*(content_words(facts[e], name) for e in q["evidence"]))
            others = [content_words(t, name) for i, t in facts.items() if i not in q["evidence"]]
            assert any(answer & words for words in others), q["question"]


def test_facts_questions_are_paraphrased(facts_split):
    """Most questions share no content word (the user's name aside) with their answer."""
    raw, _ = facts_split
    shared = []
    for user in raw["users"]:
        name = set((user["name"] or "").lower().replace("'", " ").split())
        facts = {f["id"]: f["text"] for f in user["facts"]}
        for q in user["questions"]:
            answer = set().union(*(content_words(facts[e], name) for e in q["evidence"]))
            shared.append(len(content_words(q["question"], name) & answer))
    assert sum(n > 0 for n in shared) / len(shared) <= 0.25
    assert max(shared) <= 2


# --------------------------------------------------------------------------- committed chats files


@pytest.fixture(scope="module", params=SPLITS)
def chats_split(request) -> tuple[list, Dataset]:
    path = DATA / f"chats_{request.param}.json"
    return json.loads(path.read_text(encoding="utf-8")), load_locomo(path)


def _sessions(sample: dict) -> list[list[dict]]:
    conv = sample["conversation"]
    numbers = sorted(int(k.split("_")[1]) for k in conv if re.fullmatch(r"session_\d+", k))
    return [conv[f"session_{n}"] for n in numbers]


def test_chats_load_as_locomo_without_dropping_questions(chats_split):
    raw, ds = chats_split
    assert len(ds.questions) == sum(len(s["qa"]) for s in raw) >= 100
    assert ds.info["questions_without_evidence"] == 0
    assert "questions_bad_evidence" not in ds.info and "evidence_ids_dropped" not in ds.info
    assert len(ds.users) == len(raw) >= 8
    assert {q.category for q in ds.questions} == {1, 2, 4}


def test_chats_shape(chats_split):
    raw, _ = chats_split
    assistant_words, user_words = [], []
    for sample in raw:
        conv = sample["conversation"]
        assert conv["speaker_a"] == "user" and conv["speaker_b"] == "assistant"
        sessions = _sessions(sample)
        assert 3 <= len(sessions) <= 6, sample["sample_id"]
        for number, turns in enumerate(sessions, start=1):
            assert conv[f"session_{number}_date_time"]
            assert 6 <= len(turns) <= 14
            for index, turn in enumerate(turns, start=1):
                assert turn["dia_id"] == f"D{number}:{index}"
                assert turn["speaker"] == ("user" if index % 2 else "assistant")
                (user_words if index % 2 else assistant_words).append(len(turn["text"].split()))
    assert statistics.median(assistant_words) >= 70 and min(assistant_words) >= 40 and max(assistant_words) <= 200
    assert statistics.median(user_words) <= 30


def test_chats_evidence_holds_the_user_turns(chats_split):
    raw, _ = chats_split
    for sample in raw:
        for q in sample["qa"]:
            user_turns = [e for e in q["evidence"] if int(e.split(":")[1]) % 2]
            assert user_turns, q["question"]
            if q["category"] == 1:  # multi-hop: two or more things the user said
                assert len(user_turns) >= 2, q["question"]
            assert q["answer"].strip()


# --------------------------------------------------------------------------- dev and held-out apart


def _fact_texts(split: str) -> tuple[set[str], set[str], set[str]]:
    raw = json.loads((DATA / f"facts_{split}.json").read_text(encoding="utf-8"))
    users = raw["users"]
    return ({f["text"] for u in users for f in u["facts"]}, {q["question"] for u in users for q in u["questions"]},
            {u["name"] for u in users if u["name"]})


def _chat_texts(split: str) -> tuple[set[str], set[str], set[str]]:
    raw = json.loads((DATA / f"chats_{split}.json").read_text(encoding="utf-8"))
    return ({t["text"] for s in raw for turns in _sessions(s) for t in turns},
            {q["question"] for s in raw for q in s["qa"]}, {s["sample_id"] for s in raw})


@pytest.mark.parametrize("texts", [_fact_texts, _chat_texts], ids=["facts", "chats"])
def test_dev_and_holdout_share_nothing(texts):
    for dev, holdout in zip(texts("dev"), texts("holdout")):
        assert not dev & holdout


def test_dev_and_holdout_users_have_different_names_and_ids():
    dev = json.loads((DATA / "facts_dev.json").read_text(encoding="utf-8"))["users"]
    holdout = json.loads((DATA / "facts_holdout.json").read_text(encoding="utf-8"))["users"]
    first = lambda users: {u["name"].split()[0] for u in users if u["name"]}  # noqa: E731
    assert not first(dev) & first(holdout)
    assert not {u["user_id"] for u in dev} & {u["user_id"] for u in holdout}


# --------------------------------------------------------------------------- the generator


def test_generator_reproduces_the_committed_files(tmp_path):
    script = load_script()
    assert script.main(["--out", str(tmp_path / "a")]) == 0
    assert script.main(["--out", str(tmp_path / "b")]) == 0
    for name in FILES:
        written = (tmp_path / "a" / name).read_bytes()
        assert written == (tmp_path / "b" / name).read_bytes() == (DATA / name).read_bytes(), name
    assert script.main(["--check"]) == 0
    (tmp_path / "a" / FILES[0]).write_text("{}", encoding="utf-8")
    assert script.main(["--check", "--out", str(tmp_path / "a")]) == 1


def test_generator_data_has_no_silently_overwritten_labels():
    """A repeated key in a dict literal would drop a fact without an error."""
    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), f"line {node.lineno}: repeated key"


def test_readme_describes_every_file():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "python scripts/make_eval_sets.py" in readme
    for name in FILES:
        assert name in readme
