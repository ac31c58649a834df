"""A memory's context: searched by full text, never stored as its content, checked on the way in;
older vector tables get the search_text column on open; hybrid fusion methods."""

from __future__ import annotations

import lancedb
import pytest
from lancedb.index import FTS

from agentmem import Memory, MemoryConfig
from agentmem.errors import InvalidInputError
from agentmem.fusion import adaptive_weight, confidence, fuse
from agentmem.storage.lance import FTS_COLUMN, TABLE


def test_context_is_searched_by_full_text_and_content_stays_the_users_text(mem):
    mem.add("Yes, last Tuesday!", user_id="u", context="Melanie: Did you go to the pottery class?")
    mem.add_batch(["I like tea", "It barked all night"], user_id="u", contexts=[None, "What kept you awake?"])
    hits = mem.search("pottery class", user_id="u", mode="fts")
    assert [h.content for h in hits] == ["Yes, last Tuesday!"]
    assert [h.content for h in mem.search("kept awake", user_id="u", mode="fts")] == ["It barked all night"]
    # the record, get() and export hold the user's text alone
    stored = {m.content for m in mem.get_all(user_id="u")}
    assert stored == {"Yes, last Tuesday!", "I like tea", "It barked all night"}
    # the vector is of the content alone: the exact text scores ~1 in vector search (0.97-1.0:
    # the query's vector comes from the int8 graph, the stored one from the float graph)
    top = mem.search("Yes, last Tuesday!", user_id="u", mode="vector")[0]
    assert top.content == "Yes, last Tuesday!" and top.score == pytest.approx(1.0, abs=0.02)


def test_same_text_with_another_context_is_the_same_memory(mem):
    first = mem.add("I went hiking", user_id="u", context="Saturday")
    again = mem.add("I went hiking", user_id="u", context="Sunday")
    assert again.event == "NOOP" and again.id == first.id


@pytest.mark.parametrize("call, field", [
    (lambda m: m.add("x", user_id="u", context=3), "context"),
    (lambda m: m.add("x", user_id="u", context="a\x00b"), "context"),
    (lambda m: m.add("x", user_id="u", context="y" * 10_001), "context"),
    (lambda m: m.add_batch(["a", "b"], user_id="u", contexts=["one"]), "contexts"),
    (lambda m: m.add_batch(["a"], user_id="u", contexts="one"), "contexts"),
    (lambda m: m.add_batch(["a", "b"], user_id="u", contexts=[None, 5]), "contexts[1]"),
    (lambda m: m.add_many([{"texts": ["a"], "contexts": [1]}], user_id="u"), "batches[0].contexts[0]"),
])
def test_bad_context_is_a_named_error_and_nothing_is_stored(mem, call, field):
    with pytest.raises(InvalidInputError) as err:
        call(mem)
    assert err.value.field == field
    assert mem.count() == 0


def test_blank_context_means_none(mem):
    mem.add("I like tea", user_id="u", context="   ")
    assert [h.content for h in mem.search("tea", user_id="u", mode="fts")] == ["I like tea"]


def test_an_older_table_without_search_text_is_migrated_on_open(tmp_path):
    """A store written before search_text existed: the column is added from content and the
    full-text index moves to it; every row stays."""
    config = MemoryConfig(data_dir=tmp_path / "store")
    with Memory(config) as mem:
        mem.add_batch(["Alice's cat is called Miso", "Bob plays the cello"], user_id="u")
    db = lancedb.connect(str(config.vectors_path))
    table = db.open_table(TABLE)
    # make it look like an old table: no search_text, the FTS index on content
    old = table.to_arrow().drop_columns([FTS_COLUMN])
    db.drop_table(TABLE)
    table = db.create_table(TABLE, old)
    table.create_index("content", config=FTS(with_position=False))
    assert FTS_COLUMN not in table.schema.names
    with Memory(config) as mem:
        assert mem.count() == 2
        assert [h.content for h in mem.search("cello", user_id="u", mode="fts")] == ["Bob plays the cello"]
        mem.add("Carol sings", user_id="u", context="who plays the cello?")
        assert {h.content for h in mem.search("cello", user_id="u", mode="fts")} == {"Bob plays the cello", "Carol sings"}
    table = lancedb.connect(str(config.vectors_path)).open_table(TABLE)
    rows = {r["content"]: r[FTS_COLUMN] for r in table.to_arrow().select(["content", FTS_COLUMN]).to_pylist()}
    assert rows["Alice's cat is called Miso"] == "Alice's cat is called Miso"
    assert rows["Carol sings"] == "who plays the cello?\nCarol sings"
    fts = [i for i in table.list_indices() if i.index_type == "FTS"]
    assert [list(i.columns) for i in fts] == [[FTS_COLUMN]]
    with Memory(config) as mem:  # opening again changes nothing
        assert mem.count() == 3


# --------------------------------------------------------------------------- fusion


def rows(*pairs):
    return [{"id": i, "score": s} for i, s in pairs]


def test_confidence_is_how_far_the_best_stands_out():
    assert confidence(rows(("a", 1.0))) == 0.0
    assert confidence(rows(("a", 1.0), ("b", 1.0), ("c", 1.0))) == 0.0
    # one clear winner: (1 - mean(1, 0, 0)) / (1 - 0) = 2/3
    assert confidence(rows(("a", 1.0), ("b", 0.0), ("c", 0.0))) == pytest.approx(2 / 3)
    # evenly spread: (1 - 0.5) / 1
    assert confidence(rows(("a", 1.0), ("b", 0.5), ("c", 0.0))) == pytest.approx(0.5)


def test_adaptive_weight_moves_to_the_confident_side():
    sure = rows(("a", 1.0), ("b", 0.0), ("c", 0.0))
    flat = rows(("x", 1.0), ("y", 0.95), ("z", 0.9))
    w = 0.4
    assert adaptive_weight(sure, flat, w) > w  # vector side confident: its weight rises
    assert adaptive_weight(flat, sure, w) < w
    assert adaptive_weight(sure, sure, w) == pytest.approx(w)
    assert adaptive_weight(sure, [], w) == 1.0 and adaptive_weight([], sure, w) == 0.0


def test_fuse_follows_the_config():
    vec = rows(("a", 0.9), ("b", 0.5), ("c", 0.1))
    fts = rows(("c", 12.0), ("d", 3.0))
    mm = fuse(vec, fts, config=MemoryConfig(hybrid_fusion="minmax", hybrid_vector_weight=0.4), limit=10)
    assert [r["id"] for r in mm] == ["c", "a", "b", "d"]  # c: 0 + .6, a: .4, b: .2, d: 0
    rrf = fuse(vec, fts, config=MemoryConfig(hybrid_fusion="rrf", rrf_k=1), limit=2)
    assert [r["id"] for r in rrf] == ["c", "a"]  # c: 1/4 + 1/2
    ad = fuse(vec, fts, config=MemoryConfig(hybrid_fusion="adaptive"), limit=10)
    assert {r["id"] for r in ad} == {"a", "b", "c", "d"}
    assert ad[0]["score"] >= ad[-1]["score"]
    with pytest.raises(InvalidInputError) as err:
        MemoryConfig(hybrid_fusion="max")
    assert err.value.field == "hybrid_fusion"


def test_adaptive_fusion_in_search(tmp_path):
    with Memory(MemoryConfig(data_dir=tmp_path / "s", hybrid_fusion="adaptive")) as mem:
        mem.add_batch(["Alice's cat is called Miso", "Bob plays the cello", "Carol bakes bread"], user_id="u")
        assert mem.search("what is the name of alice's cat", user_id="u")[0].content == "Alice's cat is called Miso"
