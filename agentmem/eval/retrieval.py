"""Retrieval evaluation on LoCoMo-format data: do the searches find the evidence turns?

Every dialog turn is stored as one memory (user scope = conversation, ``dia_id``
in the metadata); each question is searched in its conversation with every mode,
and the top-k ``dia_id`` are scored against the question's evidence with recall@k,
MRR, nDCG@k and session hit@5 (see ``session_hit``). Category 5 (adversarial, no answer in the conversation) is left
out unless asked for. Search latency is the wall time of each ``search`` call.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..bench.datasets import Dataset, load_dataset
from ..bench.harness import parse_choices, positive_int, workspace
from ..bench.machine import machine_facts
from ..bench.results import render_table
from ..bench.runner import group_by_user
from ..bench.stats import mean, percentile
from ..config import SEARCH_MODES, MemoryConfig
from ..errors import InvalidInputError
from .metrics import SESSION_HIT_K, mean_scores, question_scores

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CATEGORY_NAMES", "DEFAULT_EXCLUDED_CATEGORIES", "SESSION_HIT_K", "EvalResult", "evaluate", "ingest", "parse_modes"]

#: LoCoMo category 5 is adversarial: its "evidence" does not answer the question.
DEFAULT_EXCLUDED_CATEGORIES = (5,)
#: LoCoMo's categories as the mem0 evaluation names them.
CATEGORY_NAMES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}

Progress = Callable[[str, int, int], None]


def ingest(
    mem: Any, ds: Dataset, *, chunk: int, vectors: np.ndarray | None = None, progress: Progress | None = None,
    messages: bool = False,
) -> dict[str, Any]:
    """Store every item of ``ds``; returns memories, seconds and memories/s.

    By default one ``add_batch`` per user and chunk, with the items' contexts. With
    ``messages`` (LoCoMo data), each session goes in as one ``add(messages, timestamp=...)``
    call, a message per turn (``name`` = speaker), so the store builds each turn's context
    itself; the items' own contexts are not used and the model embeds (no ``vectors``)."""
    n = len(ds.items)
    if vectors is not None and len(vectors) != n:
        raise InvalidInputError("vectors", f"has {len(vectors)} rows but the dataset has {n} items")
    if messages and vectors is not None:
        raise InvalidInputError("vectors", "add(messages) embeds its messages itself")
    if progress:
        progress("index", 0, n)
    position = {id(item): i for i, item in enumerate(ds.items)} if vectors is not None else {}
    done = 0
    start = time.perf_counter()
    for user, rows in (_sessions(ds.items) if messages else group_by_user(ds.items, chunk)):
        if messages:
            mem.add([_message(r) for r in rows], user_id=user, metadata=[dict(r.metadata) for r in rows],
                    timestamp=session_time(rows[0].metadata.get("session_date")))
        else:
            contexts = [r.context for r in rows]
            mem.add_batch(
                [r.text for r in rows],
                user_id=user,
                metadata=[dict(r.metadata) for r in rows],
                contexts=None if all(c is None for c in contexts) else contexts,
                vectors=None if vectors is None else vectors[[position[id(r)] for r in rows]],
            )
        done += len(rows)
        if progress:
            progress("index", done, n)
    seconds = time.perf_counter() - start
    return {"memories": mem.count(), "seconds": seconds, "ops_per_s": n / seconds if seconds else None}


def _sessions(items: Sequence[Any]) -> list[tuple[str, list[Any]]]:
    """Items in runs of one user and one session, in file order."""
    out: list[tuple[str, list[Any]]] = []
    for item in items:
        key = (item.user_id, item.metadata.get("session"))
        if out and out[-1][0] == item.user_id and (out[-1][1][0].metadata.get("session") == key[1]):
            out[-1][1].append(item)
        else:
            out.append((item.user_id, [item]))
    return out


def _message(item: Any) -> dict[str, str]:
    """A LoCoMo item as a chat message: the speaker as ``name``, the words as ``content``
    (the store writes ``"Speaker: words"`` back, the text ``load_locomo`` gives)."""
    speaker = item.metadata.get("speaker")
    text = item.text
    if speaker and text.startswith(f"{speaker}: "):
        return {"role": "user", "name": str(speaker), "content": text[len(speaker) + 2:]}
    return {"role": "user", "content": text}


