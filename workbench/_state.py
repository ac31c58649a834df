"""The Streamlit glue every page shares: setup, the cached store, errors, job progress.

Each page starts with ``ctx = setup("Title")``; that draws the sidebar (data
directory, store status), and returns the resolved directory. ``store()`` gives
the one cached :class:`services.Store` of that directory. ``guard()`` turns any
exception into a readable ``st.error`` (never a traceback), and ``follow()`` shows
a running job's progress until it ends (``job_result()``: that, then its error or result).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import services
import streamlit as st

DATA_DIR_KEY = "data_dir"
_INPUT_KEY = "_data_dir_input"


@st.cache_resource(show_spinner="Opening the memory store…", on_release=lambda held: held.close())
def store_for(data_dir: str) -> services.Store:
    """One Store (hence one Memory) per data directory, for every page and session."""
    return services.Store(data_dir)


@dataclass(frozen=True)
class Context:
    data_dir: Path | None

    @property
    def ok(self) -> bool:
        return self.data_dir is not None


def _remember_data_dir() -> None:
    st.session_state[DATA_DIR_KEY] = st.session_state[_INPUT_KEY]


def setup(title: str, caption: str | None = None) -> Context:
    """Draw the page title and the sidebar; return the chosen data directory (None when unusable)."""
    if DATA_DIR_KEY not in st.session_state:
        st.session_state[DATA_DIR_KEY] = services.default_data_dir()
    st.session_state[_INPUT_KEY] = st.session_state[DATA_DIR_KEY]
    st.title(title)
    if caption:
        st.caption(caption)
    with st.sidebar:
        st.text_input(
            "Data directory",
            key=_INPUT_KEY,
            on_change=_remember_data_dir,
            help="Where this store keeps vectors/ (LanceDB) and records.db (libSQL). "
            "One Memory is opened per directory and shared by every page.",
        )
        try:
            data_dir = services.resolve_data_dir(st.session_state[DATA_DIR_KEY])
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            st.error(services.escape_markdown(services.friendly_error(exc)))
            return Context(None)
        held = store_for(str(data_dir))
        st.caption(f"Store: `{data_dir}`")
        if held.overrides:
            st.caption("Settings: " + ", ".join(f"{k}={v}" for k, v in held.overrides.items()))
    return Context(data_dir)


def store(ctx: Context) -> services.Store:
    assert ctx.data_dir is not None
    return store_for(str(ctx.data_dir))


def memory(ctx: Context):  # noqa: ANN201 - agentmem.Memory, imported lazily
    """The Memory of the chosen directory, or None after showing why it could not open."""
    if ctx.data_dir is None:
        st.info("Choose a usable data directory in the sidebar.")
        return None
    try:
        return store(ctx).memory
    except Exception as exc:  # noqa: BLE001
        show_error(exc, prefix=f"Could not open the store in {ctx.data_dir}: ")
        return None


def show_error(exc: BaseException, *, prefix: str = "") -> None:
    st.error(prefix + services.escape_markdown(services.friendly_error(exc)))


@contextmanager
def guard(prefix: str = "") -> Iterator[None]:
    """Show any exception raised inside as a readable error and carry on drawing the page."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - st.rerun()/st.stop() are BaseExceptions and pass through
        show_error(exc, prefix=prefix)


def follow(job: services.Job, *, unit: str | None = "items", poll: float = 0.2) -> None:
    """Show a job's progress bar (with live rate) until it ends; a rerun just resumes watching."""
    bar = st.progress(job.fraction, text=_progress_text(job, unit))
    while job.running:
        time.sleep(poll)
        bar.progress(job.fraction, text=_progress_text(job, unit))
    bar.progress(1.0 if job.error is None else job.fraction, text=_progress_text(job, unit))


def _progress_text(job: services.Job, unit: str) -> str:
    state = "running" if job.running else ("failed" if job.error else "finished")
    label = f"{job.label} · " if job.label else ""
    if unit is None:  # staged work: the label says where it is, the bar how far
        return f"{job.name} {state}: {label}{job.fraction:.0%} · {job.elapsed:.1f} s"
    count = f"{job.done:,}/{job.total:,} {unit}" if job.total else "starting"
    return f"{job.name} {state}: {label}{count} · {job.rate:,.0f} {unit}/s · {job.elapsed:.1f} s"


def job_error(job: services.Job) -> None:
    if job.error:
        st.error(f"{job.name} failed: {services.escape_markdown(job.error)}")


def job_result(key: str, *, unit: str | None = "items") -> Any:
    """The job under ``key``: watch it until it ends (``follow``), show its error; its result, or None."""
    job = services.JOBS.get(key)
    if job is None:
        return None
    follow(job, unit=unit)
    job_error(job)
    return job.result


def csv_download(frame, name: str, *, label: str | None = None, key: str | None = None) -> None:  # noqa: ANN001
    """A 'Download CSV' button under a table."""
    st.download_button(
        label or f"Download {name}.csv",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"csv-{name}",
    )
