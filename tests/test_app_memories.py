"""Workbench Memories page under AppTest: browse, history, edit, delete, core blocks, export/import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st

from agentmem import Memory, MemoryConfig
from apptest_support import open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

PAGE = "pages/memories.py"


@pytest.fixture
def populated(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch(["Alice drinks green tea", "Alice is allergic to peanuts"], user_id="alice")
        mem.add("Bob moved to Lisbon", user_id="bob", memory_type="episodic")  # newest: listed first
    return store_dir


def reopen(path: Path) -> Memory:
    st.cache_resource.clear()
    return Memory(MemoryConfig(data_dir=str(path)))


def test_renders_on_an_empty_store(store_dir):
    at = open_page(PAGE)
    assert at.title[0].value == "Memories" and not at.error
    assert any("No memories here yet" in i.value for i in at.info)


def test_browse_counts_and_filters(populated):
    at = open_page(PAGE)
    assert not at.error, [shown(e) for e in at.error]
    frame = table(at, "content")
    assert list(frame["content"]) == ["Bob moved to Lisbon", "Alice is allergic to peanuts", "Alice drinks green tea"]
    assert any("3 memories match" in c.value for c in at.caption)
    at.text_input(key="mem_user").set_value("alice").run()
    assert set(table(at, "content")["user_id"]) == {"alice"}
    at.text_input(key="mem_user").set_value("")
    at.selectbox(key="mem_type").set_value("episodic").run()
    assert list(table(at, "content")["content"]) == ["Bob moved to Lisbon"]


def test_paging(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch([f"note number {i}" for i in range(30)], user_id="u")
    at = open_page(PAGE)
    at.selectbox(key="mem_page_size").set_value(25).run()
    assert len(table(at, "content")) == 25
    at.number_input(key="mem_page").set_value(2).run()
    assert len(table(at, "content")) == 5


def test_edit_reembeds_and_shows_the_update_in_history(populated):
    at = open_page(PAGE)
    first = table(at, "content")["id"].iloc[0]
    assert at.selectbox(key="mem_open").value == first
    at.text_area(key=f"mem_edit_text_{first}").set_value("Bob moved to Porto")
    at.text_area(key=f"mem_edit_meta_{first}").set_value('{"city": "Porto"}')
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert any("Saved" in s.value for s in at.success)
    history = table(at, "event")
    assert list(history["event"]) == ["ADD", "UPDATE"]
    assert history["old_content"].iloc[1] == "Bob moved to Lisbon" and history["new_content"].iloc[1] == "Bob moved to Porto"
    with reopen(populated) as mem:
        assert mem.get(first).content == "Bob moved to Porto" and mem.get(first).metadata == {"city": "Porto"}
        # re-embedded: a vector search for the new city finds it first
        assert mem.search("Porto", mode="vector", limit=1)[0].id == first


def test_edit_with_bad_metadata_is_a_message(populated):
    at = open_page(PAGE)
    first = table(at, "content")["id"].iloc[0]
    at.text_area(key=f"mem_edit_meta_{first}").set_value("[1, 2]")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    assert any("metadata" in shown(e) and "JSON object" in shown(e) for e in at.error)


def test_delete_needs_confirmation(populated):
    at = open_page(PAGE)
    first = table(at, "content")["id"].iloc[0]
    assert at.button(key="mem_delete").disabled
    at.checkbox(key=f"mem_delete_sure_{first}").check().run()
    at.button(key="mem_delete").click().run()
    assert not at.exception and not at.error
    assert any("Deleted" in s.value for s in at.success)
    assert first not in list(table(at, "content")["id"])
    with reopen(populated) as mem:
        assert mem.get(first) is None
        assert [e.event for e in mem.history(first)][-1] == "DELETE"


def test_core_blocks_edit_within_limit(populated):
    at = open_page(PAGE)
    at.text_input(key="core_user").set_value("alice").run()
    persona = at.text_area(key="core_persona_alice_None")
    assert persona.max_chars == 2000
    persona.set_value("A patient tutor.")
    at.text_area(key="core_human_alice_None").set_value("Alice, drinks tea.")
    next(b for b in at.button if b.label == "Save core blocks").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    with reopen(populated) as mem:
        assert mem.core.get("persona", user_id="alice").value == "A patient tutor."
        assert mem.core.get("human", user_id="alice").value == "Alice, drinks tea."


def test_export_then_import_into_another_store(populated, tmp_path, monkeypatch):
    at = open_page(PAGE)
    at.button(key="mem_export").click().run()
    assert not at.error, [shown(e) for e in at.error]
    name, data = at.session_state["mem_export_file"]
    assert name.endswith(".jsonl")
    lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
    assert len(lines) == 3
    # a second store imports it through the uploader
    other = tmp_path / "other"
    at.sidebar.text_input(key="_data_dir_input").set_value(str(other)).run()
    at.file_uploader(key="mem_import_file").set_value((name, data, "application/json")).run()
    at.button(key="mem_import").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert any("Imported 3 memories" in s.value for s in at.success)
    assert len(table(at, "content")) == 3


def test_import_of_a_bad_file_is_a_message_and_keeps_the_store(populated):
    at = open_page(PAGE)
    at.file_uploader(key="mem_import_file").set_value(("junk.jsonl", b"{not json}\n", "application/json")).run()
    at.button(key="mem_import").click().run()
    assert not at.exception
    assert any("Import failed" in shown(e) for e in at.error)
    assert len(table(at, "content")) == 3


def test_user_text_is_shown_as_typed_not_as_markdown(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add("**not bold** [a link](http://example.com) <b>x</b>", user_id="u")
    at = open_page(PAGE)
    heading = next(m for m in at.markdown if "not bold" in m.value)
    assert "**not bold**" not in heading.value.removeprefix("**")  # the stars are escaped
    assert shown(heading) == "**" + "**not bold** [a link](http://example.com) <b>x</b>" + "**"
