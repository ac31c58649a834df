"""Cross-validated retrieval evaluation over several data sets: every setting chosen on some
users of every data set and scored on the others (``agentmem eval --cv 2``).

A *setting* is what the library decides: the full-text evidence a memory stored without a
context takes from the rows stored before it (``fts_turn_weight``) and the hybrid fusion
(``hybrid_fusion``, ``hybrid_vector_weight``, ``hybrid_vector_floor`` or ``rrf_k``,
``hybrid_candidates``). A *path* is how a caller puts data in, and is not chosen: plain
``add_batch`` (what every caller who builds nothing gets), ``add_batch`` with contexts (the
date and two turns before each LoCoMo turn, built by ``load_locomo``) and ``add(messages)``
with timestamps (the store builds the contexts). A *unit* is one data set through one path:
facts go in through plain ``add_batch`` only, conversations through all three.

How it runs:

1. Each data set's vectors are computed once (the vector of a memory is of its content
   alone, so every path and setting shares them; ``add(messages)`` embeds its own).
2. For each unit and turn weight, the data is stored in a fresh Memory and each
   question's vector and full-text candidates are fetched with ``search``
   (``mode="vector"`` / ``"fts"``): the very lists hybrid search fuses. A unit whose
   every memory has a context gets no turn evidence, so it is stored once.
3. Every fusion is applied to those lists with :func:`agentmem.fusion.fuse`, the
   function ``search`` calls, so a setting's figures are what the library returns.
4. Each data set's users are cut into ``folds`` contiguous groups in file order. Fold f:
   the setting with the best mean, over units, of the unit's objective (top-1 for facts,
   recall@k for conversations: :func:`objective_of`) on the other groups is scored on
   group f. Nothing is chosen on the questions it is scored on.

Each unit's report has the chosen settings, the defaults (``MemoryConfig()``), the previous
defaults (min-max 0.4, no turn evidence) and vector search alone, which no default may lose
to. With ``cost=True``, the defaults' and the previous defaults' ingest rate (the model
running) and hybrid search p50 are measured in the same run, interleaved, with the load
average around each.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..bench.datasets import (
    DATASET_KINDS,
    DEFAULT_CONTEXT_TURNS,
    Dataset,
    Question,
    load_facts,
    load_locomo,
    parse_spec,
)
from ..bench.harness import positive_int, workspace
from ..bench.machine import load_average, machine_facts
from ..bench.results import render_table
from ..bench.stats import mean, median, percentile
from ..config import MemoryConfig
from ..errors import InvalidInputError
from ..fusion import fuse
from .metrics import mean_scores, question_scores, recall_at_k
from .retrieval import CATEGORY_NAMES, DEFAULT_EXCLUDED_CATEGORIES, ingest, session_time

__all__ = [
    "CONTEXTS",
    "MESSAGES",
    "PLAIN",
    "CVResult",
    "DataPath",
    "Fusion",
    "Setting",
    "cross_validate",
    "default_grid",
    "default_setting",
    "split_users",
]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DataPath:
    """How a data set goes in: ``turns`` turns before a LoCoMo turn and/or the session date
    as its context (``add_batch(contexts=...)``), or ``messages``: each session as one
    ``add(messages, timestamp=...)`` call."""

    name: str
    turns: int = 0
    date: bool = False
    messages: bool = False


PLAIN = DataPath("add_batch")
CONTEXTS = DataPath("add_batch + contexts", DEFAULT_CONTEXT_TURNS, True)
MESSAGES = DataPath("add(messages)", messages=True)
#: The paths a conversational data set is scored through (facts: plain only).
CONVERSATION_PATHS = (PLAIN, CONTEXTS, MESSAGES)


@dataclass(frozen=True)
class Fusion:
    """A hybrid fusion: the MemoryConfig fields it sets (``method="vector"``: vector search alone)."""

    method: str
    weight: float = 0.4
    rrf_k: int = 60
    candidates: int = 50
    floor: float = 0.0
    half_rows: int = 60

    def config(self, base: MemoryConfig) -> MemoryConfig:
        if self.method == "vector":
            return base.replace(search_mode="vector")
        return base.replace(hybrid_fusion=self.method, hybrid_vector_weight=self.weight, rrf_k=self.rrf_k,
                            hybrid_candidates=self.candidates, hybrid_vector_floor=self.floor,
                            hybrid_text_half_rows=self.half_rows)

    @property
    def label(self) -> str:
        if self.method == "vector":
            return "vector search alone"
        how = f"k={self.rrf_k}" if self.method == "rrf" else f"vector weight {self.weight:g}"
        if self.method == "calibrated":
            how += f", floor {self.floor:g}, full text at half weight in {self.half_rows} memories"
        return f"{self.method}, {how}, {self.candidates} candidates"


@dataclass(frozen=True)
class Setting:
    """What the library decides: turn evidence and fusion."""

    turn_weight: float
    fusion: Fusion
    centering: float = 0.0

    @property
    def label(self) -> str:
        center = f"vector centering {self.centering:g}"
        if self.fusion.method == "vector":
            return f"{self.fusion.label}, {'plain cosine' if not self.centering else center}"
        return f"{self.fusion.label}; turn evidence {self.turn_weight:g}; {center}"

    def config(self, base: MemoryConfig) -> MemoryConfig:
        return self.fusion.config(base).replace(fts_turn_weight=self.turn_weight, vector_centering=self.centering)

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "turn_weight": self.turn_weight, "centering": self.centering,
                **asdict(self.fusion)}


def default_setting(config: MemoryConfig | None = None) -> Setting:
    """``MemoryConfig()``'s turn evidence and fusion."""
    c = config or MemoryConfig()
    return Setting(c.fts_turn_weight,
                   Fusion(c.hybrid_fusion, c.hybrid_vector_weight, c.rrf_k, c.hybrid_candidates, c.hybrid_vector_floor,
                          c.hybrid_text_half_rows), c.vector_centering)


