"""What the workbench pages do, without Streamlit: parse input, ingest, browse, run jobs.

The pages are thin: they read widgets, call a function here, and show its result or
its error (``friendly_error``). Everything here talks to agentmem through its public
API only (``Memory``, ``agentmem.bench``, ``agentmem.eval``); nothing touches the
stores directly. Long work runs as a :class:`Job` on a thread of its own, so a page
rerun (a click elsewhere, a page switch) never cuts an ingest or a benchmark in half,
and :class:`JobBoard` refuses a second run of the same kind while one is going.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from agentmem.bench import group_by_user
from agentmem.config import is_secret_option, is_uri, masked_options, redact_secrets, redact_url
from agentmem.errors import AgentMemError, DatasetError, InvalidInputError

if TYPE_CHECKING:
    from agentmem import Memory

__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_RESULTS_PATH",
    "MAX_UPLOAD_BYTES",
    "MEMORY_TYPES",
    "IngestItem",
    "IngestSummary",
    "Job",
    "JobBoard",
    "JOBS",
    "staged_progress",
    "default_data_dir",
    "default_results_path",
    "friendly_error",
    "escape_markdown",
    "resolve_data_dir",
    "shared_locomo_path",
    "parse_metadata",
    "parse_filters",
    "items_from_text",
    "parse_chat",
    "save_upload",
    "upload_columns",
    "items_from_dataset",
    "validate_items",
    "ingest",
    "ingest_chat",
    "records_frame",
    "hits_frame",
    "history_frame",
    "count_frames",
    "export_bytes",
    "import_upload",
    "directory_listing",
    "RECORDS_TOKEN_ENV",
    "records_auth_token",
    "parse_storage_options",
    "without_secret_options",
    "StoreSettings",
    "store_settings",
    "credential_notes",
    "REMOTE_ENV",
    "default_remote_fields",
    "Store",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = "data/agentmem"
DEFAULT_RESULTS_PATH = "data/results/bench_runs.jsonl"
#: Uploads above this are refused before they are parsed (the issue: "a file of 50 MB").
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MEMORY_TYPES = ("semantic", "episodic", "procedural")
UPLOAD_KINDS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "locomo"}


# --------------------------------------------------------------------------- settings


def default_data_dir() -> str:
    """``$AGENTMEM_DATA_DIR`` or ``data/agentmem`` (under the repository when run from it)."""
    return os.environ.get("AGENTMEM_DATA_DIR") or DEFAULT_DATA_DIR


def default_results_path() -> str:
    """``$AGENTMEM_RESULTS`` or ``data/results/bench_runs.jsonl``."""
    return os.environ.get("AGENTMEM_RESULTS") or DEFAULT_RESULTS_PATH


def shared_locomo_path() -> Path | None:
    """The LoCoMo dev split if it is on this machine (``$AGENTMEM_LOCOMO`` or ``../shared/data``)."""
    candidates = [os.environ.get("AGENTMEM_LOCOMO"), REPO_ROOT.parent / "shared" / "data" / "locomo_dev.json"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def resolve_data_dir(text: str) -> Path:
    """A usable data directory from the sidebar's text, or InvalidInputError saying why not."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError("data_dir", "enter a folder for the data (e.g. data/agentmem)")
    path = Path(text.strip()).expanduser()
    if path.exists() and not path.is_dir():
        raise InvalidInputError("data_dir", f"{path} is a file, not a folder")
    parent = next((p for p in (path, *path.parents) if p.exists()), None)
    if parent is not None and not os.access(parent, os.W_OK):
        raise InvalidInputError("data_dir", f"{parent} is not writable")
    return path.resolve()


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: object) -> str:
    """Text shown through st.markdown/st.error as typed: no bold, links, HTML or math from user data."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def friendly_error(exc: BaseException) -> str:
    """One readable line for the page: the package's own words, or the type and message.

    Secrets the environment holds (the records token, the object-store keys) are masked
    even if a library underneath put them into its message.
    """
    return redact_secrets(_error_text(exc), None, records_auth_token(), os.environ.get("AWS_ACCESS_KEY_ID"))


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, (AgentMemError, ValueError)):
        return str(exc) or type(exc).__name__
    if isinstance(exc, FileNotFoundError):
        return f"File not found: {exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"Permission denied: {exc.filename or exc}"
    return f"Unexpected error ({type(exc).__name__}): {exc}"


# --------------------------------------------------------------------------- remote stores

#: The remote libSQL server's token: read from here, never typed into the workbench.
RECORDS_TOKEN_ENV = "AGENTMEM_RECORDS_AUTH_TOKEN"
#: Environment variables LanceDB reads for each object store's credentials (shown as set / not set).
_CREDENTIAL_ENV = {
    "s3": ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
    "gs": ("GOOGLE_SERVICE_ACCOUNT", "GOOGLE_SERVICE_ACCOUNT_KEY", "GOOGLE_APPLICATION_CREDENTIALS"),
    "az": ("AZURE_STORAGE_ACCOUNT_NAME", "AZURE_STORAGE_ACCOUNT_KEY"),
}


def records_auth_token() -> str | None:
    """``$AGENTMEM_RECORDS_AUTH_TOKEN``, the token for a remote libSQL server (None when unset)."""
    return os.environ.get(RECORDS_TOKEN_ENV) or None


def _no_secret(key: str) -> None:
    if is_secret_option(key):
        raise InvalidInputError(
            "storage_options",
            f"{key!r} looks like a secret; secrets come from the environment only "
            "(for S3: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), never from this box",
        )


def parse_storage_options(text: str) -> dict[str, str]:
    """The non-secret LanceDB storage options from ``key=value`` lines (or a JSON object).

    Values stay strings (``allow_http=true``); a key that looks like a secret
    (``config.is_secret_option``) is refused, naming the key and never its value.
    """
    if text is None or not text.strip():
        return {}
    stripped = text.strip()
    pairs: list[tuple[str, Any]] = []
    if stripped.startswith("{"):
        pairs = list(parse_metadata(stripped, field="storage_options").items())
    else:
        for number, line in enumerate(stripped.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = (part.strip() for part in line.partition("="))
            if not sep or not key:  # the line itself is never echoed: it may be a pasted secret
                raise InvalidInputError("storage_options", f"line {number}: expected key=value (e.g. region=us-east-1)")
            pairs.append((key, value))
    out: dict[str, str] = {}
    for key, value in pairs:
        _no_secret(key)
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif not isinstance(value, str):
            raise InvalidInputError(f"storage_options.{key}", f"must be a string, got {type(value).__name__}")
        out[key] = value
    return out


def without_secret_options(text: str) -> str:
    """The options text less every line whose key looks like a secret (a JSON object with one: nothing)."""
    if not text or not text.strip():
        return ""
    if text.strip().startswith("{"):
        try:
            return "" if any(is_secret_option(str(k)) for k in json.loads(text)) else text
        except (ValueError, TypeError):
            return ""
    return "\n".join(line for line in text.splitlines()
                     if not is_secret_option(line.partition("=")[0].strip()) and not (line.strip() and "=" not in line))


@dataclass(frozen=True)
class StoreSettings:
    """Where a workbench store lives: the data directory and, optionally, remote stores.

    It holds no secret (the records token and the object-store keys come from the
    environment when the Memory opens), so it can key the cache, sit in session state
    and be shown. Empty remote fields mean today's local files under ``data_dir``.
    """

    data_dir: str
    records_url: str | None = None
    vectors_uri: str | None = None
    storage_options: tuple[tuple[str, str], ...] = ()

    @property
    def remote(self) -> bool:
        return self.records_url is not None or self.vectors_uri is not None

    @property
    def key(self) -> str:
        """A text naming this configuration (the data directory alone when nothing is remote), for job keys."""
        if not self.remote and not self.storage_options:
            return self.data_dir
        return json.dumps([self.data_dir, self.records_url, self.vectors_uri, self.storage_options])

    def config(self, **overrides: Any) -> Any:  # agentmem.MemoryConfig, imported lazily
        """The MemoryConfig to open, with the records token from the environment."""
        from agentmem import MemoryConfig

        remote = self.records_url is not None and is_uri(self.records_url)
        return MemoryConfig(
            data_dir=self.data_dir,
            records_url=self.records_url,
            records_auth_token=records_auth_token() if remote else None,
            vectors_uri=self.vectors_uri,
            storage_options=dict(self.storage_options) or None,
            **overrides,
        )

    def where(self) -> dict[str, str]:
        """Where the records and the vectors live, fit to show (credentials in URLs masked)."""
        cfg = self.config()
        out = {"records": redact_url(cfg.resolved_records_url), "vectors": redact_url(cfg.resolved_vectors_uri)}
        options = masked_options(dict(self.storage_options))
        if options:
            out["options"] = ", ".join(f"{k}={v}" for k, v in options.items())
        return out


def store_settings(data_dir: str | Path, *, records_url: str = "", vectors_uri: str = "",
                   storage_options: str = "") -> StoreSettings:
    """The settings from the sidebar's fields, checked (InvalidInputError naming the setting).

    A records URL must not carry credentials: the token comes from ``$AGENTMEM_RECORDS_AUTH_TOKEN``.
    """
    records = (records_url or "").strip() or None
    vectors = (vectors_uri or "").strip() or None
    options = parse_storage_options(storage_options)
    if records is not None and is_uri(records):
        rest = records.partition("://")[2]
        host, query = rest.split("/", 1)[0].split("?", 1)[0], rest.partition("?")[2]
        keys = [part.split("=", 1)[0] for part in query.split("&") if part]
        if "@" in host or any(is_secret_option(k) for k in keys):
            raise InvalidInputError(
                "records_url", f"carries credentials; give the token in ${RECORDS_TOKEN_ENV} instead "
                f"and write the URL without them ({redact_url(records)})")
    if options and vectors is None:
        raise InvalidInputError("storage_options", "are for an object store: set the vectors URI (e.g. s3://bucket/prefix) too")
    settings = StoreSettings(str(data_dir), records, vectors, tuple(sorted(options.items())))
    settings.config()  # MemoryConfig checks the URL schemes, the URI and the option values
    return settings


def credential_notes(settings: StoreSettings) -> list[str]:
    """Which secrets the environment holds for these settings, by variable name only (never a value)."""
    notes = []
    if settings.records_url is not None and is_uri(settings.records_url):
        notes.append(f"${RECORDS_TOKEN_ENV} " + ("set" if records_auth_token() else "not set (no token sent)"))
    if settings.vectors_uri is not None and is_uri(settings.vectors_uri):
        scheme = settings.vectors_uri.split("://", 1)[0].lower()
        for name in _CREDENTIAL_ENV.get({"s3+ddb": "s3", "abfs": "az"}.get(scheme, scheme), ()):
            notes.append(f"${name} " + ("set" if os.environ.get(name) else "not set"))
    return notes


#: Environment variables that fill the sidebar's remote fields of a new session (like
#: ``$AGENTMEM_DATA_DIR`` for the data directory), so a page reload keeps the remote stores.
REMOTE_ENV = {
    "records_url": "AGENTMEM_RECORDS_URL",
    "vectors_uri": "AGENTMEM_VECTORS_URI",
    "storage_options": "AGENTMEM_STORAGE_OPTIONS",  # key=value pairs, one per line or comma-separated
}


def default_remote_fields() -> dict[str, str]:
    """The remote fields from ``$AGENTMEM_RECORDS_URL``, ``$AGENTMEM_VECTORS_URI`` and
    ``$AGENTMEM_STORAGE_OPTIONS`` (empty where unset)."""
    fields = {key: os.environ.get(name, "").strip() for key, name in REMOTE_ENV.items()}
    fields["storage_options"] = "\n".join(p.strip() for p in re.split(r"[,\n]", fields["storage_options"]) if p.strip())
    return fields


# --------------------------------------------------------------------------- jobs


class Job:
    """A piece of long work on its own thread, with progress the page can poll.

    ``fn(progress)`` does the work; it calls ``progress(done, total, label)`` as it goes
    and returns the result. The page reads ``done``/``total``/``label``/``rate`` while
    ``running`` and ``result`` or ``error`` after.
    """

    def __init__(self, name: str, fn: Callable[[Callable[..., None]], Any]) -> None:
        self.id = uuid.uuid4().hex[:8]
        self.name = name
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
        except BaseException as exc:  # shown on the page, never raised into Streamlit
            self.error = friendly_error(exc)
            self.error_detail = "".join(traceback.format_exception(exc))
        finally:
            self.finished = time.perf_counter()

    @property
    def running(self) -> bool:
        return self.finished is None

    @property
    def elapsed(self) -> float:
        return (self.finished or time.perf_counter()) - self.started

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0

    @property
    def rate(self) -> float:
        """Items per second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self.running


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

    def start(self, key: str, name: str, fn: Callable[[Callable[..., None]], Any]) -> tuple[Job, bool]:
        """Start ``fn`` under ``key``; returns (job, started). A running job is returned unstarted-again."""
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.running:
                return current, False
            job = Job(name, fn)
            self._jobs[key] = job
        job.start()
        return job, True

    def forget(self, key: str) -> None:
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.running:
                del self._jobs[key]


