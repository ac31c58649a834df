"""The phase benchmark's infer workload (``agentmem bench --infer``), run as a user would: the
command line in a subprocess, the local llama.cpp server started by the command itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentmem.bench.llm_local import missing

ROOT = Path(__file__).resolve().parent.parent


def agentmem(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agentmem", *args], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=600)


def small_locomo(src: Path, dst: Path) -> Path:
    """The first conversation of ``src`` cut to its first session: a fast phase run."""
    sample = json.loads(src.read_text(encoding="utf-8"))[0]
    conv = sample["conversation"]
    keep = {k: v for k, v in conv.items() if not k.startswith("session_") or k.split("_")[1] == "1"}
    dst.write_text(json.dumps([{**sample, "conversation": keep}]), encoding="utf-8")
    return dst


def test_infer_takes_locomo_data_only(tmp_path: Path) -> None:
    proc = agentmem("bench", "--dataset", "synthetic:10", "--infer", "--no-save", cwd=tmp_path)
    assert proc.returncode != 0 and "--infer" in proc.stderr and "locomo:PATH" in proc.stderr


def test_infer_checks_the_endpoint_before_any_work(tmp_path: Path, locomo_path: Path) -> None:
    proc = agentmem("bench", "--dataset", f"locomo:{locomo_path}", "--infer", "--llm-base-url", "ftp://x",
                    "--no-save", cwd=tmp_path)
    assert proc.returncode != 0 and "llm_base_url" in proc.stderr
    assert "memories" not in proc.stdout  # refused before the dataset was run
    proc = agentmem("bench", "--dataset", f"locomo:{locomo_path}", "--infer", "--infer-wait", "-1", "--no-save", cwd=tmp_path)
    assert proc.returncode != 0 and "--infer-wait" in proc.stderr


@pytest.mark.slow
def test_bench_infer_runs_the_workload_beside_the_phases(tmp_path: Path, locomo_path: Path) -> None:
    why = missing()
    if why:
        pytest.skip(f"no local LLM server: {why}")
    data = small_locomo(locomo_path, tmp_path / "one_session.json")
    out = tmp_path / "run.json"
    proc = agentmem("bench", "--dataset", f"locomo:{data}", "--phases", "p3", "--no-references", "--no-mem0",
                    "--infer", "--infer-conversations", "1", "--infer-adds", "2", "--infer-wait", "0", "--no-save", "--quiet",
                    "--json", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    run = json.loads(out.read_text(encoding="utf-8"))
    assert [p["phase"] for p in run["phases"]] == ["p3"] and run["params"]["infer"] is True
    inf = run["infer"]
    assert inf["settings"]["adds"] == 2 and inf["settings"]["endpoint"] == "local"
    assert inf["server"]["engine"].startswith("llama.cpp through node-llama-cpp")
    (row,) = inf["rows"]  # --no-mem0: agentmem alone, and the run says why
    assert row["system"] == "agentmem" and row["adds"] == 2 and row["failed_adds"] == 0 and row["verify_ok"]
    assert row["llm_calls_per_add"] >= 1 and row["tokens_in_per_add"] > 0  # counted by the server itself
    assert row["p50_s"] > 0 and row["memories"] == sum(row["memories_per_conversation"].values())
    assert 0 < row["llm_share_of_add"] <= 1 and 0 < row["llm_p50_s"] <= row["p95_s"]
    assert any("mem0 row skipped" in n for n in run["notes"])
    assert "infer workload" in proc.stdout and "agentmem" in proc.stdout

    # the report renders it: the command with its infer flags, one row per system
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import benchmarks_report
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert "--infer --infer-conversations 1 --infer-adds 2" in benchmarks_report.bench_tables(run)
    table = benchmarks_report.infer_tables(run)
    assert "| agentmem | 2 | 0 |" in table and "Mem0" not in table.split("\n\n")[1]
