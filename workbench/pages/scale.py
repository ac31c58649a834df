"""Scale: latency and throughput against store size, agentmem beside Mem0 (``agentmem bench-scale``)."""

import importlib.util
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import charts
import glossary
import pandas as pd
import services
import state
import steps
import streamlit as st

from agentmem.bench.results import BUSY_LOAD, find_runs, results_dir, scale_run_problem
from agentmem.bench.scale import parse_sizes, planned_steps, run_scale, scale_frame

ctx = state.setup(
    "Scale",
    "One store grown in steps; at each size: a bulk ingest, single adds, searches in each mode (the real "
    "model embeds every query), agents searching and adding at once, disk and memory. Open a saved run of "
    "`agentmem bench-scale` or run a small one here.",
)
glossary.explain("Scale")

JOB_KEY = "scale"  # one scale run at a time on this machine: two would slow each other down
SHOWN = "scale_shown"  # which run the page draws: "pick" (the list), "file" (a path typed in) or "job"
#: Fewer searches than this per mode and a p95 is little more than the slowest single search.
FEW_QUERIES = 20
SCALE_EXTRA = "the scale extra is not installed (pip install 'agentmem[scale]')"
AGENTS = (8,)  # the page's agent loop: 8 agents, as in the command line's default pair (8, 32)
LATENCY_DEFAULT = ("hybrid_p50_ms", "vector_p50_ms", "fts_p50_ms", "hybrid_p95_ms", "add_p50_ms")


def show(which: str) -> None:
    st.session_state[SHOWN] = which
    if which == "pick":
        st.session_state["scale_chosen"] = True  # from now on the list keeps this run, not the newest


def mem0_words(peer: dict) -> str | None:
    """Why Mem0 was not measured, in words (None when it was)."""
    reason = peer.get("skipped")
    if not reason:
        return None
    if reason == "not asked for (--no-mem0)":  # a command-line run made without the peer
        return "not asked for when the run was made (bench-scale --no-mem0)"
    return str(reason)


def column_config(frame: pd.DataFrame) -> dict:
    """Plain headers, each with its definition, for the scale table's columns."""
    def num(label: str, term: str, fmt: str = "%.2f") -> st.column_config.NumberColumn:
        return st.column_config.NumberColumn(label, help=glossary.define(term), format=fmt)

    words = {"vector": "vector", "fts": "full-text", "hybrid": "hybrid"}
    out = {"system": st.column_config.TextColumn("system", help=glossary.define("system")),
           "size": num("memories in the store", "store size", "%d"),
           "ingest_per_s": num("bulk ingest (memories/s)", "bulk ingest", "%d"),
           "add_p50_ms": num("single add p50 (ms)", "single add"), "add_p95_ms": num("single add p95 (ms)", "single add"),
           "add_per_s": num("sequential adds/s", "sequential adds", "%.1f"),
           "add_per_s_settled": num("sequential adds/s, upkeep settled", "upkeep settled", "%.1f"),
           "disk_bytes_per_memory": num("disk bytes per memory", "disk per memory", "%d"),
           "peak_rss_mb": num("peak memory (MB)", "peak memory", "%.0f"),
           "upkeep_s": num("upkeep (s)", "upkeep", "%.1f"), "writer_wait_s": num("writer wait (s)", "writer wait", "%.1f"),
           "settle_s": num("wait for upkeep (s)", "upkeep settled", "%.1f"), "verify_s": num("verify (s)", "verify", "%.2f")}
    for mode, word in words.items():
        out[f"{mode}_p50_ms"] = num(f"{word} search p50 (ms)", mode)
        out[f"{mode}_p95_ms"] = num(f"{word} search p95 (ms)", mode)
        out[f"{mode}_p50_ms_after_ingest"] = num(f"{word} p50 right after ingest (ms)", "right after ingest")
        out[f"{mode}_p95_ms_after_ingest"] = num(f"{word} p95 right after ingest (ms)", "right after ingest")
        out[f"{mode}_fresh_ms"] = num(f"{word}: found after add (ms)", "freshness")
    for col in frame.columns:
        name = str(col)
        if name.startswith("agents") and "_" in name:
            n = name[len("agents"):].split("_", 1)[0]
            settled = ", upkeep settled" if name.endswith("_settled") else ""
            if "_ops_per_s" in name:
                out[name] = num(f"{n} agents: operations/s{settled}", "agent loop", "%.1f")
            elif "_turn_p95_ms" in name:
                out[name] = num(f"{n} agents: turn p95 (ms){settled}", "agent loop", "%.1f")
    return out


