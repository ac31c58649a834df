"""workbench/charts.py: pure DataFrame -> plotly figure builders, on small hand-made frames."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbench"))
import charts  # noqa: E402


@pytest.fixture
def summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "phase": ["p1", "p3", "embed-only", "storage-only", "mem0"],
            "ops_per_s": [900.0, 400.0, 1000.0, 5000.0, 80.0],
            "ops_per_s_min": [850.0, 380.0, 990.0, 4800.0, 70.0],
            "ops_per_s_max": [950.0, 430.0, 1010.0, 5100.0, 90.0],
            "embed_s": [0.5, 0.5, 0.5, 0.0, None],
            "vectors_s": [0.05, 0.06, 0.0, 0.1, None],
            "records_s": [0.0, 0.4, 0.0, 0.1, None],
            "history_s": [0.0, 0.1, 0.0, 0.0, None],
            "other_s": [0.01, 0.02, 0.0, 0.0, None],
            "p50_ms": [10.0, 20.0, 9.0, 2.0, 100.0],
            "p95_ms": [15.0, 30.0, 12.0, 3.0, 150.0],
        }
    )


def test_phase_throughput_draws_phases_ceiling_line_and_mem0(summary):
    fig = charts.phase_throughput(summary)
    assert isinstance(fig, go.Figure)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    assert list(bars["phase"].x) == ["p1", "p3"]
    assert list(bars["phase"].y) == [900.0, 400.0]
    assert list(bars["Mem0"].x) == ["mem0"]
    assert list(bars["reference"].x) == ["storage-only"]
    # the embed-only row is a horizontal line at its value, not a bar
    assert all("embed-only" not in list(t.x) for t in bars.values())
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].y0 == 1000.0 == lines[0].y1
    # whiskers go from min to max around the median
    assert list(bars["phase"].error_y.array) == [50.0, 30.0]
    assert list(bars["phase"].error_y.arrayminus) == [50.0, 20.0]


def test_phase_throughput_cuts_the_axis_above_a_storage_only_bar_that_dwarfs_the_rest(summary):
    fig = charts.phase_throughput(summary)  # storage-only 5000 vs at most 1000 elsewhere
    assert tuple(fig.layout.yaxis.range) == (0, 1300.0)
    assert any("storage-only 5,000 ops/s" in a.text for a in fig.layout.annotations)
    close = summary.assign(ops_per_s=summary["ops_per_s"].where(summary["phase"] != "storage-only", 1500.0))
    fig = charts.phase_throughput(close)
    assert fig.layout.yaxis.range is None


def test_phase_throughput_without_ceiling_or_minmax():
    fig = charts.phase_throughput(pd.DataFrame({"phase": ["p1"], "ops_per_s": [10.0]}))
    assert not fig.layout.shapes
    assert fig.data[0].error_y.array is None


def test_phase_throughput_names_a_missing_column():
    with pytest.raises(ValueError, match="ops_per_s"):
        charts.phase_throughput(pd.DataFrame({"phase": ["p1"]}))


def test_charts_on_empty_frames_say_no_data(summary):
    fig = charts.phase_throughput(summary.iloc[0:0])
    assert "No data" in fig.layout.annotations[0].text
    assert not fig.data


def test_stage_breakdown_stacks_every_stage_per_phase(summary):
    fig = charts.stage_breakdown(summary)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["embed", "vectors", "records", "history", "other"]
    records = next(t for t in fig.data if t.name == "records")
    assert list(records.x) == ["p1", "p3", "embed-only", "storage-only"]  # mem0 has no stages
    assert list(records.y) == [0.0, 0.4, 0.0, 0.1]


def test_stage_breakdown_takes_the_median_of_a_runs_frame():
    runs = pd.DataFrame(
        {"phase": ["p1", "p1", "p1", "p3"], "embed_s": [1.0, 3.0, 2.0, 5.0], "records_s": [0.0, 0.0, 0.0, 1.0]}
    )
    fig = charts.stage_breakdown(runs)
    embed = next(t for t in fig.data if t.name == "embed")
    assert list(embed.x) == ["p1", "p3"]
    assert list(embed.y) == [2.0, 5.0]


def test_stage_breakdown_needs_a_stage_column():
    with pytest.raises(ValueError, match="stage columns"):
        charts.stage_breakdown(pd.DataFrame({"phase": ["p1"], "ops_per_s": [1.0]}))


def test_latency_distribution_has_p50_and_p95_boxes():
    runs = pd.DataFrame({"phase": ["p1", "p1", "p3"], "p50_ms": [1.0, 2.0, 3.0], "p95_ms": [4.0, 5.0, 6.0]})
    fig = charts.latency_distribution(runs)
    assert [t.name for t in fig.data] == ["p50", "p95"]
    assert list(fig.data[1].y) == [4.0, 5.0, 6.0]
    assert list(fig.data[1].x) == ["p1", "p1", "p3"]


def test_sweep_chart_sorts_by_value_and_uses_log_axis_for_powers_of_two():
    sweep = pd.DataFrame(
        {"param": ["embed_batch_size"] * 4, "value": [64, 8, 16, 32], "ops_per_s": [40.0, 10.0, 20.0, 30.0]}
    )
    fig = charts.sweep_chart(sweep)
    assert list(fig.data[0].x) == [8, 16, 32, 64]
    assert list(fig.data[0].y) == [10.0, 20.0, 30.0, 40.0]
    assert fig.layout.xaxis.type == "log"
    assert "embed_batch_size" in fig.layout.title.text


def test_sweep_chart_one_line_per_param_linear_axis():
    sweep = pd.DataFrame(
        {"param": ["pool_size", "pool_size", "chunk_size"], "value": [1, 2, 3], "ops_per_s": [1.0, 2.0, 3.0]}
    )
    fig = charts.sweep_chart(sweep)
    assert [t.name for t in fig.data] == ["pool_size", "chunk_size"]
    assert fig.layout.xaxis.type is None


def test_compare_runs_groups_by_run():
    frame = pd.DataFrame(
        {"run_id": ["a", "a", "b", "b"], "phase": ["p1", "p3", "p1", "p3"], "ops_per_s": [1.0, 2.0, 3.0, 4.0]}
    )
    fig = charts.compare_runs(frame)
    assert [t.name for t in fig.data] == ["a", "b"]
    assert list(fig.data[1].y) == [3.0, 4.0]
    with_storage = pd.concat([frame, pd.DataFrame({"run_id": ["a"], "phase": ["storage-only"], "ops_per_s": [1e4]})])
    assert list(charts.compare_runs(with_storage).data[0].x) == ["p1", "p3"]
    assert list(charts.compare_runs(with_storage, skip=()).data[0].x) == ["p1", "p3", "storage-only"]
    with pytest.raises(ValueError, match="run_id"):
        charts.compare_runs(frame.drop(columns="run_id"))


def test_retrieval_charts():
    summary = pd.DataFrame({"mode": ["vector", "fts", "hybrid"], "recall": [0.5, 0.3, 0.55], "mrr": [0.3, 0.2, 0.35]})
    fig = charts.retrieval_by_mode(summary)
    assert [t.name for t in fig.data] == ["recall", "mrr"]
    assert list(fig.data[0].x) == ["vector", "fts", "hybrid"]
    by_cat = pd.DataFrame(
        {"mode": ["vector", "vector", "fts"], "category": [2, 1, 1], "recall": [0.4, 0.6, 0.2], "mrr": [0.1, 0.2, 0.3]}
    )
    fig = charts.retrieval_by_category(by_cat, metric="mrr")
    vector = fig.data[0]
    assert vector.name == "vector" and list(vector.x) == ["1", "2"] and list(vector.y) == [0.2, 0.1]
    with pytest.raises(ValueError, match="ndcg"):
        charts.retrieval_by_category(by_cat, metric="ndcg")


def test_history_timeline_one_trace_per_event_with_old_and_new_in_hover():
    t0 = datetime(2026, 1, 1, 12, 0)
    history = pd.DataFrame(
        {
            "event": ["ADD", "UPDATE", "DELETE"],
            "old_content": [None, "likes tea", "likes coffee"],
            "new_content": ["likes tea", "likes coffee", None],
            "created_at": [t0, t0 + timedelta(minutes=1), t0 + timedelta(minutes=2)],
        }
    )
    fig = charts.history_timeline(history)
    assert [t.name for t in fig.data] == ["ADD", "UPDATE", "DELETE"]
    update = fig.data[1]
    assert "old: likes tea" in update.hovertext[0] and "new: likes coffee" in update.hovertext[0]


def test_counts_bar_and_ingest_outcome():
    counts = pd.DataFrame({"user_id": ["alice", None, "bob"], "count": [3, 1, 5]})
    fig = charts.counts_bar(counts, label="user_id")
    assert list(fig.data[0].y) == ["(none)", "alice", "bob"]
    assert list(fig.data[0].x) == [1, 3, 5]
    outcome = pd.DataFrame({"outcome": ["ADD", "NOOP", "rejected"], "count": [5, 2, 1]})
    fig = charts.ingest_outcome(outcome)
    assert list(fig.data[0].y) == [5, 2, 1]


def test_not_a_frame_is_a_value_error():
    with pytest.raises(ValueError, match="DataFrame"):
        charts.phase_throughput([{"phase": "p1", "ops_per_s": 1.0}])  # type: ignore[arg-type]
