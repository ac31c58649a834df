"""Search: hybrid / vector / full-text search with scope and metadata filters; open any hit."""

import charts
import services
import state
import streamlit as st

ctx = state.setup("Search", "Ask in plain words. Scores are higher for better matches in every mode.")
memory = state.memory(ctx)
if memory is None:
    st.stop()

with st.form("search_form"):
    query = st.text_input("Query", key="search_query", placeholder="what does alice drink?")
    c1, c2, c3 = st.columns([2, 1, 1])
    mode = c1.radio("Mode", ("hybrid", "vector", "fts"), horizontal=True, key="search_mode",
                    help="hybrid fuses vector and full-text ranks (RRF); fts is keyword search.")
    limit = c2.number_input("Top-k", min_value=1, max_value=200, value=10, key="search_k")
    threshold = c3.number_input("Score threshold (0 = none)", min_value=0.0, value=0.0, step=0.05,
                                format="%.3f", key="search_threshold")
    c1, c2, c3, c4 = st.columns(4)
    user_id = c1.text_input("User", key="search_user")
    agent_id = c2.text_input("Agent", key="search_agent")
    run_id = c3.text_input("Run", key="search_run")
    memory_type = c4.selectbox("Memory type", ("any", *services.MEMORY_TYPES), key="search_type")
    filters_text = st.text_area(
        "Metadata filters (key=value per line, or a JSON object)", key="search_filters", height=68,
        placeholder="topic=food",
    )
    submitted = st.form_submit_button("Search", type="primary")

if submitted:
    st.session_state.pop("search_hits", None)
    with state.guard("Search failed: "):
        if not query or not query.strip():
            raise ValueError("query: type something to search for")
        filters = services.parse_filters(filters_text)
        if memory_type != "any":
            filters["memory_type"] = memory_type
        hits = memory.search(
            query,
            user_id=user_id.strip() or None,
            agent_id=agent_id.strip() or None,
            run_id=run_id.strip() or None,
            limit=int(limit),
            mode=mode,
            filters=filters or None,
            threshold=float(threshold) if threshold > 0 else None,
        )
        st.session_state["search_hits"] = services.hits_frame(hits)
        st.session_state["search_label"] = services.escape_markdown(f"{len(hits)} results for {query.strip()!r} ({mode})")

frame = st.session_state.get("search_hits")
if frame is not None:
    st.subheader(st.session_state.get("search_label", "Results"))
    if frame.empty:
        st.info("No memory matched. Try another mode, fewer filters, or a lower threshold.")
    else:
        st.dataframe(
            frame.drop(columns=["id"]),
            hide_index=True,
            column_config={"score": st.column_config.NumberColumn(format="%.4f"),
                           "content": st.column_config.TextColumn(width="large")},
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
                    st.dataframe(history, hide_index=True, key="search_history")
