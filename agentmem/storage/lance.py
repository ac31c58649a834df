"""The vector store: one LanceDB table (async API) with the vector, the content and the
filter columns, a full-text index for hybrid search, scalar indexes on the scope columns,
periodic compaction and an ANN index once the table is large enough to need one."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import lancedb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from lancedb.index import FTS, BTree, Bitmap, IvfPq, LabelList

from ..config import is_uri, redact_secrets, redact_url
from ..errors import AgentMemError, VectorStoreError
from .base import NewMemory
from .filters import lance_literal
from .scopes import ScopeIndex, ScopeKey, bm25_reach, tokenize
from .sql import chunked
from .upkeep import Upkeep, UpkeepPolicy

__all__ = ["VectorStore", "TABLE"]

log = logging.getLogger(__name__)
TABLE = "memories"
T = TypeVar("T")
#: The full-text index is on this column (a memory's context + content, see NewMemory.index_text).
FTS_COLUMN = "search_text"
RESULT_COLUMNS = ["id", "content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at"]
BLOCK_COLUMNS = [*RESULT_COLUMNS, "vector", FTS_COLUMN]  # what a scope block is built from
# Rows of other processes read back per version check at most; more drop the scope blocks
# (they reload on their next search, cheaper than adding a bulk import row by row).
FOREIGN_READ_MAX = 50_000
# seconds after open (or a bulk append) before the blocks of every user start loading (warm)
WARM_DELAY_S = 1.0
WARM_AFTER_ROWS = 1000


_SESSION: Any = None


def _session() -> Any:
    """One LanceDB session per process with bounded caches (LanceDB's defaults allow GBs
    of index cache; scope-only searches do not use it, see scopes.py)."""
    global _SESSION
    if _SESSION is None:
        _SESSION = lancedb.Session(index_cache_size_bytes=256 << 20, metadata_cache_size_bytes=64 << 20)
    return _SESSION


def schema(dim: int) -> pa.Schema:
    return pa.schema([
        pa.field("id", pa.string(), nullable=False),
        pa.field("vector", pa.list_(pa.float32(), dim)),
        pa.field("content", pa.string()),
        pa.field("hash", pa.string()),
        pa.field("user_id", pa.string()),
        pa.field("agent_id", pa.string()),
        pa.field("run_id", pa.string()),
        pa.field("memory_type", pa.string()),
        pa.field("created_at", pa.int64()),  # microseconds since the epoch, UTC
        pa.field("metadata", pa.string()),  # the whole dict as JSON, returned with hits
        pa.field("meta_kv", pa.list_(pa.string())),  # key=<json> per scalar entry, for filters
        pa.field("search_text", pa.string()),  # what full-text search sees: context + content
    ])


def fts_config() -> FTS:
    """The full-text index: words lower-cased, ASCII-folded, English-stemmed, stop words out,
    no positions (no phrase queries). Each option measured per category in BENCHMARKS.md
    (retrieval): stemming +0.03 and stop-word removal +0.035 recall@10 for full text alone."""
    return FTS(with_position=False, base_tokenizer="simple", language="English", lower_case=True,
               stem=True, remove_stop_words=True, ascii_folding=True)


async def _guard(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """Run a LanceDB call and translate its errors into VectorStoreError."""
    try:
        return await call()
    except AgentMemError:
        raise
    except Exception as exc:  # lancedb raises RuntimeError, ValueError, OSError, lance errors...
        raise VectorStoreError(f"LanceDB {what} failed: {exc}") from exc


async def _guard_retried(what: str, call: Callable[[], Awaitable[T]]) -> T:
    """``_guard`` for reads of the version list and table stats: upkeep's version cleanup
    may delete a manifest between LanceDB listing it and reading it ("..._versions/N.manifest
    not found"), so such a read is tried again before it counts as a failure."""
    for attempt in range(3):
        try:
            return await _guard(what, call)
        except VectorStoreError:
            await asyncio.sleep(0.05 * (attempt + 1))
    return await _guard(what, call)


async def _list_tables(uri: str, opts: dict[str, str] | None) -> Any:
    db = await lancedb.connect_async(uri, storage_options=opts)
    return await db.list_tables()


async def _open_guard(uri: str, options: Mapping[str, str] | None, call: Callable[[], Awaitable[T]]) -> T:
    """Connecting/opening: an engine error becomes a VectorStoreError naming the setting to
    fix (vectors_uri for a bad URI or a missing bucket, storage_options for credentials or an
    unreachable endpoint), with every secret value taken out of the message."""
    try:
        return await call()
    except AgentMemError as exc:
        if isinstance(exc, VectorStoreError) and exc.setting:
            raise
        msg, cause = str(exc), exc
    except Exception as exc:
        msg, cause = str(exc), exc
    text = msg.lower()
    if any(w in text for w in ("nosuchbucket", "bucket does not exist", "could not parse", "invalid url", "relative url")):
        setting = "vectors_uri"
        what = "the bucket does not exist" if "bucket" in text and "parse" not in text else "malformed URI"
    elif any(w in text for w in ("accessdenied", "access denied", "invalidaccesskeyid", "signaturedoesnotmatch",
                                 "403", "401", "forbidden", "credential", "unauthorized")):
        setting, what = "storage_options", "the object store refused the credentials"
    elif any(w in text for w in ("connect", "dns", "timed out", "timeout", "error sending request", "unreachable")):
        setting, what = "storage_options", "the object-store endpoint cannot be reached"
    else:
        setting, what = "vectors_uri", "LanceDB could not open the table"
    detail = redact_secrets(msg, options)[:600]
    raise VectorStoreError(f"{what} ({redact_url(uri)}): {detail}", setting=setting) from cause


def _micros(times: Sequence[datetime]) -> list[int]:
    cache: dict[datetime, int] = {}  # a batch shares one timestamp
    return [cache[t] if t in cache else cache.setdefault(t, int(t.timestamp() * 1_000_000)) for t in times]


def _string_lists(lists: Sequence[list[str]]) -> pa.ListArray:
    """A list<string> column from offsets and one flat array (much faster than nested lists)."""
    offsets = [0]
    flat: list[str] = []
    for values in lists:
        flat.extend(values)
        offsets.append(len(flat))
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(flat, pa.string()))


