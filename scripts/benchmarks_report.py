"""Write BENCHMARKS.md from its template and the result files in benchmarks/.

    python scripts/benchmarks_report.py                  # writes BENCHMARKS.md
    python scripts/benchmarks_report.py --check          # exit 1 when BENCHMARKS.md is not what the files give
    python scripts/benchmarks_report.py benchmarks/scale_1m_mem0.json ...   # print the tables of these results

The template (``docs/benchmarks_template.md``) is Markdown with directives, each alone on its line:

    {{table FILE}}        the tables of benchmarks/FILE (its kind is read from its content)
    {{table FILE -infer}} the infer workload of a phase run (agentmem bench --infer)
    {{if FILE}} ... {{end}}   the lines between are kept only when benchmarks/FILE exists
    {{targets}}           the Targets table, every figure read from the result files

and inline values, ``{{FILE:PATH:FORMAT}}``: PATH is dotted keys, list indices, or ``key=value`` to
pick the list element whose ``key`` is ``value`` (``phases.phase=p3.ops_per_s``); FORMAT is a Python
format spec (``,.1f``). ``history/FILE`` reads an older result kept in ``docs/history/``. Nothing in a table or a figure is typed by hand; the same files give the same
report, byte for byte. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # a checkout without the package installed
from agentmem.bench.scale import command_of, short_size

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks"
HISTORY = ROOT / "docs" / "history"
TEMPLATE = ROOT / "docs" / "benchmarks_template.md"
REPORT = ROOT / "BENCHMARKS.md"
STAGES = ("embed", "vectors", "records", "history", "other")
Run = dict[str, Any]


# ---------------------------------------------------------------- formatting helpers

def _f(value: float | None, digits: int = 1) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.{digits}f}"


def _load(values: Any) -> str:
    if isinstance(values, int | float):
        return f"{values:.2f}"
    return ", ".join(f"{x:.2f}" for x in values or [])


def _date(run: Run) -> str:
    m = run.get("machine") if isinstance(run.get("machine"), dict) else {}
    for value in (run.get("timestamp"), m.get("timestamp"), run.get("when"), (run.get("recorded") or {}).get("date")):
        if value:
            return str(value)[:10]
    return "not recorded"


def _machine(run: Run) -> str:
    m = run.get("machine")
    if isinstance(m, str):
        return m
    if not m:
        return "not recorded in the result"
    parts = [f"{m['cpu_count']} x {m['cpu_model']}" if m.get("cpu_model") else f"{m.get('cpu_count')} cores"]
    if m.get("memory_gib"):
        parts.append(f"{m['memory_gib']} GiB")
    if m.get("python"):
        parts.append(f"Python {m['python']}")
    return ", ".join(parts)


def about(run: Run) -> str:
    """The run's date, machine and load average at its start, as one sentence."""
    m = run.get("machine") if isinstance(run.get("machine"), dict) else {}
    load = (m.get("load_avg") or run.get("load_average_start") or run.get("load_avg_start")
            or run.get("load_start") or (run.get("recorded") or {}).get("load_avg_1min"))
    text = f"Run on {_date(run)}; machine: {_machine(run)}"
    return text + (f"; load average at the start {_load(load)}." if load else ".")


def _table(head: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    align = align or "l" + "r" * (len(head) - 1)
    return ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|",
            *("| " + " | ".join(r) + " |" for r in rows)]


# ---------------------------------------------------------------- agentmem bench (the phases)

def bench_tables(run: Run) -> str:
    p = run.get("params", {})
    d = run["dataset"]
    source = d["source"] if d.get("source") else d.get("n")  # a synthetic set is named by its size
    argv = ["python -m agentmem bench", f"--dataset {d.get('kind', 'locomo')}:{source}", f"--repeat {p.get('repeat', 1)}"]
    if not p.get("include_mem0", True):
        argv.append("--no-mem0")
    inf = (run.get("infer") or {}).get("settings")
    if inf:
        argv += ["--infer", f"--infer-conversations {inf['conversations']}", f"--infer-adds {inf['adds']}",
                 f"--infer-concurrency {inf['concurrency']}"]
    lines = [f"`{' '.join(argv)}`: dataset {d['name']} ({d.get('n', '?')} memories), repeat {p.get('repeat', '?')}. "
             + about(run), ""]
    refs = run.get("references") or {}
    rows = []
    for row in run["phases"] + list(refs.values() if isinstance(refs, dict) else refs):
        st = row.get("stage_seconds") or {}
        rows.append([row["phase"], _f(row["ops_per_s"]), f"{_f(row.get('ops_per_s_min'))}-{_f(row.get('ops_per_s_max'))}",
                     _f(row.get("wall_s"), 2), *(_f(st.get(s), 2) for s in STAGES), _f(row.get("p50_ms")),
                     _f(row.get("p95_ms")), "-" if row.get("stored") is None else str(row["stored"]),
                     _f(row.get("ratio_to_ceiling"), 2), _f(row.get("cpu_ms_per_item"), 2)])
    lines += _table(["row", "ops/s (median)", "min-max", "wall s", *(f"{s} s" for s in STAGES), "p50 ms", "p95 ms",
                     "stored", "x ceiling", "CPU ms/memory"], rows)
    targets = run.get("targets") or {}
    if targets:
        lines += ["", "Ratios computed by the run: " + ", ".join(f"`{k}` = {v}" for k, v in targets.items()) + "."]
    if "mem0" not in refs:
        lines += ["", "No Mem0 row in this run (`--no-mem0`)."]
    return "\n".join(lines)


