"""Benchmark results: one run's measurements, its summary, and a JSONL store of runs over time.

A run is a list of rows, one per phase x repetition plus the reference rows
(``embed-only``, ``storage-only``, ``plain-embed``, ``mem0``). The summary takes the
median over repetitions and the min/max as the spread; ``ratio_to_ceiling`` divides
by the embed-only median of the same run. ``cpu_ms_per_item`` is this process's CPU
time (every thread: onnxruntime, LanceDB, libSQL) per memory: on a shared machine it
moves far less than the wall-clock rate. :class:`ResultsStore` appends each run's
JSON as one line, so runs on different days or machines can be compared.

:func:`find_runs` lists the runs saved on disk that a page can open: phase runs (JSON
files and the lines of JSONL stores) and ``bench-scale`` runs, each checked for the
shape it is drawn from and labelled with its date, commit and the machine's load when
it started (:class:`SavedRun`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DatasetError, InvalidInputError
from ..models import STAGES
from .stats import median, percentile

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUSY_LOAD",
    "DEFAULT_RESULTS_PATH",
    "REFERENCE_ROWS",
    "RUN_COLUMNS",
    "SUMMARY_COLUMNS",
    "BenchResult",
    "ResultsStore",
    "SavedRun",
    "find_runs",
    "phase_run_problem",
    "results_dir",
    "run_row",
    "scale_run_problem",
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
    #: the infer workload's report (agentmem.bench.infer_bench.run_workload), when it ran
    infer: dict[str, Any] | None = None
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
            "mem0": self.mem0 if self.mem0 is not None else {"skipped": "not asked for"},
            **({"infer": self.infer} if self.infer is not None else {}),
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
                infer=data.get("infer"),
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
    current directory, the command line's default; the workbench keeps the runs it
    starts beside its store, in ``results_dir(data_dir) / "bench_runs.jsonl"``.
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


# ---------------------------------------------------------------------- saved runs

#: A run is labelled "under load" when the machine's 1-minute load average was above this
#: as it started: other work shared the CPUs, so its rates are lower and its latencies higher.
BUSY_LOAD = 1.5
#: Files up to this size are parsed whole to see whether they are a run; a larger one only
#: when its first bytes say it is one of the kind looked for (a retrieval study can be MBs).
_PARSE_WHOLE_BYTES = 256 * 1024
_HEAD_BYTES = 4096
_HEAD = {"scale": re.compile(r'"kind"\s*:\s*"scale"'), "phases": re.compile(r'"run_id"\s*:')}
_MODES = ("vector", "fts", "hybrid")


def results_dir(data_dir: str | Path) -> Path:
    """Where the workbench keeps the benchmark runs it starts: ``results/`` in the data directory."""
    return Path(data_dir).expanduser() / "results"


def _missing(obj: Any, keys: Iterable[str], where: str) -> str | None:
    if not isinstance(obj, dict):
        return f"{where} is not an object"
    lost = [k for k in keys if k not in obj]
    return f"{where} has no {', '.join(lost)}" if lost else None


def _first(obj: Any) -> Any:
    return obj[0] if isinstance(obj, list) and obj else None


def scale_run_problem(data: Any) -> str | None:
    """Why ``data`` cannot be drawn as a ``bench-scale`` run, in a few words (None: it can).

    Checks what the Scale page's table and charts read (``scale_frame``): every step's
    searches per mode, adds, freshness, agent loop, disk and memory; Mem0's steps likewise.
    """
    if not isinstance(data, dict) or data.get("kind") != "scale":
        return "not a bench-scale run (no \"kind\": \"scale\")"
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        return "no finished step"
    for i, step in enumerate(steps, start=1):
        where = f"step {i}"
        problem = _missing(step, ("stored", "search_settled", "search_after_ingest", "add", "freshness",
                                  "agent_loop", "disk_bytes_per_memory", "peak_rss_mb"), where)
        if problem:
            return problem
        checks = [
            _missing(_first(step["search_settled"]), _MODES, f"{where}'s settled searches"),
            _missing(step["search_after_ingest"], _MODES, f"{where}'s searches after ingest"),
            _missing(step["freshness"], _MODES, f"{where}'s freshness"),
            _missing(_first(step["add"]), ("p50_ms", "p95_ms", "seq_per_s"), f"{where}'s adds"),
            None if isinstance(step["agent_loop"], list) else f"{where}'s agent loop is not a list",
        ]
        problem = next((c for c in checks if c), None)
        if problem:
            return problem
        for mode in _MODES:
            problem = (_missing(step["search_settled"][0][mode], ("p50_ms", "p95_ms"), f"{where}'s {mode} search")
                       or _missing(step["search_after_ingest"][mode], ("p50_ms", "p95_ms"),
                                   f"{where}'s {mode} search after ingest")
                       or _missing(step["freshness"][mode], ("max_ms",), f"{where}'s {mode} freshness"))
            if problem:
                return problem
        for loop in step["agent_loop"]:
            problem = _missing(loop, ("agents", "ops_per_s", "turn_p95_ms"), f"{where}'s agent loop")
            if problem:
                return problem
    peer = data.get("mem0") or {}
    if not isinstance(peer, dict):
        return "its mem0 part is not an object"
    for i, step in enumerate(peer.get("steps") or [], start=1):
        problem = (_missing(step, ("stored", "add", "search"), f"Mem0 step {i}")
                   or _missing(step["add"], ("p50_ms", "p95_ms", "seq_per_s"), f"Mem0 step {i}'s adds")
                   or _missing(step["search"], ("p50_ms", "p95_ms"), f"Mem0 step {i}'s searches"))
        if problem:
            return problem
    return None


def phase_run_problem(data: Any) -> str | None:
    """Why ``data`` cannot be read as a phase-benchmark run (``BenchResult.from_dict``); None: it can."""
    if not isinstance(data, dict) or "run_id" not in data:
        return "not a phase-benchmark run (no run_id)"
    runs = data.get("runs")
    if not isinstance(runs, list) or not runs:
        return "no measured rows"
    if not all(isinstance(r, dict) and "phase" in r for r in runs):
        return "a row without its phase"
    if not isinstance(data.get("phases", []), list) or not all(
            isinstance(p, dict) and "phase" in p for p in data.get("phases", [])):
        return "its phases are not a list of phases"
    return None


_PROBLEM = {"scale": scale_run_problem, "phases": phase_run_problem}


def _short_size(n: Any) -> str:
    try:
        n = int(n)
    except (TypeError, ValueError):
        return "?"
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1000 and n % 100 == 0:
        return f"{n / 1000:g}k"
    return f"{n:,}"


def _when(text: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SavedRun:
    """One run on disk that a page can open: where it is and what its label says.

    ``line`` is the line number in a JSONL store (None for a JSON file of its own);
    ``load_avg`` the 1-minute load average when the run started (``machine.load_avg``).
    """

    path: Path
    kind: str
    timestamp: str
    commit: str | None
    load_avg: float | None
    what: str
    line: int | None = None
    run_id: str | None = None

    @property
    def key(self) -> str:
        """Names this run among all the saved ones (the file, and the line in a store)."""
        return str(self.path) if self.line is None else f"{self.path}:{self.line}"

    @property
    def under_load(self) -> bool:
        return self.load_avg is not None and self.load_avg > BUSY_LOAD

    @property
    def when(self) -> datetime | None:
        return _when(self.timestamp)

    def label(self) -> str:
        """``<date> <time> UTC · commit <short hash> · load <1-min average> · <sizes> · <file name>``."""
        when = self.when
        parts = [when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "date unknown",
                 f"commit {self.commit[:7]}" if self.commit else "commit unknown"]
        if self.load_avg is None:
            parts.append("load unknown")
        else:
            parts.append(f"load {self.load_avg:.1f}" + (", under load" if self.under_load else ""))
        parts.append(self.what)
        parts.append(self.path.name if self.line is None else f"{self.path.name} line {self.line}")
        return " · ".join(parts)

    def short_label(self) -> str:
        """``<date> <time> UTC · commit <short hash>``: enough to tell runs apart in a legend."""
        return " · ".join(self.label().split(" · ")[:2])

    def load(self) -> dict[str, Any]:
        """The run's data, read again (DatasetError when the file changed into something else)."""
        try:
            if self.line is None:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            else:
                lines = self.path.read_text(encoding="utf-8").splitlines()
                data = json.loads(lines[self.line - 1])
        except (OSError, IndexError, json.JSONDecodeError) as exc:
            raise DatasetError(f"{self.path.name}: cannot be read again ({type(exc).__name__})") from None
        problem = _PROBLEM[self.kind](data)
        if problem:
            raise DatasetError(f"{self.path.name}: {problem}")
        return data


