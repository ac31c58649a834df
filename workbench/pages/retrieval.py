"""Retrieval: the LoCoMo-format evaluation (recall@k, MRR, nDCG per search mode and category)
and its cross-validated folds (the saved run behind BENCHMARKS.md, or a new one)."""

import json
import tempfile
from pathlib import Path

import charts
import pandas as pd
import services
import state
import streamlit as st

from agentmem.eval import evaluate
from agentmem.eval.cv import CVResult, cross_validate

ctx = state.setup(
    "Retrieval",
    "Every dialog turn is stored as a memory (user = conversation) in a throwaway store; each question is "
    "searched in its conversation and scored against its evidence turns.",
)
UPLOAD_DIR = Path(tempfile.gettempdir()) / "agentmem-workbench-uploads"
locomo = services.shared_locomo_path()

sources = [*(["LoCoMo dev"] if locomo else []), "Upload a LoCoMo JSON", "Path on this machine"]
source = st.radio("Dataset", sources, horizontal=True, key="eval_source")
spec = None
if source == "LoCoMo dev":
    spec = f"locomo:{locomo}"
    st.caption(f"`{locomo}`")
elif source == "Upload a LoCoMo JSON":
    upload = st.file_uploader("LoCoMo-format JSON (up to 50 MB)", key="eval_upload")
    if upload is not None:
        with state.guard("Cannot use this file: "):
            path, _ = services.save_upload(upload.name, upload.getvalue(), UPLOAD_DIR)
            spec = f"locomo:{path}"
else:
    path_text = st.text_input("Path to a LoCoMo-format JSON file", key="eval_path")
    if path_text.strip():
        spec = f"locomo:{path_text.strip()}"

c1, c2, c3 = st.columns([1, 1, 2])
k = c1.number_input("k", min_value=1, max_value=100, value=10, key="eval_k")
limit = c2.number_input("Dialog turns (0 = all)", min_value=0, value=0, step=200, key="eval_limit",
                        help="Keeps the first N turns; questions whose evidence falls outside are dropped.")
modes = c3.multiselect("Modes", ("vector", "fts", "hybrid"), default=["vector", "fts", "hybrid"], key="eval_modes")

job_key = f"eval:{ctx.data_dir}"
busy = services.JOBS.running(job_key)
clicked = st.button("Run evaluation", type="primary", disabled=busy, key="eval_run")
if clicked and not busy:
    with state.guard("Evaluation not started: "):
        if spec is None:
            raise ValueError("dataset: choose a LoCoMo-format file first")
        if not modes:
            raise ValueError("modes: pick at least one search mode")
        chosen = [m for m in ("vector", "fts", "hybrid") if m in modes]
        args = {"k": int(k), "modes": chosen, "limit": int(limit) or None}
        run_spec = spec
        services.JOBS.start(
            job_key, "Evaluation",
            lambda progress: evaluate(run_spec, progress=services.staged_progress(progress, 1 + len(chosen)), **args),
        )

ev = state.job_result(job_key, unit=None)
if ev is not None:
    summary = ev.summary_frame()
    by_cat = ev.by_category_frame()
    n_questions = int(summary["questions"].max()) if not summary.empty else 0
    st.subheader(services.escape_markdown(f"recall@{ev.k} on {ev.dataset.get('name')} · {ev.dataset.get('n'):,} turns · "
                 f"{n_questions:,} questions"))
    cols = st.columns(max(1, len(summary)))
    for col, row in zip(cols, summary.itertuples()):
        col.metric(f"{row.mode}: recall@{ev.k}", f"{row.recall:.3f}", help=f"MRR {row.mrr:.3f}")
    left, right = st.columns(2)
    left.plotly_chart(charts.retrieval_by_mode(summary, metrics=("recall", "mrr", "ndcg")), key="eval_modes_chart")
    metric = right.radio("Per category", ("recall", "mrr", "ndcg"), horizontal=True, key="eval_cat_metric")
    right.plotly_chart(charts.retrieval_by_category(by_cat, metric=metric), key="eval_cat_chart")
    st.dataframe(summary.round(3), hide_index=True, key="eval_summary")
    state.csv_download(summary, "retrieval_summary", key="eval_summary_csv")
    st.dataframe(by_cat.round(3), hide_index=True, key="eval_by_cat")
    state.csv_download(by_cat, "retrieval_by_category", key="eval_by_cat_csv")
    with st.expander("Every question"):
        questions = ev.questions_frame()
        st.dataframe(questions, hide_index=True, key="eval_questions")
        state.csv_download(questions, "retrieval_questions", key="eval_questions_csv")

# --------------------------------------------------------------------------- cross-validation

st.divider()
st.subheader("Cross-validated folds")
st.caption(
    "Each setting (the hybrid fusion, and the full-text evidence a memory stored without context takes from the "
    "ones stored before it) is chosen on half of the users of every data set and scored on the other half, both "
    "ways (`agentmem eval --cv 2`). Conversations are scored as they go in through plain add_batch, add_batch with "
    "contexts and add(messages); the defaults, the previous defaults and vector search alone are scored too."
)
CV_RUN = services.REPO_ROOT / "benchmarks" / "retrieval_cv_dev.json"
cv_job = f"cv:{ctx.data_dir}"
cv_busy = services.JOBS.running(cv_job)
cc1, cc2 = st.columns([1, 3])
folds = cc1.number_input("Folds", min_value=2, max_value=10, value=2, key="cv_folds")
cc2.caption("Runs the grid on the dataset chosen above (no cost runs here; the CLI measures them).")
if st.button("Run cross-validation", disabled=cv_busy, key="cv_run") and not cv_busy:
    with state.guard("Cross-validation not started: "):
        if spec is None:
            raise ValueError("dataset: choose a LoCoMo-format file first")
        cv_path = spec.split(":", 1)[1]
        cv_args = {"folds": int(folds), "k": int(k), "cost": False}
        services.JOBS.start(
            cv_job, "Cross-validation",
            lambda progress: cross_validate(cv_path, progress=services.staged_progress(progress, 8), **cv_args),
        )

cv = state.job_result(cv_job, unit=None)
cv_source = "this run"
if cv is None and CV_RUN.is_file():
    with state.guard("Cannot read the saved cross-validation run: "):
        cv = CVResult(**{key: value for key, value in json.loads(CV_RUN.read_text()).items()})
        cv_source = f"the saved run `benchmarks/{CV_RUN.name}` ({cv.timestamp})"
if cv is not None:
    st.caption(f"From {cv_source}.")
    pooled = cv.frame()
    st.dataframe(pooled.round(3), hide_index=True, key="cv_units_table")
    fold_frame = cv.folds_frame()
    st.dataframe(fold_frame.round(3), hide_index=True, key="cv_folds_table")
    state.csv_download(fold_frame, "cv_folds", key="cv_folds_csv")
    if cv.cost:
        cost_frame = pd.DataFrame([{"path": c.get("path"), "setting": c["setting"]["label"], "ingest_per_s": c["ops_per_s"],
                                    "search_p50_ms": c["p50_ms"], "runs": len(c["runs"])} for c in cv.cost])
        st.dataframe(cost_frame.round(2), hide_index=True, key="cv_cost_table")