def to_arrow(items: Sequence[NewMemory], vectors: np.ndarray, dim: int) -> pa.Table:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    flat = pa.array(vectors.reshape(-1), type=pa.float32())
    return pa.Table.from_arrays(
        [
            pa.array([m.id for m in items], pa.string()),
            pa.FixedSizeListArray.from_arrays(flat, dim),
            pa.array([m.content for m in items], pa.string()),
            pa.array([m.hash for m in items], pa.string()),
            pa.array([m.user_id for m in items], pa.string()),
            pa.array([m.agent_id for m in items], pa.string()),
            pa.array([m.run_id for m in items], pa.string()),
            pa.array([m.memory_type for m in items], pa.string()),
            pa.array(_micros([m.created_at for m in items]), pa.int64()),
            pa.array([m.metadata_json for m in items], pa.string()),
            _string_lists([m.meta_kv or [] for m in items]),
            pa.array([m.search_text for m in items], pa.string()),
        ],
        schema=schema(dim),
    )


class VectorStore:
    """The LanceDB side of a Memory."""

    def __init__(
        self,
        db: Any,
        table: Any,
        dim: int,
        *,
        compact_every: int,
        ann_min_rows: int,
        retention_s: float = 30.0,
        upkeep: bool = True,
        lease: Callable[[str, str, float], Awaitable[bool]] | None = None,
        release_lease: Callable[[str, str], Awaitable[None]] | None = None,
        uri: str = "",
        scan_budget_bytes: int = 1 << 30,
    ) -> None:
        self.db = db
        self.table = table
        self.dim = dim
        self.compact_every = compact_every
        self.ann_min_rows = ann_min_rows
        self.retention_s = retention_s
        self._appends = 0
        self._maintenance = asyncio.Lock()
        self._closed = False
        # (rows, vectors, the caller's future (None: written behind), when queued,
        #  (scope token, callback once committed) for rows written behind)
        self._queue: list[tuple[Sequence[NewMemory], np.ndarray, asyncio.Future[float] | None, float, Any]] = []
        self.behind_rows = 0  # rows appended behind their add (see add_behind)
        self.behind_failed = 0
        self._flusher: asyncio.Future[None] | None = None
        self._cleaned_version = 0  # the table version at the last cleanup of old versions
        self.append_count = 0
        self.append_seconds = 0.0
        self.append_wait_seconds = 0.0  # time rows waited in the group-commit queue
        # The one owner of compaction, index updates, the ANN build and version cleanup;
        # writers only kick it. ``compact_every`` is how many small fragments make a round due.
        self.upkeep = Upkeep(
            self,
            UpkeepPolicy(small_fragments=compact_every, ann_min_rows=ann_min_rows),
            lease=lease,
            lease_name=f"upkeep:{uri or id(self)}",
            release=release_lease,
        )
        if upkeep:
            self.upkeep.start()
        # Scope-only searches are answered exactly from in-memory blocks (scopes.py).
        self.scopes = ScopeIndex(self._load_scope, budget_bytes=scan_budget_bytes)
        self.scan = scan_budget_bytes > 0
        # Versions this process committed: any other one seen on refresh is another
        # process's write, read into the loaded blocks (_apply_foreign).
        self._own_versions: set[int] = set()
        self._known_version = -1
        self._check_lock = asyncio.Lock()
        self._rows = 0  # the row count as of our last check, plus our own changes since
        self.foreign_rows = 0  # rows of other processes added to the scope blocks
        self._upkeep_versions: set[int] = set()  # committed while our upkeep ran (see _own_span)
        self._upkeep_from: int | None = None  # the version before an upkeep call still under way
        self._meta: dict[int, dict[str, Any]] = {}  # version metadata kept from the last check
        self._check_task: asyncio.Future[None] | None = None
        self._check_started = 0.0
        self._warm_task: asyncio.Future[None] | None = None
        self.warmed = 0  # blocks loaded ahead of their first search (warm)
        self.warm_seconds = 0.0  # how long the last warm-up took, from its start (delay included)
        self._unwarmed_rows = 0  # rows appended since the last warm-up started

    @staticmethod
    def connect_options(uri: str, storage_options: Mapping[str, str] | None) -> dict[str, str] | None:
        """storage_options for LanceDB: the caller's, plus bounded timeouts on an object store
        (an unreachable endpoint fails in seconds, not after LanceDB's default 3 minutes).
        Options left out come from the environment variables LanceDB reads."""
        if not is_uri(uri) or uri.startswith("file://"):
            return dict(storage_options) if storage_options else None
        opts = {"connect_timeout": "5s", "client_retry_timeout": "30"}
        opts.update(storage_options or {})
        return opts

    @classmethod
    async def probe(cls, uri: str, storage_options: Mapping[str, str] | None = None) -> None:
        """Reach the object store and list its tables without writing anything; a typed
        error naming the setting (vectors_uri / storage_options) if that fails."""
        opts = cls.connect_options(uri, storage_options)
        await _open_guard(uri, storage_options, lambda: _list_tables(uri, opts))

    @classmethod
    async def open(
        cls,
        path: str | Path,
        dim: int,
        *,
        compact_every: int,
        ann_min_rows: int,
        retention_s: float = 30.0,
        upkeep: bool = True,
        lease: Callable[[str, str, float], Awaitable[bool]] | None = None,
        release_lease: Callable[[str, str], Awaitable[None]] | None = None,
        scan_budget_bytes: int = 1 << 30,
        storage_options: Mapping[str, str] | None = None,
    ) -> VectorStore:
        """Open (or create) the table at ``path``: a local folder or an object-store URI
        (``s3://bucket/prefix``, with ``storage_options`` for LanceDB); ``upkeep=False``
        leaves all upkeep to ``optimize()``; ``scan_budget_bytes=0`` sends every search to
        LanceDB (no in-memory scope blocks)."""
        uri = str(path)
        if not is_uri(uri):
            local = Path(uri).expanduser()
            local.mkdir(parents=True, exist_ok=True)
            uri = str(local.resolve())
        opts = cls.connect_options(uri, storage_options)
        db = await _open_guard(
            uri, storage_options, lambda: lancedb.connect_async(uri, storage_options=opts, session=_session())
        )
        table = await _open_guard(uri, storage_options, lambda: cls._open_table(db, dim))
        store = cls(db, table, dim, compact_every=compact_every, ann_min_rows=ann_min_rows,
                    retention_s=retention_s, upkeep=upkeep, lease=lease, release_lease=release_lease, uri=uri,
                    scan_budget_bytes=scan_budget_bytes)
        store._known_version = int(await _guard("version", lambda: table.version()))
        store._rows = int(await _guard("count", lambda: table.count_rows()))
        if store._rows:
            store.warm()
        return store

    @staticmethod
    async def _open_table(db: Any, dim: int) -> Any:
        listing = await _guard("list tables", lambda: db.list_tables())
        if TABLE in listing.tables:
            table = await _guard("open table", lambda: db.open_table(TABLE))
            found = (await table.schema()).field("vector").type
            if getattr(found, "list_size", dim) != dim:
                raise VectorStoreError(
                    f"the vector table holds {found.list_size}-dimensional vectors but the model makes {dim}; "
                    "use another data_dir or the same model"
                )
            await VectorStore._migrate(table)
            return table
        table = await _guard("create table", lambda: db.create_table(TABLE, schema=schema(dim), exist_ok=True))
        # Indexes on an empty table are cheap and cover the rows appended later:
        # rows not yet indexed are searched by a flat scan until the next optimize().
        await _guard("create FTS index", lambda: table.create_index(FTS_COLUMN, config=fts_config()))
        for column, config in (
            ("id", BTree()), ("user_id", BTree()), ("agent_id", BTree()), ("run_id", BTree()),
            ("memory_type", Bitmap()), ("meta_kv", LabelList()),
        ):
            await _guard(f"create {column} index", lambda c=column, cf=config: table.create_index(c, config=cf))
        return table

    @staticmethod
    async def _migrate(table: Any) -> None:
        """Bring a table written by an older version up to the current schema: a table
        without ``search_text`` gets it (filled from ``content``) and its full-text index
        moves there. Idempotent; the data of every row is kept."""
        names = (await table.schema()).names
        if FTS_COLUMN not in names:
            await _guard("add search_text column", lambda: table.add_columns({FTS_COLUMN: "content"}))
        indices = await _guard("list indexes", lambda: table.list_indices())
        if not any(FTS_COLUMN in idx.columns for idx in indices):
            for idx in indices:
                if idx.index_type == "FTS" and "content" in idx.columns:
                    await _guard("drop old FTS index", lambda n=idx.name: table.drop_index(n))
            await _guard("create FTS index", lambda: table.create_index(FTS_COLUMN, config=fts_config()))

    # --- writes --------------------------------------------------------------------------

    async def add(self, items: Sequence[NewMemory], vectors: np.ndarray) -> float:
        """Append rows; returns this caller's share (by rows) of the append's seconds.

        Concurrent calls are merged into one append (group commit).

        Each LanceDB append writes a fragment and a new table version (~2 ms fixed here);
        with several batches in flight, one append for all of them is what keeps the store
        from being the bottleneck. A caller returns once the append holding its rows has
        committed; if that append fails, every caller in it gets the error and nothing of
        theirs was written (an append is atomic).
        """
        if not items:
            return 0.0
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._queue.append((items, vectors, fut, time.perf_counter(), None))
        self._start_flusher()
        return await fut

    def add_behind(
        self, items: Sequence[NewMemory], vectors: np.ndarray, on_done: Callable[[list[str]], Awaitable[None]]
    ) -> None:
        """Queue rows for the next group append without waiting for it (write-behind).

        The caller has committed these memories to the records store together with their
        vectors (its pending-vectors table), so they survive a kill before the append; the
        rows reach this process's scope blocks at once, LanceDB readers after ``flush()``.
        ``on_done(ids)`` runs once the append has committed (to clear the pending rows).
        """
        if not items:
            return
        self.upkeep.touch()  # an agent's turn is under way: a due round waits for a pause
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        cols = to_arrow(items, vectors, self.dim).select(RESULT_COLUMNS)
        token = self.scopes.announce(cols, vectors, [m.search_text for m in items])
        self.behind_rows += len(items)
        self._queue.append((items, vectors, None, time.perf_counter(), (token, on_done)))
        self._start_flusher()

    def _start_flusher(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.ensure_future(self._flush())

    async def flush(self) -> None:
        """Wait until every queued append, written-behind rows included, has committed."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    async def _flush(self) -> None:
        # Upkeep is not run here: writers only kick the background task (upkeep.py).
        while self._queue:
            group, self._queue = self._queue, []
            start = time.perf_counter()
            self.append_wait_seconds += sum(start - entry[3] for entry in group)
            try:
                merged = [m for items, *_ in group for m in items]
                all_vecs = np.concatenate([vecs for _, vecs, *_ in group])
                data = to_arrow(merged, all_vecs, self.dim)
                async with self._check_lock:  # a version check never sees it half-recorded
                    result = await _guard("append", lambda: self.table.add(data))
                    self._own(result, rows=data.num_rows)
                # before any caller returns: a search right after add finds the rows
                # (rows written behind reached the blocks when they were queued)
                offset = 0
                for items, vecs, fut, _, behind in group:
                    if behind is None:
                        part = data.slice(offset, len(items)).select(RESULT_COLUMNS)
                        self.scopes.added(part, vecs, [m.search_text for m in items])
                    offset += len(items)
            except BaseException as exc:
                for _, _, fut, _, behind in group:
                    if fut is not None and not fut.done():
                        fut.set_exception(exc)
                    if behind is not None:  # still pending in the records store: replayed on open
                        self.behind_failed += 1
                        log.warning("LanceDB append of written-behind rows failed: %s", exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            seconds = time.perf_counter() - start
            self.append_count += 1
            self.append_seconds += seconds
            for items, _, fut, _, behind in group:
                if fut is not None and not fut.done():
                    fut.set_result(seconds * len(items) / len(merged))
                if behind is not None:
                    token, on_done = behind
                    self.scopes.settled(token)
                    try:
                        await on_done([m.id for m in items])
                    except Exception:  # the rows are in LanceDB; a later replay finds them there
                        log.warning("clearing written-behind rows failed", exc_info=True)
            self._appends += 1
            self.upkeep.kick()
            self._unwarmed_rows += len(merged)
            if self._unwarmed_rows >= WARM_AFTER_ROWS:  # a bulk ingest: users no search loaded yet
                self.warm()

    async def upsert(self, items: Sequence[NewMemory], vectors: np.ndarray) -> None:
        """Insert or replace rows by id (one atomic merge)."""
        if not items:
            return
        await self.flush()
        data = to_arrow(items, vectors, self.dim)
        self.scopes.drop_all()
        try:
            async with self._check_lock:
                res = await _guard(
                    "merge",
                    lambda: self.table.merge_insert("id").when_matched_update_all().when_not_matched_insert_all().execute(data),
                )
                self._own(res, rows=int(getattr(res, "num_inserted_rows", 0) or 0) - int(getattr(res, "num_deleted_rows", 0) or 0))
        finally:
            self.scopes.drop_all()

    async def delete_ids(self, ids: Sequence[str]) -> None:
        await self.flush()
        self.scopes.drop_all()
        try:
            for chunk in chunked(list(ids), 500):
                where = f"id IN ({', '.join(lance_literal(i) for i in chunk)})"
                async with self._check_lock:
                    res = await _guard("delete", lambda w=where: self.table.delete(w))
                    self._own(res, rows=-int(getattr(res, "num_deleted_rows", 0) or 0))
        finally:
            self.scopes.drop_all()

    def _own(self, result: Any, rows: int = 0) -> None:
        """Remember the version a write of ours committed (results of add/delete/merge) and
        how it changed the row count."""
        version = getattr(result, "version", None)
        if version is not None:
            self._own_versions.add(int(version))
        self._rows += rows

    async def _own_span(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run an upkeep call and remember the versions committed meanwhile: ours, or
        another process's commit landing inside the span (``_check_foreign_now`` tells
        them apart by what each version wrote)."""
        before = int(await _guard("version", lambda: self.table.version()))
        self._upkeep_from = before  # a check meanwhile sees versions the call has committed so far
        try:
            return await call()
        finally:
            self._upkeep_from = None
            after = int(await _guard("version", lambda: self.table.version()))
            self._upkeep_versions.update(range(before + 1, after + 1))

    async def _check_foreign(self) -> None:
        """Keep the loaded scope blocks current with other processes' commits
        (``_apply_foreign``) without making searches wait: a check starts in the background
        once the last one began ``refresh_s``/2 ago, and a search waits only when no check
        has begun within ``refresh_s``. So another process's commit is found within
        ``refresh_s`` (plus the rest of a check under way: a foreign delete at 1M rows takes
        ~1 s to place), and reading it costs searches nothing while they come often."""
        refresh = self.scopes.refresh_s
        need = time.monotonic() - refresh  # a check begun after this must have finished
        if self.scopes.last_check >= need + refresh / 2:
            return
        task = self._check_task
        if task is not None and not task.done() and self._check_started >= need:
            return  # under way, and recent enough
        while True:
            if task is None or task.done():
                self._check_started = time.monotonic()
                task = self._check_task = asyncio.ensure_future(self._run_check())
                task.add_done_callback(lambda t: t.cancelled() or t.exception())  # logged in _run_check
            if self.scopes.last_check >= need:
                return
            await asyncio.shield(task)

    async def _run_check(self) -> None:
        start = time.monotonic()
        try:
            await self._check_foreign_now()
        except Exception:
            log.warning("checking for other processes' commits failed", exc_info=True)
            raise
        self.scopes.last_check = max(self.scopes.last_check, start)

    async def _check_foreign_now(self) -> None:
        async with self._check_lock:  # never beside a write of ours being recorded, or a load
            await _guard("refresh", lambda: self.table.checkout_latest())
            latest = int(await _guard("version", lambda: self.table.version()))
            if latest == self._known_version:
                return
            known, self._known_version = self._known_version, latest
            # A version our writes did not record is another process's write, or a commit of
            # our own upkeep (which keeps the rows as they are, and reads as such below).
            foreign = {v for v in range(known + 1, latest + 1) if v not in self._own_versions}
            upkeep = self._upkeep_versions
            if self._upkeep_from is not None:  # an upkeep call under way: its versions so far
                upkeep = upkeep | set(range(self._upkeep_from + 1, latest + 1))
            upkeep_only = foreign <= upkeep
            self._own_versions = {v for v in self._own_versions if v > latest}
            self._upkeep_versions = {v for v in self._upkeep_versions if v > latest}
            if not self.scopes.loaded():
                self._meta.clear()
                return
            if upkeep_only and int(await _guard("count", lambda: self.table.count_rows())) == self._rows:
                foreign = set()  # our upkeep's rounds, and no rows came or went beside them
        try:
            kept = await self._apply_foreign(known, latest, foreign)
        except VectorStoreError:
            log.warning("reading another process's rows failed; dropping the scope blocks", exc_info=True)
            kept = False
        if not kept:
            log.info("scope blocks dropped: versions %d..%d hold writes this process did not make (%s)",
                     known + 1, latest, sorted(foreign)[:20])
            self.scopes.drop_all()
            self.scopes.foreign_drops += 1

    async def _apply_foreign(self, known: int, latest: int, foreign: set[int]) -> bool:
        """Bring the loaded blocks up to ``latest`` by reading only what other processes
        wrote since ``known``; False when that cannot be told (the blocks are then dropped).

        Each version's metadata gives the rows it wrote to new fragments (appends, merges)
        and the rows it removed. A plain scan returns rows in fragment-list order; new
        fragments go to the end and compaction keeps the order, so the rows version v wrote
        are the live rows at a known distance from the end of the table (shifted towards
        the end by at most the rows removed in the span: that many more are read, and rows
        a block already holds are kept once). Appended rows are added to the blocks they
        belong to; a merge (an update) drops the blocks of the rows it wrote; a delete drops
        the blocks of the rows it removed (``_deleted_rows``)."""
        # (read whenever the version moved with blocks loaded, so the metadata of the
        # version last seen is kept here even once version cleanup has removed it)
        versions = await _guard_retried("list versions", lambda: self.table.list_versions())
        self._meta.update({int(v["version"]): v.get("metadata") or {} for v in versions})
        meta, self._meta = self._meta, {v: m for v, m in self._meta.items() if v >= latest}
        if not foreign:
            return True
        if any(v not in meta for v in range(known, latest + 1)):
            return False  # cleaned up before this process saw it: not known what changed

        def num(v: int, key: str) -> int:
            return int(meta[v].get(key, 0) or 0)

        wrote: dict[int, int] = {}
        removed: dict[int, int] = {}
        for v in range(known + 1, latest + 1):
            wrote[v] = max(num(v, "total_data_file_rows") - num(v - 1, "total_data_file_rows"), 0)
            removed[v] = max(wrote[v] - (num(v, "total_rows") - num(v - 1, "total_rows")), 0)
        end = num(latest, "total_rows")
        slack = sum(removed.values())
        reads: list[tuple[int, int, bool]] = []  # (offset, rows, replaces rows)
        after = 0
        deletes = []
        for v in range(latest, known, -1):
            if v in foreign and removed[v] and not wrote[v]:
                deletes.append(v)
            if v in foreign and wrote[v]:
                lo = max(end - after - wrote[v], 0)
                reads.append((lo, min(end, end - after + slack) - lo, bool(removed[v])))
            after += wrote[v]
        self._rows = end
        if sum(n for _, n, _ in reads) + sum(removed[v] for v in deletes) > FOREIGN_READ_MAX:
            return False  # a bulk import or delete: blocks reload on their next search
        for v in deletes:
            self.scopes.drop_scopes_of(await self._deleted_rows(v))
        for offset, n, replaces in reversed(reads):
            if n <= 0:
                continue
            tbl = await _guard(
                "read new rows", lambda o=offset, k=n: self.table.query().offset(o).limit(k).select(BLOCK_COLUMNS).to_arrow()
            )
            cols, vecs, texts = self._block_rows(tbl)
            if replaces:
                self.scopes.drop_scopes_of(cols)
                continue
            self.foreign_rows += self.scopes.added(cols, vecs, texts, known=True)
        return True

    async def _deleted_rows(self, version: int) -> pa.Table:
        """The scope columns of the rows a delete-only ``version`` removed: it changed no
        fragment, only marked rows deleted, so its rows are the row ids live before it and
        not after (two scans of row ids only, then one read of those rows)."""
        before = await _guard("open table", lambda: self.db.open_table(TABLE))
        after = await _guard("open table", lambda: self.db.open_table(TABLE))
        await _guard("checkout", lambda: before.checkout(version - 1))
        await _guard("checkout", lambda: after.checkout(version))
        ids = []
        for t in (before, after):
            tbl = await _guard("read row ids", lambda t=t: t.query().select([]).with_row_id().to_arrow())
            ids.append(tbl.column("_rowid").to_numpy().astype(np.int64))
        # row ids are unique: 29 ms at 1.2M rows, where the general uint64 path took 2.3 s
        gone = np.setdiff1d(ids[0], ids[1], assume_unique=True)
        if not len(gone):
            return pa.table({c: pa.array([], pa.string()) for c in ("id", "user_id", "agent_id", "run_id")})
        where = f"_rowid IN ({', '.join(str(int(r)) for r in gone)})"
        return await _guard(
            "read deleted rows", lambda: before.query().where(where).select(["id", "user_id", "agent_id", "run_id"]).to_arrow()
        )

    def warm(self, delay_s: float = WARM_DELAY_S) -> None:
        """Load every user's block in the background (``_warm``); a no-op while it runs."""
        if self.scan and not self._closed and (self._warm_task is None or self._warm_task.done()):
            self._warm_task = asyncio.ensure_future(self._warm(delay_s))

    async def wait_warm(self) -> float:
        """Wait for a warm-up in progress (if any) to finish; returns the seconds it took.
        A benchmark calls this after reopening a store, so what it times next is not the
        reopen's loads."""
        if self._warm_task is not None and not self._warm_task.done():
            await asyncio.shield(self._warm_task)
        return self.warm_seconds

    async def _warm(self, delay_s: float) -> None:
        """Load the blocks of the users no search has loaded yet, largest first, one at a
        time, while they fit in 90 % of the budget: a user's first search then finds its
        block ready instead of paying the load (a LanceDB query of that user's rows: 20 ms
        at 100k rows, 0.1-0.5 s at 1M on this machine). Runs after open and after bulk
        appends; a search never waits for it beyond one load in flight."""
        began = time.perf_counter()
        try:
            await asyncio.sleep(delay_s)
            room = 0.9 * self.scopes.budget_bytes
            while True:
                self._unwarmed_rows = 0
                users = await _guard("read users", lambda: self.table.query().select(["user_id"]).to_arrow())
                counts = pc.value_counts(users.column("user_id").combine_chunks()).to_pylist()
                order = sorted((c["counts"], c["values"]) for c in counts if c["values"] is not None)
                for n, user in reversed(order):
                    if self._closed or self.scopes.used_bytes() > room:  # stats() walks every block
                        return
                    key: ScopeKey = (("user_id", user),)
                    if n > self.scopes.max_rows or self.scopes.loaded_key(key):
                        continue
                    await self.scopes.block(key)
                    self.warmed += 1
                    await asyncio.sleep(0)  # searches and writes go first
                if not self._unwarmed_rows:  # else users may have come meanwhile: look again
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # a cache: a failed warm-up only means loads on first search
            log.warning("loading scope blocks ahead failed", exc_info=True)
        finally:
            self.warm_seconds = time.perf_counter() - began

    async def _load_scope(self, key: ScopeKey) -> tuple[pa.Table, np.ndarray, list[str]] | None:
        """One scope's rows for its in-memory block; None when it has too many to scan."""
        where = " AND ".join(f"{col} = {lance_literal(value)}" for col, value in key)
        cap = self.scopes.max_rows
        async with self._check_lock:  # never beside a checkout_latest of the same handle
            tbl = await _guard(
                "read scope",
                lambda: self.table.query().where(where).select(BLOCK_COLUMNS).limit(cap + 1).to_arrow(),
            )
        if tbl.num_rows > cap:
            return None
        return self._block_rows(tbl)

    def _block_rows(self, tbl: pa.Table) -> tuple[pa.Table, np.ndarray, list[str]]:
        """Rows read with ``BLOCK_COLUMNS`` as a block takes them: the hit columns, float32
        vectors (quantized by the block, scopes.py) and the full-text of each row."""
        vec_col = tbl.column("vector").combine_chunks()
        flat = vec_col.values.to_numpy(zero_copy_only=False) if len(vec_col) else np.zeros(0, np.float32)
        texts = [t or "" for t in tbl.column(FTS_COLUMN).to_pylist()]
        return tbl.select(RESULT_COLUMNS).combine_chunks(), flat.reshape(len(vec_col), self.dim), texts

    async def reset(self) -> None:
        await self.flush()
        async with self._maintenance:
            self.scopes.drop_all()
            await _guard("drop table", lambda: self.db.drop_table(TABLE))
            self.table = await self._open_table(self.db, self.dim)
            self._appends = 0
            self._cleaned_version = 0
            self._own_versions.clear()
            self._upkeep_versions.clear()
            self._known_version = int(await _guard("version", lambda: self.table.version()))
            self._rows = 0

    # --- reads ---------------------------------------------------------------------------

    async def search_vector(
        self, vector: np.ndarray, where: str | None, limit: int, scope: ScopeKey | None = None, *, lazy: bool = False,
        center: float = 0.0,
    ) -> list[dict[str, Any]]:
        """Nearest rows by cosine; ``scope`` (the same filter as ``where``, when it is
        scope-only) lets the in-memory block answer exactly. ``lazy``: a block's rows come
        as id, score and a reference; :meth:`materialize` completes them. ``center``: the
        cosine after that share of the scope's mean vector is taken out (``ScopeIndex.vector``;
        a block only: LanceDB's index scores plain cosine)."""
        self.upkeep.touch()
        if scope is not None and self.scan:
            await self._check_foreign()
            blk = await self.scopes.block(scope)
            if blk is not None:
                return self.scopes.vector(blk, vector, limit, lazy, center=center)
        await self.flush()

        def build() -> Any:
            # refine_factor: with an IVF_PQ index, re-rank 10x the candidates by exact distance
            # (PQ distances are approximate); a flat scan ignores it. On 100k real-model vectors
            # (bench-scale --ann-recall): recall@10 0.930 at 5x, 0.963 at 10x, 0.981 at 20x
            # with dim/4 sub-vectors (48 sub-vectors: 0.728 at 5x, 0.843 at 10x).
            q = self.table.vector_search(np.asarray(vector, dtype=np.float32)).distance_type("cosine").refine_factor(10)
            if where:
                q = q.where(where)
            return q.select([*RESULT_COLUMNS, "_distance"]).limit(limit).to_list()

        rows = await _guard("vector search", build)
        for r in rows:
            r["score"] = 1.0 - float(r.pop("_distance"))
        return rows

    async def search_fts(
        self, text: str, where: str | None, limit: int, scope: ScopeKey | None = None, *, lazy: bool = False,
        turns: float = 0.0,
    ) -> list[dict[str, Any]]:
        """BM25 over ``search_text`` as a fraction of what the query's terms could reach
        (``scopes.bm25_reach``), so scores are in [0, 1] on both paths. A scope-only filter
        is answered from its block (each term's IDF the smaller of the scope's and the
        loaded blocks', and ``turns``: evidence from the rows stored just before,
        ``ScopeIndex.fts``); other filters go to LanceDB's index, whose statistics are the
        table's (``turns`` does not apply there).
        ``lazy`` as in :meth:`search_vector`."""
        self.upkeep.touch()
        if scope is not None and self.scan:
            await self._check_foreign()
            blk = await self.scopes.block(scope)
            if blk is not None:
                return self.scopes.fts(blk, text, limit, lazy=lazy, turns=turns)
        await self.flush()

        def build() -> Any:
            q = self.table.query().nearest_to_text(text, columns=FTS_COLUMN)
            if where:
                q = q.where(where)
            return q.select([*RESULT_COLUMNS, "_score"]).limit(limit).to_list()

        rows = await _guard("full-text search", build)
        reach = bm25_reach(len(set(tokenize(text))), max(self._rows, 1))
        for r in rows:
            r["score"] = min(1.0, float(r.pop("_score")) / reach)
        return rows

    def scope_rows(self, scope: ScopeKey | None) -> int | None:
        """How many memories a scope-only search just scored (its block's rows), or None
        (other filters, or a scope too large for a block)."""
        return None if scope is None else self.scopes.rows_of(scope)

    @staticmethod
    def materialize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Whole rows for the lazy rows of a search (see ``ScopeIndex.materialize``)."""
        return ScopeIndex.materialize(rows)

    async def rows(self, ids: Sequence[str], columns: Sequence[str]) -> list[dict[str, Any]]:
        await self.flush()
        out: list[dict[str, Any]] = []
        for chunk in chunked(list(ids), 500):
            where = f"id IN ({', '.join(lance_literal(i) for i in chunk)})"
            out.extend(await _guard("read", lambda w=where: self.table.query().where(w).select(list(columns)).to_list()))
        return out

    async def refresh(self) -> None:
        """See writes made through other handles (another process, a repair tool), and
        this process's written-behind rows."""
        await self.flush()
        self.scopes.last_check = 0.0
        await self._check_foreign()

    async def id_hashes(self) -> dict[str, str]:
        await self.flush()
        tbl = await _guard("scan", lambda: self.table.query().select(["id", "hash"]).to_arrow())
        return dict(zip(tbl.column("id").to_pylist(), tbl.column("hash").to_pylist()))

    async def id_hash_batches(self, after: str | None, upto: str | None, batch_rows: int = 8192) -> AsyncIterator[pa.RecordBatch]:
        """(id, hash) of the rows with ``after < id <= upto`` (None: that side open), a
        batch at a time: a slice of the table to compare with the records store one id
        range at a time, in bounded memory however many rows the range holds (the id
        index answers the range; strings compare by UTF-8 bytes, as in SQLite)."""
        parts = []
        if after is not None:
            parts.append(f"id > {lance_literal(after)}")
        if upto is not None:
            parts.append(f"id <= {lance_literal(upto)}")
        q = self.table.query().select(["id", "hash"])
        if parts:
            q = q.where(" AND ".join(parts))
        reader = await _guard("scan", lambda: q.to_batches(max_batch_length=batch_rows))
        try:
            async for batch in reader:
                yield batch
        except AgentMemError:
            raise
        except Exception as exc:
            raise VectorStoreError(f"LanceDB scan failed: {exc}") from exc

    async def rows_of(self, ids: Sequence[str], columns: Sequence[str]) -> pa.Table:
        """``columns`` (``id`` first) of these ids as Arrow, in no particular order (absent ids
        are absent): one page of an export, without a Python object per value."""
        tables = [
            await _guard("read", lambda c=chunk: self.table.query().where(
                f"id IN ({', '.join(lance_literal(i) for i in c)})").select(list(columns)).to_arrow())
            for chunk in chunked(list(ids), 500)
        ]
        if not tables:
            return pa.schema([schema(self.dim).field(c) for c in columns]).empty_table()
        return pa.concat_tables(tables)

    async def select(self, where: str | None, columns: Sequence[str]) -> pa.Table:
        """``columns`` of every row matching ``where`` (a ``to_lance`` filter; None: every
        row) as Arrow, in no particular order: the reads of a store kept without records."""
        await self.flush()
        q = self.table.query().select(list(columns))
        if where:
            q = q.where(where)
        return await _guard("read", lambda: q.to_arrow())

    async def hashes(self, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
        await self.flush()
        found: dict[str, tuple[str, str]] = {}
        for chunk in chunked(list(hashes), 500):
            where = f"hash IN ({', '.join(lance_literal(h) for h in chunk)})"
            rows = await _guard("read", lambda w=where: self.table.query().where(w).select(["hash", "id", "content"]).to_list())
            found.update({r["hash"]: (r["id"], r["content"]) for r in rows})
        return found

    async def count(self, where: str | None = None) -> int:
        await self.flush()
        return int(await _guard("count", lambda: self.table.count_rows(where)))

    # --- upkeep --------------------------------------------------------------------------

    async def compact(self) -> None:
        """Merge small fragments, fold new rows into the indexes, drop versions older than
        ``retention_s`` (their files are what makes the disk grow past the data's size).

        Called by the upkeep task (and ``optimize()``), never by a writer.
        """
        async with self._maintenance:
            self._appends = 0
            await self._own_span(lambda: _guard(
                "optimize", lambda: self.table.optimize(cleanup_older_than=timedelta(seconds=self.retention_s))
            ))
            self._cleaned_version = int(await _guard("version", lambda: self.table.version()))

    async def optimize(self) -> dict[str, Any]:
        """Compact, update indexes, and build the ANN index if the table has grown enough."""
        await self.flush()
        await self.compact()
        built = await self.maybe_build_ann()
        return {"rows": await self.count(), "ann_index_built": built, **await self.info()}

    async def needs(self) -> dict[str, Any]:
        """What the table would gain from upkeep: the facts the upkeep policy decides on."""
        stats = await _guard("stats", lambda: self.table.stats())
        frag = stats.fragment_stats if hasattr(stats, "fragment_stats") else stats["fragment_stats"]
        get = (lambda o, k: getattr(o, k)) if hasattr(frag, "num_fragments") else (lambda o, k: o[k])
        rows = int(stats.num_rows if hasattr(stats, "num_rows") else stats["num_rows"])
        indices = await _guard("list indexes", lambda: self.table.list_indices())
        unindexed = 0
        has_vector = False
        for idx in indices:
            if "vector" in idx.columns:
                has_vector = True
            if idx.index_type in ("FTS", "IVF_PQ") or "vector" in idx.columns:
                st = await _guard("index stats", lambda n=idx.name: self.table.index_stats(n))
                if st is not None:
                    unindexed = max(unindexed, int(st.num_unindexed_rows))
        version = int(await _guard("version", lambda: self.table.version()))
        return {
            "rows": rows,
            "fragments": int(get(frag, "num_fragments")),
            "small_fragments": int(get(frag, "num_small_fragments")),
            "unindexed_rows": unindexed,
            "has_vector_index": has_vector,
            "versions_since_cleanup": max(0, version - self._cleaned_version),
        }

    async def maybe_build_ann(self) -> str | None:
        """Build an IVF_PQ vector index once the table reaches ``ann_min_rows``.

        Below that, a flat scan is exact and fast enough (LoCoMo's 2,760 rows search in a
        few ms); above it, the index keeps search time from growing with the table. Rows
        appended later are scanned flat until the next compaction folds them in.
        """
        rows = await self.count()
        if rows < self.ann_min_rows or await self._has_vector_index():
            return None
        # ~4k rows a partition, 20 k-means iterations on 64 samples a partition: the build
        # runs in the background on shared cores, and sqrt(rows) partitions with LanceDB's
        # defaults took 250 s at 100k rows here (scoped searches never need the index).
        partitions = max(1, min(int(math.sqrt(rows)), rows // 4096))
        # dim/4 sub-vectors (96 bytes a row for MiniLM): dim/8 lost too much for the refine
        # step to recover on real-model vectors (see search_vector)
        async with self._maintenance:
            await self._own_span(lambda: _guard(
                "build ANN index",
                lambda: self.table.create_index(
                    "vector", config=IvfPq(distance_type="cosine", num_partitions=partitions, num_sub_vectors=self.dim // 4,
                                           max_iterations=20, sample_rate=64)
                ),
            ))
        return f"IVF_PQ ({partitions} partitions)"

    async def _has_vector_index(self) -> bool:
        indices = await _guard("list indexes", lambda: self.table.list_indices())
        return any("vector" in idx.columns for idx in indices)

    async def info(self) -> dict[str, Any]:
        stats = await _guard_retried("stats", lambda: self.table.stats())
        version = await _guard_retried("version", lambda: self.table.version())
        versions = await _guard_retried("versions", lambda: self.table.list_versions())
        indices = await _guard_retried("list indexes", lambda: self.table.list_indices())
        frag = stats.fragment_stats if hasattr(stats, "fragment_stats") else stats["fragment_stats"]
        get = (lambda o, k: getattr(o, k)) if hasattr(frag, "num_fragments") else (lambda o, k: o[k])
        return {
            "upkeep": self.upkeep.stats(),
            "scope_blocks": {**self.scopes.stats(), "foreign_rows": self.foreign_rows, "warmed": self.warmed,
                             "warm_seconds": round(self.warm_seconds, 2)},
            "appends": self.append_count,
            "append_seconds": round(self.append_seconds, 3),
            "append_wait_seconds": round(self.append_wait_seconds, 3),
            "behind_rows": self.behind_rows,
            "behind_failed": self.behind_failed,
            "queued_rows": sum(len(q[0]) for q in self._queue),
            "version": int(version),
            "versions": len(versions),
            "fragments": int(get(frag, "num_fragments")),
            "small_fragments": int(get(frag, "num_small_fragments")),
            "indices": [
                {"name": i.name, "type": i.index_type, "columns": list(i.columns)} for i in indices
            ],
        }

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._warm_task is not None and not self._warm_task.done():
            self._warm_task.cancel()
            await asyncio.gather(self._warm_task, return_exceptions=True)
        await self.upkeep.stop()
        if self._flusher is not None and not self._flusher.done():
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self._check_task is not None and not self._check_task.done():
            await asyncio.gather(self._check_task, return_exceptions=True)
        try:
            self.table.close()
            self.db.close()
        except Exception:  # closing is best effort; LanceDB has flushed every committed write
            log.debug("closing LanceDB raised", exc_info=True)
