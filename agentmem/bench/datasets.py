"""Datasets for the benchmark and the retrieval evaluation.

A dataset is a list of :class:`DatasetItem` (text, user, metadata) and, for
LoCoMo-format files, the questions whose evidence turns retrieval should find.
One spec string names where the items come from::

    load_dataset("synthetic:500")                 # seeded generator, no file needed
    load_dataset("locomo:../shared/data/locomo_dev.json")
    load_dataset("jsonl:notes.jsonl", text_column="body", user_column="author")
    load_dataset("csv:notes.csv", metadata_columns=["topic"])

Every problem with a file (missing, unreadable, bad JSON, a missing key or
column, nothing to load) raises :class:`~agentmem.errors.DatasetError` naming it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import DatasetError, InvalidInputError
from ..validation import normalize_text

__all__ = [
    "DATASET_KINDS",
    "DEFAULT_USER",
    "Dataset",
    "DatasetItem",
    "Question",
    "load_dataset",
    "load_facts",
    "load_locomo",
    "load_table",
    "parse_spec",
]

DATASET_KINDS = ("synthetic", "locomo", "facts", "jsonl", "csv")
#: user_id given to rows of a CSV/JSONL file that has no user column.
DEFAULT_USER = "default"

LocomoText = Literal["speaker", "plain"]
#: Turns said before a LoCoMo turn (same session) that go into its context.
DEFAULT_CONTEXT_TURNS = 2
MAX_CONTEXT_TURNS = 10
_SESSION_KEY = re.compile(r"^session_(\d+)$")
_DIA_ID = re.compile(r"D:?(\d+):(\d+)")


@dataclass(frozen=True, slots=True)
class DatasetItem:
    """One memory to store: its text, the user it belongs to, metadata, and optionally
    its context (what surrounds it; searched by full text, not stored as content)."""

    text: str
    user_id: str
    metadata: dict[str, Any] = field(default_factory=dict)
    context: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"text": self.text, "user_id": self.user_id, "metadata": dict(self.metadata)}
        if self.context is not None:
            out["context"] = self.context
        return out


@dataclass(frozen=True, slots=True)
class Question:
    """A LoCoMo question: the turns (``dia_id``) that answer it, in the scope of one user."""

    question: str
    answer: str
    category: int
    evidence: tuple[str, ...]
    user_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "category": self.category,
            "evidence": list(self.evidence),
            "user_id": self.user_id,
        }


@dataclass(slots=True)
class Dataset:
    """Items to store (and, for LoCoMo, questions); ``info`` says how they were read."""

    name: str
    kind: str
    items: list[DatasetItem]
    questions: list[Question] = field(default_factory=list)
    source: str | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.items]

    @property
    def contexts(self) -> list[str | None] | None:
        """One context per item, or None when no item has one."""
        if all(item.context is None for item in self.items):
            return None
        return [item.context for item in self.items]

    @property
    def users(self) -> list[str]:
        """Distinct user ids in first-seen order."""
        return list(dict.fromkeys(item.user_id for item in self.items))

    def distinct_count(self) -> int:
        """Memories a deduplicating store ends up with: distinct (user, normalized text),
        normalized exactly as the store's dedupe does."""
        return len({(item.user_id, normalize_text(item.text)) for item in self.items})

    def to_dict(self) -> dict[str, Any]:
        """Facts about the dataset for results files (not the items themselves)."""
        lengths = sorted(len(item.text) for item in self.items)
        return {
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
            "n": len(self.items),
            "distinct": self.distinct_count(),
            "users": len(self.users),
            "questions": len(self.questions),
            "chars_mean": round(sum(lengths) / len(lengths), 1) if lengths else 0.0,
            "chars_p50": lengths[len(lengths) // 2] if lengths else 0,
            "chars_max": lengths[-1] if lengths else 0,
            **self.info,
        }


def parse_spec(spec: str) -> tuple[str, str]:
    """Split ``"kind:argument"``; raises InvalidInputError for an unknown kind."""
    if not isinstance(spec, str) or ":" not in spec:
        raise InvalidInputError(
            "dataset", f"expected KIND:ARG with KIND one of {', '.join(DATASET_KINDS)}, got {spec!r}"
        )
    kind, arg = spec.split(":", 1)
    kind = kind.strip().lower()
    if kind not in DATASET_KINDS:
        raise InvalidInputError("dataset", f"unknown dataset kind {kind!r}; use one of {', '.join(DATASET_KINDS)}")
    if not arg.strip():
        raise InvalidInputError("dataset", f"{kind}: needs {'a count' if kind == 'synthetic' else 'a path'}")
    return kind, arg.strip()


def load_dataset(
    spec: str,
    *,
    limit: int | None = None,
    text_column: str = "text",
    user_column: str | None = None,
    metadata_columns: Sequence[str] | None = None,
    seed: int = 0,
    locomo_text: LocomoText = "speaker",
    captions: bool = True,
    context_turns: int = DEFAULT_CONTEXT_TURNS,
    context_date: bool = True,
) -> Dataset:
    """Load a dataset from a spec string (see the module docstring).

    ``limit`` keeps the first N items. ``text_column``/``user_column``/``metadata_columns``
    apply to CSV and JSONL; ``seed`` to synthetic; ``locomo_text``, ``captions``,
    ``context_turns`` and ``context_date`` to LoCoMo.
    """
    _check_limit(limit)
    kind, arg = parse_spec(spec)
    if kind == "synthetic":
        from .synthetic import generate

        try:
            n = int(arg.replace("_", ""))
        except ValueError:
            raise InvalidInputError("dataset", f"synthetic: needs a count, got {arg!r}") from None
        if n < 1:
            raise InvalidInputError("dataset", f"synthetic: count must be positive, got {n}")
        ds = generate(n, seed=seed)
        if limit is not None and limit < n:  # a prefix of the same dataset, not a smaller one
            ds.items = ds.items[:limit]
            ds.info["limit"] = limit
        return ds
    path = Path(arg).expanduser()
    if kind == "locomo":
        return load_locomo(path, limit=limit, text=locomo_text, captions=captions, context_turns=context_turns,
                           context_date=context_date)
    if kind == "facts":
        return load_facts(path, limit=limit)
    return load_table(
        path,
        fmt=kind,  # type: ignore[arg-type]
        limit=limit,
        text_column=text_column,
        user_column=user_column,
        metadata_columns=metadata_columns,
    )


def _check_limit(limit: int | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidInputError("limit", f"must be a positive integer or None, got {limit!r}")


def _read_text(path: Path) -> str:
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    if path.is_dir():
        raise DatasetError(f"{path}: is a directory, expected a file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror})") from None
    if not text.strip():
        raise DatasetError(f"{path}: file is empty")
    return text


# --------------------------------------------------------------------------- LoCoMo


def load_locomo(
    path: str | Path,
    *,
    limit: int | None = None,
    text: LocomoText = "speaker",
    captions: bool = True,
    context_turns: int = DEFAULT_CONTEXT_TURNS,
    context_date: bool = True,
) -> Dataset:
    """Read a LoCoMo-format JSON file: one memory per dialog turn, user = conversation.

    Each turn's context (``DatasetItem.context``, searched by full text only; the
    memory's content and vector stay the turn itself) is the session's date (with
    ``context_date``) and the ``context_turns`` turns said before it in the same
    session, each as stored (``"Melanie: Did you go?"``). ``context_turns=0`` and
    ``context_date=False`` give no context. A turn alone is often ambiguous ("Yes, last
    Tuesday!"); the question it answers is usually the turn before. Cross-validated on
    the dev split (``agentmem eval --cv 2``, BENCHMARKS.md): date + 2 turns is chosen on
    both halves.

    ``text="speaker"`` stores ``"Caroline: I went to a support group"``; ``"plain"``
    stores the turn's words alone. With ``captions`` a shared image's caption is
    appended (``[shares a photo: a painting of a sunset]``): 39 % of the dev split's
    evidence turns carry an image, and their words often only say "take a look".
    Questions keep the ones with evidence; those without are counted in ``info``.
    With ``limit``, questions whose evidence was not all loaded are dropped (counted).

    Why the defaults (recall@10 on the dev split, 760 questions, k=10,
    experiments/compare_locomo_text.py): the speaker's name is what most questions
    ask about, so "plain" loses badly (vector 0.29-0.31 vs 0.50-0.51, hybrid
    0.43-0.45 vs 0.58-0.60 with RRF fusion, fts 0.57 vs 0.60). Captions are
    neutral to slightly positive: fts 0.606 vs 0.601, hybrid (min-max fusion)
    0.667 vs 0.667, vector 0.502 vs 0.508; they stay on because they are
    content the turn shared.
    """
    _check_limit(limit)
    if text not in ("speaker", "plain"):
        raise InvalidInputError("locomo_text", f"must be 'speaker' or 'plain', got {text!r}")
    if isinstance(context_turns, bool) or not isinstance(context_turns, int) or not 0 <= context_turns <= MAX_CONTEXT_TURNS:
        raise InvalidInputError("context_turns", f"must be an integer from 0 to {MAX_CONTEXT_TURNS}, got {context_turns!r}")
    if not isinstance(context_date, bool):
        raise InvalidInputError("context_date", f"must be True or False, got {context_date!r}")
    path = Path(path).expanduser()
    raw = _read_text(path)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if isinstance(data, dict):  # a single sample is accepted too
        data = [data]
    if not isinstance(data, list) or not data:
        raise DatasetError(f"{path}: expected a JSON list of LoCoMo samples")

    items: list[DatasetItem] = []
    questions: list[Question] = []
    no_evidence = 0
    partial = 0
    bad_evidence = 0
    with_caption = 0
    dropped_ids = 0
    loaded_ids: set[tuple[str, str]] = set()
    full = False
    for s_index, sample in enumerate(data):
        where = f"{path}: sample {s_index}"
        if not isinstance(sample, dict):
            raise DatasetError(f"{where}: expected an object")
        for key in ("sample_id", "conversation"):
            if key not in sample:
                raise DatasetError(f"{where}: missing key {key!r}")
        user = str(sample["sample_id"])
        conv = sample["conversation"]
        if not isinstance(conv, dict):
            raise DatasetError(f"{where}: 'conversation' must be an object")
        sessions = sorted(
            (int(m.group(1)), key) for key in conv if (m := _SESSION_KEY.match(key)) and isinstance(conv[key], list)
        )
        if not sessions:
            raise DatasetError(f"{where}: conversation has no session_N lists")
        turn_ids: set[str] = set()
        for number, key in sessions:
            date = conv.get(f"{key}_date_time")
            before: list[str] = []  # this session's stored turns so far
            for t_index, turn in enumerate(conv[key]):
                twhere = f"{where} {key}[{t_index}]"
                if not isinstance(turn, dict):
                    raise DatasetError(f"{twhere}: expected an object")
                for field_name in ("speaker", "dia_id", "text"):
                    if field_name not in turn:
                        raise DatasetError(f"{twhere}: missing key {field_name!r}")
                turn_ids.add(str(turn["dia_id"]))
                if full:
                    continue
                words = str(turn["text"]).strip()
                caption = turn.get("blip_caption") if captions else None
                if caption:
                    with_caption += 1
                    words = f"{words} [shares a photo: {str(caption).strip()}]".strip()
                if not words:
                    continue
                body = f"{turn['speaker']}: {words}" if text == "speaker" else words
                metadata = {
                    "dia_id": str(turn["dia_id"]),
                    "session": number,
                    "speaker": str(turn["speaker"]),
                    "session_date": str(date) if date is not None else None,
                }
                parts = ([str(date).strip()] if context_date and date else []) + (
                    before[-context_turns:] if context_turns else []
                )
                items.append(DatasetItem(body, user, metadata, "\n".join(parts) or None))
                before.append(body)
                loaded_ids.add((user, str(turn["dia_id"])))
                if limit is not None and len(items) >= limit:
                    full = True
        qa = sample.get("qa", [])
        if not isinstance(qa, list):
            raise DatasetError(f"{where}: 'qa' must be a list")
        for q_index, q in enumerate(qa):
            qwhere = f"{where} qa[{q_index}]"
            if not isinstance(q, dict):
                raise DatasetError(f"{qwhere}: expected an object")
            for key in ("question", "category"):
                if key not in q:
                    raise DatasetError(f"{qwhere}: missing key {key!r}")
            try:
                category = int(q["category"])
            except (TypeError, ValueError):
                raise DatasetError(f"{qwhere}: category must be an integer, got {q['category']!r}") from None
            evidence = _evidence_ids(q.get("evidence"))
            if evidence is None:
                bad_evidence += 1
                continue
            if not evidence:
                no_evidence += 1
                continue
            known = tuple(e for e in evidence if e in turn_ids)
            dropped_ids += len(evidence) - len(known)
            if not known:
                bad_evidence += 1
                continue
            evidence = known
            if not all((user, e) in loaded_ids for e in evidence):
                partial += 1
                continue
            answer = q.get("answer", q.get("adversarial_answer", ""))
            questions.append(Question(str(q["question"]), str(answer), category, evidence, user))
    if not items:
        raise DatasetError(f"{path}: no dialog turns with text")
    info: dict[str, Any] = {
        "text_format": text,
        "captions": captions,
        "context_turns": context_turns,
        "context_date": context_date,
        "turns_with_caption": with_caption,
        "questions_without_evidence": no_evidence,
    }
    if partial:
        info["questions_outside_limit"] = partial
    if bad_evidence:
        info["questions_bad_evidence"] = bad_evidence
    if dropped_ids:
        info["evidence_ids_dropped"] = dropped_ids
    return Dataset(path.stem, "locomo", items, questions, str(path), info)


def _evidence_ids(value: Any) -> tuple[str, ...] | None:
    """Evidence as dia_ids, or None if malformed.

    LoCoMo has a few irregular entries: ``"D8:6; D9:17"`` (two ids in one string) and
    ``"D:11:26"``; both are read. Entries with no id at all (``"D"``) are dropped here
    and ids naming no turn of the conversation by the caller (both counted in ``info``).
    """
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return None
    ids: list[str] = []
    for entry in value:
        if not isinstance(entry, str):
            return None
        ids.extend(f"D{a}:{b}" for a, b in _DIA_ID.findall(entry))
        if not _DIA_ID.search(entry) and entry.strip():
            ids.append(entry.strip())  # kept so the caller counts it as an unknown id
    return tuple(dict.fromkeys(ids))


# --------------------------------------------------------------------------- facts


def load_facts(path: str | Path, *, limit: int | None = None) -> Dataset:
    """Read a small-store facts file: a handful of short facts per user, and questions
    naming the facts (``evidence``) that answer them.

    LoCoMo stores hundreds of turns per user, each starting with a speaker's name; an
    agent's memory more often holds a few facts per user with no name in them, so
    settings chosen on LoCoMo alone may not carry over. The file is one JSON object::

        {"name": "facts_dev",
         "users": [{"user_id": "u01", "name": "Alice Moreno",   # or null
                    "facts": [{"id": "u01:f1", "text": "Alice likes green tea"}],
                    "questions": [{"question": "What does Alice drink?",
                                   "evidence": ["u01:f1"], "category": 1}]}]}

    Each fact becomes ``DatasetItem(text, user_id, {"dia_id": id})`` (the evaluation
    matches evidence against ``metadata["dia_id"]``); each question a
    :class:`Question` with ``answer=""``, scoped to its user. Categories:

    1. named: the fact is in the third person with the user's name ("Alice likes
       green tea") and the question names the user. Every fact of such a user holds
       the name, so the name tells the facts apart no better than chance.
    2. first person: "I'm allergic to peanuts"; the question asks in the second
       person ("What am I allergic to?") or about "the user".
    3. name-less notes: "Prefers aisle seats on long flights"; no name in the question.
    4. near duplicate: the user also holds a fact lexically close to the answer but
       not answering it ("Alice's brother is allergic to cats" beside "Alice is
       allergic to peanuts" for "Which food must Alice avoid?").

    With 4-9 facts per user, recall@k for k at or above a user's fact count is 1 however
    the facts are ranked; score such a set at a small k (1, 3) or by MRR.

    ``limit`` keeps the first N facts in file order; questions whose evidence was cut
    are dropped and counted (``info["questions_outside_limit"]``); ``info`` also gives
    the questions per category (``{1: 46, 2: 53, ...}``). The whole file is checked
    whatever the limit: a missing key, an empty text, a duplicate user or fact id, or
    evidence that is not one of the user's facts raises
    :class:`~agentmem.errors.DatasetError` naming the file and the position
    (``users[3].facts[2]: missing key 'text'``).
    """
    _check_limit(limit)
    path = Path(path).expanduser()
    raw = _read_text(path)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise DatasetError(f"{path}: expected a JSON object with a 'users' list, got {type(data).__name__}")
    if "users" not in data:
        raise DatasetError(f"{path}: missing key 'users'")
    users = data["users"]
    if not isinstance(users, list) or not users:
        raise DatasetError(f"{path}: 'users' must be a non-empty list")

    items: list[DatasetItem] = []
    questions: list[Question] = []
    seen_users: set[str] = set()
    for u_index, user in enumerate(users):
        where = f"{path}: users[{u_index}]"
        _object(user, where, ("user_id", "facts"))
        user_id = _facts_string(user["user_id"], f"{where}.user_id")
        if user_id in seen_users:
            raise DatasetError(f"{where}.user_id: duplicate user id {user_id!r}")
        seen_users.add(user_id)
        facts = user["facts"]
        if not isinstance(facts, list):
            raise DatasetError(f"{where}.facts: must be a list")
        fact_ids: set[str] = set()
        for f_index, fact in enumerate(facts):
            fwhere = f"{where}.facts[{f_index}]"
            _object(fact, fwhere, ("id", "text"))
            fact_id = _facts_string(fact["id"], f"{fwhere}.id")
            if fact_id in fact_ids:
                raise DatasetError(f"{fwhere}.id: duplicate fact id {fact_id!r} for user {user_id!r}")
            fact_ids.add(fact_id)
            text = _facts_string(fact["text"], f"{fwhere}.text")
            items.append(DatasetItem(text, user_id, {"dia_id": fact_id}))
        qs = user.get("questions", [])
        if not isinstance(qs, list):
            raise DatasetError(f"{where}.questions: must be a list")
        for q_index, q in enumerate(qs):
            qwhere = f"{where}.questions[{q_index}]"
            _object(q, qwhere, ("question", "evidence", "category"))
            question = _facts_string(q["question"], f"{qwhere}.question")
            category = q["category"]
            if isinstance(category, bool) or not isinstance(category, int):
                raise DatasetError(f"{qwhere}.category: must be an integer, got {category!r}")
            evidence = q["evidence"]
            if not isinstance(evidence, list) or not evidence:
                raise DatasetError(f"{qwhere}.evidence: must be a non-empty list of fact ids")
            for e_index, fact_id in enumerate(evidence):
                if not isinstance(fact_id, str) or fact_id not in fact_ids:
                    raise DatasetError(
                        f"{qwhere}.evidence[{e_index}]: {fact_id!r} is not one of user {user_id!r}'s fact ids"
                    )
            questions.append(Question(question, "", category, tuple(dict.fromkeys(evidence)), user_id))
    if not items:
        raise DatasetError(f"{path}: no facts")

    info: dict[str, Any] = {}
    if limit is not None and limit < len(items):
        items = items[:limit]
        loaded = {(item.user_id, item.metadata["dia_id"]) for item in items}
        kept = [q for q in questions if all((q.user_id, e) in loaded for e in q.evidence)]
        info["limit"] = limit
        info["questions_outside_limit"] = len(questions) - len(kept)
        questions = kept
    counts: dict[int, int] = {}
    for q in questions:
        counts[q.category] = counts.get(q.category, 0) + 1
    info["questions_per_category"] = dict(sorted(counts.items()))
    name = data.get("name")
    return Dataset(str(name) if isinstance(name, str) and name.strip() else path.stem, "facts", items, questions,
                   str(path), info)


def _object(value: Any, where: str, keys: Sequence[str]) -> dict[str, Any]:
    """An entry of a facts file: an object holding ``keys``; else DatasetError naming ``where``."""
    if not isinstance(value, dict):
        raise DatasetError(f"{where}: expected an object")
    for key in keys:
        if key not in value:
            raise DatasetError(f"{where}: missing key {key!r}")
    return value


def _facts_string(value: Any, where: str) -> str:
    """A required text field of a facts file, stripped; empty or not a string is an error."""
    if not isinstance(value, str):
        raise DatasetError(f"{where}: must be a string, got {type(value).__name__}")
    if not value.strip():
        raise DatasetError(f"{where}: empty text")
    return value.strip()


# --------------------------------------------------------------------------- CSV / JSONL


def load_table(
    path: str | Path,
    *,
    fmt: Literal["csv", "jsonl"],
    limit: int | None = None,
    text_column: str = "text",
    user_column: str | None = None,
    metadata_columns: Sequence[str] | None = None,
) -> Dataset:
    """Read a CSV (with a header row) or JSONL file, one memory per row.

    Rows whose text is blank are skipped and counted; a row without the text,
    user or a metadata column is an error naming the line. Without ``user_column``
    every row belongs to ``"default"``.
    """
    _check_limit(limit)
    if fmt not in ("csv", "jsonl"):
        raise InvalidInputError("fmt", f"must be 'csv' or 'jsonl', got {fmt!r}")
    if not isinstance(text_column, str) or not text_column:
        raise InvalidInputError("text_column", "must be a non-empty column name")
    meta_cols = list(metadata_columns or [])
    path = Path(path).expanduser()
    raw = _read_text(path)
    rows = _jsonl_rows(path, raw) if fmt == "jsonl" else _csv_rows(path, raw, text_column, user_column, meta_cols)
    items: list[DatasetItem] = []
    blank = 0
    for line, row in rows:
        where = f"{path}: line {line}"
        if text_column not in row:
            raise DatasetError(f"{where}: missing text column {text_column!r}")
        value = row[text_column]
        text = "" if value is None else str(value).strip()
        if not text:
            blank += 1
            continue
        if user_column is not None:
            if user_column not in row or row[user_column] in (None, ""):
                raise DatasetError(f"{where}: missing user column {user_column!r}")
            user = str(row[user_column])
        else:
            user = DEFAULT_USER
        metadata: dict[str, Any] = {}
        for col in meta_cols:
            if col not in row:
                raise DatasetError(f"{where}: missing metadata column {col!r}")
            metadata[col] = row[col]
        items.append(DatasetItem(text, user, metadata))
        if limit is not None and len(items) >= limit:
            break
    if not items:
        raise DatasetError(f"{path}: no rows with text in column {text_column!r}")
    info: dict[str, Any] = {"text_column": text_column, "user_column": user_column}
    if blank:
        info["blank_rows_skipped"] = blank
    return Dataset(path.stem, fmt, items, [], str(path), info)


def _jsonl_rows(path: Path, raw: str) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path}: line {number}: bad JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise DatasetError(f"{path}: line {number}: expected a JSON object, got {type(row).__name__}")
        out.append((number, row))
    return out


def _csv_rows(
    path: Path, raw: str, text_column: str, user_column: str | None, meta_cols: list[str]
) -> list[tuple[int, dict[str, Any]]]:
    try:
        reader = csv.DictReader(raw.splitlines(keepends=True), strict=True)
        header = reader.fieldnames or []
        for wanted, role in ((text_column, "text"), (user_column, "user"), *((c, "metadata") for c in meta_cols)):
            if wanted is not None and wanted not in header:
                raise DatasetError(
                    f"{path}: no {role} column {wanted!r} in the header (columns: {', '.join(header) or 'none'})"
                )
        out = []
        for row in reader:
            if None in row:  # more cells than header columns
                raise DatasetError(f"{path}: line {reader.line_num}: more cells than header columns")
            out.append((reader.line_num, row))
        return out
    except csv.Error as exc:
        raise DatasetError(f"{path}: bad CSV: {exc}") from None
