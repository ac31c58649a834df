"""``agentmem bench-scale``: bad arguments are one line and exit 2; a tiny run measures every step.

The run is real (real model, real stores) and tiny; speed is not asserted (the figures
live in BENCHMARKS.md with the command that made them), only what each step must hold.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from agentmem.bench.scale import MODES, parse_sizes, scale_frame
from agentmem.cli import main

TINY = ["--sizes", "120,300", "--users", "4", "--queries", "3", "--adds", "3", "--agents", "2,3",
        "--agent-turns", "1", "--probes", "1", "--settle-s", "5", "--quiet"]


def _error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("agentmem: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["--sizes", "10x"], "--sizes"),
        (["--sizes", "100k,10k"], "must increase"),
        (["--sizes", "0"], "at least 1"),
        (["--sizes", ""], "--sizes"),
        (["--sizes", "20M"], "at most"),
        (["--sizes", "9" * 400], "at most"),  # would overflow to inf: refused before that
        (["--users", "0"], "--users"),
        (["--queries", "many"], "--queries"),
        (["--agents", "8,x"], "--agents"),
        (["--sizes", "1k,2k", "--mem0-sizes", "3k"], "--mem0-sizes"),
        (["--ann-recall", "1k,2k"], "--ann-recall"),
        (["--no-such-flag"], "--no-such-flag"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(capsys, argv, named):
    line = _error_line(capsys, ["bench-scale", *argv])
    assert named in line


def test_json_target_that_is_a_directory_is_refused(capsys, tmp_path):
    line = _error_line(capsys, ["bench-scale", "--sizes", "10", "--no-mem0", "--json", str(tmp_path)])
    assert "--json" in line and "is a folder" in line


def test_parse_sizes_accepts_k_and_m():
    assert parse_sizes("10k,100k,300K,1M") == [10_000, 100_000, 300_000, 1_000_000]
    assert parse_sizes(" 500 , 1.5k ") == [500, 1500]
    with pytest.raises(ValueError, match="must increase"):
        parse_sizes("1k,1k")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("scale") / "run.json"
    assert main(["bench-scale", *TINY, "--no-mem0", "--json", str(out)]) == 0
    return json.loads(out.read_text())


@pytest.mark.slow  # a bench-scale run at two sizes (the module's tiny_run)
def test_tiny_run_measures_each_step(tiny_run):
    steps = tiny_run["steps"]
    assert [s["size"] for s in steps] == [120, 300]
    assert steps[0]["stored"] == 120 and steps[1]["stored"] == 300
    for s in steps:
        assert s["ingest_per_s"] > 0 and s["added"] == s["offered"]
        for phase in ("search_after_ingest", "search_settled"):
            block = s[phase] if phase == "search_after_ingest" else s[phase][0]
            assert set(block) == set(MODES) and all(block[m]["n"] == 3 for m in MODES)
        for adds in (s["add"], s["add_settled"]):  # right after the ingest, then settled
            assert adds[0]["n"] == 3 and adds[0]["seq_per_s"] > 0
        # a memory is found by every mode once its add returned
        assert all(s["freshness"][m]["found"] == 1 for m in MODES), s["freshness"]
        for loops in (s["agent_loop"], s["agent_loop_settled"]):
            assert [loop["agents"] for loop in loops] == [2, 3]
            assert [loop["ops"] for loop in loops] == [4, 6]
        assert s["verify_ok"] is True and s["disk_bytes_per_memory"] > 0 and s["peak_rss_mb"] > 0
    # every add of the step is in the store: ingest + adds + freshness probes + agent turns,
    # the adds and agent turns twice (after the ingest, then settled)
    first = steps[0]
    assert first["memories_after_step"] == 120 + 2 * 3 + len(MODES) + 2 * (2 + 3)
    assert tiny_run["mem0"] == {"skipped": "not asked for (--no-mem0)"}
    assert tiny_run["machine"]["cpu_count"] >= 1


def test_no_query_text_is_used_twice():
    from agentmem.bench.scale import Queries

    q = Queries(3)
    texts = [q.next() for _ in range(3000)]
    assert len(set(texts)) == len(texts)


@pytest.mark.slow  # a bench-scale run at two sizes (the module's tiny_run)
def test_scale_frame_and_charts(tiny_run):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbench"))
    import charts

    frame = scale_frame(tiny_run)
    assert list(frame["system"]) == ["agentmem", "agentmem"] and list(frame["size"]) == [120, 300]
    assert {"hybrid_p50_ms", "agents3_ops_per_s", "add_per_s", "disk_bytes_per_memory"} <= set(frame.columns)
    lat = charts.scale_latency(frame)
    names = [t.name for t in lat.data]
    assert "agentmem: hybrid p50" in names and "agentmem: single add p50" in names
    assert all(list(t.x) == [120, 300] for t in lat.data)
    thr = charts.scale_throughput(frame)
    # 8/32 agents not in this run; the adds twice (right after the ingest, then settled)
    assert [t.name for t in thr.data] == ["agentmem: sequential add", "agentmem: sequential add, upkeep settled"]
    assert list(frame["add_per_s_settled"]) == [s["add_settled"][0]["seq_per_s"] for s in tiny_run["steps"]]
    with pytest.raises(ValueError, match="size"):
        charts.scale_latency(frame.drop(columns=["size"]))


@pytest.mark.slow  # starts PostgreSQL with pgvector where the peer is installed
def test_mem0_peer_on_pgvector(tmp_path):
    from agentmem.bench import mem0_pg

    reason = mem0_pg.unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    out = tmp_path / "peer.json"
    try:
        rc = main(["bench-scale", *TINY, "--mem0-sizes", "300", "--json", str(out), "--data-dir", str(tmp_path / "d")])
    except SystemExit as exc:  # pragma: no cover - reported, not hidden
        pytest.fail(f"bench-scale exited {exc.code}")
    assert rc == 0
    run = json.loads(out.read_text())
    peer = run["mem0"]
    if "skipped" in peer:
        pytest.skip(f"Mem0 peer could not start here: {peer['skipped']}")
    assert "error" not in peer, peer.get("error")
    assert peer["describe"]["nlp"] == "spaCy en_core_web_sm loaded"
    assert {"data", "hash", "text_lemmatized", "user_id"} <= set(peer["describe"]["payload_keys"])
    (step,) = peer["steps"]
    filled = sum(s["offered"] for s in run["steps"])  # the rows each step's ingest gave agentmem
    assert step["stored"] == filled  # filled through its own table
    assert step["add"]["n"] == 3 and step["search"]["n"] == 3
    assert step["freshness"]["found"] == 1
    assert step["memories_after_step"] == filled + 3 + 1 + (2 + 3)
    assert not (tmp_path / "d" / "mem0_pg" / "pgdata" / "postmaster.pid").exists()  # the server stopped


@pytest.mark.skipif(importlib.util.find_spec("mem0") is not None and importlib.util.find_spec("pgserver") is not None,
                    reason="the peer is installed here")
def test_peer_skipped_with_a_reason_when_not_installed(tmp_path):
    out = tmp_path / "run.json"
    assert main(["bench-scale", "--sizes", "50", "--users", "2", "--queries", "1", "--adds", "1", "--agents", "1",
                 "--agent-turns", "1", "--probes", "1", "--settle-s", "1", "--quiet", "--json", str(out)]) == 0
    assert "not installed" in json.loads(out.read_text())["mem0"]["skipped"]


@pytest.mark.slow  # a bench-scale run at two sizes (the module's tiny_run)
def test_benchmarks_tables_render_a_scale_run(tiny_run):
    spec = importlib.util.spec_from_file_location(
        "benchmarks_report", Path(__file__).resolve().parent.parent / "scripts" / "benchmarks_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.scale_tables(tiny_run)
    assert text.startswith("`python -m agentmem bench-scale --sizes 120,300 --users 4 --queries 3 --adds 3")
    assert "--no-mem0" in text.splitlines()[0]
    rows = [line for line in text.splitlines() if line.startswith("| 120 |") or line.startswith("| 300 |")]
    assert len(rows) == 4  # latency and throughput tables, one row per step each
    assert "Mem0 on pgvector: skipped (not asked for (--no-mem0))." in text
    after = tiny_run["steps"][0]["search_after_ingest"]["hybrid"]
    assert after["within_5s"]["n"] <= after["n"] == 3