JOBS = JobBoard()


# --------------------------------------------------------------------------- parsing


def parse_metadata(text: str, *, field: str = "metadata") -> dict[str, Any]:
    """A JSON object from a text box; empty means ``{}``."""
    if text is None or not str(text).strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(field, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(value, dict):
        raise InvalidInputError(field, f"must be a JSON object like {{\"topic\": \"food\"}}, got {type(value).__name__}")
    return value


def parse_filters(text: str) -> dict[str, Any]:
    """Metadata filters from ``key=value`` lines or a JSON object; values are JSON when they parse."""
    if text is None or not text.strip():
        return {}
    stripped = text.strip()
    if stripped.startswith("{"):
        return parse_metadata(stripped, field="filters")
    out: dict[str, Any] = {}
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        if "=" not in line:
            raise InvalidInputError("filters", f"line {number}: expected key=value, got {line.strip()!r}")
        key, raw = (part.strip() for part in line.split("=", 1))
        if not key:
            raise InvalidInputError("filters", f"line {number}: the key is empty")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[key] = value
    return out


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One row to store; ``row`` is its 1-based position in what the user gave."""

    row: int
    text: Any
    user_id: str | None
    metadata: Any = field(default_factory=dict)


def items_from_text(text: str, *, user_id: str | None, metadata: dict[str, Any] | None = None) -> list[IngestItem]:
    """One memory per non-empty line of pasted text."""
    if text is None or not text.strip():
        raise InvalidInputError("text", "paste at least one line of text (one memory per line)")
    meta = dict(metadata or {})
    return [
        IngestItem(row=i, text=line, user_id=user_id, metadata=dict(meta))
        for i, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def parse_chat(text: str | bytes | None, *, field: str = "chat") -> list[Any]:
    """Chat messages from JSON (a list of messages) or JSONL (one message per line).

    Only the JSON is read here: ``Memory.add`` checks the messages themselves and names
    the one it refuses (``messages[2].role``).
    """
    if isinstance(text, bytes):
        if len(text) > MAX_UPLOAD_BYTES:
            raise InvalidInputError(field, f"is {len(text) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInputError(field, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if text is None or not text.strip():
        raise InvalidInputError(field, "paste or upload a chat: a JSON list of messages, or one JSON message per line")
    try:
        whole = json.loads(text)
    except json.JSONDecodeError:
        whole = None  # JSONL, read line by line below
    else:
        if isinstance(whole, list):
            return whole
        if isinstance(whole, dict):
            return [whole]  # JSONL of one line, or one pretty-printed message
        raise InvalidInputError(field, f"must be a list of messages, got JSON {type(whole).__name__}")
    out: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InvalidInputError(field, f"line {number}: not valid JSON ({exc.msg})") from None
    return out


def save_upload(name: str, data: bytes, folder: str | Path) -> tuple[Path, str]:
    """Write an upload to ``folder`` (size and type checked first); returns (path, dataset kind)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(
            "upload", f"{name} is {len(data) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB"
        )
    if not data.strip():
        raise InvalidInputError("upload", f"{name} is empty")
    suffix = Path(name).suffix.lower()
    kind = UPLOAD_KINDS.get(suffix)
    if kind is None:
        raise InvalidInputError("upload", f"{name}: use a .csv, .jsonl or LoCoMo .json file")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"upload-{uuid.uuid4().hex[:8]}{suffix}"
    path.write_bytes(data)
    return path, kind


def upload_columns(path: str | Path, kind: str, *, sample_rows: int = 200) -> list[str]:
    """Column names of a CSV header or the keys of the first JSONL objects (for the pickers)."""
    path = Path(path)
    try:
        head = path.read_text(encoding="utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if kind == "csv":
        try:
            header = next(csv.reader(io.StringIO(head)), [])
        except csv.Error as exc:
            raise DatasetError(f"{path.name}: bad CSV header: {exc}") from None
        columns = [c for c in header if c]
        if not columns:
            raise DatasetError(f"{path.name}: the first line has no column names")
        return columns
    if kind == "jsonl":
        keys: dict[str, None] = {}
        for number, line in enumerate(head.splitlines()[:sample_rows], start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{path.name}: line {number}: bad JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DatasetError(f"{path.name}: line {number}: expected a JSON object")
            keys.update(dict.fromkeys(str(k) for k in row))
        if not keys:
            raise DatasetError(f"{path.name}: no JSON objects found")
        return list(keys)
    return []


def items_from_dataset(dataset: Any, *, user_id: str | None = None) -> list[IngestItem]:
    """Rows of an ``agentmem.bench.Dataset``; ``user_id`` overrides the items' own users."""
    return [
        IngestItem(row=i, text=item.text, user_id=user_id or item.user_id, metadata=dict(item.metadata))
        for i, item in enumerate(dataset.items, start=1)
    ]


def validate_items(items: Sequence[IngestItem]) -> tuple[list[IngestItem], list[dict[str, Any]]]:
    """Split rows into those the store will take and rejected ones with a reason each.

    ``add_batch`` refuses a whole batch for one bad row; checking first lets the good
    rows through and tells the user exactly which rows were left out and why.
    """
    good: list[IngestItem] = []
    rejected: list[dict[str, Any]] = []
    for item in items:
        reason = None
        if not isinstance(item.text, str):
            reason = f"text is {type(item.text).__name__}, not a string"
        elif not item.text.strip():
            reason = "empty or whitespace-only text"
        elif "\x00" in item.text:
            reason = "text contains a NUL character"
        elif not isinstance(item.metadata, dict):
            reason = f"metadata is {type(item.metadata).__name__}, not an object"
        else:
            try:
                json.dumps(item.metadata)
            except (TypeError, ValueError) as exc:
                reason = f"metadata is not JSON-serializable ({exc})"
        if reason is None:
            good.append(item)
        else:
            rejected.append({"row": item.row, "reason": reason, "text": _preview(item.text)})
    return good, rejected


# --------------------------------------------------------------------------- ingest


@dataclass
class IngestSummary:
    """What an ingest did: counts of ADD / NOOP / rejected and the reasons, and its speed."""

    added: int = 0
    noop: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    stored: int = 0
    ids: list[str] = field(default_factory=list)

    @property
    def ops_per_s(self) -> float:
        return (self.added + self.noop) / self.seconds if self.seconds > 0 else 0.0

    def outcome_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"outcome": ["ADD", "NOOP", "rejected"], "count": [self.added, self.noop, len(self.rejected)]}
        )

    def rejected_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rejected, columns=["row", "reason", "text"])




