"""The public facades: :class:`AsyncMemory` (the real implementation) and :class:`Memory`.

A facade method checks and converts its arguments (validation.py), then calls the
orchestrator, the one door to the stores (orchestrator.py); no facade reads or writes a
store itself. The hooks benchmarks and tests need are public methods here too:
``wait_warm()``, ``embed()``, ``block_stats()`` and ``stats()["upkeep"]``.

``Memory`` runs an ``AsyncMemory`` on a private event loop in a daemon thread and waits
for each call, so it works in plain scripts and inside a running loop (Jupyter,
Streamlit) alike, without nest_asyncio.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any, Coroutine, TypeVar, overload

import numpy as np

from . import validation as v
from .config import MemoryConfig, masked_options, redact_secrets, redact_url
from .core import AsyncCoreBlocks
from .errors import ClosedError, InvalidInputError, NotFoundError, RecordStoreError
from .infer import Inferrer, InferResult, annotate, run_inferred
from .models import (
    AddResult,
    CallTiming,
    CoreBlock,
    HistoryEvent,
    MemoryRecord,
    RepairReport,
    ResultList,
    SearchHit,
    VerifyReport,
)
from .orchestrator import Embedderlike, Orchestrator, new_memories, now, uuid7
from .storage.base import NewMemory
from .storage.batch import Batch
from .storage.filters import parse_filters, to_utc
from .storage.lance import FTS_COLUMN, VectorStore
from .storage.libsql import RecordStore

__all__ = ["AsyncMemory", "Memory", "CoreBlocks"]

T = TypeVar("T")
EXPORT_FIELDS = ("id", "content", "user_id", "agent_id", "run_id", "memory_type", "metadata", "created_at", "updated_at")


class AsyncMemory:
    """Memories for AI agents, asyncio-native.

    ``AsyncMemory(config)`` opens lazily on first use; ``await AsyncMemory.open(config)``
    or ``async with AsyncMemory(config) as mem:`` open at once.
    """

    def __init__(self, config: MemoryConfig | None = None, *, embedder: Embedderlike | None = None) -> None:
        if config is not None and not isinstance(config, MemoryConfig):
            raise InvalidInputError("config", f"must be a MemoryConfig, got {type(config).__name__}")
        self.config = config or MemoryConfig()
        self._embedder = embedder
        self._orchestrator: Orchestrator | None = None
        self._opening: asyncio.Lock | None = None
        self._closed = False
        self._blocks: AsyncCoreBlocks | None = None
        self._inferrer: Inferrer | None = None

    @classmethod
    async def open(cls, config: MemoryConfig | None = None, *, embedder: Embedderlike | None = None) -> AsyncMemory:
        mem = cls(config, embedder=embedder)
        await mem._ready()
        return mem

    async def __aenter__(self) -> AsyncMemory:
        await self._ready()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _ready(self) -> Orchestrator:
        if self._closed:
            raise ClosedError("this Memory is closed")
        if self._orchestrator is not None:
            return self._orchestrator
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._orchestrator is None:
                self._orchestrator = await self._build()
        return self._orchestrator

    async def _build(self) -> Orchestrator:
        cfg = self.config
        embedder = self._embedder
        if embedder is None:
            from .embed import get_embedder

            embedder = await asyncio.to_thread(get_embedder, cfg)
        cfg.data_path.mkdir(parents=True, exist_ok=True)
        if cfg.remote_vectors:
            # reach the object store before anything is written anywhere: a bad URI, a
            # missing bucket or refused credentials fail here, naming the setting
            await VectorStore.probe(cfg.resolved_vectors_uri, cfg.storage_options)
        try:
            records = await RecordStore.open(
                cfg.resolved_records_url, pool_size=cfg.pool_size, auth_token=cfg.records_auth_token,
                busy_timeout_ms=cfg.busy_timeout_ms,
            )
        except RecordStoreError as exc:
            if exc.setting:
                raise
            raise RecordStoreError(redact_secrets(str(exc), None, cfg.records_auth_token),
                                   setting="records_url") from exc
        try:
            # Processes opening a new table at once would each create it and its indexes
            # (LanceDB commit conflicts): the records store's lease lets one at a time open.
            async with records.leased("open:" + cfg.resolved_vectors_uri, wait_s=120.0):
                vectors = await VectorStore.open(
                    cfg.resolved_vectors_uri, embedder.dim, compact_every=cfg.compact_every,
                    ann_min_rows=cfg.ann_index_min_rows, storage_options=cfg.storage_options,
                    # several processes may share these stores: one of them at a time runs upkeep
                    lease=getattr(records, "try_lease", None),
                    release_lease=getattr(records, "release_lease", None),
                )
        except BaseException:
            await records.close()
            raise
        orch = Orchestrator(cfg, embedder, vectors, records)
        self._blocks = AsyncCoreBlocks(orch, cfg.core_block_limit)
        try:
            await orch.recover()  # vectors of adds a killed process had acknowledged
        except BaseException:
            await orch.close()
            raise
        return orch

    @property
    def core(self) -> AsyncCoreBlocks:
        """The persona/human core blocks (available once the memory is open)."""
        if self._closed:
            raise ClosedError("this Memory is closed")
        if self._blocks is None:
            raise ClosedError("open the memory first: await AsyncMemory.open(config) or any call")
        return self._blocks

    # --- adding ----------------------------------------------------------------------------

    @overload
    async def add(
        self,
        messages: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        memory_type: str = "semantic",
        context: str | None = None,
        timestamp: datetime | str | None = None,
    ) -> AddResult: ...

    @overload
    async def add(
        self,
        messages: Sequence[Mapping[str, Any]],
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        metadata: Mapping[str, Any] | Sequence[Mapping[str, Any] | None] | None = None,
        memory_type: str = "semantic",
        context: None = None,
        timestamp: datetime | str | None = None,
        infer: bool = False,
    ) -> ResultList[AddResult] | ResultList[InferResult]: ...

    async def add(
        self,
        messages: str | Sequence[Mapping[str, Any]],
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        metadata: Mapping[str, Any] | Sequence[Mapping[str, Any] | None] | None = None,
        memory_type: str = "semantic",
        context: str | None = None,
        timestamp: datetime | str | None = None,
        infer: bool = False,
    ) -> AddResult | ResultList[AddResult] | ResultList[InferResult]:
        """Store one memory, or one per chat message; the same text in the same scope returns
        the existing id (``NOOP``).

        ``messages`` is a string (one memory; returns its AddResult) or a list of chat
        messages ``{"role": "user" | "assistant" | "system" | "tool", "content": str,
        "name": str}`` (name optional): one memory each, written as one batch (as
        ``add_batch``), results in input order. A message with a name is stored as
        ``"{name}: {content}"``, else as its content. Its metadata is ``metadata`` (one dict
        for every message, or a list with one per message) plus
        ``role`` and, when given, ``name``: the message's values replace the caller's keys
        of the same name. Bad input raises InvalidInputError naming the field
        (``messages[2].role``) and writes nothing; a list holding no dict is refused as
        ``content`` (a list of texts is ``add_batch``'s).

        ``context`` (string form only) is what surrounds the memory, e.g. the turns said
        before it and when: full-text search matches it too; the content is stored as
        given. A message gets its context built: the ``timestamp`` line, then the
        ``config.message_context_turns`` turns said before it, each as stored, taken from
        this call and, with a ``run_id``, then from the latest messages stored in the same
        user/agent/run scope (memories with a ``role``, by created_at).

        ``timestamp`` (a datetime, naive meaning UTC, or an ISO-8601 string) is when the
        text was said: it becomes ``created_at`` (message i: plus i microseconds, keeping
        their order), so ``created_at`` filters select by it, and the context's first line
        (``"Monday 8 May 2023, 1:56 pm"``, in the time zone given). Both forms take it.

        ``infer=True`` (messages only) asks the LLM endpoint of ``config.llm_base_url`` for
        the facts in the messages, each an ADD, UPDATE, DELETE or NOOP against the scope's
        most related memories, applied together (agentmem.infer); returns one InferResult
        per decision. LLMError names the cause when no usable answer came, unless
        ``config.llm_fallback == "store"``: then the messages are stored as without infer.
        """
        if infer is not False:
            if infer is not True:
                raise InvalidInputError("infer", f"must be True or False, got {infer!r}")
            return await self._add_inferred(messages, user_id=user_id, agent_id=agent_id, run_id=run_id,
                                            metadata=metadata, memory_type=memory_type, context=context,
                                            timestamp=timestamp)
        when = v.timestamp(timestamp)
        line = None if when is None else _said(when[1])
        if not v.is_messages(messages):
            if isinstance(messages, (list, tuple)):
                raise InvalidInputError("content", "must be a string or a list of message dicts; "
                                        "add_batch takes a list of texts")
            text = v.content(messages, "content")
            ctx = v.context(context)
            if line is not None:
                ctx = v.context(line if ctx is None else f"{line}\n{ctx}")
            items = new_memories([text], **self._scope(user_id, agent_id, run_id),
                                 memory_type=v.memory_type(memory_type), metadata=[v.encoded_metadata(metadata)],
                                 contexts=[ctx], created_at=None if when is None else when[0])
            orch = await self._ready()
            return (await orch.add_batch(items, op="add"))[0]
        if context is not None:
            raise InvalidInputError("context", "is not taken with messages: each message's context is built from "
                                    "the turns before it (config.message_context_turns)")
        said = v.messages(messages)
        scope = self._scope(user_id, agent_id, run_id)
        mtype = v.memory_type(memory_type)
        bases = v.metadata_list(metadata, len(said), items="messages")
        shared: dict[tuple[int, str, str | None], tuple[dict[str, Any], str]] = {}  # one dict per speaker
        mds = []
        for (role, _, name), (base, _json) in zip(said, bases):
            key = (id(base), role, name)
            md = shared.get(key)
            if md is None:
                extra = {"role": role} if name is None else {"role": role, "name": name}
                md = shared[key] = v.encoded_metadata({**base, **extra})
            mds.append(md)
        texts = [text for _, text, _ in said]
        turns = self.config.message_context_turns
        orch = await self._ready()
        earlier: list[str] = []
        if turns and scope["run_id"] is not None:
            only_messages = {"role": {"in": list(v.ROLES)}, **{k: None for k, x in scope.items() if x is None}}
            latest = await orch.list(parse_filters(only_messages, **scope), limit=turns, offset=0)
            earlier = [r.content for r in reversed(latest)]
        items = new_memories(texts, **scope, memory_type=mtype, metadata=mds,
                             contexts=_message_contexts(texts, earlier, turns, line),
                             created_at=now() if when is None else when[0])
        return ResultList(await orch.add_batch(items, op="add"))

    async def _add_inferred(self, messages: Any, *, user_id: Any, agent_id: Any, run_id: Any, metadata: Any,
                            memory_type: Any, context: Any, timestamp: Any) -> ResultList[InferResult]:
        if not v.is_messages(messages):
            raise InvalidInputError("messages", "infer=True takes a list of message dicts")
        if context is not None:
            raise InvalidInputError("context", "is not taken with messages")
        if metadata is not None and not isinstance(metadata, Mapping):
            raise InvalidInputError("metadata", "infer=True takes one dict for every fact")
        said = v.messages(messages)
        scope = self._scope(user_id, agent_id, run_id)
        md = v.encoded_metadata(metadata)
        mtype = v.memory_type(memory_type)
        when = v.timestamp(timestamp)
        orch = await self._ready()
        if self._inferrer is None:
            self._inferrer = Inferrer(orch)

        async def store(cause: str) -> ResultList[InferResult]:
            added = await self.add(messages, user_id=user_id, agent_id=agent_id, run_id=run_id, metadata=metadata,
                                   memory_type=memory_type, timestamp=timestamp)
            return ResultList(InferResult(r.id, r.event, r.memory, reason=f"llm_fallback=store: {cause}") for r in added)

        return ResultList(await run_inferred(self._inferrer, said, scope, mtype, md, store,
                                             said_at=None if when is None else when[0]))

    async def add_batch(
        self,
        texts: Sequence[str],
        *,
        user_id: str | None | Sequence[str | None] = None,
        agent_id: str | None | Sequence[str | None] = None,
        run_id: str | None | Sequence[str | None] = None,
        metadata: Mapping[str, Any] | Sequence[Mapping[str, Any] | None] | None = None,
        memory_type: str = "semantic",
        vectors: Any = None,
        contexts: Sequence[str | None] | None = None,
    ) -> ResultList[AddResult]:
        """Store many memories in one go; one result per text, in input order.

        ``user_id``, ``agent_id`` and ``run_id`` are each one id for every text (a string
        or None), or a list with one per text (None entries allowed), so one call can
        fill many users: ``add_batch(texts, user_id=["alice", "bob", ...])``. Dedupe is
        within each text's own exact scope, as for single adds; a text repeated in one
        scope is stored once (the repeats return its id as ``NOOP``), the same text in
        two scopes twice.
        ``metadata`` is None, one dict for all, or a list with one dict per text.
        ``contexts`` is None or one context (str or None) per text, as in ``add``.
        ``vectors`` (optional, shape (n, dim)) are used instead of running the model.
        One bad item rejects the whole batch before anything is written, with an
        InvalidInputError naming it (``content[2]``, ``user_id[3]``, ``metadata[5]``).
        """
        items = self._prepare(texts, user_id=user_id, agent_id=agent_id, run_id=run_id, metadata=metadata,
                              memory_type=memory_type, contexts=contexts)
        orch = await self._ready()
        vecs = v.vectors(vectors, len(items), orch.embedder.dim)
        return ResultList(await orch.add_batch(items, vecs))

    def _prepare(self, texts: Any, *, user_id: Any = None, agent_id: Any = None, run_id: Any = None,
                 metadata: Any = None, memory_type: Any = "semantic", contexts: Any = None,
                 prefix: str = "") -> Batch:
        """Check one batch's arguments and build its memories (nothing is written)."""
        items_text = v.texts(texts, f"{prefix}texts")
        mds = v.metadata_list(metadata, len(items_text), f"{prefix}metadata")
        ctxs = v.contexts(contexts, len(items_text), f"{prefix}contexts")
        n = len(items_text)
        scope = {k: v.scope_ids(x, n, f"{prefix}{k}")
                 for k, x in (("user_id", user_id), ("agent_id", agent_id), ("run_id", run_id))}
        return new_memories(items_text, **scope, memory_type=v.memory_type(memory_type, f"{prefix}memory_type"), metadata=mds,
                            contexts=ctxs)

    async def add_many(
        self,
        batches: Sequence[Sequence[str] | Mapping[str, Any]],
        *,
        concurrency: int | None = None,
        **defaults: Any,
    ) -> list[ResultList[AddResult]]:
        """Run several ``add_batch`` calls with at most ``concurrency`` in flight (phase 2B).

        Each batch is a list of texts (using ``defaults`` for the other arguments) or a
        dict of ``add_batch`` arguments with ``texts``. All batches are validated first;
        a failing batch raises after the others have finished (they stay stored).
        """
        from asyncio_pool import AioPool

        width = self.config.batch_concurrency if concurrency is None else v.limit(concurrency, "concurrency", v.MAX_CONCURRENCY)
        if isinstance(batches, (str, bytes)) or not isinstance(batches, Sequence):
            raise InvalidInputError("batches", "must be a list of batches")
        calls: list[dict[str, Any]] = []
        for i, batch in enumerate(batches):
            if isinstance(batch, Mapping):
                if "texts" not in batch:
                    raise InvalidInputError(f"batches[{i}]", "a dict batch needs 'texts'")
                calls.append({**defaults, **batch})
            else:
                calls.append({**defaults, "texts": batch})
        allowed = {"texts", "user_id", "agent_id", "run_id", "metadata", "memory_type", "vectors", "contexts"}
        prepared: list[tuple[Batch, Any]] = []
        for i, call in enumerate(calls):  # every batch is checked before anything is written
            extra = set(call) - allowed
            if extra:
                raise InvalidInputError(f"batches[{i}].{sorted(extra)[0]}", "is not an add_batch argument")
            vectors = call.pop("vectors", None)
            prepared.append((self._prepare(**call, prefix=f"batches[{i}]."), vectors))
        orch = await self._ready()
        checked = [(items, v.vectors(vecs, len(items), orch.embedder.dim, f"batches[{i}].vectors"))
                   for i, (items, vecs) in enumerate(prepared)]

        async def run(batch: tuple[Batch, np.ndarray | None]) -> ResultList[AddResult]:
            return ResultList(await orch.add_batch(batch[0], batch[1]))

        async with AioPool(size=width) as pool:
            results = await pool.map(run, checked)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        return results

    # --- reading ---------------------------------------------------------------------------

    async def search(
        self,
        query: str,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 10,
        mode: str | None = None,
        filters: Mapping[str, Any] | None = None,
        threshold: float | None = None,
    ) -> ResultList[SearchHit]:
        """Memories closest to ``query`` in the scope, best first.

        ``mode`` is ``hybrid`` (vector + full-text, fused by reciprocal rank), ``vector``
        (score = cosine similarity) or ``fts`` (score = BM25); default ``config.search_mode``.
        """
        q = v.query(query)
        conds = parse_filters(filters, **self._scope(user_id, agent_id, run_id))
        n = v.limit(limit, maximum=v.MAX_SEARCH_HITS)
        m = v.mode(self.config.search_mode if mode is None else mode)
        t = v.threshold(threshold)
        orch = await self._ready()
        return ResultList(await orch.search(q, conds, limit=n, mode=m, threshold=t))

    async def get(self, memory_id: str) -> MemoryRecord | None:
        """The memory with this id, or None."""
        mid = v.memory_id(memory_id)
        return await (await self._ready()).get(mid)

    async def get_all(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        filters: Mapping[str, Any] | None = None,
    ) -> ResultList[MemoryRecord]:
        """Memories in the scope, newest first, a page at a time."""
        conds = parse_filters(filters, **self._scope(user_id, agent_id, run_id))
        n, off = v.limit(limit), v.offset(offset)
        orch = await self._ready()
        return ResultList(await orch.list(conds, limit=n, offset=off))

    def iter_all(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        filters: Mapping[str, Any] | None = None,
        page_size: int | None = None,
    ) -> AsyncIterator[MemoryRecord]:
        """Every memory in the scope, one at a time, read ``page_size`` at a time (default
        ``config.page_size``) with a cursor: flat memory and the same cost per page at
        any depth, where ``get_all(offset=...)`` pages slow down with the offset.

        The order is ``get_all``'s (newest first). A memory present for the whole walk
        is yielded exactly once, whatever is added or deleted meanwhile; memories added
        during the walk may or may not be yielded. ``async for r in mem.iter_all(...)``.
        """
        conds, size = self._walk_args(user_id, agent_id, run_id, filters, page_size)

        async def walk() -> AsyncIterator[MemoryRecord]:
            async for page in self._pages(conds, size):
                for record in page:
                    yield record

        return walk()

    def _walk_args(self, user_id: Any, agent_id: Any, run_id: Any, filters: Any, page_size: Any) -> tuple[list[Any], int]:
        conds = parse_filters(filters, **self._scope(user_id, agent_id, run_id))
        size = self.config.page_size if page_size is None else v.limit(page_size, "page_size", v.MAX_WALK_PAGE_ROWS)
        return conds, size

    async def _pages(self, conds: list[Any], size: int, *, newest_first: bool = True) -> AsyncIterator[list[MemoryRecord]]:
        """The pages of a keyset walk (``Orchestrator.page``)."""
        orch = await self._ready()
        after = None
        while True:
            page, after = await orch.page(conds, after=after, limit=size, newest_first=newest_first)
            if page:
                yield page
            if after is None:
                return

    async def count(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        filters: Mapping[str, Any] | None = None,
    ) -> int:
        """How many memories ``get_all`` would page through."""
        conds = parse_filters(filters, **self._scope(user_id, agent_id, run_id))
        return await (await self._ready()).count(conds)

    async def history(self, memory_id: str) -> ResultList[HistoryEvent]:
        """Every ADD / UPDATE / DELETE of the memory, oldest first (kept after a delete).

        History lives in the records store: with ``persist_records=False`` none is kept,
        and this raises RecordStoreError with ``setting == "persist_records"`` (an empty
        list would read as a memory that never changed)."""
        mid = v.memory_id(memory_id)
        orch = await self._ready()
        return ResultList(await annotate(orch, await orch.history(mid)))

    # --- changing --------------------------------------------------------------------------

    async def update(self, memory_id: str, content: str | None = None, *, metadata: Mapping[str, Any] | None = None) -> MemoryRecord:
        """Change the text (re-embedded) and/or replace the metadata; writes an UPDATE event."""
        mid = v.memory_id(memory_id)
        if content is None and metadata is None:
            raise InvalidInputError("content", "give new content, new metadata, or both")
        text = None if content is None else v.content(content)
        md = None if metadata is None else v.metadata(metadata)
        return await (await self._ready()).update(mid, text, md)

    async def delete(self, memory_id: str) -> None:
        """Delete one memory (its history stays, ending in a DELETE event)."""
        mid = v.memory_id(memory_id)
        orch = await self._ready()
        old = await orch.get(mid)
        if old is None:
            raise NotFoundError(mid)
        await orch.delete([old])

    async def delete_all(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        everything: bool = False,
    ) -> int:
        """Delete every memory of a scope (at least one of the ids), or of the whole store
        with ``everything=True``; returns how many. Each memory gets a DELETE event.

        Works a page at a time (``config.page_size``): memory stays flat at any size. If
        the process dies part way, the pages done are deleted in both stores, the rest
        is untouched, and at most one page of vectors outlives its records: ``verify()``
        reports them as orphans and ``repair()`` removes them; calling ``delete_all``
        again finishes the job. ``reset()`` is the fast way to drop everything, history
        and core blocks included.
        """
        scope = self._scope(user_id, agent_id, run_id)
        if not isinstance(everything, bool):
            raise InvalidInputError("everything", f"must be True or False, got {everything!r}")
        if everything and any(scope.values()):
            raise InvalidInputError("everything", "give everything=True or a user_id/agent_id/run_id, not both")
        if not everything and not any(scope.values()):
            raise InvalidInputError(
                "user_id", "delete_all needs user_id, agent_id or run_id, or everything=True for the whole store"
            )
        orch = await self._ready()
        return await orch.delete_where(parse_filters(None, **scope))

    async def reset(self) -> None:
        """Delete every memory, history event and core block in both stores."""
        await (await self._ready()).reset()

    # --- moving data -----------------------------------------------------------------------

    async def export(self, path: str | Path, *, include_vectors: bool = True) -> int:
        """Write every memory to ``.jsonl`` or ``.parquet`` (by suffix); returns how many.

        Streams ``config.page_size`` memories at a time, oldest stored first, each page
        with its vectors (Parquet: one row group per page), so memory stays flat at any
        store size. The file appears complete or not at all (written beside it, then
        renamed). Memories added or deleted while it runs may or may not be in it; none
        is written twice.
        """
        target = Path(path)
        kind = _file_kind(target, "path")
        orch = await self._ready()
        await orch.flush()
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        out = _ExportFile(tmp, kind, orch.embedder.dim if include_vectors else None)
        total = 0
        try:
            async for page in self._pages([], self.config.page_size, newest_first=False):
                columns = ["id", FTS_COLUMN, "vector"] if include_vectors else ["id", FTS_COLUMN]
                stored = await orch.vector_rows([r.id for r in page], columns)
                await asyncio.to_thread(out.write, page, stored)  # formatting off the event loop
                total += len(page)
            out.close()
        except BaseException:
            out.close()
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(target)
        return total

    async def import_(self, path: str | Path, *, reembed: bool = False) -> int:
        """Load a file written by ``export``; ids and times are kept, memories already
        present (same id, or same text in the same scope) are skipped. Vectors in the file
        are used when they fit this model, unless ``reembed``; a page holding a row without
        a fitting vector is embedded by the model. Returns how many were added.

        Streams the file twice, ``config.page_size`` rows at a time: the first pass checks
        every row, so one bad row anywhere rejects the file before anything is written;
        the second writes page by page. If a write fails, the pages already written are
        removed again (a failed import leaves the store as it was). A process killed
        part way keeps the pages written so far; importing the same file again adds the
        rest, since rows already present are skipped.
        """
        source = Path(path)
        kind = _file_kind(source, "path")
        if not source.is_file():
            raise InvalidInputError("path", f"no such file: {source}")
        orch = await self._ready()
        dim, size = orch.embedder.dim, self.config.page_size

        def check() -> None:  # pass 1, in a worker thread: the event loop stays free meanwhile
            for start, rows, given in _read_pages(source, kind, size, dim):
                _import_items(rows, start, dim, given, build=False)

        def prepare(page: Page) -> tuple[list[NewMemory], list[np.ndarray | None]]:
            return _import_items(page[1], page[0], dim, page[2])

        await asyncio.to_thread(check)
        added: list[str] = []
        pages = _read_pages(source, kind, size, dim)
        try:
            while (page := await asyncio.to_thread(next, pages, None)) is not None:
                items, vecs = await asyncio.to_thread(prepare, page)
                existing = {r.id for r in await orch.get_many([m.id for m in items])}
                keep = [i for i, m in enumerate(items) if m.id not in existing]
                if not keep:
                    continue
                use_vectors = not reembed and all(vecs[i] is not None for i in keep)
                arr = v.vectors(np.stack([vecs[i] for i in keep]), len(keep), dim) if use_vectors else None
                results = await orch.add_batch([items[i] for i in keep], arr, op="import")
                added.extend(r.id for r in results if r.event == "ADD")
        except BaseException:
            if added:
                await orch.undo_adds(added)
            raise
        finally:
            pages.close()
        return len(added)

    # --- upkeep ----------------------------------------------------------------------------

    async def verify(self) -> VerifyReport:
        """Whether both stores hold the same memories (ids missing on either side, stale vectors)."""
        return await (await self._ready()).verify()

    async def repair(self) -> RepairReport:
        """Make the vector store match the records store (the source of truth)."""
        return await (await self._ready()).repair()

    async def flush(self) -> None:
        """Wait until every acknowledged add is embedded and appended to LanceDB (adds
        return earlier: see ``embed_behind`` and ``write_behind_rows``). Searches never
        need it; it is for timing, backups and handing the table to another reader."""
        await (await self._ready()).flush()

    async def optimize(self) -> dict[str, Any]:
        """Compact the vector table, fold new rows into its indexes, build the ANN index when due."""
        return await (await self._ready()).optimize()

    async def stats(self) -> dict[str, Any]:
        """Counts and facts about both stores, the embedder and background upkeep.

        ``stats()["upkeep"]`` tells whether background work has settled: ``running`` (an
        upkeep round is under way), ``queued_rows`` (written-behind rows not yet appended to
        LanceDB), ``unembedded`` (memories added and waiting to be embedded, embed-behind),
        ``embedding`` (embedding calls of such memories under way),
        ``unindexed_rows`` (rows the vector or full-text index has not folded in yet),
        ``settled`` (none of these: nothing left for the background to do), ``needs`` (the
        table facts the upkeep policy decides on: rows, fragments, small_fragments,
        unindexed_rows, has_vector_index, versions_since_cleanup), ``rounds`` and ``errors``
        (upkeep rounds run and failed since open). ``stats()["recovered"]`` is how many
        memories the open appended to LanceDB for adds a killed process had acknowledged.
        """
        facts = await (await self._ready()).stats()
        return {
            "memories": facts["memories"],
            "vectors": facts["vectors"],
            "history_events": facts["history_events"],
            "users": facts["users"],
            "memory_types": facts["memory_types"],
            "data_dir": str(self.config.data_path.resolve()),
            "records_url": redact_url(self.config.resolved_records_url),
            "vectors_path": redact_url(self.config.resolved_vectors_uri),
            "storage_options": masked_options(self.config.storage_options),
            "schema_version": facts["schema_version"],
            "lance": facts["lance"],
            "embedder": facts["embedder"],
            "upkeep": facts["upkeep"],
            "recovered": facts["recovered"],
        }

    async def block_stats(self) -> dict[str, Any]:
        """The counters of the in-memory scope blocks (blocks, rows, bytes, hits, misses,
        drops, foreign_drops, foreign_rows, ...), read without touching a store: what a
        benchmark reads right before timing searches, where ``stats()`` would read both
        stores first. ``stats()["lance"]["scope_blocks"]`` reports the same counters."""
        return (await self._ready()).block_stats()

    async def wait_warm(self) -> float:
        """Wait until the scope blocks loaded in the background after open are in memory;
        returns the seconds that warm-up took (0.0 when none ran). A benchmark calls it
        after opening a store, so what it times next is not the opening's loads."""
        return await (await self._ready()).wait_warm()

    async def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The configured embedder's vectors of ``texts``, float32 of shape (n, dim): what
        ``add_batch(vectors=...)`` takes, so a caller can embed once and add many times."""
        checked = v.texts(texts)
        return await (await self._ready()).embed(checked)

    def timings(self) -> list[CallTiming]:
        """The stage timings of every call since the last :meth:`reset_timings`."""
        return [] if self._orchestrator is None else list(self._orchestrator.timings)

    def reset_timings(self) -> None:
        if self._orchestrator is not None:
            self._orchestrator.timings.clear()

    async def close(self) -> None:
        """Close both stores; closing twice is harmless, later calls raise ClosedError."""
        if self._closed:
            return
        self._closed = True
        if self._inferrer is not None:
            inferrer, self._inferrer = self._inferrer, None
            await inferrer.close()
        if self._orchestrator is not None:
            orch, self._orchestrator = self._orchestrator, None
            await orch.close()

    @property
    def closed(self) -> bool:
        return self._closed

    @staticmethod
    def _scope(user_id: Any, agent_id: Any, run_id: Any) -> dict[str, str | None]:
        return {
            "user_id": v.scope_id(user_id, "user_id"),
            "agent_id": v.scope_id(agent_id, "agent_id"),
            "run_id": v.scope_id(run_id, "run_id"),
        }


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def _said(t: datetime) -> str:
    """A time as a context's first line: ``Monday 8 May 2023, 1:56 pm`` (English whatever the locale)."""
    clock = f"{t.hour % 12 or 12}:{t.minute:02d} {'am' if t.hour < 12 else 'pm'}"
    return f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t.year}, {clock}"


