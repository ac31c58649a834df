"""Storage: where the data lives, counts per store, verify / repair, LanceDB upkeep, reset."""

import glossary
import pandas as pd
import services
import state
import streamlit as st

ctx = state.setup("Storage", "The records store (libSQL) is the source of truth; the vector store (LanceDB) "
                  "must hold the same ids. Verify compares them, repair mends the vector side.")
glossary.explain("Storage")
memory = state.memory(ctx)
if memory is None:
    st.stop()

REPORT = "storage_report"  # (action, body) of the last Verify / Repair / Optimize of this session


def new_action() -> None:
    """A button of this page was pressed (its on_click, which runs before the page is drawn again):
    the previous action's report and message go."""
    st.session_state.pop(REPORT, None)


for message in st.session_state.pop("storage_flash", []):
    st.success(message)

stats = None
with state.guard("Cannot read the store's statistics: "):
    stats = memory.stats()

if stats is not None:
    st.subheader("Where the data lives")
    st.markdown(
        f"- data directory: `{stats['data_dir']}`\n"
        f"- records (libSQL): `{stats['records_url']}` · schema version {stats.get('schema_version')}\n"
        f"- vectors (LanceDB): `{stats['vectors_path']}`"
    )
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Memories (records)", f"{stats['memories']:,}", help=glossary.define("records"))
    c2.metric("Vectors", f"{stats['vectors']:,}", help=glossary.define("vectors"))
    c3.metric("History events", f"{stats['history_events']:,}", help=glossary.define("history events"))
    c4.metric("Users", f"{len(stats.get('users') or {}):,}", help=glossary.define("scope"))
    if not stats["memories"]:
        st.info("This store is empty: add memories on the Ingest page (or import an export on the Memories page).")
    listing = services.directory_listing(ctx.data_dir)
    st.dataframe(listing.drop(columns=["bytes"]), hide_index=True, key="storage_files", column_config={
        "name": st.column_config.TextColumn("file or folder"),
        "files": st.column_config.NumberColumn("files", help="Files inside (a folder counts every file under it)."),
        "size": st.column_config.TextColumn("size on disk"),
    })

    st.subheader("Vector table (LanceDB)")
    lance = stats.get("lance") or {}
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Table version", lance.get("version", "-"), help=glossary.define("table version"))
    c2.metric("Old versions kept", lance.get("versions", "-"), help=glossary.define("versions kept"))
    c3.metric("Data files", lance.get("fragments", "-"), help=glossary.define("data files"))
    c4.metric("Small data files", lance.get("small_fragments", "-"), help=glossary.define("small data files"))
    if not stats["vectors"]:
        st.caption("No vectors yet: the table version counts the changes made while creating the table and its "
                   "indexes, not memories.")
    indices = lance.get("indices") or []
    if indices:
        st.dataframe(pd.DataFrame(indices).astype(str), hide_index=True, key="storage_indices", column_config={
            "name": st.column_config.TextColumn("index", help=glossary.define("index")),
            "type": st.column_config.TextColumn("kind"),
            "columns": st.column_config.TextColumn("on column"),
        })
    else:
        st.caption("No indexes yet: searches scan the table, which is fast at this size.")
    if st.button("Compact and build indexes", key="storage_optimize", on_click=new_action,
                 help="Merges small data files, folds new rows into the indexes, builds the vector (ANN) index "
                      "once the table is large enough. The store also does this by itself when idle."):
        with state.guard("Optimize failed: "), st.spinner("Compacting…"):
            st.session_state[REPORT] = ("Optimize", memory.optimize())
    with st.expander("Embedder (the model that turns text into vectors)"):
        st.json(stats.get("embedder") or {}, expanded=True)

st.subheader("Consistency")
c1, c2, _ = st.columns([1, 1, 3])
if c1.button("Verify", type="primary", key="storage_verify", help=glossary.define("verify"), on_click=new_action):
    with state.guard("Verify failed: "), st.spinner("Comparing the two stores…"):
        st.session_state[REPORT] = ("Verify", memory.verify().to_dict())
if c2.button("Repair", key="storage_repair", help=glossary.define("repair"), on_click=new_action):
    with state.guard("Repair failed: "), st.spinner("Re-embedding what is missing…"):
        st.session_state[REPORT] = ("Repair", memory.repair().to_dict())

report = st.session_state.get(REPORT)
if report is not None:
    name, body = report
    check = body.get("after", body) if name == "Repair" else body
    if name == "Optimize":
        built = body.get("ann_index_built")
        st.success(f"Optimize done: {body.get('rows', 0):,} rows, {body.get('fragments', '-')} data files"
                   + (f"; vector index built ({built})." if built else "."))
    elif check.get("ok"):
        done = ""
        if name == "Repair":
            done = f" after re-embedding {body['reembedded']:,} and removing {body['removed_orphans']:,} orphan vectors"
        st.success(f"{name}: the records and vectors agree ({check.get('records')} memories){done}.")
    else:
        st.warning(f"{name}: the stores disagree. Repair re-embeds memories whose vector is missing or stale and "
                   "removes vectors whose memory is gone.")
        st.dataframe(pd.DataFrame([
            {"difference": "memories without a vector", "count": check.get("missing", 0)},
            {"difference": "vectors of an older text (stale)", "count": check.get("stale", 0)},
            {"difference": "vectors without a memory (orphans)", "count": check.get("orphans", 0)},
        ]), hide_index=True, key="storage_differences")
    with st.expander(f"The full {name.lower()} report", expanded=name == "Optimize"):
        st.json(body, expanded=True)

st.subheader("Reset")
st.caption("Deletes every memory, vector, history event and core block in this store. It cannot be undone.")
ingest_key = f"ingest:{ctx.key}"
busy = state.busy(ingest_key)
confirm = st.text_input("Type RESET to confirm", key="storage_reset_confirm")
if st.button("Reset this store", disabled=busy, key="storage_reset", on_click=new_action):
    with state.guard("Reset failed: "):
        if confirm.strip() != "RESET":
            raise ValueError("reset: type RESET in the box first; nothing was deleted")
        memory.reset()
        where = "the remote stores" if ctx.settings.remote else ctx.data_dir
        st.session_state["storage_flash"] = [f"Store in {where} is empty now."]
        st.rerun()
if busy:
    whose = "An ingest started in another browser session" if state.other_job(ingest_key) else "An ingest"
    st.caption(f"{whose} is running on this store; reset is off until it ends.")
