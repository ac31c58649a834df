"""Workbench Memories page under AppTest: browse, filter by text, open a memory (row click, picker, id),
edit and delete without losing the place, unsaved edits, history, core blocks, export/import."""

from __future__ import annotations

import json
import re
from pathlib import Path

import apptest_support
import pytest
import streamlit as st
from apptest_support import open_page, shown, table

from agentmem import Memory, MemoryConfig

PAGE = "pages/memories.py"
store_dir = apptest_support.store_dir  # the shared fixture, found by this name


@pytest.fixture
def populated(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch(["Alice drinks green tea", "Alice is allergic to peanuts"], user_id="alice")
        mem.add("Bob moved to Lisbon", user_id="bob", memory_type="episodic")  # newest: listed first
    return store_dir


@pytest.fixture
def sixty(store_dir):
    """61 memories, more than the page's 50 rows, the oldest (the last row) about a spare key;
    returns the ids in the page's order (newest first)."""
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add("The SPARE KEY is under the blue flowerpot", user_id="u")
        mem.add_batch([f"note number {i} about the weather" for i in range(60)], user_id="u")
        return [r.id for r in mem.iter_all(user_id="u")]


def reopen(path: Path) -> Memory:
    st.cache_resource.clear()
    return Memory(MemoryConfig(data_dir=str(path)))


def opened(at) -> str | None:
    """The id of the memory open on the page (its caption starts with it), or None."""
    for caption in at.caption:
        found = re.match(r"Id (\S+) ·", shown(caption))
        if found:
            return found.group(1)
    return None


def box(at, label: str):
    return next(t for t in at.text_area if t.label == label)


def click_row(at, row: int, *, cell: str | None = None):
    """What the browser sends when a row of the memories table is clicked: its row marker, or one
    of its cells (``cell`` names the column)."""
    if cell is None:
        at.session_state["mem_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    else:
        at.session_state["mem_table"] = {"selection": {"rows": [], "columns": [], "cells": [[row, cell]]}}
    return at.run()


def errors(at) -> list[str]:
    return [shown(e) for e in at.main.error]


def test_renders_on_an_empty_store(store_dir):
    at = open_page(PAGE)
    assert at.title[0].value == "Memories" and not at.error
    assert any("No memories here yet" in i.value for i in at.info)
    assert opened(at) is None


def test_words_are_explained(populated):
    at = open_page(PAGE)
    words = next(e for e in at.expander if e.label == "What the words mean")
    text = "\n".join(m.value for m in words.markdown)
    for term in ("memory type", "metadata", "memory id", "ADD", "UPDATE", "DELETE", "core blocks"):
        assert f"**{term}**" in text, term
    assert list(table(at, "Content").columns) == ["Content", "User", "Agent", "Run", "Type", "Metadata",
                                                   "Created", "Updated", "Id"]
    history = table(at, "Event")
    assert list(history["Event"]) == ["ADD"] and "stored" in history["What happened"].iloc[0]  # the event, glossed


def test_browse_counts_and_filters(populated):
    at = open_page(PAGE)
    assert not at.error, errors(at)
    frame = table(at, "Content")
    assert list(frame["Content"]) == ["Bob moved to Lisbon", "Alice is allergic to peanuts", "Alice drinks green tea"]
    assert any("3 memories match" in c.value for c in at.caption)
    at.text_input(key="mem_user").set_value("alice").run()
    assert set(table(at, "Content")["User"]) == {"alice"}
    at.text_input(key="mem_user").set_value("")
    at.selectbox(key="mem_type").set_value("episodic").run()
    assert list(table(at, "Content")["Content"]) == ["Bob moved to Lisbon"]
    at.text_input(key="mem_user").set_value("nobody").run()
    assert not at.exception and not at.error
    assert any("No memory matches these fields" in i.value for i in at.info)


def test_paging(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch([f"note number {i}" for i in range(30)], user_id="u")
    at = open_page(PAGE)
    at.selectbox(key="mem_page_size").set_value(25).run()
    assert len(table(at, "Content")) == 25
    at.number_input(key="mem_page").set_value(2).run()
    assert len(table(at, "Content")) == 5


def test_the_text_filter_finds_a_memory_beyond_the_first_page(sixty):
    at = open_page(PAGE)
    first_page = list(table(at, "Content")["Id"])
    assert len(first_page) == 50 and sixty[-1] not in first_page
    at.text_input(key="mem_text").set_value("spare key").run()  # any case
    assert not at.exception and not at.error, errors(at)
    frame = table(at, "Content")
    assert list(frame["Content"]) == ["The SPARE KEY is under the blue flowerpot"]
    assert list(frame["Id"]) == [sixty[-1]]
    assert any("1 memory contains 'spare key' (of 61 " in shown(c) for c in at.caption), [shown(c) for c in at.caption]
    at.text_input(key="mem_text").set_value("about the weather").run()
    assert len(table(at, "Content")) == 50
    assert any("60 memories contain" in shown(c) for c in at.caption)
    at.number_input(key="mem_page").set_value(2).run()
    assert len(table(at, "Content")) == 10
    at.text_input(key="mem_text").set_value("no such words").run()
    assert not at.exception and not at.error, errors(at)
    assert any("No memory matches these fields" in i.value for i in at.info)


def test_open_by_id_of_a_memory_on_another_page(sixty):
    at = open_page(PAGE)
    oldest = sixty[-1]
    assert oldest not in list(table(at, "Content")["Id"])
    at.text_input(key="mem_id_input").input(f"  {oldest} ").run()
    assert not at.exception and not at.error, errors(at)
    assert opened(at) == oldest
    picker = at.selectbox(key="mem_pick")
    assert picker.value == oldest and picker.options[0].endswith("(not on this page)")
    assert at.text_input(key="mem_id_input").value == ""  # ready for the next id


@pytest.mark.parametrize("typed", ["not-an-id", "x" * 600])
def test_a_bad_id_is_one_red_line(populated, typed):
    at = open_page(PAGE)
    before = opened(at)
    at.text_input(key="mem_id_input").input(typed).run()
    assert not at.exception
    assert len(errors(at)) == 1 and errors(at)[0].startswith("Memory id: "), errors(at)
    assert "Traceback" not in errors(at)[0]
    assert opened(at) == before  # the open memory stays


def test_open_by_clicking_a_row(populated):
    at = open_page(PAGE)
    frame = table(at, "Content")
    assert opened(at) == frame["Id"].iloc[0]  # the newest is open at first
    click_row(at, 2)
    assert not at.exception and not at.error, errors(at)
    assert opened(at) == frame["Id"].iloc[2]
    assert box(at, "Content").value == "Alice drinks green tea"
    assert at.selectbox(key="mem_pick").value == frame["Id"].iloc[2]
    # the same row stays selected on the next runs, and does not re-open anything
    at.run()
    assert opened(at) == frame["Id"].iloc[2]
    # a click on any cell of a row opens that row too
    click_row(at, 1, cell="User")
    assert not at.exception and opened(at) == frame["Id"].iloc[1]
    at.run()
    assert opened(at) == frame["Id"].iloc[1]


def test_pick_from_the_list(populated):
    at = open_page(PAGE)
    ids = list(table(at, "Content")["Id"])
    at.selectbox(key="mem_pick").select(ids[1]).run()
    assert opened(at) == ids[1] and box(at, "Content").value == "Alice is allergic to peanuts"


def test_save_keeps_the_memory_open_with_its_new_text(populated):
    at = open_page(PAGE)
    ids = list(table(at, "Content")["Id"])
    click_row(at, 1)
    target = ids[1]
    box(at, "Content").set_value("Alice is allergic to peanuts and cashews")
    box(at, "Metadata (JSON object)").set_value('{"topic": "health"}')
    at.button(key="mem_save").click().run()
    assert not at.exception and not at.error, errors(at)
    assert any("Saved" in s.value for s in at.success)
    assert opened(at) == target
    assert box(at, "Content").value == "Alice is allergic to peanuts and cashews"
    picker = at.selectbox(key="mem_pick")
    assert picker.value == target
    assert "Alice is allergic to peanuts and cashews" in picker.options[ids.index(target)]
    history = table(at, "Event")
    assert list(history["Event"]) == ["ADD", "UPDATE"]
    assert history["Old content"].iloc[1] == "Alice is allergic to peanuts"
    assert history["New content"].iloc[1] == "Alice is allergic to peanuts and cashews"
    assert not at.warning  # the boxes hold what is stored: nothing unsaved
    # the next click opens what it names, not another memory
    click_row(at, 0)
    assert opened(at) == ids[0]
    with reopen(populated) as mem:
        saved = mem.get(target)
        assert saved.content == "Alice is allergic to peanuts and cashews" and saved.metadata == {"topic": "health"}
        # embedded again: a search by meaning for the new words finds it first
        assert mem.search("cashews", mode="vector", limit=1)[0].id == target


def test_bad_metadata_is_one_line_and_the_edit_stays(populated):
    at = open_page(PAGE)
    first = opened(at)
    box(at, "Content").set_value("Bob moved to Porto")
    box(at, "Metadata (JSON object)").set_value("[1, 2]")
    at.button(key="mem_save").click().run()
    assert not at.exception
    assert len(errors(at)) == 1 and "metadata" in errors(at)[0] and "JSON object" in errors(at)[0], errors(at)
    assert opened(at) == first and box(at, "Content").value == "Bob moved to Porto"
    box(at, "Content").set_value("   ")
    box(at, "Metadata (JSON object)").set_value("{}")
    at.button(key="mem_save").click().run()
    assert len(errors(at)) == 1 and errors(at)[0].startswith("Not saved: content:"), errors(at)
    with reopen(populated) as mem:
        assert mem.get(first).content == "Bob moved to Lisbon"


def test_an_unsaved_edit_survives_picking_another_memory(populated):
    at = open_page(PAGE)
    ids = list(table(at, "Content")["Id"])
    box(at, "Content").set_value("Bob moved to Porto")
    at.run()
    assert any("Unsaved edit" in w.value for w in at.warning)
    at.selectbox(key="mem_pick").select(ids[2]).run()
    assert not at.exception and not at.error, errors(at)
    assert opened(at) == ids[0] and box(at, "Content").value == "Bob moved to Porto"
    assert any("Unsaved edit" in shown(w) and "Alice drinks green tea" in shown(w) for w in at.warning)
    assert at.selectbox(key="mem_pick").value == ids[0]
    # a row click is held the same way, and so is a page change
    click_row(at, 1)
    assert opened(at) == ids[0] and box(at, "Content").value == "Bob moved to Porto"
    at.selectbox(key="mem_page_size").set_value(25).run()
    assert opened(at) == ids[0] and box(at, "Content").value == "Bob moved to Porto"
    # "stay" keeps the edit; "discard" drops it and opens the memory asked for
    at.button(key="mem_pending_stay").click().run()
    assert opened(at) == ids[0] and box(at, "Content").value == "Bob moved to Porto"
    at.selectbox(key="mem_pick").select(ids[2]).run()
    at.button(key="mem_pending_discard").click().run()
    assert opened(at) == ids[2] and box(at, "Content").value == "Alice drinks green tea"
    with reopen(populated) as mem:
        assert mem.get(ids[0]).content == "Bob moved to Lisbon"


def test_save_then_open_the_other(populated):
    at = open_page(PAGE)
    ids = list(table(at, "Content")["Id"])
    box(at, "Metadata (JSON object)").set_value('{"city": "Lisbon"}')
    click_row(at, 2)
    assert opened(at) == ids[0]
    at.button(key="mem_pending_save").click().run()
    assert not at.exception and not at.error, errors(at)
    assert opened(at) == ids[2] and not any("Unsaved" in w.value for w in at.warning)
    with reopen(populated) as mem:
        assert mem.get(ids[0]).metadata == {"city": "Lisbon"}


def test_delete_needs_confirmation_and_opens_the_next_memory(populated):
    at = open_page(PAGE)
    ids = list(table(at, "Content")["Id"])
    assert at.button(key="mem_delete").disabled
    at.checkbox(key=f"mem_delete_sure_{ids[0]}").check().run()
    at.button(key="mem_delete").click().run()
    assert not at.exception and not at.error, errors(at)
    assert any("Deleted" in shown(s) and "next memory" in shown(s) for s in at.success)
    assert list(table(at, "Content")["Id"]) == ids[1:]
    assert opened(at) == ids[1]  # the next one on the page
    # the last row: the one before it opens
    click_row(at, 1)
    at.checkbox(key=f"mem_delete_sure_{ids[2]}").check().run()
    at.button(key="mem_delete").click().run()
    assert opened(at) == ids[1]
    with reopen(populated) as mem:
        assert mem.get(ids[0]) is None and mem.get(ids[2]) is None
        assert [e.event for e in mem.history(ids[0])][-1] == "DELETE"


def test_deleting_the_only_memory_says_so_and_opens_nothing(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        only = mem.add("The only memory", user_id="u").id
    at = open_page(PAGE)
    at.checkbox(key=f"mem_delete_sure_{only}").check().run()
    at.button(key="mem_delete").click().run()
    assert not at.exception and not at.error, errors(at)
    assert any("Deleted" in shown(s) and "Nothing is open" in shown(s) for s in at.success)
    assert opened(at) is None
    assert any("No memories here yet" in i.value for i in at.info)


def test_core_blocks_edit_within_limit(populated):
    at = open_page(PAGE)
    at.text_input(key="core_user").set_value("alice").run()
    persona = at.text_area(key="core_persona_alice_None")
    assert persona.max_chars == 2000
    persona.set_value("A patient tutor.")
    at.text_area(key="core_human_alice_None").set_value("Alice, drinks tea.")
    next(b for b in at.button if b.label == "Save core blocks").click().run()
    assert not at.exception and not at.error, errors(at)
    with reopen(populated) as mem:
        assert mem.core.get("persona", user_id="alice").value == "A patient tutor."
        assert mem.core.get("human", user_id="alice").value == "Alice, drinks tea."


def test_export_then_import_into_another_store(populated, tmp_path, monkeypatch):
    at = open_page(PAGE)
    at.button(key="mem_export").click().run()
    assert not at.error, errors(at)
    name, data = at.session_state["mem_export_file"]
    assert name.endswith(".jsonl")
    lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
    assert len(lines) == 3
    # a second store imports it through the uploader
    other = tmp_path / "other"
    at.sidebar.text_input(key="_data_dir_input").set_value(str(other)).run()
    at.file_uploader(key="mem_import_file").set_value((name, data, "application/json")).run()
    at.button(key="mem_import").click().run()
    assert not at.exception and not at.error, errors(at)
    assert any("Imported 3 memories" in s.value for s in at.success)
    assert len(table(at, "Content")) == 3


def test_import_of_a_bad_file_is_a_message_and_keeps_the_store(populated):
    at = open_page(PAGE)
    at.file_uploader(key="mem_import_file").set_value(("junk.jsonl", b"{not json}\n", "application/json")).run()
    at.button(key="mem_import").click().run()
    assert not at.exception
    assert any("Import failed" in shown(e) for e in at.error)
    assert len(table(at, "Content")) == 3


def test_user_text_is_shown_as_typed_not_as_markdown(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add("**not bold** [a link](http://example.com) <b>x</b>", user_id="u")
    at = open_page(PAGE)
    heading = next(m for m in at.markdown if "not bold" in m.value)
    assert "**not bold**" not in heading.value.removeprefix("**")  # the stars are escaped
    assert shown(heading) == "**" + "**not bold** [a link](http://example.com) <b>x</b>" + "**"
