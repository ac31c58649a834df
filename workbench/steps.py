"""Progress of a run made of named steps (the phase benchmark, ``bench-scale``) for a page's bar.

The runners call ``progress(step, done, total)`` as each step goes. :class:`StepProgress`
turns that into one bar over the whole run whose label says which step is going, how far
it is and how fast: ``phase p2b (4 of 9): 640/2,760 · 320/s``. When the run ends,
:meth:`StepProgress.finish` names the whole run (``9 steps done: embed-only, plain-embed,
p0, …, storage-only``), so the finished bar does not read as if only the last step ran.
Pure: no Streamlit, so a test drives it with a plain callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["StepProgress"]


class StepProgress:
    """A ``progress(step, done, total)`` callback for a job's ``progress(done, total, label)``.

    ``planned`` is how many steps the run will report (more stretch the bar; a step is a
    name reported after a different one); ``name`` says a step in words (``"p2b"`` ->
    ``"phase p2b"``); ``rate`` says whether a step's rate means something (not for a wait
    counted in seconds); ``starting`` is the label until the first step reports.
    """

    def __init__(self, progress: Callable[[int, int, str], None], planned: int, *,
                 name: Callable[[str], str] = str, rate: Callable[[str], bool] = lambda step: True,
                 starting: str = "starting", scale: int = 1000,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self._progress = progress
        self.planned = max(1, int(planned))
        self._name = name
        self._rate = rate
        self._scale = scale
        self._clock = clock
        self.seen: list[str] = []
        self._began = clock()
        progress(0, self.planned * scale, starting)

    @property
    def steps(self) -> int:
        return max(self.planned, len(self.seen))

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.seen or self.seen[-1] != step:
            self.seen.append(step)
            self._began = self._clock()
        index = len(self.seen) - 1
        fraction = min(1.0, done / total) if total else 1.0
        label = f"{self._name(step)} ({index + 1} of {self.steps}): {done:,}/{total:,}"
        elapsed = self._clock() - self._began
        if self._rate(step) and done and elapsed > 0:
            per_s = done / elapsed
            label += f" · {per_s:,.0f}/s" if per_s >= 10 else f" · {per_s:,.1f}/s"
        self._progress(int((index + fraction) * self._scale), self.steps * self._scale, label)

    def summary(self) -> str:
        """``9 steps done: p0, p1, …`` with each name once, in the order they ran."""
        names = list(dict.fromkeys(self.seen))
        count = len(self.seen)
        text = f"{count} step{'s' if count != 1 else ''} done"
        return f"{text}: {', '.join(names)}" if names else text

    def finish(self, text: str | None = None) -> None:
        """Fill the bar and name the whole run (``text``, or :meth:`summary`)."""
        total = self.steps * self._scale
        self._progress(total, total, text or self.summary())
