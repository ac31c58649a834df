"""Chart builders for the workbench: DataFrames in, plotly figures out.

Every function here is pure (no Streamlit, no I/O), so notebooks draw the same
pictures as the app::

    from workbench.charts import phase_throughput
    phase_throughput(result.summary_frame()).show()

The frames follow the contract of ``agentmem.bench`` and ``agentmem.eval``
(``summary_frame()``, ``runs_frame()``, ``run_sweep()``, ``by_category_frame()``).
A frame without a column a chart needs raises ``ValueError`` naming the column.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "MODE_DASH",
    "REFERENCE_PHASES",
    "STAGE_COLUMNS",
    "SYSTEM_COLORS",
    "compare_runs",
    "counts_bar",
    "history_timeline",
    "ingest_outcome",
    "latency_distribution",
    "log_ticks",
    "mode_of",
    "phase_throughput",
    "retrieval_by_category",
    "retrieval_by_mode",
    "scale_latency",
    "scale_style",
    "scale_throughput",
    "stage_breakdown",
    "sweep_chart",
    "system_color",
    "system_of",
]

#: Seconds per stage, in the order they are stacked (bottom first).
STAGE_COLUMNS = ("embed_s", "vectors_s", "records_s", "history_s", "other_s")
#: Rows of a summary frame that are references, not optimization phases.
REFERENCE_PHASES = ("embed-only", "storage-only", "plain-embed", "mem0")
#: The row whose throughput is the ceiling every phase is measured against.
CEILING_PHASE = "embed-only"
#: A reference bar this many times taller than every other bar is drawn off scale.
OFF_SCALE = 4.0
#: The shortest stretch of time a history axis spans (one event, or a burst of them).
HISTORY_MIN_SPAN = pd.Timedelta(minutes=1)

#: One colour per system, the same on every chart of the Scale and Benchmarks pages:
#: agentmem's phases and lines, Mem0's row and lines, and the reference rows (the model
#: alone, the stores alone), which are neither system.
SYSTEM_COLORS = {"agentmem": "#1F5FA8", "mem0": "#D6452E", "reference": "#8C8C8C"}
#: How each system is named in a legend.
SYSTEM_NAMES = {"agentmem": "agentmem", "mem0": "Mem0", "reference": "reference"}
#: One line style per search mode, the same on every chart.
MODE_DASH = {"hybrid": "solid", "vector": "dot", "fts": "dash"}
#: Lines that are not a search (single add, the agent loop).
OTHER_DASH = "longdashdot"
#: Stages are one system's parts, not systems: their own colours, none of the system colours.
_STAGE_COLORS = {
    "embed_s": "#72B7B2",
    "vectors_s": "#F2A93B",
    "records_s": "#7FB069",
    "history_s": "#B279A2",
    "other_s": "#C9C2BC",
}
_EVENT_COLORS = {"ADD": "#54A24B", "UPDATE": "#4C78A8", "DELETE": "#E45756"}
_LAYOUT = {"template": "plotly_white", "margin": {"l": 40, "r": 20, "t": 60, "b": 40}, "legend_title_text": ""}


def _require(frame: pd.DataFrame, columns: Iterable[str], *, chart: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        # ValueError, not TypeError: every bad frame raises the one error the module docstring names
        raise ValueError(f"{chart}: expected a pandas DataFrame, got {type(frame).__name__}")  # noqa: TRY004
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{chart}: the frame has no column {', '.join(repr(c) for c in missing)}")


def _empty(title: str, message: str = "No data yet") -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, **_LAYOUT)
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def system_of(name: object) -> str:
    """Which system a row or line belongs to: ``"mem0"`` (``mem0``, ``mem0-pgvector``),
    ``"reference"`` (embed-only, storage-only, plain-embed) or ``"agentmem"``."""
    text = str(name).strip().lower()
    if text.startswith("mem0"):
        return "mem0"
    if text in REFERENCE_PHASES:
        return "reference"
    return "agentmem"


def system_color(name: object, *, shade: float = 0.0) -> str:
    """The system's colour (``SYSTEM_COLORS``); ``shade`` from 0 to 1 mixes it with white,
    for a second figure of the same system (p95 beside p50, an older run beside a newer)."""
    base = SYSTEM_COLORS[system_of(name)]
    return _tint(base, shade)


def _tint(color: str, shade: float) -> str:
    shade = min(max(float(shade), 0.0), 0.85)
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * shade):02X}" for c in rgb)


def _plain(value: float) -> str:
    """A power of ten as an axis says it: 0.1, 1, 10, 1,000, 100,000, 1M, 10M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1:
        return f"{value:,.0f}"
    return f"{value:g}"


