"""Whole-store operations in pages: iter_all's cursor, export/import_ a page at a time,
delete_all page by page (killed part way, then verify/repair), verify/repair by id range.

Storage logic only: the stand-in embedder, real LanceDB and libSQL, tiny page sizes so a
few dozen memories make many pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import lancedb
import numpy as np
import pyarrow.parquet as pq
import pytest

from agentmem import InvalidInputError, Memory, MemoryConfig
from agentmem.models import VerifyReport

TESTS = Path(__file__).resolve().parent


def _mem(path: Path, page_size: int, **kw) -> Memory:
    from standin import HashEmbedder

    return Memory(MemoryConfig(data_dir=path, page_size=page_size), embedder=HashEmbedder(**kw))


def _fill(mem: Memory, users: dict[str, int]) -> list[str]:
    ids = []
    for user, n in users.items():
        ids += [r.id for r in mem.add_batch([f"{user} fact number {i}" for i in range(n)], user_id=user,
                                            metadata=[{"i": i} for i in range(n)])]
    return ids


@pytest.mark.parametrize("scope", [{"user_id": "u"}, {}])
def test_iter_all_yields_each_row_once_while_rows_come_and_go(tmp_path, scope):
    with _mem(tmp_path / "s", page_size=7) as mem:
        _fill(mem, {"u": 30, "v": 12})
        start = [r.id for r in mem.get_all(limit=1000, **scope)]
        walk = mem.iter_all(**scope)
        seen = [next(walk).id for _ in range(10)]  # two pages read
        # between pages: delete rows not reached yet and rows already seen, add new ones
        gone = [start[25], start[28], start[3]]
        for i in gone:
            mem.delete(i)
        added = [r.id for r in mem.add_batch([f"late fact {i}" for i in range(9)], user_id="u")]
        seen += [r.id for r in walk]
        assert len(seen) == len(set(seen))  # nothing twice (OFFSET paging repeats rows here)
        stayed = set(start) - set(gone)
        assert stayed <= set(seen)  # nothing skipped
        assert set(seen) <= set(start) | set(added)
        assert not set(seen) & {start[25], start[28]}  # deleted before reached
        # unchanged store: the walk is get_all's order
        assert [r.id for r in mem.iter_all(page_size=4, **scope)] == [r.id for r in mem.get_all(limit=1000, **scope)]


def test_iter_all_checks_arguments(tmp_path):
    with _mem(tmp_path / "s", page_size=7) as mem:
        with pytest.raises(InvalidInputError, match="page_size"):
            mem.iter_all(page_size=0)
        with pytest.raises(InvalidInputError, match="filters"):
            mem.iter_all(filters="nope")


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_export_import_round_trip_a_page_at_a_time(tmp_path, suffix):
    path = tmp_path / f"dump{suffix}"
    with _mem(tmp_path / "a", page_size=5) as src:
        ids = _fill(src, {"alice": 14, "bob": 9})
        src.reset_timings()
        assert src.export(path) == 23
        if suffix == ".parquet":
            assert pq.ParquetFile(path).metadata.num_row_groups == 5  # one row group per page
        exported = _rows(path)
        assert [r["id"] for r in exported] == ids  # oldest stored first
        assert all(len(r["vector"]) == 384 for r in exported)
    with _mem(tmp_path / "b", page_size=5) as dst:
        assert dst.import_(path) == 23
        pages = [t for t in dst.timings() if t.op == "import"]
        assert [t.items for t in pages] == [5, 5, 5, 5, 3]  # written page by page
        assert dst.stats()["embedder"]["texts"] == 0  # the file's vectors were used
        assert dst.verify().ok
        again = tmp_path / f"again{suffix}"
        dst.export(again)
        assert _rows(again) == exported
        assert dst.import_(path) == 0


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_a_lost_vector_exports_as_null_and_its_page_is_embedded_on_import(tmp_path, suffix):
    path = tmp_path / f"dump{suffix}"
    with _mem(tmp_path / "a", page_size=5) as src:
        ids = _fill(src, {"alice": 12})
        table = lancedb.connect(tmp_path / "a" / "vectors").open_table("memories")
        table.delete(f"id = '{ids[6]}'")
        src.export(path)
    rows = _rows(path)
    assert [r["vector"] is None for r in rows] == [i == 6 for i in range(12)]
    stored = table.to_arrow().to_pydict()
    stored = dict(zip(stored["id"], stored["vector"]))
    assert all(np.array_equal(np.float32(r["vector"]), np.float32(stored[r["id"]])) for r in rows if r["vector"])
    with _mem(tmp_path / "b", page_size=5) as dst:
        assert dst.import_(path) == 12
        assert dst.stats()["embedder"]["texts"] == 5  # only the second page (rows 5-9) went to the model
        assert dst.verify().ok


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_a_memory_context_survives_export_and_import(tmp_path, suffix):
    path = tmp_path / f"dump{suffix}"
    with _mem(tmp_path / "a", page_size=2) as src:
        kept = src.add("She adopted a cat", user_id="u", context="Melanie, 7 May 2023: we went to the shelter")
        src.add("plain memory", user_id="u")
        src.export(path, include_vectors=suffix == ".jsonl")
    assert [r.get("index_text") for r in _rows(path)] == ["Melanie, 7 May 2023: we went to the shelter\nShe adopted a cat", None]
    with _mem(tmp_path / "b", page_size=2) as dst:
        assert dst.import_(path) == 2
        assert [h.id for h in dst.search("shelter", user_id="u", mode="fts")] == [kept.id]
        assert dst.get(kept.id).content == "She adopted a cat"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"content": "x", "index_text": 5}))
    with _mem(tmp_path / "c", page_size=2) as other:
        with pytest.raises(InvalidInputError, match=r"rows\[0\]\.index_text"):
            other.import_(bad)


def test_export_without_vectors_then_import_embeds(tmp_path):
    path = tmp_path / "nv.parquet"
    with _mem(tmp_path / "a", page_size=4) as src:
        _fill(src, {"alice": 6})
        src.export(path, include_vectors=False)
    assert "vector" not in pq.read_schema(path).names
    with _mem(tmp_path / "b", page_size=4) as dst:
        assert dst.import_(path) == 6
        assert dst.stats()["embedder"]["texts"] == 6 and dst.verify().ok


def _rows(path: Path) -> list[dict]:
    if path.suffix == ".parquet":
        rows = pq.read_table(path).to_pylist()
        for r in rows:
            r["metadata"] = json.loads(r["metadata"])
        return rows
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_bad_row_in_a_late_page_rejects_the_file_before_any_write(tmp_path):
    path = tmp_path / "bad.jsonl"
    rows = [{"content": f"fine {i}", "user_id": "z"} for i in range(7)] + [{"content": " "}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    with _mem(tmp_path / "s", page_size=2) as mem:
        with pytest.raises(InvalidInputError, match=r"rows\[7\]\.content"):
            mem.import_(path)
        assert mem.count() == 0 and mem.stats()["embedder"]["texts"] == 0
        rows[7] = {"content": "fine too", "vector": [0.0] * 384}
        path.write_text("\n".join(json.dumps(r) for r in rows))
        with pytest.raises(InvalidInputError, match=r"rows\[7\]\.vector"):
            mem.import_(path)
        assert mem.count() == 0


def test_parquet_vectors_of_another_length_are_embedded_and_a_bad_one_is_named(tmp_path):
    import pyarrow as pa

    path = tmp_path / "hand.parquet"
    good = [1.0] + [0.0] * 383
    rows = {"content": ["one", "two", "three", "four"], "user_id": ["h"] * 4,
            "vector": [good, [1.0, 2.0], None, good]}  # list<double>, as another tool writes it
    pq.write_table(pa.table(rows), path)
    with _mem(tmp_path / "s", page_size=2) as mem:
        assert mem.import_(path) == 4
        assert mem.stats()["embedder"]["texts"] == 4  # both pages held a row without a fitting vector
        assert mem.verify().ok
    rows["vector"][3] = [float("nan")] + [0.0] * 383
    rows["content"] = ["five", "six", "seven", "eight"]
    pq.write_table(pa.table(rows), path)
    with _mem(tmp_path / "s", page_size=2) as mem:
        with pytest.raises(InvalidInputError, match=r"rows\[3\]\.vector"):
            mem.import_(path)
        assert mem.count() == 4


def test_import_failing_on_a_later_page_takes_back_the_earlier_pages(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text("\n".join(json.dumps({"content": f"to embed {i}", "user_id": "z"}) for i in range(9)))
    with _mem(tmp_path / "s", page_size=4, fail_after=1) as mem:  # the model fails on the 2nd page
        with pytest.raises(RuntimeError, match="told to fail"):
            mem.import_(path)
        report = mem.verify()
        assert report.ok and report.records == report.vectors == 0
        assert mem.stats()["history_events"] == 0


KILLED_IMPORT = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, sys.argv[2])
    from standin import HashEmbedder
    from agentmem import Memory, MemoryConfig
    from agentmem.orchestrator import Orchestrator

    real = Orchestrator.add_batch
    calls = []

    async def dying(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:  # two pages written, the process dies before the third
            os._exit(9)
        return await real(self, *args, **kwargs)

    Orchestrator.add_batch = dying
    mem = Memory(MemoryConfig(data_dir=sys.argv[1], page_size=5), embedder=HashEmbedder())
    mem.import_(sys.argv[3])
    """
)


