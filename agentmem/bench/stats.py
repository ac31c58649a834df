"""Summaries of measured values, shared by every benchmark and the retrieval evaluation:
means, medians over repetitions, percentiles and latency summaries.

Two percentile definitions are in use, each kept by the benchmark that publishes it:

* :func:`percentile` interpolates linearly between the two nearest ranks (numpy's default
  method). The phase benchmark, ``bench-scale``, the Mem0 rows and the evaluation report it.
* :func:`nearest_percentile` returns the sample at the nearest rank, never a value between
  two samples. ``bench-remote`` reports it.

Changing either would change the published figures (BENCHMARKS.md), so neither replaces
the other.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["latency", "mean", "median", "nearest_percentile", "percentile", "rounded_mean"]


def mean(values: Iterable[float]) -> float:
    """Arithmetic mean; NaN for no values (a category with no questions)."""
    vals = list(values)
    return sum(vals) / len(vals) if vals else float("nan")


def rounded_mean(values: Sequence[float], digits: int = 2) -> float | None:
    """:func:`mean` rounded to ``digits``; None for no values (a JSON result has no NaN)."""
    return round(mean(values), digits) if len(values) else None


def median(values: Iterable[float | None]) -> float | None:
    """Median of the values that are not None (a row a peer could not measure); None for none."""
    vals = [float(v) for v in values if v is not None]
    return statistics.median(vals) if vals else None


def percentile(values: Sequence[float], q: float, *, digits: int | None = None) -> float | None:
    """The ``q``-th percentile (0-100), linear between the nearest ranks; None for no values.

    With ``digits``, rounded to that many decimals."""
    if not len(values):
        return None
    value = float(np.percentile(np.asarray(values, dtype=float), q))
    return value if digits is None else round(value, digits)


def nearest_percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) as the sample at the nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, round(q / 100 * (len(ranked) - 1)))]


def latency(ms: Sequence[float], digits: int = 2) -> dict[str, Any]:
    """``{"n", "p50_ms", "p95_ms"}`` of latencies in milliseconds, rounded to ``digits``."""
    return {"n": len(ms), "p50_ms": percentile(ms, 50, digits=digits), "p95_ms": percentile(ms, 95, digits=digits)}
