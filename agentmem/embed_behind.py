"""Embed-behind: a single add returns before its text is embedded.

With write-behind (storage/write_behind.py) an add of a few memories returns once the
records transaction commits them; with ``embed_behind`` that transaction holds an empty
pending vector instead of the embedding, so the add does not wait for the model either.

1. **Commit** (:meth:`EmbedBehind.commit`): the memories go to the records store with an
   empty pending vector and join the waiting list; the add returns.
2. **Embed**: a moment later (``EMBED_BEHIND_DELAY_S``) the background embeds everything
   waiting in one model call, unless a search came first: a search embeds the waiting
   memories beside its query (:meth:`EmbedBehind.embed_waiting`), so every search finds
   every add that returned. At most ``EMBED_BEHIND_MAX`` wait: an add that finds that many
   embeds them itself.
3. **Append**: the vectors go the write-behind way (``WriteBehind.append``): queued for the
   next group append to LanceDB, which clears their pending rows.
4. **Flush** (:meth:`EmbedBehind.flush`): updates, deletes, ``Memory.flush()`` and close
   embed whatever waits first. A process killed before the embedding leaves the pending
   rows, and the next open embeds and appends them (``WriteBehind.recover``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

import numpy as np

from .storage.base import NewMemory
from .storage.libsql import RecordStore
from .storage.write_behind import WriteBehind
from .timing import StageClock, timed_write

__all__ = ["EMBED_BEHIND_DELAY_S", "EMBED_BEHIND_MAX", "EmbedBehind"]

log = logging.getLogger(__name__)

#: Memories at most waiting to be embedded; an add that finds this many embeds them.
EMBED_BEHIND_MAX = 64
#: How long a memory waits for a search to embed it before the background does.
EMBED_BEHIND_DELAY_S = 0.02


class EmbedBehind:
    """The memories of one Memory committed to the records store but not embedded yet."""

    def __init__(
        self,
        records: RecordStore,
        write_behind: WriteBehind,
        *,
        owner: str,
        history: bool,
        embed: Callable[[Sequence[str], StageClock], Awaitable[np.ndarray]],
        embed_query: Callable[[str, StageClock], Awaitable[np.ndarray]],
    ) -> None:
        self.records = records
        self.write_behind = write_behind
        self.owner = owner
        self.history = history
        self._embed = embed
        self._embed_query = embed_query
        # waiting to be embedded (in order), the embeddings under way, the background task
        self.waiting: list[NewMemory] = []
        self._embedding: set[asyncio.Future[None]] = set()
        self._task: asyncio.Future[None] | None = None

    @property
    def embedding(self) -> int:
        """Embedding calls of waiting memories under way."""
        return len(self._embedding)

    @property
    def pending(self) -> bool:
        """Whether an add that returned is not embedded yet."""
        return bool(self.waiting or self._embedding)

    async def commit(self, items: list[NewMemory], clock: StageClock, taken: dict[str, str]) -> None:
        """Step 1: commit the memories (with an empty pending vector) and return; the
        embedding follows in the background or with the next search."""
        await timed_write(
            self.records.insert(items, history=self.history, taken=taken, pending=(None, self.owner)), clock
        )
        self.waiting.extend(m for m in items if m.hash not in taken)
        if len(self.waiting) >= EMBED_BEHIND_MAX:  # the background is behind: this add helps
            await self.embed_waiting(None, clock)
        elif self.waiting and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._in_background())

    async def _in_background(self) -> None:
        # A moment's wait: an agent's next search usually comes first and embeds the
        # memory in one model call with its query; and adds arriving meanwhile share a call.
        await asyncio.sleep(EMBED_BEHIND_DELAY_S)
        while self.waiting:
            try:
                await self.embed_waiting(None, StageClock("embed_behind", len(self.waiting)))
            except Exception:  # still waiting: the next search or flush tries again (and raises)
                log.warning("embedding added memories in the background failed", exc_info=True)
                return

    async def embed_waiting(self, query: str | None, clock: StageClock) -> np.ndarray | None:
        """Steps 2-3: embed every memory waiting (and ``query`` beside them), queue their
        vector rows, and wait for embeddings others started: afterwards every add that
        returned before this call is searchable. Returns the query's vector."""
        items, self.waiting = self.waiting, []
        others = list(self._embedding)
        qv = None
        if items or query is not None:
            mine: asyncio.Future[None] | None = None
            if items:
                mine = asyncio.get_running_loop().create_future()
                self._embedding.add(mine)
            try:
                texts = [m.content for m in items]
                if query is None:
                    vecs = await self._embed(texts, clock)
                elif not items:
                    qv = await self._embed_query(query, clock)
                else:  # each on its model's thread, at once
                    vecs, qv = await asyncio.gather(self._embed(texts, clock), self._embed_query(query, clock))
                if items:
                    with clock.stage("vectors"):
                        self.write_behind.append(items, vecs)
            except BaseException:
                self.waiting[:0] = items  # still pending in the records store: tried again
                raise
            finally:
                if mine is not None:
                    self._embedding.discard(mine)
                    mine.set_result(None)
        if others:
            await asyncio.gather(*others)
        return qv

    async def flush(self) -> None:
        """Step 4: embed whatever adds left waiting."""
        while self.pending:
            await self.embed_waiting(None, StageClock("embed_behind", len(self.waiting)))

    async def close(self) -> None:
        """Flush (a failure leaves the memories pending in the records store: embedded on
        the next open) and stop the background task."""
        try:
            await self.flush()
        except Exception:
            log.warning("embedding waiting memories on close failed", exc_info=True)
        if self._task is not None and not self._task.done():
            self._task.cancel()  # nothing is left for it (flushed above)
            await asyncio.gather(self._task, return_exceptions=True)
