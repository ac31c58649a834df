"""Plain words for every term the pages show.

One place holds the definitions (``TERMS``) and which page shows which (``PAGES``), so a
term means the same on every page. A page calls ``explain("Search")`` once, near its
title: a collapsed "What the words mean" expander with that page's terms. Widgets that
show a term can take ``help=define("p2b")`` for a tooltip of the same words.
"""

from __future__ import annotations

TERMS: dict[str, str] = {
    # what the store does with a memory
    "memory": "One piece of text the store keeps for a user, with its scope, metadata and vector.",
    "scope": "Whose memory it is: the user id, and optionally an agent id and a run id. "
             "Searches only look inside one scope.",
    "ADD": "History event: a memory was stored.",
    "UPDATE": "History event: a memory's text or metadata was changed.",
    "DELETE": "History event: a memory was removed.",
    "user": "The user id a memory belongs to (for example a customer or a chat participant).",
    "agent": "Optional: the id of the assistant or bot that keeps the memory; empty means any.",
    "run": "Optional: the id of one session or conversation inside a user's memories; empty means any.",
    "memory type": "What kind of memory it is: semantic (a fact), episodic (an event, something that "
                   "happened) or procedural (how to do something).",
    "metadata": "Extra fields kept with a memory as a JSON object, such as {\"topic\": \"food\"}; "
                "searches can filter on them.",
    "memory id": "The memory's unique id (36 characters); paste it to open that memory.",
    "history": "Every change to a memory, oldest first; kept even after the memory is deleted.",
    "embedding": "The list of numbers the model computes from a text; a search by meaning compares these.",
    "core blocks": "Two short texts an agent keeps in its prompt for a user: persona and human.",
    "persona": "Core block: who the agent is and how it should behave.",
    "human": "Core block: what the agent knows about the user.",
    "export": "All memories written to one file (JSON lines or Parquet), with their vectors, "
              "to back up or move to another store.",
    "NOOP": "Nothing was stored because the same text already exists in that scope "
            "(the existing memory's id is returned instead).",
    # search
    "hybrid": "Search mode that combines vector similarity with full-text (word) matches.",
    "vector": "Search mode by meaning only: the cosine similarity of the query's and the memory's vectors.",
    "fts": "Full-text search: matches on the words themselves (BM25 scoring), no vectors.",
    "score": "How well a memory matched the query, from 0 to 1; only the order within one search means much.",
    # benchmarks
    "ops/s": "Memories stored per second over the whole run (wall time).",
    "p50": "Median: half of the calls were faster than this.",
    "p95": "95th percentile: 95 of 100 calls were faster than this.",
    "p0": "Phase 0: one add() call per memory.",
    "p1": "Phase 1: fixed batches of 64 memories, vectors only (no records database).",
    "p2a": "Phase 2a: batches of 64 with the records and history written too.",
    "p2b": "Phase 2b: like p2a with several batches in flight at once.",
    "p2c": "Phase 2c: like p2b with a pool of database connections.",
    "p3": "Phase 3: the store's own path: one add_batch call, sorted and pipelined.",
    "embed-only": "The model alone embedding the same texts: the fastest any phase could be.",
    "storage-only": "The write path with vectors given in advance: what the stores cost without the model.",
    "x ceiling": "A phase's rate divided by embed-only's.",
    # retrieval quality
    "recall@10": "Share of a question's evidence memories found in the first 10 results.",
    "top-1": "Share of questions whose first result is the right memory.",
    "MRR": "Mean reciprocal rank: 1 if the right memory is first, 1/2 if second, and so on, averaged.",
    "session hit@5": "Share of questions where a conversation session holding the evidence is among "
                     "the first 5 distinct sessions of the results.",
    "cat1": "LoCoMo question category 1 (single-hop: the answer is in one turn); "
            "2 multi-hop, 3 temporal, 4 open-domain, 5 adversarial (no answer in the conversation).",
    "minmax": "Fusion that rescales each side's scores to 0-1 and mixes them with a weight w.",
    "calibrated": "The default fusion: full text counts for more in small scopes, where its matches are "
                  "rarer and more telling; the vector side counts by its cosine.",
    "candidates": "How many hits each side (vector, full text) brings before fusion (\"50 cand.\").",
    # storage upkeep
    "version": "LanceDB keeps a numbered version of the table after every write; old ones are cleaned up.",
    "fragments": "Files the vector table is made of; every append adds one.",
    "small fragments": "Fragments with few rows; upkeep merges them (compaction) so reads stay fast.",
    "upkeep": "Background work that compacts the table and builds indexes while the store is idle.",
}

#: Which terms each page shows, in the order they appear there.
PAGES: dict[str, tuple[str, ...]] = {
    "Ingest": ("memory", "scope", "NOOP", "ops/s"),
    "Search": ("hybrid", "vector", "fts", "score", "p50", "p95"),
    "Memories": ("memory", "scope", "user", "agent", "run", "memory type", "metadata", "memory id",
                 "history", "ADD", "UPDATE", "DELETE", "embedding", "core blocks", "persona", "human", "export"),
    "Benchmarks": ("ops/s", "p50", "p95", "p0", "p1", "p2a", "p2b", "p2c", "p3",
                   "embed-only", "storage-only", "x ceiling"),
    "Retrieval": ("recall@10", "top-1", "MRR", "session hit@5", "cat1", "minmax", "calibrated", "candidates"),
    "Scale": ("p50", "p95", "ops/s", "hybrid", "vector", "fts", "upkeep"),
    "Storage": ("version", "fragments", "small fragments", "upkeep"),
}


def define(term: str) -> str:
    """The plain-words definition of ``term`` (KeyError names a term nobody defined)."""
    return TERMS[term]


def terms_for(page: str) -> list[tuple[str, str]]:
    """``(term, definition)`` for every term ``page`` shows."""
    return [(t, TERMS[t]) for t in PAGES[page]]


def explain(page: str) -> None:
    """Draw the page's collapsed "What the words mean" expander."""
    import streamlit as st

    with st.expander("What the words mean", icon=":material/help:"):
        st.markdown("\n".join(f"- **{t}**: {d}" for t, d in terms_for(page)))
