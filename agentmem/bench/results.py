"""Benchmark results: one run's measurements, its summary, and a JSONL store of runs over time.

A run is a list of rows, one per phase x repetition plus the reference rows
(``embed-only``, ``storage-only``, ``plain-embed``, ``mem0``). The summary takes the
median over repetitions and the min/max as the spread; ``ratio_to_ceiling`` divides
by the embed-only median of the same run. ``cpu_ms_per_item`` is this process's CPU
time (every thread: onnxruntime, LanceDB, libSQL) per memory: on a shared machine it
moves far less than the wall-clock rate. :class:`ResultsStore` appends each run's
JSON as one line, so runs on different days or machines can be compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DatasetError, InvalidInputError
from ..models import STAGES
from .stats import median, percentile

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_RESULTS_PATH",
    "REFERENCE_ROWS",
    "RUN_COLUMNS",
    "SUMMARY_COLUMNS",
    "BenchResult",
    "ResultsStore",
    "run_row",
    "summarize_runs",
]

REFERENCE_ROWS = ("embed-only", "storage-only", "plain-embed", "mem0")
DEFAULT_RESULTS_PATH = Path("data/results/bench_runs.jsonl")
STAGE_COLUMNS = tuple(f"{s}_s" for s in STAGES)
RUN_COLUMNS = (
    "run_id",
    "phase",
    "rep",
    "n",
    "ops_per_s",
    "wall_s",
    *STAGE_COLUMNS,
    "p50_ms",
    "p95_ms",
    "stored",
)
SUMMARY_COLUMNS = (
    "phase",
    "ops_per_s",
    "ops_per_s_min",
    "ops_per_s_max",
    "wall_s",
    *STAGE_COLUMNS,
    "p50_ms",
    "p95_ms",
    "stored",
    "ratio_to_ceiling",
    "cpu_ms_per_item",
)
FORMAT_VERSION = 1


def run_row(phase: str, rep: int, n: int, expected: int, wall: float, walls_ms: Sequence[float],
            stages: Mapping[str, float | None]) -> dict[str, Any]:
    """The columns every row of a run starts with: what ran, its rate and wall time, the
    seconds of each of ``STAGES`` (None: not measured), per-call p50/p95 and the calls."""
    return {
        "phase": phase,
        "rep": rep,
        "n": n,
        "expected": expected,
        "ops_per_s": n / wall if wall > 0 else None,
        "wall_s": wall,
        **{f"{s}_s": stages[s] for s in STAGES},
        "p50_ms": percentile(walls_ms, 50),
        "p95_ms": percentile(walls_ms, 95),
        "calls": len(walls_ms),
    }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def summarize_runs(rows: list[dict[str, Any]], order: Iterable[str]) -> list[dict[str, Any]]:
    """One summary row per phase (in ``order``, then reference rows): medians and spread."""
    by_phase: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_phase.setdefault(row["phase"], []).append(row)
    ceiling = median(r.get("ops_per_s") for r in by_phase.get("embed-only", []))
    names = [p for p in order if p in by_phase] + [p for p in REFERENCE_ROWS if p in by_phase]
    names += [p for p in by_phase if p not in names]
    out = []
    for name in names:
        reps = by_phase[name]
        ops = [r["ops_per_s"] for r in reps if r.get("ops_per_s") is not None]
        med = median(ops)
        summary: dict[str, Any] = {
            "phase": name,
            "ops_per_s": _round(med, 2),
            "ops_per_s_min": _round(min(ops), 2) if ops else None,
            "ops_per_s_max": _round(max(ops), 2) if ops else None,
            "wall_s": _round(median(r.get("wall_s") for r in reps)),
        }
        for col in STAGE_COLUMNS:
            summary[col] = _round(median(r.get(col) for r in reps))
        cpu = median(r.get("cpu_s") for r in reps)
        n_items = median(r.get("n") for r in reps)
        summary["cpu_ms_per_item"] = _round(1000.0 * cpu / n_items, 3) if cpu is not None and n_items else None
        summary["p50_ms"] = _round(median(r.get("p50_ms") for r in reps), 3)
        summary["p95_ms"] = _round(median(r.get("p95_ms") for r in reps), 3)
        stored = [r.get("stored") for r in reps if r.get("stored") is not None]
        summary["stored"] = min(stored) if stored else None
        summary["ratio_to_ceiling"] = _round(med / ceiling, 4) if med is not None and ceiling else None
        summary["reps"] = len(reps)
        out.append(summary)
    return out


@dataclass
class BenchResult:
    """Everything one ``run_benchmark`` call measured; ``to_dict()`` is the JSON written to disk."""

    run_id: str
    timestamp: str
    dataset: dict[str, Any]
    machine: dict[str, Any]
    params: dict[str, Any]
    phases: list[str]
    plans: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)
    mem0: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ shapes

    def summary(self) -> list[dict[str, Any]]:
        return summarize_runs(self.rows, self.phases)

    def targets(self) -> dict[str, Any]:
        """The figures the project's targets are stated in (BENCHMARKS.md, Targets), as measured
        in this run: ratios between rows, None where a row is missing."""
        s = {row["phase"]: row for row in self.summary()}

        def ops(name: str) -> float | None:
            return s[name]["ops_per_s"] if name in s else None

        ceiling = ops("embed-only")
        persisted = [ops(p) for p in self.phases if p != "p1" and ops(p) is not None]
        best = max(persisted) if persisted else None

        def ratio(a: float | None, b: float | None) -> float | None:
            return round(a / b, 3) if a is not None and b else None

        return {
            "best_persisted_phase": max(
                (p for p in self.phases if p != "p1" and ops(p) is not None), key=lambda p: ops(p) or 0.0, default=None
            ),
            "best_persisted_vs_ceiling": ratio(best, ceiling),
            "p3_vs_p0": ratio(ops("p3"), ops("p0")),
            "p3_vs_mem0": ratio(ops("p3"), ops("mem0")),
            "storage_only_ops_per_s": ops("storage-only"),
            "ceiling_vs_plain_embed": ratio(ceiling, ops("plain-embed")),
        }

    def to_dict(self) -> dict[str, Any]:
        summary = {row["phase"]: row for row in self.summary()}
        phases_out = []
        for name in self.phases:
            if name not in summary:
                continue
            row = summary[name]
            reps = [r for r in self.rows if r["phase"] == name]
            phases_out.append(
                {
                    "phase": name,
                    "description": self.plans.get(name, {}).get("description"),
                    "n": reps[0].get("n") if reps else None,
                    "ops_per_s": row["ops_per_s"],
                    "ops_per_s_min": row["ops_per_s_min"],
                    "ops_per_s_max": row["ops_per_s_max"],
                    "ops_per_s_all": [r.get("ops_per_s") for r in reps],
                    "wall_s": row["wall_s"],
                    "stage_seconds": {s: row[f"{s}_s"] for s in STAGES},
                    "p50_ms": row["p50_ms"],
                    "p95_ms": row["p95_ms"],
                    "stored": row["stored"],
                    "expected": reps[0].get("expected") if reps else None,
                    "stored_ok": all(r.get("stored_ok", False) for r in reps),
                    "ratio_to_ceiling": row["ratio_to_ceiling"],
                    "cpu_ms_per_item": row["cpu_ms_per_item"],
                    "plan": self.plans.get(name),
                }
            )
        refs = {name: summary[name] for name in REFERENCE_ROWS if name in summary}

        def ref_ops(name: str) -> float | None:
            return refs[name]["ops_per_s"] if name in refs else None

        return {
            "format": FORMAT_VERSION,
            "run_id": self.run_id,
            "timestamp": self.timestamp,
            "phases": phases_out,
            "embed_only_ops_per_s": ref_ops("embed-only"),
            "storage_only_ops_per_s": ref_ops("storage-only"),
            "plain_embed_ops_per_s": ref_ops("plain-embed"),
            "mem0_ops_per_s": ref_ops("mem0"),
            "references": refs,
            "mem0": self.mem0 if self.mem0 is not None else {"skipped": "not requested"},
            "targets": self.targets(),
            "machine": self.machine,
            "dataset": self.dataset,
            "params": self.params,
            "notes": list(self.notes),
            "failures": dict(self.failures),
            "runs": [dict(r, run_id=self.run_id) for r in self.rows],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BenchResult:
        """Rebuild from ``to_dict()`` output (a line of the results store)."""
        try:
            rows = [{k: v for k, v in r.items() if k != "run_id"} for r in data["runs"]]
            phases = [p["phase"] for p in data.get("phases", [])]
            plans = {p["phase"]: p.get("plan") or {} for p in data.get("phases", [])}
            return cls(
                run_id=data["run_id"],
                timestamp=data.get("timestamp", ""),
                dataset=data.get("dataset", {}),
                machine=data.get("machine", {}),
                params=data.get("params", {}),
                phases=phases,
                plans=plans,
                rows=rows,
                mem0=data.get("mem0"),
                notes=list(data.get("notes", [])),
                failures=dict(data.get("failures", {})),
            )
        except (KeyError, TypeError) as exc:
            raise DatasetError(f"not a benchmark run: missing {exc}") from None

    # ------------------------------------------------------------------ frames

    def runs_frame(self) -> pd.DataFrame:
        """One row per phase x repetition (reference rows included)."""
        import pandas as pd

        rows = [dict(r, run_id=self.run_id) for r in self.rows]
        frame = pd.DataFrame(rows)
        if frame.empty:
            return pd.DataFrame(columns=list(RUN_COLUMNS))
        cols = [c for c in RUN_COLUMNS if c in frame.columns]
        return frame[cols + [c for c in frame.columns if c not in cols]]

    def summary_frame(self) -> pd.DataFrame:
        """One row per phase and reference row: median ops/s, spread, stage medians, ratio."""
        import pandas as pd

        frame = pd.DataFrame(self.summary())
        if frame.empty:
            return pd.DataFrame(columns=list(SUMMARY_COLUMNS))
        cols = [c for c in SUMMARY_COLUMNS if c in frame.columns]
        return frame[cols + [c for c in frame.columns if c not in cols]]

    def table(self) -> str:
        """A plain-text table of the summary, for terminals."""
        header = ["phase", "ops/s", "min", "max", "wall s", *STAGES, "p50 ms", "p95 ms", "stored", "x ceil", "cpu ms/item"]
        lines = []
        for row in self.summary():
            cells = [
                row["phase"],
                _fmt(row["ops_per_s"], 1),
                _fmt(row["ops_per_s_min"], 1),
                _fmt(row["ops_per_s_max"], 1),
                _fmt(row["wall_s"], 2),
                *(_fmt(row[f"{s}_s"], 2) for s in STAGES),
                _fmt(row["p50_ms"], 1),
                _fmt(row["p95_ms"], 1),
                "-" if row["stored"] is None else str(row["stored"]),
                _fmt(row["ratio_to_ceiling"], 2),
                _fmt(row["cpu_ms_per_item"], 2),
            ]
            lines.append(cells)
        return render_table([header, *lines])


def _fmt(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def render_table(rows: list[list[str]]) -> str:
    """A plain-text table: the first row is the header, the first column left-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for j, row in enumerate(rows):
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


