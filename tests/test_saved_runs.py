"""agentmem.bench.results.find_runs: the saved runs a page can open, checked, labelled, newest first."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from agentmem.bench.results import (
    BUSY_LOAD,
    find_runs,
    phase_run_problem,
    results_dir,
    scale_run_problem,
)
from agentmem.errors import DatasetError, InvalidInputError

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def scale_run() -> dict:
    return json.loads((BENCHMARKS / "scale_10k_100k.json").read_text())


@pytest.fixture(scope="module")
def phase_run() -> dict:
    return json.loads((BENCHMARKS / "phases_locomo_dev.json").read_text())


def dated(run: dict, when: str, load: float, commit: str = "abcdef1234567") -> dict:
    out = copy.deepcopy(run)
    out["machine"].update(timestamp=when, load_avg=[load, 1.0, 1.0], git_commit=commit)
    if "run_id" in out:
        out["run_id"] = f"run-{when}"
        out["timestamp"] = when
    return out


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))
    return path


def test_the_committed_runs_are_all_loadable():
    scale, notes = find_runs([BENCHMARKS], "scale")
    assert scale and not notes
    assert {r.path.name for r in scale} >= {"scale_10k_100k.json", "scale_1m_mem0.json"}
    phases, notes = find_runs([BENCHMARKS], "phases")
    assert phases and not notes and all(r.kind == "phases" for r in phases)
    for run in (*scale, *phases):
        run.load()  # each opens as it was listed


def test_scale_runs_newest_first_labelled_with_date_commit_and_load(tmp_path, scale_run):
    write(tmp_path / "old.json", dated(scale_run, "2026-01-02T10:00:00+00:00", 12.0))
    write(tmp_path / "new.json", dated(scale_run, "2026-03-04T09:30:00+00:00", 0.4, commit="0123456789ab"))
    write(tmp_path / "other.json", {"kind": "eval", "steps": []})  # another benchmark's file: passed over
    (tmp_path / "notes.json").write_text("not json at all")
    runs, notes = find_runs([tmp_path], "scale")
    assert [r.path.name for r in runs] == ["new.json", "old.json"] and notes == []
    new, old = runs
    assert new.label() == "2026-03-04 09:30 UTC · commit 0123456 · load 0.4 · 10k → 100k, 500 users, agentmem only · new.json"
    assert not new.under_load
    assert old.under_load and old.load_avg == 12.0 > BUSY_LOAD and "load 12.0, under load" in old.label()
    assert new.load()["machine"]["git_commit"] == "0123456789ab"


def test_a_run_of_the_wrong_shape_is_not_listed_but_named(tmp_path, scale_run):
    broken = dated(scale_run, "2026-03-04T09:30:00+00:00", 0.4)
    del broken["steps"][0]["search_settled"]
    write(tmp_path / "broken.json", broken)
    write(tmp_path / "empty.json", {"kind": "scale", "steps": []})
    runs, notes = find_runs([tmp_path], "scale")
    assert runs == []
    assert sorted(notes) == ["broken.json: step 1 has no search_settled", "empty.json: no finished step"]
    assert scale_run_problem({"kind": "eval"}).startswith("not a bench-scale run")
    assert scale_run_problem(scale_run) is None


def test_phase_runs_from_json_files_and_the_lines_of_a_store(tmp_path, phase_run):
    store = results_dir(tmp_path / "data")
    write(store / "single.json", dated(phase_run, "2026-02-01T08:00:00+00:00", 0.5))
    lines = [dated(phase_run, "2026-02-03T08:00:00+00:00", 2.5), dated(phase_run, "2026-01-01T08:00:00+00:00", 0.2)]
    (store / "bench_runs.jsonl").write_text(
        "\n".join(json.dumps(r) for r in lines[:1]) + "\n{not json\n" + json.dumps(lines[1]) + "\n")
    cli_file = tmp_path / "cli" / "data" / "results" / "bench_runs.jsonl"
    cli_file.parent.mkdir(parents=True)
    cli_file.write_text(json.dumps(dated(phase_run, "2026-02-02T08:00:00+00:00", 0.1)) + "\n")
    runs, notes = find_runs([store, cli_file, tmp_path / "missing"], "phases")
    assert [r.when.day for r in runs] == [3, 2, 1, 1]  # newest first across both places
    assert [r.line for r in runs] == [1, 1, None, 3]
    assert runs[0].under_load and runs[0].key.endswith("bench_runs.jsonl:1")
    assert "locomo_dev, 2,760 memories" in runs[0].label() and "bench_runs.jsonl line 1" in runs[0].label()
    assert notes == ["bench_runs.jsonl line 2: bad JSON (Expecting property name enclosed in double quotes)"]
    assert runs[3].load()["run_id"] == lines[1]["run_id"]
    assert phase_run_problem({"run_id": "x", "runs": []}) == "no measured rows"


def test_a_run_that_changed_on_disk_is_a_dataset_error(tmp_path, scale_run):
    path = write(tmp_path / "run.json", dated(scale_run, "2026-03-04T09:30:00+00:00", 0.4))
    (run,), _ = find_runs([tmp_path], "scale")
    path.write_text(json.dumps({"kind": "scale", "steps": []}))
    with pytest.raises(DatasetError, match="no finished step"):
        run.load()
    with pytest.raises(InvalidInputError, match="kind"):
        find_runs([tmp_path], "eval")
