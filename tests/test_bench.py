"""The phase benchmark end to end on tiny data: counts, JSON shape, phase configs, results store.

No speed is asserted anywhere: the figures depend on the machine.
"""

from __future__ import annotations

import json

import pytest

from agentmem import MemoryConfig
from agentmem.bench import (
    PHASES,
    BenchResult,
    Dataset,
    DatasetItem,
    ResultsStore,
    load_dataset,
    plan_phase,
    run_benchmark,
    run_sweep,
)
from agentmem.bench.mem0_peer import unavailable_reason
from agentmem.errors import DatasetError, InvalidInputError

STAGES = ("embed", "vectors", "records", "history", "other")


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory) -> BenchResult:
    work = tmp_path_factory.mktemp("bench")
    seen: list[tuple[str, int, int]] = []
    res = run_benchmark(
        load_dataset("synthetic:40"),
        phases=PHASES,
        repeat=1,
        batch_size=8,
        work_dir=work,
        include_mem0=True,
        progress=lambda phase, done, total: seen.append((phase, done, total)),
    )
    res.progress_seen = seen  # type: ignore[attr-defined]
    res.work_dir = work  # type: ignore[attr-defined]
    return res


def test_every_phase_stores_every_memory(tiny_run):
    data = tiny_run.to_dict()
    assert [p["phase"] for p in data["phases"]] == list(PHASES)
    for phase in data["phases"]:
        assert phase["stored"] == 40, phase["phase"]
        assert phase["expected"] == 40
        assert phase["stored_ok"] is True
        assert phase["n"] == 40
    runs = {r["phase"]: r for r in data["runs"]}
    assert runs["p1"]["stored_records"] == 0  # vectors only
    assert runs["p1"]["stored_vectors"] == 40
    for name in ("p0", "p2a", "p2b", "p2c", "p3", "storage-only"):
        assert runs[name]["stored_records"] == 40 and runs[name]["stored_vectors"] == 40


def test_json_shape(tiny_run):
    data = json.loads(json.dumps(tiny_run.to_dict()))  # plain JSON all the way down
    for key in ("phases", "embed_only_ops_per_s", "storage_only_ops_per_s", "machine", "dataset", "runs", "targets"):
        assert key in data
    for phase in data["phases"]:
        assert set(STAGES) <= set(phase["stage_seconds"])
        assert phase["ops_per_s"] > 0
        assert phase["p50_ms"] is not None and phase["p95_ms"] >= phase["p50_ms"]
        assert phase["plan"]["config"]["model"] == MemoryConfig().model
    assert data["embed_only_ops_per_s"] > 0 and data["storage_only_ops_per_s"] > 0
    assert data["plain_embed_ops_per_s"] > 0
    assert data["dataset"]["n"] == 40 and data["dataset"]["kind"] == "synthetic"
    machine = data["machine"]
    assert machine["cpu_count"] >= 1
    assert machine["packages"]["lancedb"] and machine["packages"]["fastembed"]
    assert machine["model"] == MemoryConfig().model


