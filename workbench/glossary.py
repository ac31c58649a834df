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
    "rank": "The result's place in the list, 1 the best match.",
    "metadata filters": "Only memories whose metadata match: key=value per line (a number or true/false is "
                        "compared as such), or a JSON object; a value may be {\"in\": [...]} for any of several.",
    "actor": "Who made the change, when the writer named one; usually empty.",
    "added": "Rows this ingest stored as new memories.",
    "already stored": "Rows whose text this scope already holds: nothing new is stored and the existing memory is "
                      "kept (the store calls this NOOP).",
    "rejected": "Rows not stored, each listed with its reason (empty text, a NUL character, too long); the other "
                "rows still go in.",
    "speed": "Memories written per second: rows added or already stored, divided by the wall time from the start "
             "of the ingest until every vector is stored. The progress bar and the summary show this one figure.",
    "in the store now": "Every memory the store holds after this ingest, all users together.",
    "batch size": "Rows handed to the store in one add_batch call; the model embeds a batch in one go.",
    "concurrency": "How many batches are written at the same time.",
    "pool size": "Connections to the records database (libSQL) that the writes share.",
    "phase preset": "One of the write paths the Benchmarks page compares (p0 to p3); each stores the same "
                    "memories, only the speed differs.",
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
    "phase": "One way of writing the same memories (p0 to p3), each adding one idea to the one before; "
             "every phase starts on a fresh store.",
    "plain-embed": "The model through fastembed's own loop (64 texts a call, no tuning): what the store's "
                   "embedder gains over it.",
    "reference rows": "Rows that are not phases: embed-only (the model alone), plain-embed (the model's own "
                      "loop) and storage-only (the stores alone).",
    "Mem0": "Another memory library (mem0ai), storing the same memories through its own add() with its "
            "language-model step off (infer=False).",
    "repetitions": "How many times each phase runs, each time on a fresh store: the figures are the median, "
                   "the whiskers the slowest and the fastest run.",
    "wall time": "Seconds from the first memory handed to the store until the last one is stored (opening "
                 "and closing the store not counted).",
    "stage seconds": "Seconds a phase spent in each part of the write: embed (the model), vectors (LanceDB), "
                     "records (libSQL), history, other.",
    "stored": "Memories the store holds after the phase: the distinct texts given, when nothing was lost.",
    "CPU ms per memory": "Processor time per memory, all threads together; on a shared machine it moves far "
                         "less than the rate does.",
    "sweep": "One phase run again for each value of one setting, each on a fresh store, to see where the "
             "rate peaks.",
    "load average": "How many programs wanted a CPU, averaged over the minute before the run started (the "
                    "first of the three figures the machine reports).",
    "under load": "The load average was above 1.5 when the run started: other work shared the CPUs, so its "
                  "rates are lower and its latencies higher than an idle machine gives.",
    # scale
    "system": "Which store a row measures: agentmem, or Mem0 on pgvector beside it.",
    "Mem0 on pgvector": "Mem0 (mem0ai) storing in PostgreSQL with pgvector, measured through its own add and "
                        "search on the same memories and queries.",
    "store size": "Memories in the store when that row's figures were measured.",
    "bulk ingest": "Memories per second of the step's add_batch calls, vectors given (the model is not timed).",
    "single add": "One add() call: the text embedded by the model and stored; p50 and p95 over the adds.",
    "sequential adds": "Single adds one after another, per second, counted until every vector is stored.",
    "right after ingest": "Searches started within seconds of the bulk ingest, while upkeep still folds the "
                          "new rows into the indexes.",
    "upkeep settled": "Measured again once background upkeep had nothing left to do.",
    "freshness": "How long after add() returns a search in that mode finds the new memory.",
    "agent loop": "Agents working at once, each turn a hybrid search then an add: operations/s counts both, "
                  "the turn p95 is one turn's time.",
    "operations/s": "Searches and adds finished per second, all agents together.",
    "disk per memory": "Bytes on disk (vectors, records, indexes) divided by the memories stored.",
    "peak memory": "The most memory the benchmark's process had used by then (resident set size), in MB.",
    "writer wait": "Seconds writes waited for their turn at the vector table, which takes one write at a time.",
    # retrieval quality
    "recall@k": "Share of a question's evidence turns found in the first k results (recall@10: the first 10), "
                "averaged over the questions.",
    "top-1": "Share of questions whose first result is the right memory.",
    "MRR": "Mean reciprocal rank: 1 if the right memory is first, 1/2 if second, and so on, averaged.",
    "session hit@5": "Share of questions where a conversation session holding the evidence is among "
                     "the first 5 distinct sessions of the results.",
    "question category": "LoCoMo's kind of question, by number: 1 multi-hop (the answer joins several turns), "
                         "2 temporal (when something happened), 3 open-domain (needs knowledge beyond the chat), "
                         "4 single-hop (the answer is in one turn), 5 adversarial (no answer in the conversation; "
                         "left out of the scores).",
    "LoCoMo": "A public data set of long conversations between two people, with questions about them and the "
              "turns that answer each (snap-research/locomo on GitHub). Stored one memory per dialog turn, one "
              "user per conversation.",
    "k": "How many results of each search are scored: recall@k looks at the first k.",
    "search mode": "How a question is searched: vector (meaning), fts (words) or hybrid (both).",
    "nDCG": "Normalized discounted cumulative gain: like recall, but evidence found higher up counts for more; "
            "1 when all evidence comes first.",
    "evidence": "The dialog turns (by id, such as D1:3) that hold a question's answer.",
    "fold": "One of the groups the users are cut into: each setting is chosen on the other folds and scored on "
            "this one, so nothing is chosen on the questions it is scored on.",
    "train score": "The chosen setting's score on the other folds, where it was chosen; the row's figures are on "
                   "this fold.",
    "path": "How the conversations went in: plain add_batch (one memory per turn, nothing else), add_batch + "
            "contexts (each turn with the date and the turns before it) or add(messages) (the store builds the "
            "contexts).",
    "row": "Which setting a row scores: the one chosen on the other folds, the defaults, the previous defaults, "
           "vector search alone, or vector alone with the defaults' centering.",
    "setting": "The search settings a row uses: the fusion (calibrated, minmax or rrf) with its weights, the "
               "candidates, the turn evidence and the vector centering.",
    "rrf": "Reciprocal rank fusion: each side adds 1 / (k + rank) for a memory, so only the ranks count, not "
           "the scores.",
    "vector weight": "In a fusion, the share of a memory's score that comes from the vector side (the rest from "
                     "full text).",
    "turn evidence": "How much a memory stored without a context takes, for full-text search, from the turns "
                     "stored just before it (0: none).",
    "vector centering": "How much of the scope's average vector is taken off the query and every memory before "
                        "comparing them: what all of a user's memories share (such as the name) stops pulling "
                        "them all towards every question (0: plain cosine).",
    "minmax": "Fusion that rescales each side's scores to 0-1 within one search and mixes them with the "
              "vector weight.",
    "calibrated": "The default fusion: the vector side counts by its cosine, full text by its matches, mixed by "
                  "the vector weight. Full text counts less in a small scope, where a shared word is chance: it "
                  "gets half its weight at the size named (\"full text at half weight in 60 memories\"). Below the "
                  "floor cosine a memory has no vector evidence.",
    "candidates": "How many results each side (vector, full text) brings before they are fused into one "
                  "list (50 candidates: 50 from each).",
    # storage upkeep
    "table version": "LanceDB numbers the vector table after every change to it: its creation, each index, "
                     "each write and cleanup. A new, empty store is already past version 1.",
    "versions kept": "Old versions still on disk (a reader can look at the table as it was); upkeep removes "
                     "the old ones.",
    "data files": "The files the vector table is made of (LanceDB calls them fragments); every append adds one.",
    "small data files": "Data files with few rows; compaction merges them so searches open fewer files.",
    "records": "The memories in the records database (libSQL): text, scope, metadata, history. The source of truth.",
    "vectors": "The memories' vectors in the vector table (LanceDB), one per memory, with the text for full-text "
               "search.",
    "history events": "Every ADD, UPDATE and DELETE the store has recorded, for all memories.",
    "schema version": "The version of the records database's table layout; the store upgrades it on open.",
    "index": "A structure that speeds up a search: a full-text index of the words, scalar indexes of the scope "
             "columns, and a vector (ANN) index once the table is large.",
    "verify": "Compare the two stores: every memory has a vector of its current text, and no vector is left "
              "without a memory.",
    "repair": "Make the vector table match the records: re-embed memories whose vector is missing or stale, "
              "remove vectors without a memory (orphans).",
    "embedder": "The model that turns a text into a vector (all-MiniLM-L6-v2 by default), run on this machine.",
    "upkeep": "Background work that compacts the table and builds indexes while the store is idle.",
}

