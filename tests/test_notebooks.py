"""The notebooks: committed without outputs, and each runs top to bottom on a fresh kernel.

Each notebook is executed with nbclient at a small size: the values of its
``parameters`` cell are overridden by a cell inserted after it (papermill's
convention), in ``notebooks/`` as the working directory, on the real model and real
stores. The notebooks print the ``python -m agentmem`` command equivalent to their
run; the tests run that command and check it gives the same result (counts, phases,
shape; retrieval scores exactly; not timings, which are noise).
"""

from __future__ import annotations

import importlib.util
import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_output

pytestmark = pytest.mark.slow  # runs every notebook on a fresh kernel

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
NAMES = ("01_quickstart.ipynb", "02_optimization_phases.ipynb", "03_retrieval_quality.ipynb", "04_scale.ipynb")
STRIP_SCRIPT = REPO / "scripts" / "strip_notebooks.py"
LOCOMO_DEV = REPO.parent / "shared" / "data" / "locomo_dev.json"
CELL_TIMEOUT_S = 600


def _strip_module() -> Any:
    spec = importlib.util.spec_from_file_location("strip_notebooks", STRIP_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def kernel() -> str:
    """The ``python3`` kernel; installed into the venv if jupyter cannot find one."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True)
    return "python3"


def _parameters_index(nb: Any) -> int:
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell is tagged 'parameters'"
    return tagged[0]


def execute(name: str, kernel: str, **params: Any) -> Any:
    """Run a notebook on a fresh kernel with ``params`` injected after its parameters cell."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = _parameters_index(nb)
    source = "\n".join(f"{key} = {value!r}" for key, value in params.items())
    nb.cells.insert(at + 1, new_code_cell(source, metadata={"tags": ["injected-parameters"]}))
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT_S, kernel_name=kernel, resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    return nb


def output_text(nb: Any) -> str:
    """Everything the notebook printed or displayed as text or Markdown."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif "data" in out:
                parts.append(out.data.get("text/markdown", "") or out.data.get("text/plain", ""))
    return "\n".join(parts)


def figures(nb: Any) -> list[dict[str, Any]]:
    return [
        out.data["application/vnd.plotly.v1+json"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "data" in out and "application/vnd.plotly.v1+json" in out.data
    ]


def cli_command(nb: Any, subcommand: str) -> list[str]:
    """The ``python -m agentmem ...`` line the notebook printed, as argv for this interpreter."""
    lines = [
        line for line in output_text(nb).splitlines() if line.startswith(f"python -m agentmem {subcommand} ")
    ]
    assert len(lines) == 1, f"the notebook prints one `python -m agentmem {subcommand}` command"
    argv = shlex.split(lines[0])
    return [sys.executable, *argv[1:]]


def run_cli(argv: list[str], cwd: Path, json_out: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [*argv, "--quiet", "--json", str(json_out)], cwd=cwd, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(json_out.read_text())


# --------------------------------------------------------------------------- committed files


def test_the_three_notebooks_are_committed_stripped() -> None:
    strip = _strip_module()
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], f"{name}: a code cell has outputs"
                assert cell.execution_count is None, f"{name}: a code cell has an execution count"
        assert not strip.needs_stripping(NOTEBOOKS / name), f"{name}: run scripts/strip_notebooks.py"
        assert nb.metadata["kernelspec"]["name"] == "python3"


def test_the_parameters_cell_is_the_first_code_cell() -> None:
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / name, as_version=4)
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        assert _parameters_index(nb) == code[0], name
        assert nb.cells[0].cell_type == "markdown", f"{name} opens with prose"


def test_strip_script_check_passes_on_the_committed_notebooks() -> None:
    proc = subprocess.run([sys.executable, str(STRIP_SCRIPT), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_strip_script_strips_outputs_and_run_metadata(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOKS / NAMES[0], as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))
    code.outputs = [new_output("stream", name="stdout", text="hello\n")]
    code.execution_count = 7
    code.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}
    nb.metadata["widgets"] = {"state": {}}
    dirty = tmp_path / "dirty.ipynb"
    nbformat.write(nb, dirty)

    check = subprocess.run([sys.executable, str(STRIP_SCRIPT), "--check", str(dirty)], capture_output=True, text=True)
    assert check.returncode == 1 and "dirty.ipynb" in check.stdout
    assert json.loads(dirty.read_text())["metadata"]["widgets"] == {"state": {}}  # --check changes nothing

    fix = subprocess.run([sys.executable, str(STRIP_SCRIPT), str(dirty)], capture_output=True, text=True)
    assert fix.returncode == 0, fix.stderr
    assert dirty.read_text() == (NOTEBOOKS / NAMES[0]).read_text()  # back to the committed bytes
    again = subprocess.run([sys.executable, str(STRIP_SCRIPT), "--check", str(dirty)], capture_output=True, text=True)
    assert again.returncode == 0


# --------------------------------------------------------------------------- executed


def test_quickstart_runs_top_to_bottom(kernel: str, tmp_path: Path) -> None:
    store = tmp_path / "quickstart"
    nb = execute(NAMES[0], kernel, DATA_DIR=str(store))
    text = output_text(nb)
    assert "NOOP" in text
    assert "NotFoundError" in text
    assert "InvalidInputError: value: human block" in text
    assert "add_many events: [['ADD', 'ADD'], ['ADD', 'ADD']]" in text
    assert "imported 10 memories" in text
    # DATA_DIR was given, so the store stays: the export and both stores are there.
    exported = (store / "memories.jsonl").read_text().splitlines()
    assert len(exported) == 10
    assert {json.loads(line)["user_id"] for line in exported} == {"alice", "bob"}
    assert (store / "memory").is_dir() and (store / "copy").is_dir()
    assert len(figures(nb)) == 2  # counts per user, history timeline


def test_optimization_phases_match_the_cli(kernel: str, tmp_path: Path) -> None:
    nb_json = tmp_path / "notebook.json"
    nb = execute(
        NAMES[1],
        kernel,
        LIMIT=24,
        REPEAT=1,
        INCLUDE_MEM0=False,
        SWEEP_BATCH_SIZES=[8, 32],
        SWEEP_CONCURRENCY=[1, 4],
        JSON_OUT=str(nb_json),
    )
    mine = json.loads(nb_json.read_text())
    expected_dataset = f"locomo:{LOCOMO_DEV.resolve()}" if LOCOMO_DEV.exists() else "synthetic:24"
    argv = cli_command(nb, "bench")
    assert argv[argv.index("--dataset") + 1] == expected_dataset
    assert argv[argv.index("--limit") + 1] == "24"
    assert "--no-mem0" in argv and "--no-save" in argv
    cli = run_cli(argv, tmp_path, tmp_path / "cli.json")

    assert sorted(mine) == sorted(cli)
    assert mine["dataset"] == cli["dataset"]
    assert mine["params"] == cli["params"]
    assert mine["targets"].keys() == cli["targets"].keys()
    phase_keys = ("phase", "description", "n", "stored", "expected", "stored_ok", "plan")
    assert [{k: p[k] for k in phase_keys} for p in mine["phases"]] == [
        {k: p[k] for k in phase_keys} for p in cli["phases"]
    ]
    assert [p["phase"] for p in mine["phases"]] == ["p0", "p1", "p2a", "p2b", "p2c", "p3"]
    assert all(p["stored"] == p["expected"] == mine["dataset"]["distinct"] for p in mine["phases"])
    runs = [(r["phase"], r["rep"], r["n"], r["stored"]) for r in mine["runs"]]
    assert runs == [(r["phase"], r["rep"], r["n"], r["stored"]) for r in cli["runs"]]
    assert sorted(mine["runs"][0]) == sorted(cli["runs"][0])

    # The conclusion is computed from this run, not typed in.
    text = output_text(nb)
    assert f"runs at **{mine['embed_only_ops_per_s']:,.0f} memories/s**" in text
    assert f"**{mine['targets']['best_persisted_phase']}** at" in text
    assert f"goes up **{mine['targets']['p3_vs_p0']:.1f}x**" in text
    assert "Sweeping batch size in p2c: best at" in text and "Sweeping batches in flight in p2c" in text
    # throughput, stages, latency, two sweeps: all drawn by workbench.charts
    assert len(figures(nb)) == 5


def _scores(run: dict[str, Any]) -> tuple[Any, ...]:
    summary = [{k: v for k, v in row.items() if k not in ("p50_ms", "p95_ms")} for row in run["summary"]]
    return summary, run["by_category"], run["dataset"], run["categories"], run["skipped"], run["config"]


def test_retrieval_quality_on_the_sample_matches_the_cli(kernel: str, tmp_path: Path) -> None:
    nb_json = tmp_path / "notebook.json"
    nb = execute(NAMES[2], kernel, DATASET="sample", WORK_DIR=str(tmp_path), JSON_OUT=str(nb_json))
    mine = json.loads(nb_json.read_text())
    argv = cli_command(nb, "eval")
    assert argv[argv.index("--dataset") + 1] == f"locomo:{tmp_path / 'sample_locomo.json'}"
    cli = run_cli(argv, tmp_path, tmp_path / "cli.json")
    assert _scores(mine) == _scores(cli)  # same store, same searches: the same figures exactly

    assert [row["mode"] for row in mine["summary"]] == ["vector", "fts", "hybrid"]
    assert mine["dataset"]["questions"] == 12 and mine["skipped"]["other_categories"] == 1  # category 5 left out
    text = output_text(nb)
    assert "the sample conversation written above" in text
    assert "### Hybrid wins over vector" in text and "### Hybrid loses to vector" in text
    best = max(mine["summary"], key=lambda r: (r["recall"], r["mrr"]))
    assert f"Best recall@10: **{best['mode']}** with {best['recall']:.3f}" in text
    saved_cv = REPO / "benchmarks" / "retrieval_cv_dev.json"
    # per mode, recall and MRR per category, and the saved cross-validation run's folds
    assert len(figures(nb)) == 3 + saved_cv.is_file()
    if saved_cv.is_file():
        assert "Cross-validated folds from the saved run retrieval_cv_dev.json" in text


def test_retrieval_quality_cross_validates_when_asked(kernel: str, tmp_path: Path) -> None:
    """CV_FOLDS=2 on a two-conversation file: the folds are computed in the notebook."""
    from test_eval import cv_file

    path = cv_file(tmp_path)
    nb = execute(NAMES[2], kernel, DATASET=f"locomo:{path}", CV_FOLDS=2, K=2, WORK_DIR=str(tmp_path))
    text = output_text(nb)
    assert "Cross-validated folds from this run, recall@2" in text
    assert "previous_default" in text and "chosen" in text


def test_retrieval_quality_on_the_locomo_dev_split(kernel: str, tmp_path: Path) -> None:
    if not LOCOMO_DEV.exists():
        pytest.skip("../shared/data/locomo_dev.json is not present")
    nb_json = tmp_path / "notebook.json"
    nb = execute(NAMES[2], kernel, LIMIT=60, JSON_OUT=str(nb_json))
    mine = json.loads(nb_json.read_text())
    assert mine["dataset"]["name"] == "locomo_dev" and mine["dataset"]["n"] == 60
    assert cli_command(nb, "eval")[3:] == [
        "eval", "--dataset", f"locomo:{LOCOMO_DEV.resolve()}", "--limit", "60", "--k", "10",
        "--modes", "vector,fts,hybrid",
    ]
    questions = mine["summary"][0]["questions"]
    assert questions > 0 and all(row["questions"] == questions for row in mine["summary"])
    text = output_text(nb)
    assert f"**{mine['dataset']['questions']} questions** with evidence" in text
    assert "Hybrid wins over vector" in text


def test_scale_runs_small_and_matches_the_cli(kernel: str, tmp_path: Path) -> None:
    nb_json = tmp_path / "notebook.json"
    nb = execute(NAMES[3], kernel, SIZES=[80, 200], USERS=3, QUERIES=2, ADDS=2, AGENTS=[2], AGENT_TURNS=1, PROBES=1,
                 SETTLE_S=5, SAVED_RUN=None, JSON_OUT=str(nb_json))
    mine = json.loads(nb_json.read_text())
    argv = cli_command(nb, "bench-scale")
    assert argv[argv.index("--sizes") + 1] == "80,200" and "--no-mem0" in argv
    cli = run_cli(argv, tmp_path, tmp_path / "cli.json")
    assert mine["settings"] == cli["settings"]
    shape = lambda run: [(s["size"], s["stored"], s["offered"], s["memories_after_step"]) for s in run["steps"]]  # noqa: E731
    # each step: its ingest, then 2 adds and 2 agent turns right after it and again once settled, 3 probes
    after = lambda size: size + 2 * 2 + 3 + 2 * 2  # noqa: E731
    assert shape(mine) == shape(cli) == [(80, 80, 80, after(80)), (200, 200, 200 - after(80), after(200))]
    text = output_text(nb)
    assert "From 80 to 200 memories, hybrid search p50 went from" in text
    assert "No saved run" in text
    assert len(figures(nb)) == 2  # latency and throughput of this run