def test_import_killed_part_way_keeps_its_pages_and_a_rerun_adds_the_rest(tmp_path):
    path = tmp_path / "dump.parquet"
    with _mem(tmp_path / "a", page_size=5) as src:
        ids = _fill(src, {"a": 13, "b": 10})
        src.export(path)
    store = tmp_path / "b"
    done = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(store), str(TESTS), str(path)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(TESTS.parent)})
    assert done.returncode == 9, done.stderr
    with _mem(store, page_size=5) as mem:
        assert mem.verify().ok and mem.count() == 10
        assert mem.import_(path) == 13
        assert mem.verify().ok and sorted(r.id for r in mem.iter_all()) == sorted(ids)


def test_delete_all_pages_through_a_scope_or_the_whole_store(tmp_path):
    with _mem(tmp_path / "s", page_size=4) as mem:
        ids = _fill(mem, {"a": 9, "b": 5, "c": 3})
        mem.reset_timings()
        assert mem.delete_all(user_id="a") == 9
        assert [t.items for t in mem.timings() if t.op == "delete_all"] == [4, 4, 1]
        assert mem.count() == 8 and mem.verify().ok
        assert mem.delete_all(everything=True) == 8
        assert mem.count() == 0 and mem.verify().ok
        assert all([e.event for e in mem.history(i)] == ["ADD", "DELETE"] for i in ids)
        for bad, field in (({}, "user_id"), ({"everything": True, "user_id": "a"}, "everything"),
                           ({"everything": "yes"}, "everything")):
            with pytest.raises(InvalidInputError, match=field):
                mem.delete_all(**bad)


