"""bench-scale's figures of the agent's path right after a bulk ingest: the disk the ingest
left, the single adds begun within 5 s of it (against the settled rate), the searches begun
within 5 s, and what the scope blocks did meanwhile. A fresh store filled in one step builds
every user's block from the rows it wrote: no search right after the ingest loads one."""

from __future__ import annotations

import pytest

from agentmem.bench.scale import run_scale, scale_frame, table


@pytest.fixture(scope="module")
def one_step(tmp_path_factory) -> dict:
    return run_scale([200], users=4, queries=3, adds=4, agents=[2], agent_turns=1, probes=1, settle_s=30,
                     include_mem0=False, data_dir=tmp_path_factory.mktemp("scale"))


@pytest.mark.slow  # a bench-scale run of one step (real model)
def test_the_figures_right_after_the_ingest_are_reported(one_step) -> None:
    step = one_step["steps"][0]
    assert step["disk_bytes_per_memory_after_ingest"] > 0
    add = step["add"][0]
    assert add["started_s"] >= 0 and add["within_5s"]["n"] <= add["n"] == 4
    if add["within_5s"]["n"]:
        assert add["within_5s"]["seq_per_s"] > 0
    assert step["add_settled"][0]["seq_per_s"] > 0
    # the adds come first, then the searches
    assert step["search_after_ingest_started_s"] >= add["started_s"]
    assert step["search_after_ingest"]["hybrid"]["within_5s"]["n"] <= 3
    # a fresh store filled in one step: every block built from the ingest's rows, none loaded
    blocks = step["blocks_during_searches"]
    assert blocks["misses"] == 0 and blocks["drops"] == 0
    frame = scale_frame(one_step)
    assert {"add_per_s_within_5s", "disk_bytes_per_memory_after_ingest", "hybrid_p95_ms_within_5s"} <= set(frame.columns)
    head, row = table(one_step).splitlines()[:2]
    assert "add/s<=5s" in head and "B/mem@ingest" in head
    assert str(step["disk_bytes_per_memory_after_ingest"]) in row
