"""Ingest: pasted text, a chat (JSON / JSONL messages), an uploaded CSV / JSONL / LoCoMo file, a
synthetic set, or a file on disk."""

import os
import tempfile
from pathlib import Path

import charts
import glossary
import services
import state
import streamlit as st

ctx = state.setup("Ingest", "Add memories: one per line, from a file, or generated. Rows that cannot be stored "
                  "are listed with the reason; the rest go in.")
glossary.explain("Ingest")

SOURCES = ("Paste text", "Chat messages", "Upload a file", "Synthetic set", "File on this machine")
UPLOAD_DIR = Path(tempfile.gettempdir()) / "agentmem-workbench-uploads"
NO_COLUMN = "(none)"


DISK_KINDS = ("locomo", "jsonl", "csv")


def format_of(path: str) -> str | None:
    """The format a file name says (None: the name does not tell)."""
    return {".json": "locomo", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}.get(Path(path.strip()).suffix.lower())


def follow_suffix() -> None:
    """A new path: the format follows its suffix (and can still be changed by hand)."""
    kind = format_of(st.session_state.get("ingest_disk_path", ""))
    if kind:
        st.session_state["ingest_disk_kind"] = kind


def pick_columns(path: str, kind: str) -> dict:
    """The text, user and metadata columns of a CSV or JSONL file, chosen under its name."""
    columns = services.upload_columns(path, kind)
    c1, c2, c3 = st.columns(3)
    text_col = c1.selectbox("Text column", columns, index=columns.index("text") if "text" in columns else 0,
                            key="ingest_text_col")
    user_opts = [NO_COLUMN, *columns]
    guess = next((c for c in ("user_id", "user") if c in columns), NO_COLUMN)
    user_col = c2.selectbox("User column", user_opts, index=user_opts.index(guess), key="ingest_user_col",
                            help="Each row's user (its scope). None: every row goes to the user typed under Scope.")
    meta_cols = c3.multiselect("Metadata columns", [c for c in columns if c != text_col], key="ingest_meta_cols",
                               help=glossary.define("metadata"))
    return {"text_column": text_col, "user_column": None if user_col == NO_COLUMN else user_col,
            "metadata_columns": meta_cols}


if not ctx.ok:
    st.stop()
job_key = f"ingest:{ctx.key}"  # the data directory, plus the remote stores when set
busy = state.busy(job_key)  # this session's ingest or another's: one at a time per store

source = st.radio("Source", SOURCES, horizontal=True, key="ingest_source")

# ---------------------------------------------------------------- what to read
dataset_spec = None  # (spec, kwargs) for agentmem.bench.load_dataset
problem = None  # a bad input already shown in red under its field: Ingest does nothing until it is fixed
pasted = None
chat = None  # the chat's JSON / JSONL, pasted (str) or uploaded (bytes)
chat_infer = False
if source == "Paste text":
    pasted = st.text_area(
        "Memories, one per line",
        key="ingest_text",
        height=180,
        placeholder="e.g.\nAlice likes green tea\nAlice is allergic to peanuts\nBob moved to Lisbon in May",
    )
    meta_text = st.text_input("Metadata for every line (JSON object, optional)", key="ingest_meta",
                              placeholder='e.g. {"topic": "food"}', help=glossary.define("metadata"))
elif source == "Chat messages":
    chat = st.text_area(
        "Chat: a JSON list of messages, or one JSON message per line",
        key="ingest_chat",
        height=180,
        placeholder='e.g.\n[{"role": "user", "name": "Caroline", "content": "Did you go to the pottery class?"},\n'
                    ' {"role": "assistant", "name": "Melanie", "content": "Yes, last Tuesday!"}]',
    )
    chat_upload = st.file_uploader("…or upload a .json / .jsonl chat", key="ingest_chat_upload")
    if chat_upload is not None:
        chat = chat_upload.getvalue()
    chat_when = st.text_input("When it was said (ISO date/time, optional)", key="ingest_chat_when",
                              placeholder="e.g. 2023-05-08T13:56")
    chat_infer = st.checkbox("Extract facts with an LLM (infer)", key="ingest_infer",
                             help="add(messages, infer=True): an OpenAI-compatible endpoint (set in the sidebar) turns "
                                  "the chat into short facts, each added, updating or deleting a related memory, or "
                                  "already known; every decision is listed after the ingest.")
    if chat_infer:
        with st.sidebar:
            st.markdown("**LLM endpoint (infer)**")
            llm_url = st.text_input("Base URL", key="ingest_llm_url", placeholder="e.g. http://127.0.0.1:8080/v1",
                                    help="Any OpenAI-compatible chat completions endpoint: OpenAI, vLLM, llama.cpp, "
                                         "Ollama, OpenRouter.")
            llm_model = st.text_input("Model", key="ingest_llm_model", placeholder="e.g. gpt-4o-mini")
            have_key = bool(os.environ.get("AGENTMEM_LLM_API_KEY"))
            st.caption("API key: " + ("set, from the environment variable AGENTMEM_LLM_API_KEY" if have_key else
                                      "none (AGENTMEM_LLM_API_KEY is not set; a local server needs none)")
                       + ". It is never typed here nor shown.")
        if not llm_url.strip() or not llm_model.strip():
            problem = "llm_base_url: type the endpoint's base URL and the model in the sidebar first"
            st.error(problem)
    st.caption("One memory per message (`name: content` when it has a name), through `add(messages)`: the "
               "turns said before it and the time are its context for full-text search; a later chat with the "
               "same run continues it.")
