"""Retrieval: the LoCoMo-format evaluation (recall@k, MRR, nDCG per search mode and category)
and its cross-validated folds (the saved run behind BENCHMARKS.md, or a new one)."""

import json
import tempfile
from pathlib import Path

import charts
import glossary
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
glossary.explain("Retrieval")
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
    path_text = st.text_input("Path to a LoCoMo-format JSON file", key="eval_path",
                              placeholder="e.g. data/locomo10.json",
                              help=glossary.define("LoCoMo") + " A relative path is read from the folder the "
                                   "workbench was started in.")
    if path_text.strip():
        spec = f"locomo:{path_text.strip()}"

c1, c2, c3 = st.columns([1, 1, 2])
k = c1.number_input("k (results scored per question)", min_value=1, max_value=100, value=10, key="eval_k",
                    help=glossary.define("k"))
limit = c2.number_input("Dialog turns (0 = all)", min_value=0, value=0, step=200, key="eval_limit",
                        help="Keeps the first N turns; questions whose evidence falls outside are dropped.")
modes = c3.multiselect("Modes", ("vector", "fts", "hybrid"), default=["vector", "fts", "hybrid"], key="eval_modes",
                       help=" ".join(f"{m}: {glossary.define(m)}" for m in ("vector", "fts", "hybrid")))


def metric_columns(k: int) -> dict:
    """Plain labels, with their definitions as tooltips, for the metric columns of the tables here."""
    def col(label: str, term: str) -> st.column_config.Column:
        return st.column_config.NumberColumn(label, help=glossary.define(term), format="%.3f")

    return {
        "mode": st.column_config.TextColumn("search mode", help=glossary.define("search mode")),
        "recall": col(f"recall@{k}", "recall@k"), "top1": col("top-1", "top-1"), "mrr": col("MRR", "MRR"),
        "ndcg": col(f"nDCG@{k}", "nDCG"), "session_hit5": col("session hit@5", "session hit@5"),
        "rr": col("reciprocal rank", "MRR"),
        "questions": st.column_config.NumberColumn("questions"),
        "p50_ms": st.column_config.NumberColumn("search p50 (ms)", help=glossary.define("p50"), format="%.1f"),
        "p95_ms": st.column_config.NumberColumn("search p95 (ms)", help=glossary.define("p95"), format="%.1f"),
        "latency_ms": st.column_config.NumberColumn("search time (ms)", format="%.1f"),
        "category": st.column_config.NumberColumn("category", help=glossary.define("question category")),
        "category_name": st.column_config.TextColumn("kind of question", help=glossary.define("question category")),
        "evidence": st.column_config.Column("evidence turns", help=glossary.define("evidence")),
        "retrieved": st.column_config.Column("turns found"),
        "rank": st.column_config.NumberColumn("rank of the first evidence"),
        "user_id": st.column_config.TextColumn("conversation"),
        "fold": st.column_config.NumberColumn("fold", help=glossary.define("fold")),
        "dataset": st.column_config.TextColumn("data set"),
        "path": st.column_config.TextColumn("how it was stored", help=glossary.define("path")),
        "kind": st.column_config.TextColumn("row", help=glossary.define("row")),
        "setting": st.column_config.TextColumn("setting", width="large", help=glossary.define("setting")),
        "train_score": col("score on the other folds", "train score"),
    }


#: The cross-validation's row kinds in plain words (the tables keep the order of agentmem.eval.cv.KINDS).
KIND_WORDS = {"chosen": "chosen on the other folds", "default": "defaults", "previous_default": "previous defaults",
              "vector_only": "vector search alone", "default_vector": "vector alone, default centering"}


