"""Cross-validated retrieval evaluation: every setting chosen on one half of the
conversations and scored on the other half, both ways (``agentmem eval --cv 2``).

A *setting* is a memory representation (how many turns before a LoCoMo turn, and the
session date, go into its context: the full-text side) and a hybrid fusion
(``hybrid_fusion``, ``hybrid_vector_weight`` or ``rrf_k``, ``hybrid_candidates``).

How it runs:

1. The items' vectors are computed once (the vector of a memory is of its content
   alone, so every representation shares them).
2. For each representation, the dataset is stored in a fresh Memory (vectors given)
   and each question's vector and full-text candidates are fetched with ``search``
   (``mode="vector"`` / ``"fts"``, as many as the largest ``hybrid_candidates``):
   the very lists hybrid search fuses.
3. Every fusion is applied to those lists with :func:`agentmem.fusion.fuse`, the
   function ``search`` calls, so a setting's figures are what the library returns.
4. Fold f: the setting with the best mean recall@k on the other folds' questions is
   scored on fold f's questions. The conversations are cut into ``folds`` contiguous
   groups in file order. Nothing is chosen on the questions it is scored on.

The report also scores the defaults (``MemoryConfig()`` and ``load_locomo``'s
representation) and the previous defaults (no context; minmax 0.4, 50 candidates) on
each fold, and, with ``cost=True``, their ingest rate (the model running) and hybrid
search p50 in the same run, interleaved, with the load average around each.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..bench.datasets import DEFAULT_CONTEXT_TURNS, Question, load_locomo
from ..bench.machine import machine_facts
from ..bench.results import render_table
from ..bench.runner import _workspace
from ..config import MemoryConfig
from ..errors import InvalidInputError
from ..fusion import fuse
from .metrics import first_hit_rank, mean, ndcg_at_k, recall_at_k, session_hit
from .retrieval import CATEGORY_NAMES, DEFAULT_EXCLUDED_CATEGORIES, SESSION_HIT_K, ingest

__all__ = ["Representation", "Fusion", "Setting", "CVResult", "cross_validate", "default_grid", "split_users"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Representation:
    """What a LoCoMo turn's context holds: ``turns`` turns before it and/or the session date."""

    turns: int
    date: bool

    @property
    def label(self) -> str:
        parts = ([f"{self.turns} turn{'s' if self.turns != 1 else ''} before"] if self.turns else []) + (
            ["date"] if self.date else []
        )
        return "context: " + (" + ".join(parts) if parts else "none")


@dataclass(frozen=True)
class Fusion:
    """A hybrid fusion: the MemoryConfig fields it sets."""

    method: str
    weight: float = 0.4
    rrf_k: int = 60
    candidates: int = 50

    def config(self, base: MemoryConfig) -> MemoryConfig:
        return base.replace(hybrid_fusion=self.method, hybrid_vector_weight=self.weight, rrf_k=self.rrf_k,
                            hybrid_candidates=self.candidates)

    @property
    def label(self) -> str:
        how = f"k={self.rrf_k}" if self.method == "rrf" else f"w={self.weight:g}"
        return f"{self.method} {how}, {self.candidates} cand."


@dataclass(frozen=True)
class Setting:
    representation: Representation
    fusion: Fusion

    @property
    def label(self) -> str:
        return f"{self.representation.label}; {self.fusion.label}"

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "context_turns": self.representation.turns,
                "context_date": self.representation.date, **asdict(self.fusion)}


def default_setting(config: MemoryConfig | None = None) -> Setting:
    """The defaults: ``load_locomo``'s context and ``MemoryConfig()``'s fusion."""
    c = config or MemoryConfig()
    return Setting(Representation(DEFAULT_CONTEXT_TURNS, True),
                   Fusion(c.hybrid_fusion, c.hybrid_vector_weight, c.rrf_k, c.hybrid_candidates))


#: The defaults before cross-validation: the turn alone; minmax 0.4 over 50 candidates.
PREVIOUS_DEFAULT = Setting(Representation(0, False), Fusion("minmax", 0.4, 60, 50))


def default_grid(candidates: Sequence[int] = (50,)) -> tuple[list[Representation], list[Fusion]]:
    """Context x fusion. ``candidates``: the hybrid_candidates values tried; 100 was measured
    (benchmarks/cv_locomo_dev_candidates100.json) at +0.015 recall@10 and +10 % search p50
    with the context, over the 10 % cost budget, so the default grid keeps 50."""
    reps = [Representation(0, False), Representation(0, True), Representation(1, True),
            Representation(2, False), Representation(2, True), Representation(3, True)]
    fusions = []
    for cand in candidates:
        fusions += [Fusion("minmax", w, 60, cand) for w in (0.2, 0.3, 0.4, 0.5)]
        fusions += [Fusion("adaptive", w, 60, cand) for w in (0.3, 0.4, 0.5)]
        fusions += [Fusion("rrf", 0.4, k, cand) for k in (10, 60)]
    return reps, fusions