def machine_line(result: dict) -> None:
    m = result.get("machine") or {}
    s = result.get("settings") or {}
    load = m.get("load_avg") or []
    st.caption(services.escape_markdown(
        f"{m.get('cpu_model') or 'CPU unknown'} · {m.get('cpus_usable') or '?'} CPUs · load average at start "
        f"{', '.join(f'{x:.1f}' for x in load) or 'unknown'} · {m.get('timestamp') or 'date unknown'} · commit "
        f"{(m.get('git_commit') or 'unknown')[:12]} · {s.get('users')} users, {s.get('queries_per_mode')} "
        "queries per mode"))
    start = float(load[0]) if load else None
    during = [float(step["load_avg"][0]) for step in result.get("steps", []) if step.get("load_avg")]
    worst = max([x for x in (start, *during) if x is not None], default=None)
    if worst is not None and worst > BUSY_LOAD:
        cpus = m.get("cpus_usable") or "?"
        if start is not None and start > BUSY_LOAD:
            what = f"This run started under load (load average {start:.1f}, up to {worst:.1f}, on {cpus} CPUs)"
        else:
            began = f"started at load average {start:.1f}, but " if start is not None else ""
            what = f"This run {began}the load rose to {worst:.1f} (on {cpus} CPUs) while it ran"
        st.warning(f"{what}: other work shared the machine, so its latencies are higher and its rates lower than "
                   "an idle machine gives. Compare it with a run not labelled under load.", icon=":material/speed:")


