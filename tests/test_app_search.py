"""Workbench Search page under AppTest: modes, filters, opening a hit's record and history."""

from __future__ import annotations

import pytest

from agentmem import Memory, MemoryConfig
from apptest_support import open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

PAGE = "pages/search.py"


@pytest.fixture
def populated(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch(
            ["Alice drinks green tea every morning", "Alice is allergic to peanuts"],
            user_id="alice",
            metadata=[{"topic": "food"}, {"topic": "health"}],
        )
        mem.add("Bob moved to Lisbon in May", user_id="bob", metadata={"topic": "travel"}, memory_type="episodic")
        tea = mem.search("green tea", user_id="alice", limit=1)[0].id
        mem.update(tea, content="Alice drinks green tea every morning and evening")
    return store_dir


def test_renders_on_an_empty_store_and_search_finds_nothing(store_dir):
    at = open_page(PAGE)
    assert at.title[0].value == "Search" and not at.error
    assert any("add memories on the Ingest page" in i.value for i in at.info)
    at.text_input(key="search_query").set_value("anything")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception and not at.error
    assert any("No memory matched" in i.value for i in at.info)


@pytest.mark.parametrize("mode", ["hybrid", "vector", "fts"])
def test_search_each_mode_and_open_the_history(populated, mode):
    at = open_page(PAGE)
    at.text_input(key="search_query").set_value("green tea")
    at.radio(key="search_mode").set_value(mode)
    at.text_input(key="search_user").set_value("alice")
    at.button[0].click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    frame = table(at, "score")
    assert frame["content"].iloc[0] == "Alice drinks green tea every morning and evening"
    assert set(frame["user_id"]) == {"alice"}
    assert set(frame["agent_id"]) == {"-"} and set(frame["run_id"]) == {"-"}  # an empty scope column, as on Memories
    assert frame["score"].is_monotonic_decreasing
    # the first hit is open: its full record and its history (ADD then UPDATE with old and new text)
    history = table(at, "event")
    assert list(history["event"]) == ["ADD", "UPDATE"]
    assert history["old_content"].iloc[1] == "Alice drinks green tea every morning"
    assert history["new_content"].iloc[1] == "Alice drinks green tea every morning and evening"
    assert any("Full record" in m.value for m in at.markdown)


def test_metadata_and_type_filters(populated):
    at = open_page(PAGE)
    at.text_input(key="search_query").set_value("where does someone live")
    at.text_area(key="search_filters").set_value("topic=travel")
    at.button[0].click().run()
    assert not at.error, [shown(e) for e in at.error]
    assert list(table(at, "score")["content"]) == ["Bob moved to Lisbon in May"]
    at.text_area(key="search_filters").set_value("")
    at.selectbox(key="search_type").set_value("semantic")
    at.button[0].click().run()
    assert "Bob moved to Lisbon in May" not in list(table(at, "score")["content"])


def test_an_empty_query_is_a_hint_not_an_error(populated):
    at = open_page(PAGE)
    at.button[0].click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert any("Type something to search for" in shown(i) for i in at.info)
    # after a search, an empty one clears its results: they answered another query
    at.text_input(key="search_query").set_value("green tea")
    at.button[0].click().run()
    assert "score" in table(at, "score").columns
    at.text_input(key="search_query").set_value("  ")
    at.button[0].click().run()
    assert not at.error and not at.dataframe and any("Type something" in shown(i) for i in at.info)


def test_the_first_search_of_a_user_says_what_it_loads(populated):
    at = open_page(PAGE)
    at.text_input(key="search_query").set_value("green tea")
    at.text_input(key="search_user").set_value("alice")
    at.button[0].click().run()
    notes = [shown(c) for c in at.caption if c.value.startswith("Took")]
    assert len(notes) == 1 and "the first search" in notes[0] and "alice" in notes[0], notes
    at.button[0].click().run()  # the same user again: nothing to load
    notes = [shown(c) for c in at.caption if c.value.startswith("Took")]
    assert len(notes) == 1 and "first search" not in notes[0], notes
    at.text_input(key="search_user").set_value("bob")
    at.button[0].click().run()
    notes = [shown(c) for c in at.caption if c.value.startswith("Took")]
    assert "the first search of user bob" in notes[0], notes


def test_examples_are_marked_and_the_words_explained(store_dir):
    at = open_page(PAGE)
    examples = [b.placeholder for b in (*at.text_input, *at.text_area) if b.placeholder]
    assert examples and all(p.startswith("e.g.") for p in examples), examples
    words = next(e for e in at.expander if e.label == "What the words mean")
    text = " ".join(m.value for m in words.markdown)
    assert all(f"**{term}**" in text for term in ("hybrid", "vector", "fts", "score", "metadata filters"))


def test_user_errors_are_messages(populated):
    at = open_page(PAGE)
    at.text_input(key="search_query").set_value("tea")
    at.text_area(key="search_filters").set_value("no equals sign here")
    at.button[0].click().run()
    assert not at.exception
    assert any("filters" in shown(e) and "key=value" in shown(e) for e in at.error)
    at.text_area(key="search_filters").set_value('topic={"gt": 3}')
    at.button[0].click().run()
    assert not at.exception
    assert any("filters.topic" in shown(e) and "unknown operator" in shown(e) for e in at.error), [
        shown(e) for e in at.error
    ]


def test_after_an_ingest_the_first_search_of_its_user_is_ready(store_dir):
    at = open_page()  # Ingest
    at.text_area(key="ingest_text").set_value("Alice drinks green tea every morning")
    at.text_input(key="ingest_user").set_value("alice")
    at.button(key="ingest_go").click().run()
    assert not at.error, [shown(e) for e in at.error]
    at.switch_page(PAGE).run()
    at.text_input(key="search_query").set_value("what does alice drink?")
    at.text_input(key="search_user").set_value("alice")
    at.button[0].click().run()
    assert table(at, "score")["content"].iloc[0] == "Alice drinks green tea every morning"
    notes = [shown(c) for c in at.caption if c.value.startswith("Took")]
    assert len(notes) == 1 and "first search" not in notes[0], notes
