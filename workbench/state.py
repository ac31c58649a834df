"""The Streamlit glue every page shares: setup, the cached store, errors, job progress.

Each page starts with ``ctx = setup("Title")``; that draws the sidebar (data
directory, the "Remote stores" settings, where the store lives) and returns the
resolved settings. ``store()`` gives the one cached :class:`services.Store` of those
settings. ``guard()`` turns any
exception into a readable ``st.error`` (never a traceback), and ``follow()`` shows
a running job's progress until it ends (``job_result()``: that, then its error or result).

Results belong to the browser session and the action that made them. Background jobs
live on a process-wide board (``services.JOBS``, one running job per store and kind),
so ``start_job()`` records the job under this session (:func:`session_id`), and
``job_result()`` shows only this session's last job: another session sees at most that
a job of someone else is running on the store, in words, never its result. A page
calls ``clear_result()`` when an action starts, so an error of the new action never
stands above the result of the previous one.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import services
import streamlit as st

if TYPE_CHECKING:
    import pandas as pd

    from agentmem import Memory

DATA_DIR_KEY = "data_dir"
_INPUT_KEY = "_data_dir_input"
#: The remote fields as last submitted (session state, like the data directory; widgets
#: of a page are forgotten on the next page, so each page seeds them from these).
REMOTE_FIELDS = {
    "records_url": "_records_url_input",
    "vectors_uri": "_vectors_uri_input",
    "storage_options": "_storage_options_input",
}
#: The remote settings in use: a dict of the fields above that connected (or empty: local).
APPLIED_KEY = "remote_applied"
_PENDING_KEY = "_remote_pending"  # "connect" or "local", set by the form's buttons
_ERROR_KEY = "_remote_error"  # why the last submitted fields are not in use
_LAST_KEY = "_store_settings"  # the settings of the store this session used last
#: What pages keep of one store's answers: dropped when the session switches to another store.
STORE_RESULTS = ("search_hits", "search_label", "search_note", "storage_report", "mem_export_file")
_SESSION_KEY = "_session_id"  # this browser session's id: the owner of the jobs it starts
_OWN_JOBS_KEY = "_own_jobs"  # job key -> the job this session started last under it


@st.cache_resource(show_spinner="Opening the memory store…", on_release=lambda held: held.close())
def store_for(settings: services.StoreSettings) -> services.Store:
    """One Store (hence one Memory) per configuration (data directory and remote stores), for every page
    and session."""
    return services.Store(settings)


@dataclass(frozen=True)
class Context:
    settings: services.StoreSettings | None

    @property
    def ok(self) -> bool:
        return self.settings is not None

    @property
    def data_dir(self) -> Path | None:
        return None if self.settings is None else Path(self.settings.data_dir)

    @property
    def key(self) -> str | None:
        """Names the whole configuration (the data directory when all is local): for job keys."""
        return None if self.settings is None else self.settings.key


def _remember_data_dir() -> None:
    st.session_state[DATA_DIR_KEY] = st.session_state[_INPUT_KEY]


def _submit(action: str) -> None:
    for key, widget in REMOTE_FIELDS.items():
        st.session_state[key] = "" if action == "local" else st.session_state.get(widget, "")
    st.session_state[_PENDING_KEY] = action


def _release_previous(settings: services.StoreSettings) -> None:
    """Close the store this session used before, when it switched to other settings.

    Not while an ingest still writes through it (that job holds its Memory); another
    session still on those settings reopens them on its next run.
    """
    previous = st.session_state.get(_LAST_KEY)
    st.session_state[_LAST_KEY] = settings
    if previous is None or previous == settings:
        return
    for key in STORE_RESULTS:
        st.session_state.pop(key, None)
    if not services.JOBS.running(f"ingest:{previous.key}"):
        store_for.clear(previous)


def _connect(data_dir: Path) -> None:
    """Apply the submitted remote fields: check them and open the store; on failure keep the
    settings in use and remember why (shown until the next submit)."""
    action = st.session_state.pop(_PENDING_KEY, None)
    if action is None:
        return
    st.session_state.pop(_ERROR_KEY, None)
    if action == "local":
        st.session_state[APPLIED_KEY] = {}
        return
    fields = {key: st.session_state.get(key, "") for key in REMOTE_FIELDS}
    settings = None
    try:
        settings = services.store_settings(data_dir, **fields)
        if settings.remote:
            with st.spinner("Connecting to the remote stores…"):
                store_for(settings).memory  # noqa: B018 - reach both servers now, not on the next page
    except Exception as exc:  # noqa: BLE001 - shown, never raised
        if settings is not None:
            store_for.clear(settings)
        st.session_state[_ERROR_KEY] = services.escape_markdown(services.friendly_error(exc))
        # a secret typed into the options box is not kept there (nor in session state)
        kept = services.without_secret_options(fields["storage_options"])
        st.session_state["storage_options"] = st.session_state[REMOTE_FIELDS["storage_options"]] = kept
        return
    st.session_state[APPLIED_KEY] = fields


def _remote_form(applied: dict[str, str]) -> None:
    error = st.session_state.get(_ERROR_KEY)
    with st.expander("Remote stores", expanded=bool(error), icon=":material/cloud:"):
        with st.form("remote_stores", border=False):
            st.text_input("Records URL (libSQL server)", key=REMOTE_FIELDS["records_url"],
                          placeholder="e.g. http://127.0.0.1:8080 or libsql://db.example.io",
                          help="Empty: records.db in the data directory. The server's token comes from "
                               f"{services.escape_markdown('$' + services.RECORDS_TOKEN_ENV)}, never from this box.")
            st.text_input("Vectors URI (LanceDB)", key=REMOTE_FIELDS["vectors_uri"],
                          placeholder="e.g. s3://bucket/prefix",
                          help="Empty: vectors/ in the data directory. s3://, gs://, az:// or a folder.")
            st.text_area("Storage options (no secrets)", key=REMOTE_FIELDS["storage_options"], height=90,
                         placeholder="e.g.\nendpoint=http://127.0.0.1:8333\nregion=us-east-1\nallow_http=true",
                         help="key=value lines passed to LanceDB. Keys and passwords come from the environment "
                              "(AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for S3), never from this box.")
            left, right = st.columns(2)
            left.form_submit_button("Connect", type="primary", key="remote_connect",
                                    on_click=_submit, args=("connect",))
            right.form_submit_button("Use local", key="remote_local", on_click=_submit, args=("local",),
                                     disabled=not any(applied.values()) and not any(
                                         st.session_state.get(k) for k in REMOTE_FIELDS))
        if error:
            st.error("Not connected: " + error + " · the store in use is unchanged.")
        env = services.escape_markdown  # '$' would start LaTeX in markdown
        st.caption(f"Secrets come from the environment: {env('$' + services.RECORDS_TOKEN_ENV)} for the records "
                   f"server, {env('$AWS_ACCESS_KEY_ID')} / {env('$AWS_SECRET_ACCESS_KEY')} for S3 (`python -m "
                   "agentmem stack up` writes them to stack.env). A new session starts from "
                   + ", ".join(env("$" + name) for name in services.REMOTE_ENV.values()) + " when set.")


def _code(text: str) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def setup(title: str, caption: str | None = None) -> Context:
    """Draw the page title and the sidebar; return the chosen store settings (None when unusable)."""
    session_id()
    if DATA_DIR_KEY not in st.session_state:
        st.session_state[DATA_DIR_KEY] = services.default_data_dir()
    st.session_state[_INPUT_KEY] = st.session_state[DATA_DIR_KEY]
    if APPLIED_KEY not in st.session_state:  # a new session: the remote fields from the environment
        st.session_state[APPLIED_KEY] = {}
        defaults = services.default_remote_fields()
        st.session_state.update(defaults)
        if any(defaults.values()):
            st.session_state[_PENDING_KEY] = "connect"
    for key, widget in REMOTE_FIELDS.items():
        st.session_state.setdefault(key, "")
        st.session_state[widget] = st.session_state[key]
    st.title(title)
    if caption:
        st.caption(caption)
    with st.sidebar:
        st.text_input(
            "Data directory",
            key=_INPUT_KEY,
            on_change=_remember_data_dir,
            help="Where this store keeps vectors/ (LanceDB) and records.db (libSQL), unless the remote "
            "stores below are set. One Memory is opened per configuration and shared by every page.",
        )
        try:
            data_dir = services.resolve_data_dir(st.session_state[DATA_DIR_KEY])
        except Exception as exc:  # noqa: BLE001 - shown, never raised
            st.error(services.escape_markdown(services.friendly_error(exc)))
            _remote_form(st.session_state.get(APPLIED_KEY) or {})
            return Context(None)
        _connect(data_dir)
        applied = st.session_state.get(APPLIED_KEY) or {}
        _remote_form(applied)
        try:
            settings = services.store_settings(data_dir, **applied)
        except Exception as exc:  # noqa: BLE001 - checked when applied; the environment may have changed
            show_error(exc)
            return Context(None)
        _release_previous(settings)
        held = store_for(settings)
        if settings.remote:
            where = settings.where()
            st.caption(f"Records: {_code(where['records'])}  \nVectors: {_code(where['vectors'])}")
            if "options" in where:
                st.caption("Storage options: " + _code(where["options"]))
            notes = services.credential_notes(settings)
            if notes:
                st.caption("From the environment: " + " · ".join(services.escape_markdown(n) for n in notes))
            st.caption(f"Local files: {_code(data_dir)}")
        else:
            st.caption(f"Store: {_code(data_dir)}")
        if held.overrides:
            st.caption("Settings: " + ", ".join(f"{k}={v}" for k, v in held.overrides.items()))
    return Context(settings)


def store(ctx: Context) -> services.Store:
    assert ctx.settings is not None
    return store_for(ctx.settings)


def memory(ctx: Context) -> Memory | None:
    """The Memory of the chosen settings, or None after showing why it could not open."""
    if ctx.settings is None:
        st.info("Choose a usable data directory and store settings in the sidebar.")
        return None
    try:
        return store(ctx).memory
    except Exception as exc:  # noqa: BLE001
        where = "the remote stores" if ctx.settings.remote else str(ctx.data_dir)
        show_error(exc, prefix=f"Could not open the store in {where}: ")
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


def session_id() -> str:
    """This browser session's id (made on its first page run): whose jobs and results are whose."""
    if _SESSION_KEY not in st.session_state:
        st.session_state[_SESSION_KEY] = uuid.uuid4().hex
    return st.session_state[_SESSION_KEY]