def infer_tables(run: Run) -> str:
    """The infer workload of a phase run (``agentmem bench --infer``): one row per system."""
    inf = run.get("infer")
    if not inf:
        return "This run has no infer workload (`--infer`)."
    st, srv = inf["settings"], inf["server"]
    def n(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    where = (f"{srv['engine'].replace('through ', '(')}) on the {srv.get('device', 'CPU')} "
             f"({n(srv['parallel'], 'sequence')}, {n(srv['threads'], 'thread')}), serving `{srv['model_file']}`"
             if "engine" in srv else f"the endpoint {srv.get('endpoint')}")
    convs = ("each of " if st["conversations"] > 1 else "") + n(st["conversations"], "LoCoMo conversation")
    intro = (f"The infer workload of the run above: the first {n(st['adds'], 'add')} ({st['turns_per_add']} turns each) "
             f"of {convs} ({st['locomo']}), {st['concurrency']} at a time, "
             f"`max_tokens` {st['max_tokens']}; model `{st['model']}` on {where}; both systems on the same server and "
             f"messages. Load average at the start of the workload {_load(inf.get('load_at_start'))}"
             + (f", after {inf['waited_for_load_s']:.0f} s waiting for the phases' load to fall." if inf.get("waited_for_load_s")
                else "."))
    lines = [intro, ""]
    rows = []
    for r in inf["rows"]:
        name = "agentmem" if r["system"] == "agentmem" else f"Mem0 {r.get('version', '')}".strip()
        rows.append([name, str(r["adds"]), str(r["failed_adds"]), str(r["memories"]), _f(r.get("wall_s"), 1),
                     _f(r.get("memories_per_s"), 3), _f(r.get("adds_per_s"), 3), _f(r.get("p50_s"), 2),
                     _f(r.get("p95_s"), 2), _f(r.get("llm_calls_per_add"), 2), _f(r.get("tokens_in_per_add"), 1),
                     _f(r.get("tokens_out_per_add"), 1)])
    lines += _table(["system", "adds", "failed", "memories", "wall s", "memories/s", "adds/s", "p50 s/add",
                     "p95 s/add", "LLM calls/add", "tokens in/add", "tokens out/add"], rows)
    ours = next((r for r in inf["rows"] if r["system"] == "agentmem"), {})
    if ours.get("llm_share_of_add") is not None:
        share = (f"Of agentmem's add time, the LLM request took {ours['llm_share_of_add']:.0%} (p50 "
                 f"{ours['llm_p50_s']:.2f} s of {ours['p50_s']:.2f} s a call); the rest is the search for related "
                 "memories, embedding the facts and the one transaction.")
        lines += ["", share]
    for r in inf["rows"]:
        errors: dict[str, int] = {}
        for e in r.get("errors") or []:
            errors[e] = errors.get(e, 0) + 1
        if errors:
            name = "agentmem" if r["system"] == "agentmem" else "Mem0"
            lines += ["", f"{name}'s failed adds: " + "; ".join(f"{n} x `{e}`" for e, n in errors.items()) + "."]
    for note in inf.get("notes") or []:
        lines += ["", f"Note: {note}."]
    return "\n".join(lines)


# ---------------------------------------------------------------- experiments/embed_probe.py, storage_breakdown.py

def embed_variant_tables(run: Run) -> str:
    t = run["texts"]
    lines = [f"`{run['command']}`: {t['what']}, tokens mean {t['tokens_mean']} max {t['tokens_max']}, "
             f"{run['reps']} interleaved repetitions. " + about(run) + f" Source: {run['source']}.", ""]
    lines += _table(["variant", "texts/s", "x plain64", "CPU ms/text", "padded tokens per token", "lowest cosine to plain64",
                     "runs", "what"],
                    [[r["variant"], _f(r["texts_per_s"]), _f(r["x_plain64"], 2), _f(r["cpu_ms_per_text"], 2),
                      _f(r["padding"], 2), f"{r['cos_min']:.5f}", "/".join(f"{x:.0f}" for x in r["runs"]), r["what"]]
                     for r in run["rows"]], "lrrrrrll")
    return "\n".join(lines)


def storage_breakdown_tables(run: Run) -> str:
    lines = [f"`{run['command']}`: {run['memories']:,} memories of {run['dataset']}, median of {run['reps']} runs. "
             + about(run) + f" Source: {run['source']}.", ""]
    lines += _table(["piece", "ms", "µs a memory"],
                    [[r["piece"], _f(r["ms"]), _f(r["us_per_memory"], 2)] for r in run["rows"]])
    return "\n".join(lines)


# ---------------------------------------------------------------- agentmem eval, retrieval studies

def cv_tables(run: Run, best: bool = True) -> str:
    """A cross-validated run (``agentmem eval --cv N``) or a defaults-only one (``--compare``)."""
    k = run["k"]
    units = run["units"]
    compare = len(run["settings"]) == 1
    kinds = ("default", "previous_default", "vector_only", "default_vector") if compare else (
        "chosen", "default", "previous_default", "vector_only", "default_vector")
    lines = [(f"k = {k}, the defaults (nothing chosen)" if compare else
              f"k = {k}, {len(run['folds'])} folds, {len(run['settings'])} settings") + ". " + about(run), ""]
    seen: dict[str, dict[str, Any]] = {}
    for u in units:
        seen.setdefault(u["dataset"], u)
    lines += ["Data: " + "; ".join(
        f"{u['dataset']} {u['memories']:,} memories, {u['users']} users, {u['questions']} questions, scored by "
        + ("top-1" if u["objective"] == "top1" else f"recall@{k}") for u in seen.values()) + "."]
    lines += ["", "Scores:" if compare else
              "Held-out scores (each fold scored with the setting chosen on the other folds; pooled over folds):", ""]
    rows = []
    for u in units:
        same = [v for v in units if v["dataset"] == u["dataset"]]
        for kind in kinds:
            r = run["overall"][u["unit"]][kind]
            path = u["path"]
            if kind in ("vector_only", "default_vector") and len(same) > 1:
                # vector search does not read what the way in adds to the full text: shown once per data set
                scores = {tuple(run["overall"][v["unit"]][kind][m] for m in ("recall", "top1", "mrr", "ndcg")) for v in same}
                if len(scores) == 1:
                    if u is not same[0]:
                        continue
                    path = "every way in"
            label = "chosen on the other fold" if kind == "chosen" else r["setting"]["label"]
            session = "-" if u["kind"] == "facts" else f"{r['session_hit5']:.3f}"  # facts have no sessions
            rows.append([u["dataset"], path, kind.replace("_", " "), label, f"**{r['recall']:.3f}**",
                         f"**{r['top1']:.3f}**", f"{r['mrr']:.3f}", f"{r['ndcg']:.3f}", session])
    lines += _table(["data set", "way in", "row", "setting", f"recall@{k}", "top-1", "MRR", f"nDCG@{k}", "session hit@5"],
                    rows, "llllrrrrr")
    if compare:
        return "\n".join(lines)
    lines += ["", "Chosen per fold (train score: the mean over units of each unit's objective on the other folds):", ""]
    lines += _table(["fold", "chosen", "its train score", "defaults' train score", "vector alone's"],
                    [[str(f["fold"]), f["chosen"]["label"], f"{f['train_score']['chosen']:.3f}",
                      f"{f['train_score']['default']:.3f}", f"{f['train_score']['vector_only']:.3f}"]
                     for f in run["folds"]], "llrrr")
    if run.get("cost"):
        lines += ["", ("Cost, the same run: ingest = the whole LoCoMo file stored with the model running, a fresh store "
                  "per run, interleaved (load average before each run); search = every question searched in hybrid mode "
                  "on each store in turn (order rotating per question):"), ""]
        lines += _table(["way in", "setting", "ingest memories/s (median)", "ingest runs", "load avg (1 min)",
                         "search p50 ms", "p95 ms", "searches", "hybrid recall@k"],
                        [[c.get("path", "-"), c["setting"]["label"], f"{c['ops_per_s']:.1f}",
                          ", ".join(f"{r['ops_per_s']:.1f}" for r in c["runs"]),
                          ", ".join(str(r["load_before"]) for r in c["runs"]), f"{c['p50_ms']:.2f}",
                          _f(c.get("p95_ms"), 2), str(c.get("searches", "-")), _f(c.get("recall"), 3)]
                         for c in run["cost"]], "llrllrrrr")
        by_path: dict[str, list[dict[str, Any]]] = {}
        for c in run["cost"]:
            by_path.setdefault(c.get("path", "-"), []).append(c)
        for path, (base, new, *_) in ((p, cs) for p, cs in by_path.items() if len(cs) >= 2):
            lines += ["", (f"Ratios through {path}: ingest {new['ops_per_s'] / base['ops_per_s']:.3f} x, "
                      f"search p50 {new['p50_ms'] / base['p50_ms']:.3f} x (defaults / previous defaults).")]
    if best:
        top = sorted(run["settings"], key=lambda s: -s["objective"])[:5]
        lines += ["", ("Best settings on all questions (for reading only; nothing is chosen on it): the objective and "
                  "each unit's own figure (top-1 for facts, recall@k otherwise):"), ""]
        lines += _table(["setting", "objective", *(f"{u['dataset']} / {u['path']}" for u in units)],
                        [[s["label"], f"{s['objective']:.3f}", *(f"{s['units'][u['unit']][u['objective']]:.3f}"
                                                                for u in units)] for s in top])
    return "\n".join(lines)


def ab_tables(run: Run) -> str:
    """``scripts/ab_cost.py``: two revisions, interleaved rounds."""
    lines = [f"`python scripts/ab_cost.py --base REV --dataset ../shared/data/{run['dataset']} --rounds {run['rounds']}`: "
             f"{run['rounds']} rounds, each running both revisions (order swapped every round). " + about(run), ""]
    rows = [[label, ", ".join(f"{r['ops_per_s']:.1f}" for r in runs), ", ".join(f"{r['p50_ms']:.2f}" for r in runs),
             ", ".join(f"{r['p95_ms']:.2f}" for r in runs), ", ".join(str(r["load_before"]) for r in runs)]
            for label, runs in (("before", run["runs"]["base"]), ("after", run["runs"]["head"]))]
    lines += _table(["revision", "ingest memories/s, round by round", "search p50 ms", "p95 ms", "load avg before"],
                    rows, "lllll")
    med, ratio = run["median"], run["ratio"]
    lines += ["", (f"Medians: before {med['base']['ops_per_s']:.1f} memories/s and {med['base']['p50_ms']:.2f} ms, "
              f"after {med['head']['ops_per_s']:.1f} memories/s and {med['head']['p50_ms']:.2f} ms: ingest "
              f"{ratio['ingest']:.3f} x, search p50 {ratio['search_p50']:.3f} x (after / before).")]
    return "\n".join(lines)


def diagnostics_tables(run: Run, bins: bool = True) -> str:
    """``experiments/fusion_diagnostics.py``: each side's first hit, per data set and full-text score."""
    lines = [about(run), ""]
    lines += _table(["data set", "questions", "memories a scope", "vector first hit right (plain cosine)", "centered",
                     "full text first hit right", "only vector right", "only full text right", "either right"],
                    [[d["dataset"], str(d["questions"]), str(d["scope_mean"]), f"{d['vector_top1_plain']:.3f}",
                      f"{d['vector_top1_centered']:.3f}", f"{d['fts_top1']:.3f}", str(d["only_vector_right"]),
                      str(d["only_fts_right"]), f"{d['either_right']:.3f}"] for d in run["datasets"]])
    if not bins:
        return "\n".join(lines)
    lines += ["", ("By the full-text first hit's score: how often it is right, and how often the vector side's first hit "
              "is on the same questions:"), ""]
    lines += _table(["data set", "full-text score", "questions", "full text right", "vector right"],
                    [[d["dataset"], f"{b['from']:.2f}-{b['to']:.2f}", str(b["questions"]), f"{b['fts_right']:.2f}",
                      f"{b['vector_right']:.2f}"] for d in run["datasets"] for b in d["fts_bins"] if b["questions"]],
                    "llrrr")
    return "\n".join(lines)


def fts_option_tables(run: Run) -> str:
    """``experiments/fts_options.py``: full-text recall per LanceDB FTS option and category."""
    cats = sorted({c for r in run["rows"] for c in r["by_category"]})
    lines = [f"k = {run['k']}, {run['questions']} questions; full-text search alone. " + about(run), ""]
    lines += _table(["search text", "FTS option", "recall@k", *(f"cat {c}" for c in cats), "build s", "query p50 ms"],
                    [[r["text"], r["option"], f"{r['recall']:.3f}", *(f"{r['by_category'][c]:.3f}" for c in cats),
                      f"{r['build_s']:.2f}", f"{r['query_p50_ms']:.2f}"] for r in run["rows"]], "ll" + "r" * (len(cats) + 3))
    return "\n".join(lines)


def temporal_tables(run: Run) -> str:
    """``experiments/temporal_probe.py``: recall before and after preferring the month a question names."""
    lines = [f"k = {run['k']}, {run['questions']} questions, {run['dated_questions']} of them name a month. "
             + about(run), ""]
    lines += _table(["questions", "n", "recall@k as searched", "with the named month first"],
                    [[r["subset"], str(r["questions"]), f"{r['before']:.3f}", f"{r['after']:.3f}"] for r in run["rows"]])
    return "\n".join(lines)


# ---------------------------------------------------------------- agentmem bench-scale



def _bytes(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _lat(block: dict[str, Any] | None) -> str:
    if not block or block.get("p50_ms") is None or math.isnan(block["p50_ms"]):
        return "-"
    return f"{_f(block['p50_ms'])} / {_f(block.get('p95_ms'))}"


def _hits(lat: dict[str, Any]) -> str:
    """How many of the 10 asked for came back, where the run recorded it."""
    return f" ({lat['hits_mean']:.1f})" if lat.get("hits_mean") is not None else ""


def _loop(r: dict[str, Any], agents: int, keys: tuple[str, ...] = ("agent_loop", "agent_loop_settled")) -> str:
    cells = []
    for key in keys:
        loops = {x["agents"]: x for x in r.get(key) or []}
        if agents in loops:
            cells.append(f"{_f(loops[agents]['ops_per_s'])} ({_f(loops[agents]['turn_p95_ms'], 0)})")
    return " / ".join(cells) or "-"


def scale_tables(run: Run) -> str:
    """``agentmem bench-scale --json``: per-step latency, throughput and resources; Mem0 beside."""
    lines = [f"`{command_of(run)}`. " + about(run), ""]
    rows = []
    for r in run["steps"]:
        st, after, fresh = r["search_settled"][0], r["search_after_ingest"], r["freshness"]
        found = ", ".join(_f(fresh[k].get("max_ms")) if fresh[k]["found"] == fresh[k]["probes"] else "missed"
                          for k in ("vector", "fts", "hybrid"))
        window = f"{_f(r.get('search_after_ingest_started_s'), 0)}–{_f(r.get('search_after_ingest_ended_s'), 0)} s"
        rows.append([f"{r['stored']:,}", _lat(r["add"][0]), _lat(st["vector"]), _lat(st["fts"]),
                     _lat(st["hybrid"]) + _hits(st["hybrid"]), f"{_lat(after['hybrid'])} ({window})",
                     _lat(after["hybrid"].get("within_5s")), _lat(after["vector"].get("within_5s")), found,
                     ", ".join(f"{x:.1f}" for x in r["load_avg"])])
    lines += _table(["memories", "add", "vector", "full-text", "hybrid (hits of 10)", "hybrid right after ingest (window)",
                     "hybrid ≤5 s after", "vector ≤5 s after", "found after add (max ms: vector, fts, hybrid)", "load avg"],
                    rows, "r" * 10)
    rows = [[f"{r['stored']:,}", f"{_f(r.get('ingest_s'))} s ({_f(r['ingest_per_s'], 0)}/s)",
             " / ".join(_f(x[0]["seq_per_s"]) for x in (r["add"], r.get("add_settled")) if x),
             _f((r["add"][0].get("within_5s") or {}).get("seq_per_s")),
             _loop(r, 8), _loop(r, 32), _bytes(r.get("disk_bytes_per_memory_after_ingest")),
             f"{r['disk_bytes_per_memory']:,}", _f(r["peak_rss_mb"], 0),
             f"{_f(r.get('upkeep_s'))} ({r.get('upkeep_rounds')})", _f(r.get("writer_wait_s"), 2), _f(r.get("settle_s")),
             _f(r.get("verify_s"), 2)] for r in run["steps"]]
    lines += [""] + _table(["memories", "step ingest s (/s)", "sequential add /s (after ingest / settled)",
                            "add /s begun ≤5 s after ingest", "8 agents ops/s (turn p95 ms)",
                            "32 agents ops/s (turn p95 ms)", "disk B/memory right after ingest", "disk B/memory at the end",
                            "peak RSS MB", "upkeep s (rounds)", "writer wait s", "settle s", "verify s"], rows, "r" * 13)
    peer = run.get("mem0") or {}
    if peer.get("skipped"):
        lines += ["", f"Mem0 on pgvector: skipped ({peer['skipped']})."]
    elif peer.get("steps") or peer.get("error"):
        d = peer.get("describe", {})
        lines += ["", (f"Mem0 {d.get('version')} on pgvector {d.get('pgvector')} "
                  f"({(d.get('postgres') or '').split(' on ')[0]}, pgserver {d.get('pgserver')}; {d.get('nlp')}): "
                  f"{d.get('mode')}. Fill: {d.get('fill')}."), ""]
        lines += _table(["memories", "fill /s (COPY)", "index rebuild s", "add p50 / p95 ms", "sequential add /s",
                         "search p50 / p95 ms (hits of 10)", "8 agents ops/s (turn p95 ms)", "32 agents ops/s (turn p95 ms)",
                         "table B/memory", "load avg"],
                        [[f"{r['stored']:,}", _f(r.get("fill_per_s"), 0), _f(r.get("reindex_s")), _lat(r["add"]),
                          _f(r["add"]["seq_per_s"]), _lat(r["search"]) + _hits(r["search"]), _loop(r, 8, ("agent_loop",)),
                          _loop(r, 32, ("agent_loop",)), f"{r.get('disk_bytes_per_memory', 0):,}",
                          ", ".join(f"{x:.1f}" for x in r["load_avg"])] for r in peer.get("steps", [])], "r" * 10)
        ratios = []
        ours = {r["size"]: r for r in run["steps"]}
        for r in peer.get("steps", []):
            a = ours.get(r["size"])
            if a is None:
                continue
            theirs = {x["agents"]: x["ops_per_s"] for x in r["agent_loop"]}
            for label, adds, loops in (("after ingest", a["add"], a["agent_loop"]),
                                       ("settled", a.get("add_settled"), a.get("agent_loop_settled"))):
                if not adds:
                    continue
                mine = {x["agents"]: x["ops_per_s"] for x in loops or []}
                parts = [f"sequential add {adds[0]['seq_per_s'] / r['add']['seq_per_s']:.1f}x"]
                parts += [f"{n} agents {mine[n] / theirs[n]:.1f}x" for n in (8, 32) if n in mine and n in theirs]
                ratios.append(f"at {r['size']:,}, agentmem {label}: " + ", ".join(parts))
        if ratios:
            lines += ["", "agentmem ÷ Mem0 in the same run (Mem0 measured on its idle server after its index build): "
                      + "; ".join(ratios) + "."]
        if peer.get("error"):
            lines += ["", f"The peer stopped: {peer['error']}."]
    return "\n".join(lines)


def ann_tables(run: Run) -> str:
    lines = [f"`python -m agentmem bench-scale --ann-recall {short_size(run['n'])} --ann-users {run['users']} "
             f"--queries {run['queries']}`. " + about(run), ""]
    lines += _table(["store", "users", "queries", f"recall@{run['k']} vs exact", "lowest", "indexes"],
                    [[f"{run['n']:,} real-model vectors", str(run["users"]), str(run["queries"]), f"{run['recall_at_k']:.3f}",
                      f"{run['recall_min']:.2f}", ", ".join(sorted(set(run["indices"])))]], "rrrrrl")
    return "\n".join(lines)


# ---------------------------------------------------------------- 1M probes (experiments/)

def search_probe_tables(*runs: Run) -> str:
    """``experiments/scale_probe.py --reuse`` / ``search_latency.py``: search per mode on one big store,
    one row per condition of each run."""
    rows: list[list[str]] = []
    notes: list[str] = []
    for i, run in enumerate(runs, 1):
        got, extra = _search_probe_rows(run)
        rows += [[f"{label} ({i})", *cells] for label, *cells in got]
        notes.append(f"({i}) " + about(run)[:-1] + ("; " + "; ".join(extra) if extra else "") + ".")
    lines = _table(["condition (run)", "memories", "vector p50 / p95 ms", "full-text", "hybrid",
                    "query embedding p50 (hybrid)", "retrieval p50 (hybrid)"], rows, "lrrrrrr")
    return "\n".join(lines + [""] + [" ".join(notes)])


def _search_probe_rows(run: Run) -> tuple[list[list[str]], list[str]]:
    conditions = [("settled (warm-up done, upkeep idle)", run.get("modes"), run.get("memories")),
                  ("right after open (upkeep's first rounds)", run.get("search_warm"), run.get("size")),
                  ("within 5 s of a bulk ingest", run.get("search_after_ingest"), None),
                  ("a second process writing meanwhile", run.get("search_with_foreign_writer"), run.get("size"))]
    rows = []
    for label, modes, size in conditions:
        if not modes:
            continue
        if label.startswith("within"):
            modes = {k: v.get("within_5s", v) for k, v in modes.items()}
            size = (run.get("size") or 0) + (run.get("ingest") or {}).get("rows", 0)
        h = (run.get("search_after_ingest") or {}).get("hybrid", {}) if label.startswith("within") else modes["hybrid"]
        retrieval = h.get("retrieval_p50_ms", h.get("vectors_p50_ms"))
        rows.append([label, f"{size:,}" if size else "-", _lat(modes["vector"]), _lat(modes["fts"]), _lat(modes["hybrid"]),
                     _f(h.get("embed_p50_ms")), _f(retrieval)])
    extra = []
    if run.get("first_search_per_user"):
        f = run["first_search_per_user"]
        extra.append(f"each user's first search after open: p50 {_f(f['p50_ms'])} ms, p95 {_f(f['p95_ms'])} ms"
                     + (f", {_f(f['all_s'])} s for all {run['users']} users" if f.get("all_s") else ""))
    if run.get("ingest"):
        i = run["ingest"]
        extra.append(f"the bulk ingest: {i['rows']:,} rows in {_f(i['s'])} s ({i['per_s']:,}/s), "
                     f"blocks reloaded after it: {run.get('loads_after_ingest')}")
    if run.get("foreign"):
        fo = run["foreign"]
        extra.append(f"rows of the other process read into the blocks: {fo['foreign_rows']}, blocks dropped as foreign: "
                     f"{fo['foreign_drops']}")
    if run.get("scope_blocks"):
        b = run["scope_blocks"]
        extra.append(f"scope blocks in memory: {b['blocks']} blocks, {b['bytes'] / 1e6:,.0f} MB")
    if run.get("peak_rss_mb"):
        extra.append(f"peak RSS of the process {_f(run['peak_rss_mb'], 0)} MB")
    return rows, extra


def single_add_tables(run: Run) -> str:
    """``experiments/add_probe.py --warm``: sequential single adds on a big store."""
    lines = [f"{run['rows']:,} memories, the store opened in {_f(run['open_s'])} s, warm-up {_f(run['warm_s'])} s. "
             + about(run), ""]
    lines += _table(["run", "adds", "add p50 ms", "p95 ms", "sequential adds/s (until flushed)", "final flush ms"],
                    [[str(i + 1), str(a["n"]), _f(a["p50_ms"], 2), _f(a["p95_ms"], 2), _f(a["seq_per_s"]),
                      _f(a["flush_ms"])] for i, a in enumerate(run["adds"])])
    return "\n".join(lines)


def kill_tables(run: Run) -> str:
    """``experiments/kill_probe.py``: SIGKILL mid-ingest, then every acknowledged memory checked."""
    lines = [about(run), ""]
    lines += _table(["acknowledged bulk", "acknowledged single", "missing", "singles not found by full text",
                     "replayed on open", "open s", "verify clean", "records = vectors", "verify s"],
                    [[f"{run['acknowledged_bulk']:,}", f"{run['acknowledged_single']:,}", str(run["missing"]),
                      str(run["singles_not_found"]), str(run["recovered_on_open"]), _f(run["open_s"]),
                      "yes" if run["verify_ok"] else "no", f"{run['records']:,} = {run['vectors']:,}"
                      if run["records"] == run["vectors"] else f"{run['records']:,} ≠ {run['vectors']:,}",
                      _f(run["verify_s"])]], "r" * 9)
    return "\n".join(lines)


BULK_LABELS = {
    "fill": "`add_batch(..., vectors=...)`, one call per user (the fill)",
    "get_all_first": "`get_all(limit=100)` (first page)",
    "get_all_deep": "`get_all(limit=100, offset=count-100)` (last page)",
    "get_all_walk": "`iter_all()`: every memory, newest first",
    "verify": "`verify()`",
    "export_parquet": "`export(.parquet)` with vectors",
    "export_parquet_novec": "`export(.parquet, include_vectors=False)`",
    "export_jsonl": "`export(.jsonl)` with vectors",
    "export_jsonl_novec": "`export(.jsonl, include_vectors=False)`",
    "repair": "`repair()` after deleting {damaged} vectors",
    "import_parquet": "`import_(.parquet)` into a new store, vectors given",
    "import_jsonl": "`import_(.jsonl)` into a new store, vectors given",
    "delete_all_user": "`delete_all(user_id=...)` ({items} memories)",
    "delete_all_store": "`delete_all(everything=True)` (the imported store)",
}


def bulk_ops_tables(run: Run) -> str:
    """``experiments/bulk_ops_probe.py``: whole-store operations, one process each."""
    ops = [r["op"] for r in run["ops"]]
    lines = [(f"{run['n']:,} memories, {run['users']} users; `python experiments/bulk_ops_probe.py --n {run['n']} "
             f"--users {run['users']} --ops {','.join(ops)}`. Run on {_date(run)}; machine: {_machine(run)}; load average "
             f"{run['load_average_start'][0]:.1f} at the start, {run['load_average_end'][0]:.1f} at the end."), ""]
    rows = []
    for r in run["ops"]:
        label = BULK_LABELS.get(r["op"], r["op"]).format(damaged=r.get("damaged"), items=f"{r.get('items') or 0:,}")
        if "error" in r:
            rows.append([label, f"failed: {r['error']}", "", "", "", ""])
            continue
        rate = _f(r["rate_per_s"], 0) if r.get("rate_per_s") and r["op"] not in ("get_all_first", "get_all_deep") else ""
        upkeep = "" if r.get("upkeep_rounds") is None else f"{r['upkeep_rounds']} rounds, {r['upkeep_s']:.1f} s"
        rows.append([label, f"{r['wall_s']:.2f}", rate, _f(r["process_peak_rss_mb"], 0), _f(r["rss_open_mb"], 0),
                     "stopped" if r.get("upkeep_stopped") else upkeep])
    lines += _table(["operation", "seconds", "memories/s", "peak RSS of the process (MB)", "RSS once open (MB)",
                     "LanceDB upkeep beside it"], rows, "lrrrrl")
    return "\n".join(lines)


# ---------------------------------------------------------------- agentmem bench-remote, experiments/many_workers.py

def remote_tables(run: Run) -> str:
    first = run["rows"][0]["backend"]
    workers = ",".join(str(r["workers"]) for r in run["rows"] if r["backend"] == first)
    loads = sorted({tuple(r["load_avg"]) for r in run["rows"]})
    lines = [f"`python -m agentmem bench-remote --workers {workers} --batches {run['batches']} --size {run['size']} "
             f"--searches {run['searches']}`. " + about(run)
             + f" Load average (1, 5, 15 min) between {_load(loads[0])} and {_load(loads[-1])} during the rows.", ""]
    rows = [[r["backend"], str(r["workers"]), _f(r["adds_per_s"]), f"{r['add_batch_p50_ms']} / {r['add_batch_p95_ms']}",
             f"{r['search_p50_ms']} / {r['search_p95_ms']}", f"{r['search_lance_p50_ms']} / {r['search_lance_p95_ms']}",
             " / ".join(str(r["stages_ms"].get(s, 0)) for s in ("embed", "vectors", "records")), str(r["lance_append_ms"]),
             str(len(r["errors"]))] for r in run["rows"]]
    lines += _table(["store", "workers", "memories/s", "add_batch p50 / p95 ms", "scoped search p50 / p95 ms",
                     "unscoped search p50 / p95 ms", "per add_batch: embed / vectors / records ms", "Lance append ms",
                     "errors"], rows, "lrrrrrrrr")
    return "\n".join(lines)


def many_workers_tables(run: Run) -> str:
    a, runs = run["args"], run["runs"]
    walls = sorted(r["wall_s"] for r in runs)
    lines = [f"`python experiments/many_workers.py --runs {a['runs']} --workers {a['workers']} --batches {a['batches']} "
             f"--size {a['size']} --shared {a['shared']}`. " + about(run), ""]
    lines += _table(["runs", "passed", "workers x batches x texts (shared)", "acknowledged / run", "ids / run", "errors",
                     "verify clean", "adds wall s (median, max)"],
                    [[str(len(runs)), str(run["passed"]), f"{a['workers']} x {a['batches']} x {a['size']} ({a['shared']})",
                      f"{runs[0]['acknowledged']:,}", f"{runs[0]['expected_count']:,}",
                      str(sum(len(r["errors"]) for r in runs)), str(sum(r["verify_ok"] for r in runs)),
                      f"{walls[len(walls) // 2]}, {walls[-1]}"]], "rrlrrrrl")
    return "\n".join(lines)


# ---------------------------------------------------------------- dispatch

def tables(run: Run) -> str:
    """The tables of one result, whatever benchmark wrote it."""
    kind = run.get("kind")
    renderers: dict[str, Callable[[Run], str]] = {
        "ab_cost": ab_tables, "fusion_diagnostics": diagnostics_tables, "scale": scale_tables,
        "bench-remote": remote_tables, "ann_recall": ann_tables, "embed_variants": embed_variant_tables,
        "storage_breakdown": storage_breakdown_tables}
    if kind in renderers:
        return renderers[kind](run)
    if "passed" in run and "runs" in run:
        return many_workers_tables(run)
    if "folds" in run and "settings" in run:
        return cv_tables(run)
    if "search_warm" in run or ("modes" in run and "warm_up_s" in run):
        return search_probe_tables(run)
    if "adds" in run and "warm_s" in run:
        return single_add_tables(run)
    if "acknowledged_bulk" in run:
        return kill_tables(run)
    if "ops" in run and "when" in run:
        return bulk_ops_tables(run)
    if run.get("rows") and "option" in run["rows"][0]:
        return fts_option_tables(run)
    if run.get("rows") and "subset" in run["rows"][0]:
        return temporal_tables(run)
    if "phases" in run:
        return bench_tables(run)
    raise ValueError(f"no renderer for a result with keys {sorted(run)[:8]}")


# ---------------------------------------------------------------- the Targets table

class Results:
    """The result files, loaded once each."""

    def __init__(self, folder: Path = RESULTS) -> None:
        self.folder = folder
        self._cache: dict[str, Run] = {}

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def __call__(self, name: str) -> Run:
        if name not in self._cache:
            # "history/FILE": an older result kept in docs/history/, quoted beside the latest one
            path = HISTORY / name.removeprefix("history/") if name.startswith("history/") else self.folder / name
            self._cache[name] = json.loads(path.read_text(encoding="utf-8"))
        return self._cache[name]


def _unit(run: Run, unit: str, kind: str) -> dict[str, Any]:
    return run["overall"][unit][kind]


def _step(run: Run, size: int) -> dict[str, Any]:
    return min(run["steps"], key=lambda s: abs(s["size"] - size))


def _peer_step(run: Run, size: int) -> dict[str, Any]:
    return min(run["mem0"]["steps"], key=lambda s: abs(s["size"] - size))


def _ops(rows: list[dict[str, Any]], agents: int) -> float:
    return next(x["ops_per_s"] for x in rows if x["agents"] == agents)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _targets(r: Results) -> list[tuple[str, str, str, str]]:
    """(target, measured, met, source) per target; every figure read from the files."""
    out: list[tuple[str, str, str, str]] = []

    ph_name = "phases_locomo_dev.json"
    ph = r(ph_name)["targets"]
    out.append(("best persisted phase >= 0.9 x the embed-only ceiling (LoCoMo dev)",
                f"{ph['best_persisted_phase']} = {ph['best_persisted_vs_ceiling']:.2f} x",
                _yes(ph["best_persisted_vs_ceiling"] >= 0.9), ph_name))
    out.append(("p3 >= 2 x p0", f"{ph['p3_vs_p0']:.1f} x", _yes(ph["p3_vs_p0"] >= 2), ph_name))
    syn = r("phases_synthetic_2000_mem0.json")["targets"]
    out.append(("p3 >= 2 x Mem0 (goal 3 x)", (f"{ph['p3_vs_mem0']:.1f} x on LoCoMo dev, {syn['p3_vs_mem0']:.1f} x on the "
                "synthetic set"), _yes(ph["p3_vs_mem0"] >= 2) + ("" if ph["p3_vs_mem0"] >= 3 else "; goal 3 x not on LoCoMo"),
                "phases_locomo_dev.json, phases_synthetic_2000_mem0.json"))
    out.append(("embed-only ceiling >= 2 x fastembed `embed(batch_size=64)`", f"{ph['ceiling_vs_plain_embed']:.1f} x",
                _yes(ph["ceiling_vs_plain_embed"] >= 2), ph_name))
    out.append(("storage-only >= 100,000 memories/s", f"{ph['storage_only_ops_per_s']:,.0f}",
                _yes(ph["storage_only_ops_per_s"] >= 100_000), ph_name))

    cv, ho = r("retrieval_cv_dev.json"), r("retrieval_heldout.json")
    fd, fh = _unit(cv, "facts_dev / add_batch", "default")["top1"], _unit(ho, "facts_holdout / add_batch", "default")["top1"]
    out.append(("facts: default top-1 >= 0.95", f"{fd:.3f} (dev, cross-validated), {fh:.3f} (held out)",
                _yes(min(fd, fh) >= 0.95), "retrieval_cv_dev.json, retrieval_heldout.json"))
    vd = _unit(cv, "facts_dev / add_batch", "vector_only")["top1"]
    vh = _unit(ho, "facts_holdout / add_batch", "vector_only")["top1"]
    out.append(("facts: default top-1 >= vector search's (plain cosine)", (f"dev {fd:.3f} vs {vd:.3f}, held out {fh:.3f} vs "
                f"{vh:.3f}"), _yes(fd >= vd and fh >= vh), "retrieval_cv_dev.json, retrieval_heldout.json"))
    msg, plain = (_unit(cv, "locomo_dev / add(messages)", k)["recall"] for k in ("chosen", "default"))
    bat, bat_d = (_unit(cv, "locomo_dev / add_batch", k)["recall"] for k in ("chosen", "default"))
    out.append(("LoCoMo dev, cross-validated recall@10: `add(messages)` >= 0.74", (f"{msg:.3f} chosen per fold, {plain:.3f} "
                "the defaults"), _yes(min(msg, plain) >= 0.74), "retrieval_cv_dev.json"))
    out.append(("LoCoMo dev, cross-validated recall@10: plain `add_batch` >= 0.66", (f"{bat:.3f} chosen per fold, "
                f"{bat_d:.3f} the defaults"), _yes(min(bat, bat_d) >= 0.66), "retrieval_cv_dev.json"))
    chats = [(run, name, path) for run, name in ((cv, "chats_dev"), (ho, "chats_holdout"))
             for path in ("add_batch", "add_batch + contexts", "add(messages)")]
    worst = min(_unit(run, f"{n} / {p}", "default")["recall"] - _unit(run, f"{n} / {p}", "vector_only")["recall"]
                for run, n, p in chats)
    out.append(("chats: default recall@10 >= vector search's, every way in", f"smallest margin {worst:+.3f} (dev and held out)",
                _yes(worst >= 0), "retrieval_cv_dev.json, retrieval_heldout.json"))
    sh = _unit(cv, "locomo_dev / add_batch", "default")["session_hit5"]
    sm = _unit(cv, "locomo_dev / add(messages)", "default")["session_hit5"]
    out.append(("session hit@5 through plain `add_batch` >= 0.93", f"{sh:.3f}; {sm:.3f} through `add(messages)`",
                _yes(sh >= 0.93), "retrieval_cv_dev.json"))
    ab = r("retrieval_cost_two_revisions.json")["ratio"]
    out.append(("search p50 within 10 % and ingest unchanged against the previous revision",
                f"search {ab['search_p50']:.3f} x, ingest {ab['ingest']:.3f} x",
                _yes(ab["search_p50"] <= 1.1 and ab["ingest"] >= 0.95), "retrieval_cost_two_revisions.json"))

    sc = r("scale_1m_mem0.json")
    big = _step(sc, 1_000_000)
    st, after = big["search_settled"][0], big["search_after_ingest"]
    h5, v5 = after["hybrid"]["within_5s"], after["vector"]["within_5s"]
    ok_settled = st["hybrid"]["p50_ms"] <= 8 and st["hybrid"]["p95_ms"] <= 20 and st["vector"]["p50_ms"] <= 6
    ok_after = h5["p50_ms"] <= 8 and h5["p95_ms"] <= 20 and v5["p50_ms"] <= 6
    out.append((("at 1M: hybrid p50 <= 8 ms, p95 <= 20 ms with the query's embedding, vector p50 <= 6 ms; settled and "
                "within 5 s of a bulk ingest"), (f"settled hybrid {_lat(st['hybrid'])}, vector {_f(st['vector']['p50_ms'])}; "
                f"within 5 s of a {big['size'] - _step(sc, 300_000)['size']:,}-row ingest hybrid {_lat(h5)}, vector "
                f"{_f(v5['p50_ms'])}"), f"settled {_yes(ok_settled)}; within 5 s {_yes(ok_after)}", "scale_1m_mem0.json"))
    peer = _peer_step(sc, 1_000_000)
    add_s, add_a = big["add_settled"][0], big["add"][0]
    ratio_s, ratio_a = add_s["seq_per_s"] / peer["add"]["seq_per_s"], add_a["seq_per_s"] / peer["add"]["seq_per_s"]
    out.append(("single add at 1M: p50 <= 5 ms, >= 200/s sequential, >= 2 x Mem0 in the same run",
                (f"settled: p50 {_f(add_s['p50_ms'])} ms, {_f(add_s['seq_per_s'])}/s, {ratio_s:.1f} x Mem0; right after "
                f"the ingest (upkeep busy): {_f(add_a['seq_per_s'])}/s, {ratio_a:.1f} x"),
                (f"settled {_yes(add_s['p50_ms'] <= 5 and add_s['seq_per_s'] >= 200 and ratio_s >= 2)}; after the ingest "
                f"{_yes(add_a['p50_ms'] <= 5 and add_a['seq_per_s'] >= 200 and ratio_a >= 2)}"), "scale_1m_mem0.json"))
    m32 = _ops(peer["agent_loop"], 32)
    s32, a32 = _ops(big["agent_loop_settled"], 32), _ops(big["agent_loop"], 32)
    out.append(("32 agents >= 3 x Mem0 at 1M", (f"settled {s32:.1f} against {m32:.1f} ops/s ({s32 / m32:.1f} x); right "
                f"after the ingest {a32:.1f} ({a32 / m32:.1f} x)"), (f"settled {_yes(s32 / m32 >= 3)}; after the ingest "
                f"{_yes(a32 / m32 >= 3)}"), "scale_1m_mem0.json"))
    first = sc["steps"][0]
    out.append(("bulk ingest of the last step >= 0.8 x the first step's", (f"{big['ingest_per_s']:,.0f} against "
                f"{first['ingest_per_s']:,.0f}/s ({big['ingest_per_s'] / first['ingest_per_s']:.1f} x)"),
                _yes(big["ingest_per_s"] >= 0.8 * first["ingest_per_s"]), "scale_1m_mem0.json"))
    out.append(("disk <= 3 KB a memory at 1M", f"{big['disk_bytes_per_memory']:,} B", _yes(big["disk_bytes_per_memory"] <= 3000),
                "scale_1m_mem0.json"))
    out += _after_ingest_targets(r)
    ann = r("ann_recall_100k.json")
    out.append(("ANN recall@10 >= 0.95 on real-model vectors", f"{ann['recall_at_k']:.3f} ({ann['n']:,} vectors)",
                _yes(ann["recall_at_k"] >= 0.95), "ann_recall_100k.json"))
    kill = r("kill_mid_ingest_1m.json")
    acked = kill["acknowledged_bulk"] + kill["acknowledged_single"]
    out.append(("nothing acknowledged lost on SIGKILL mid-ingest at 1M+", (f"{acked:,} acknowledged, {kill['missing']} missing, "
                f"verify {'clean' if kill['verify_ok'] else 'not clean'}"), _yes(kill["missing"] == 0 and kill["verify_ok"]),
                "kill_mid_ingest_1m.json"))
    bulk = r("whole_store_ops_1m.json")
    peak = max(o["process_peak_rss_mb"] for o in bulk["ops"] if "error" not in o)
    out.append(("every whole-store operation under 2 GB of RSS at 1M", f"highest peak {peak:,.0f} MB",
                _yes(peak < 2048), "whole_store_ops_1m.json"))
    mw = r("remote_many_workers.json")
    out.append((("many workers on sqld + S3: every acknowledged id readable, one id per shared text, 0 errors, "
                "`verify()` clean, in every run"), f"{mw['passed']} of {len(mw['runs'])} runs",
                _yes(mw["passed"] == len(mw["runs"])), "remote_many_workers.json"))
    rem = r("remote_workers.json")["rows"]
    emb = {x["workers"]: x for x in rem if x["backend"] == "embedded"}
    ratios = [(x["search_p50_ms"] / emb[x["workers"]]["search_p50_ms"],
               x["search_lance_p50_ms"] / emb[x["workers"]]["search_lance_p50_ms"])
              for x in rem if x["backend"] != "embedded" and x["workers"] in emb]
    scoped, unscoped = max(a for a, _ in ratios), max(b for _, b in ratios)
    out.append(("remote (sqld + S3) search p50 within 3 x the embedded default's, same run",
                f"at most {scoped:.1f} x (scoped), {unscoped:.1f} x (unscoped)", _yes(max(scoped, unscoped) <= 3),
                "remote_workers.json"))
    return out


def _after_ingest_targets(r: Results) -> list[tuple[str, str, str, str]]:
    """The bulk fill and the agent's path right after a bulk ingest (bench-scale at 300k and
    1M, grown in steps and filled in one step), and the GPU run."""
    out: list[tuple[str, str, str, str]] = []
    runs = [(n, r(n)) for n in ("scale_300k_1m.json", "scale_1m_fresh.json") if r.has(n)]
    fresh = [(n, run) for n, run in runs if n == "scale_1m_fresh.json"]
    if fresh:
        name, run = fresh[0]
        step = _step(run, 1_000_000)
        out.append((f"bench-scale fills 1M memories over {run['settings']['users']} users in <= 60 s of writes",
                    f"{step['ingest_s']:,.1f} s ({step['ingest_per_s']:,.0f}/s)", _yes(step["ingest_s"] <= 60), name))
    adds, searches, disks = [], [], []
    ok_adds = ok_search = ok_disk = True
    for name, run in runs:
        for i, step in enumerate(run["steps"]):
            if step["size"] not in (300_000, 1_000_000):
                continue
            how = "in one step" if i == 0 else "grown in steps"
            at = f"{short_size(step['size'])} {how}"
            early = (step["add"][0].get("within_5s") or {}).get("seq_per_s")
            settled = step["add_settled"][0]["seq_per_s"] if step.get("add_settled") else None
            ratio = early / settled if early and settled else None
            ok_adds &= ratio is not None and ratio >= 0.8
            adds.append(f"{at}: {_f(early)} vs {_f(settled)}/s" + (f" ({ratio:.2f} x)" if ratio else ""))
            h5 = step["search_after_ingest"]["hybrid"].get("within_5s") or {}
            loads = (step.get("blocks_during_searches") or {}).get("misses")
            ok_search &= bool(h5) and h5["p50_ms"] <= 8 and h5["p95_ms"] <= 20 and loads == 0
            searches.append(f"{at}: {_lat(h5)}, {loads} block loads")
            disk = step.get("disk_bytes_per_memory_after_ingest")
            ok_disk &= disk is not None and disk <= 3500
            disks.append(f"{at}: {_bytes(disk)} B")
    if runs:
        names = ", ".join(n for n, _ in runs)
        out.append(("sequential adds begun within 5 s of a bulk ingest >= 0.8 x the settled rate (300k and 1M)",
                    "; ".join(adds), _yes(ok_adds), names))
        out.append(("hybrid within 5 s of a bulk ingest p50 <= 8 ms, p95 <= 20 ms with the query's embedding, no block "
                    "load (300k and 1M)", "; ".join(searches), _yes(ok_search), names))
        out.append(("disk <= 3.5 KB a memory right after a bulk ingest (300k and 1M)", "; ".join(disks), _yes(ok_disk),
                    names))
    out.append(("on a lent GPU: full persisted pipeline >= 10,000 memories/s, p3 >= 0.9 x the GPU embed-only ceiling",
                "not run: no GPU was lent", "not run", "-"))
    return out


def targets_table(results: Results) -> str:
    return "\n".join(_table(["target", "measured", "met", "from"],
                            [[t, m, ok, ", ".join(f"`{s.strip()}`" for s in src.split(",")) if src != "-" else "-"]
                             for t, m, ok, src in _targets(results)], "llll"))


# ---------------------------------------------------------------- the template

_INLINE = re.compile(r"\{\{([\w./-]+\.json):([^:}]+)(?::([^}]*))?\}\}")


def value_at(run: Any, path: str) -> Any:
    """``a.b.2.key=value.c``: keys, list indices, and list elements picked by a key's value."""
    for part in path.split("."):
        if isinstance(run, list) and "=" in part:
            key, want = part.split("=", 1)
            run = next(x for x in run if str(x.get(key)) == want)
        elif isinstance(run, list):
            run = run[int(part)]
        else:
            run = run[part]
    return run


def render(template: str, results: Results) -> str:
    out: list[str] = []
    keep = [True]
    for line in template.splitlines():
        stripped = line.strip()
        if stripped.startswith("{{if ") and stripped.endswith("}}"):
            keep.append(keep[-1] and results.has(stripped[5:-2].strip()))
            continue
        if stripped == "{{end}}":
            keep.pop()
            continue
        if not keep[-1]:
            continue
        if stripped.startswith("{{table ") and stripped.endswith("}}"):
            args = stripped[8:-2].split()
            names = [a for a in args if not a.startswith("-")]
            runs = [results(n) for n in names]
            if len(runs) > 1:
                text = search_probe_tables(*runs)
            elif "folds" in runs[0] and "settings" in runs[0]:
                text = cv_tables(runs[0], best="-best" not in args)
            elif runs[0].get("kind") == "fusion_diagnostics":
                text = diagnostics_tables(runs[0], bins="-bins" not in args)
            elif "-infer" in args:
                text = infer_tables(runs[0])
            else:
                text = tables(runs[0])
            source = "From " + ", ".join(f"`benchmarks/{n}`" for n in names) + "."
            out += [f"{source} {text}" if not text.startswith("|") else f"{source}\n\n{text}"]
            continue
        if stripped == "{{targets}}":
            out.append(targets_table(results))
            continue

        def inline(m: re.Match[str]) -> str:
            value = value_at(results(m.group(1)), m.group(2))
            return format(value, m.group(3) or "")

        out.append(_INLINE.sub(inline, line))
    if len(keep) != 1:
        raise ValueError("template: an {{if}} without its {{end}}")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip() + "\n"  # a skipped {{if}} leaves no double gap


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", help="print the tables of these result files instead")
    parser.add_argument("--check", action="store_true", help="exit 1 when BENCHMARKS.md differs from what it renders to")
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if args.files:
        for path in args.files:
            print(f"<!-- rendered from {path} -->")
            print(tables(json.loads(Path(path).read_text(encoding="utf-8"))))
            print()
        return 0
    text = render(args.template.read_text(encoding="utf-8"), Results())
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out.name} is stale: run python scripts/benchmarks_report.py", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out.name} ({text.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
