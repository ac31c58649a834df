"""Benchmarks: the optimization phases on fresh stores, where the time goes, sweeps, past runs."""

import importlib.util
import os
import re
from pathlib import Path

import charts
import glossary
import pandas as pd
import services
import state
import steps
import streamlit as st

from agentmem.bench import (
    PHASE_DESCRIPTIONS,
    PHASES,
    SWEEP_PARAMS,
    BenchResult,
    ResultsStore,
    load_dataset,
    run_benchmark,
    run_sweep,
)
from agentmem.bench.results import DEFAULT_RESULTS_PATH, find_runs, results_dir

ctx = state.setup(
    "Benchmarks",
    "Each phase stores the same memories on a fresh store, one more idea of the write path at a time; "
    "embed-only (the model alone) is the fastest any of them could be. Every run is kept and can be "
    "opened again under Past runs.",
)
glossary.explain("Benchmarks")

#: Below this many memories a phase is mostly its start: start-up work and the rest of the machine
#: move its rate more than the phases differ, so the page says the figures are noise.
NOISE_BELOW = 500
MEM0_EXTRA = "the mem0 extra is not installed (pip install 'agentmem[mem0]')"
SWEEP_WORDS = {"embed_batch_size": "most texts in one model call", "batch_concurrency": "batches written at once",
               "pool_size": "connections to the records database", "chunk_size": "memories per write inside one batch",
               "embed_token_budget": "most words (tokens) in one model call"}
REFERENCE_WORDS = {"embed-only": "embed-only (the model alone)", "plain-embed": "plain-embed (the model's own loop)",
                   "storage-only": "storage-only (the stores alone)", "mem0": "Mem0"}

results_file = results_dir(ctx.data_dir) / "bench_runs.jsonl" if ctx.data_dir is not None else None
# one benchmark or sweep at a time on this machine, whichever data directory: two would slow each other down
bench_key = "bench"
sweep_key = "sweep"
busy = state.busy(bench_key) or state.busy(sweep_key)
locomo = services.shared_locomo_path()


def step_name(step: str) -> str:
    """A progress step in words: ``p2b`` -> ``phase p2b``, ``embed-only`` -> ``embed-only (the model alone)``."""
    if step in REFERENCE_WORDS:
        return REFERENCE_WORDS[step]
    return f"phase {step}"


def summary_columns() -> dict:
    """Plain headers, each with its definition, for a run's summary and repetition tables."""
    def num(label: str, term: str | None = None, fmt: str = "%.2f") -> st.column_config.NumberColumn:
        return st.column_config.NumberColumn(label, help=glossary.define(term) if term else None, format=fmt)

    stage = {f"{s}_s": num(f"{s} (s)", "stage seconds") for s in ("embed", "vectors", "records", "history", "other")}
    return {
        "phase": st.column_config.TextColumn("phase", help=glossary.define("phase")),
        "rep": num("repetition", "repetitions", "%d"),
        "n": num("memories", "memory", "%d"),
        "ops_per_s": num("memories/s", "ops/s", "%.1f"),
        "ops_per_s_min": num("slowest repetition (memories/s)", "ops/s", "%.1f"),
        "ops_per_s_max": num("fastest repetition (memories/s)", "ops/s", "%.1f"),
        "wall_s": num("wall time (s)", "wall time"),
        **stage,
        "p50_ms": num("batch p50 (ms)", "p50", "%.1f"),
        "p95_ms": num("batch p95 (ms)", "p95", "%.1f"),
        "stored": num("stored", "stored", "%d"),
        "ratio_to_ceiling": num("x ceiling", "x ceiling", "%.2f"),
        "cpu_ms_per_item": num("CPU ms per memory", "CPU ms per memory", "%.2f"),
        "reps": num("repetitions", "repetitions", "%d"),
    }


def show_summary(result: BenchResult, *, key: str) -> None:
    summary = result.summary_frame()
    st.dataframe(summary.round(2), hide_index=True, column_config=summary_columns(), key=key)


def mem0_line(result: BenchResult) -> None:
    peer = result.mem0 or {}
    if peer.get("skipped"):
        reason = peer["skipped"]
        if reason == "not requested":  # the words of runs saved before the page said why
            reason = "not asked for"
        st.caption(services.escape_markdown(f"Mem0 not measured: {reason}"))


