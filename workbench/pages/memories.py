"""Memories: browse every memory, open one's history, edit or delete it, core blocks, export/import."""

import charts
import services
import state
import streamlit as st

ctx = state.setup("Memories", "Everything stored, newest first. Open a memory to see its history, edit or delete it.")
memory = state.memory(ctx)
if memory is None:
    st.stop()

for message in st.session_state.pop("mem_flash", []):
    st.success(message)

# ---------------------------------------------------------------- browse
c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 1])
user_id = c1.text_input("User", key="mem_user")
agent_id = c2.text_input("Agent", key="mem_agent")
run_id = c3.text_input("Run", key="mem_run")
memory_type = c4.selectbox("Memory type", ("any", *services.MEMORY_TYPES), key="mem_type")
page_size = c5.selectbox("Per page", (25, 50, 100, 200), index=1, key="mem_page_size")
scope = {"user_id": user_id.strip() or None, "agent_id": agent_id.strip() or None, "run_id": run_id.strip() or None}
filters = {"memory_type": memory_type} if memory_type != "any" else None

frame = None
with state.guard("Cannot list memories: "):
    total = memory.count(**scope, filters=filters)
    pages = max(1, -(-total // page_size))
    page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1, key="mem_page")
    records = memory.get_all(**scope, limit=page_size, offset=(int(page) - 1) * page_size, filters=filters)
    frame = services.records_frame(records)
    st.caption(f"{total:,} memories match · showing {len(frame):,}")
    if not frame.empty:
        st.dataframe(frame, hide_index=True, key="mem_table",
                     column_config={"content": st.column_config.TextColumn(width="large")})
        state.csv_download(frame, "memories_page")

with st.expander("Counts per user and type", expanded=True), state.guard("Cannot count: "):
    counts = services.count_frames(memory.stats())
    left, right = st.columns(2)
    left.plotly_chart(charts.counts_bar(counts["user_id"], label="user_id", title="Memories per user"),
                      key="mem_counts_user")
    right.plotly_chart(charts.counts_bar(counts["memory_type"], label="memory_type", title="Memories per type"),
                       key="mem_counts_type")
    state.csv_download(counts["user_id"], "counts_per_user")

# ---------------------------------------------------------------- one record
st.subheader("A memory")
if frame is not None and not frame.empty:
    labels = {row.id: f"{str(row.content)[:90]}  ·  {row.user_id or '-'}  ·  {row.id[:8]}" for row in frame.itertuples()}
    chosen = st.selectbox("Open", frame["id"].tolist(), format_func=labels.get, key="mem_open")
    record = history = None
    with state.guard():
        record = memory.get(chosen)
    if record is None:
        st.warning("This memory no longer exists.")
    else:
        left, right = st.columns([3, 2])
        with left:
            st.markdown(f"**{services.escape_markdown(record.content)}**")
            st.caption(services.escape_markdown(
                f"id {record.id} · user {record.user_id or '-'} · agent {record.agent_id or '-'} · "
                f"run {record.run_id or '-'} · {record.memory_type} · created {record.created_at:%Y-%m-%d %H:%M:%S}"
                f" · updated {record.updated_at:%Y-%m-%d %H:%M:%S}"))
            if record.metadata:
                st.json(record.metadata, expanded=True)
            with state.guard("Cannot read the history: "):
                history = services.history_frame(memory.history(record.id))
                st.plotly_chart(charts.history_timeline(history, title="History timeline"), key="mem_history_chart")
        with right:
            with st.form(f"edit_{record.id}"):
                st.markdown("**Edit** (the new text is embedded again)")
                new_content = st.text_area("Content", value=record.content, key=f"mem_edit_text_{record.id}")
                new_meta = st.text_area("Metadata (JSON object)", value=services.compact_json(record.metadata) or "{}",
                                        key=f"mem_edit_meta_{record.id}")
                save = st.form_submit_button("Save changes", type="primary")
            if save:
                with state.guard("Not saved: "):
                    meta = services.parse_metadata(new_meta, field="metadata")
                    if not new_content.strip():
                        raise ValueError("content: a memory cannot be empty (delete it instead)")
                    changes = {}
                    if new_content != record.content:
                        changes["content"] = new_content
                    if meta != record.metadata:
                        changes["metadata"] = meta
                    if not changes:
                        st.info("Nothing changed.")
                    else:
                        memory.update(record.id, **changes)
                        st.session_state["mem_flash"] = [f"Saved {record.id[:8]} ({', '.join(changes)} changed)"]
                        st.rerun()
            st.markdown("**Delete** (the history keeps a DELETE event)")
            sure = st.checkbox("Yes, delete this memory", key=f"mem_delete_sure_{record.id}")
            if st.button("Delete", disabled=not sure, key="mem_delete"):
                with state.guard("Not deleted: "):
                    memory.delete(record.id)
                    st.session_state["mem_flash"] = [services.escape_markdown(f"Deleted {record.id[:8]}: {record.content[:60]}")]
                    st.rerun()
    if history is not None:
        st.dataframe(history, hide_index=True, key="mem_history",
                     column_config={"old_content": st.column_config.TextColumn(width="large"),
                                    "new_content": st.column_config.TextColumn(width="large")})
else:
    st.info("No memories here yet: add some on the Ingest page.")

# ---------------------------------------------------------------- core blocks
st.subheader("Core blocks")
st.caption("The persona and human blocks an agent keeps in its context, per user/agent pair.")
c1, c2 = st.columns(2)
core_user = c1.text_input("User", key="core_user", value="default")
core_agent = c2.text_input("Agent", key="core_agent")
core_scope = {"user_id": core_user.strip() or None, "agent_id": core_agent.strip() or None}
with state.guard("Cannot read the core blocks: "):
    blocks = {label: memory.core.get(label, **core_scope) for label in ("persona", "human")}
    with st.form("core_form"):
        left, right = st.columns(2)
        values = {}
        for column, label in ((left, "persona"), (right, "human")):
            block = blocks[label]
            values[label] = column.text_area(
                f"{label} ({len(block.value)}/{block.limit} characters)",
                value=block.value,
                max_chars=block.limit,
                height=150,
                key=f"core_{label}_{core_scope['user_id']}_{core_scope['agent_id']}",
            )
        saved = st.form_submit_button("Save core blocks")
    if saved:
        with state.guard("Not saved: "):
            changed = [label for label in values if values[label] != blocks[label].value]
            for label in changed:
                memory.core.replace(label, values[label], **core_scope)
            st.session_state["mem_flash"] = [f"Saved {', '.join(changed)}" if changed else "Core blocks unchanged"]
            st.rerun()

# ---------------------------------------------------------------- export / import
st.subheader("Export and import")
left, right = st.columns(2)
with left:
    fmt = st.radio("Format", ("jsonl", "parquet"), horizontal=True, key="mem_export_fmt")
    if st.button("Prepare export", key="mem_export"):
        with state.guard("Export failed: "):
            st.session_state["mem_export_file"] = services.export_bytes(memory, fmt)
    exported = st.session_state.get("mem_export_file")
    if exported:
        name, data = exported
        st.download_button(f"Download {name} ({len(data):,} bytes)", data, file_name=name, key="mem_export_dl")
with right:
    upload = st.file_uploader("Import a .jsonl or .parquet export", key="mem_import_file")
    reembed = st.checkbox("Embed the texts again (instead of using the exported vectors)", key="mem_import_reembed")
    if st.button("Import", disabled=upload is None, key="mem_import"):
        with state.guard("Import failed: "):
            n = services.import_upload(memory, upload.name, upload.getvalue(), reembed=reembed)
            st.session_state["mem_flash"] = [services.escape_markdown(f"Imported {n:,} memories from {upload.name}")]
            st.rerun()