def ingest(
    memory: Memory,
    items: Sequence[IngestItem],
    *,
    agent_id: str | None = None,
    run_id: str | None = None,
    memory_type: str = "semantic",
    batch_size: int = 128,
    concurrency: int = 1,
    progress: Callable[..., None] | None = None,
    rejected: Iterable[dict[str, Any]] = (),
) -> IngestSummary:
    """Store ``items`` with ``add_batch`` in chunks, reporting progress after each chunk.

    Rows are validated first (see :func:`validate_items`); ``concurrency`` chunks are in
    flight at once. A chunk the store refuses marks its rows rejected with the store's
    message and the rest goes on, so one bad row never loses the others.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInputError("batch_size", f"must be a positive integer, got {batch_size!r}")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise InvalidInputError("concurrency", f"must be a positive integer, got {concurrency!r}")
    good, bad = validate_items(items)
    summary = IngestSummary(rejected=[*rejected, *bad])
    total = len(good)
    if progress:
        progress(0, total, "starting")
    chunks = group_by_user(good, batch_size)
    done = 0
    lock = threading.Lock()
    started = time.perf_counter()

    def add(user: str | None, rows: list[IngestItem]) -> list[Any]:
        return memory.add_batch(
            [r.text for r in rows],
            user_id=user,
            agent_id=agent_id or None,
            run_id=run_id or None,
            metadata=[r.metadata for r in rows],
            memory_type=memory_type,
        )

    def write(chunk: tuple[str | None, list[IngestItem]]) -> None:
        nonlocal done
        user, rows = chunk
        outcomes: list[tuple[IngestItem, Any, str | None]] = []
        try:
            outcomes = [(r, res, None) for r, res in zip(rows, add(user, rows))]
        except InvalidInputError:
            # The store refuses a whole batch for one row it rejects; find that row
            # (one call per row, only for this chunk) so the others still go in.
            for r in rows:
                try:
                    outcomes.append((r, add(user, [r])[0], None))
                except AgentMemError as exc:
                    outcomes.append((r, None, str(exc)))
        except AgentMemError as exc:
            outcomes = [(r, None, str(exc)) for r in rows]
        with lock:
            for row, result, error in outcomes:
                if error is not None:
                    summary.rejected.append({"row": row.row, "reason": f"refused by the store: {error}",
                                             "text": _preview(row.text)})
                elif result.event == "NOOP":
                    summary.noop += 1
                    summary.ids.append(result.id)
                else:
                    summary.added += 1
                    summary.ids.append(result.id)
            done += len(rows)
        if progress:
            progress(done, total, "writing")

    if concurrency == 1 or len(chunks) <= 1:
        for chunk in chunks:
            write(chunk)
    else:
        with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="workbench-ingest") as pool:
            list(pool.map(write, chunks))
    summary.seconds = time.perf_counter() - started
    summary.rejected.sort(key=lambda r: (r["row"] is None, r["row"] or 0))
    summary.stored = memory.count()
    if progress:
        progress(total, total, "done")
    return summary


def ingest_chat(
    memory: Memory,
    messages: Sequence[Any],
    *,
    user_id: str | None,
    agent_id: str | None = None,
    run_id: str | None = None,
    timestamp: str | None = None,
    memory_type: str = "semantic",
    progress: Callable[..., None] | None = None,
) -> IngestSummary:
    """Store a chat with one ``add(messages)``: a memory per message, each with the turns
    before it (and ``timestamp``) as its context. A bad message rejects the whole chat
    with an error naming it, and nothing is written."""
    total = len(messages)
    if progress:
        progress(0, total, "starting")
    started = time.perf_counter()
    results = memory.add(list(messages), user_id=user_id or None, agent_id=agent_id or None, run_id=run_id or None,
                         timestamp=timestamp or None, memory_type=memory_type)
    summary = IngestSummary(seconds=time.perf_counter() - started, ids=[r.id for r in results])
    summary.noop = sum(r.event == "NOOP" for r in results)
    summary.added = len(results) - summary.noop
    summary.stored = memory.count()
    if progress:
        progress(total, total, "done")
    return summary


# --------------------------------------------------------------------------- frames


def _jsonish(value: Any) -> str:
    if value in (None, {}):
        return ""
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def records_frame(records: Iterable[Any]) -> pd.DataFrame:
    """MemoryRecords as a display table (metadata as compact JSON)."""
    columns = ["content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at", "updated_at", "id"]
    rows = [{c: getattr(r, c, None) for c in columns} for r in records]
    frame = pd.DataFrame(rows, columns=columns)
    frame["metadata"] = frame["metadata"].map(_jsonish)
    return frame


def hits_frame(hits: Iterable[Any]) -> pd.DataFrame:
    """SearchHits as a display table, best first, with a rank column."""
    columns = ["score", "content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at", "id"]
    rows = [{c: getattr(h, c, None) for c in columns} for h in hits]
    frame = pd.DataFrame(rows, columns=columns)
    frame["metadata"] = frame["metadata"].map(_jsonish)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def history_frame(events: Iterable[Any]) -> pd.DataFrame:
    """HistoryEvents (oldest first) as a table for the timeline."""
    columns = ["created_at", "event", "old_content", "new_content", "old_metadata", "new_metadata", "actor"]
    rows = [{c: getattr(e, c, None) for c in columns} for e in events]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("old_metadata", "new_metadata"):
        frame[col] = frame[col].map(_jsonish)
    return frame


def count_frames(stats: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Memories per user and per type from ``Memory.stats()`` (one GROUP BY each, not a scan)."""
    out = {}
    for key, label in (("users", "user_id"), ("memory_types", "memory_type")):
        counts = stats.get(key) or {}
        rows = sorted(((k or None, int(v)) for k, v in counts.items()), key=lambda kv: (-kv[1], str(kv[0])))
        out[label] = pd.DataFrame(rows, columns=[label, "count"])
    return out


