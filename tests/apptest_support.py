"""What the workbench AppTests (tests/test_app_*.py) share: the app, a store fixture, opening a page.

Test modules import the fixture by name (``from apptest_support import store_dir``);
pytest finds fixtures among a module's globals.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "workbench" / "app.py"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "locomo_dev.json"


def shown(element) -> str:  # noqa: ANN001
    """An element's text as the browser shows it (the page escapes markdown in user data)."""
    return re.sub(r"\\(.)", r"\1", element.value)


@pytest.fixture
def store_dir(tmp_path, monkeypatch):
    path = tmp_path / "store"
    monkeypatch.setenv("AGENTMEM_DATA_DIR", str(path))
    yield path
    st.cache_resource.clear()  # closes the cached Memory of this directory


def open_page(page: str | None = None, *, timeout: float = 120) -> AppTest:
    """Run the app and switch to ``page`` (None: stay on the default page, Ingest); nothing may have raised."""
    at = AppTest.from_file(str(APP), default_timeout=timeout).run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [shown(e) for e in at.exception]
    return at


def table(at: AppTest, *columns: str):  # noqa: ANN201 - a pandas DataFrame
    """The first table on the page that has all these columns."""
    return next(d.value for d in at.dataframe if all(c in d.value.columns for c in columns))


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