def log_ticks(values: Iterable[object]) -> tuple[list[float], list[str]]:
    """Ticks for a log axis over ``values``: powers of ten only (no 2 and 5 between them),
    from the one at or below the smallest value to the one at or above the largest,
    at least two; labels in plain numbers. Values that are missing or not above 0 are
    left out; none left gives no ticks."""
    finite = []
    for v in values:
        try:
            x = float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if math.isfinite(x) and x > 0:
            finite.append(x)
    if not finite:
        return [], []
    # the small slack keeps 1000.0000001 (a float's noise) from opening another decade
    lo = math.floor(math.log10(min(finite)) + 1e-9)
    hi = math.ceil(math.log10(max(finite)) - 1e-9)
    if hi == lo:  # every value is the same power of ten: one decade either side
        lo, hi = lo - 1, hi + 1
    vals = [10.0 ** k for k in range(lo, hi + 1)]
    return vals, [_plain(v) for v in vals]


def _log_axis(values: Iterable[object]) -> dict:
    """Layout of a log axis with ``log_ticks``: the range spans the outer ticks, a little
    beyond them so a point on a power of ten is not cut in half."""
    vals, text = log_ticks(values)
    if not vals:
        return {"type": "log"}
    pad = 0.06 * (math.log10(vals[-1]) - math.log10(vals[0]))
    return {"type": "log", "tickmode": "array", "tickvals": vals, "ticktext": text, "minor": {"showgrid": False},
            "range": [math.log10(vals[0]) - pad, math.log10(vals[-1]) + pad]}


def _phases_only(summary: pd.DataFrame) -> pd.DataFrame:
    return summary[~summary["phase"].astype(str).isin(REFERENCE_PHASES)]


