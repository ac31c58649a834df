"""The optimization-phase benchmark: datasets, phases, the runner and the results store.

    from agentmem.bench import load_dataset, run_benchmark, ResultsStore
    ds = load_dataset("synthetic:500")
    res = run_benchmark(ds, phases=["p0", "p3"], repeat=3)
    print(res.table())
    ResultsStore().append(res)
"""

from .datasets import Dataset, DatasetItem, Question, load_dataset
from .machine import machine_facts
from .phases import PHASE_DESCRIPTIONS, PHASES, PhasePlan, parse_phases, plan_phase
from .results import REFERENCE_ROWS, BenchResult, ResultsStore
from .runner import SWEEP_PARAMS, group_by_user, run_benchmark, run_sweep
from .synthetic import generate as generate_synthetic

__all__ = [
    "PHASES",
    "PHASE_DESCRIPTIONS",
    "REFERENCE_ROWS",
    "SWEEP_PARAMS",
    "BenchResult",
    "Dataset",
    "DatasetItem",
    "PhasePlan",
    "Question",
    "ResultsStore",
    "generate_synthetic",
    "group_by_user",
    "load_dataset",
    "machine_facts",
    "parse_phases",
    "plan_phase",
    "run_benchmark",
    "run_sweep",
]
