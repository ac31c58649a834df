"""Scale: latency and throughput against store size, agentmem beside Mem0 (``agentmem bench-scale``)."""

import importlib.util
import json
from pathlib import Path

import charts
import services
import state
import streamlit as st

from agentmem.bench.scale import parse_sizes, run_scale, scale_frame

state.setup(
    "Scale",
    "One store grown in steps; at each size: bulk ingest, single add, search per mode (the real model "
    "embeds every query), the 8/32-agent loop, disk and memory. Load a saved run of `agentmem bench-scale` "
    "or run a small one here.",
)

JOB_KEY = "scale"
SHOWN = "scale_shown"  # which result the page draws: the loaded file's or the last run's
saved = sorted((services.REPO_ROOT / "benchmarks").glob("scale*.json"))

# ---------------------------------------------------------------- a saved run
st.subheader("Load a saved run")
c1, c2 = st.columns([4, 1])
path_text = c1.text_input("Run JSON", value=str(saved[-1]) if saved else "", key="scale_path",
                          help="The file `agentmem bench-scale --json OUT` wrote")
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
        if not isinstance(data, dict) or data.get("kind") != "scale":
            raise ValueError(f"run JSON: {path.name} is not a bench-scale run")
        st.session_state["scale_loaded"] = data
        st.session_state[SHOWN] = "file"

# ---------------------------------------------------------------- a small new run
st.subheader("Run a small one")
busy = services.JOBS.running(JOB_KEY)
c1, c2, c3, c4 = st.columns(4)
sizes_text = c1.text_input("Sizes", value="500,1500", key="scale_sizes", help="e.g. 1k,5k (k and M allowed)")
users = c2.number_input("Users", min_value=1, max_value=1000, value=10, key="scale_users")
queries = c3.number_input("Queries per mode", min_value=1, max_value=1000, value=10, key="scale_queries")
peer_ok = all(importlib.util.find_spec(m) is not None for m in ("mem0", "pgserver", "psycopg"))
mem0 = c4.checkbox("Mem0 on pgvector", value=False, disabled=not peer_ok, key="scale_mem0",
                   help="Starts a PostgreSQL server (pgserver) for the run" if peer_ok
                   else "Needs pip install 'agentmem[scale]'")
run_clicked = st.button("Run", type="primary", disabled=busy, key="scale_run")
if busy:
    st.info("A scale run is going; its progress is below. It keeps going if you leave this page.")
if run_clicked and not busy:
    with state.guard("Scale run not started: "):
        try:
            sizes = parse_sizes(sizes_text)
        except ValueError as exc:
            raise ValueError(f"sizes: {exc}") from None
        if sizes[-1] > 100_000:
            raise ValueError("sizes: at most 100k here; larger runs belong to `agentmem bench-scale`")
        params = {"users": int(users), "queries": int(queries), "adds": max(5, int(queries)), "agents": (2, 8), "agent_turns": 2,
                      "probes": 2, "settle_s": 20, "include_mem0": bool(mem0)}
        steps = len(sizes) * (2 if mem0 else 1)

        def work(progress):
            return run_scale(sizes, progress=services.staged_progress(progress, steps), **params)

        services.JOBS.start(JOB_KEY, "Scale run", work)
        st.session_state[SHOWN] = "job"

job_result = state.job_result(JOB_KEY, unit=None) if services.JOBS.get(JOB_KEY) else None
result = st.session_state.get("scale_loaded") if st.session_state.get(SHOWN) == "file" else job_result

# ---------------------------------------------------------------- the figures
if result is None:
    st.info("Load a saved run or run a small one to see the figures.")
else:
    frame = scale_frame(result)
    m = result.get("machine", {})
    settings = result.get("settings", {})
    st.caption(services.escape_markdown(
        f"{m.get('cpu_model')} · {m.get('cpus_usable')} CPUs · load average at start "
        f"{', '.join(f'{x:.1f}' for x in (m.get('load_avg') or []))} · {m.get('timestamp')} · commit {m.get('git_commit')} · "
        f"{settings.get('users')} users, {settings.get('queries_per_mode')} queries per mode"))
    st.plotly_chart(charts.scale_latency(frame), key="scale_latency_chart")
    st.plotly_chart(charts.scale_throughput(frame), key="scale_throughput_chart")
    st.dataframe(frame, hide_index=True, key="scale_table")
    state.csv_download(frame, "scale", key="scale_csv")
    peer = result.get("mem0") or {}
    if peer.get("skipped"):
        st.caption(services.escape_markdown(f"Mem0 on pgvector skipped: {peer['skipped']}"))
    if peer.get("error"):
        st.warning(services.escape_markdown(f"Mem0 on pgvector stopped: {peer['error']}"))
    for note in result.get("notes", []):
        st.caption(services.escape_markdown(note))
