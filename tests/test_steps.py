"""workbench/steps.py: one bar over a run of named steps, each step's own count and rate in the label."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "workbench"))
import steps


def tracked(planned: int, **kw):
    seen: list[tuple[int, int, str]] = []
    ticks = iter(range(100))
    tracker = steps.StepProgress(lambda d, t, label: seen.append((d, t, label)), planned,
                                 clock=lambda: float(next(ticks)), **kw)
    return tracker, seen


def test_each_step_reports_its_name_place_count_and_rate():
    tracker, seen = tracked(9, name=lambda s: f"phase {s}", starting="loading the model")
    assert seen == [(0, 9000, "loading the model")]
    for step in ("embed-only", "plain-embed", "p0"):
        tracker(step, 2760, 2760)
    tracker("p2b", 0, 2760)
    tracker("p2b", 640, 2760)
    done, total, label = seen[-1]
    assert label == "phase p2b (4 of 9): 640/2,760 · 320/s"  # two clock ticks since the step began
    assert total == 9000 and done == 3000 + int(640 / 2760 * 1000)


def test_finished_names_the_whole_run_not_the_last_step():
    tracker, seen = tracked(3)
    for step in ("p0", "p1", "storage-only"):
        tracker(step, 10, 10)
    tracker.finish()
    assert seen[-1] == (3000, 3000, "3 steps done: p0, p1, storage-only")
    tracker.finish("2 sizes done (500, 1,500): 3 steps")
    assert seen[-1][2] == "2 sizes done (500, 1,500): 3 steps"


def test_more_steps_than_planned_stretch_the_bar_and_waits_show_no_rate():
    tracker, seen = tracked(1, rate=lambda step: not step.startswith("waiting"))
    tracker("ingest 500", 500, 500)
    tracker("waiting for upkeep 500", 3, 20)
    assert seen[-1] == (1150, 2000, "waiting for upkeep 500 (2 of 2): 3/20")
    tracker("p0", 0, 0)  # a step with nothing to count is done as it starts
    assert seen[-1][:2] == (3000, 3000)
