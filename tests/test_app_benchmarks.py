"""Workbench Benchmarks page under AppTest: a tiny real run kept in the data directory, its charts and
tables, the noise warning and the Mem0 reason in words, a sweep, past runs listed newest first."""

from __future__ import annotations

import importlib.util
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apptest_support import (
    open_page,
    shown,
    store_dir,  # noqa: F401 - the fixture, found among this module's names
    table,
)
from streamlit.testing.v1 import AppTest

from agentmem import Memory, MemoryConfig

PAGE = "pages/benchmarks.py"
TIMEOUT = 300  # seconds for a script run: a button click runs a real benchmark
ROOT = Path(__file__).resolve().parent.parent
MEM0_INSTALLED = importlib.util.find_spec("mem0") is not None


@pytest.fixture
def results_path(store_dir, monkeypatch):  # noqa: F811 - the fixture imported above
    """Where the page keeps its runs: results/ in the data directory."""
    monkeypatch.delenv("AGENTMEM_RESULTS", raising=False)
    return store_dir / "results" / "bench_runs.jsonl"


def charts_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def saved_phase_run(when: datetime, load: float) -> dict:
    run = json.loads((ROOT / "benchmarks" / "phases_locomo_dev.json").read_text())
    run.update(run_id=f"run-{when:%H%M%S}", timestamp=when.isoformat(timespec="seconds"))
    run["machine"].update(timestamp=run["timestamp"], load_avg=[load, 1.0, 1.0])
    return run


def test_lists_past_runs_newest_first_and_opens_the_newest(results_path, tmp_path, monkeypatch):
    # later than every committed run in benchmarks/, however fresh, so these two sort first
    now = datetime.now(UTC) + timedelta(hours=3)
    results_path.parent.mkdir(parents=True)
    results_path.write_text(json.dumps(saved_phase_run(now - timedelta(hours=2), 0.3)) + "\n")
    elsewhere = tmp_path / "elsewhere.jsonl"  # a results file named by $AGENTMEM_RESULTS is listed too
    elsewhere.write_text(json.dumps(saved_phase_run(now - timedelta(hours=1), 9.0)) + "\n")
    monkeypatch.setenv("AGENTMEM_RESULTS", str(elsewhere))
    at = open_page(PAGE, timeout=TIMEOUT)
    assert at.title[0].value == "Benchmarks" and not at.error, [shown(e) for e in at.error]
    pick = at.selectbox(key="past_open")
    labels = pick.options
    assert labels[0].endswith("elsewhere.jsonl line 1") and "load 9.0, under load" in labels[0]
    assert labels[1].endswith("bench_runs.jsonl line 1") and "load 0.3 ·" in labels[1]
    assert any(label.endswith("phases_locomo_dev.json") for label in labels[2:])  # the committed runs
    dates = [label[:16] for label in labels]
    assert dates == sorted(dates, reverse=True)
    assert pick.value == f"{elsewhere.resolve()}:1"  # the newest is open
    assert any("started at load average 9.0" in shown(w) for w in at.warning)
    assert "Saved run (ops/s per phase)" in charts_titles(at)
    assert set(table(at, "ratio_to_ceiling")["phase"]) >= {"p0", "p3", "embed-only"}
    # the run's infer workload: agentmem beside Mem0 on one LLM server
    infer = table(at, "System", "LLM calls/add")
    assert list(infer["System"]) == ["agentmem", "Mem0 2.2.1"] and (infer["Adds"] > 0).all()
    assert any("Infer workload" in shown(m) for m in at.markdown)
    at.multiselect(key="past_runs").set_value([f"{results_path.resolve()}:1"]).run()
    assert "Past runs compared (ops/s per phase)" in charts_titles(at)