elif source == "Upload a file":
    upload = st.file_uploader(
        "CSV (with a header), JSONL (one object per line) or LoCoMo-format JSON — up to 50 MB",
        key="ingest_upload",
    )
    if upload is not None:
        try:
            saved = st.session_state.get("ingest_saved")
            if not saved or saved[0] != upload.file_id:
                path, kind = services.save_upload(upload.name, upload.getvalue(), UPLOAD_DIR)
                saved = (upload.file_id, str(path), kind)
                st.session_state["ingest_saved"] = saved
            _, path, kind = saved
            if kind == "locomo":
                st.caption("LoCoMo format: one memory per dialog turn, user = conversation (sample_id).")
                dataset_spec = (f"locomo:{path}", {})
            else:
                dataset_spec = (f"{kind}:{path}", pick_columns(path, kind))
        except Exception as exc:  # noqa: BLE001 - a bad upload is a message, not a crash
            state.show_error(exc, prefix="Cannot use this file: ")
elif source == "Synthetic set":
    c1, c2 = st.columns(2)
    n = c1.number_input("How many memories", min_value=1, max_value=100_000, value=200, step=50, key="ingest_syn_n")
    seed = c2.number_input("Seed", min_value=0, value=0, step=1, key="ingest_syn_seed")
    st.caption("Preferences, dated events and facts of generated users; the same seed gives the same set.")
    dataset_spec = (f"synthetic:{int(n)}", {"seed": int(seed)})
else:
    default_path = services.default_ingest_path()  # a file that is there: the default works as it stands
    c1, c2 = st.columns([3, 1])
    disk_path = c1.text_input("Path", value=str(default_path or ""), key="ingest_disk_path",
                              placeholder="e.g. data/sample_memories.jsonl", on_change=follow_suffix,
                              help="A CSV (with a header), JSONL or LoCoMo-format JSON file; a relative path is read "
                                   "from the folder the workbench was started in.")
    if "ingest_disk_kind" not in st.session_state:
        st.session_state["ingest_disk_kind"] = format_of(disk_path) or "locomo"
    disk_kind = c2.selectbox("Format", DISK_KINDS, key="ingest_disk_kind")
    where = Path(disk_path.strip()).expanduser()
    if not disk_path.strip():
        st.caption("Type the path of a file on the machine the workbench runs on.")
    elif not where.is_file():
        problem = f"path: there is no file at {disk_path.strip()}"
        st.error(services.escape_markdown(problem))
    elif disk_kind == "locomo":
        dataset_spec = (f"locomo:{where}", {})
    else:
        with state.guard("Cannot use this file: "):
            dataset_spec = (f"{disk_kind}:{where}", pick_columns(str(where), disk_kind))

limit = 0
if dataset_spec is not None:
    limit = st.number_input("Keep the first N rows (0 = all)", min_value=0, value=0, step=100, key="ingest_limit")

# ---------------------------------------------------------------- scope and settings
st.subheader("Scope", help=glossary.define("scope"))
c1, c2, c3, c4 = st.columns(4)
if pasted is not None or chat is not None:
    user_id = c1.text_input("User", value="default", key="ingest_user")
else:
    user_id = c1.text_input("User (blank: the data's own users)", value="", key="ingest_user_ds")
agent_id = c2.text_input("Agent (optional)", key="ingest_agent")
run_id = c3.text_input("Run (optional)", key="ingest_run")
memory_type = c4.selectbox("Memory type", services.MEMORY_TYPES, key="ingest_type",
                           help=glossary.define("memory type"))

with st.expander("Write settings (optional): batch size, concurrency, or a benchmark phase"):
    from agentmem.bench.phases import PHASE_DESCRIPTIONS, plan_phase

    presets = ["custom", *(p for p in PHASE_DESCRIPTIONS if p != "p1")]
    preset = st.selectbox(
        "Phase preset",
        presets,
        format_func=lambda p: "custom: the three settings below" if p == "custom" else f"{p}: {glossary.define(p)}",
        key="ingest_preset",
        help="The write paths the Benchmarks page compares (the phases); p1 keeps vectors only (no records), so it "
             "is there, not here. Any of them stores the same memories; only the speed differs.",
    )
    c1, c2, c3 = st.columns(3)
    batch_size = c1.number_input("Batch size (rows per add_batch)", 1, 4096, 128, key="ingest_batch",
                                 help=glossary.define("batch size"))
    concurrency = c2.number_input("Concurrency (batches in flight)", 1, 32, 2, key="ingest_conc",
                                  help=glossary.define("concurrency"))
    pool_size = c3.number_input("Pool size (libSQL connections)", 1, 32, 4, key="ingest_pool",
                                help=glossary.define("pool size"))
    if preset != "custom":
        plan = plan_phase(preset, batch_size=int(batch_size), concurrency=int(concurrency), pool_size=int(pool_size))
        changed = ", ".join(f"{k}={v}" for k, v in plan.overrides.items()) or "none"
        st.caption(f"{preset} writes in batches of {plan.batch_size} with {plan.concurrency} in flight; "
                   f"store settings it changes: {changed}")