def _message_contexts(texts: list[str], earlier: list[str], turns: int, first: str | None) -> list[str | None]:
    """Each message's context: ``first`` (the time line), then the ``turns`` texts said
    before it, from ``texts`` and then ``earlier`` (stored before the call, oldest first).
    The oldest turns give way when the whole would pass MAX_CONTEXT_CHARS."""
    budget = v.MAX_CONTEXT_CHARS - (len(first) + 1 if first else 0)
    head = [first] if first else []
    out: list[str | None] = []
    for i in range(len(texts)):
        before = texts[max(0, i - turns):i]
        need = turns - len(before)
        if need > 0 and earlier:
            before = [*earlier[-need:], *before]
        lines = [*head, *_fit(before, budget)]
        out.append("\n".join(lines) if lines else None)
    return out


def _fit(lines: list[str], budget: int) -> list[str]:
    """The latest lines that fit ``budget`` characters joined by newlines; the oldest one
    kept loses its start if it does not fit whole."""
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        sep = 1 if kept else 0
        if used + sep + len(line) <= budget:
            kept.append(line)
            used += sep + len(line)
            continue
        room = budget - used - sep
        if room > 0:
            kept.append(line[-room:])
        break
    return kept[::-1]


def _file_kind(path: Path, field: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise InvalidInputError(field, f"must end in .jsonl or .parquet, got {path.name!r}")


Page = tuple[int, list[Any], "list[np.ndarray | None] | None"]


def _read_pages(path: Path, kind: str, size: int, dim: int) -> Iterator[Page]:
    """The rows of an export file, ``size`` at a time: the index of each page's first row,
    the rows, and (Parquet) the rows' vectors read straight from Arrow, where a vector of
    another length is None (None for the whole page: the vectors are in the rows)."""
    start = 0
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            # pre_buffer=False: by default pyarrow buffers every column chunk it will read, the
            # whole file in the end (1.6 GB for a 1M export with vectors)
            with pq.ParquetFile(path, pre_buffer=False) as pf:
                for batch in pf.iter_batches(batch_size=size):
                    vecs = _arrow_vectors(batch.column("vector"), dim) if "vector" in batch.schema.names else None
                    rows = (batch.drop_columns(["vector"]) if vecs is not None else batch).to_pylist()
                    yield start, rows, vecs
                    start += len(rows)
        except (OSError, ValueError, TypeError) as exc:  # pyarrow's errors for a bad file
            raise InvalidInputError("path", f"not a readable Parquet file: {exc}") from None
        return
    rows: list[Any] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    raise InvalidInputError("path", f"line {n} is not valid JSON") from None
                if len(rows) == size:
                    yield start, rows, None
                    start, rows = start + len(rows), []
    if rows:
        yield start, rows, None


def _arrow_vectors(column: Any, dim: int) -> list[np.ndarray | None] | None:
    """A list column of numbers as one float32 row per entry (None where null or not ``dim``
    long), without a Python float per value; None when the column is not numbers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if not (pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)):
        return None
    if not (pa.types.is_floating(kind.value_type) or pa.types.is_integer(kind.value_type)):
        return None
    fits = pc.fill_null(pc.equal(pc.list_value_length(column), dim), False)
    # a null inside a vector reads as NaN, which the check of the vectors then names
    flat = column.filter(fits).flatten().to_numpy(zero_copy_only=False)
    rows = flat.astype(np.float32, copy=False).reshape(-1, dim)
    out: list[np.ndarray | None] = []
    k = 0
    for ok in fits.to_numpy(zero_copy_only=False):
        out.append(rows[k] if ok else None)
        k += bool(ok)
    return out


def _import_items(
    rows: list[Any], start: int, dim: int, given: list[np.ndarray | None] | None = None, *, build: bool = True
) -> tuple[list[NewMemory], list[np.ndarray | None]]:
    """Check one page of an export file's rows; the memories (``build``) and, per row, its
    vector when the file holds one that fits this model (None otherwise)."""
    items: list[NewMemory] = []
    vecs: list[np.ndarray | None] = []
    scopes: dict[tuple[Any, ...], str] = {}
    for i, row in enumerate(rows, start=start):
        f = f"rows[{i}]"
        if not isinstance(row, Mapping):
            raise InvalidInputError(f, "must be an object")
        text = v.content(row.get("content"), f"{f}.content")
        scope = {k: v.scope_id(row.get(k), f"{f}.{k}") for k in ("user_id", "agent_id", "run_id")}
        md = row.get("metadata")
        if isinstance(md, str):
            try:
                md = json.loads(md)
            except ValueError:
                raise InvalidInputError(f"{f}.metadata", "is not valid JSON") from None
        md, md_json = v.encoded_metadata(md, f"{f}.metadata")  # fresh from JSON: no copy needed
        created = to_utc(row["created_at"], f"{f}.created_at") if row.get("created_at") else None
        mid = v.memory_id(row["id"], f"{f}.id") if row.get("id") is not None else None
        mtype = v.memory_type(row.get("memory_type") or "semantic", f"{f}.memory_type")
        index_text = row.get("index_text")
        if index_text is not None and (
            not isinstance(index_text, str) or len(index_text) > v.MAX_CONTENT_CHARS + v.MAX_CONTEXT_CHARS + 1
        ):
            raise InvalidInputError(f"{f}.index_text", "must be a string: the memory's context and content")
        if build:
            key = (scope["user_id"], scope["agent_id"], scope["run_id"])
            prefix = scopes.get(key) or scopes.setdefault(key, v.scope_key(*key))
            items.append(NewMemory(
                id=mid or uuid7(), content=text, hash=v.content_hash(text, *key, scope=prefix), **scope,
                memory_type=mtype, metadata=md, created_at=created or datetime.now().astimezone(),
                metadata_json=md_json, index_text=index_text,
            ))
        if given is None:
            vec = row.get("vector")
            vecs.append(vec if isinstance(vec, (list, tuple, np.ndarray)) and len(vec) == dim else None)
    if given is not None:
        vecs = list(given)
    have = [n for n, vec in enumerate(vecs) if vec is not None]
    if have:
        try:  # the whole page's vectors checked at once; the row is named only when one is bad
            checked = v.vectors([vecs[n] for n in have], len(have), dim)
        except InvalidInputError:
            for n in have:
                v.vectors([vecs[n]], 1, dim, f"rows[{start + n}].vector")
            raise
        for n, arr in zip(have, checked):
            vecs[n] = arr
    return items, vecs


def _vector_texts(column: Any, dim: int) -> list[str]:
    """JSON text of each vector (``null`` where missing): numpy's shortest float32 digits,
    which read back as the same float32 (half the length of float64 digits, and half
    the parsing on import)."""
    arr = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    valid = arr.is_valid().to_numpy(zero_copy_only=False)
    digits = arr.flatten().to_numpy().reshape(-1, dim).astype(str).tolist()  # the non-null ones, in order
    out, k = [], 0
    for ok in valid:
        if ok:
            out.append("[" + ", ".join(digits[k]) + "]")
            k += 1
        else:
            out.append("null")
    return out


class _ExportFile:
    """An export being written, a page at a time (``dim`` None: without vectors)."""

    def __init__(self, path: Path, kind: str, dim: int | None) -> None:
        self.kind, self.dim = kind, dim
        self._fh: Any = None
        self._pq: Any = None
        if kind == "jsonl":
            self._fh = open(path, "w", encoding="utf-8")
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            fields = [pa.field(k, pa.string()) for k in (*EXPORT_FIELDS, "index_text")]
            if dim is not None:
                fields.append(pa.field("vector", pa.list_(pa.float32(), dim)))
            self._schema = pa.schema(fields)
            self._pq = pq.ParquetWriter(path, self._schema)

    def write(self, records: list[MemoryRecord], stored: Any) -> None:
        """One page: its records, and the vector store's rows of them (``stored``)."""
        import pyarrow as pa

        # the vector store's rows in the page's order; null where one is missing
        where = {i: n for n, i in enumerate(stored.column("id").to_pylist())}
        stored = stored.take(pa.array([where.get(r.id) for r in records], pa.int64()))
        column = stored.column("vector") if self.dim is not None else None
        # what full-text search sees, where it is more than the content (a context)
        index_texts = [t if t is not None and t != r.content else None
                       for t, r in zip(stored.column(FTS_COLUMN).to_pylist(), records)]
        if self._fh is not None:
            texts: list[str] = []
            for n, r in enumerate(records):
                row = {k: getattr(r, k) for k in EXPORT_FIELDS}
                row["created_at"] = r.created_at.isoformat()
                row["updated_at"] = r.updated_at.isoformat()
                if index_texts[n] is not None:
                    row["index_text"] = index_texts[n]
                line = json.dumps(row, ensure_ascii=False)
                if column is not None:
                    if n % 500 == 0:  # the digits of 500 vectors at a time (200k strings)
                        texts = _vector_texts(column.slice(n, 500), self.dim or 0)
                    line = f'{line[:-1]}, "vector": {texts[n % 500]}}}'
                self._fh.write(line + "\n")
            return
        cols: dict[str, Any] = {k: [getattr(r, k) for r in records] for k in EXPORT_FIELDS}
        cols["metadata"] = [json.dumps(r.metadata, ensure_ascii=False) for r in records]
        cols["created_at"] = [r.created_at.isoformat() for r in records]
        cols["updated_at"] = [r.updated_at.isoformat() for r in records]
        arrays = [pa.array(cols[k], pa.string()) for k in EXPORT_FIELDS]
        arrays.append(pa.array(index_texts, pa.string()))
        if column is not None:
            arrays.append(column.combine_chunks() if hasattr(column, "combine_chunks") else column)
        self._pq.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._pq is not None:
            self._pq.close()
            self._pq = None


# --- the sync facade -----------------------------------------------------------------------


class _LoopThread:
    """A private event loop running in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="agentmem-loop", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self.thread:
            coro.close()
            raise RuntimeError("a sync Memory method was called from its own event loop thread")
        fut: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result()

    def stop(self) -> None:
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)
        if not self.loop.is_running():
            self.loop.close()


def _sync(name: str) -> Any:
    method = getattr(AsyncMemory, name)

    @functools.wraps(method)
    def call(self: Memory, *args: Any, **kwargs: Any) -> Any:
        return self._run(getattr(self._async, name)(*args, **kwargs))

    return call


class CoreBlocks:
    """Sync view of the core blocks: ``mem.core.append("human", "Likes tea", user_id="alice")``."""

    def __init__(self, memory: Memory) -> None:
        self._memory = memory

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        async def go() -> Any:
            await self._memory._async._ready()
            return await getattr(self._memory._async.core, name)(*args, **kwargs)

        return self._memory._run(go())

    def get(self, label: str, *, user_id: str | None = None, agent_id: str | None = None) -> CoreBlock:
        return self._call("get", label, user_id=user_id, agent_id=agent_id)

    def replace(self, label: str, value: str, *, user_id: str | None = None, agent_id: str | None = None) -> CoreBlock:
        return self._call("replace", label, value, user_id=user_id, agent_id=agent_id)

    def append(self, label: str, text: str, *, user_id: str | None = None, agent_id: str | None = None,
               separator: str = "\n") -> CoreBlock:
        return self._call("append", label, text, user_id=user_id, agent_id=agent_id, separator=separator)

    def set_limit(self, label: str, limit: int, *, user_id: str | None = None, agent_id: str | None = None) -> CoreBlock:
        return self._call("set_limit", label, limit, user_id=user_id, agent_id=agent_id)

    def list(self) -> ResultList[CoreBlock]:
        return self._call("list")


class Memory:
    """The synchronous Memory: the same methods as :class:`AsyncMemory`, blocking.

    ``Memory()`` stores under ``./data/agentmem``; ``with Memory(cfg) as mem:`` closes it.
    """

    def __init__(self, config: MemoryConfig | None = None, *, embedder: Embedderlike | None = None) -> None:
        self._async = AsyncMemory(config, embedder=embedder)
        self.config = self._async.config
        self._loop = _LoopThread()
        self._closed = False
        try:
            self._run(self._async._ready())
        except BaseException:
            self._closed = True
            self._loop.stop()
            raise
        self.core = CoreBlocks(self)

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._closed:
            coro.close()
            raise ClosedError("this Memory is closed")
        return self._loop.run(coro)

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a forgotten close() still releases the loop thread
        loop = getattr(self, "_loop", None)
        # at interpreter shutdown the daemon loop thread may be gone: waiting on it would hang
        if loop is None or not loop.thread.is_alive():
            return
        try:
            self.close()
        except Exception:
            pass

    add = _sync("add")
    add_batch = _sync("add_batch")
    add_many = _sync("add_many")
    search = _sync("search")
    get = _sync("get")
    get_all = _sync("get_all")
    count = _sync("count")
    history = _sync("history")
    update = _sync("update")
    delete = _sync("delete")
    delete_all = _sync("delete_all")
    reset = _sync("reset")
    export = _sync("export")
    import_ = _sync("import_")
    verify = _sync("verify")
    repair = _sync("repair")
    flush = _sync("flush")
    optimize = _sync("optimize")
    stats = _sync("stats")
    wait_warm = _sync("wait_warm")
    block_stats = _sync("block_stats")
    embed = _sync("embed")

    def iter_all(
        self,
        *,
        user_id: str | None = None,
        agent_id: str | None = None,
        run_id: str | None = None,
        filters: Mapping[str, Any] | None = None,
        page_size: int | None = None,
    ) -> Iterator[MemoryRecord]:
        """Every memory in the scope, read a page at a time (see :meth:`AsyncMemory.iter_all`)."""
        conds, size = self._async._walk_args(user_id, agent_id, run_id, filters, page_size)
        pages = self._async._pages(conds, size)

        def walk() -> Iterator[MemoryRecord]:
            try:
                while True:
                    try:
                        page = self._run(pages.__anext__())
                    except StopAsyncIteration:
                        return
                    yield from page
            finally:
                if not self._closed:
                    self._run(pages.aclose())

        return walk()

    def timings(self) -> list[CallTiming]:
        return self._async.timings()

    def reset_timings(self) -> None:
        self._async.reset_timings()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close both stores and stop the private loop; closing twice is harmless."""
        if getattr(self, "_closed", True):
            return
        try:
            self._loop.run(self._async.close())
        finally:
            self._closed = True
            self._loop.stop()
