"""The two stores agree: failed writes are undone, verify() sees drift, repair() mends it.

Failures here are real: a lock held on the libSQL file, a LanceDB table dropped underneath,
an embedder that stops working mid-batch."""

from __future__ import annotations

import shutil
import sqlite3

import lancedb
import pytest

from agentmem import Memory, MemoryConfig, RecordStoreError, VectorStoreError


@pytest.mark.parametrize("concurrent", [True, False])
def test_failed_record_write_undoes_the_vectors(tmp_path, concurrent):
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s", busy_timeout_ms=100, concurrent_writes=concurrent)
    with Memory(cfg, embedder=HashEmbedder()) as mem:
        kept = mem.add("already stored", user_id="u")
        blocker = sqlite3.connect(tmp_path / "s" / "records.db")
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(RecordStoreError):
                mem.add_batch(["new one", "new two"], user_id="u")
        finally:
            blocker.rollback()
            blocker.close()
        report = mem.verify()
        assert report.ok and report.records == report.vectors == 1
        assert [h.id for h in mem.search("new one", mode="vector")] == [kept.id]
        assert [r.event for r in mem.add_batch(["new one", "new two"], user_id="u")] == ["ADD", "ADD"]


def test_failed_vector_write_undoes_the_records(tmp_path):
    from standin import HashEmbedder

    # every add waits for LanceDB here (a written-behind add would return before the failure)
    with Memory(MemoryConfig(data_dir=tmp_path / "s", write_behind_rows=0), embedder=HashEmbedder()) as mem:
        kept = mem.add("already stored", user_id="u")
        table_dir = tmp_path / "s" / "vectors" / "memories.lance"
        shutil.rmtree(table_dir)
        table_dir.write_text("a file where LanceDB expects its table directory")
        with pytest.raises(VectorStoreError):
            mem.add_batch(["doomed one", "doomed two"], user_id="u")
        assert [r.id for r in mem.get_all()] == [kept.id]
        assert mem.count() == 1


def test_failure_mid_pipeline_undoes_earlier_chunks(tmp_path):
    from standin import HashEmbedder

    cfg = MemoryConfig(data_dir=tmp_path / "s", chunk_size=2, pipeline=True)
    with Memory(cfg, embedder=HashEmbedder(fail_after=1)) as mem:
        with pytest.raises(RuntimeError, match="told to fail"):
            mem.add_batch([f"chunked {i}" for i in range(6)], user_id="u")
        report = mem.verify()
        assert report.ok and report.records == report.vectors == 0
        assert mem.stats()["history_events"] == 0


def test_verify_and_repair(tmp_path):
    cfg = MemoryConfig(data_dir=tmp_path / "s")
    with Memory(cfg) as mem:
        rs = mem.add_batch([f"Erin visited city number {i}" for i in range(5)], user_id="erin")
        table = lancedb.connect(tmp_path / "s" / "vectors").open_table("memories")
        table.delete(f"id = '{rs[0].id}'")  # a vector lost
        orphan = table.search().where(f"id = '{rs[1].id}'").limit(1).to_arrow()
        orphan = orphan.set_column(0, "id", [["orphan-id"]])
        table.add(orphan)  # a vector with no record
        db = sqlite3.connect(tmp_path / "s" / "records.db")
        db.execute("UPDATE memories SET content = 'Erin moved to Oslo', hash = 'changed' WHERE id = ?", (rs[2].id,))
        db.commit()
        db.close()
        report = mem.verify()
        assert not report.ok
        assert report.missing_vectors == [rs[0].id]
        assert report.orphan_vectors == ["orphan-id"]
        assert report.stale_vectors == [rs[2].id]
        fixed = mem.repair()
        assert fixed.reembedded == 2 and fixed.removed_orphans == 1 and fixed.after.ok
        assert mem.search("Erin moved to Oslo", user_id="erin", mode="vector")[0].id == rs[2].id
        assert rs[0].id in {h.id for h in mem.search("Erin visited city number 0", user_id="erin", mode="vector")}
