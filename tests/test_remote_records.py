"""The remote libSQL path (``http://`` URL) through libsql-client's own HTTP client.

The server is tests/libsql_http.py: the Hrana HTTP subset over a real SQLite file on loopback.
"""

from __future__ import annotations

import sqlite3

import pytest

from agentmem import Memory, MemoryConfig, RecordStoreError
from libsql_http import LibsqlHttpServer


def test_memory_over_a_remote_libsql_url(tmp_path):
    with LibsqlHttpServer(str(tmp_path / "server.db")) as url:
        cfg = MemoryConfig(data_dir=tmp_path / "s", records_url=url, pool_size=2)
        with Memory(cfg) as mem:
            r = mem.add("Remote Rita keeps bees", user_id="rita", metadata={"k": "v"})
            rs = mem.add_batch(["Remote Rita sells honey", "remote rita keeps BEES"], user_id="rita")
            assert [x.event for x in rs] == ["ADD", "NOOP"] and rs[1].id == r.id
            assert mem.search("bees", user_id="rita")[0].id == r.id
            mem.update(r.id, content="Remote Rita keeps two hives")
            assert [e.event for e in mem.history(r.id)] == ["ADD", "UPDATE"]
            assert [m.content for m in mem.get_all(user_id="rita", filters={"k": "v"})] == ["Remote Rita keeps two hives"]
            mem.core.replace("human", "Beekeeper", user_id="rita")
            assert mem.verify().ok and mem.count() == 2
            stats = mem.stats()
            assert stats["records_url"] == url and stats["memories"] == 2
        # the rows really are on the server's side
        db = sqlite3.connect(tmp_path / "server.db")
        assert db.execute("SELECT COUNT(*) FROM memories").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM history").fetchone()[0] == 3
        assert not (tmp_path / "s" / "records.db").exists()


def test_unreachable_server_is_a_record_store_error(tmp_path):
    cfg = MemoryConfig(data_dir=tmp_path / "s", records_url="http://127.0.0.1:9")
    with pytest.raises(RecordStoreError):
        Memory(cfg)