def save_run(result: dict, folder: Path) -> Path:
    """Write a finished run as ``scale_<time>.json`` in ``folder`` (whole, or not at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"scale_{datetime.now(UTC):%Y%m%d-%H%M%S}.json"
    part = path.with_suffix(".json.part")
    part.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(part, path)
    return path


# ---------------------------------------------------------------- saved runs
st.subheader("Saved runs")
places = [services.REPO_ROOT / "benchmarks", *([results_dir(ctx.data_dir)] if ctx.data_dir is not None else [])]
saved, skipped = find_runs(places, "scale")
by_key = {r.key: r for r in saved}
if saved:
    if not st.session_state.get("scale_chosen") or st.session_state.get("scale_pick") not in by_key:
        st.session_state["scale_pick"] = saved[0].key  # the newest, until a run is picked
    picked = st.selectbox(
        "Open a run", list(by_key), format_func=lambda k: by_key[k].label(), key="scale_pick",
        on_change=show, args=("pick",),
        help="Every bench-scale run found in benchmarks/ and in the data directory's results folder, newest "
             "first: date, commit, load average when it started (" + glossary.define("under load") + "), sizes.")
else:
    picked = None
    st.info("No saved bench-scale run yet: run a small one below, or in a terminal "
            "`python -m agentmem bench-scale --sizes 10k,100k --json benchmarks/scale_mine.json`.")
if skipped:
    st.warning(services.escape_markdown("Not listed: " + "; ".join(skipped[:5])
                                        + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")))
with st.expander("Open another file"):
    c1, c2 = st.columns([4, 1])
    path_text = c1.text_input("Run JSON", key="scale_path", placeholder="e.g. benchmarks/scale_10k_100k.json",
                              help="A file `agentmem bench-scale --json OUT` wrote")
    if c2.button("Load", key="scale_load"):
        with state.guard("Cannot load the run: "):
            if not path_text.strip():
                raise ValueError("run JSON: enter the path of a bench-scale --json file")
            path = Path(path_text.strip()).expanduser()
            if not path.is_file():
                raise ValueError(f"run JSON: no file at {path}")
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise ValueError(f"run JSON: {path.name} is not JSON ({exc.msg}, line {exc.lineno})") from None
            except UnicodeDecodeError:
                raise ValueError(f"run JSON: {path.name} is not a text file") from None
            problem = scale_run_problem(data)
            if problem:
                raise ValueError(f"run JSON: {path.name}: {problem}")
            st.session_state["scale_loaded"] = data
            show("file")

# ---------------------------------------------------------------- a small new run
st.subheader("Run a small one")
busy = state.busy(JOB_KEY)
c1, c2, c3, c4 = st.columns(4)
sizes_text = c1.text_input("Sizes", value="500,1500", key="scale_sizes",
                           help="Store sizes to grow through, increasing, e.g. 1k,5k (k and M allowed; at most 100k "
                                "here).")
users = c2.number_input("Users", min_value=1, max_value=1000, value=10, key="scale_users",
                        help="The memories are spread over this many users; every search looks in one user's memories.")
queries = c3.number_input("Queries per mode", min_value=1, max_value=1000, value=FEW_QUERIES, key="scale_queries",
                          help="Searches per search mode at each size (new query texts every time).")
peer_ok = all(importlib.util.find_spec(m) is not None for m in ("mem0", "pgserver", "psycopg", "psycopg_pool"))
mem0 = c4.checkbox("Mem0 on pgvector", value=False, disabled=not peer_ok, key="scale_mem0",
                   help=glossary.define("Mem0 on pgvector") + (" Starts a PostgreSQL server (pgserver) for the run."
                                                               if peer_ok else " Needs pip install 'agentmem[scale]'."))
if not peer_ok:
    c4.caption(services.escape_markdown(f"Mem0 not measured: {SCALE_EXTRA}"))
if int(queries) < FEW_QUERIES:
    st.warning(f"{int(queries)} searches per mode can only give a rough p95: with fewer than {FEW_QUERIES}, the "
               "95th percentile is little more than the slowest single search. Use "
               f"{FEW_QUERIES} or more for figures to compare.", icon=":material/warning:")
run_clicked = st.button("Run", type="primary", disabled=busy, key="scale_run")
own = state.own_job(JOB_KEY)
if busy and own is not None and own.running:
    st.info("A scale run is going; its progress is below. It keeps going if you leave this page.")
if run_clicked and not busy:
    state.clear_result(JOB_KEY)
    with state.guard("Scale run not started: "):
        try:
            sizes = parse_sizes(sizes_text)
        except ValueError as exc:
            raise ValueError(f"sizes: {exc}") from None
        if sizes[-1] > 100_000:
            raise ValueError("sizes: at most 100k here; larger runs belong to `agentmem bench-scale`")
        params = {"users": int(users), "queries": int(queries), "adds": max(5, int(queries)), "agents": AGENTS,
                  "agent_turns": 2, "probes": 2, "settle_s": 20, "include_mem0": bool(mem0)}
        planned = len(planned_steps(sizes, agents=AGENTS, mem0_sizes=sizes if mem0 else ()))
        reason = None if mem0 else (SCALE_EXTRA if not peer_ok else "not asked for (the Mem0 box was off)")
        folder = results_dir(ctx.data_dir) if ctx.data_dir is not None else None
        done_text = f"{len(sizes)} size{'s' if len(sizes) != 1 else ''} done ({', '.join(f'{n:,}' for n in sizes)})"

        def work(progress):
            tracker = steps.StepProgress(progress, planned, rate=lambda step: not step.startswith("waiting"),
                                         starting="opening a fresh store and loading the model")
            result = run_scale(sizes, progress=tracker, **params)
            if reason is not None:
                result["mem0"] = {"skipped": reason}
            if folder is not None:
                result["saved_to"] = str(save_run(result, folder))
            tracker.finish(f"{done_text}: {tracker.steps} steps")
            return result

        if state.start_job(JOB_KEY, "Scale run", work) is not None:
            show("job")

job_result = state.job_result(JOB_KEY, unit=None, what="this machine")
result = None
if st.session_state.get(SHOWN) == "job" and job_result is not None:
    result = job_result
    if result.get("saved_to"):
        st.caption(services.escape_markdown(f"Kept in {result['saved_to']}"))
elif st.session_state.get(SHOWN) == "file" and st.session_state.get("scale_loaded") is not None:
    result = st.session_state["scale_loaded"]
elif picked is not None:
    with state.guard("Cannot open the run: "):
        result = by_key[picked].load()

# ---------------------------------------------------------------- the figures
if result is None:
    st.info("Open a saved run or run a small one to see the figures.")
else:
    frame = scale_frame(result)
    machine_line(result)
    figures = st.multiselect("Latency figures", list(charts.SCALE_LATENCY), default=list(LATENCY_DEFAULT),
                             format_func=charts.SCALE_LATENCY.get, key="scale_figures",
                             help="Colour: the system. Line: the search mode (solid hybrid, dotted vector, dashed "
                                  "full-text; dash-dot a single add). Thin with open markers: p95, right after the "
                                  "ingest.")
    st.plotly_chart(charts.scale_latency(frame, metrics=figures or None), key="scale_latency_chart")
    st.plotly_chart(charts.scale_throughput(frame), key="scale_throughput_chart")
    st.dataframe(frame, hide_index=True, column_config=column_config(frame), key="scale_table")
    state.csv_download(frame, "scale", key="scale_csv")
    peer = result.get("mem0") or {}
    words = mem0_words(peer)
    if words:
        st.caption(services.escape_markdown(f"Mem0 not measured: {words}"))
    if peer.get("error"):
        st.warning(services.escape_markdown(f"Mem0 on pgvector stopped: {peer['error']}"))
    for note in result.get("notes", []):
        st.caption(services.escape_markdown(note))
