"""Search: hybrid / vector / full-text search with scope and metadata filters; open any hit."""

import time

import charts
import glossary
import services
import state
import streamlit as st

ctx = state.setup("Search", "Ask in plain words. Scores are higher for better matches in every mode.")
glossary.explain("Search")
memory = state.memory(ctx)
if memory is None:
    st.stop()

with state.guard("Cannot count the memories: "):
    if memory.count() == 0:
        st.info("This store is empty: add memories on the Ingest page, then search them here.")

MODES = {"hybrid": "hybrid (meaning and words)", "vector": "vector (meaning)", "fts": "fts (words only)"}
RESULTS = ("search_hits", "search_label", "search_note")  # what the last search left on the page

with st.form("search_form"):
    query = st.text_input("Query", key="search_query", placeholder="e.g. what does alice drink?")
    c1, c2, c3 = st.columns([2, 1, 1])
    mode = c1.radio("Mode", tuple(MODES), format_func=MODES.get, horizontal=True, key="search_mode",
                    help=" ".join(f"{m}: {glossary.define(m)}" for m in MODES))
    limit = c2.number_input("How many results", min_value=1, max_value=200, value=10, key="search_k",
                            help="The most results to show, best first.")
    threshold = c3.number_input("Lowest score shown (0 = all)", min_value=0.0, value=0.0, step=0.05,
                                format="%.3f", key="search_threshold", help=glossary.define("score"))
    c1, c2, c3, c4 = st.columns(4)
    user_id = c1.text_input("User", key="search_user", help="Blank: every user. " + glossary.define("scope"))
    agent_id = c2.text_input("Agent", key="search_agent", help="Blank: any agent.")
    run_id = c3.text_input("Run", key="search_run", help="Blank: any run.")
    memory_type = c4.selectbox("Memory type", ("any", *services.MEMORY_TYPES), key="search_type",
                               help=glossary.define("memory type"))
    filters_text = st.text_area(
        "Metadata filters (key=value per line, or a JSON object)", key="search_filters", height=68,
        placeholder="e.g. topic=food", help=glossary.define("metadata filters"),
    )
    submitted = st.form_submit_button("Search", type="primary")

if submitted:
    for key in RESULTS:  # a new search: the last one's results (and its error) go
        st.session_state.pop(key, None)
    if not query or not query.strip():
        st.info("Type something to search for in the Query box, then press Search.", icon=":material/edit:")
    else:
        with state.guard("Not searched: "):
            filters = services.parse_filters(filters_text)
            if memory_type != "any":
                filters["memory_type"] = memory_type
            scope = (user_id.strip() or None, agent_id.strip() or None, run_id.strip() or None)
            loads = state.store(ctx).search_note(*scope)
            began = time.perf_counter()
            with st.spinner(f"Searching… {loads} (a few seconds for thousands)…" if loads else "Searching…"):
                hits = memory.search(
                    query,
                    user_id=scope[0],
                    agent_id=scope[1],
                    run_id=scope[2],
                    limit=int(limit),
                    mode=mode,
                    filters=filters or None,
                    threshold=float(threshold) if threshold > 0 else None,
                )
            took = time.perf_counter() - began
            st.session_state["search_hits"] = services.hits_frame(hits)
            st.session_state["search_label"] = services.escape_markdown(
                f"{len(hits)} results for {query.strip()!r} ({mode})")
            note = f"Took {took * 1000:.0f} ms" if took < 1 else f"Took {took:.1f} s"
            st.session_state["search_note"] = note + (f" ({loads}; the next searches are faster)." if loads else ".")

frame = st.session_state.get("search_hits")
if frame is not None:
    st.subheader(st.session_state.get("search_label", "Results"))
    if st.session_state.get("search_note"):
        st.caption(services.escape_markdown(st.session_state["search_note"]))
    if frame.empty:
        st.info("No memory matched. Try another mode, fewer filters, or a lower threshold.")
    else:
        scope = ["user_id", "agent_id", "run_id"]
        shown = frame.drop(columns=["id"]).astype(dict.fromkeys(scope, object))
        shown[scope] = shown[scope].where(shown[scope].notna(), "-")  # as on the Memories page
        st.dataframe(
            shown,
            hide_index=True,
            column_config={
                "rank": st.column_config.NumberColumn("rank", help=glossary.define("rank")),
                "score": st.column_config.NumberColumn("score", format="%.4f", help=glossary.define("score")),
                "content": st.column_config.TextColumn("memory", width="large", help=glossary.define("memory")),
                "user_id": st.column_config.TextColumn("user", help=glossary.define("scope")),
                "agent_id": st.column_config.TextColumn("agent", help=glossary.define("scope")),
                "run_id": st.column_config.TextColumn("run", help=glossary.define("scope")),
                "memory_type": st.column_config.TextColumn("memory type", help=glossary.define("memory type")),
                "metadata": st.column_config.TextColumn("metadata", help=glossary.define("metadata")),
                "created_at": st.column_config.Column("stored at"),
            },
            key="search_table",
        )
        state.csv_download(frame, "search_results")
        options = frame["id"].tolist()
        labels = {row.id: f"#{row.rank} · {row.score:.3f} · {str(row.content)[:90]}" for row in frame.itertuples()}
        chosen = st.selectbox("Open a result", options, format_func=labels.get, key="search_open")
        if chosen:
            with state.guard():
                record = memory.get(chosen)
                if record is None:
                    st.warning("This memory no longer exists (deleted since the search).")
                else:
                    st.markdown(f"**Full record** `{record.id}`")
                    st.markdown(services.escape_markdown(record.content))
                    st.json(
                        {
                            "user_id": record.user_id, "agent_id": record.agent_id, "run_id": record.run_id,
                            "memory_type": record.memory_type, "metadata": record.metadata,
                            "created_at": str(record.created_at), "updated_at": str(record.updated_at),
                        },
                        expanded=False,
                    )
                    history = services.history_frame(memory.history(chosen))
                    st.plotly_chart(charts.history_timeline(history), key="search_history_chart")
                    st.dataframe(history, hide_index=True, key="search_history", column_config={
                        "created_at": st.column_config.Column("when"),
                        "event": st.column_config.TextColumn(
                            "event", help=" ".join(f"{e}: {glossary.define(e)}" for e in ("ADD", "UPDATE", "DELETE"))),
                        "old_content": st.column_config.TextColumn("text before"),
                        "new_content": st.column_config.TextColumn("text after"),
                        "old_metadata": st.column_config.TextColumn("metadata before"),
                        "new_metadata": st.column_config.TextColumn("metadata after"),
                        "actor": st.column_config.TextColumn("by", help=glossary.define("actor")),
                    })
