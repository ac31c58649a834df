"""agentmem workbench: ``streamlit run workbench/app.py``.

Routing only: each page lives in ``pages/`` and starts with ``state.setup()``.
"""

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts workbench/ on sys.path; the repository root is needed when
# agentmem is not installed (a plain checkout).
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.append(_ROOT)

st.set_page_config(page_title="agentmem workbench", page_icon=":material/memory:", layout="wide")

PAGES = {
    "Use": [
        st.Page("pages/ingest.py", title="Ingest", icon=":material/upload:", default=True),
        st.Page("pages/search.py", title="Search", icon=":material/search:"),
        st.Page("pages/memories.py", title="Memories", icon=":material/table_rows:"),
    ],
    "Measure": [
        st.Page("pages/benchmarks.py", title="Benchmarks", icon=":material/speed:"),
        st.Page("pages/retrieval.py", title="Retrieval", icon=":material/target:"),
        st.Page("pages/scale.py", title="Scale", icon=":material/trending_up:"),
    ],
    "Maintain": [
        st.Page("pages/storage.py", title="Storage", icon=":material/database:"),
    ],
}

st.navigation(PAGES).run()
