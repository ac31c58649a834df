"""Hostile strings are data: no engine error, no rows from another user, exact filters."""

from __future__ import annotations

import pytest

from agentmem.storage.filters import parse_filters, to_lance, to_sql

HOSTILE = [
    "x' OR '1'='1",
    "alice' OR 1=1 --",
    "'; DROP TABLE memories; --",
    'double " quote',
    "back\\slash\\' mix",
    "unicode ☃ ' 名前",
    "%_ wildcard",
]


@pytest.mark.parametrize("evil", HOSTILE)
def test_hostile_user_ids_and_filters_are_just_data(standin_mem, evil):
    mem = standin_mem
    victim = mem.add("victim secret: the vault code is 1234", user_id="alice", metadata={"topic": "secret"})
    mine = mem.add(f"my note mentions {evil}", user_id=evil, metadata={"topic": evil, evil: evil})
    for mode in ("vector", "fts", "hybrid"):
        hits = mem.search(f"vault code {evil}", user_id=evil, mode=mode)
        assert {h.user_id for h in hits} <= {evil}
        assert victim.id not in {h.id for h in hits}
    assert [h.id for h in mem.search("note", filters={"topic": evil}, mode="vector")] == [mine.id]
    assert [h.id for h in mem.search("note", filters={evil: evil}, mode="vector")] == [mine.id]
    assert [r.id for r in mem.get_all(user_id=evil)] == [mine.id]
    assert [r.id for r in mem.get_all(filters={"topic": evil})] == [mine.id]
    assert mem.count(user_id=evil) == 1
    assert mem.get(evil) is None
    assert mem.delete_all(user_id=evil) == 1
    assert mem.get(victim.id) is not None and mem.count() == 1
    assert mem.verify().ok


def test_lance_filter_for_hostile_input_is_pinned():
    conds = parse_filters({"topic": "a'b", "memory_type": "x' OR '1'='1"}, user_id="'; DROP TABLE memories; --")
    assert to_lance(conds) == (
        "user_id = '''; DROP TABLE memories; --' "
        "AND array_has_any(meta_kv, ['topic=\"a''b\"']) "
        "AND memory_type = 'x'' OR ''1''=''1'"
    )


def test_sql_filter_binds_every_value():
    conds = parse_filters({"topic": "a'b", "created_at": {"gte": "2024-01-01"}}, user_id="x' OR 1=1")
    sql, args = to_sql(conds)
    assert "x' OR 1=1" not in sql and "a'b" not in sql
    assert sql.count("?") == len(args)
    assert args[0] == "x' OR 1=1" and "a'b" in args
