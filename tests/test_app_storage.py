"""Workbench Storage page under AppTest: counts, verify / repair, optimize, reset with confirmation."""

from __future__ import annotations

import pytest

from agentmem import Memory, MemoryConfig
from apptest_support import metrics, open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

PAGE = "pages/storage.py"


@pytest.fixture
def populated(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch(["Alice drinks green tea", "Alice is allergic to peanuts"], user_id="alice")
    return store_dir


def test_renders_on_an_empty_store(store_dir):
    at = open_page(PAGE)
    assert at.title[0].value == "Storage" and not at.error
    assert metrics(at)["Memories (records)"] == "0"
    assert any(str(store_dir) in m.value for m in at.markdown)
    # an empty store says what to do, and why its table already has a version
    assert any("add memories on the Ingest page" in i.value for i in at.info)
    assert "Table version" in metrics(at) and "Version" not in metrics(at)
    assert any("not memories" in c.value for c in at.caption)
    words = next(e for e in at.expander if e.label == "What the words mean")
    text = " ".join(m.value for m in words.markdown)
    assert all(f"**{t}**" in text for t in ("table version", "data files", "small data files", "verify", "repair"))


def test_a_new_action_clears_the_previous_report(populated):
    at = open_page(PAGE)
    at.button(key="storage_verify").click().run()
    assert any("agree (2 memories)" in s.value for s in at.success)
    at.button(key="storage_reset").click().run()  # without the word: an error, and the old report is gone
    assert len(at.error) == 1 and "type RESET" in shown(at.error[0])
    assert not at.success and not [e for e in at.expander if e.label.startswith("The full")]


def test_another_sessions_ingest_turns_reset_off_in_words(store_dir):
    import sys
    import threading

    at = open_page(PAGE)
    services = sys.modules["services"]
    release = threading.Event()
    job, started = services.JOBS.start(f"ingest:{store_dir.resolve()}", "Ingest", lambda progress: release.wait(30),
                                       owner="another-session")
    try:
        at.run()
        assert at.button(key="storage_reset").disabled
        assert any("another browser session" in c.value for c in at.caption)
    finally:
        release.set()
        job.wait(5)
    at.run()
    assert not at.button(key="storage_reset").disabled


def test_counts_files_and_verify(populated):
    at = open_page(PAGE)
    assert metrics(at)["Memories (records)"] == "2" and metrics(at)["Vectors"] == "2"
    files = table(at, "size")
    assert {"records.db", "vectors/"} <= set(files["name"])
    at.button(key="storage_verify").click().run()
    assert not at.exception and not at.error
    assert any("agree (2 memories)" in s.value for s in at.success)


def test_repair_and_optimize_report(populated):
    at = open_page(PAGE)
    at.button(key="storage_repair").click().run()
    assert not at.exception and not at.error
    assert any("Repair" in s.value and "agree" in s.value for s in at.success)
    at.button(key="storage_optimize").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert at.json[-1].value and '"rows": 2' in at.json[-1].value


def test_reset_needs_the_word(populated):
    at = open_page(PAGE)
    at.button(key="storage_reset").click().run()
    assert not at.exception
    assert any("type RESET" in shown(e) for e in at.error)
    assert metrics(at)["Memories (records)"] == "2"
    at.text_input(key="storage_reset_confirm").set_value("RESET")
    at.button(key="storage_reset").click().run()
    assert not at.exception and not at.error
    assert any("is empty now" in s.value for s in at.success)
    assert metrics(at)["Memories (records)"] == "0" and metrics(at)["Vectors"] == "0"
    # the cached Memory is still usable after the reset
    at.switch_page("pages/ingest.py").run()
    at.text_area(key="ingest_text").set_value("after the reset")
    at.button(key="ingest_go").click().run()
    assert not at.error and metrics(at)["In the store now"] == "1"


def test_a_file_as_data_dir_is_a_message(tmp_path, monkeypatch):
    bad = tmp_path / "not-a-dir"
    bad.write_text("x")
    monkeypatch.setenv("AGENTMEM_DATA_DIR", str(bad))
    at = open_page(PAGE)
    assert not at.exception
    assert any("is a file, not a folder" in shown(e) for e in at.sidebar.error)
