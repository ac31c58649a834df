"""Benchmarks: the optimization phases on fresh stores, where the time goes, sweeps, past runs."""

import importlib.util

import charts
import services
import state
import streamlit as st

from agentmem.bench import (
    PHASE_DESCRIPTIONS,
    PHASES,
    SWEEP_PARAMS,
    ResultsStore,
    load_dataset,
    run_benchmark,
    run_sweep,
)

ctx = state.setup(
    "Benchmarks",
    "Each phase adds one idea of the write path on a fresh store; the embed-only row is the ceiling "
    "(the model alone). Runs are kept in the results file and can be compared.",
)

results_path = st.sidebar.text_input("Results file", value=services.default_results_path(), key="bench_results_path")
bench_key = f"bench:{results_path}"
sweep_key = f"sweep:{results_path}"
busy = services.JOBS.running(bench_key) or services.JOBS.running(sweep_key)
locomo = services.shared_locomo_path()

# ---------------------------------------------------------------- the run's settings
sources = ["synthetic", *(["LoCoMo dev"] if locomo else []), "dataset spec"]
c1, c2, c3 = st.columns([2, 1, 1])
source = c1.selectbox("Dataset", sources, key="bench_source",
                      help="synthetic: generated agent memories; LoCoMo dev: real dialog turns; "
                           "spec: synthetic:N, locomo:PATH, jsonl:PATH or csv:PATH")
size = c2.number_input("Size (memories)", min_value=10, max_value=100_000, value=200, step=100, key="bench_size")
repeat = c3.number_input("Repetitions", min_value=1, max_value=10, value=1, key="bench_repeat")
spec_text = ""
if source == "dataset spec":
    spec_text = st.text_input("Spec", value="synthetic:200", key="bench_spec")
phases = st.multiselect(
    "Phases", PHASES, default=list(PHASES), key="bench_phases",
    format_func=lambda p: f"{p} — {PHASE_DESCRIPTIONS[p]}",
)
c1, c2, c3, c4 = st.columns(4)
batch_size = c1.number_input("Batch size (p1–p2c)", 1, 4096, 64, key="bench_batch")
concurrency = c2.number_input("Batches in flight (p2b/p2c)", 1, 64, 4, key="bench_conc")
pool_size = c3.number_input("Pool size (p2c)", 1, 64, 4, key="bench_pool")
mem0_installed = importlib.util.find_spec("mem0") is not None
include_mem0 = c4.checkbox("Mem0 row", value=mem0_installed, disabled=not mem0_installed, key="bench_mem0",
                           help="Needs `pip install mem0ai`." if not mem0_installed else "Mem0 with infer=False")
references = st.checkbox("Reference rows (embed-only ceiling, storage-only, plain embed)", value=True,
                         key="bench_refs")


def _spec() -> str:
    if source == "synthetic":
        return f"synthetic:{int(size)}"
    if source == "LoCoMo dev":
        return f"locomo:{locomo}"
    if not spec_text.strip():
        raise ValueError("dataset: enter a spec such as synthetic:200 or locomo:PATH")
    return spec_text.strip()


run_clicked = st.button("Run benchmark", type="primary", disabled=busy, key="bench_run")
if busy:
    st.info("A benchmark is running; its progress is below. It keeps going if you leave this page.")
if run_clicked and not busy:
    with state.guard("Benchmark not started: "):
        if not phases:
            raise ValueError("phases: pick at least one phase")
        dataset = load_dataset(_spec(), limit=int(size))
        chosen = [p for p in PHASES if p in phases]
        params = {"phases": chosen, "repeat": int(repeat), "batch_size": int(batch_size), "concurrency": int(concurrency),
                      "pool_size": int(pool_size), "include_mem0": bool(include_mem0), "include_references": references}
        steps = int(repeat) * (len(chosen) + (3 if references else 0) + (1 if include_mem0 else 0))
        store_path = results_path

        def work(progress):
            result = run_benchmark(dataset, progress=services.staged_progress(progress, steps), **params)
            ResultsStore(store_path).append(result)
            return result

        services.JOBS.start(bench_key, "Benchmark", work)

result = state.job_result(bench_key, unit=None)
if result is not None:
    st.subheader(services.escape_markdown(f"Run {result.run_id} · {result.dataset.get('name')} · n={result.dataset.get('n')}"))
    summary = result.summary_frame()
    runs = result.runs_frame()
    st.plotly_chart(charts.phase_throughput(summary), key="bench_throughput")
    left, right = st.columns(2)
    left.plotly_chart(charts.stage_breakdown(summary), key="bench_stages")
    right.plotly_chart(charts.latency_distribution(runs[~runs["phase"].isin(["embed-only", "plain-embed"])]),
                       key="bench_latency")
    st.markdown("**Summary** (medians over repetitions; ratio_to_ceiling = ops/s ÷ embed-only)")
    st.dataframe(summary.round(2), hide_index=True, key="bench_summary")
    state.csv_download(summary, f"bench_summary_{result.run_id}", key="bench_summary_csv")
    with st.expander("Every repetition"):
        st.dataframe(runs.round(2), hide_index=True, key="bench_runs")
        state.csv_download(runs, f"bench_runs_{result.run_id}", key="bench_runs_csv")
    for note in result.notes:
        st.caption(services.escape_markdown(note))

# ---------------------------------------------------------------- sweep
st.subheader("Sweep a setting")
c1, c2, c3 = st.columns([2, 2, 1])
param = c1.selectbox("Setting", SWEEP_PARAMS, key="sweep_param")
values_text = c2.text_input("Values", value="8,16,32,64", key="sweep_values")
sweep_phase = c3.selectbox("Phase", PHASES, index=list(PHASES).index("p3"), key="sweep_phase")
sweep_clicked = st.button("Run sweep", disabled=busy, key="sweep_run")
if sweep_clicked and not busy:
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
        services.JOBS.start(
            sweep_key, "Sweep",
            lambda progress: run_sweep(dataset, progress=services.staged_progress(progress, len(values)), **sweep_args),
        )
sweep = state.job_result(sweep_key, unit=None)
if sweep is not None:
    st.plotly_chart(charts.sweep_chart(sweep), key="sweep_chart")
    st.dataframe(sweep.round(2), hide_index=True, key="sweep_table")
    state.csv_download(sweep, "sweep", key="sweep_csv")

# ---------------------------------------------------------------- past runs
st.subheader("Past runs")
with state.guard("Cannot read the results file: "):
    past = ResultsStore(results_path).summary_frame()
    if past.empty:
        st.info(f"No runs in {results_path} yet.")
    else:
        runs_index = past.drop_duplicates("run_id")[["run_id", "timestamp", "dataset", "n"]]
        labels = {r.run_id: f"{r.timestamp} · {r.dataset} · n={r.n} · {r.run_id}" for r in runs_index.itertuples()}
        ids = runs_index["run_id"].tolist()
        picked = st.multiselect("Compare runs", ids, default=ids[-2:], format_func=labels.get, key="past_runs")
        if picked:
            chosen_rows = past[past["run_id"].isin(picked)]
            chosen_rows = chosen_rows.assign(run=chosen_rows["run_id"].map(labels))
            st.plotly_chart(charts.compare_runs(chosen_rows, run_column="run"), key="past_chart")
            st.dataframe(chosen_rows.drop(columns=["run"]).round(2), hide_index=True, key="past_table")
            state.csv_download(chosen_rows.drop(columns=["run"]), "bench_past_runs", key="past_csv")
