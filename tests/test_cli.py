"""The command line, run as a user would: ``python -m agentmem ...`` in a subprocess."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def agentmem(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentmem", *args],
        check=False,
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
        # --json OUT must name a file in an existing folder, checked before any work (no folder is made)
        (("bench-scale", "--json", "{missing}/out.json"), "argument --json: the folder"),
        (("bench", "--dataset", "synthetic:10", "--json", "{missing}/out.json"), "argument --json: the folder"),
        (("eval", "--dataset", "facts:{badjson}", "--json", "{missing}/out.json"), "argument --json: the folder"),
        (("bench-remote", "--json", "{missing}/out.json"), "argument --json: the folder"),
        (("bench-scale", "--json", "{tmp}"), "is a folder"),
        (("stack",), "the following arguments are required: action"),
        (("search",), "the following arguments are required: QUERY"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path, args, needle):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("body\nhello\n")
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("[{oops")
    args = tuple(a.format(bad=bad_csv, badjson=bad_json, missing=tmp_path / "no" / "such", tmp=tmp_path) for a in args)
    proc = agentmem(*args, "--no-save", cwd=tmp_path) if args[0] == "bench" else agentmem(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("agentmem: error: ")
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert not (tmp_path / "no").exists()


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


def _commands() -> list[str]:
    from agentmem.cli import build_parser

    return list(next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)).choices)


def test_help_lists_every_command_on_one_line(tmp_path):
    """``agentmem`` alone prints the same full help as ``--help`` and exits 0: it is how a
    newcomer asks what the command does, not a mistake."""
    from agentmem import cli

    commands = _commands()
    assert {"add", "search", "list", "export", "import", "stats", "bench", "eval", "bench-scale", "bench-remote",
            "stack"} == set(commands)
    bare, helped = agentmem(cwd=tmp_path), agentmem("--help", cwd=tmp_path)
    assert bare.returncode == 0 and helped.returncode == 0 and bare.stderr == ""
    assert bare.stdout == helped.stdout
    lines = bare.stdout.splitlines()
    for name in commands:
        rows = [line for line in lines if line.startswith(f"  {name} ")]
        assert len(rows) == 1, name
        assert len(rows[0].split(maxsplit=1)) == 2  # the name and its help on the same line
        assert f"``{name}``" in cli.__doc__  # the module docstring names it too
    assert all(len(line) <= 80 for line in lines)


def test_every_option_says_its_default():
    from agentmem.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    silent = [
        f"{name} {action.option_strings[0]}"
        for name, parser in sub.choices.items()
        for action in parser._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
        and not any(word in (action.help or "") for word in ("default", "required"))
    ]
    assert silent == []