def test_a_size_that_can_only_give_noise_is_said_in_words(results_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    assert at.number_input(key="bench_size").value == 500
    assert not any("can only give noise" in shown(w) for w in at.warning)
    at.number_input(key="bench_size").set_value(100).run()
    (warning,) = [shown(w) for w in at.warning if "can only give noise" in shown(w)]
    assert warning.startswith("100 memories can only give noise: a phase this short is mostly its start")
    assert "Use 500 or more" in warning
    at.selectbox(key="bench_source").set_value("dataset spec").run()
    at.number_input(key="bench_size").set_value(5000)
    at.text_input(key="bench_spec").set_value("synthetic:50").run()
    assert any(shown(w).startswith("50 memories can only give noise") for w in at.warning)


def test_the_mem0_reason_is_in_words(results_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    captions = [shown(c) for c in at.caption]
    if MEM0_INSTALLED:
        assert not at.checkbox(key="bench_mem0").disabled
    else:
        assert at.checkbox(key="bench_mem0").disabled
        assert "Mem0 not measured: the mem0 extra is not installed (pip install 'agentmem[mem0]')" in captions


def test_tiny_run_draws_the_charts_and_is_kept_in_the_data_directory(results_path):
    cli_file = Path.cwd() / "data" / "results" / "bench_runs.jsonl"
    cli_before = cli_file.read_bytes() if cli_file.exists() else None
    at = open_page(PAGE, timeout=TIMEOUT)
    at.selectbox(key="bench_source").set_value("synthetic")
    at.number_input(key="bench_size").set_value(20)
    at.multiselect(key="bench_phases").set_value(["p1", "p3"])
    if MEM0_INSTALLED:
        at.checkbox(key="bench_mem0").uncheck()
    at.button(key="bench_run").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert any("20 memories can only give noise" in shown(w) for w in at.warning)
    summary = table(at, "ratio_to_ceiling")
    assert {"p1", "p3", "embed-only"} <= set(summary["phase"])
    assert (summary.loc[summary["phase"].isin(["p1", "p3"]), "ops_per_s"] > 0).all()
    titles = charts_titles(at)
    assert "Throughput per phase" in titles and any("Where the time goes" in t for t in titles)
    assert any("Latency" in t for t in titles)
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Download bench_summary_") for label in labels)
    # the finished bar names the whole run, not its last step
    bars = [p.proto.text for p in at.get("progress")]
    assert any(text.startswith("Benchmark finished: 5 steps done: embed-only, plain-embed, p1, p3, storage-only")
               for text in bars), bars
    reason = "not asked for (the Mem0 box was off)" if MEM0_INSTALLED else \
        "the mem0 extra is not installed (pip install 'agentmem[mem0]')"
    assert f"Mem0 not measured: {reason}" in [shown(c) for c in at.caption]
    # kept in the data directory's results folder, not the command line's file; offered first among past runs
    runs = [json.loads(line) for line in results_path.read_text().splitlines()]
    assert len(runs) == 1 and [p["phase"] for p in runs[0]["phases"]] == ["p1", "p3"]
    assert runs[0]["mem0"] == {"skipped": reason}
    assert (cli_file.read_bytes() if cli_file.exists() else None) == cli_before
    assert at.selectbox(key="past_open").value == f"{results_path.resolve()}:1"


def test_sweep_and_bad_values(results_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.number_input(key="bench_size").set_value(16)
    at.text_input(key="sweep_values").set_value("8, x")
    at.button(key="sweep_run").click().run()
    assert not at.exception
    assert any("whole numbers" in shown(e) for e in at.error)
    at.selectbox(key="sweep_param").set_value("embed_batch_size")
    at.text_input(key="sweep_values").set_value("4,16")
    at.selectbox(key="sweep_phase").set_value("p1")
    at.button(key="sweep_run").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    sweep = table(at, "param")
    assert list(sweep["value"]) == [4, 16] and (sweep["ops_per_s"] > 0).all()
    assert "Throughput against embed_batch_size" in charts_titles(at)
    bars = [p.proto.text for p in at.get("progress")]
    assert any(text.startswith("Sweep finished: 2 steps done: p1 embed_batch_size=4, p1 embed_batch_size=16")
               for text in bars), bars


def test_no_phase_and_bad_spec_are_messages(results_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.multiselect(key="bench_phases").set_value([])
    at.button(key="bench_run").click().run()
    assert not at.exception
    assert any("pick at least one phase" in shown(e) for e in at.error)
    at.multiselect(key="bench_phases").set_value(["p1"])
    at.selectbox(key="bench_source").set_value("dataset spec").run()
    at.text_input(key="bench_spec").set_value("locomo:/nonexistent/file.json")
    at.button(key="bench_run").click().run()
    assert not at.exception
    assert any("no such file" in shown(e) for e in at.error), [shown(e) for e in at.error]


def test_a_corrupt_results_file_is_named_and_the_rest_still_listed(results_path):
    results_path.parent.mkdir(parents=True)
    results_path.write_text("{not json\n")
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    assert any("Not listed: bench_runs.jsonl line 1: bad JSON" in shown(w) for w in at.warning)
    assert at.selectbox(key="past_open").options  # the committed runs are still there


def test_renders_on_a_populated_store(results_path):
    with Memory(MemoryConfig(data_dir=str(Path(os.environ["AGENTMEM_DATA_DIR"])))) as mem:
        mem.add("Alice drinks green tea", user_id="alice")
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.error, [shown(e) for e in at.error]