def infer_table(result: BenchResult, *, key: str) -> None:
    """The run's infer workload (bench --infer), when it has one: agentmem beside Mem0 on one LLM server."""
    if not result.infer:
        return
    inf = result.infer
    server = inf.get("server", {})
    where = server.get("engine") or server.get("endpoint") or "an LLM server"
    st.markdown(services.escape_markdown(f"**Infer workload**: add(messages, infer=True) with model "
                                         f"{inf['settings']['model']} through {where}"))
    st.dataframe(services.infer_frame(inf), hide_index=True, key=key)
    for note in inf.get("notes") or []:
        st.caption(services.escape_markdown(note))


def load_note(machine: dict) -> None:
    """A warning when a run started on a busy machine (its figures are slower than an idle one gives)."""
    load = machine.get("load_avg") or []
    if load and float(load[0]) > 1.5:
        cpus = machine.get("cpus_usable") or machine.get("cpu_count")
        on = f" on {cpus} CPUs" if cpus else ""
        st.warning(f"This run started at load average {float(load[0]):.1f}{on}: other work shared the machine, "
                   "so its rates are lower than an idle machine gives.", icon=":material/speed:")


# ---------------------------------------------------------------- the run's settings
sources = ["synthetic", *(["LoCoMo dev"] if locomo else []), "dataset spec"]
c1, c2, c3 = st.columns([2, 1, 1])
source = c1.selectbox("Dataset", sources, key="bench_source",
                      help="synthetic: generated agent memories; LoCoMo dev: real dialog turns; "
                           "spec: synthetic:N, locomo:PATH, jsonl:PATH or csv:PATH")
size = c2.number_input("Size (memories)", min_value=10, max_value=100_000, value=NOISE_BELOW, step=100,
                       key="bench_size", help="How many memories each phase stores (the dataset is cut to this many).")
repeat = c3.number_input("Repetitions", min_value=1, max_value=10, value=1, key="bench_repeat",
                         help=glossary.define("repetitions"))
spec_text = ""
if source == "dataset spec":
    spec_text = st.text_input("Spec", key="bench_spec", placeholder="e.g. synthetic:2000 or locomo:data/locomo10.json")
phases = st.multiselect(
    "Phases", PHASES, default=list(PHASES), key="bench_phases",
    format_func=lambda p: f"{p} — {glossary.define(p).split(': ', 1)[-1]}",
    help=" ".join(f"{p}: {PHASE_DESCRIPTIONS[p]}." for p in PHASES),
)
c1, c2, c3, c4 = st.columns(4)
batch_size = c1.number_input("Batch size (p1–p2c)", 1, 4096, 64, key="bench_batch", help=glossary.define("batch size"))
concurrency = c2.number_input("Batches in flight (p2b/p2c)", 1, 64, 4, key="bench_conc",
                              help=glossary.define("concurrency"))
pool_size = c3.number_input("Pool size (p2c)", 1, 64, 4, key="bench_pool", help=glossary.define("pool size"))
mem0_installed = importlib.util.find_spec("mem0") is not None
include_mem0 = c4.checkbox("Mem0 row", value=mem0_installed, disabled=not mem0_installed, key="bench_mem0",
                           help=glossary.define("Mem0") + ("" if mem0_installed else " Needs pip install 'agentmem[mem0]'."))
if not mem0_installed:
    c4.caption(services.escape_markdown(f"Mem0 not measured: {MEM0_EXTRA}"))
references = st.checkbox("Reference rows (embed-only ceiling, storage-only, plain-embed)", value=True,
                         key="bench_refs", help=glossary.define("reference rows"))


def _spec() -> str:
    if source == "synthetic":
        return f"synthetic:{int(size)}"
    if source == "LoCoMo dev":
        return f"locomo:{locomo}"
    if not spec_text.strip():
        raise ValueError("dataset: enter a spec such as synthetic:200 or locomo:PATH")
    return spec_text.strip()


def measured_size() -> int:
    """How many memories a phase will store: the size, or fewer when a synthetic spec asks for fewer."""
    wanted = int(size)
    m = re.fullmatch(r"\s*synthetic:(\d+)\s*", spec_text) if source == "dataset spec" else None
    return min(wanted, int(m.group(1))) if m else wanted


