"""Memories: browse and filter every memory, open one (by clicking its row, from the picker or by its
id), edit or delete it without losing the place, core blocks, export/import.

The open memory is the page's own state (``_mem_open``), not a widget's: the table, the picker and
the id box only ask to open another one, and that request waits while the edit boxes hold text that
differs from the stored memory, until the user saves or discards it. Saving keeps the same memory
open; deleting opens the next one on the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import charts
import glossary
import services
import state
import streamlit as st
from services import frames

if TYPE_CHECKING:
    from agentmem import Memory

ctx = state.setup("Memories", "Everything stored, newest first. Click a row to open a memory: see its history, "
                              "edit or delete it.")
glossary.explain("Memories")
memory = state.memory(ctx)
if memory is None:
    st.stop()

OPEN = "_mem_open"  # (store key, id or None): None after a delete left nothing to open
PENDING = "_mem_pending"  # the id asked for while the open memory has an unsaved edit
BOXES = "_mem_boxes"  # bumped to give the edit boxes fresh keys (after a save or a discard)
BASE = "_mem_base"  # ((id, boxes), content, metadata text, metadata) the edit boxes started from
TABLE = "_mem_table_last"  # (ids, selected rows) of the table as last drawn
MATCHES = "_mem_matches"  # (what was asked, matches, more): the text filter's last walk
WRITES = "_mem_writes"  # bumped by every write this page makes, so the text filter walks again
NOTES = "_mem_notes"  # (kind, text) shown above the open memory on the next run
ID_ERROR = "_mem_id_error"
SAVE_ERROR = "_mem_save_error"
MAX_MATCHES = 5_000  # the text filter keeps this many; more asks for more of the text


# ---------------------------------------------------------------- the open memory and requests to change it
def open_id() -> str | None:
    held = st.session_state.get(OPEN)
    return held[1] if held and held[0] == ctx.key else None


def has_opened() -> bool:
    held = st.session_state.get(OPEN)
    return bool(held) and held[0] == ctx.key


def set_open(memory_id: str | None) -> None:
    st.session_state[OPEN] = (ctx.key, memory_id)
    for key in (PENDING, SAVE_ERROR, ID_ERROR):
        st.session_state.pop(key, None)


def box_keys(memory_id: str) -> tuple[str, str]:
    n = st.session_state.get(BOXES, 0)
    return f"mem_edit_text_{memory_id}_{n}", f"mem_edit_meta_{memory_id}_{n}"


def unsaved(memory_id: str | None) -> bool:
    """Whether the edit boxes of this memory hold text that differs from what they started from."""
    base = st.session_state.get(BASE)
    if memory_id is None or base is None or base[0] != (memory_id, st.session_state.get(BOXES, 0)):
        return False
    text_key, meta_key = box_keys(memory_id)
    text = st.session_state.get(text_key, base[1])
    meta = st.session_state.get(meta_key, base[2])
    return text != base[1] or not frames.same_metadata(meta, base[3])


def request_open(memory_id: str) -> None:
    """Open ``memory_id`` now, or hold the request while the open memory has an unsaved edit."""
    current = open_id()
    if memory_id == current:
        st.session_state.pop(PENDING, None)
    elif unsaved(current):
        st.session_state[PENDING] = memory_id
    else:
        set_open(memory_id)


def fresh_boxes() -> None:
    st.session_state[BOXES] = st.session_state.get(BOXES, 0) + 1
    st.session_state.pop(BASE, None)
    st.session_state.pop(SAVE_ERROR, None)


def note(kind: str, text: str) -> None:
    st.session_state.setdefault(NOTES, []).append((kind, text))


def wrote() -> None:
    st.session_state[WRITES] = st.session_state.get(WRITES, 0) + 1


# ---------------------------------------------------------------- callbacks (run before the page draws)
def on_pick() -> None:
    chosen = st.session_state.get("mem_pick")
    if chosen:
        request_open(chosen)


def on_id(mem: Memory) -> None:
    st.session_state.pop(ID_ERROR, None)
    typed = (st.session_state.get("mem_id_input") or "").strip()
    if not typed:
        return
    try:
        record = mem.get(typed)
    except Exception as exc:  # noqa: BLE001 - shown, never raised
        # the store names its argument (memory_id: ...); the page names its box
        st.session_state[ID_ERROR] = "Memory id: " + getattr(exc, "reason", services.friendly_error(exc))
        return
    if record is None:
        hint = "" if len(typed) >= 36 else " (paste the whole id, 36 characters, from the Id column)"
        st.session_state[ID_ERROR] = f"Memory id: no memory has the id {typed!r}{hint}"
        return
    st.session_state["mem_id_input"] = ""
    request_open(record.id)


def on_save(mem: Memory, memory_id: str, then: str | None = None) -> None:
    st.session_state.pop(SAVE_ERROR, None)
    text_key, meta_key = box_keys(memory_id)
    try:
        record = mem.get(memory_id)
        if record is None:
            raise ValueError(f"the memory …{frames.short_id(memory_id)} no longer exists (deleted elsewhere)")
        text = st.session_state.get(text_key, record.content)
        meta = services.parse_metadata(st.session_state.get(meta_key, ""), field="metadata")
        if not text.strip():
            raise ValueError("content: a memory cannot be empty (delete it instead)")
        changes = {}
        if text != record.content:
            changes["content"] = text
        if meta != record.metadata:
            changes["metadata"] = meta
        if changes:
            mem.update(memory_id, **changes)
            wrote()
            note("success", f"Saved …{frames.short_id(memory_id)} ({' and '.join(changes)} changed).")
        else:
            note("info", "Nothing changed.")
    except Exception as exc:  # noqa: BLE001 - shown beside the button, the boxes keep the edit
        st.session_state[SAVE_ERROR] = "Not saved: " + services.friendly_error(exc)
        return
    fresh_boxes()
    if then:
        set_open(then)


def on_discard(then: str | None = None) -> None:
    fresh_boxes()
    note("info", "Edit discarded: the boxes show the stored memory again.")
    if then:
        set_open(then)
    else:
        st.session_state.pop(PENDING, None)


def on_stay() -> None:
    st.session_state.pop(PENDING, None)


def on_delete(mem: Memory, memory_id: str) -> None:
    if not st.session_state.get(f"mem_delete_sure_{memory_id}"):
        return
    try:
        record = mem.get(memory_id)
        mem.delete(memory_id)
    except Exception as exc:  # noqa: BLE001
        note("error", "Not deleted: " + services.friendly_error(exc))
        return
    wrote()
    fresh_boxes()
    text = record.content[:60] if record is not None else ""
    ids = list((st.session_state.get(TABLE) or ((), ()))[0])
    after = []
    if memory_id in ids:
        i = ids.index(memory_id)
        after = ids[i + 1:] + ids[:i][::-1]  # the next row, else the one before
    if after:
        set_open(after[0])
        note("success", f"Deleted …{frames.short_id(memory_id)}: {text}. The next memory on the page is open.")
    else:
        set_open(None)
        note("success", f"Deleted …{frames.short_id(memory_id)}: {text}. Nothing is open: click a row or "
                        "paste an id.")


for message in st.session_state.pop("mem_flash", []):
    st.success(message)
if st.session_state.get(PENDING) and not unsaved(open_id()):
    set_open(st.session_state[PENDING])  # the edit was saved or undone meanwhile: nothing stands in the way

# ---------------------------------------------------------------- browse
c1, c2, c3, c4, c5 = st.columns([2, 2, 2, 2, 1])
user_id = c1.text_input("User", key="mem_user", help=glossary.define("user"))
agent_id = c2.text_input("Agent", key="mem_agent", help=glossary.define("agent"))
run_id = c3.text_input("Run", key="mem_run", help=glossary.define("run"))
memory_type = c4.selectbox("Memory type", ("any", *services.MEMORY_TYPES), key="mem_type",
                           format_func=lambda t: "any type" if t == "any" else t, help=glossary.define("memory type"))
page_size = c5.selectbox("Per page", (25, 50, 100, 200), index=1, key="mem_page_size")
needle = st.text_input("Text contains", key="mem_text", placeholder="e.g. green tea",
                       help="Shows only memories whose text contains this, in any case. It looks through every "
                            "memory of the user, agent, run and type above, not just this page.").strip()
scope = {"user_id": user_id.strip() or None, "agent_id": agent_id.strip() or None, "run_id": run_id.strip() or None}
filters = {"memory_type": memory_type} if memory_type != "any" else None
filtered = needle or any(scope.values()) or filters

frame = None
records = []
with state.guard("Cannot list memories: "):
    in_scope = memory.count(**scope, filters=filters)
    more = False
    if needle:
        asked = (ctx.key, tuple(scope.values()), memory_type, needle.casefold(), in_scope,
                 st.session_state.get(WRITES, 0))
        held = st.session_state.get(MATCHES)
        if held is None or held[0] != asked:
            with st.spinner(f"Looking through {in_scope:,} memories…"):
                found, more = frames.containing(memory.iter_all(**scope, filters=filters), needle, limit=MAX_MATCHES)
            held = st.session_state[MATCHES] = (asked, found, more)
        _, matches, more = held
        total = len(matches)
    else:
        st.session_state.pop(MATCHES, None)
        total = in_scope
    pages = max(1, -(-total // page_size))
    if st.session_state.get("mem_page", 1) > pages:  # fewer pages after a filter: the last one
        st.session_state["mem_page"] = pages
    page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, key="mem_page")
    start = (int(page) - 1) * page_size
    if needle:
        records = matches[start:start + page_size]
    else:
        records = memory.get_all(**scope, limit=page_size, offset=start, filters=filters)
    frame = services.records_frame(records).rename(columns=frames.RECORD_COLUMNS)
    if needle:
        counted = f"at least {total:,} memories contain" if more else (
            "1 memory contains" if total == 1 else f"{total:,} memories contain")
        summary = f"{counted} {needle!r} (of {in_scope:,} that match the fields above)"
    else:
        summary = "1 memory matches" if total == 1 else f"{total:,} memories match"
    shown_range = f"rows {start + 1:,}–{start + len(frame):,}" if len(frame) else "none on this page"
    st.caption(services.escape_markdown(f"{summary} · showing {shown_range} · click a row to open it"))
    if more:
        st.caption(f"Only the first {MAX_MATCHES:,} matches are kept: type more of the text to narrow them.")

    ids = frame["Id"].tolist()
    current = open_id()
    if not has_opened() and ids:  # a first visit: the newest memory is open
        set_open(ids[0])
        current = ids[0]
    # A row the user clicked since the last run: a cell of it (cell selection), or its row marker
    # (a row selection that differs from the one drawn then).
    last_ids, last_rows = st.session_state.get(TABLE) or ((), ())
    selection = (st.session_state.get("mem_table") or {}).get("selection") or {}
    rows, cells = list(selection.get("rows") or []), list(selection.get("cells") or [])
    clicked = cells[0][0] if cells else rows[0] if rows and rows != list(last_rows) else None
    if clicked is not None and clicked < len(last_ids):
        request_open(last_ids[clicked])
        current = open_id()
    # The table marks the open memory's row (none when it is on another page or filtered out).
    wanted = [ids.index(current)] if current in ids else []
    if tuple(ids) != tuple(last_ids) or rows != wanted or cells:
        st.session_state["mem_table"] = {"selection": {"rows": wanted, "columns": [], "cells": []}}
    st.session_state[TABLE] = (tuple(ids), tuple(wanted))

    if frame.empty:
        if filtered:
            st.info("No memory matches these fields: empty User, Agent, Run or Text contains, or choose "
                    "\"any type\", to see more.")
        else:
            st.info("No memories here yet: add some on the Ingest page.")
    else:
        st.dataframe(frame, hide_index=True, key="mem_table", on_select="rerun", placeholder="-",
                     selection_mode=["single-row", "single-cell"],  # a click on any cell opens its row
                     column_config={
                         "Content": st.column_config.TextColumn(width="large", help=glossary.define("memory")),
                         "User": st.column_config.TextColumn(help=glossary.define("user")),
                         "Agent": st.column_config.TextColumn(help=glossary.define("agent")),
                         "Run": st.column_config.TextColumn(help=glossary.define("run")),
                         "Type": st.column_config.TextColumn(help=glossary.define("memory type")),
                         "Metadata": st.column_config.TextColumn(help=glossary.define("metadata")),
                         "Created": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                         "Updated": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                         "Id": st.column_config.TextColumn(help=glossary.define("memory id")),
                     })
        state.csv_download(frame, "memories_page")

# ---------------------------------------------------------------- one memory
st.subheader("A memory")
for kind, text in st.session_state.pop(NOTES, []):
    getattr(st, kind)(services.escape_markdown(text))

current = open_id()
record = None
if current is not None:
    with state.guard("Cannot read the memory: "):
        record = memory.get(current)
        if record is None:
            st.warning(services.escape_markdown(f"The memory …{frames.short_id(current)} no longer exists "
                                                "(deleted elsewhere). Click a row or paste an id."))
            set_open(None)
            current = None

page_ids = frame["Id"].tolist() if frame is not None and not frame.empty else []
labels = {r.id: frames.record_label(r) for r in records}
options = list(page_ids)
if record is not None:
    labels[record.id] = frames.record_label(record)
    if record.id not in options:
        labels[record.id] += "  (not on this page)"
        options.insert(0, record.id)
left, right = st.columns([3, 2])
if options:
    st.session_state["mem_pick"] = current if current in options else None
    left.selectbox("Open a memory of this page", options, format_func=lambda i: labels.get(i, i), key="mem_pick",
                   index=None, placeholder="Choose a memory", on_change=on_pick)
right.text_input("…or paste its id", key="mem_id_input", on_change=on_id, args=(memory,),
                 placeholder="e.g. 0193c2a4-7b1e-7c3d-9a2f-5e6d7c8b9a01", help=glossary.define("memory id"))
if st.session_state.get(ID_ERROR):
    st.error(services.escape_markdown(st.session_state[ID_ERROR]))

pending = st.session_state.get(PENDING)
history = None
if record is not None:
    text_key, meta_key = box_keys(record.id)
    base = st.session_state.get(BASE)
    fresh = base is None or base[0] != (record.id, st.session_state.get(BOXES, 0)) or text_key not in st.session_state
    if not fresh and (base[1], base[3]) != (record.content, record.metadata) and not unsaved(record.id):
        fresh_boxes()  # changed elsewhere and not edited here: the boxes show the stored version
        text_key, meta_key = box_keys(record.id)
        fresh = True
    if fresh:
        base = st.session_state[BASE] = ((record.id, st.session_state.get(BOXES, 0)), record.content,
                                         services.compact_json(record.metadata) or "{}", record.metadata)
    if pending:
        target = labels.get(pending) or f"…{frames.short_id(pending)}"
        with st.container(border=True):
            st.warning(services.escape_markdown(
                f"Unsaved edit: this memory's text or metadata differs from what is stored, so {target} "
                "is not open yet. Save the edit or discard it, then the other memory opens."))
            b1, b2, b3 = st.columns(3)
            b1.button("Save, then open the other", key="mem_pending_save", type="primary",
                      on_click=on_save, args=(memory, record.id, pending))
            b2.button("Discard, then open the other", key="mem_pending_discard", on_click=on_discard, args=(pending,))
            b3.button("Stay on this memory", key="mem_pending_stay", on_click=on_stay)

    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{services.escape_markdown(record.content)}**")
        st.caption(services.escape_markdown(
            f"Id {record.id} · user {record.user_id or '-'} · agent {record.agent_id or '-'} · "
            f"run {record.run_id or '-'} · type {record.memory_type} · "
            f"created {record.created_at:%Y-%m-%d %H:%M:%S} · updated {record.updated_at:%Y-%m-%d %H:%M:%S} (UTC)"))
        if record.metadata:
            st.json(record.metadata, expanded=True)
        with state.guard("Cannot read the history: "):
            history = services.history_frame(memory.history(record.id))
            st.plotly_chart(charts.history_timeline(history, title="History timeline"), key="mem_history_chart")
    with right:
        st.markdown("**Edit** (saving embeds the new text again, so a search by meaning finds it)")
        st.text_area("Content", value=base[1], key=text_key)
        st.text_area("Metadata (JSON object)", value=base[2], key=meta_key, help=glossary.define("metadata"))
        dirty = unsaved(record.id)
        b1, b2 = st.columns(2)
        b1.button("Save changes", type="primary", key="mem_save", on_click=on_save, args=(memory, record.id))
        b2.button("Discard changes", key="mem_discard", disabled=not dirty, on_click=on_discard)
        if st.session_state.get(SAVE_ERROR):
            st.error(services.escape_markdown(st.session_state[SAVE_ERROR]))
        elif dirty and not pending:
            st.warning("Unsaved edit: Save changes to keep it, or Discard changes.")
        st.markdown("**Delete** (the history keeps a DELETE event)")
        sure = st.checkbox("Yes, delete this memory", key=f"mem_delete_sure_{record.id}")
        st.button("Delete", disabled=not sure, key="mem_delete", on_click=on_delete, args=(memory, record.id))
    if history is not None:
        events = history.rename(columns=frames.HISTORY_COLUMNS)
        events.insert(events.columns.get_loc("Event") + 1, "What happened",
                      events["Event"].map(lambda e: glossary.TERMS.get(str(e), "").removeprefix("History event: ")))
        for col in ("Changed by", "From (LLM call)"):
            if events[col].isna().all():
                events = events.drop(columns=col)
        st.dataframe(events, hide_index=True, key="mem_history", placeholder="-",
                     column_config={
                         "When": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                         "Event": st.column_config.TextColumn(
                             help=" · ".join(f"{e}: {glossary.define(e)}" for e in ("ADD", "UPDATE", "DELETE"))),
                         "Old content": st.column_config.TextColumn(width="large"),
                         "New content": st.column_config.TextColumn(width="large"),
                     })
elif page_ids:
    st.info("Nothing is open: click a row in the table, choose a memory above or paste its id.")

with st.expander("Counts per user and type", expanded=True), state.guard("Cannot count: "):
    counts = services.count_frames(memory.stats())
    left, right = st.columns(2)
    left.plotly_chart(charts.counts_bar(counts["user_id"], label="user_id", title="Memories per user"),
                      key="mem_counts_user")
    right.plotly_chart(charts.counts_bar(counts["memory_type"], label="memory_type", title="Memories per type"),
                       key="mem_counts_type")
    state.csv_download(counts["user_id"].rename(columns={"user_id": "User", "count": "Memories"}), "counts_per_user")

# ---------------------------------------------------------------- core blocks
st.subheader("Core blocks")
st.caption("The persona and human blocks an agent keeps in its context, per user/agent pair.")
c1, c2 = st.columns(2)
core_user = c1.text_input("User", key="core_user", value="default", help=glossary.define("user"))
core_agent = c2.text_input("Agent", key="core_agent", help=glossary.define("agent"))
core_scope = {"user_id": core_user.strip() or None, "agent_id": core_agent.strip() or None}
with state.guard("Cannot read the core blocks: "):
    blocks = {label: memory.core.get(label, **core_scope) for label in ("persona", "human")}
    with st.form("core_form"):
        left, right = st.columns(2)
        values = {}
        for column, label in ((left, "persona"), (right, "human")):
            block = blocks[label]
            values[label] = column.text_area(
                f"{label.capitalize()} block ({len(block.value)}/{block.limit} characters)",
                value=block.value,
                max_chars=block.limit,
                height=150,
                key=f"core_{label}_{core_scope['user_id']}_{core_scope['agent_id']}",
                help=glossary.define(label),
            )
        saved = st.form_submit_button("Save core blocks")
    if saved:
        with state.guard("Not saved: "):
            changed = [label for label in values if values[label] != blocks[label].value]
            for label in changed:
                memory.core.replace(label, values[label], **core_scope)
            st.session_state["mem_flash"] = [f"Saved {' and '.join(changed)}" if changed else "Core blocks unchanged"]
            st.rerun()

# ---------------------------------------------------------------- export / import
st.subheader("Export and import")
left, right = st.columns(2)
with left:
    fmt = st.radio("Format", ("jsonl", "parquet"), horizontal=True, key="mem_export_fmt",
                   format_func={"jsonl": "JSON lines (.jsonl)", "parquet": "Parquet (.parquet)"}.get,
                   help=glossary.define("export"))
    if st.button("Prepare export", key="mem_export"):
        with state.guard("Export failed: "):
            st.session_state["mem_export_file"] = services.export_bytes(memory, fmt)
    exported = st.session_state.get("mem_export_file")
    if exported:
        name, data = exported
        st.download_button(f"Download {name} ({len(data):,} bytes)", data, file_name=name, key="mem_export_dl")
with right:
    upload = st.file_uploader("Import a .jsonl or .parquet export", key="mem_import_file")
    reembed = st.checkbox("Embed the texts again (instead of using the exported vectors)", key="mem_import_reembed",
                          help=glossary.define("embedding"))
    if st.button("Import", disabled=upload is None, key="mem_import"):
        with state.guard("Import failed: "):
            n = services.import_upload(memory, upload.name, upload.getvalue(), reembed=reembed)
            wrote()
            st.session_state["mem_flash"] = [services.escape_markdown(f"Imported {n:,} memories from {upload.name}")]
            st.rerun()
