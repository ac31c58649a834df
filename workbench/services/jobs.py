"""Long work on threads of its own, with progress a page can poll.

A page rerun (a click elsewhere, a page switch) never cuts an ingest or a benchmark
in half: the work runs as a :class:`Job`, and :class:`JobBoard` refuses a second run
of the same kind while one is going.

The board is process-wide, so it is what keeps two browser sessions from ingesting
into one store at once; a job's result belongs to the session that started it (its
``owner``), and the page glue shows it to that session only.

A job's speed is one figure: while it runs, items done per second so far; once it
ends with a result that timed itself (:class:`Measured`, such as an ingest summary),
that result's own ``per_second`` and ``seconds``, so the progress bar and the summary
under it never show two numbers for one run.
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from .messages import friendly_error

__all__ = ["JOBS", "Job", "JobBoard", "Measured", "speed_text", "staged_progress"]


@runtime_checkable
class Measured(Protocol):
    """A job result that timed its own work: its figures are the job's final speed."""

    @property
    def seconds(self) -> float: ...

    @property
    def per_second(self) -> float: ...

class Job:
    """A piece of long work on its own thread, with progress the page can poll.

    ``fn(progress)`` does the work; it calls ``progress(done, total, label)`` as it goes
    and returns the result. The page reads ``done``/``total``/``label``/``rate`` while
    ``running`` and ``result`` or ``error`` after.
    """

    def __init__(self, name: str, fn: Callable[[Callable[..., None]], Any], *, owner: str | None = None) -> None:
        self.id = uuid.uuid4().hex[:8]
        self.name = name
        self.owner = owner  # the browser session that started it (None: nobody in particular)
        self._fn = fn
        self.done = 0
        self.total = 0
        self.label = ""
        self.result: Any = None
        self.error: str | None = None
        self.error_detail: str | None = None
        self.started = time.perf_counter()
        self.finished: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"workbench-{name}", daemon=True)

    def start(self) -> Job:
        self._thread.start()
        return self

    def progress(self, done: int, total: int, label: str = "") -> None:
        self.done, self.total, self.label = int(done), int(total), str(label)

    def _run(self) -> None:
        try:
            self.result = self._fn(self.progress)
        except BaseException as exc:  # noqa: BLE001 - shown on the page, never raised into Streamlit
            self.error = friendly_error(exc)
            self.error_detail = "".join(traceback.format_exception(exc))
        finally:
            self.finished = time.perf_counter()

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def measured(self) -> Measured | None:
        """The result, when the job ended with one that timed itself."""
        return self.result if not self.running and isinstance(self.result, Measured) else None

    @property
    def elapsed(self) -> float:
        if self.measured is not None:
            return self.measured.seconds
        return (self.finished or time.perf_counter()) - self.started

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def rate(self) -> float:
        """Items per second so far; at the end, the result's own figure when it has one."""
        if self.measured is not None:
            return self.measured.per_second
        elapsed = self.elapsed
        return self.done / elapsed if elapsed > 0 else 0.0

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self.running


def speed_number(per_second: float) -> str:
    """The number of a speed as the pages print it (a metric whose label carries the unit)."""
    digits = 0 if per_second >= 10 else 1
    return f"{per_second:,.{digits}f}"


def speed_text(per_second: float, unit: str) -> str:
    """A speed as the pages print it, the same on a progress bar and in a summary."""
    return f"{speed_number(per_second)} {unit}/s"


def staged_progress(progress: Callable[..., None], steps: int, *, scale: int = 1000) -> Callable[[str, int, int], None]:
    """Turn ``progress(stage, done, total)`` of the bench/eval runners into one overall bar.

    ``steps`` is how many stages are expected (more are allowed); each stage is one
    equal slice of the bar and the label says where the run is.
    """
    seen: list[str] = []

    def report(stage: str, done: int, total: int) -> None:
        if not seen or seen[-1] != stage:
            seen.append(stage)
        index = len(seen) - 1
        fraction = min(1.0, done / total) if total else 1.0
        slices = max(steps, len(seen))
        progress(int((index + fraction) * scale), slices * scale, f"{stage} {done:,}/{total:,} (step {len(seen)} of {slices})")

    return report


class JobBoard:
    """Jobs by key, process-wide: a key with a running job refuses a second one."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def running(self, key: str) -> bool:
        job = self.get(key)
        return job is not None and job.running

    def start(
        self, key: str, name: str, fn: Callable[[Callable[..., None]], Any], *, owner: str | None = None
    ) -> tuple[Job, bool]:
        """Start ``fn`` under ``key`` for ``owner`` (a session id); returns (job, started).
        A running job under ``key`` is returned as it is, not started again."""
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.running:
                return current, False
            job = Job(name, fn, owner=owner)
            self._jobs[key] = job
        job.start()
        return job, True

    def forget(self, key: str) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.running:
                del self._jobs[key]


JOBS = JobBoard()