#: Which terms each page shows, in the order they appear there.
PAGES: dict[str, tuple[str, ...]] = {
    "Ingest": ("memory", "metadata", "LoCoMo", "scope", "user", "agent", "run", "memory type", "phase preset",
               "p0", "p2a", "p2b", "p2c", "p3", "batch size", "concurrency", "pool size",
               "added", "already stored", "rejected", "speed", "in the store now"),
    "Search": ("hybrid", "vector", "fts", "score", "scope", "memory type", "metadata filters", "rank", "memory",
               "metadata", "history", "ADD", "UPDATE", "DELETE", "actor"),
    "Memories": ("memory", "scope", "user", "agent", "run", "memory type", "metadata", "memory id",
                 "history", "ADD", "UPDATE", "DELETE", "embedding", "core blocks", "persona", "human", "export"),
    "Benchmarks": ("phase", "p0", "p1", "p2a", "p2b", "p2c", "p3", "embed-only", "plain-embed", "storage-only",
                   "reference rows", "Mem0", "memory", "repetitions", "batch size", "concurrency", "pool size",
                   "ops/s", "wall time", "stage seconds", "p50", "p95", "stored", "x ceiling", "CPU ms per memory",
                   "sweep", "load average", "under load"),
    "Retrieval": ("LoCoMo", "k", "search mode", "vector", "fts", "hybrid", "recall@k", "top-1", "MRR", "nDCG",
                  "session hit@5", "question category", "evidence", "p50", "p95", "fold", "train score", "path",
                  "row", "setting", "calibrated", "minmax", "rrf", "vector weight", "candidates", "turn evidence",
                  "vector centering", "ops/s"),
    "Scale": ("system", "Mem0 on pgvector", "store size", "hybrid", "vector", "fts", "p50", "p95", "bulk ingest",
              "single add", "sequential adds", "right after ingest", "upkeep", "upkeep settled", "freshness",
              "agent loop", "operations/s", "disk per memory", "peak memory", "writer wait", "verify",
              "load average", "under load"),
    "Storage": ("records", "schema version", "vectors", "history events", "scope", "table version",
                "versions kept", "data files", "small data files", "index", "upkeep", "embedder", "verify", "repair"),
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