# The child deletes the whole store page by page and dies (os._exit: no cleanup, no
# flush) right after the records of the second page are committed, before their vectors
# are deleted: the worst moment for the two stores to agree.
KILLED = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, sys.argv[2])
    from standin import HashEmbedder
    from agentmem import Memory, MemoryConfig
    from agentmem.storage.lance import VectorStore

    calls = []
    real = VectorStore.delete_ids

    async def dying(self, ids):
        calls.append(len(ids))
        if len(calls) == 2:
            os._exit(9)
        await real(self, ids)

    VectorStore.delete_ids = dying
    mem = Memory(MemoryConfig(data_dir=sys.argv[1], page_size=5), embedder=HashEmbedder())
    mem.delete_all(everything=True)
    """
)


def test_delete_all_killed_part_way_then_verify_and_repair_converge(tmp_path):
    store = tmp_path / "s"
    with _mem(store, page_size=5) as mem:
        ids = _fill(mem, {"a": 13, "b": 10})
    done = subprocess.run([sys.executable, "-c", KILLED, str(store), str(TESTS)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(TESTS.parent)})
    assert done.returncode == 9, done.stderr
    with _mem(store, page_size=5) as mem:
        report = mem.verify()
        # page 1 gone from both stores, page 2 gone from the records only, the rest untouched
        assert (report.records, report.vectors, report.orphans, report.missing, report.stale) == (13, 18, 5, 0, 0)
        deleted = [i for i in ids if mem.get(i) is None]
        assert len(deleted) == 10 and set(report.orphan_vectors) < set(deleted)
        assert all(mem.history(i)[-1].event == "DELETE" for i in deleted)
        found = {h.id for h in mem.search("fact number", mode="fts", limit=50)}
        assert set(report.orphan_vectors) <= found  # until repair, search still finds the orphans...
        fixed = mem.repair()
        assert fixed.removed_orphans == 5 and fixed.reembedded == 0 and fixed.after.ok
        assert {h.id for h in mem.search("fact number", mode="fts", limit=50)} <= set(ids) - set(deleted)
        assert mem.delete_all(everything=True) == 13  # ...and running it again finishes the job
        assert mem.verify().ok and mem.count() == 0
        assert all([e.event for e in mem.history(i)] == ["ADD", "DELETE"] for i in ids)


def test_verify_and_repair_by_id_range(tmp_path, monkeypatch):
    monkeypatch.setattr(VerifyReport, "LISTED", 3)
    store = tmp_path / "s"
    with _mem(store, page_size=3) as mem:
        ids = sorted(_fill(mem, {"e": 10}))
        table = lancedb.connect(store / "vectors").open_table("memories")
        lost = ids[1:6]
        table.delete("id IN (" + ", ".join(f"'{i}'" for i in lost) + ")")
        template = table.search().where(f"id = '{ids[0]}'").limit(1).to_arrow()
        # orphans before every record id, between two pages' ids, after all of them; one id twice
        orphans = ["0-before-all", ids[7] + "-between", "~after-all"]
        for oid in orphans:
            table.add(template.set_column(0, "id", [[oid]]))
        table.add(template)  # ids[0]'s vector stored twice
        report = mem.verify()
        assert (report.records, report.vectors, report.missing, report.orphans, report.stale) == (10, 8, 5, 3, 1)
        assert report.missing_vectors == lost[:3] and report.truncated  # listed up to LISTED, in id order
        assert report.orphan_vectors == sorted(orphans) and report.stale_vectors == [ids[0]]
        assert report.to_dict()["missing"] == 5 and not report.ok
        fixed = mem.repair()
        assert (fixed.reembedded, fixed.removed_orphans) == (6, 3) and fixed.after.ok
        table.checkout_latest()
        assert table.count_rows() == 10  # one row per memory: the doubled one too


def test_a_version_1_records_file_gains_the_created_at_index(tmp_path):
    import sqlite3

    from agentmem.storage.libsql import MIGRATIONS

    store = tmp_path / "s"
    store.mkdir()
    db = sqlite3.connect(store / "records.db")
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for sql in MIGRATIONS[0]:
        db.execute(sql)
    db.execute("INSERT INTO schema_version VALUES (1)")
    db.commit()
    db.close()
    with _mem(store, page_size=2) as mem:
        assert mem.stats()["schema_version"] >= 2
        _fill(mem, {"a": 3})
        assert [r.id for r in mem.iter_all()] == [r.id for r in mem.get_all()]
    db = sqlite3.connect(store / "records.db")
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    assert "memories_created" in names
