"""Two real processes on one data directory (the workbench and a notebook, say).

Storage logic only, so the stand-in embedder (each process still opens real LanceDB and a
real libSQL file)."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from agentmem import Memory, MemoryConfig

ROUNDS = 20
BATCH = 26


def _adder(data_dir: str, who: int, barrier, out) -> None:
    from standin import HashEmbedder

    try:
        with Memory(MemoryConfig(data_dir=data_dir), embedder=HashEmbedder()) as mem:
            for r in range(ROUNDS):
                texts = [f"process {who} round {r} fact {i}" for i in range(BATCH - 1)]
                texts.insert(who * 7 + r % 5, f"the shared sentence of round {r}")
                barrier.wait(timeout=60)
                res = mem.add_batch(texts, user_id="u")
                out.put((who, r, [(x.id, x.event, x.memory) for x in res]))
    except BaseException as exc:  # report, so the test fails with the reason
        out.put((who, -1, repr(exc)))
        raise


def test_same_text_added_by_two_processes_at_once_gets_one_id(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    out = ctx.Queue()
    data_dir = str(tmp_path / "shared")
    procs = [ctx.Process(target=_adder, args=(data_dir, who, barrier, out)) for who in (0, 1)]
    for p in procs:
        p.start()
    got: dict[tuple[int, int], list[tuple[str, str, str]]] = {}
    for _ in range(2 * ROUNDS):
        who, r, res = out.get(timeout=180)
        assert r >= 0, f"process {who} failed: {res}"
        got[(who, r)] = res
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    for r in range(ROUNDS):
        shared = f"the shared sentence of round {r}"
        mine = [next(x for x in got[(who, r)] if x[2] == shared) for who in (0, 1)]
        assert mine[0][0] == mine[1][0], f"round {r}: two ids for one memory"
        assert sorted(x[1] for x in mine) == ["ADD", "NOOP"], f"round {r}: {mine}"
        for who in (0, 1):  # the rest of each batch is stored
            assert [x[1] for x in got[(who, r)] if x[2] != shared] == ["ADD"] * (BATCH - 1)
    from standin import HashEmbedder

    with Memory(MemoryConfig(data_dir=data_dir), embedder=HashEmbedder()) as mem:
        assert mem.count(user_id="u") == ROUNDS * (2 * (BATCH - 1) + 1)
        report = mem.verify()
        assert report.ok, report


def test_an_update_after_another_writers_update_of_the_same_memory_replaces_its_vector(tmp_path: Path) -> None:
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s")
    with Memory(cfg, embedder=HashEmbedder()) as a, Memory(cfg, embedder=HashEmbedder()) as b:
        r = a.add("Lives in Paris", user_id="u")
        a.flush()
        b.update(r.id, content="Lives in Berlin")
        b.flush()
        a.update(r.id, content="Lives in Rome")  # a's table view is still at its own add
        a.flush()
        for mem in (a, b):
            report = mem.verify()
            assert report.ok, report  # the vector row is Rome's, not Berlin's left in place
        (hit,) = a.search("Lives in Rome", user_id="u", mode="vector", limit=1)
        assert hit.id == r.id and hit.content == "Lives in Rome"
