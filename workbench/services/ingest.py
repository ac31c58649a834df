"""Writing rows into a store with progress, and a store's memories out to a file and back in."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from agentmem.bench import group_by_user
from agentmem.errors import AgentMemError, InvalidInputError

from .parsing import MAX_UPLOAD_BYTES, IngestItem, preview, validate_items

if TYPE_CHECKING:
    from agentmem import Memory

__all__ = ["MEMORY_TYPES", "OUTCOMES", "IngestSummary", "export_bytes", "import_upload", "ingest", "ingest_chat"]

MEMORY_TYPES = ("semantic", "episodic", "procedural")


@dataclass
class IngestSummary:
    """What an ingest did: counts of added / already stored / rejected rows, the reasons, and its speed.

    The speed is one figure, :attr:`per_second`: rows written (added or found already
    stored) divided by :attr:`seconds`, the wall time from the start of the ingest (its
    checks included) until every row is in both stores (``Memory.flush()``: vectors
    appended too, not only acknowledged). The progress bar shows the same figure at the
    end (``Job.rate``), so a run never has two speeds.
    """

    added: int = 0
    noop: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    #: add(messages, infer=True): one row per decision the LLM made (event, memory, before, id, why)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    stored: int = 0
    ids: list[str] = field(default_factory=list)

    @property
    def written(self) -> int:
        """Rows the store took: added, or already there (NOOP)."""
        return self.added + self.noop

    @property
    def per_second(self) -> float:
        return self.written / self.seconds if self.seconds > 0 else 0.0

    def outcome_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"outcome": list(OUTCOMES), "count": [self.added, self.noop, len(self.rejected)]}
        )

    def rejected_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rejected, columns=["row", "reason", "text"])


#: The outcome of a row in plain words: stored now, already stored (the store's NOOP), refused.
OUTCOMES = ("added", "already stored", "rejected")


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
    warm: Callable[[str | None, str], None] | None = None,
) -> IngestSummary:
    """Store ``items`` with ``add_batch`` in chunks, reporting progress after each chunk.

    Rows are validated first (see :func:`validate_items`); ``concurrency`` chunks are in
    flight at once. A chunk the store refuses marks its rows rejected with the store's
    message and the rest goes on, so one bad row never loses the others. ``warm(user, text)``,
    when given, runs after the clock stops (see :func:`_finish`).
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInputError("batch_size", f"must be a positive integer, got {batch_size!r}")
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise InvalidInputError("concurrency", f"must be a positive integer, got {concurrency!r}")
    started = time.perf_counter()
    good, bad = validate_items(items)
    summary = IngestSummary(rejected=[*rejected, *bad])
    total = len(good)
    if progress:
        progress(0, total, "starting")
    chunks = group_by_user(good, batch_size)
    done = 0
    lock = threading.Lock()

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
                                             "text": preview(row.text)})
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
    _finish(memory, summary, started, total, progress)
    if warm is not None and good:
        _warm(warm, good[0].user_id, good[0].text, total, progress)
    summary.rejected.sort(key=lambda r: (r["row"] is None, r["row"] or 0))
    return summary


def _warm(warm: Callable[[str | None, str], None], user_id: str | None, text: str, total: int,
          progress: Callable[..., None] | None) -> None:
    """Get the first search ready (the query model, one user's memories), outside the speed's clock.

    On a fresh machine the first query builds the query model's int8 graph, seconds that a
    search would otherwise spend behind a spinner; an ingest is the moment a search is due.
    A failure here is no failure of the ingest: the search pays it later.
    """
    if progress:
        progress(total, total, "getting the first search ready (the search model, this user's memories)")
    try:
        warm(user_id, text)
    except AgentMemError:
        pass
    if progress:
        progress(total, total, "done")


def _finish(memory: Memory, summary: IngestSummary, started: float, total: int,
            progress: Callable[..., None] | None) -> None:
    """Wait until every row is in both stores, then stop the clock and count the store."""
    if progress:
        progress(total, total, "storing the last vectors")
    memory.flush()  # adds return once the records commit; the speed counts until the vectors are in
    summary.seconds = time.perf_counter() - started
    summary.stored = memory.count()
    if progress:
        progress(total, total, "done")


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
    warm: Callable[[str | None, str], None] | None = None,
    infer: bool = False,
) -> IngestSummary:
    """Store a chat with one ``add(messages)``: a memory per message, each with the turns
    before it (and ``timestamp``) as its context. A bad message rejects the whole chat
    with an error naming it, and nothing is written. ``infer``: the LLM of the store's
    ``llm_base_url`` turns the chat into facts instead, each an ADD / UPDATE / DELETE / NOOP
    (``summary.decisions``)."""
    total = len(messages)
    if progress:
        progress(0, total, "asking the LLM" if infer else "starting")
    started = time.perf_counter()
    results = memory.add(list(messages), user_id=user_id or None, agent_id=agent_id or None, run_id=run_id or None,
                         timestamp=timestamp or None, memory_type=memory_type, **({"infer": True} if infer else {}))
    summary = IngestSummary(ids=[r.id for r in results if r.id is not None])
    summary.noop = sum(r.event == "NOOP" for r in results)
    summary.added = sum(r.event == "ADD" for r in results)
    if infer:
        summary.decisions = [{"event": r.event, "memory": r.memory, "before": getattr(r, "previous", None),
                              "id": r.id, "why": getattr(r, "reason", None)} for r in results]
    _finish(memory, summary, started, total, progress)
    if warm is not None and results:
        _warm(warm, user_id or None, "what was said", total, progress)
    return summary


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