#: The defaults before calibrated fusion: min-max 0.4 over 50 candidates, no turn evidence.
PREVIOUS_DEFAULT = Setting(0.0, Fusion("minmax", 0.4, 60, 50))
#: What no default may lose to, on any data set: vector search with plain cosine (as peers
#: run it), and with the defaults' centering (``default_vector``, built from the config).
VECTOR_ONLY = Setting(0.0, Fusion("vector"))
#: Results fused per question: enough to reach ``SESSION_HIT_K`` distinct sessions.
POOL = 50
#: The row kinds of a report.
KINDS = ("chosen", "default", "previous_default", "vector_only", "default_vector")


def default_grid(candidates: Sequence[int] = (50,)) -> tuple[list[float], list[float], list[Fusion]]:
    """Turn weights x vector centerings x fusions. ``candidates``: the hybrid_candidates values
    tried (100 was measured at +0.015 recall@10 and +10 % search p50 on the LoCoMo dev split
    with min-max fusion, over the 10 % cost budget, so the default grid keeps 50)."""
    turns = [0.0, 0.5, 0.7]
    centerings = [0.0, 0.5, 0.8]
    fusions = []
    for cand in candidates:
        fusions += [Fusion("calibrated", w, 60, cand, 0.0, h) for h in (30, 60, 120)
                    for w in (0.05, 0.1, 0.15, 0.2, 0.3)]
        fusions += [Fusion("minmax", w, 60, cand) for w in (0.4, 0.5)]
        fusions += [Fusion("rrf", 0.4, 60, cand)]
    return turns, centerings, fusions


def split_users(users: Sequence[str], folds: int) -> list[list[str]]:
    """Users cut into ``folds`` contiguous groups, in file order (sizes differ by at most one)."""
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise InvalidInputError("cv", f"needs at least 2 folds, got {folds!r}")
    if len(users) < folds:
        raise InvalidInputError("cv", f"{folds} folds need at least {folds} users; the data set has {len(users)}")
    base, extra = divmod(len(users), folds)
    out, start = [], 0
    for f in range(folds):
        size = base + (1 if f < extra else 0)
        out.append(list(users[start : start + size]))
        start += size
    return out


def objective_of(kind: str) -> str:
    """What settings are chosen by on a data set: the top hit for a handful of facts per
    user (recall@10 is near 1 there for any setting), recall@k for conversations."""
    return "top1" if kind == "facts" else "recall"


def _spec(spec: str | Path) -> tuple[str, str]:
    text = str(spec)
    if text.split(":", 1)[0].lower() in DATASET_KINDS:
        return parse_spec(text)
    return "locomo", text


def _load(spec: str | Path, path: DataPath) -> Dataset:
    """``facts:PATH``, ``locomo:PATH`` or a bare LoCoMo path, as ``path`` puts it in."""
    kind, where = _spec(spec)
    if kind == "facts":
        return load_facts(where)
    if kind != "locomo":
        raise InvalidInputError("dataset", f"cross-validation needs LoCoMo or facts data, got {kind}:")
    if path.messages:  # the store builds the contexts
        return load_locomo(where, context_turns=0, context_date=False)
    return load_locomo(where, context_turns=path.turns, context_date=path.date)