clicked = st.button("Ingest", type="primary", disabled=busy, key="ingest_go")
mine = state.own_job(job_key)
if busy and mine is not None and mine.running:
    st.info("Your ingest is running on this store; its progress is below.")

# ---------------------------------------------------------------- run
if clicked and not busy:
    state.clear_result(job_key)  # a new action: the previous summary or error goes
if clicked and not busy and problem is None:
    with state.guard("Nothing was ingested: "):
        pre_rejected = []
        if pasted is not None:
            meta = services.parse_metadata(meta_text, field="metadata")
            items = services.items_from_text(pasted, user_id=user_id.strip() or None, metadata=meta)
        elif chat is not None:
            messages = services.parse_chat(chat)
        elif dataset_spec is None:
            raise ValueError("path: type the path of a file on this machine first" if source == SOURCES[4]
                             else "file: choose a file to upload first")
        else:
            from agentmem.bench import load_dataset

            spec, kwargs = dataset_spec
            with st.spinner("Reading the data…"):
                dataset = load_dataset(spec, limit=int(limit) or None, **kwargs)
            items = services.items_from_dataset(dataset, user_id=user_id.strip() or None)
            blank = dataset.info.get("blank_rows_skipped", 0)
            if blank:
                pre_rejected.append({"row": None, "reason": f"{blank} rows with empty text skipped by the reader",
                                     "text": ""})
        if preset == "custom":
            overrides = {"pool_size": int(pool_size)} if int(pool_size) != 4 else {}
            bs, conc = int(batch_size), int(concurrency)
        else:
            overrides = {k: v for k, v in plan.overrides.items()}
            bs, conc = plan.batch_size, plan.concurrency
        if chat is not None and chat_infer:
            overrides.update(llm_base_url=llm_url.strip(), llm_model=llm_model.strip())
        held = state.store(ctx)
        if held.configure(**overrides):
            st.toast("Store reopened with the chosen write settings")
        memory = held.memory
        kwargs = {"agent_id": agent_id.strip() or None, "run_id": run_id.strip() or None, "memory_type": memory_type,
                  "batch_size": bs, "concurrency": conc, "rejected": pre_rejected, "warm": held.warm_search}
        if chat is not None:
            ingest_fn, rows = services.ingest_chat, messages
            kwargs = {"user_id": user_id.strip() or None, "agent_id": kwargs["agent_id"], "run_id": kwargs["run_id"],
                      "timestamp": chat_when.strip() or None, "memory_type": memory_type, "warm": held.warm_search,
                      "infer": chat_infer}
        else:
            ingest_fn, rows = services.ingest, items
        state.start_job(job_key, "Ingest", lambda progress: ingest_fn(memory, rows, progress=progress, **kwargs))

summary = state.job_result(job_key, unit="memories")
if summary is not None:
    st.subheader("Summary")
    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric("Added", f"{summary.added:,}", help=glossary.define("added"))
    c2.metric("Already stored", f"{summary.noop:,}", help=glossary.define("already stored"))
    c3.metric("Rejected", f"{len(summary.rejected):,}", help=glossary.define("rejected"))
    # the unit sits in the label: five metrics share the row, and "memories/s" in the value is cut off
    c4.metric("Memories/s", services.speed_number(summary.per_second), help=glossary.define("speed"))
    c5.metric("In the store now", f"{summary.stored:,}", help=glossary.define("in the store now"))
    st.caption(f"{summary.written:,} memories written in {summary.seconds:.2f} s, from the start of the ingest until "
               "every vector was stored; the progress bar above shows the same speed.")
    if summary.decisions:
        st.markdown("**What the LLM decided** (one row per fact; the memory's history keeps the source messages)")
        st.dataframe(summary.decisions, hide_index=True, key="ingest_decisions",
                     column_config={"event": "Decision", "memory": st.column_config.TextColumn("Memory", width="large"),
                                    "before": "Before", "id": "Memory id", "why": "Why (a NOOP)"})
    left, right = st.columns([1, 2])
    left.plotly_chart(charts.ingest_outcome(summary.outcome_frame()), key="ingest_outcome_chart")
    if summary.rejected:
        right.markdown("**Rejected rows**")
        right.dataframe(summary.rejected_frame(), hide_index=True, key="ingest_rejected")
    else:
        right.success("Every row was stored or already present.")