def _describe(kind: str, data: dict[str, Any]) -> str:
    if kind == "scale":
        sizes = (data.get("settings") or {}).get("sizes") or [s.get("size") for s in data["steps"]]
        done = len(data["steps"])
        text = " → ".join(_short_size(s) for s in sizes)
        if done < len(sizes):
            text += f" ({done} of {len(sizes)} steps finished)"
        users = (data.get("settings") or {}).get("users")
        if users:
            text += f", {users:,} users"
        peer = data.get("mem0") or {}
        return text + (", with Mem0" if peer.get("steps") else ", agentmem only")
    ds = data.get("dataset") or {}
    n = ds.get("n")
    text = f"{ds.get('name', 'dataset')}, {n:,} memories" if isinstance(n, int) else str(ds.get("name", "dataset"))
    repeat = (data.get("params") or {}).get("repeat")
    if repeat:
        text += f", {repeat} repetition" + ("s" if repeat != 1 else "")
    return text + (", with Mem0" if any(r.get("phase") == "mem0" for r in data["runs"]) else "")


def _saved(kind: str, path: Path, data: dict[str, Any], line: int | None) -> SavedRun:
    machine = data.get("machine") if isinstance(data.get("machine"), dict) else {}
    load = machine.get("load_avg")
    try:
        load1 = float(load[0]) if isinstance(load, list) and load else None
    except (TypeError, ValueError):
        load1 = None
    stamp = machine.get("timestamp") or data.get("timestamp") or ""
    commit = machine.get("git_commit")
    return SavedRun(path=path, kind=kind, timestamp=str(stamp), commit=str(commit) if commit else None,
                    load_avg=load1, what=_describe(kind, data), line=line, run_id=data.get("run_id"))


