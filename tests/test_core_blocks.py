"""Core persona/human blocks per user/agent, with a character limit."""

from __future__ import annotations

import pytest

from agentmem import InvalidInputError


def test_empty_block_by_default(mem):
    block = mem.core.get("human", user_id="alice")
    assert block.value == "" and block.limit == mem.config.core_block_limit and block.updated_at is None


def test_replace_append_and_scopes(mem):
    mem.core.replace("persona", "A patient tutor.", agent_id="tutor")
    mem.core.append("persona", "Speaks French.", agent_id="tutor")
    mem.core.append("human", "Name: Alice", user_id="alice", agent_id="tutor")
    assert mem.core.get("persona", agent_id="tutor").value == "A patient tutor.\nSpeaks French."
    assert mem.core.get("human", user_id="alice", agent_id="tutor").value == "Name: Alice"
    assert mem.core.get("human", user_id="alice").value == ""  # another scope
    labels = {(b.label, b.user_id, b.agent_id) for b in mem.core.list()}
    assert labels == {("persona", None, "tutor"), ("human", "alice", "tutor")}


def test_char_limit_is_enforced_and_nothing_is_cut(mem):
    mem.core.set_limit("human", 20, user_id="bob")
    mem.core.replace("human", "Bob, 34, chemist.", user_id="bob")
    with pytest.raises(InvalidInputError, match="limit"):
        mem.core.append("human", "Lives in Lyon.", user_id="bob")
    assert mem.core.get("human", user_id="bob").value == "Bob, 34, chemist."
    with pytest.raises(InvalidInputError, match="limit"):
        mem.core.set_limit("human", 5, user_id="bob")
    with pytest.raises(InvalidInputError, match="value"):
        mem.core.replace("human", "x" * 21, user_id="bob")


def test_bad_labels_and_values(mem):
    with pytest.raises(InvalidInputError, match="label"):
        mem.core.get("system", user_id="x")
    with pytest.raises(InvalidInputError, match="value"):
        mem.core.replace("human", 42, user_id="x")
    with pytest.raises(InvalidInputError, match="text"):
        mem.core.append("human", "   ", user_id="x")


def test_hostile_scope_ids_do_not_collide(mem):
    mem.core.replace("human", "first", user_id='a", "b')
    mem.core.replace("human", "second", user_id="a", agent_id="b")
    assert mem.core.get("human", user_id='a", "b').value == "first"
    assert mem.core.get("human", user_id="a", agent_id="b").value == "second"


async def test_async_core_blocks(amem):
    await amem.core.append("human", "Likes tea", user_id="u")
    assert (await amem.core.get("human", user_id="u")).value == "Likes tea"