def split_users(users: Sequence[str], folds: int) -> list[list[str]]:
    """Conversations cut into ``folds`` contiguous groups, in file order (sizes differ by at most one)."""
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise InvalidInputError("cv", f"needs at least 2 folds, got {folds!r}")
    if len(users) < folds:
        raise InvalidInputError("cv", f"{folds} folds need at least {folds} conversations; the dataset has {len(users)}")
    base, extra = divmod(len(users), folds)
    out, start = [], 0
    for f in range(folds):
        size = base + (1 if f < extra else 0)
        out.append(list(users[start : start + size]))
        start += size
    return out


def _score(q: Question, retrieved: list[str], k: int) -> dict[str, Any]:
    rank = first_hit_rank(q.evidence, retrieved, k)
    return {
        "category": q.category,
        "user_id": q.user_id,
        "recall": recall_at_k(q.evidence, retrieved, k),
        "rr": 0.0 if rank is None else 1.0 / rank,
        "ndcg": ndcg_at_k(q.evidence, retrieved, k),
        "session_hit5": session_hit(q.evidence, retrieved, SESSION_HIT_K),
    }


def _summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {
        "questions": len(rows),
        "recall": mean(r["recall"] for r in rows),
        "mrr": mean(r["rr"] for r in rows),
        "ndcg": mean(r["ndcg"] for r in rows),
        "session_hit5": mean(r["session_hit5"] for r in rows),
        "by_category": {
            str(c): mean(r["recall"] for r in rows if r["category"] == c)
            for c in sorted({r["category"] for r in rows})
        },
    }


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


@dataclass
class CVResult:
    """Per fold: the setting chosen on the other folds and its scores; the defaults' scores; cost."""

    k: int
    folds: list[dict[str, Any]]
    overall: dict[str, Any]
    settings: list[dict[str, Any]] = field(default_factory=list)
    cost: list[dict[str, Any]] = field(default_factory=list)
    dataset: dict[str, Any] = field(default_factory=dict)
    machine: dict[str, Any] = field(default_factory=dict)
    timestamp: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"timestamp": self.timestamp, "k": self.k, "folds": self.folds, "overall": self.overall,
                "settings": self.settings, "cost": self.cost, "dataset": self.dataset, "machine": self.machine}

    def folds_frame(self) -> Any:
        """One row per fold and row kind (chosen / default / previous default)."""
        import pandas as pd

        rows = []
        for f in self.folds:
            for kind in ("chosen", "default", "previous_default"):
                s = f[kind]
                rows.append({"fold": f["fold"], "kind": kind, "setting": s["setting"]["label"],
                             "train_recall": s.get("train_recall"), "recall": s["recall"], "mrr": s["mrr"],
                             "ndcg": s["ndcg"], "session_hit5": s["session_hit5"], "questions": s["questions"],
                             **{f"cat{c}": v for c, v in s["by_category"].items()}})
        return pd.DataFrame(rows)

    def table(self) -> str:
        k = self.k
        header = ["fold", "scored on", "row", "setting", f"train recall@{k}", f"recall@{k}", "MRR", f"nDCG@{k}",
                  "sess. hit@5"]
        body = []
        for f in self.folds:
            for kind in ("chosen", "default", "previous_default"):
                s = f[kind]
                body.append([str(f["fold"]), ",".join(f["test_users"]), kind.replace("_", " "), s["setting"]["label"],
                             "-" if s.get("train_recall") is None else f"{s['train_recall']:.3f}",
                             f"{s['recall']:.3f}", f"{s['mrr']:.3f}", f"{s['ndcg']:.3f}", f"{s['session_hit5']:.3f}"])
        for kind in ("chosen", "default", "previous_default"):
            s = self.overall[kind]
            body.append(["all", "-", kind.replace("_", " "), "(per fold)" if kind == "chosen" else s["setting"]["label"],
                         "-", f"{s['recall']:.3f}", f"{s['mrr']:.3f}", f"{s['ndcg']:.3f}", f"{s['session_hit5']:.3f}"])
        out = [render_table([header, *body])]
        if self.cost:
            cheader = ["setting", "ingest memories/s (median)", "ingest runs", "search p50 ms", "searches",
                       "load avg (ingest runs)"]
            cbody = [[c["setting"]["label"], f"{c['ops_per_s']:.1f}",
                      ", ".join(f"{r['ops_per_s']:.1f}" for r in c["runs"]), f"{c['p50_ms']:.2f}",
                      str(c.get("searches", "-")), " / ".join(str(r["load_before"]) for r in c["runs"])]
                     for c in self.cost]
            out.append(render_table([cheader, *cbody]))
        return "\n\n".join(out)


