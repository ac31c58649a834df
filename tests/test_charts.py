"""workbench/charts.py: pure DataFrame -> plotly figure builders, on small hand-made frames."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbench"))
import charts


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


def test_latency_distribution_colours_each_system_and_shades_p95():
    runs = pd.DataFrame({"phase": ["p3", "storage-only", "mem0"], "p50_ms": [1.0, 2.0, 3.0],
                         "p95_ms": [4.0, 5.0, 6.0]})
    boxes = {t.name: t for t in charts.latency_distribution(runs).data}
    assert set(boxes) == {"p50", "p95", "reference p50", "reference p95", "Mem0 p50", "Mem0 p95"}
    assert boxes["p50"].marker.color == charts.SYSTEM_COLORS["agentmem"]
    assert boxes["Mem0 p50"].marker.color == charts.SYSTEM_COLORS["mem0"]
    assert boxes["p95"].marker.color == charts.system_color("agentmem", shade=0.5) != boxes["p50"].marker.color
    assert {b.offsetgroup for b in boxes.values()} == {"p50", "p95"}  # p50 beside p95 whatever the system


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


def test_compare_runs_colours_bars_by_system_newest_run_darkest():
    frame = pd.DataFrame({"run": ["new", "new", "old", "old"], "phase": ["p3", "mem0", "p3", "mem0"],
                          "ops_per_s": [400.0, 80.0, 300.0, 70.0]})
    new, old = charts.compare_runs(frame, run_column="run").data
    assert list(new.marker.color) == [charts.SYSTEM_COLORS["agentmem"], charts.SYSTEM_COLORS["mem0"]]
    assert list(old.marker.color) == [charts.system_color("p3", shade=0.65), charts.system_color("mem0", shade=0.65)]


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


def test_history_timeline_of_one_event_spans_a_minute_of_clock_time():
    at = datetime(2026, 1, 1, 12, 0, 0)
    fig = charts.history_timeline(pd.DataFrame({"event": ["ADD"], "created_at": [at], "new_content": ["x"]}))
    low, high = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert low == pd.Timestamp(at) - pd.Timedelta(seconds=30) and high == pd.Timestamp(at) + pd.Timedelta(seconds=30)
    assert fig.layout.xaxis.tickformat.startswith("%H:%M:%S")
    # events minutes apart keep the axis plotly picks for them
    two = pd.DataFrame({"event": ["ADD", "UPDATE"], "created_at": [at, at + timedelta(minutes=5)]})
    assert charts.history_timeline(two).layout.xaxis.range is None


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


# ---------------------------------------------------------------- colours, dashes, log axes


def test_one_colour_per_system_everywhere():
    assert charts.system_of("agentmem") == charts.system_of("p2b") == "agentmem"
    assert charts.system_of("mem0") == charts.system_of("mem0-pgvector") == charts.system_of("Mem0") == "mem0"
    assert charts.system_of("embed-only") == charts.system_of("storage-only") == "reference"
    assert len(set(charts.SYSTEM_COLORS.values())) == len(charts.SYSTEM_COLORS)
    assert charts.system_color("mem0-pgvector") == charts.SYSTEM_COLORS["mem0"]
    assert charts.system_color("agentmem", shade=1.0) != "#FFFFFF"  # a shade never fades to nothing


def test_phase_throughput_uses_the_system_colours(summary):
    bars = {t.name: t for t in charts.phase_throughput(summary).data if t.type == "bar"}
    assert bars["phase"].marker.color == charts.SYSTEM_COLORS["agentmem"]
    assert bars["Mem0"].marker.color == charts.SYSTEM_COLORS["mem0"]


@pytest.mark.parametrize(("values", "ticks", "labels"), [
    ([1000, 10_000, 99_995], [1e3, 1e4, 1e5], ["1,000", "10,000", "100,000"]),
    ([100_000, 299_938, 999_691], [1e5, 1e6], ["100,000", "1M"]),
    ([0.3, 4.5, 1200.0], [0.1, 1.0, 10.0, 100.0, 1e3, 1e4], ["0.1", "1", "10", "100", "1,000", "10,000"]),
    ([1.6, 1.8], [1.0, 10.0], ["1", "10"]),  # within one decade: the two powers around it
    ([10.0], [1.0, 10.0, 100.0], ["1", "10", "100"]),  # one value on a power of ten: one decade each side
    ([None, float("nan"), 0, -3, 50.0], [10.0, 100.0], ["10", "100"]),  # nothing a log axis cannot show
    ([], [], []),
])
def test_log_ticks_are_powers_of_ten_with_plain_labels(values, ticks, labels):
    got, text = charts.log_ticks(values)
    assert got == pytest.approx(ticks) and text == labels


def scale_frame(sizes=(1000, 10_000), mem0_sizes=(1000,)) -> pd.DataFrame:
    rows = [{"system": "agentmem", "size": n, "hybrid_p50_ms": 4.0 + i, "hybrid_p95_ms": 9.0 + i,
             "vector_p50_ms": 3.0 + i, "fts_p50_ms": 0.6 + i, "hybrid_p50_ms_after_ingest": 6.0 + i,
             "add_p50_ms": 3.5, "add_per_s": 250.0, "agents8_ops_per_s": 90.0 - i}
            for i, n in enumerate(sizes)]
    rows += [{"system": "mem0-pgvector", "size": n, "hybrid_p50_ms": 30.0, "hybrid_p95_ms": 60.0, "add_p50_ms": 9.0,
              "add_per_s": 90.0, "agents8_ops_per_s": 40.0} for n in mem0_sizes]
    return pd.DataFrame(rows)


def test_scale_latency_log_axes_label_powers_of_ten_only():
    fig = charts.scale_latency(scale_frame())
    x, y = fig.layout.xaxis, fig.layout.yaxis
    assert x.type == y.type == "log" and x.tickmode == y.tickmode == "array"
    assert list(x.tickvals) == [1000.0, 10_000.0] and list(x.ticktext) == ["1,000", "10,000"]
    assert list(y.tickvals) == [0.1, 1.0, 10.0, 100.0] and list(y.ticktext) == ["0.1", "1", "10", "100"]
    # the range spans the outer ticks, so both are drawn
    assert x.range[0] < 3 and x.range[1] > 4


def test_scale_charts_colour_per_system_dash_per_mode():
    fig = charts.scale_latency(scale_frame())
    lines = {t.name: t for t in fig.data}
    agentmem = [t for name, t in lines.items() if name.startswith("agentmem: ")]
    mem0 = [t for name, t in lines.items() if name.startswith("Mem0 on pgvector: ")]
    assert agentmem and mem0
    assert {t.line.color for t in agentmem} == {charts.SYSTEM_COLORS["agentmem"]}
    assert {t.line.color for t in mem0} == {charts.SYSTEM_COLORS["mem0"]}
    assert lines["agentmem: vector p50"].line.dash == charts.MODE_DASH["vector"] == "dot"
    assert lines["agentmem: full-text p50"].line.dash == charts.MODE_DASH["fts"] == "dash"
    assert lines["agentmem: hybrid p50"].line.dash == lines["Mem0 on pgvector: hybrid p50"].line.dash == "solid"
    assert lines["agentmem: hybrid p95"].line.dash == "solid"  # p95 of the same mode: same dash, thinner
    assert lines["agentmem: hybrid p95"].line.width < lines["agentmem: hybrid p50"].line.width
    assert lines["agentmem: single add p50"].line.dash == charts.OTHER_DASH
    throughput = charts.scale_throughput(scale_frame())
    assert {t.line.color for t in throughput.data if t.name.startswith("agentmem")} == {charts.SYSTEM_COLORS["agentmem"]}


def test_scale_chart_of_one_size_is_labelled_bars():
    fig = charts.scale_latency(scale_frame(sizes=(1500,), mem0_sizes=(1500,)))
    assert [t.type for t in fig.data] == ["bar", "bar"] and [t.name for t in fig.data] == ["agentmem", "Mem0 on pgvector"]
    assert fig.layout.title.text.startswith("Latency at 1,500 memories")
    agentmem = fig.data[0]
    assert "hybrid p50" in agentmem.x and agentmem.marker.color == charts.SYSTEM_COLORS["agentmem"]
    assert list(agentmem.text) == [f"{v:,.3g}" for v in agentmem.y]  # every bar says its value
    assert charts.scale_throughput(scale_frame(sizes=(1500,), mem0_sizes=())).data[0].type == "bar"


def test_a_system_measured_at_one_size_is_a_labelled_point():
    fig = charts.scale_latency(scale_frame(sizes=(1000, 10_000), mem0_sizes=(10_000,)))
    mem0 = next(t for t in fig.data if t.name == "Mem0 on pgvector: hybrid p50")
    assert mem0.mode == "markers+text" and list(mem0.text) == ["30"]
    assert next(t for t in fig.data if t.name == "agentmem: hybrid p50").mode == "lines+markers"
