"""Write-behind: a small add returns once its records transaction commits; its vectors
reach LanceDB in the next group append. This module owns the protocol end to end.

1. **Commit.** The records store's insert transaction also writes each new memory's
   vector (float32 bytes; an empty blob when the memory is not embedded yet, embed-behind)
   and its search text to ``pending_vectors``, with the writer's owner tag
   (``host:pid:token``) and the time (:func:`stage_pending`). Once that transaction
   commits the add is durable: a kill from here on loses nothing.
2. **Announce.** The rows reach this process's loaded scope blocks at once
   (``ScopeIndex.announce``), and a block loaded before the append commits gets them too;
   so a search right after the add finds it (:meth:`WriteBehind.append`).
3. **Append behind.** The rows join the vector store's commit queue and go to LanceDB in
   the next group append (``CommitQueue.add_behind``); nobody waits for it. ``flush()``
   waits for it where a reader needs LanceDB to hold them.
4. **Settle and clear.** Once the append has committed, the announced rows are settled
   (``ScopeIndex.settled``: a block read from LanceDB from now on holds them) and their
   ``pending_vectors`` rows are deleted (:func:`clear_pending`). An append that fails
   leaves them pending; a failed clear leaves rows that replay finds already in LanceDB.
5. **Recover.** On open (:meth:`WriteBehind.recover`), the pending rows of writers that
   are gone are replayed: each memory still in the records store is upserted by id into
   LanceDB (a row that did reach LanceDB is not doubled), memories committed before they
   were embedded are embedded first, and the replayed rows are cleared. A row whose
   memory was deleted since is only cleared.
6. **Orphans.** A pending row is another writer's to finish while that writer may still
   be running (:meth:`WriteBehind.orphaned`): this Memory's own rows never; a dead process
   on this host at once; another Memory of this process, another host's process, or a live
   process (or a reused pid) only once the row is five minutes old.

Only small writes to a local records file go this way (:meth:`WriteBehind.applies`): a
vector per row through SQLite would halve the bulk rate, and a remote records server is
not in one transaction with this process.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .base import NewMemory
from .rows import MEMORY_COLUMNS, row_to_record
from .sql import chunked, in_list
from .table import RESULT_COLUMNS, to_arrow

if TYPE_CHECKING:
    from ..models import MemoryRecord
    from .lance import VectorStore
    from .libsql import RecordStore
    from .pool import ClientPool

__all__ = ["ORPHAN_AFTER_S", "PendingRow", "WriteBehind", "clear_pending", "read_pending", "stage_pending"]

log = logging.getLogger(__name__)
#: How old a pending row of a writer that may still be running must be to count as orphaned.
ORPHAN_AFTER_S = 300.0
#: Pending rows replayed per LanceDB upsert on recovery.
REPLAY_ROWS = 4096

PendingRow = tuple[str, "MemoryRecord | None", bytes, "str | None", str, float]


def stage_pending(
    db: Any, items: Sequence[NewMemory], vectors: np.ndarray | None, owner: str, skipped: set[str]
) -> None:
    """Step 1, inside the records insert transaction: one ``pending_vectors`` row per
    inserted memory (``skipped``: hashes another writer stored first, not inserted)."""
    now = time.time()
    db.executemany(
        "INSERT OR REPLACE INTO pending_vectors (id, vector, search_text, owner, created) VALUES (?, ?, ?, ?, ?)",
        [
            (m.id, b"" if vectors is None else np.asarray(vectors[i], dtype=np.float32).tobytes(),
             None if m.search_text == m.content else m.search_text, owner, now)
            for i, m in enumerate(items) if m.hash not in skipped
        ],
    )


async def clear_pending(pool: ClientPool, ids: Sequence[str]) -> None:
    """Step 4: forget pending vectors whose LanceDB append has committed."""
    await pool.write([("records", [
        (f"DELETE FROM pending_vectors WHERE id IN {in_list(c)}", list(c)) for c in chunked(list(ids), 900)
    ])])


async def read_pending(pool: ClientPool, limit: int) -> list[PendingRow]:
    """Up to ``limit`` pending vectors, oldest first: (id, the memory or None if it is
    gone since, the float32 vector bytes (empty: not embedded yet), its search text if
    not the content, owner, created)."""
    rows = await pool.query(
        f"SELECT p.id, p.vector, p.search_text, p.owner, p.created, {', '.join('m.' + c for c in MEMORY_COLUMNS)} "
        "FROM pending_vectors AS p LEFT JOIN memories AS m ON m.id = p.id ORDER BY p.created LIMIT ?",
        [limit],
    )
    return [(r[0], row_to_record(r[5:]) if r[5] is not None else None, r[1], r[2], r[3], r[4]) for r in rows]


class WriteBehind:
    """The write-behind path between one records store and one vector store."""

    def __init__(self, records: RecordStore, vectors: VectorStore, *, owner: str) -> None:
        self.records = records
        self.vectors = vectors
        self.owner = owner  # who wrote a pending vector: host, process, this Memory

    def applies(self, chunk: Sequence[NewMemory], max_rows: int) -> bool:
        """Whether these memories go write-behind: at most ``max_rows`` of them, to a local
        records file, with the vector store open."""
        return max_rows > 0 and len(chunk) <= max_rows and self.records.pool.local and not self.vectors.closed

    def append(self, items: Sequence[NewMemory], vectors: np.ndarray) -> None:
        """Steps 2-4 for memories whose records (and pending vectors) have committed."""
        if not items:
            return
        store = self.vectors
        store.upkeep.touch()  # an agent's turn is under way: a due round waits for a pause
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        cols = to_arrow(items, vectors, store.dim).select(RESULT_COLUMNS)
        token = store.scopes.announce(cols, vectors, [m.search_text for m in items])

        async def committed(ids: list[str]) -> None:
            store.scopes.settled(token)
            try:
                await clear_pending(self.records.pool, ids)
            except Exception:  # the rows are in LanceDB; a later replay finds them there
                log.warning("clearing written-behind rows failed", exc_info=True)

        def failed(exc: BaseException) -> None:  # still pending in the records store: replayed on open
            log.warning("LanceDB append of written-behind rows failed: %s", exc)

        store.queue.add_behind(items, vectors, committed, failed)

    async def recover(self, embed: Callable[[list[str]], Awaitable[np.ndarray]], dim: int) -> int | None:
        """Step 5: append the pending vectors that writers now gone left (their adds had
        returned). Returns how many memories it appended, None when nothing was pending."""
        if not self.records.pool.local:
            return None
        rows = [r for r in await read_pending(self.records.pool, 1_000_000) if self.orphaned(r[4], r[5])]
        if not rows:
            return None
        live = [r for r in rows if r[1] is not None]
        for start in range(0, len(live), REPLAY_ROWS):
            part = live[start : start + REPLAY_ROWS]
            items = [NewMemory.from_record(m, index_text=st) for _, m, _, st, _, _ in part]  # type: ignore[arg-type]
            vecs = np.empty((len(part), dim), dtype=np.float32)
            todo = []  # committed before they were embedded (embed-behind): an empty blob
            for i, (_, _, blob, _, _, _) in enumerate(part):
                if blob:
                    vecs[i] = np.frombuffer(blob, dtype=np.float32)
                else:
                    todo.append(i)
            if todo:
                vecs[todo] = await embed([items[i].content for i in todo])
            await self.vectors.upsert(items, vecs)  # by id: a row that did reach LanceDB is not doubled
        await clear_pending(self.records.pool, [r[0] for r in rows])
        return len(live)

    def orphaned(self, owner: str, created: float) -> bool:
        """Step 6: whether a pending row is left by a writer that will not finish it."""
        host, _, rest = owner.partition(":")
        pid_text, _, _token = rest.partition(":")
        if owner == self.owner:
            return False
        old = created < time.time() - ORPHAN_AFTER_S
        if host != socket.gethostname():  # another machine's process: give it time
            return old
        try:
            pid = int(pid_text)
        except ValueError:
            return True
        if pid == os.getpid():  # another Memory of this process (closing clears its rows)
            return old
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return old  # alive (or its pid reused): only very old rows