if measured_size() < NOISE_BELOW:
    st.warning(
        f"{measured_size():,} memories can only give noise: a phase this short is mostly its start (threads, "
        "the first batches) and whatever else the machine is doing, which move its rate more than the phases "
        f"differ from each other. Use {NOISE_BELOW:,} or more to compare phases; the figures in BENCHMARKS.md "
        "store 2,760.", icon=":material/warning:")

run_clicked = st.button("Run benchmark", type="primary", disabled=busy or results_file is None, key="bench_run")
if results_file is None:
    st.info("Choose a usable data directory in the sidebar: the runs started here are kept in its results folder.")
mine = [job for job in (state.own_job(bench_key), state.own_job(sweep_key)) if job is not None and job.running]
if mine:  # another session's run is named in words by job_result below
    st.info(f"{mine[0].name} running; its progress is below. It keeps going if you leave this page.")
if run_clicked and not busy and results_file is not None:
    state.clear_result(bench_key)
    with state.guard("Benchmark not started: "):
        if not phases:
            raise ValueError("phases: pick at least one phase")
        dataset = load_dataset(_spec(), limit=int(size))
        chosen = [p for p in PHASES if p in phases]
        params = {"phases": chosen, "repeat": int(repeat), "batch_size": int(batch_size), "concurrency": int(concurrency),
                  "pool_size": int(pool_size), "include_mem0": bool(include_mem0), "include_references": references}
        planned = int(repeat) * (len(chosen) + (3 if references else 0) + (1 if include_mem0 else 0))
        mem0_reason = None if include_mem0 else (MEM0_EXTRA if not mem0_installed else "not asked for (the Mem0 box was off)")
        store_path = results_file
        reps = int(repeat)

        def work(progress):
            tracker = steps.StepProgress(progress, planned, name=step_name,
                                         starting="loading the model and warming it up")
            result = run_benchmark(dataset, progress=tracker, **params)
            if mem0_reason is not None:
                result.mem0 = {"skipped": mem0_reason}
            ResultsStore(store_path).append(result)
            tracker.finish(tracker.summary() + (f" ({reps} repetitions)" if reps > 1 else ""))
            return result

        state.start_job(bench_key, "Benchmark", work)

result = state.job_result(bench_key, unit=None, what="this machine")
if result is not None:
    st.subheader(services.escape_markdown(f"Run {result.run_id} · {result.dataset.get('name')} · "
                                          f"{result.dataset.get('n')} memories"))
    load_note(result.machine)
    summary = result.summary_frame()
    runs = result.runs_frame()
    st.plotly_chart(charts.phase_throughput(summary), key="bench_throughput")
    left, right = st.columns(2)
    left.plotly_chart(charts.stage_breakdown(summary), key="bench_stages")
    right.plotly_chart(charts.latency_distribution(runs[~runs["phase"].isin(["embed-only", "plain-embed"])]),
                       key="bench_latency")
    st.markdown("**Summary** (medians over repetitions; x ceiling = memories/s ÷ embed-only's)")
    show_summary(result, key="bench_summary")
    state.csv_download(summary, f"bench_summary_{result.run_id}", key="bench_summary_csv")
    with st.expander("Every repetition"):
        st.dataframe(runs.round(2), hide_index=True, column_config=summary_columns(), key="bench_runs")
        state.csv_download(runs, f"bench_runs_{result.run_id}", key="bench_runs_csv")
    mem0_line(result)
    infer_table(result, key="bench_infer")
    for note in result.notes:
        st.caption(services.escape_markdown(note))
    st.caption(services.escape_markdown(f"Kept in {results_file}"))

# ---------------------------------------------------------------- sweep
st.subheader("Sweep a setting")
c1, c2, c3 = st.columns([2, 2, 1])
param = c1.selectbox("Setting", SWEEP_PARAMS, key="sweep_param", help=glossary.define("sweep"),
                     format_func=lambda p: f"{p} ({SWEEP_WORDS.get(p, 'a store setting')})")
values_text = c2.text_input("Values", value="8,16,32,64", key="sweep_values",
                            help="Whole numbers separated by commas; one fresh store per value.")