def phase_throughput(summary: pd.DataFrame, *, title: str = "Throughput per phase") -> go.Figure:
    """Bars of median ops/s per phase, min–max whiskers, the embed-only ceiling as a line.

    ``summary`` is ``BenchmarkResult.summary_frame()``: columns ``phase``, ``ops_per_s``
    and optionally ``ops_per_s_min`` / ``ops_per_s_max``. The ``embed-only`` row becomes
    a dashed horizontal line (nothing that embeds can beat it); a ``mem0`` row, when
    present, is drawn as its own bar in a different colour. Other reference rows
    (``storage-only``, ``plain-embed``) are drawn as grey bars after the phases.
    """
    _require(summary, ("phase", "ops_per_s"), chart="phase_throughput")
    if summary.empty:
        return _empty(title)
    frame = summary.copy()
    frame["phase"] = frame["phase"].astype(str)
    phases = _phases_only(frame)
    refs = frame[frame["phase"].isin(("storage-only", "plain-embed"))]
    mem0 = frame[frame["phase"] == "mem0"]
    ceiling = frame[frame["phase"] == CEILING_PHASE]

    fig = go.Figure()

    def bars(rows: pd.DataFrame, name: str, color: str) -> None:
        if rows.empty:
            return
        error = None
        if {"ops_per_s_min", "ops_per_s_max"} <= set(rows.columns):
            error = {
                "type": "data",
                "symmetric": False,
                "array": (rows["ops_per_s_max"] - rows["ops_per_s"]).clip(lower=0).tolist(),
                "arrayminus": (rows["ops_per_s"] - rows["ops_per_s_min"]).clip(lower=0).tolist(),
                "thickness": 1.2,
            }
        fig.add_bar(
            x=rows["phase"].tolist(),
            y=rows["ops_per_s"].tolist(),
            name=name,
            marker_color=color,
            error_y=error,
            text=[f"{v:,.0f}" for v in rows["ops_per_s"]],
            textposition="outside",
        )

    bars(phases, "phase", SYSTEM_COLORS["agentmem"])
    bars(refs, "reference", _tint(SYSTEM_COLORS["reference"], 0.35))
    bars(mem0, "Mem0", SYSTEM_COLORS["mem0"])
    if not ceiling.empty:
        value = float(ceiling["ops_per_s"].iloc[0])
        fig.add_hline(
            y=value,
            line_dash="dash",
            line_color=SYSTEM_COLORS["reference"],
            annotation_text=f"embed-only ceiling {value:,.0f} ops/s",
            annotation_position="top left",
        )
        # A trace too, so the ceiling shows in the legend and in hover.
        fig.add_scatter(x=[None], y=[None], mode="lines", name="embed-only ceiling",
                        line={"color": SYSTEM_COLORS["reference"], "dash": "dash"})
    fig.update_layout(title=title, yaxis_title="memories / s", xaxis_title="", barmode="group", **_LAYOUT)
    # storage-only (no model at all) can be 50x the rest and would flatten every phase
    # to the floor: cut the axis above the others and label that bar with its value.
    rest = frame[frame["phase"] != "storage-only"]["ops_per_s"].dropna()
    storage = refs[refs["phase"] == "storage-only"]["ops_per_s"].dropna()
    if not storage.empty and not rest.empty and float(storage.iloc[0]) > OFF_SCALE * float(rest.max()):
        top = float(rest.max()) * 1.3
        fig.update_yaxes(range=[0, top])
        fig.add_annotation(
            x="storage-only",
            y=top,
            text=f"storage-only {float(storage.iloc[0]):,.0f} ops/s ↑",
            showarrow=False,
            yanchor="top",
            bgcolor="rgba(255,255,255,0.8)",
        )
    return fig


def stage_breakdown(summary: pd.DataFrame, *, title: str = "Where the time goes (seconds per stage)") -> go.Figure:
    """Stacked bars: seconds spent in each stage (embed, vectors, records, history, other) per phase.

    Takes a summary frame (one row per phase) or a runs frame (one row per repetition:
    the median per phase is drawn). Stage columns that are absent are skipped; at least
    one must be present.
    """
    _require(summary, ("phase",), chart="stage_breakdown")
    stages = [c for c in STAGE_COLUMNS if c in summary.columns]
    if not stages:
        raise ValueError(f"stage_breakdown: the frame has none of the stage columns {', '.join(STAGE_COLUMNS)}")
    if summary.empty:
        return _empty(title)
    frame = summary.copy()
    frame["phase"] = frame["phase"].astype(str)
    frame = frame[frame["phase"] != "mem0"]  # Mem0 reports no stages
    order = list(dict.fromkeys(frame["phase"]))
    per_phase = frame.groupby("phase", sort=False)[stages].median().reindex(order)
    fig = go.Figure()
    for stage in stages:
        fig.add_bar(
            x=per_phase.index.tolist(),
            y=per_phase[stage].fillna(0).tolist(),
            name=stage.removesuffix("_s"),
            marker_color=_STAGE_COLORS[stage],
        )
    fig.update_layout(title=title, barmode="stack", yaxis_title="seconds", xaxis_title="", **_LAYOUT)
    return fig