def _own_jobs() -> dict[str, services.Job]:
    return st.session_state.setdefault(_OWN_JOBS_KEY, {})


def start_job(key: str, name: str, fn: Callable[[Callable[..., None]], Any]) -> services.Job | None:
    """Start ``fn`` as this session's job under ``key``; None when a job under ``key`` already runs
    (this session's or another's: the board allows one at a time per key)."""
    job, started = services.JOBS.start(key, name, fn, owner=session_id())
    if not started:
        return None
    _own_jobs()[key] = job
    return job


def clear_result(key: str) -> None:
    """A new action under ``key`` begins: this session's previous result and error are gone."""
    _own_jobs().pop(key, None)


def own_job(key: str) -> services.Job | None:
    """The job this session started last under ``key`` (None: none, or another session's)."""
    job = _own_jobs().get(key)
    if job is not None:
        return job
    board = services.JOBS.get(key)
    # a job started on the board directly, with no owner, is shown to whoever looks (as before owners)
    return board if board is not None and board.owner is None else None


def other_job(key: str) -> services.Job | None:
    """A job under ``key`` that another session started and that is still running."""
    job = services.JOBS.get(key)
    if job is None or not job.running or job.owner is None or job.owner == session_id():
        return None
    return job


def busy(key: str) -> bool:
    """Whether any session's job runs under ``key`` (the button that starts one is off)."""
    return services.JOBS.running(key)


