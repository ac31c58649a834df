"""Workbench Benchmarks page under AppTest: a tiny real run, its charts and tables, a sweep, past runs."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from agentmem import Memory, MemoryConfig
from apptest_support import open_page, shown, store_dir, table  # noqa: F401 - store_dir is a fixture

PAGE = "pages/benchmarks.py"
TIMEOUT = 300  # seconds for a script run: a button click runs a real benchmark


@pytest.fixture
def results_path(store_dir, tmp_path, monkeypatch):
    path = tmp_path / "results" / "bench_runs.jsonl"
    monkeypatch.setenv("AGENTMEM_RESULTS", str(path))
    return path


def charts_titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_renders_with_no_past_runs(results_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    assert at.title[0].value == "Benchmarks" and not at.error
    assert any("No runs in" in i.value for i in at.info)


def test_tiny_run_draws_the_charts_and_is_stored(results_path):
    at = open_page(PAGE, timeout=TIMEOUT)
    at.selectbox(key="bench_source").set_value("synthetic")
    at.number_input(key="bench_size").set_value(20)
    at.multiselect(key="bench_phases").set_value(["p1", "p3"])
    at.button(key="bench_run").click().run()
    assert not at.exception and not at.error, [shown(e) for e in at.error]
    summary = table(at, "ratio_to_ceiling")
    assert {"p1", "p3", "embed-only"} <= set(summary["phase"])
    assert (summary.loc[summary["phase"].isin(["p1", "p3"]), "ops_per_s"] > 0).all()
    titles = charts_titles(at)
    assert "Throughput per phase" in titles and any("Where the time goes" in t for t in titles)
    assert any("Latency" in t for t in titles)
    labels = [b.label for b in at.get("download_button")]
    assert any(label.startswith("Download bench_summary_") for label in labels)
    # stored in the results file, and offered among the past runs
    runs = [json.loads(line) for line in results_path.read_text().splitlines()]
    assert len(runs) == 1 and [p["phase"] for p in runs[0]["phases"]] == ["p1", "p3"]
    assert at.multiselect(key="past_runs").value == [runs[0]["run_id"]]
    assert "Past runs compared (ops/s per phase)" in titles


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


def test_a_corrupt_results_file_is_a_message(results_path):
    results_path.parent.mkdir(parents=True)
    results_path.write_text("{not json\n")
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.exception
    assert any("Cannot read the results file" in shown(e) and "bad JSON" in shown(e) for e in at.error)


def test_renders_on_a_populated_store(results_path, store_dir):
    with Memory(MemoryConfig(data_dir=str(store_dir))) as mem:
        mem.add("Alice drinks green tea", user_id="alice")
    at = open_page(PAGE, timeout=TIMEOUT)
    assert not at.error, [shown(e) for e in at.error]