def kinds_in_words(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(kind=frame["kind"].map(lambda kind: KIND_WORDS.get(kind, kind)))


job_key = f"eval:{state.session_id()}"  # a throwaway store each: nothing to share, so one per session
busy = state.busy(job_key)
clicked = st.button("Run evaluation", type="primary", disabled=busy, key="eval_run")
if clicked and not busy:
    state.clear_result(job_key)  # a new action: the previous evaluation's figures or error go
    with state.guard("Evaluation not started: "):
        if spec is None:
            raise ValueError("dataset: choose a LoCoMo-format file first")
        if not modes:
            raise ValueError("modes: pick at least one search mode")
        chosen = [m for m in ("vector", "fts", "hybrid") if m in modes]
        args = {"k": int(k), "modes": chosen, "limit": int(limit) or None}
        run_spec = spec
        state.start_job(
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
        col.metric(f"{row.mode}: recall@{ev.k}", f"{row.recall:.3f}",
                   help=f"MRR {row.mrr:.3f}. recall@k: {glossary.define('recall@k')}")
    left, right = st.columns(2)
    left.plotly_chart(charts.retrieval_by_mode(summary, metrics=("recall", "mrr", "ndcg")), key="eval_modes_chart")
    metric = right.radio("Per category", ("recall", "mrr", "ndcg"), horizontal=True, key="eval_cat_metric")
    right.plotly_chart(charts.retrieval_by_category(by_cat, metric=metric), key="eval_cat_chart")
    columns = metric_columns(ev.k)
    st.dataframe(summary.round(3), hide_index=True, key="eval_summary", column_config=columns)
    state.csv_download(summary, "retrieval_summary", key="eval_summary_csv")
    st.dataframe(by_cat.round(3), hide_index=True, key="eval_by_cat", column_config=columns)
    state.csv_download(by_cat, "retrieval_by_category", key="eval_by_cat_csv")
    with st.expander("Every question"):
        questions = ev.questions_frame()
        st.dataframe(questions, hide_index=True, key="eval_questions", column_config=columns)
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
cv_job = f"cv:{state.session_id()}"
cv_busy = state.busy(cv_job)
cc1, cc2 = st.columns([1, 3])
folds = cc1.number_input("Folds", min_value=2, max_value=10, value=2, key="cv_folds", help=glossary.define("fold"))
cc2.caption("Scores every candidate setting on the dataset chosen above (the speed of each is measured by the CLI, "
            "not here).")
if st.button("Run cross-validation", disabled=cv_busy, key="cv_run") and not cv_busy:
    state.clear_result(cv_job)
    with state.guard("Cross-validation not started: "):
        if spec is None:
            raise ValueError("dataset: choose a LoCoMo-format file first")
        cv_path = spec.split(":", 1)[1]
        cv_args = {"folds": int(folds), "k": int(k), "cost": False}
        state.start_job(
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
    st.caption(f"From {cv_source}. One row per data set, way of storing it and setting: the setting chosen on the "
               "other folds, the defaults, the previous defaults and vector search alone.")
    cv_columns = metric_columns(cv.k)
    pooled = kinds_in_words(cv.frame())
    st.dataframe(pooled.round(3), hide_index=True, key="cv_units_table", column_config={
        **cv_columns, **{c: st.column_config.NumberColumn(c, help=glossary.define("question category"), format="%.3f")
                         for c in pooled.columns if str(c).startswith("category ")}})
    fold_frame = kinds_in_words(cv.folds_frame())
    st.markdown("**Per fold**")
    st.dataframe(fold_frame.round(3), hide_index=True, key="cv_folds_table", column_config=cv_columns)
    state.csv_download(fold_frame, "cv_folds", key="cv_folds_csv")
    if cv.cost:
        cost_frame = pd.DataFrame([{"path": c.get("path"), "setting": c["setting"]["label"], "ingest_per_s": c["ops_per_s"],
                                    "search_p50_ms": c["p50_ms"], "runs": len(c["runs"])} for c in cv.cost])
        st.dataframe(cost_frame.round(2), hide_index=True, key="cv_cost_table", column_config={
            **cv_columns,
            "ingest_per_s": st.column_config.NumberColumn("ingest (memories/s)", help=glossary.define("ops/s")),
            "search_p50_ms": st.column_config.NumberColumn("hybrid search p50 (ms)", help=glossary.define("p50")),
            "runs": st.column_config.NumberColumn("runs", help="Measurements taken, interleaved between settings."),
        })
