"""Workbench Storage page under AppTest: counts, verify / repair, optimize, reset with confirmation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from agentmem import Memory, MemoryConfig

APP = Path(__file__).resolve().parent.parent / "workbench" / "app.py"
PAGE = "pages/storage.py"


def shown(element) -> str:  # noqa: ANN001
    """An element's text as the browser shows it (the page escapes markdown in user data)."""
    return re.sub(r"\\(.)", r"\1", element.value)


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    path = tmp_path / "store"
    monkeypatch.setenv("AGENTMEM_DATA_DIR", str(path))
    yield path
    st.cache_resource.clear()  # closes the cached Memory of this directory


@pytest.fixture
def populated(store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add_batch(["Alice drinks green tea", "Alice is allergic to peanuts"], user_id="alice")
    return store_dir


def open_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page(PAGE).run()
    assert not at.exception, [shown(e) for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_renders_on_an_empty_store(store_dir):
    at = open_page()
    assert at.title[0].value == "Storage" and not at.error
    assert metric(at, "Memories (records)") == "0"
    assert any(str(store_dir) in m.value for m in at.markdown)


def test_counts_files_and_verify(populated):
    at = open_page()
    assert metric(at, "Memories (records)") == "2" and metric(at, "Vectors") == "2"
    files = next(d.value for d in at.dataframe if "size" in d.value.columns)
    assert {"records.db", "vectors/"} <= set(files["name"])
    at.button(key="storage_verify").click().run()
    assert not at.exception and not at.error
    assert any("agree (2 memories)" in s.value for s in at.success)


def test_repair_and_optimize_report(populated):
    at = open_page()
    at.button(key="storage_repair").click().run()
    assert not at.exception and not at.error
    assert any("Repair" in s.value and "agree" in s.value for s in at.success)
    at.button(key="storage_optimize").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert at.json[-1].value and '"rows": 2' in at.json[-1].value


def test_reset_needs_the_word(populated):
    at = open_page()
    at.button(key="storage_reset").click().run()
    assert not at.exception
    assert any("type RESET" in shown(e) for e in at.error)
    assert metric(at, "Memories (records)") == "2"
    at.text_input(key="storage_reset_confirm").set_value("RESET")
    at.button(key="storage_reset").click().run()
    assert not at.exception and not at.error
    assert any("is empty now" in s.value for s in at.success)
    assert metric(at, "Memories (records)") == "0" and metric(at, "Vectors") == "0"
    # the cached Memory is still usable after the reset
    at.switch_page("pages/ingest.py").run()
    at.text_area(key="ingest_text").set_value("after the reset")
    at.button(key="ingest_go").click().run()
    assert not at.error and next(m.value for m in at.metric if m.label == "In the store now") == "1"


def test_a_file_as_data_dir_is_a_message(tmp_path, monkeypatch):
    bad = tmp_path / "not-a-dir"
    bad.write_text("x")
    monkeypatch.setenv("AGENTMEM_DATA_DIR", str(bad))
    at = open_page()
    assert not at.exception
    assert any("is a file, not a folder" in shown(e) for e in at.sidebar.error)
