"""Workbench Ingest page under AppTest: pasted text, uploads, synthetic sets, errors on the page."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
import streamlit as st

from agentmem import Memory, MemoryConfig
from apptest_support import SHARED, metrics, open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

# Ingest is the app's default page: open_page() stays on it.


@pytest.fixture(autouse=True)
def results_file(tmp_path, monkeypatch):
    """The app's results file in the test's temp folder too, as the store is (store_dir)."""
    monkeypatch.setenv("AGENTMEM_RESULTS", str(tmp_path / "results.jsonl"))


def stored(path: Path) -> list:
    with Memory(MemoryConfig(data_dir=str(path))) as mem:
        return list(mem.get_all(limit=100))


def test_renders_on_an_empty_store(store_dir):
    at = open_page()
    assert at.title[0].value == "Ingest"
    assert at.button(key="ingest_go").disabled is False
    assert not at.error


def test_renders_on_a_populated_store(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add("Alice likes green tea", user_id="alice")
    at = open_page()
    assert not at.error and at.title[0].value == "Ingest"


def test_paste_ingests_lines_and_counts_add_and_noop(store_dir):
    at = open_page()
    at.text_area(key="ingest_text").set_value("Alice likes green tea\n\nBob moved to Lisbon\nAlice likes green tea\n")
    at.text_input(key="ingest_user").set_value("alice")
    at.text_input(key="ingest_meta").set_value('{"topic": "people"}')
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    m = metrics(at)
    assert m["Added"] == "2" and m["Already stored"] == "1" and m["Rejected"] == "0"
    assert m["In the store now"] == "2"
    st.cache_resource.clear()
    records = stored(store_dir)
    assert sorted(r.content for r in records) == ["Alice likes green tea", "Bob moved to Lisbon"]
    assert all(r.user_id == "alice" and r.metadata == {"topic": "people"} for r in records)


def test_bad_metadata_is_a_message_and_nothing_is_written(store_dir):
    at = open_page()
    at.text_area(key="ingest_text").set_value("Alice likes green tea")
    at.text_input(key="ingest_meta").set_value("{not json")
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert any("metadata" in shown(e) and "not valid JSON" in shown(e) for e in at.error)
    assert "Added" not in metrics(at)


def test_empty_paste_is_a_message(store_dir):
    at = open_page()
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert any("paste at least one line" in shown(e) for e in at.error)


CHAT = [
    {"role": "user", "name": "Caroline", "content": "Did you go to the pottery class?"},
    {"role": "assistant", "name": "Melanie", "content": "Yes, last Tuesday!"},
    {"role": "user", "content": "What did you make?"},
]


def test_pasted_chat_is_one_memory_per_message_with_its_context(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("Chat messages").run()
    at.text_area(key="ingest_chat").set_value(json.dumps(CHAT))
    at.text_input(key="ingest_user").set_value("caroline")
    at.text_input(key="ingest_run").set_value("session-1")
    at.text_input(key="ingest_chat_when").set_value("2023-05-08T13:56:00")
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    m = metrics(at)
    assert m["Added"] == "3" and m["Rejected"] == "0" and m["In the store now"] == "3"
    st.cache_resource.clear()
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        records = list(mem.get_all(user_id="caroline"))[::-1]  # oldest first
        assert [r.content for r in records] == [
            "Caroline: Did you go to the pottery class?", "Melanie: Yes, last Tuesday!", "What did you make?"]
        assert [r.metadata for r in records] == [
            {"role": "user", "name": "Caroline"}, {"role": "assistant", "name": "Melanie"}, {"role": "user"}]
        assert all(r.run_id == "session-1" and r.created_at.year == 2023 for r in records)
        # the reply is found by the question said before it
        hits = mem.search("pottery", user_id="caroline", mode="fts")
        assert "Melanie: Yes, last Tuesday!" in [h.content for h in hits]


def test_uploaded_jsonl_chat(store_dir):
    data = "\n".join(json.dumps(m) for m in CHAT).encode()
    at = open_page()
    at.radio(key="ingest_source").set_value("Chat messages").run()
    at.file_uploader(key="ingest_chat_upload").set_value(("chat.jsonl", data, "application/json")).run()
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert metrics(at)["Added"] == "3"
    st.cache_resource.clear()
    assert {r.user_id for r in stored(store_dir)} == {"default"}


@pytest.mark.parametrize("text, field", [
    (json.dumps([CHAT[0], {"role": "robot", "content": "beep"}]), "messages[1].role"),
    (json.dumps([CHAT[0], {"role": "user", "content": ""}]), "messages[1].content"),
    (json.dumps(CHAT[0]) + "\n{not json\n", "chat: line 2"),
    ("", "chat"),
])
def test_a_bad_chat_is_one_red_line_naming_the_field_and_nothing_is_written(store_dir, text, field):
    at = open_page()
    at.radio(key="ingest_source").set_value("Chat messages").run()
    at.text_area(key="ingest_chat").set_value(text)
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert len(at.error) == 1 and field in shown(at.error[0]), [shown(e) for e in at.error]
    st.cache_resource.clear()
    assert stored(store_dir) == []


def test_a_bad_chat_timestamp_is_named(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("Chat messages").run()
    at.text_area(key="ingest_chat").set_value(json.dumps(CHAT))
    at.text_input(key="ingest_chat_when").set_value("last Tuesday")
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "timestamp" in shown(at.error[0]), [shown(e) for e in at.error]


def test_jsonl_upload_with_chosen_columns_reports_rejected_rows(store_dir):
    rows = [
        {"body": "Carol plays the cello", "who": "carol", "topic": "music"},
        {"body": "   ", "who": "carol", "topic": "x"},
        {"body": "Dan has a \u0000 in his note", "who": "dan", "topic": "x"},
        {"body": "Dan runs marathons", "who": "dan", "topic": "sport"},
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    at = open_page()
    at.radio(key="ingest_source").set_value("Upload a file").run()
    at.file_uploader(key="ingest_upload").set_value(("notes.jsonl", data, "application/json")).run()
    assert not at.error, [shown(e) for e in at.error]
    assert at.selectbox(key="ingest_text_col").options == ["body", "who", "topic"]
    at.selectbox(key="ingest_text_col").set_value("body")
    at.selectbox(key="ingest_user_col").set_value("who")
    at.multiselect(key="ingest_meta_cols").set_value(["topic"])
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    m = metrics(at)
    assert m["Added"] == "2" and m["Rejected"] == "2"
    rejected = table(at, "reason")
    reasons = " | ".join(rejected["reason"])
    assert "NUL" in reasons and "empty text" in reasons
    st.cache_resource.clear()
    by_user = {r.user_id: r for r in stored(store_dir)}
    assert by_user["carol"].metadata == {"topic": "music"} and by_user["dan"].content == "Dan runs marathons"


def test_wrong_column_and_bad_file_are_messages(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("Upload a file").run()
    csv_data = b"text,user\nhello there,u1\n"
    at.file_uploader(key="ingest_upload").set_value(("notes.csv", csv_data, "text/csv")).run()
    at.selectbox(key="ingest_user_col").set_value("user")
    at.button(key="ingest_go").click().run()
    assert metrics(at)["Added"] == "1"
    # a JSON file that is not LoCoMo: the reader's message, on the page
    at.file_uploader(key="ingest_upload").set_value(("dialog.json", b'{"hello": 1}', "application/json")).run()
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert any("missing key 'sample_id'" in shown(e) for e in at.error), [shown(e) for e in at.error]
    # a file of another type
    at.file_uploader(key="ingest_upload").set_value(("notes.txt", b"hello", "text/plain")).run()
    assert not at.exception
    assert any("use a .csv, .jsonl or LoCoMo .json file" in shown(e) for e in at.error)


def test_upload_over_50_mb_is_refused_with_a_message(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("Upload a file").run()
    big = b"text\n" + b"x" * (50 * 1024 * 1024 + 10)
    at.file_uploader(key="ingest_upload").set_value(("big.csv", big, "text/csv")).run()
    assert not at.exception
    assert any("big.csv is 50.0 MB; the limit is 50 MB" in shown(e) for e in at.error), [shown(e) for e in at.error]


def test_synthetic_set_with_a_phase_preset(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("Synthetic set").run()
    at.number_input(key="ingest_syn_n").set_value(40)
    at.selectbox(key="ingest_preset").set_value("p2b")
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    m = metrics(at)
    assert int(m["Added"]) == 40 and m["In the store now"] == "40"
    at.run()
    assert any("Settings:" in c.value for c in at.sidebar.caption)


def test_a_second_click_while_an_ingest_runs_does_not_start_another(store_dir):
    at = open_page()
    services = sys.modules["services"]  # the module the running app uses
    release = threading.Event()
    key = f"ingest:{store_dir.resolve()}"
    owner = at.session_state["_session_id"]  # this session's own ingest, started before the click
    running, started = services.JOBS.start(key, "Ingest", lambda progress: release.wait(30) and None, owner=owner)
    at.session_state["_own_jobs"] = {key: running}
    assert started
    threading.Timer(1.5, release.set).start()  # the page watches the job until it ends
    at.text_area(key="ingest_text").set_value("Alice likes green tea")
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert at.button(key="ingest_go").disabled
    assert any("Your ingest is running" in shown(i) for i in at.info)
    assert services.JOBS.get(key) is running  # the click did not replace or restart it
    assert "Added" not in metrics(at)
    # once it has ended, the button works again
    at.run()
    assert not at.button(key="ingest_go").disabled
    at.button(key="ingest_go").click().run()
    assert metrics(at)["Added"] == "1"


@pytest.mark.skipif(not SHARED.is_file(), reason="LoCoMo dev split not in ../shared/data")
def test_the_locomo_dev_file_on_this_machine(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("File on this machine").run()
    assert Path(at.text_input(key="ingest_disk_path").value).resolve() == SHARED.resolve()
    assert at.selectbox(key="ingest_disk_kind").value == "locomo"
    at.number_input(key="ingest_limit").set_value(60)
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    m = metrics(at)
    assert int(m["Added"]) + int(m["Already stored"]) == 60 and m["Rejected"] == "0"
    st.cache_resource.clear()
    records = stored(store_dir)
    assert len({r.user_id for r in records}) == 1  # the first 60 turns are one conversation
    assert all("dia_id" in r.metadata for r in records)


# ---------------------------------------------------------------- results belong to a session and an action


def ingest_pasted(at, text: str = "Alice likes green tea\nBob moved to Lisbon"):
    at.text_area(key="ingest_text").set_value(text)
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    return at


def test_a_second_browser_session_sees_no_result_of_the_first(store_dir):
    a = ingest_pasted(open_page())
    assert metrics(a)["Added"] == "2" and any("Ingest finished" in p.text for p in a.progress)
    b = open_page()  # another browser session on the same store
    assert not b.error and not b.progress and "Added" not in metrics(b)
    assert not [h for h in b.subheader if h.value == "Summary"]
    assert not b.button(key="ingest_go").disabled
    # the first session keeps its own summary on its next run
    a.run()
    assert metrics(a)["Added"] == "2"


def test_a_new_action_clears_the_previous_result(store_dir):
    at = ingest_pasted(open_page())
    assert metrics(at)["Added"] == "2"
    at.text_area(key="ingest_text").set_value("")
    at.button(key="ingest_go").click().run()
    assert len(at.error) == 1 and "paste at least one line" in shown(at.error[0])
    assert "Added" not in metrics(at) and not at.success and not at.progress
    # and a new success replaces an error
    ingest_pasted(at, "Carol plays the cello")
    assert metrics(at)["Added"] == "1" and metrics(at)["In the store now"] == "3"


def test_another_sessions_running_ingest_disables_the_button_and_shows_no_result(store_dir):
    storage = open_page("pages/storage.py")  # before the other ingest starts: Ingest, the first page, would wait
    services = sys.modules["services"]
    key = f"ingest:{store_dir.resolve()}"
    release = threading.Event()
    other, started = services.JOBS.start(key, "Ingest", lambda progress: release.wait(30) and "theirs",
                                         owner="another-session")
    assert started
    try:
        storage.run()  # the Storage page says so in words, and reset is off, without waiting
        assert any("another browser session" in c.value for c in storage.caption)
        assert storage.button(key="storage_reset").disabled
        threading.Timer(1.0, release.set).start()
        at = open_page()  # watches the other session's ingest until it ends, then draws the page again
        assert other.wait(5) and other.result == "theirs"
        assert not at.progress and "Added" not in metrics(at) and not at.button(key="ingest_go").disabled
    finally:
        release.set()


def test_one_speed_figure_on_the_progress_bar_and_in_the_summary(store_dir):
    at = ingest_pasted(open_page(), "\n".join(f"note number {i}" for i in range(30)))
    speed = metrics(at)["Memories/s"]
    assert speed and speed[0].isdigit()
    bar = next(p.text for p in at.progress if "Ingest finished" in p.text)
    assert f"· {speed} memories/s ·" in bar, (bar, speed)
    assert any("30 memories written in" in c.value for c in at.caption)


# ---------------------------------------------------------------- examples look like examples


@pytest.mark.parametrize("source", ["Paste text", "Chat messages", "Upload a file", "Synthetic set",
                                    "File on this machine"])
def test_placeholders_are_marked_as_examples(store_dir, source):
    at = open_page()
    at.radio(key="ingest_source").set_value(source).run()
    boxes = [*at.text_input, *at.text_area, *at.sidebar.text_input, *at.sidebar.text_area]
    shown_examples = [b.placeholder for b in boxes if b.placeholder]
    assert all(p.startswith("e.g.") for p in shown_examples), shown_examples
    if source == "Paste text":
        assert at.text_area(key="ingest_text").value == ""  # an example, not a value


def test_the_prefilled_path_is_a_file_that_ingests(store_dir):
    at = open_page()
    at.radio(key="ingest_source").set_value("File on this machine").run()
    path = Path(at.text_input(key="ingest_disk_path").value)
    assert path.is_file()
    at.number_input(key="ingest_limit").set_value(20)
    at.button(key="ingest_go").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    m = metrics(at)
    assert int(m["Added"]) + int(m["Already stored"]) == 20


def test_the_sample_file_on_disk_offers_its_columns(store_dir):
    sample = Path(__file__).resolve().parent.parent / "data" / "sample_memories.jsonl"
    at = open_page()
    at.radio(key="ingest_source").set_value("File on this machine").run()
    at.text_input(key="ingest_disk_path").set_value(str(sample)).run()
    assert at.selectbox(key="ingest_disk_kind").value == "jsonl"
    assert at.selectbox(key="ingest_user_col").value == "user_id"
    at.number_input(key="ingest_limit").set_value(10)
    at.button(key="ingest_go").click().run()
    assert not at.error, [shown(e) for e in at.error]
    assert metrics(at)["Added"] == "10"
    st.cache_resource.clear()
    assert len({r.user_id for r in stored(store_dir)}) > 1  # the file's own users


def test_a_missing_path_is_one_red_line_naming_the_field(store_dir, tmp_path):
    at = open_page()
    at.radio(key="ingest_source").set_value("File on this machine").run()
    at.text_input(key="ingest_disk_path").set_value(str(tmp_path / "nothing-here.jsonl")).run()
    at.button(key="ingest_go").click().run()
    assert not at.exception
    assert len(at.error) == 1 and shown(at.error[0]).startswith("path: there is no file at")
    assert "Added" not in metrics(at)


def test_the_glossary_explains_the_summary_words(store_dir):
    at = open_page()
    words = next(e for e in at.expander if e.label == "What the words mean")
    text = " ".join(m.value for m in words.markdown)
    for term in ("already stored", "speed", "scope", "memory type"):
        assert f"**{term}**" in text