def _score(q: Question, retrieved: list[str], k: int) -> dict[str, Any]:
    return {"category": q.category, "user_id": q.user_id, **question_scores(q.evidence, retrieved, k)}


def _summary(rows: Sequence[dict[str, Any]], excluded: Sequence[int]) -> dict[str, Any]:
    """Scores of the answerable questions; session hit@5 over every question (adversarial
    ones included, as the published figure counts them)."""
    ans = [r for r in rows if r["category"] not in excluded]
    return {
        "questions": len(ans),
        **mean_scores(ans),
        "session_hit5": mean(r["session_hit5"] for r in rows),
        "session_questions": len(rows),
        "by_category": {
            str(c): mean(r["recall"] for r in ans if r["category"] == c)
            for c in sorted({r["category"] for r in ans})
        },
    }


@dataclass
class CVResult:
    """Per fold: the setting chosen on the other folds; per unit (data set x path) and row
    kind (chosen, default, previous default, vector alone): the scores; cost."""

    k: int
    folds: list[dict[str, Any]]
    overall: dict[str, Any]
    units: list[dict[str, Any]] = field(default_factory=list)
    settings: list[dict[str, Any]] = field(default_factory=list)
    cost: list[dict[str, Any]] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=dict)
    timestamp: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"timestamp": self.timestamp, "k": self.k, "folds": self.folds, "overall": self.overall,
                "units": self.units, "settings": self.settings, "cost": self.cost, "machine": self.machine}

    def frame(self) -> Any:
        """One row per unit and row kind, pooled over folds (chosen: each fold's own choice)."""
        import pandas as pd

        rows = []
        for u in self.units:
            for kind in KINDS:
                s = self.overall[u["unit"]][kind]
                rows.append({"dataset": u["dataset"], "path": u["path"], "kind": kind,
                             "setting": s["setting"]["label"], **{m: s[m] for m in
                             ("recall", "top1", "mrr", "ndcg", "session_hit5", "questions")},
                             **{f"category {c}": v for c, v in s["by_category"].items()}})
        return pd.DataFrame(rows)

    def folds_frame(self) -> Any:
        """One row per fold, unit and row kind."""
        import pandas as pd

        rows = []
        for f in self.folds:
            for u in self.units:
                for kind in KINDS:
                    s = f["units"][u["unit"]][kind]
                    rows.append({"fold": f["fold"], "dataset": u["dataset"], "path": u["path"], "kind": kind,
                                 "setting": s["setting"]["label"], "train_score": f["train_score"].get(kind),
                                 **{m: s[m] for m in ("recall", "top1", "mrr", "ndcg", "session_hit5",
                                                      "questions")}})
        return pd.DataFrame(rows)

    def table(self) -> str:
        k = self.k
        header = ["data set", "path", "row", "setting", f"recall@{k}", "top-1", "MRR", "session hit@5", "questions"]
        body = []
        for u in self.units:
            for kind in KINDS:
                s = self.overall[u["unit"]][kind]
                label = "(chosen per fold)" if kind == "chosen" else s["setting"]["label"]
                body.append([u["dataset"], u["path"], kind.replace("_", " "), label, f"{s['recall']:.3f}",
                             f"{s['top1']:.3f}", f"{s['mrr']:.3f}", f"{s['session_hit5']:.3f}", str(s["questions"])])
        out = [render_table([header, *body])]
        fbody = [[str(f["fold"]), f["chosen"]["label"], f"{f['train_score']['chosen']:.3f}",
                  f"{f['train_score']['default']:.3f}"] for f in self.folds]
        out.append(render_table([["fold", "chosen on the other folds", "its train score", "default's train score"],
                                 *fbody]))
        if self.cost:
            cheader = ["path", "setting", "ingest memories/s (median)", "ingest runs", "search p50 ms", "p95 ms",
                       "searches", "load avg (ingest runs)"]
            cbody = [[c["path"], c["setting"]["label"], f"{c['ops_per_s']:.1f}",
                      ", ".join(f"{r['ops_per_s']:.1f}" for r in c["runs"]), f"{c['p50_ms']:.2f}",
                      f"{c['p95_ms']:.2f}", str(c.get("searches", "-")),
                      " / ".join(str(r["load_before"]) for r in c["runs"])]
                     for c in self.cost]
            out.append(render_table([cheader, *cbody]))
        return "\n\n".join(out)