def follow(job: services.Job, *, unit: str | None = "items", poll: float = 0.2) -> None:
    """Show a job's progress bar (with live rate) until it ends; a rerun just resumes watching."""
    bar = st.progress(job.fraction, text=_progress_text(job, unit))
    while job.running:
        time.sleep(poll)
        bar.progress(job.fraction, text=_progress_text(job, unit))
    bar.progress(1.0 if job.error is None else job.fraction, text=_progress_text(job, unit))


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:,.1f} s"


def _progress_text(job: services.Job, unit: str | None) -> str:
    state = "running" if job.running else ("failed" if job.error else "finished")
    label = f"{job.label} · " if job.label and job.label != "done" else ""
    if unit is None:  # staged work: the label says where it is, the bar how far
        return f"{job.name} {state}: {label}{job.fraction:.0%} · {_seconds(job.elapsed)}"
    count = f"{job.done:,}/{job.total:,} {unit}" if job.total else "starting"
    return f"{job.name} {state}: {label}{count} · {services.speed_text(job.rate, unit)} · {_seconds(job.elapsed)}"


def _other_text(job: services.Job, unit: str | None, what: str) -> str:
    done = f" ({job.done:,} of {job.total:,} {unit})" if unit and job.total else ""
    return (f"{job.name} started in another browser session is running on {what}{done}. "
            "It can start here once that one ends; its result stays in that session.")


def watch_other(job: services.Job, *, unit: str | None = "items", what: str = "this store") -> None:
    """Say, in words, that another session's job runs under this key; rerun once it ends (its result
    is not shown here)."""
    note = st.info(_other_text(job, unit, what), icon=":material/hourglass_top:")
    while job.running:
        time.sleep(0.5)
        note.info(_other_text(job, unit, what), icon=":material/hourglass_top:")
    st.rerun()


def job_error(job: services.Job) -> None:
    if job.error:
        st.error(f"{job.name} failed: {services.escape_markdown(job.error)}")


def job_result(key: str, *, unit: str | None = "items", what: str = "this store") -> Any:
    """This session's job under ``key``: watch it until it ends (``follow``), show its error; its
    result, or None. Another session's running job is named in words (``watch_other``), never
    shown with its result."""
    job = own_job(key)
    if job is None:
        other = other_job(key)
        if other is not None:
            watch_other(other, unit=unit, what=what)
        return None
    follow(job, unit=unit)
    job_error(job)
    return job.result


def csv_download(frame: pd.DataFrame, name: str, *, label: str | None = None, key: str | None = None) -> None:
    """A 'Download CSV' button under a table."""
    st.download_button(
        label or f"Download {name}.csv",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key or f"csv-{name}",
    )