def test_stage_seconds_come_from_the_orchestrator(tiny_run):
    runs = {r["phase"]: r for r in tiny_run.rows}
    assert runs["p0"]["calls"] == 40  # one add() per memory
    assert runs["p0"]["embed_s"] > 0 and runs["p0"]["records_s"] > 0
    assert runs["p1"]["records_s"] == 0.0  # nothing written to libSQL
    assert runs["p1"]["calls"] == sum(-(-len(rows) // 8) for rows in _by_user(load_dataset("synthetic:40")))
    assert runs["storage-only"]["embed_s"] == 0.0  # precomputed vectors: no model


def _by_user(ds: Dataset) -> list[list[DatasetItem]]:
    out: dict[str, list[DatasetItem]] = {}
    for item in ds.items:
        out.setdefault(item.user_id, []).append(item)
    return list(out.values())


def test_mem0_row_or_a_note(tiny_run):
    data = tiny_run.to_dict()
    if unavailable_reason() is None:
        row = data["references"]["mem0"]
        assert row["stored"] == 40
        assert data["mem0"]["version"]
    else:
        assert "skipped" in data["mem0"]
        assert "mem0" not in data["references"]


def test_progress_reaches_the_end_of_each_phase(tiny_run):
    finished = {phase for phase, done, total in tiny_run.progress_seen if done == total}
    assert set(PHASES) | {"embed-only", "storage-only"} <= finished


def test_work_dir_is_cleaned(tiny_run):
    assert list(tiny_run.work_dir.iterdir()) == []


def test_frames(tiny_run):
    runs = tiny_run.runs_frame()
    for col in ("run_id", "phase", "rep", "n", "ops_per_s", "wall_s", "embed_s", "other_s", "p50_ms", "stored"):
        assert col in runs.columns
    summary = tiny_run.summary_frame()
    assert list(summary["phase"][: len(PHASES)]) == list(PHASES)
    assert {"embed-only", "storage-only", "plain-embed"} <= set(summary["phase"])
    ceiling = summary.set_index("phase").loc["embed-only"]
    assert ceiling["ratio_to_ceiling"] == pytest.approx(1.0)
    assert (summary["cpu_ms_per_item"].dropna() > 0).all()
    for col in ("ops_per_s_min", "ops_per_s_max", "records_s", "p95_ms", "stored", "cpu_ms_per_item"):
        assert col in summary.columns
    assert "p3" in tiny_run.table()


def test_results_store_round_trip(tiny_run, tmp_path):
    store = ResultsStore(tmp_path / "results" / "runs.jsonl")
    assert store.load() == []
    assert store.summary_frame().empty
    store.append(tiny_run)
    store.append(tiny_run.to_dict())
    runs = store.load()
    assert len(runs) == 2 and runs[0]["run_id"] == tiny_run.run_id
    frame = store.summary_frame()
    assert {"run_id", "timestamp", "phase", "ops_per_s"} <= set(frame.columns)
    assert len(frame) == 2 * len(tiny_run.summary())
    again = BenchResult.from_dict(runs[0])
    assert again.summary() == tiny_run.summary()
    with store.path.open("a") as fh:
        fh.write("{not json\n")
    with pytest.raises(DatasetError, match="line 3"):
        store.load()
    with pytest.raises(InvalidInputError):
        store.append({"no": "run"})


def test_duplicates_are_counted_once(tmp_path):
    items = [DatasetItem(f"memory number {i}", "u1") for i in range(6)]
    items += [DatasetItem("memory number 1", "u1"), DatasetItem("memory number 1", "u2")]
    ds = Dataset("dups", "jsonl", items)
    assert ds.distinct_count() == 7
    res = run_benchmark(
        ds, phases=["p0", "p2a", "p3"], include_mem0=False, include_references=False, work_dir=tmp_path
    )
    for phase in res.to_dict()["phases"]:
        assert phase["stored"] == 7 and phase["stored_ok"], phase["phase"]


def test_phase_configs_follow_the_plan():
    base = MemoryConfig()
    p0 = plan_phase("p0").config(base, "x")
    assert (p0.concurrent_writes, p0.pool_size, p0.pipeline, p0.length_aware, p0.embed_cache, p0.optimize_model) == (
        False,
        1,
        False,
        False,
        False,
        False,
    )
    p1 = plan_phase("p1", batch_size=32)
    c1 = p1.config(base, "x")
    assert p1.feed == "batch" and p1.batch_size == 32
    assert c1.persist_records is False and c1.embed_batch_size == 32 and c1.chunk_size >= 32
    assert c1.length_aware is False and c1.embed_token_budget >= 32 * 256
    c2a = plan_phase("p2a").config(base, "x")
    assert c2a.persist_records and c2a.concurrent_writes and c2a.pool_size == 1
    p2b = plan_phase("p2b", concurrency=3)
    assert p2b.feed == "many" and p2b.concurrency == 3 and p2b.config(base, "x").pool_size == 1
    assert plan_phase("p2c", pool_size=5).config(base, "x").pool_size == 5
    c3 = plan_phase("p3").config(base, "somewhere")
    assert c3 == base.replace(data_dir="somewhere")
    with pytest.raises(InvalidInputError) as err:
        plan_phase("p4")
    assert err.value.field == "phases"


def test_bad_arguments():
    ds = load_dataset("synthetic:5")
    with pytest.raises(InvalidInputError) as err:
        run_benchmark(ds, phases=["p0", "p7"])
    assert err.value.field == "phases"
    with pytest.raises(InvalidInputError) as err:
        run_benchmark(ds, repeat=0)
    assert err.value.field == "repeat"
    with pytest.raises(InvalidInputError) as err:
        run_sweep(ds, param="colour", values=[1])
    assert err.value.field == "param"


def test_sweep_one_row_per_value(tmp_path):
    frame = run_sweep(load_dataset("synthetic:30"), param="pool_size", values=[1, 2], phase="p2c", work_dir=tmp_path)
    assert list(frame["value"]) == [1, 2]
    assert set(frame["param"]) == {"pool_size"}
    assert list(frame["stored"]) == [30, 30]
    for col in ("ops_per_s", "wall_s", "embed_s", "records_s", "p50_ms"):
        assert col in frame.columns


async def test_runs_inside_a_running_event_loop(tmp_path):
    res = run_benchmark(
        load_dataset("synthetic:12"), phases=["p1"], include_mem0=False, include_references=False, work_dir=tmp_path
    )
    assert res.to_dict()["phases"][0]["stored"] == 12


def test_repetitions_give_median_and_spread(tmp_path):
    res = run_benchmark(
        load_dataset("synthetic:12"),
        phases="p1,p3",
        repeat=2,
        include_mem0=False,
        include_references=False,
        work_dir=tmp_path,
    )
    runs = res.runs_frame()
    assert sorted(zip(runs["phase"], runs["rep"])) == [("p1", 0), ("p1", 1), ("p3", 0), ("p3", 1)]
    for phase in res.to_dict()["phases"]:
        assert len(phase["ops_per_s_all"]) == 2
        assert phase["ops_per_s_min"] <= phase["ops_per_s"] <= phase["ops_per_s_max"]
        assert phase["stored"] == 12
    assert res.to_dict()["embed_only_ops_per_s"] is None  # references switched off