def session_time(value: Any) -> datetime | None:
    """LoCoMo's session date ("1:56 pm on 8 May, 2023", or a plain date) as a datetime, or None."""
    if not value:
        return None
    for fmt in ("%I:%M %p on %d %B, %Y", "%I:%M %p on %d %b, %Y", "%d %B %Y", "%d %B, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(value).strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def parse_modes(value: str | Iterable[str]) -> list[str]:
    """``"vector,fts"`` or a list -> validated search modes."""
    return parse_choices(value, SEARCH_MODES, field="modes", noun="search mode")


@dataclass
class EvalResult:
    """Per-question scores of one evaluation, and the frames the workbench plots."""

    dataset: dict[str, Any]
    k: int
    modes: list[str]
    categories: list[int]
    rows: list[dict[str, Any]] = field(default_factory=list)
    index: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    timestamp: str = ""
    skipped: dict[str, int] = field(default_factory=dict)
    messages: bool = False  # stored through add(messages) (LoCoMo sessions), not add_batch

    def _summary(self) -> list[dict[str, Any]]:
        out = []
        for mode in self.modes:
            rows = [r for r in self.rows if r["mode"] == mode]
            lat = [r["latency_ms"] for r in rows]
            out.append(
                {
                    "mode": mode,
                    **mean_scores(rows),
                    "session_hit5": mean(r["session_hit5"] for r in rows),
                    "questions": len(rows),
                    "p50_ms": percentile(lat, 50),
                    "p95_ms": percentile(lat, 95),
                }
            )
        return out

    def _by_category(self) -> list[dict[str, Any]]:
        out = []
        for mode in self.modes:
            for cat in sorted({r["category"] for r in self.rows}):
                rows = [r for r in self.rows if r["mode"] == mode and r["category"] == cat]
                if not rows:
                    continue
                out.append(
                    {
                        "mode": mode,
                        "category": cat,
                        "category_name": CATEGORY_NAMES.get(cat, str(cat)),
                        "recall": mean(r["recall"] for r in rows),
                        "mrr": mean(r["rr"] for r in rows),
                        "ndcg": mean(r["ndcg"] for r in rows),
                        "questions": len(rows),
                    }
                )
        return out

    def summary_frame(self) -> pd.DataFrame:
        """One row per mode: mean recall@k, MRR, nDCG@k, questions, search p50/p95 ms."""
        import pandas as pd

        cols = ["mode", "recall", "top1", "mrr", "ndcg", "session_hit5", "questions", "p50_ms", "p95_ms"]
        return pd.DataFrame(self._summary(), columns=cols)

    def by_category_frame(self) -> pd.DataFrame:
        """One row per mode x question category."""
        import pandas as pd

        cols = ["mode", "category", "category_name", "recall", "mrr", "ndcg", "questions"]
        return pd.DataFrame(self._by_category(), columns=cols)

    def questions_frame(self) -> pd.DataFrame:
        """One row per question x mode: what was retrieved and how it scored."""
        import pandas as pd

        cols = [
            "question",
            "category",
            "evidence",
            "retrieved",
            "recall",
            "rank",
            "mode",
            "rr",
            "ndcg",
            "session_hit5",
            "latency_ms",
            "user_id",
        ]
        return pd.DataFrame(self.rows, columns=cols)

    def to_dict(self, *, include_questions: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "timestamp": self.timestamp,
            "k": self.k,
            "modes": list(self.modes),
            "messages": self.messages,
            "categories": list(self.categories),
            "summary": self._summary(),
            "by_category": self._by_category(),
            "index": dict(self.index),
            "skipped": dict(self.skipped),
            "dataset": dict(self.dataset),
            "config": dict(self.config),
            "machine": dict(self.machine),
        }
        if include_questions:
            out["questions"] = [dict(r) for r in self.rows]
        return out

    def table(self) -> str:
        """Plain-text summary table for terminals."""
        header = ["mode", f"recall@{self.k}", "top-1", "MRR", f"nDCG@{self.k}", "session hit@5", "questions", "p50 ms",
                  "p95 ms"]
        body = [
            [
                r["mode"],
                f"{r['recall']:.3f}",
                f"{r['top1']:.3f}",
                f"{r['mrr']:.3f}",
                f"{r['ndcg']:.3f}",
                f"{r['session_hit5']:.3f}",
                str(r["questions"]),
                "-" if r["p50_ms"] is None else f"{r['p50_ms']:.1f}",
                "-" if r["p95_ms"] is None else f"{r['p95_ms']:.1f}",
            ]
            for r in self._summary()
        ]
        return render_table([header, *body])


def evaluate(
    ds_or_spec: Dataset | str,
    *,
    k: int = 10,
    modes: Sequence[str] | str = ("vector", "fts", "hybrid"),
    progress: Progress | None = None,
    work_dir: str | Path | None = None,
    categories: Iterable[int] | None = None,
    config: MemoryConfig | None = None,
    limit: int | None = None,
    vectors: np.ndarray | None = None,
    embedder: Any = None,
    messages: bool = False,
) -> EvalResult:
    """Store a LoCoMo-format dataset and score each search mode on its questions.

    ``categories=None`` means every category except 5 (adversarial). ``config`` is the
    MemoryConfig used (its ``data_dir`` is replaced by a throwaway folder). ``vectors``
    (one row per item, the model's vectors of the items' texts) skip the model at ingest;
    ``embedder`` (an ``Embedderlike``) replaces the configured model, e.g. to embed queries
    with another model whose passage vectors are given in ``vectors``.
    ``progress(stage, done, total)`` reports indexing and each mode's searches.
    """
    from .. import Memory

    positive_int("k", k)
    mode_list = parse_modes(modes)
    if isinstance(ds_or_spec, Dataset):
        ds = ds_or_spec
    elif isinstance(ds_or_spec, str):
        ds = load_dataset(ds_or_spec, limit=limit)
    else:
        raise InvalidInputError("dataset", f"expected a Dataset or a spec string, got {type(ds_or_spec).__name__}")
    if not ds.questions:
        raise InvalidInputError("dataset", f"{ds.name} has no questions with evidence (use a LoCoMo-format file)")
    if categories is None:
        present = sorted({q.category for q in ds.questions})
        cats = [c for c in present if c not in DEFAULT_EXCLUDED_CATEGORIES]
    else:
        cats = sorted({int(c) for c in categories})
    questions = [q for q in ds.questions if q.category in cats]
    if not questions:
        raise InvalidInputError("categories", f"no questions in categories {cats}")
    base = config or MemoryConfig()
    result = EvalResult(
        dataset=ds.to_dict(),
        k=k,
        modes=mode_list,
        categories=cats,
        machine=machine_facts(model=base.model),
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
        messages=messages,
        skipped={
            "other_categories": sum(1 for q in ds.questions if q.category not in cats),
            "without_evidence": int(ds.info.get("questions_without_evidence", 0)),
        },
    )
    with workspace(work_dir) as root:
        cfg = base.replace(data_dir=str(root / "store"))
        result.config = {key: v for key, v in cfg.to_dict().items() if key != "data_dir"}
        if embedder is not None:
            result.config["embedder"] = getattr(embedder, "model_name", type(embedder).__name__)
        with Memory(cfg, embedder=embedder) as mem:
            result.index = ingest(mem, ds, chunk=max(cfg.chunk_size, 256), vectors=vectors, progress=progress,
                                  messages=messages)
            for mode in mode_list:
                if progress:
                    progress(mode, 0, len(questions))
                for i, q in enumerate(questions, start=1):
                    t0 = time.perf_counter()
                    hits = mem.search(q.question, user_id=q.user_id, limit=k, mode=mode)
                    latency = (time.perf_counter() - t0) * 1000.0
                    retrieved = [str(h.metadata.get("dia_id")) for h in hits]
                    result.rows.append(
                        {
                            "question": q.question,
                            "category": q.category,
                            "evidence": list(q.evidence),
                            "retrieved": retrieved,
                            **question_scores(q.evidence, retrieved, k),
                            "mode": mode,
                            "latency_ms": latency,
                            "user_id": q.user_id,
                        }
                    )
                    if progress and (i % 20 == 0 or i == len(questions)):
                        progress(mode, i, len(questions))
        shutil.rmtree(root / "store", ignore_errors=True)
    return result