def latency_distribution(runs: pd.DataFrame, *, title: str = "Latency per batch (ms)") -> go.Figure:
    """p50 and p95 latency per phase, one point per repetition, a box across repetitions.

    ``runs`` is ``BenchmarkResult.runs_frame()`` (``phase``, ``p50_ms``, ``p95_ms``);
    a summary frame works too (one point per phase). Boxes take their system's colour
    (``SYSTEM_COLORS``: agentmem's phases, Mem0, the reference rows), p95 a lighter shade
    of it; the traces are ``p50`` and ``p95`` for agentmem, ``Mem0 p50`` and so on for
    the others.
    """
    _require(runs, ("phase", "p50_ms", "p95_ms"), chart="latency_distribution")
    if runs.empty:
        return _empty(title)
    frame = runs.copy()
    frame["phase"] = frame["phase"].astype(str)
    frame["_system"] = frame["phase"].map(system_of)
    fig = go.Figure()
    for column, name, shade in (("p50_ms", "p50", 0.0), ("p95_ms", "p95", 0.5)):
        for system in ("agentmem", "reference", "mem0"):
            rows = frame[frame["_system"] == system].dropna(subset=[column])
            if rows.empty:
                continue
            color = system_color(system, shade=shade)
            fig.add_box(
                x=rows["phase"].tolist(),
                y=rows[column].tolist(),
                name=name if system == "agentmem" else f"{SYSTEM_NAMES[system]} {name}",
                marker_color=color,
                line_color=color,
                offsetgroup=name,  # p50 boxes side by side with p95 boxes, whichever system
                boxpoints="all",
                jitter=0.3,
                pointpos=0,
            )
    fig.update_layout(title=title, boxmode="group", yaxis_title="ms", xaxis_title="", **_LAYOUT)
    return fig


