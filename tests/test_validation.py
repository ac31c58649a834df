"""Bad input: a typed error naming the field, and nothing written."""

from __future__ import annotations

import pytest

from agentmem import AgentMemError, InvalidInputError, MemoryConfig


def assert_rejected(call, field):
    with pytest.raises(InvalidInputError) as info:
        call()
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, AgentMemError)
    assert err.field == field, f"expected field {field!r}, got {err.field!r}: {err}"
    assert field in str(err)
    return err


@pytest.mark.parametrize("content", ["", "   ", "\n\t", None, 42, b"bytes", ["a list"]])
def test_add_rejects_bad_content(mem, content):
    assert_rejected(lambda: mem.add(content, user_id="u"), "content")
    assert mem.count() == 0


@pytest.mark.parametrize(
    "metadata, field",
    [
        ("not a dict", "metadata"),
        ([("k", "v")], "metadata"),
        ({"when": object()}, "metadata"),
        ({1: "int key"}, "metadata"),
        ({"x": float("nan")}, "metadata"),
    ],
)
def test_add_rejects_bad_metadata(mem, metadata, field):
    assert_rejected(lambda: mem.add("fine text", user_id="u", metadata=metadata), field)
    assert mem.count() == 0


def test_batch_with_one_bad_item_writes_nothing(mem):
    mem.add("already here", user_id="u")
    assert_rejected(lambda: mem.add_batch(["good one", "  ", "good two"], user_id="u"), "content[1]")
    assert_rejected(lambda: mem.add_batch(["good one", 7], user_id="u"), "content[1]")
    assert_rejected(
        lambda: mem.add_batch(["good one", "good two"], user_id="u", metadata=[{}, {"bad": {1, 2}}]), "metadata[1]"
    )
    assert [r.content for r in mem.get_all(user_id="u")] == ["already here"]
    assert mem.verify().ok and mem.verify().vectors == 1


def test_metadata_list_length_must_match(mem):
    assert_rejected(lambda: mem.add_batch(["a", "b", "c"], user_id="u", metadata=[{}, {}]), "metadata")
    assert mem.count() == 0


def test_texts_must_be_a_list(mem):
    assert_rejected(lambda: mem.add_batch("one string", user_id="u"), "texts")
    assert_rejected(lambda: mem.add_batch(None, user_id="u"), "texts")


@pytest.mark.parametrize("user_id", ["", "  ", 5, "x" * 600])
def test_bad_scope_ids(mem, user_id):
    assert_rejected(lambda: mem.add("text", user_id=user_id), "user_id")


@pytest.mark.parametrize("query", ["", "   ", None, 3])
def test_empty_or_non_string_query(mem, query):
    assert_rejected(lambda: mem.search(query, user_id="u"), "query")


@pytest.mark.parametrize("limit", [0, -1, 10**9, "10", 2.5, True])
def test_bad_limit(mem, limit):
    assert_rejected(lambda: mem.search("q", limit=limit), "limit")
    assert_rejected(lambda: mem.get_all(limit=limit), "limit")


def test_bad_offset_mode_threshold(mem):
    assert_rejected(lambda: mem.get_all(offset=-1), "offset")
    assert_rejected(lambda: mem.search("q", mode="semantic"), "mode")
    assert_rejected(lambda: mem.search("q", threshold="high"), "threshold")
    assert_rejected(lambda: mem.search("q", threshold=float("inf")), "threshold")


@pytest.mark.parametrize(
    "filters, field",
    [
        ("topic=food", "filters"),
        ({"created_at": "2024-01-01"}, "filters.created_at"),
        ({"created_at": {"after": "2024-01-01"}}, "filters.created_at.after"),
        ({"created_at": {"gte": "not a date"}}, "filters.created_at.gte"),
        ({"topic": {"like": "f%"}}, "filters.topic.like"),
        ({"topic": {"in": []}}, "filters.topic.in"),
        ({"topic": {"nested": "dict"}}, "filters.topic.nested"),
        ({"topic": ["a", "list"]}, "filters.topic"),
        ({"memory_type": 3}, "filters.memory_type"),
        ({"": "empty key"}, "filters"),
    ],
)
def test_unknown_or_malformed_filters(mem, filters, field):
    assert_rejected(lambda: mem.search("q", filters=filters), field)
    assert_rejected(lambda: mem.get_all(filters=filters), field)


def test_scope_given_twice(mem):
    assert_rejected(lambda: mem.search("q", user_id="a", filters={"user_id": "b"}), "filters.user_id")


def test_update_needs_something_and_a_real_id(mem):
    from agentmem import NotFoundError

    r = mem.add("to update", user_id="u")
    assert_rejected(lambda: mem.update(r.id), "content")
    assert_rejected(lambda: mem.update(r.id, content="   "), "content")
    assert_rejected(lambda: mem.update("", content="x"), "memory_id")
    with pytest.raises(NotFoundError):
        mem.update("no-such-id", content="x")
    with pytest.raises(NotFoundError):
        mem.delete("no-such-id")
    assert mem.get(r.id).content == "to update"


def test_delete_all_needs_a_scope(mem):
    mem.add("keep me", user_id="u")
    assert_rejected(lambda: mem.delete_all(), "user_id")
    assert mem.count() == 1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"pool_size": 0}, "pool_size"),
        ({"embed_batch_size": -3}, "embed_batch_size"),
        ({"chunk_size": "big"}, "chunk_size"),
        ({"search_mode": "semantic"}, "search_mode"),
        ({"pipeline": "yes"}, "pipeline"),
        ({"records_url": "postgres://x"}, "records_url"),
        ({"embed_threads": 0}, "embed_threads"),
    ],
)
def test_config_validation(kwargs, field):
    assert_rejected(lambda: MemoryConfig(**kwargs), field)


def test_config_accepts_remote_libsql_urls():
    for url in ("libsql://db.example.org", "https://db.example.org", "ws://127.0.0.1:8080", "file:/tmp/x.db"):
        assert MemoryConfig(records_url=url).resolved_records_url == url
    assert MemoryConfig().resolved_records_url.startswith("file:")
    assert_rejected(lambda: MemoryConfig().replace(no_such_knob=1), "no_such_knob")