def cross_validate(
    path: str | Path | Sequence[str | Path],
    *,
    folds: int = 2,
    k: int = 10,
    grid: tuple[Sequence[float], Sequence[float], Sequence[Fusion]] | None = None,
    config: MemoryConfig | None = None,
    categories: Iterable[int] | None = None,
    paths: Sequence[DataPath] = CONVERSATION_PATHS,
    choose: bool = True,
    cost: bool = True,
    cost_repeat: int = 2,
    work_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> CVResult:
    """Cross-validate settings over one or more data sets (see the module docstring).

    ``path``: one LoCoMo file, or a list of specs (``locomo:PATH``, ``facts:PATH``).
    ``paths``: the ways conversations go in (facts: plain ``add_batch`` only).
    ``categories`` limits the questions scored (default: all but adversarial; session hit@5
    counts every question). ``choose=False``: nothing is chosen, every fold's "chosen" row
    is the defaults (a check on held-out data).
    """
    from .. import Memory
    from ..embed import get_embedder

    positive_int("k", k)
    specs = [path] if isinstance(path, (str, Path)) else list(path)
    if not specs:
        raise InvalidInputError("dataset", "name at least one data set")
    if not paths:
        raise InvalidInputError("paths", "name at least one way in")
    base = config or MemoryConfig()
    default = default_setting(base)
    default_vector = Setting(0.0, VECTOR_ONLY.fusion, default.centering)
    if choose:
        turn_weights, centerings, fusions = grid or default_grid()
        fusions = [f for f in dict.fromkeys([*fusions, default.fusion]) if f.method != "vector"]
        settings = [Setting(t, f, c) for t in dict.fromkeys([*turn_weights, default.turn_weight])
                    for c in dict.fromkeys([*centerings, default.centering]) for f in fusions]
    else:
        settings = [default]
    scored = list(dict.fromkeys([*settings, default, PREVIOUS_DEFAULT, VECTOR_ONLY, default_vector]))
    stores = list(dict.fromkeys((s.turn_weight, s.centering) for s in scored))
    n_cand = max(max(s.fusion.candidates for s in scored), k, POOL)
    embedder = get_embedder(base)
    excluded = tuple(DEFAULT_EXCLUDED_CATEGORIES) if categories is None else ()
    keep = None if categories is None else {int(c) for c in categories}

    units: list[dict[str, Any]] = []
    # (unit, turn weight, centering) -> per question: (vector rows, fts rows, scope size), rows
    # as [{"id", "score", "dia_id"}]
    candidates: dict[tuple[str, float, float], list[tuple[list[dict[str, Any]], list[dict[str, Any]], int]]] = {}
    with workspace(work_dir) as root:
        for d_index, spec in enumerate(specs):
            kind = _spec(spec)[0]
            vectors = None
            for p_index, dpath in enumerate([PLAIN] if kind == "facts" else list(paths)):
                ds = _load(spec, dpath)
                questions = [q for q in ds.questions if keep is None or q.category in keep]
                if not questions:
                    raise InvalidInputError("categories", f"{ds.name}: no questions in categories {sorted(keep or [])}")
                name = f"{ds.name} / {dpath.name}"
                unit = {"unit": name, "dataset": ds.name, "kind": ds.kind, "path": dpath.name,
                        "objective": objective_of(ds.kind), "questions": questions,
                        "groups": split_users(ds.users, folds), "source": ds.source, "memories": len(ds.items)}
                units.append(unit)
                if vectors is None and not dpath.messages:
                    if progress:
                        progress(f"embed {ds.name}", 0, len(ds.items))
                    vectors = embedder.embed_sync(ds.texts)  # content only: the same for every path
                every_context = (all(session_time(item.metadata.get("session_date")) for item in ds.items)
                                 if dpath.messages else all(item.context for item in ds.items))
                for s_index, (weight, centering) in enumerate(stores):
                    same = next((candidates[(name, w, c)] for (w, c) in stores[:s_index]
                                 if c == centering and (name, w, c) in candidates), None)
                    if every_context and same is not None:  # no row takes turn evidence: the same lists
                        candidates[(name, weight, centering)] = same
                        continue
                    store = root / f"set{d_index}-path{p_index}-store{s_index}"
                    with Memory(base.replace(data_dir=str(store), fts_turn_weight=weight,
                                             vector_centering=centering)) as mem:
                        if dpath.messages:
                            ingest(mem, ds, chunk=max(base.chunk_size, 256), messages=True)
                        else:
                            ingest(mem, ds, chunk=max(base.chunk_size, 256), vectors=vectors)
                        lists = []
                        sizes: dict[str, int] = {}
                        for i, q in enumerate(questions, start=1):
                            if q.user_id not in sizes:
                                sizes[q.user_id] = mem.count(user_id=q.user_id)
                            pair = []
                            for mode in ("vector", "fts"):
                                hits = mem.search(q.question, user_id=q.user_id, limit=n_cand, mode=mode)
                                pair.append([{"id": h.id, "score": h.score, "dia_id": str(h.metadata.get("dia_id"))}
                                             for h in hits])
                            lists.append((pair[0], pair[1], sizes[q.user_id]))
                            if progress and (i % 50 == 0 or i == len(questions)):
                                progress(f"candidates {name}, turn evidence {weight:g}, centering {centering:g}",
                                         i, len(questions))
                        candidates[(name, weight, centering)] = lists
                    shutil.rmtree(store, ignore_errors=True)

    def fused(s: Setting, unit: dict[str, Any]) -> list[dict[str, Any]]:
        """Per question of the unit: its scores under ``s``, fused exactly as search does."""
        cfg = s.config(base)
        out = []
        for q, (vec, fts, size) in zip(unit["questions"], candidates[(unit["unit"], s.turn_weight, s.centering)]):
            if s.fusion.method == "vector":
                rows = vec[:POOL]
            else:
                n = s.fusion.candidates
                rows = fuse(vec[:n], fts[:n], config=cfg, limit=max(k, POOL), query=q.question, scope_rows=size)
            out.append(_score(q, [r["dia_id"] for r in rows], k))
        return out

    scores = {s: [fused(s, u) for u in units] for s in scored}

    def objective(s: Setting, users: list[set[str]]) -> float:
        vals = []
        for u_index, unit in enumerate(units):
            rows = [r for r in scores[s][u_index] if r["user_id"] in users[u_index] and r["category"] not in excluded]
            vals.append(mean(r[unit["objective"]] for r in rows))
        return mean(vals)

    fold_rows: list[dict[str, Any]] = []
    pooled: dict[str, dict[str, list[dict[str, Any]]]] = {u["unit"]: {kind: [] for kind in KINDS} for u in units}
    chosen_by_fold: list[Setting] = []
    for f in range(folds):
        test = [set(u["groups"][f]) for u in units]
        train = [{x for g, grp in enumerate(u["groups"]) if g != f for x in grp} for u in units]
        train_score = {s: objective(s, train) for s in scored}
        best = max(settings, key=lambda s: train_score[s])  # first in grid order on ties
        chosen_by_fold.append(best)
        row: dict[str, Any] = {"fold": f, "chosen": best.to_dict(),
                               "train_score": {"chosen": train_score[best], "default": train_score[default],
                                               "previous_default": train_score[PREVIOUS_DEFAULT],
                                               "vector_only": objective(VECTOR_ONLY, train),
                                               "default_vector": objective(default_vector, train)},
                               "test_users": {u["unit"]: sorted(t) for u, t in zip(units, test)}, "units": {}}
        for u_index, unit in enumerate(units):
            per_kind = {}
            for kind, s in (("chosen", best), ("default", default), ("previous_default", PREVIOUS_DEFAULT),
                            ("vector_only", VECTOR_ONLY), ("default_vector", default_vector)):
                rows = [r for r in scores[s][u_index] if r["user_id"] in test[u_index]]
                pooled[unit["unit"]][kind].extend(rows)
                per_kind[kind] = {"setting": s.to_dict(), **_summary(rows, excluded)}
            row["units"][unit["unit"]] = per_kind
        fold_rows.append(row)
    overall: dict[str, Any] = {}
    for u_index, unit in enumerate(units):
        name = unit["unit"]
        overall[name] = {
            "chosen": {"setting": {"label": "chosen per fold"}, **_summary(pooled[name]["chosen"], excluded)},
            "default": {"setting": default.to_dict(), **_summary(pooled[name]["default"], excluded)},
            "previous_default": {"setting": PREVIOUS_DEFAULT.to_dict(),
                                 **_summary(pooled[name]["previous_default"], excluded)},
            "vector_only": {"setting": VECTOR_ONLY.to_dict(), **_summary(pooled[name]["vector_only"], excluded)},
            "default_vector": {"setting": default_vector.to_dict(),
                               **_summary(pooled[name]["default_vector"], excluded)},
        }
    everyone = [set().union(*map(set, u["groups"])) for u in units]
    table = [{**s.to_dict(), "objective": objective(s, everyone),
              "per_fold": [objective(s, [set(u["groups"][g]) for u in units]) for g in range(folds)],
              "units": {u["unit"]: _summary(scores[s][i], excluded) for i, u in enumerate(units)}}
             for s in settings]

    result = CVResult(
        k=k, folds=fold_rows, overall=overall, settings=table,
        units=[{key: u[key] for key in ("unit", "dataset", "kind", "path", "objective", "source", "memories")}
               | {"questions": len(u["questions"]), "users": len(everyone[i]),
                  "categories": {str(c): CATEGORY_NAMES.get(c, str(c)) if u["kind"] == "locomo" else str(c)
                                 for c in sorted({q.category for q in u["questions"]})}}
               for i, u in enumerate(units)],
        machine=machine_facts(model=base.model),
        timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    if cost:
        conv = next((s for s in specs if _spec(s)[0] == "locomo"), None)
        if conv is not None:
            cats = sorted({q.category for q in units[0]["questions"]} - set(excluded))
            result.cost = measure_cost(_spec(conv)[1], [(PLAIN, PREVIOUS_DEFAULT), (PLAIN, default),
                                                        (CONTEXTS, PREVIOUS_DEFAULT), (CONTEXTS, default)],
                                       base=base, k=k, categories=cats, repeat=cost_repeat, work_dir=work_dir,
                                       progress=progress)
    return result


def measure_cost(
    path: str | Path,
    runs_of: Sequence[tuple[DataPath, Setting]],
    *,
    base: MemoryConfig,
    k: int,
    categories: Sequence[int],
    repeat: int = 2,
    work_dir: str | Path | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Ingest rate and hybrid search latency of each (path, setting), in one run, interleaved.

    Ingest: ``repeat`` rounds; in each, every pair stores the whole LoCoMo file into a fresh
    store with the model running (order reversed every other round). Search: the last
    round's stores stay open and every question is searched in hybrid mode on each of them
    in turn (the order rotating per question), so a burst of load on the shared machine hits
    every pair alike. The load average is recorded around each step; each pair's hybrid
    recall from those searches is reported too (it must match the CV figures).
    """
    from .. import Memory

    positive_int("cost_repeat", repeat)
    datasets = [_load(path, p) for p, _ in runs_of]
    questions = [q for q in datasets[0].questions if q.category in set(categories)]
    runs: list[list[dict[str, Any]]] = [[] for _ in runs_of]
    latencies: list[list[float]] = [[] for _ in runs_of]
    recalls: list[list[float]] = [[] for _ in runs_of]
    mems: list[Any] = [None] * len(runs_of)
    steps = repeat * len(runs_of) + len(questions)
    step = 0
    with workspace(work_dir) as root:
        try:
            for rep in range(repeat):
                order = list(range(len(runs_of)))
                if rep % 2:
                    order.reverse()
                for i in order:
                    if mems[i] is not None:
                        mems[i].close()
                    store = root / f"cost{i}-{rep}"
                    dpath, setting = runs_of[i]
                    mem = Memory(setting.config(base).replace(data_dir=str(store)))
                    load_before = load_average()
                    index = ingest(mem, datasets[i], chunk=max(base.chunk_size, 256), messages=dpath.messages)
                    runs[i].append({"ops_per_s": index["ops_per_s"], "seconds": index["seconds"],
                                    "load_before": load_before[0] if load_before else None,
                                    "load_after": (load_average() or [None])[0]})
                    mems[i] = mem
                    step += 1
                    if progress:
                        progress("cost", step, steps)
            search_load = load_average()
            for n, q in enumerate(questions):
                for j in range(len(runs_of)):
                    i = (n + j) % len(runs_of)
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
    return [{"path": runs_of[i][0].name, "setting": runs_of[i][1].to_dict(),
             "ops_per_s": median(r["ops_per_s"] for r in runs[i]),
             "p50_ms": percentile(latencies[i], 50),
             "p95_ms": percentile(latencies[i], 95),
             "searches": len(latencies[i]),
             "recall": mean(recalls[i]),
             "search_load_before": search_load[0] if search_load else None,
             "search_load_after": (load_average() or [None])[0],
             "runs": runs[i]} for i in range(len(runs_of))]
