"""A memory whose add returned is never lost, even when the process is SIGKILLed mid-ingest."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from agentmem import Memory, MemoryConfig

CHILD = textwrap.dedent(
    """
    import json, sys
    from agentmem import Memory, MemoryConfig
    mem = Memory(MemoryConfig(data_dir=sys.argv[1], chunk_size=8))
    n = 0
    while True:
        texts = [f"crash test memory {n}-{i} about topic {n * 31 + i}" for i in range(24)]
        results = mem.add_batch(texts, user_id="crash", metadata={"batch": n})
        print(json.dumps([r.id for r in results]), flush=True)  # acknowledged
        n += 1
    """
)


def test_acknowledged_adds_survive_sigkill(tmp_path):
    store = tmp_path / "store"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store)], stdout=subprocess.PIPE, text=True)
    acked: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while len(acked) < 5 * 24 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            acked.extend(json.loads(line))
        time.sleep(0.05)  # let it get into the middle of the next batch
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert len(acked) >= 5 * 24, "the child did not acknowledge enough batches"

    with Memory(MemoryConfig(data_dir=store)) as mem:
        report = mem.verify()
        missing = set(report.missing_vectors)
        for memory_id in acked:
            assert mem.get(memory_id) is not None
            assert memory_id not in missing
        # whatever the kill interrupted is either absent or mended by repair()
        assert mem.repair().after.ok
        assert mem.count(user_id="crash") >= len(acked)
        hit = mem.search("crash test memory 0-0 about topic 0", user_id="crash", mode="vector")[0]
        assert hit.id == acked[0]
