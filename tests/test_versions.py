"""Version tracking of other writers (storage/versions.py): two vector stores on one table,
as two processes would hold it. What one writes reaches the other's loaded scope blocks
(appends are read back and added; updates and deletes drop only the blocks they touch);
a store's own writes and its own upkeep are never taken for another writer's.

Storage logic: real LanceDB in a temp dir, stand-in vectors (tests/standin.py)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from standin import HashEmbedder

from agentmem.storage import versions
from agentmem.storage.base import NewMemory
from agentmem.storage.lance import VectorStore

U = (("user_id", "u"),)
V = (("user_id", "v"),)


def _memories(texts: list[str], user: str) -> list[NewMemory]:
    now = datetime.now(UTC)
    return [
        NewMemory(id=uuid.uuid4().hex, content=t, hash=hashlib.sha256(f"{user}\x1f{t}".encode()).hexdigest(),
                  user_id=user, agent_id=None, run_id=None, memory_type="semantic", created_at=now)
        for t in texts
    ]


async def _add(store: VectorStore, texts: list[str], user: str) -> list[NewMemory]:
    items = _memories(texts, user)
    await store.add(items, await HashEmbedder().embed(texts))
    return items


async def _open(path: Path) -> VectorStore:
    # no background upkeep: every commit in these tests is one the test made
    return await VectorStore.open(path, 384, compact_every=10_000, ann_min_rows=10**9, upkeep=False)


@pytest.fixture
async def pair(tmp_path: Path) -> AsyncIterator[tuple[VectorStore, VectorStore]]:
    """Store ``a`` writes; store ``b`` holds the blocks of users u and v (30 rows each)."""
    a = await _open(tmp_path / "v")
    await _add(a, [f"harbour note {i} about ropes" for i in range(30)], "u")
    await _add(a, [f"orchard note {i} about pears" for i in range(30)], "v")
    b = await _open(tmp_path / "v")
    for key in (U, V):
        assert (await b.scopes.block(key)).rows == 30
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_another_stores_append_reaches_the_loaded_block(pair) -> None:
    a, b = pair
    new = await _add(a, ["the lighthouse keeper collects sea glass", "a second new row"], "u")
    misses = b.scopes.misses
    await b.versions.check_now()
    assert b.scopes.rows_of(U) == 32 and b.scopes.rows_of(V) == 30
    assert b.foreign_rows == 2 and b.scopes.foreign_drops == 0 and b.scopes.misses == misses
    vec = (await HashEmbedder().embed(["lighthouse keeper sea glass"]))[0]
    hits = await b.search_vector(vec, "user_id = 'u'", 1, U)
    assert hits[0]["id"] == new[0].id
    await b.versions.check_now()  # nothing new: nothing added twice
    assert b.scopes.rows_of(U) == 32 and b.foreign_rows == 2


async def test_own_writes_are_not_another_writers(pair) -> None:
    _, b = pair
    await _add(b, ["a note the holder of the blocks wrote"], "u")
    assert b.scopes.rows_of(U) == 31  # added by the write itself
    await b.versions.check_now()
    assert b.scopes.rows_of(U) == 31 and b.foreign_rows == 0 and b.scopes.foreign_drops == 0


async def test_another_stores_delete_drops_only_the_scope_it_touched(pair) -> None:
    a, b = pair
    [gone] = await _add(a, ["a note about to be deleted"], "u")
    await b.versions.check_now()
    assert b.scopes.rows_of(U) == 31
    await a.delete_ids([gone.id])
    await b.versions.check_now()
    assert U not in b.scopes.loaded_scopes and V in b.scopes.loaded_scopes
    assert b.scopes.foreign_drops == 0
    assert gone.id not in (await b.scopes.block(U)).ids().to_pylist()  # reloaded without it


async def _update_one(a: VectorStore, rows: int) -> NewMemory:
    """Store ``a`` adds ``rows`` memories of u in one append, then updates the first."""
    row = (await _add(a, [f"the keeper collects sea glass {i}" for i in range(rows)], "u"))[0]
    changed = NewMemory(id=row.id, content="the keeper collects driftwood", hash=row.hash + "x", user_id="u",
                        agent_id=None, run_id=None, memory_type="semantic", created_at=row.created_at)
    await a.upsert([changed], await HashEmbedder().embed([changed.content]))
    return changed


async def test_another_stores_update_drops_only_the_scope_it_touched(pair) -> None:
    a, b = pair
    changed = await _update_one(a, rows=2)
    await b.versions.check_now()
    assert U not in b.scopes.loaded_scopes and V in b.scopes.loaded_scopes
    blk = await b.scopes.block(U)
    hits = b.scopes.fts(blk, "driftwood", 1)
    assert hits[0]["id"] == changed.id and hits[0]["content"] == "the keeper collects driftwood"


async def test_another_stores_update_of_a_row_alone_in_its_fragment_drops_its_scope(pair) -> None:
    # the update replaces a one-row fragment with another one-row fragment: the version's
    # row counts do not move, so only the rows' ids tell what it rewrote
    a, b = pair
    changed = await _update_one(a, rows=1)
    await b.versions.check_now()
    assert U not in b.scopes.loaded_scopes and V in b.scopes.loaded_scopes
    blk = await b.scopes.block(U)
    hits = b.scopes.fts(blk, "driftwood", 1)
    assert hits[0]["id"] == changed.id and hits[0]["content"] == "the keeper collects driftwood"


async def test_another_stores_optimize_keeps_the_blocks(pair) -> None:
    # another process's upkeep (old versions kept): it commits versions that keep every row
    # where it was, one of them with counts that do not move at all
    a, b = pair
    await a.table.optimize()
    await b.versions.check_now()
    assert {U, V} <= b.scopes.loaded_scopes and b.scopes.foreign_drops == 0


async def test_own_upkeep_keeps_the_blocks(pair) -> None:
    a, b = pair
    await _add(b, [f"more harbour notes {i}" for i in range(5)], "u")
    await b.compact()  # compaction and index update commit versions of their own
    await b.versions.check_now()
    assert {U, V} <= b.scopes.loaded_scopes and b.scopes.foreign_drops == 0
    assert b.scopes.rows_of(U) == 35 and b.foreign_rows == 0
    await _add(a, ["one more from the other writer"], "v")  # and another writer is still seen
    await b.versions.check_now()
    assert b.scopes.rows_of(V) == 31 and b.foreign_rows == 1


async def test_more_foreign_rows_than_a_check_reads_drop_every_block(pair, monkeypatch) -> None:
    a, b = pair
    monkeypatch.setattr(versions, "FOREIGN_READ_MAX", 5)
    await _add(a, [f"bulk note {i}" for i in range(10)], "u")
    await b.versions.check_now()
    assert not b.scopes.loaded_scopes and b.scopes.foreign_drops == 1
    assert (await b.scopes.block(U)).rows == 40  # reloaded on the next search, whole


async def test_a_search_runs_a_check_once_it_is_due(pair) -> None:
    a, b = pair
    await _add(a, ["the lighthouse keeper"], "v")
    b.scopes.last_check = 0.0  # a check is due
    vec = np.asarray((await HashEmbedder().embed(["lighthouse keeper"]))[0])
    hits = await b.search_vector(vec, "user_id = 'v'", 1, V)
    assert hits[0]["content"] == "the lighthouse keeper" and b.foreign_rows == 1