class ResultsStore:
    """Benchmark runs, one JSON object per line; append-only.

    ``ResultsStore()`` uses ``data/results/bench_runs.jsonl`` (git-ignored) under the
    current directory.
    """

    def __init__(self, path: str | Path = DEFAULT_RESULTS_PATH) -> None:
        if not isinstance(path, (str, Path)) or not str(path).strip():
            raise InvalidInputError("path", "must be a file path")
        self.path = Path(path).expanduser()

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    def append(self, result: BenchResult | dict[str, Any]) -> dict[str, Any]:
        """Add one run; returns the dict written."""
        data = result.to_dict() if isinstance(result, BenchResult) else dict(result)
        if "run_id" not in data or "runs" not in data:
            raise InvalidInputError("result", "is not a benchmark run (needs run_id and runs)")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(data, default=str) + "\n")
        return data

    def load(self) -> list[dict[str, Any]]:
        """Every run, oldest first; a missing file is an empty store. Bad lines raise DatasetError."""
        if not self.path.exists():
            return []
        runs = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                runs.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{self.path}: line {number}: bad JSON ({exc.msg})") from None
        return runs

    def results(self) -> list[BenchResult]:
        return [BenchResult.from_dict(run) for run in self.load()]

    def summary_frame(self) -> pd.DataFrame:
        """Summary rows of every run, with run_id, timestamp, dataset and machine columns."""
        import pandas as pd

        frames = []
        for run in self.load():
            res = BenchResult.from_dict(run)
            frame = res.summary_frame()
            frame.insert(0, "timestamp", res.timestamp)
            frame.insert(0, "run_id", res.run_id)
            frame["dataset"] = res.dataset.get("name")
            frame["n"] = res.dataset.get("n")
            frame["cpu_count"] = res.machine.get("cpu_count")
            frame["git_commit"] = res.machine.get("git_commit")
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["run_id", "timestamp", *SUMMARY_COLUMNS, "dataset", "n"])
        return pd.concat(frames, ignore_index=True)

    def runs_frame(self) -> pd.DataFrame:
        """Per-repetition rows of every run."""
        import pandas as pd

        frames = [BenchResult.from_dict(run).runs_frame() for run in self.load()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RUN_COLUMNS))