sweep_phase = c3.selectbox("Phase", PHASES, index=list(PHASES).index("p3"), key="sweep_phase",
                           help=glossary.define("phase"))
sweep_clicked = st.button("Run sweep", disabled=busy, key="sweep_run")
if sweep_clicked and not busy:
    state.clear_result(sweep_key)
    with state.guard("Sweep not started: "):
        try:
            values = [int(v) for v in values_text.replace(";", ",").split(",") if v.strip()]
        except ValueError:
            raise ValueError("values: give whole numbers separated by commas, e.g. 8,16,32") from None
        if not values:
            raise ValueError("values: give at least one value")
        dataset = load_dataset(_spec(), limit=int(size))
        sweep_args = {"param": param, "values": values, "phase": sweep_phase, "batch_size": int(batch_size),
                      "concurrency": int(concurrency)}

        def sweep_work(progress):
            tracker = steps.StepProgress(progress, len(values), name=step_name,
                                         starting="loading the model and warming it up")
            frame = run_sweep(dataset, progress=tracker, **sweep_args)
            tracker.finish()
            return frame

        state.start_job(sweep_key, "Sweep", sweep_work)
sweep = state.job_result(sweep_key, unit=None, what="this machine")
if sweep is not None:
    st.plotly_chart(charts.sweep_chart(sweep), key="sweep_chart")
    st.dataframe(sweep.round(2), hide_index=True, column_config=summary_columns(), key="sweep_table")
    state.csv_download(sweep, "sweep", key="sweep_csv")

# ---------------------------------------------------------------- past runs
st.subheader("Past runs")
cli_default = Path(DEFAULT_RESULTS_PATH)
places = [*([results_dir(ctx.data_dir)] if ctx.data_dir is not None else []),
          Path.cwd() / cli_default, services.REPO_ROOT / cli_default, services.REPO_ROOT / "benchmarks",
          *([Path(os.environ["AGENTMEM_RESULTS"])] if os.environ.get("AGENTMEM_RESULTS") else [])]
saved, skipped = find_runs(places, "phases")
st.caption(services.escape_markdown(
    f"Newest first, from the data directory's results folder ({results_dir(ctx.data_dir) if ctx.data_dir else '-'}), "
    f"the command line's {cli_default} and the runs kept in benchmarks/. A run labelled under load started "
    "while other work shared the machine."))
if skipped:
    st.warning(services.escape_markdown("Not listed: " + "; ".join(skipped[:5])
                                        + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")))
if not saved:
    st.info("No saved runs yet: run one above, or `python -m agentmem bench` in a terminal.")
else:
    by_key = {r.key: r for r in saved}
    keys = list(by_key)
    if not st.session_state.get("past_chosen") or st.session_state.get("past_open") not in by_key:
        st.session_state["past_open"] = keys[0]  # the newest, until a run is picked (a new run is then the newest)
    picked = st.selectbox("Open a run", keys, format_func=lambda k: by_key[k].label(), key="past_open",
                          on_change=lambda: st.session_state.update(past_chosen=True),
                          help="Every phase-benchmark run found, newest first: date, commit, load average when it "
                               "started, data set.")
    others = st.multiselect("Compare with", [k for k in keys if k != picked], format_func=lambda k: by_key[k].label(),
                            key="past_runs", placeholder="other runs (optional)")
    with state.guard("Cannot open the run: "):
        opened = [(k, BenchResult.from_dict(by_key[k].load())) for k in [picked, *others]]
        load_note(opened[0][1].machine)
        frames = []
        names: list[str] = []
        for k, res in opened:
            name = by_key[k].short_label()
            name = name if name not in names else f"{name} ({names.count(name) + 1})"  # two runs in one minute
            names.append(by_key[k].short_label())
            frames.append(res.summary_frame().assign(run=name))
        chosen_rows = pd.concat(frames, ignore_index=True)
        title = "Past runs compared (ops/s per phase)" if others else "Saved run (ops/s per phase)"
        st.plotly_chart(charts.compare_runs(chosen_rows, run_column="run", title=title), key="past_chart")
        show_summary(opened[0][1], key="past_table")
        mem0_line(opened[0][1])
        infer_table(opened[0][1], key="past_infer")
        state.csv_download(chosen_rows, "bench_past_runs", key="past_csv")