# --------------------------------------------------------------------------- export / import


def export_bytes(memory: Memory, fmt: str) -> tuple[str, bytes]:
    """Export every memory to JSONL or Parquet; returns (file name, bytes) for a download."""
    if fmt not in ("jsonl", "parquet"):
        raise InvalidInputError("format", f"must be jsonl or parquet, got {fmt!r}")
    folder = Path(tempfile.mkdtemp(prefix="agentmem-export-"))
    try:
        name = f"agentmem-{datetime.now():%Y%m%d-%H%M%S}.{fmt}"
        path = folder / name
        memory.export(path)
        return name, path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_upload(memory: Memory, name: str, data: bytes, *, reembed: bool = False) -> int:
    """Import a JSONL or Parquet export (from an upload); returns how many memories came in."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInputError(
            "upload", f"{name} is {len(data) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB"
        )
    suffix = Path(name).suffix.lower()
    if suffix not in (".jsonl", ".parquet"):
        raise InvalidInputError("upload", f"{name}: import takes a .jsonl or .parquet export")
    if not data:
        raise InvalidInputError("upload", f"{name} is empty")
    folder = Path(tempfile.mkdtemp(prefix="agentmem-import-"))
    try:
        path = folder / f"import{suffix}"
        path.write_bytes(data)
        return memory.import_(path, reembed=reembed)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- storage


def directory_listing(path: str | Path) -> pd.DataFrame:
    """Top-level entries of the data directory with their size on disk."""
    path = Path(path)
    rows = []
    if path.is_dir():
        for entry in sorted(path.iterdir()):
            if entry.is_dir():
                files = [p for p in entry.rglob("*") if p.is_file()]
                size = sum(p.stat().st_size for p in files)
                rows.append({"name": entry.name + "/", "files": len(files), "bytes": size})
            else:
                rows.append({"name": entry.name, "files": 1, "bytes": entry.stat().st_size})
    frame = pd.DataFrame(rows, columns=["name", "files", "bytes"])
    frame["size"] = frame["bytes"].map(_human_bytes)
    return frame


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _preview(value: Any, width: int = 80) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------- the store


class Store:
    """The one Memory of a configuration, opened lazily, reopened only when its settings change.

    The workbench caches one Store per :class:`StoreSettings` (data directory and remote
    stores; ``st.cache_resource``), so every page and every session share the same
    Memory. Settings that live in ``MemoryConfig`` (pool size, a phase preset) are
    applied by :meth:`configure`, which closes the old Memory and opens the new one on
    the same stores; nothing stored is lost.
    """

    def __init__(self, settings: StoreSettings | str | Path) -> None:
        if not isinstance(settings, StoreSettings):
            settings = StoreSettings(str(settings))
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self.overrides: dict[str, Any] = {}
        self._memory: Memory | None = None
        self._lock = threading.RLock()

    @property
    def memory(self) -> Memory:
        with self._lock:
            if self._memory is None:
                from agentmem import Memory

                self._memory = Memory(self.settings.config(**self.overrides))
            return self._memory

    @property
    def is_open(self) -> bool:
        return self._memory is not None

    def configure(self, **overrides: Any) -> bool:
        """Use these MemoryConfig fields from now on; True when the Memory was reopened."""
        self.settings.config(**overrides)  # validate before closing anything
        with self._lock:
            if overrides == self.overrides:
                return False
            self.close()
            self.overrides = dict(overrides)
            return True

    def close(self) -> None:
        with self._lock:
            if self._memory is not None:
                try:
                    self._memory.close()
                finally:
                    self._memory = None