def _looks_like(path: Path, kind: str) -> bool:
    try:
        if path.stat().st_size <= _PARSE_WHOLE_BYTES:
            return True
        with path.open("r", encoding="utf-8", errors="replace") as fh:
            return bool(_HEAD[kind].search(fh.read(_HEAD_BYTES)))
    except OSError:
        return False


def find_runs(places: Iterable[str | Path], kind: str) -> tuple[list[SavedRun], list[str]]:
    """The runs of ``kind`` (``"scale"`` or ``"phases"``) saved in ``places``, newest first,
    and a note for each file or line that looked like one but cannot be opened.

    A place is a folder (its ``*.json`` files, and for phase runs its ``*.jsonl`` stores)
    or a file; a place that does not exist is skipped. Files of other kinds (an eval, a
    retrieval study) are passed over without a note.
    """
    if kind not in _PROBLEM:
        raise InvalidInputError("kind", f"must be 'scale' or 'phases', got {kind!r}")
    files: dict[Path, None] = {}
    for place in places:
        place = Path(place).expanduser()
        if place.is_dir():
            found = sorted(place.glob("*.json")) + (sorted(place.glob("*.jsonl")) if kind == "phases" else [])
        elif place.is_file():
            found = [place]
        else:
            continue
        for f in found:
            files.setdefault(f.resolve(), None)
    runs: list[SavedRun] = []
    notes: list[str] = []
    problem_of = _PROBLEM[kind]
    for path in files:
        if path.suffix == ".jsonl":
            if kind != "phases":
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                notes.append(f"{path.name}: cannot be read ({type(exc).__name__})")
                continue
            for number, row in enumerate(text.splitlines(), start=1):
                if not row.strip():
                    continue
                try:
                    data = json.loads(row)
                except json.JSONDecodeError as exc:
                    notes.append(f"{path.name} line {number}: bad JSON ({exc.msg})")
                    continue
                problem = problem_of(data)
                if problem:
                    notes.append(f"{path.name} line {number}: {problem}")
                else:
                    runs.append(_saved(kind, path, data, number))
            continue
        if not _looks_like(path, kind):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue  # not JSON at all: not a run, nothing to say
        if kind == "scale" and not (isinstance(data, dict) and data.get("kind") == "scale"):
            continue
        if kind == "phases" and not (isinstance(data, dict) and "run_id" in data and "runs" in data):
            continue
        problem = problem_of(data)
        if problem:
            notes.append(f"{path.name}: {problem}")
        else:
            runs.append(_saved(kind, path, data, None))

    def newest(run: SavedRun) -> tuple[float, str]:
        when = run.when
        if when is None:
            try:
                return (run.path.stat().st_mtime, run.key)
            except OSError:
                return (0.0, run.key)
        return (when.timestamp(), run.key)

    runs.sort(key=newest, reverse=True)
    return runs, notes
