"""The workbench glossary: every page explains its words, every word it lists is defined, and a page's
"What the words mean" expander shows them (AppTest)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from apptest_support import APP, open_page, store_dir

WORKBENCH = APP.parent
PAGE_FILES = sorted((WORKBENCH / "pages").glob("*.py"))
sys.path.insert(0, str(WORKBENCH))
import glossary


def calls(path: Path, name: str) -> list[ast.Call]:
    """The calls of ``glossary.<name>(...)`` in a file."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == name
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "glossary"]


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_every_page_explains_its_words_once(path):
    explained = calls(path, "explain")
    assert len(explained) == 1, f"{path.name}: glossary.explain(...) called {len(explained)} times"
    arg = explained[0].args[0]
    assert isinstance(arg, ast.Constant) and arg.value in glossary.PAGES, f"{path.name}: {ast.unparse(arg)}"


def test_every_page_has_a_list_and_every_listed_term_is_defined():
    titles = {p.stem.capitalize() for p in PAGE_FILES}
    assert titles <= set(glossary.PAGES), titles - set(glossary.PAGES)
    undefined = {page: [t for t in terms if t not in glossary.TERMS] for page, terms in glossary.PAGES.items()}
    assert not any(undefined.values()), undefined
    assert all(len(set(terms)) == len(terms) for terms in glossary.PAGES.values())
    assert all(d.strip().endswith((".", ")")) for d in glossary.TERMS.values())  # sentences, not codes


def test_every_term_a_widget_defines_exists():
    """``help=glossary.define("...")`` with a term nobody defined would be a KeyError on the page."""
    asked = {(path.name, call.args[0].value) for path in [*PAGE_FILES, WORKBENCH / "state.py"]
             for call in calls(path, "define") if call.args and isinstance(call.args[0], ast.Constant)}
    assert asked
    assert not [(name, term) for name, term in asked if term not in glossary.TERMS]


def test_the_words_newcomers_lacked_are_glossed_or_gone():
    """The internal words the pages used to show bare are defined in plain words, or replaced."""
    assert "NOOP" in glossary.define("already stored")
    assert "cat1" not in glossary.TERMS and "1 multi-hop" in glossary.define("question category")
    assert "fragments" in glossary.define("data files")
    assert "cand." not in " ".join(glossary.TERMS.values())


def test_a_pages_expander_shows_its_terms(store_dir):
    at = open_page("pages/storage.py")
    words = [e for e in at.expander if e.label == "What the words mean"]
    assert len(words) == 1
    text = " ".join(m.value for m in words[0].markdown)
    for term, definition in glossary.terms_for("Storage"):
        assert f"**{term}**: {definition}" in text
