"""Workbench Ingest with "Extract facts with an LLM": the endpoint from the sidebar (the key only
from the environment), the decisions listed, the history's source; against the real local
llama.cpp server (tests/llm_server.py)."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from apptest_support import open_page, shown, store_dir  # noqa: F401 - store_dir is a fixture
from llm_server import MODEL_NAME, llm_server

from agentmem import Memory, MemoryConfig

CHAT = [{"role": "user", "name": "Ana", "content": "I work as a nurse in Lisbon and I have a cat."}]


def chat_page(url: str | None):
    at = open_page()
    at.radio(key="ingest_source").set_value("Chat messages").run()
    at.text_area(key="ingest_chat").set_value(json.dumps(CHAT))
    at.text_input(key="ingest_user").set_value("ana")
    at.checkbox(key="ingest_infer").check().run()
    if url is not None:
        at.text_input(key="ingest_llm_url").set_value(url)
        at.text_input(key="ingest_llm_model").set_value(MODEL_NAME)
    return at


def test_infer_without_an_endpoint_is_a_message_and_nothing_is_written(store_dir, monkeypatch):
    monkeypatch.setenv("AGENTMEM_LLM_API_KEY", "sk-never-shown-0123")
    at = chat_page(None)
    at.button(key="ingest_go").click().run()
    assert any("llm_base_url" in shown(e) for e in at.error)
    page = " ".join(shown(x) for x in [*at.markdown, *at.caption])
    assert "sk-never-shown-0123" not in page and "AGENTMEM_LLM_API_KEY" in page
    st.cache_resource.clear()
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        assert mem.count() == 0


@pytest.mark.slow
def test_ingest_extracts_facts_and_lists_each_decision(store_dir):
    with llm_server(parallel=1) as url:
        at = chat_page(url)
        at.button(key="ingest_go").click().run(timeout=600)
        assert not at.exception and not at.error, [shown(e) for e in at.error]
        decisions = next(d.value for d in at.dataframe if "event" in d.value.columns)
        assert set(decisions["event"]) <= {"ADD", "UPDATE", "DELETE", "NOOP"} and "ADD" in set(decisions["event"])
    st.cache_resource.clear()
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        records = list(mem.get_all(user_id="ana"))
        assert records and mem.verify().ok
        (event,) = mem.history(records[0].id)
        assert event.source["messages"] == CHAT
