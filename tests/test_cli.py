"""The command line, run as a user would: ``python -m agentmem ...`` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def agentmem(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentmem", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=None,
    )


def test_bench_writes_json_and_a_table(tmp_path):
    out = tmp_path / "out.json"
    results = tmp_path / "runs.jsonl"
    proc = agentmem(
        "bench", "--dataset", "synthetic:30", "--phases", "p1,p3", "--json", str(out),
        "--results", str(results), "--no-mem0", "--work-dir", str(tmp_path / "work"),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert [p["phase"] for p in data["phases"]] == ["p1", "p3"]
    for p in data["phases"]:
        assert p["stored"] == 30
        assert set(p["stage_seconds"]) >= {"embed", "vectors", "records", "history"}
        assert p["p50_ms"] is not None and p["ops_per_s"] > 0
    assert data["embed_only_ops_per_s"] > 0 and data["storage_only_ops_per_s"] > 0
    assert data["machine"]["cpu_count"] >= 1 and data["dataset"]["n"] == 30
    assert "p3" in proc.stdout and "embed-only" in proc.stdout and "ops/s" in proc.stdout
    assert len(results.read_text().splitlines()) == 1  # appended to the results store


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("bench", "--dataset", "synthetic:10", "--phases", "p1,p9"), "unknown phase 'p9'"),
        (("bench", "--dataset", "locomo:does/not/exist.json"), "no such file"),
        (("bench", "--dataset", "csv:{bad}"), "no text column 'text'"),
        (("bench", "--dataset", "parquet:x"), "unknown dataset kind"),
        (("bench", "--dataset", "synthetic:10", "--limit", "0"), "--limit"),
        (("bench", "--dataset", "synthetic:10", "--limit", "many"), "--limit"),
        (("eval", "--dataset", "locomo:{badjson}"), "bad JSON"),
        (("eval", "--dataset", "synthetic:10"), "no questions"),
        (("eval", "--dataset", "locomo:{badjson}", "--modes", "vector,magic"), "unknown search mode"),
        (("eval",), "--dataset"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path, args, needle):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("body\nhello\n")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("[{oops")
    args = tuple(a.format(bad=bad_csv, badjson=bad_json) for a in args)
    proc = agentmem(*args, "--no-save", cwd=tmp_path) if args[0] == "bench" else agentmem(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("agentmem: error: ")
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_eval_on_a_small_locomo_file(tmp_path):
    from test_eval import locomo_file

    out = tmp_path / "eval.json"
    proc = agentmem(
        "eval", "--dataset", f"locomo:{locomo_file(tmp_path)}", "--k", "3", "--modes", "vector,fts",
        "--json", str(out), "--quiet", cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert [s["mode"] for s in data["summary"]] == ["vector", "fts"]
    assert all(s["questions"] == 4 for s in data["summary"])
    assert "recall@3" in proc.stdout
    assert proc.stderr == ""  # --quiet: no progress bars


def test_eval_takes_several_data_sets_and_the_message_path(tmp_path):
    from test_eval import cv_file, facts_file

    out = tmp_path / "eval.json"
    proc = agentmem(
        "eval", "--dataset", f"locomo:{cv_file(tmp_path)}", "--dataset", f"facts:{facts_file(tmp_path)}",
        "--k", "1", "--modes", "vector,hybrid", "--messages", "--json", str(out), "--quiet", cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    runs = json.loads(out.read_text())["runs"]
    assert [r["dataset"]["name"] for r in runs] == ["cv_locomo", "cv_facts"]
    assert [r["messages"] for r in runs] == [True, False]  # facts have no sessions: add_batch
    assert "through add(messages)" in proc.stdout and "top-1" in proc.stdout


def test_eval_compare_scores_the_defaults_beside_vector_search(tmp_path):
    from test_eval import cv_file, facts_file

    out = tmp_path / "compare.json"
    proc = agentmem(
        "eval", "--dataset", f"locomo:{cv_file(tmp_path)}", "--dataset", f"facts:{facts_file(tmp_path)}",
        "--k", "1", "--compare", "--json", str(out), "--quiet", cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert len(data["settings"]) == 1  # nothing to choose from
    assert [u["unit"] for u in data["units"]] == ["cv_locomo / add_batch", "cv_locomo / add_batch + contexts",
                                                  "cv_locomo / add(messages)", "cv_facts / add_batch"]
    assert "the defaults, nothing chosen" in proc.stdout and "vector search alone" in proc.stdout
    bad = agentmem("eval", "--dataset", f"facts:{facts_file(tmp_path)}", "--compare", "--cv", "2", cwd=tmp_path)
    assert bad.returncode != 0 and "--compare" in bad.stderr and "Traceback" not in bad.stderr


def test_help_lists_both_commands(tmp_path):
    proc = agentmem("--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert "bench" in proc.stdout and "eval" in proc.stdout
