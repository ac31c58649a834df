"""Many processes on one store: sqld for the records, SeaweedFS S3 for the vectors.

The full check (4 workers x 25 batches of 20, 20 runs) is experiments/many_workers.py; here one
short run of the same code, and the freshness bound between two processes.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from pathlib import Path

import pytest
from parts import catch_stores

from agentmem import Memory, MemoryConfig
from agentmem.bench.remote import many_workers

pytestmark = pytest.mark.slow  # sqld and SeaweedFS, several processes

HANG = 120  # a wait that only a hang reaches
MODES = ("vector", "fts", "hybrid")


@pytest.fixture
def opened(monkeypatch):
    """The stores the Memory under test opens (parts.py)."""
    return catch_stores(monkeypatch)


def test_four_workers_one_store(remote_config: MemoryConfig, remote_stack, tmp_path: Path):
    """4 processes add 3 batches of 20 each at once, 2 of every 20 texts shared by all: every
    acknowledged id readable from a fresh Memory with its text, each shared text one id
    (ADD once, NOOP for the others), the counts add up, verify() clean, no errors."""
    check = many_workers(remote_config, tmp_path / "work", workers=4, batches=3, size=20, shared=2, env=remote_stack.env())
    assert check["errors"] == []
    assert check["acknowledged"] == 4 * 3 * 20
    assert check["shared_one_id"] and check["shared_one_add"]
    assert check["readable"] == check["unique_ids"] == check["count"] == 4 * 3 * 18 + 3 * 2
    assert check["content_matches"] and check["verify_ok"]
    assert check["ok"]


def _other_process_adds(config: MemoryConfig, go, done) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from standin import HashEmbedder

    with Memory(config, embedder=HashEmbedder()) as mem:
        go.wait(HANG)
        mem.add("the lighthouse keeper collects sea glass", user_id="u")
        done.set()


def test_another_workers_add_is_found_within_the_bound(remote_config: MemoryConfig, opened):
    """Stated bound: a search finds another process's add within the scope blocks' refresh_s
    (0.5 s) of that add returning; with remote records an add returns after its LanceDB
    commit (no write-behind), so the bound counts from the add's return. Scoped (in-memory
    blocks) and unscoped (LanceDB) searches both."""
    from standin import HashEmbedder

    ctx = mp.get_context("spawn")
    go, done = ctx.Event(), ctx.Event()
    with Memory(remote_config, embedder=HashEmbedder()) as mem:
        mem.add_batch([f"harbour note {i}" for i in range(20)], user_id="u")
        for mode in MODES:  # blocks loaded, versions known
            mem.search("harbour", user_id="u", mode=mode)
            mem.search("harbour", mode=mode)
        proc = ctx.Process(target=_other_process_adds, args=(remote_config, go, done))
        proc.start()
        go.set()
        assert done.wait(HANG)
        bound = opened.vectors[-1].scopes.refresh_s
        time.sleep(bound)
        for mode in MODES:
            for scope in ({"user_id": "u"}, {}):
                hits = mem.search("lighthouse keeper sea glass", mode=mode, limit=3, **scope)
                assert hits and hits[0].content == "the lighthouse keeper collects sea glass", (mode, scope)
        proc.join(HANG)
        assert proc.exitcode == 0
