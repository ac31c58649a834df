"""Scope blocks (storage/scopes.py): int8 vectors rank like float32, writes fold their rows
into the blocks so a search never tokenizes or merges, and rows are kept once per id.

Storage logic: stand-in vectors and hand-made Arrow rows. On real model vectors (LoCoMo dev
turns, one scope per conversation, its 997 questions) int8 recall@10 against float32 was
0.997: ``python experiments/scale_probe.py --recall ../shared/data/locomo_dev.json``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from parts import catch_stores

from agentmem import AsyncMemory, MemoryConfig
from agentmem.storage import blocks, kernels, scopes
from agentmem.storage.scopes import FOLD_ROWS, ScopeIndex, quantize


@pytest.fixture
def opened(monkeypatch):
    """The vector stores the Memories under test open, in order (parts.py)."""
    return catch_stores(monkeypatch)

DIM = 384
KEY = (("user_id", "u"),)


def _count_tokenize(monkeypatch) -> list[str]:
    """Record every text tokenized from here on (where blocks are built, where they are searched)."""
    calls: list[str] = []
    real = scopes.tokenize
    for module in (blocks, kernels):
        monkeypatch.setattr(module, "tokenize", lambda t: calls.append(t) or real(t))
    return calls


def _rows(ids: list[str], user: str = "u", contents: list[str] | None = None) -> pa.Table:
    n = len(ids)
    return pa.table({
        "id": ids, "content": contents or [f"text {i}" for i in ids], "user_id": [user] * n,
        "agent_id": pa.nulls(n, pa.string()), "run_id": pa.nulls(n, pa.string()),
        "memory_type": ["semantic"] * n, "metadata": ["{}"] * n, "created_at": pa.array([0] * n, pa.int64()),
    })


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


async def test_int8_codes_rank_like_float32() -> None:
    """Recall@10 of the int8 block against exact float32 search, on stand-in vectors of
    2,000 texts (tie-aware: a hit scoring as high as the exact 10th counts)."""
    from standin import HashEmbedder

    rng = np.random.default_rng(7)
    vocab = [f"w{i}" for i in range(400)]
    texts = [" ".join(vocab[j] for j in rng.integers(0, 400, rng.integers(4, 12))) for _ in range(2000)]
    emb = HashEmbedder()
    vecs = await emb.embed(texts)
    queries = await emb.embed([" ".join(vocab[j] for j in rng.integers(0, 400, 3)) for _ in range(200)])
    ids = [f"m{i}" for i in range(len(vecs))]

    async def load(key):
        return _rows(ids), vecs, texts

    idx = ScopeIndex(load)
    blk = await idx.block(KEY)
    assert blk is not None and blk.main.codes.dtype == np.int8
    found = 0
    for q in queries:
        exact = vecs @ q
        tenth = np.sort(exact)[-10]
        got = [int(r["id"][1:]) for r in ScopeIndex.vector(blk, q, 10)]
        found += sum(exact[i] >= tenth - 1e-6 for i in got)
    assert found / (10 * len(queries)) >= 0.99
    codes, scale = quantize(vecs[:5])
    assert np.abs(codes.astype(np.float32) * scale[:, None] - vecs[:5]).max() <= scale.max() / 2 + 1e-7
    assert blk.main.codes.nbytes + blk.main.scale.nbytes < vecs.astype(np.float16).nbytes * 0.6


async def test_added_rows_are_folded_by_the_write_not_the_search(monkeypatch) -> None:
    rng = np.random.default_rng(1)
    base = [f"b{i}" for i in range(50)]

    async def load(key):
        return _rows(base), _unit(rng, 50), [f"base row {i} about kettles" for i in range(50)]

    idx = ScopeIndex(load)
    blk = await idx.block(KEY)
    assert blk is not None
    # a bulk write: folded into the main segment by the write itself
    big = [f"n{i}" for i in range(FOLD_ROWS + 10)]
    idx.added(_rows(big), _unit(rng, len(big)), [f"new row {i} about teapots" for i in big])
    assert blk.tail is None and blk.main.n == 50 + len(big)
    # a single write: kept in the small tail, searched beside the main segment
    idx.added(_rows(["solo"]), _unit(rng, 1), ["the lone heron"])
    assert blk.tail is not None and blk.tail.n == 1

    calls = _count_tokenize(monkeypatch)
    main, tail = blk.main, blk.tail
    hits = idx.fts(await idx.block(KEY), "heron", 5)
    assert [h["id"] for h in hits] == ["solo"]
    assert {h["id"] for h in idx.fts(blk, "teapots", 500)} == set(big)
    assert len(ScopeIndex.vector(blk, _unit(rng, 1)[0], 1000)) == blk.rows == 50 + len(big) + 1
    assert calls == ["heron", "teapots"]  # only the queries were tokenized
    assert blk.main is main and blk.tail is tail  # and nothing merged


async def test_rows_are_kept_once_per_id() -> None:
    rng = np.random.default_rng(2)

    async def load(key):
        return _rows(["a", "b"]), _unit(rng, 2), ["alpha", "beta"]

    async def load_either(key):
        return await load(key) if key == KEY else (_rows(["x"], user="v"), _unit(rng, 1), ["ex"])

    idx = ScopeIndex(load_either)
    blk = await idx.block(KEY)
    # rows read back from another process's commit that the block already holds
    assert idx.added(_rows(["b", "c", "c"]), _unit(rng, 3), ["beta", "gamma", "gamma"], known=True) == 1
    assert sorted(blk.ids().to_pylist()) == ["a", "b", "c"]
    # a row of another scope reaches no block; dropping by rows drops only their scope
    other = (("user_id", "v"),)
    kept = await idx.block(other)
    assert idx.drop_scopes_of(_rows(["c"])) == 1
    assert KEY not in idx.loaded_scopes and other in idx.loaded_scopes
    assert idx.stats()["bytes"] == kept.nbytes()


async def test_rows_written_while_a_block_loads_or_builds_are_in_it(monkeypatch) -> None:
    """A block is read from LanceDB, then tokenized in a worker thread; rows committed
    during either step reach the block, once each, and count in the full-text statistics."""
    import asyncio
    import threading

    rng = np.random.default_rng(3)
    read = asyncio.Event()
    entered, release = threading.Event(), threading.Event()
    real = scopes.segment

    async def load(key):
        await read.wait()
        return _rows(["a"]), _unit(rng, 1), ["alpha"]

    def slow_segment(cols, vecs, texts):
        if threading.current_thread() is not threading.main_thread():  # the build, not a write
            entered.set()
            assert release.wait(10)
        return real(cols, vecs, texts)

    monkeypatch.setattr(scopes, "segment", slow_segment)
    idx = ScopeIndex(load)
    task = asyncio.ensure_future(idx.block(KEY))
    await asyncio.sleep(0)
    idx.added(_rows(["b"]), _unit(rng, 1), ["bravo heron"])  # during the read
    read.set()
    for _ in range(500):
        if entered.is_set():
            break
        await asyncio.sleep(0.01)
    assert entered.is_set()
    idx.added(_rows(["c", "b"]), _unit(rng, 2), ["charlie heron", "bravo heron"])  # during the build
    release.set()
    blk = await task
    assert sorted(blk.ids().to_pylist()) == ["a", "b", "c"]
    assert {h["id"] for h in idx.fts(blk, "heron", 10)} == {"b", "c"}
    assert idx.stats()["rows"] == 3


async def test_bulk_add_then_search_finds_every_row_without_folding(tmp_path: Path, monkeypatch) -> None:
    from standin import HashEmbedder

    mem = await AsyncMemory.open(MemoryConfig(data_dir=tmp_path / "s"), embedder=HashEmbedder())
    await mem.add_batch([f"older note {i} about gardens" for i in range(20)], user_id="u")
    await mem.search("gardens", user_id="u", mode="hybrid")  # load the block
    res = await mem.add_batch([f"fresh note {i} about the quillon heron" for i in range(FOLD_ROWS)], user_id="u")
    calls = _count_tokenize(monkeypatch)
    fresh = {r.id for r in res}
    assert {h.id for h in await mem.search("quillon heron", user_id="u", mode="fts", limit=2 * FOLD_ROWS)} == fresh
    for mode in ("vector", "hybrid"):
        hits = await mem.search("quillon heron", user_id="u", mode=mode, limit=10)
        assert len(hits) == 10 and {h.id for h in hits} <= fresh, mode
    assert len(calls) <= 2  # the query text, for fts and hybrid: no stored row was tokenized
    await mem.close()


@pytest.mark.parametrize("n", [0, 1, 3])
def test_quantize_shapes(n: int) -> None:
    codes, scale = quantize(np.ones((n, 4), np.float32))
    assert codes.shape == (n, 4) and scale.shape == (n,)


async def test_another_writers_rows_reach_loaded_blocks_without_a_reload(tmp_path: Path, opened) -> None:
    """Two handles on one store stand for two processes: each sees the other's commits as
    foreign versions (its own are the versions its writes returned)."""
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "shared")
    a = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    b = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    await a.add_batch([f"harbour note {i} about ropes" for i in range(30)], user_id="u")
    await a.add_batch([f"orchard note {i} about pears" for i in range(30)], user_id="v")
    av, bv = opened.vectors  # a's store, then b's
    await av.flush()
    await bv.refresh()
    for user in ("u", "v"):  # b loads both blocks
        assert len(await b.search("note", user_id=user, mode="vector", limit=100)) == 30
    misses, foreign = bv.scopes.misses, bv.foreign_rows

    # an add in "a": read back by "b" and added to the loaded block, nothing reloaded
    # (a batch appends before add_batch returns; a single add may be written behind)
    r, _ = await a.add_batch(["the lighthouse keeper collects sea glass", "a second new row"], user_id="u")
    await av.flush()
    await bv.refresh()
    for mode in ("vector", "fts", "hybrid"):
        hits = await b.search("lighthouse keeper sea glass", user_id="u", mode=mode, limit=3)
        assert hits and hits[0].id == r.id, mode
    assert len(await b.search("note", user_id="u", mode="vector", limit=100)) == 32
    assert bv.scopes.misses == misses and bv.scopes.foreign_drops == 0 and bv.foreign_rows == foreign + 2

    # an update in "a": the block of its scope is dropped, the other one is kept
    await a.update(r.id, "the lighthouse keeper collects driftwood")
    await bv.refresh()
    assert (("user_id", "v"),) in bv.scopes.loaded_scopes and (("user_id", "u"),) not in bv.scopes.loaded_scopes
    hits = await b.search("lighthouse keeper driftwood", user_id="u", mode="fts", limit=3)
    assert hits[0].id == r.id and hits[0].content == "the lighthouse keeper collects driftwood"

    # a delete in "a": only the block of the deleted memory's scope is dropped
    await b.search("lighthouse", user_id="u", mode="fts")  # loaded again
    await a.delete(r.id)
    await bv.refresh()
    assert (("user_id", "v"),) in bv.scopes.loaded_scopes and (("user_id", "u"),) not in bv.scopes.loaded_scopes
    assert bv.scopes.foreign_drops == 0
    for mode in ("vector", "fts", "hybrid"):
        hits = await b.search("lighthouse keeper driftwood", user_id="u", mode=mode, limit=40)
        assert r.id not in {h.id for h in hits}, mode
    assert len(await b.search("note", user_id="v", mode="vector", limit=100)) == 30
    await a.close()
    await b.close()


async def test_a_terms_idf_is_the_smaller_of_the_scopes_and_the_stores() -> None:
    rng = np.random.default_rng(3)
    data = {
        "u": (["a", "b", "c"], ["the blue kettle", "a green teapot", "an old stove"]),
        "v": ([f"v{i}" for i in range(40)], [f"kettle number {i}" for i in range(40)]),
    }

    async def load(key):
        ids, texts = data[key[0][1]]
        return _rows(ids, user=key[0][1]), _unit(rng, len(ids)), texts

    idx = ScopeIndex(load)
    alone = idx.fts(await idx.block(KEY), "kettle", 3)
    assert [h["id"] for h in alone] == ["a"] and 0.0 < alone[0]["score"] <= 1.0
    # "kettle" is rare in "u" but in most rows of the store once "v" is loaded: weak evidence
    await idx.block((("user_id", "v"),))
    shared = idx.fts(await idx.block(KEY), "kettle", 3)
    assert [h["id"] for h in shared] == ["a"] and shared[0]["score"] < alone[0]["score"] / 4
    # in "v" every row holds "kettle": it tells the rows apart by nothing but length
    common = idx.fts(await idx.block((("user_id", "v"),)), "kettle", 50)
    assert len(common) == 40 and max(h["score"] for h in common) < 0.05
    # words the scope does not hold lower the fraction reached, never raise it
    teapot = idx.fts(await idx.block(KEY), "teapot", 3)[0]["score"]
    assert idx.fts(await idx.block(KEY), "teapot zebra", 3)[0]["score"] == pytest.approx(teapot / 2)
    idx.added(_rows(["d"]), _unit(rng, 1), ["kettle and stove"])  # rows added count too
    assert idx.docs == 44 and idx.document_frequency("kettl") == 42
    assert idx.drop_scopes_of(_rows(["x"], user="v")) == 1  # and dropped blocks leave
    assert idx.docs == 4 and idx.document_frequency("kettl") == 2
    idx.drop_all()
    assert idx.docs == 0 and idx.document_frequency("kettl") == 0


async def test_centered_cosine_takes_the_scopes_shared_direction_out() -> None:
    rng = np.random.default_rng(5)
    shared = _unit(rng, 1)[0]
    own = _unit(rng, 6)
    vecs = own * 0.5 + shared * 2.0  # every row leans the same way (a name in every fact)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"r{i}" for i in range(6)]

    async def load(key):
        return _rows(ids), vecs, [f"row {i}" for i in range(6)]

    idx = ScopeIndex(load)
    blk = await idx.block(KEY)
    query = own[3] * 0.5 + shared * 2.0
    query /= np.linalg.norm(query)
    plain = idx.vector(blk, query, 6)
    centered = idx.vector(blk, query, 6, center=0.8)
    # the scores are the cosine of (query - 0.8 mean) and (row - 0.8 mean), up to int8 rounding
    codes, scale = scopes.quantize(vecs)
    deq = codes * scale[:, None]
    mean = 0.8 * deq.mean(axis=0)
    want = ((deq - mean) @ (query - mean)) / (np.linalg.norm(deq - mean, axis=1) * np.linalg.norm(query - mean))
    got = {h["id"]: h["score"] for h in centered}
    assert [got[i] for i in ids] == pytest.approx(list(want), abs=1e-4)
    assert centered[0]["id"] == "r3"
    # without centering every row is close to the query: the shared lean hides which is meant
    assert min(h["score"] for h in plain) > 0.8 and min(h["score"] for h in centered) < 0.5
    # writes drop the cached mean; two rows are not centered (their order could not change)
    idx.added(_rows(["r6"]), _unit(rng, 1), ["row 6"])
    assert len(idx.vector(await idx.block(KEY), query, 10, center=0.8)) == 7


async def test_rows_without_context_get_evidence_from_the_row_before() -> None:
    rng = np.random.default_rng(4)
    ids = ["q", "a", "x", "y"]
    texts = ["Did you go to the pottery class?", "Yes, last Tuesday!", "Lunch was fine", "The weather is grey"]

    async def load(key):
        return _rows(ids, user="u", contents=texts), _unit(rng, len(ids)), texts

    idx = ScopeIndex(load)
    blk = await idx.block(KEY)
    assert [h["id"] for h in idx.fts(blk, "pottery class", 10)] == ["q"]
    with_turns = idx.fts(blk, "pottery class", 10, turns=0.5)
    assert [h["id"] for h in with_turns] == ["q", "a", "x"]
    q, a, x = (h["score"] for h in with_turns)
    assert a == pytest.approx(0.5 * q) and x == pytest.approx(0.25 * q)

    # memories added by separate calls (another created_at) stand alone
    async def load_apart(key):
        cols = _rows(ids, user="u", contents=texts)
        cols = cols.set_column(cols.schema.get_field_index("created_at"), "created_at",
                               pa.array([0, 1, 2, 3], pa.int64()))
        return cols, _unit(rng, len(ids)), texts

    apart = ScopeIndex(load_apart)
    assert [h["id"] for h in apart.fts(await apart.block(KEY), "pottery class", 10, turns=0.5)] == ["q"]

    # a row stored with its context already holds the turn before it: no second helping
    async def load_ctx(key):
        cols = _rows(ids, user="u", contents=texts)
        return cols, _unit(rng, len(ids)), [texts[0], texts[0] + "\n" + texts[1], texts[2], texts[3]]

    idx2 = ScopeIndex(load_ctx)
    blk2 = await idx2.block(KEY)
    plain = {h["id"]: h["score"] for h in idx2.fts(blk2, "pottery class", 10)}
    turned = {h["id"]: h["score"] for h in idx2.fts(blk2, "pottery class", 10, turns=0.5)}
    assert turned["a"] == pytest.approx(plain["a"]) and "x" in turned


async def test_a_search_does_not_wait_for_a_check_under_way(tmp_path: Path, opened) -> None:
    """The first search once a check is due waits for it (the refresh bound); searches
    meanwhile answer from the blocks as they are instead of queueing behind it."""
    import asyncio

    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "shared")
    a = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    b = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    await a.add_batch([f"harbour note {i}" for i in range(10)], user_id="u")
    av, bv = opened.vectors  # a's store, then b's
    await av.flush()
    await bv.refresh()
    assert len(await b.search("harbour", user_id="u", mode="fts", limit=20)) == 10
    entered, release = asyncio.Event(), asyncio.Event()
    real = bv.versions.apply

    async def held(*args):  # a check that takes long (a foreign delete at 1M rows: ~1 s)
        entered.set()
        await release.wait()
        return await real(*args)

    bv.versions.apply = held  # type: ignore[method-assign]
    new, _ = await a.add_batch(["the lighthouse keeper", "another harbour note"], user_id="u")
    await av.flush()
    bv.scopes.last_check = 0.0  # a check is due
    first = asyncio.ensure_future(b.search("lighthouse keeper", user_id="u", mode="fts"))
    await asyncio.wait_for(entered.wait(), 60)
    hits = await asyncio.wait_for(b.search("harbour", user_id="u", mode="fts", limit=20), 60)
    assert len(hits) == 10 and not first.done()
    release.set()
    assert (await asyncio.wait_for(first, 60))[0].id == new.id
    await a.close()
    await b.close()


async def test_lazy_rows_materialize_to_the_same_rows_in_fused_order() -> None:
    """A search's candidates carry id, score and a block reference only; the hits that
    survive fusion are completed afterwards, with their own (fused) scores, in order."""
    rng = np.random.default_rng(4)
    vecs = _unit(rng, 40)

    async def load(key):
        return _rows([f"r{i}" for i in range(40)]), vecs, [f"row {i} about herons" for i in range(40)]

    idx = ScopeIndex(load)
    blk = await idx.block(KEY)
    idx.added(_rows(["tail"]), _unit(rng, 1), ["the tail heron"])  # a second segment
    q = _unit(rng, 1)[0]
    full = ScopeIndex.vector(blk, q, 41)
    lazy = ScopeIndex.vector(blk, q, 41, lazy=True)
    assert [r["score"] for r in lazy] == [r["score"] for r in full]
    assert set(lazy[0]) == {"id", "score", scopes.LAZY}
    assert [r["id"] for r in ScopeIndex.materialize(lazy)] == [r["id"] for r in full]
    picked = [dict(lazy[5], score=9.0), dict(lazy[0], score=8.0), {"id": "other", "score": 7.0}]
    done = ScopeIndex.materialize(picked)
    assert [r["id"] for r in done] == [full[5]["id"], full[0]["id"], "other"]
    assert [r["score"] for r in done] == [9.0, 8.0, 7.0]
    assert done[0] == {**full[5], "score": 9.0} and scopes.LAZY not in done[0]
    fts = idx.fts(blk, "heron", 5, lazy=True)
    assert ScopeIndex.materialize(fts)[0] == idx.fts(blk, "heron", 5)[0]
    # the same memory from two loads of its block (reloaded between the two lists): once
    again = await ScopeIndex(load).block(KEY)
    twice = [lazy[0], ScopeIndex.vector(again, q, 1, lazy=True)[0]]
    assert twice[0]["id"] != twice[1]["id"]
    assert [r["id"] for r in ScopeIndex.materialize(twice)] == [full[0]["id"]]


async def test_a_check_inside_the_stores_own_upkeep_keeps_the_blocks(tmp_path: Path, opened) -> None:
    """A check that runs while this store's compaction is still under way sees versions it wrote
    before the call returned. They are this store's upkeep's, not another process's: the blocks stay.

    The store is reopened (no version metadata cached) and old versions are cleaned at
    once, as after a pause longer than the retention: the version last seen is gone, so
    treating the compaction's versions as foreign could not be read back and dropped
    every block (seen in bench-scale after Mem0's turn)."""
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s", compact_every=100_000)
    a = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    for i in range(4):
        await a.add_batch([f"harbour note {i}-{j} about ropes" for j in range(20)], user_id="u")
    await a.close()

    a = await AsyncMemory.open(cfg, embedder=HashEmbedder())
    vs = opened.vectors[-1]  # the reopened store
    await a.wait_warm()
    assert len(await a.search("harbour", user_id="u", mode="fts", limit=200)) == 80
    await a.add_batch([f"orchard note {j} about pears" for j in range(20)], user_id="u")
    await vs.flush()
    vs.retention_s = 0.01
    real, checked = vs.table.optimize, []

    async def optimize_then_check(*args, **kwargs):  # a search's check lands inside the span
        out = await real(*args, **kwargs)
        await vs.versions.check_now()
        checked.append(vs.versions.known)
        return out

    vs.table.optimize = optimize_then_check
    misses = vs.scopes.misses
    await vs.compact()
    assert checked  # the check ran, and saw the compaction's versions
    assert vs.scopes.foreign_drops == 0 and (("user_id", "u"),) in vs.scopes.loaded_scopes
    assert len(await a.search("note", user_id="u", mode="vector", limit=200)) == 100
    assert vs.scopes.misses == misses
    await a.close()
