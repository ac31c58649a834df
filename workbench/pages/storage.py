"""Storage: where the data lives, counts per store, verify / repair, LanceDB upkeep, reset."""

import pandas as pd
import services
import state
import streamlit as st

ctx = state.setup("Storage", "The records store (libSQL) is the source of truth; the vector store (LanceDB) "
                  "must hold the same ids. Verify compares them, repair mends the vector side.")
memory = state.memory(ctx)
if memory is None:
    st.stop()

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
    c1.metric("Memories (records)", f"{stats['memories']:,}")
    c2.metric("Vectors", f"{stats['vectors']:,}")
    c3.metric("History events", f"{stats['history_events']:,}")
    c4.metric("Users", f"{len(stats.get('users') or {}):,}")
    listing = services.directory_listing(ctx.data_dir)
    st.dataframe(listing.drop(columns=["bytes"]), hide_index=True, key="storage_files")

    st.subheader("LanceDB table")
    lance = stats.get("lance") or {}
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Version", lance.get("version", "-"))
    c2.metric("Versions kept", lance.get("versions", "-"))
    c3.metric("Fragments", lance.get("fragments", "-"))
    c4.metric("Small fragments", lance.get("small_fragments", "-"))
    indices = lance.get("indices") or []
    if indices:
        st.dataframe(pd.DataFrame(indices).astype(str), hide_index=True, key="storage_indices")
    else:
        st.caption("No indexes yet.")
    if st.button("Compact and build indexes", key="storage_optimize",
                 help="Merges small fragments, folds new rows into the indexes, builds the ANN index "
                      "once the table is large enough."):
        with state.guard("Optimize failed: "), st.spinner("Compacting…"):
            report = memory.optimize()
            st.session_state["storage_report"] = ("Optimize", report)
    with st.expander("Embedder"):
        st.json(stats.get("embedder") or {}, expanded=True)

st.subheader("Consistency")
c1, c2, _ = st.columns([1, 1, 3])
if c1.button("Verify", type="primary", key="storage_verify"):
    with state.guard("Verify failed: "), st.spinner("Comparing the two stores…"):
        st.session_state["storage_report"] = ("Verify", memory.verify().to_dict())
if c2.button("Repair", key="storage_repair"):
    with state.guard("Repair failed: "), st.spinner("Re-embedding what is missing…"):
        st.session_state["storage_report"] = ("Repair", memory.repair().to_dict())

report = st.session_state.get("storage_report")
if report is not None:
    name, body = report
    verdict = body.get("ok", (body.get("after") or {}).get("ok"))
    if verdict is True:
        st.success(f"{name}: the records and vectors agree ({body.get('records', (body.get('after') or {}).get('records'))} memories).")
    elif verdict is False:
        st.warning(f"{name}: the stores disagree; Repair re-embeds missing or stale vectors and removes orphans.")
    else:
        st.info(f"{name} done.")
    st.json(body, expanded=True)

st.subheader("Reset")
st.caption("Deletes every memory, vector, history event and core block in this directory. It cannot be undone.")
busy = any(services.JOBS.running(f"{kind}:{ctx.key}") for kind in ("ingest",))
confirm = st.text_input("Type RESET to confirm", key="storage_reset_confirm")
if st.button("Reset this store", disabled=busy, key="storage_reset"):
    with state.guard("Reset failed: "):
        if confirm.strip() != "RESET":
            raise ValueError("reset: type RESET in the box first; nothing was deleted")
        memory.reset()
        st.session_state.pop("storage_report", None)
        where = "the remote stores" if ctx.settings.remote else ctx.data_dir
        st.session_state["storage_flash"] = [f"Store in {where} is empty now."]
        st.rerun()
if busy:
    st.caption("An ingest is running on this store; reset is off until it ends.")