def sweep_chart(sweep: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """ops/s against the swept value (batch size, concurrency, pool size...), one line per param.

    ``sweep`` is ``run_sweep()``'s frame: ``param``, ``value``, ``ops_per_s``.
    """
    _require(sweep, ("param", "value", "ops_per_s"), chart="sweep_chart")
    params = list(dict.fromkeys(sweep["param"].astype(str)))
    if title is None:
        title = "Throughput against " + (", ".join(params) if params else "a setting")
    if sweep.empty:
        return _empty(title)
    fig = go.Figure()
    for i, param in enumerate(params):
        rows = sweep[sweep["param"].astype(str) == param].sort_values("value")
        color = system_color("agentmem", shade=0.25 * i)  # every sweep is agentmem's: its colour, then shades
        fig.add_scatter(
            x=rows["value"].tolist(),
            y=rows["ops_per_s"].tolist(),
            mode="lines+markers",
            name=param,
            text=[f"{v:,.0f} ops/s" for v in rows["ops_per_s"]],
            line={"color": color},
            marker={"color": color},
        )
    fig.update_layout(
        title=title,
        xaxis_title=params[0] if len(params) == 1 else "value",
        yaxis_title="memories / s",
        **_LAYOUT,
    )
    if len(params) == 1 and sweep["value"].nunique() > 2 and (sweep["value"] > 0).all():
        values = sorted(sweep["value"].unique())
        ratios = [b / a for a, b in itertools.pairwise(values)]
        if min(ratios) >= 1.9:  # powers of two and the like read best on a log axis
            fig.update_xaxes(type="log", tickvals=values, ticktext=[str(v) for v in values])
    return fig


def compare_runs(
    summaries: pd.DataFrame,
    *,
    run_column: str = "run_id",
    skip: Sequence[str] = ("storage-only",),
    title: str = "Past runs compared (ops/s per phase)",
) -> go.Figure:
    """Grouped bars: ops/s per phase, one trace per run.

    ``summaries`` is ``ResultsStore.summary_frame()``: one row per (run, phase) with
    ``run_column``, ``phase`` and ``ops_per_s``. Rows whose phase is in ``skip`` are
    left out (storage-only, with no model, would flatten every other bar). Each bar has
    its system's colour (``SYSTEM_COLORS``); the first run in the frame is the full
    colour and each later run a lighter shade, so the page lists the newest first.
    """
    _require(summaries, (run_column, "phase", "ops_per_s"), chart="compare_runs")
    summaries = summaries[~summaries["phase"].astype(str).isin(skip)]
    if summaries.empty:
        return _empty(title)
    fig = go.Figure()
    groups = list(summaries.groupby(run_column, sort=False))
    for i, (run, rows) in enumerate(groups):
        shade = 0.65 * i / max(1, len(groups) - 1)
        phases = rows["phase"].astype(str).tolist()
        fig.add_bar(x=phases, y=rows["ops_per_s"].tolist(), name=str(run),
                    marker_color=[system_color(p, shade=shade) for p in phases],
                    marker_line={"color": "#333333", "width": 0.5})
    fig.update_layout(title=title, barmode="group", yaxis_title="memories / s", xaxis_title="", **_LAYOUT)
    return fig


def retrieval_by_mode(
    summary: pd.DataFrame,
    *,
    metrics: Sequence[str] = ("recall", "mrr"),
    title: str = "Retrieval quality per search mode",
) -> go.Figure:
    """Grouped bars of recall@k / MRR (and any other metric column) per search mode."""
    _require(summary, ("mode", *metrics), chart="retrieval_by_mode")
    if summary.empty:
        return _empty(title)
    fig = go.Figure()
    for metric in metrics:
        fig.add_bar(
            x=summary["mode"].astype(str).tolist(),
            y=summary[metric].tolist(),
            name=metric,
            text=[f"{v:.3f}" for v in summary[metric]],
            textposition="outside",
        )
    fig.update_layout(title=title, barmode="group", yaxis_title="score", yaxis_range=[0, 1.08], **_LAYOUT)
    return fig


def retrieval_by_category(
    by_category: pd.DataFrame,
    *,
    metric: str = "recall",
    title: str | None = None,
) -> go.Figure:
    """Grouped bars of one metric per question category, one colour per search mode."""
    _require(by_category, ("mode", "category", metric), chart="retrieval_by_category")
    title = title or f"{metric} per question category"
    if by_category.empty:
        return _empty(title)
    fig = go.Figure()
    for mode, rows in by_category.groupby("mode", sort=False):
        rows = rows.sort_values("category")
        labels = rows["category"].astype(str)
        if "category_name" in rows.columns:  # "1 multi-hop" reads better than "1"
            labels = labels + " " + rows["category_name"].fillna("").astype(str)
        fig.add_bar(x=labels.str.strip().tolist(), y=rows[metric].tolist(), name=str(mode))
    fig.update_layout(
        title=title, barmode="group", xaxis_title="category", yaxis_title=metric, yaxis_range=[0, 1.05], **_LAYOUT
    )
    return fig


def history_timeline(history: pd.DataFrame, *, title: str = "History") -> go.Figure:
    """One marker per ADD / UPDATE / DELETE event on a time axis; hover shows old and new content."""
    _require(history, ("event", "created_at"), chart="history_timeline")
    if history.empty:
        return _empty(title, "No history events")
    frame = history.copy()
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    fig = go.Figure()
    for event in list(dict.fromkeys(frame["event"].astype(str))):
        rows = frame[frame["event"].astype(str) == event]
        hover = []
        for _, row in rows.iterrows():
            old = row.get("old_content")
            new = row.get("new_content")
            hover.append(f"{event}<br>old: {_short(old)}<br>new: {_short(new)}")
        fig.add_scatter(
            x=rows["created_at"].tolist(),
            y=[event] * len(rows),
            mode="markers",
            name=event,
            marker={"size": 14, "color": _EVENT_COLORS.get(event, "#999999")},
            hovertext=hover,
            hoverinfo="text+x",
        )
    fig.update_layout(title=title, height=240, yaxis_title="", xaxis_title="", showlegend=False, **_LAYOUT)
    first, last = frame["created_at"].min(), frame["created_at"].max()
    if pd.notna(first) and last - first < HISTORY_MIN_SPAN:
        # one event (or a burst within a minute) would get an axis of milliseconds:
        # show the minute around them instead, in clock time
        middle = first + (last - first) / 2
        fig.update_xaxes(range=[middle - HISTORY_MIN_SPAN / 2, middle + HISTORY_MIN_SPAN / 2],
                         tickformat="%H:%M:%S\n%b %d, %Y", nticks=5)
    return fig


def counts_bar(counts: pd.DataFrame, *, label: str, title: str | None = None) -> go.Figure:
    """Horizontal bars of ``count`` per ``label`` value (memories per user, per type...)."""
    _require(counts, (label, "count"), chart="counts_bar")
    title = title or f"Memories per {label}"
    if counts.empty:
        return _empty(title)
    rows = counts.sort_values("count", ascending=True)
    fig = go.Figure(
        go.Bar(
            x=rows["count"].tolist(),
            y=rows[label].fillna("(none)").astype(str).tolist(),
            orientation="h",
            marker_color="#4C78A8",
        )
    )
    fig.update_layout(title=title, xaxis_title="memories", height=max(220, 28 * len(rows) + 100), **_LAYOUT)
    return fig


def ingest_outcome(summary: pd.DataFrame, *, title: str = "Ingest outcome") -> go.Figure:
    """One bar per outcome (ADD, NOOP, rejected): columns ``outcome`` and ``count``."""
    _require(summary, ("outcome", "count"), chart="ingest_outcome")
    if summary.empty:
        return _empty(title)
    colors = {"ADD": "#54A24B", "added": "#54A24B", "NOOP": "#BAB0AC", "already stored": "#BAB0AC",
              "rejected": "#E45756"}
    fig = go.Figure(
        go.Bar(
            x=summary["outcome"].astype(str).tolist(),
            y=summary["count"].tolist(),
            marker_color=[colors.get(str(o), "#4C78A8") for o in summary["outcome"]],
            text=summary["count"].tolist(),
            textposition="outside",
        )
    )
    fig.update_layout(title=title, yaxis_title="rows", **_LAYOUT)
    return fig


def _short(value: object, width: int = 80) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


SCALE_LATENCY = {"hybrid_p50_ms": "hybrid p50", "hybrid_p95_ms": "hybrid p95", "vector_p50_ms": "vector p50",
                 "fts_p50_ms": "full-text p50", "hybrid_p50_ms_after_ingest": "hybrid p50, right after ingest",
                 "add_p50_ms": "single add p50"}
SCALE_THROUGHPUT = {"add_per_s": "sequential add", "agents8_ops_per_s": "8 agents (search+add)",
                    "agents32_ops_per_s": "32 agents (search+add)",
                    # agentmem measures these again once upkeep settled; runs without them draw no line
                    "add_per_s_settled": "sequential add, upkeep settled",
                    "agents8_ops_per_s_settled": "8 agents, upkeep settled",
                    "agents32_ops_per_s_settled": "32 agents, upkeep settled"}
#: Marker per figure that is not a search mode's (the dash says the mode).
_FIGURE_SYMBOL = {"add": "square", "agents8": "diamond", "agents32": "triangle-up"}


def mode_of(metric: str) -> str | None:
    """The search mode a scale figure measures (``hybrid_p95_ms`` -> ``hybrid``), None for others."""
    head = str(metric).split("_", 1)[0]
    return head if head in MODE_DASH else None


def scale_style(system: object, metric: str) -> dict:
    """Line and marker of one figure of one system: the system's colour, the mode's dash
    (``MODE_DASH``; ``OTHER_DASH`` for adds and the agent loop); a p95, a figure right
    after the ingest or once upkeep settled is thinner with open markers, so the p50 of
    the settled store stands out."""
    mode = mode_of(metric)
    secondary = "_p95_" in metric or metric.endswith(("_after_ingest", "_settled"))
    head = str(metric).split("_", 1)[0]
    symbol = "circle" if mode else _FIGURE_SYMBOL.get(head, "circle")
    return {"line": {"color": system_color(system), "dash": MODE_DASH.get(mode or "", OTHER_DASH),
                     "width": 1.3 if secondary else 2.6},
            "marker": {"color": system_color(system), "size": 7 if secondary else 9,
                       "symbol": f"{symbol}-open" if secondary else symbol}}


def _system_label(system: object) -> str:
    """``agentmem`` stays; ``mem0-pgvector`` reads "Mem0 on pgvector"."""
    text = str(system)
    if system_of(text) == "mem0":
        return "Mem0 on pgvector" if "pgvector" in text else "Mem0"
    return text


def _value_text(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _against_size(frame: pd.DataFrame, metrics: dict[str, str], *, title: str, yaxis: str, chart: str,
                  log_y: bool) -> go.Figure:
    _require(frame, ("system", "size"), chart=chart)
    present = [m for m in metrics if m in frame.columns and frame[m].notna().any()]
    if frame.empty or not present:
        return _empty(title)
    if frame["size"].nunique() == 1:
        return _at_one_size(frame, {m: metrics[m] for m in present}, title=title, yaxis=yaxis)
    fig = go.Figure()
    for system, rows in frame.groupby("system", sort=False):
        rows = rows.sort_values("size")
        for metric in present:
            line = rows.dropna(subset=[metric])
            if line.empty:
                continue
            style = scale_style(system, metric)
            lone = len(line) == 1  # e.g. Mem0 measured at one size only: a point with its value
            fig.add_scatter(x=line["size"].tolist(), y=line[metric].tolist(),
                            mode="markers+text" if lone else "lines+markers",
                            text=[_value_text(v) for v in line[metric]] if lone else None,
                            textposition="top center", name=f"{_system_label(system)}: {metrics[metric]}",
                            **style)
    fig.update_layout(title=title, xaxis_title="memories in the store", yaxis_title=yaxis, **_LAYOUT)
    fig.update_xaxes(**_log_axis(frame["size"]))
    if log_y:
        fig.update_yaxes(**_log_axis(frame[present].to_numpy().ravel()))
    return fig


def _at_one_size(frame: pd.DataFrame, metrics: dict[str, str], *, title: str, yaxis: str) -> go.Figure:
    """A run of one size has no line to draw: grouped bars, one per figure and system,
    each with its value; the bar's pattern stands for the search mode."""
    size = int(frame["size"].iloc[0])
    fig = go.Figure()
    patterns = {"hybrid": "", "vector": ".", "fts": "/"}
    for system, rows in frame.groupby("system", sort=False):
        shown = [m for m in metrics if rows[m].notna().any()]
        if not shown:
            continue
        values = [float(rows[m].dropna().iloc[0]) for m in shown]
        fig.add_bar(x=[metrics[m] for m in shown], y=values, name=_system_label(system),
                    marker={"color": system_color(system),
                            "pattern": {"shape": [patterns.get(mode_of(m) or "", "") for m in shown]}},
                    text=[_value_text(v) for v in values], textposition="outside")
    where = f"at {size:,} memories"
    title = title.replace("against store size", where) if "against store size" in title else f"{title} {where}"
    fig.update_layout(title=title, barmode="group", xaxis_title="",
                      yaxis_title=yaxis, **_LAYOUT)
    return fig


def scale_latency(frame: pd.DataFrame, *, metrics: Sequence[str] | None = None,
                  title: str = "Latency against store size (ms, real model embedding each query)") -> go.Figure:
    """Lines: search and single-add latency against store size, one per system and figure.

    ``frame`` is ``agentmem.bench.scale.scale_frame(result)``: ``system``, ``size`` and
    the ``*_ms`` columns; Mem0's one search mode is drawn as its hybrid line. Colour per
    system, dash per search mode (``scale_style``), log axes with powers of ten only; a
    run of one size is drawn as bars.
    """
    chosen = {m: SCALE_LATENCY.get(m, m) for m in (metrics or SCALE_LATENCY)}
    return _against_size(frame, chosen, title=title, yaxis="ms", chart="scale_latency", log_y=True)


def scale_throughput(frame: pd.DataFrame, *, title: str = "Throughput against store size (operations / s)") -> go.Figure:
    """Lines: sequential add and the 8/32-agent loop's ops/s against store size, per system."""
    return _against_size(frame, SCALE_THROUGHPUT, title=title, yaxis="operations / s", chart="scale_throughput",
                         log_y=False)