def cross_validate(
    path: str | Path,
    *,
    folds: int = 2,
    k: int = 10,
    grid: tuple[Sequence[Representation], Sequence[Fusion]] | None = None,
    config: MemoryConfig | None = None,
    categories: Iterable[int] | None = None,
    cost: bool = True,
    cost_repeat: int = 2,
    work_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> CVResult:
    """Cross-validate representation x fusion settings on a LoCoMo-format file (see the module docstring)."""
    from .. import Memory
    from ..embed import get_embedder

    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidInputError("k", f"must be a positive integer, got {k!r}")
    base = config or MemoryConfig()
    reps, fusions = grid or default_grid()
    default = default_setting(base)
    reps = list(dict.fromkeys([*reps, default.representation, PREVIOUS_DEFAULT.representation]))
    fusions = list(dict.fromkeys([*fusions, default.fusion, PREVIOUS_DEFAULT.fusion]))
    n_cand = max(max(f.candidates for f in fusions), k)

    datasets = {r: load_locomo(path, context_turns=r.turns, context_date=r.date) for r in reps}
    first = datasets[reps[0]]
    cats = (sorted({q.category for q in first.questions} - set(DEFAULT_EXCLUDED_CATEGORIES))
            if categories is None else sorted({int(c) for c in categories}))
    questions = [q for q in first.questions if q.category in cats]
    if not questions:
        raise InvalidInputError("categories", f"no questions in categories {cats}")
    groups = split_users(first.users, folds)

    embedder = get_embedder(base)
    if progress:
        progress("embed", 0, len(first.items))
    vectors = embedder.embed_sync(first.texts)  # content only: the same for every representation
    if progress:
        progress("embed", len(first.items), len(first.items))

    # representation -> per question: (vector rows, fts rows), each [{"id", "score", "dia_id"}]
    candidates: dict[Representation, list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]] = {}
    with _workspace(work_dir) as root:
        for r_index, rep in enumerate(reps):
            ds = datasets[rep]
            store = root / f"rep{r_index}"
            with Memory(base.replace(data_dir=str(store))) as mem:
                ingest(mem, ds, chunk=max(base.chunk_size, 256), vectors=vectors)
                lists = []
                for i, q in enumerate(questions, start=1):
                    pair = []
                    for mode in ("vector", "fts"):
                        hits = mem.search(q.question, user_id=q.user_id, limit=n_cand, mode=mode)
                        pair.append([{"id": h.id, "score": h.score, "dia_id": str(h.metadata.get("dia_id"))}
                                     for h in hits])
                    lists.append((pair[0], pair[1]))
                    if progress and (i % 50 == 0 or i == len(questions)):
                        progress(f"candidates {rep.label}", i, len(questions))
                candidates[rep] = lists
            shutil.rmtree(store, ignore_errors=True)

    settings = [Setting(r, f) for r in reps for f in fusions]
    # setting -> per question scores (fused exactly as search does)
    scores: dict[Setting, list[dict[str, Any]]] = {}
    for s in settings:
        cfg = s.fusion.config(base)
        out = []
        for q, (vec, fts) in zip(questions, candidates[s.representation]):
            n = s.fusion.candidates
            fused = fuse(vec[:n], fts[:n], config=cfg, limit=k, query=q.question)
            out.append(_score(q, [r["dia_id"] for r in fused], k))
        scores[s] = out

    def on(s: Setting, users: set[str]) -> list[dict[str, Any]]:
        return [r for r in scores[s] if r["user_id"] in users]

    fold_rows: list[dict[str, Any]] = []
    pooled: dict[str, list[dict[str, Any]]] = {"chosen": [], "default": [], "previous_default": []}
    for f, test_users in enumerate(groups):
        test, train = set(test_users), set(first.users) - set(test_users)
        train_recall = {s: mean(r["recall"] for r in on(s, train)) for s in settings}
        best = max(settings, key=lambda s: train_recall[s])  # first in grid order on ties
        row: dict[str, Any] = {"fold": f, "test_users": list(test_users), "train_users": sorted(train)}
        for kind, s in (("chosen", best), ("default", default), ("previous_default", PREVIOUS_DEFAULT)):
            rows = on(s, test)
            pooled[kind].extend(rows)
            row[kind] = {"setting": s.to_dict(), "train_recall": train_recall[s], **_summary(rows)}
        fold_rows.append(row)
    overall = {
        "chosen": {"setting": {"label": "chosen per fold"}, **_summary(pooled["chosen"])},
        "default": {"setting": default.to_dict(), **_summary(pooled["default"])},
        "previous_default": {"setting": PREVIOUS_DEFAULT.to_dict(), **_summary(pooled["previous_default"])},
        "default_full_split": {"setting": default.to_dict(), **_summary(scores[default])},
    }
    table = [{**s.to_dict(), **{k2: v for k2, v in _summary(scores[s]).items()},
              "per_fold": [mean(r["recall"] for r in on(s, set(g))) for g in groups]} for s in settings]

    result = CVResult(
        k=k, folds=fold_rows, overall=overall, settings=table,
        dataset={**first.to_dict(), "questions_scored": len(questions), "categories": cats,
                 "category_names": {str(c): CATEGORY_NAMES.get(c, str(c)) for c in cats}},
        machine=machine_facts(model=base.model),
        timestamp=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    if cost:
        # each choice on its own, then both: previous, + context, + candidates, the defaults
        steps = [PREVIOUS_DEFAULT, Setting(default.representation, PREVIOUS_DEFAULT.fusion),
                 Setting(PREVIOUS_DEFAULT.representation, default.fusion), default]
        result.cost = measure_cost(path, list(dict.fromkeys(steps)), base=base, k=k, categories=cats,
                                   repeat=cost_repeat, work_dir=work_dir, progress=progress)
    return result


def measure_cost(
    path: str | Path,
    settings: Sequence[Setting],
    *,
    base: MemoryConfig,
    k: int,
    categories: Sequence[int],
    repeat: int = 2,
    work_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Ingest rate and hybrid search latency of each setting, in one run, interleaved.

    Ingest: ``repeat`` rounds; in each, every setting stores the whole dataset into a fresh
    store with the model running (order reversed every other round). Search: the last
    round's stores stay open and every question is searched in hybrid mode on each of them
    in turn (the order rotating per question), so a burst of load on the shared machine hits
    every setting alike. The load average is recorded around each step; each setting's
    hybrid recall from those searches is reported too (it must match the CV figures).
    """
    from .. import Memory

    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise InvalidInputError("cost_repeat", f"must be a positive integer, got {repeat!r}")
    datasets = [load_locomo(path, context_turns=s.representation.turns, context_date=s.representation.date)
                for s in settings]
    questions = [q for q in datasets[0].questions if q.category in set(categories)]
    runs: list[list[dict[str, Any]]] = [[] for _ in settings]
    latencies: list[list[float]] = [[] for _ in settings]
    recalls: list[list[float]] = [[] for _ in settings]
    mems: list[Any] = [None] * len(settings)
    steps = repeat * len(settings) + len(questions)
    step = 0
    with _workspace(work_dir) as root:
        try:
            for rep in range(repeat):
                order = list(range(len(settings)))
                if rep % 2:
                    order.reverse()
                for i in order:
                    if mems[i] is not None:
                        mems[i].close()
                    store = root / f"cost{i}-{rep}"
                    mem = Memory(settings[i].fusion.config(base).replace(data_dir=str(store)))
                    load_before = _loadavg()
                    index = ingest(mem, datasets[i], chunk=max(base.chunk_size, 256))
                    runs[i].append({"ops_per_s": index["ops_per_s"], "seconds": index["seconds"],
                                    "load_before": load_before[0] if load_before else None,
                                    "load_after": (_loadavg() or [None])[0]})
                    mems[i] = mem
                    step += 1
                    if progress:
                        progress("cost", step, steps)
            search_load = _loadavg()
            for n, q in enumerate(questions):
                for j in range(len(settings)):
                    i = (n + j) % len(settings)
                    t0 = time.perf_counter()
                    hits = mems[i].search(q.question, user_id=q.user_id, limit=k, mode="hybrid")
                    latencies[i].append((time.perf_counter() - t0) * 1000.0)
                    recalls[i].append(recall_at_k(q.evidence, [str(h.metadata.get("dia_id")) for h in hits], k))
                step += 1
                if progress and (step % 50 == 0 or step == steps):
                    progress("cost", step, steps)
        finally:
            for mem in mems:
                if mem is not None:
                    mem.close()
    return [{"setting": settings[i].to_dict(),
             "ops_per_s": float(np.median([r["ops_per_s"] for r in runs[i]])),
             "p50_ms": float(np.percentile(latencies[i], 50)),
             "p95_ms": float(np.percentile(latencies[i], 95)),
             "searches": len(latencies[i]),
             "recall": mean(recalls[i]),
             "search_load_before": search_load[0] if search_load else None,
             "search_load_after": (_loadavg() or [None])[0],
             "runs": runs[i]} for i in range(len(settings))]
